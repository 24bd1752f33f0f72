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
    public static var allValueStrings: [String] {
        var values: [String] = []
        for value in allCases { values.append(value.rawValue) }
        return values
    }
    public static var allValueDescriptions: [String: String] { [:] }
    public var defaultValueDescription: String { rawValue }
}

extension CaseIterable where Self: RawRepresentable, RawValue == String {
    /// The raw values, comma-separated, for help texts and messages. Built by a loop, not
    /// `map(\.rawValue).joined(separator:)`: help texts are evaluated at every command's start
    /// (ArgumentParser makes each option's definition before parsing), and the key path and the
    /// standard library's unspecialized `joined` made their type metadata at run time there,
    /// 0.27-0.35 M instructions, as much as 70 consensus entries.
    static var commaSeparatedRawValues: String {
        var text = ""
        for value in allCases {
            if !text.isEmpty { text += ", " }
            text += value.rawValue
        }
        return text
    }
}
