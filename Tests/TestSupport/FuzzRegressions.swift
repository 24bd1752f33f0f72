import Foundation

/// The inputs `scripts/fuzz.sh` keeps under a test target's `FuzzRegressions/<target>/` folder,
/// and their replay through the fuzz entry points, for the four test targets that have fuzzers.
///
/// ```swift
/// let replayed = try FuzzRegressions.replay(in: folder, entryPoints: FuzzEntryPoints.targets)
/// #expect(replayed == FuzzRegressions.inputs(in: folder).count)
/// ```
public enum FuzzRegressions {
    /// A saved input in a folder named after no entry point: a renamed or removed fuzz target.
    public struct UnknownTarget: Error, CustomStringConvertible {
        public let target: String
        public let file: URL
        public var description: String { "no fuzz target named \(target) (for \(file.path))" }
    }

    /// Every saved input, sorted by target then file name; hidden files are left out.
    public static func inputs(in folder: URL) -> [(target: String, file: URL)] {
        let manager = FileManager.default
        guard let targets = try? manager.contentsOfDirectory(atPath: folder.path) else { return [] }
        return targets.sorted().flatMap { target -> [(String, URL)] in
            let directory = folder.appendingPathComponent(target)
            let files = (try? manager.contentsOfDirectory(atPath: directory.path)) ?? []
            return files.sorted().filter { !$0.hasPrefix(".") }.map { (target, directory.appendingPathComponent($0)) }
        }
    }

    /// Runs each saved input through the entry point its folder names (the entry points check
    /// their invariants and trap on a violation) and returns how many ran. Throws
    /// ``UnknownTarget`` for a folder no entry point has.
    @discardableResult
    public static func replay(in folder: URL, entryPoints: [String: @Sendable ([UInt8]) -> Void]) throws -> Int {
        var replayed = 0
        for (target, file) in inputs(in: folder) {
            guard let entry = entryPoints[target] else { throw UnknownTarget(target: target, file: file) }
            entry([UInt8](try Data(contentsOf: file)))
            replayed += 1
        }
        return replayed
    }
}
