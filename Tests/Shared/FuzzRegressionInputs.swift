import Foundation

/// The inputs `scripts/fuzz.sh` kept under a test target's `FuzzRegressions/<target>/` folder,
/// sorted. One file, symlinked into each test target that replays fuzz findings (test targets
/// cannot share a module without a library product of their own).
enum FuzzRegressionInputs {
    static func inputs(in folder: URL) -> [(target: String, file: URL)] {
        let manager = FileManager.default
        guard let targets = try? manager.contentsOfDirectory(atPath: folder.path) else { return [] }
        return targets.sorted().flatMap { target -> [(String, URL)] in
            let directory = folder.appendingPathComponent(target)
            let files = (try? manager.contentsOfDirectory(atPath: directory.path)) ?? []
            return files.sorted().filter { !$0.hasPrefix(".") }.map { (target, directory.appendingPathComponent($0)) }
        }
    }
}
