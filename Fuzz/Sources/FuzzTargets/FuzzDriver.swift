#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// libFuzzer's own driver: SwiftPM renames an executable's `main`, which hides libFuzzer's
/// `main`, so each target's `main.swift` hands control to `LLVMFuzzerRunDriver` instead.
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// Runs libFuzzer on one named entry point of ``FuzzEntryPoints`` and exits with its status.
///
/// ```swift
/// FuzzDriver.run("microdescriptor")   // the whole main.swift of fuzz-microdescriptor
/// ```
public enum FuzzDriver {
    nonisolated(unsafe) static var entry: ([UInt8]) -> Void = { _ in }

    /// Every entry point: the parsers' and the I/O layers'.
    static let targets: [String: @Sendable ([UInt8]) -> Void] = FuzzEntryPoints.targets
        .merging(DecompressionFuzzEntryPoints.targets) { a, _ in a }
        .merging(ArchiveFuzzEntryPoints.targets) { a, _ in a }
        .merging(DirectoryFuzzEntryPoints.targets) { a, _ in a }
        .merging(LinkFuzzEntryPoints.targets) { a, _ in a }

    public static func run(_ name: String) -> Never {
        guard let target = targets[name] else {
            fatalError("unknown fuzz target \(name); known: \(targets.keys.sorted().joined(separator: ", "))")
        }
        entry = target
        _ = FuzzEntryPoints.diffBase   // loaded once, outside the measured runs
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            FuzzDriver.entry(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
            return 0
        }
        exit(status)
    }
}
