import ArgumentParser

/// The option values that are enums with `String` raw values (`--type`, `--progress`, `--column`,
/// ...) list and describe themselves by their raw values directly.
///
/// ArgumentParser's own defaults reach the same strings through `"\(value)"` interpolation of each
/// case, unspecialized, for every case, several times per run: on every command, not only on
/// `--help`, since the option definitions are built before parsing. Measured with callgrind on
/// `tordesc parse --version`: `DescriptorType.allValueStrings` and `allValueDescriptions` alone took
/// 2.5 M of the command's 17.6 M instructions. The results are the same lists (a description equal
/// to the value is left out, as ArgumentParser does, so the dictionary is empty).
extension ExpressibleByArgument where Self: CaseIterable & RawRepresentable, RawValue == String {
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
    public static var allValueDescriptions: [String: String] { [:] }
    public var defaultValueDescription: String { rawValue }
}
