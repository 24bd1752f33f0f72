import Foundation
import Testing
import TestSupport

/// The one network stack of #16: nothing in the project reaches for URLSession's networking half
/// (FoundationNetworking, which drags libcurl and its TLS into every process), and the built
/// `tordesc` does not link it.
@Suite struct NetworkStackTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// Spelled in two pieces so that this file does not match itself.
    static let banned = "Foundation" + "Networking"

    @Test("no Swift file under Sources, Tests, Benchmarks or Fuzz imports FoundationNetworking")
    func noFoundationNetworkingImport() throws {
        var offenders: [String] = []
        var scanned = 0
        for folder in ["Sources", "Tests", "Benchmarks", "Fuzz"] {
            let base = Self.root.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { continue }
            for case let url as URL in walker where url.pathExtension == "swift" && !url.path.contains("/.build") {
                scanned += 1
                let text = try String(contentsOf: url, encoding: .utf8)
                for line in text.split(separator: "\n") {
                    let words = line.split(separator: " ")
                    guard let position = words.firstIndex(of: "import"), words[..<position].allSatisfy({ $0.hasPrefix("@") }),
                          words.dropFirst(position + 1).contains(where: { $0 == Self.banned || $0.hasPrefix(Self.banned + ".") }) else { continue }
                    offenders.append("\(url.path.dropFirst(Self.root.path.count + 1)): \(line)")
                }
            }
        }
        #expect(scanned > 100, "only \(scanned) Swift files found under \(Self.root.path)")
        #expect(offenders.isEmpty, "\(offenders)")
    }

    @Test("ldd of the built tordesc lists no libFoundationNetworking and no libcurl",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/ldd"), "ldd not found (not Linux)"))
    func tordescLinksNoCurl() throws {
        let binary = try #require(TordescProcess.executable(projectRoot: Self.root), "tordesc is not built: run swift build first")
        let run = try TordescProcess.run(URL(fileURLWithPath: "/usr/bin/ldd"), [binary.path], in: Self.root)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("libc.so"), "\(run.stdout)")   // ldd really listed the libraries
        #expect(!run.stdout.contains("lib" + Self.banned), "\(run.stdout)")
        #expect(!run.stdout.contains("libcurl"), "\(run.stdout)")
    }
}
