import Foundation
import Testing
@testable import TorDescriptors

/// CRLF-converted files: the reader verifies their LF form and says so; a stray CR fails, naming
/// the CR. The CRLF files are made from bundled LF ones at test time.
@Suite struct LineEndingsTests {
    static let consensus2012 = "Resources/corpus/consensus/2012-06-18-21-00-00-cached-consensus"
    static let certs2012 = "Resources/corpus/key-certs/2012-06-cached-certs"
    static let authorities2012 = "Resources/directory/historic/tor-0.2.2.37.txt"

    static func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: ProjectFiles.root.path + "/" + relative)))
    }

    static func crlf(_ bytes: [UInt8]) -> [UInt8] {
        bytes.flatMap { $0 == 0x0A ? [0x0D, 0x0A] : [$0] }
    }

    static func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("line-endings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    @Test("classify: LF files need no copy, CRLF throughout converts back to the same bytes, mixed and lone CRs are stray")
    func classify() throws {
        let lf = try Self.bytes(Self.certs2012)
        #expect(LineEndings.normalizing(lf).lineEndings == .lf)
        let converted = LineEndings.normalizing(Self.crlf(lf))
        #expect(converted.lineEndings == .crlfNormalized)
        #expect(converted.bytes == lf)
        // A last line without any ending is still a CRLF file.
        #expect(LineEndings.classify(Array("a\r\nb".utf8)[...]) == .crlfNormalized)
        #expect(LineEndings.classify(Array("a\nb\r\nc\n".utf8)[...]) == .strayCarriageReturn(line: 2))
        #expect(LineEndings.classify(Array("a\r\nb\rc\r\n".utf8)[...]) == .strayCarriageReturn(line: 1))
        #expect(LineEndings.classify(Array("a\nb\nc\r".utf8)[...]) == .strayCarriageReturn(line: 3))
        #expect(LineEndings.normalizing(Array("a\nb\r\n".utf8)).bytes == Array("a\nb\r\n".utf8))
    }

    @Test("the 2012 certificates and consensus converted to CRLF verify, and the report says CRLF normalized")
    func crlfVerifies() throws {
        let certs = try Self.temporaryFile("2012-06-cached-certs", Self.crlf(Self.bytes(Self.certs2012)))
        let consensus = try Self.temporaryFile("2012-06-18-21-00-00-cached-consensus", Self.crlf(Self.bytes(Self.consensus2012)))
        defer {
            try? FileManager.default.removeItem(at: certs.deletingLastPathComponent())
            try? FileManager.default.removeItem(at: consensus.deletingLastPathComponent())
        }
        let withCRLFCerts = try TordescCLITests.run(["verify", "--certs", certs.path, "--authorities", Self.authorities2012,
                                                     "--at", "document", Self.consensus2012])
        #expect(withCRLFCerts.status == 0, "\(withCRLFCerts.stdout)")
        #expect(withCRLFCerts.stdout.contains("network-status-consensus valid-after 2012-06-18 21:00:00: ok"))

        let both = try TordescCLITests.run(["verify", "--certs", certs.path, "--authorities", Self.authorities2012,
                                            "--at", "document", consensus.path, certs.path])
        #expect(both.status == 0, "\(both.stdout)")
        let lines = both.stdout.split(separator: "\n")
        #expect(!lines.isEmpty)
        #expect(lines.allSatisfy { $0.contains(": ok (") && $0.contains("; line endings: CRLF normalized") }, "\(both.stdout)")

        // The authority file converted to CRLF works the same; with one stray CR it is refused, naming the CR.
        let authorities = try Self.temporaryFile("authorities.txt", Self.crlf(Self.bytes(Self.authorities2012)))
        defer { try? FileManager.default.removeItem(at: authorities.deletingLastPathComponent()) }
        let crlfAuthorities = try TordescCLITests.run(["verify", "--certs", certs.path, "--authorities", authorities.path,
                                                       "--at", "document", Self.consensus2012])
        #expect(crlfAuthorities.status == 0, "\(crlfAuthorities.stdout)\(crlfAuthorities.stderr)")
        var strayAuthorities = try Self.bytes(Self.authorities2012)
        strayAuthorities.insert(0x0D, at: try #require(strayAuthorities.firstIndex(of: 0x20)))
        let stray = try Self.temporaryFile("stray-authorities.txt", strayAuthorities)
        defer { try? FileManager.default.removeItem(at: stray.deletingLastPathComponent()) }
        let refused = try TordescCLITests.run(["verify", "--certs", certs.path, "--authorities", stray.path, "--at", "document", Self.consensus2012])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("stray CR (carriage return) on line 1"), "\(refused.stderr)")

        let json = try TordescCLITests.run(["verify", "--json", "--at", "document", certs.path])
        #expect(json.stdout.contains(#""check":"line endings: CRLF normalized","outcome":"passed""#), "\(json.stdout.prefix(600))")
    }

    @Test("one stray CR in the CRLF-free certificates fails that certificate, naming the CR and its line")
    func strayCRFails() throws {
        var bytes = try Self.bytes(Self.certs2012)
        // Put a CR before the LF that ends line 3 (inside the first certificate's signed part).
        var newlines = 0
        let index = try #require(bytes.firstIndex { byte in
            if byte == 0x0A { newlines += 1 }
            return newlines == 3
        })
        bytes.insert(0x0D, at: index)
        let certs = try Self.temporaryFile("stray-cr-certs", bytes)
        defer { try? FileManager.default.removeItem(at: certs.deletingLastPathComponent()) }
        let run = try TordescCLITests.run(["verify", "--at", "document", certs.path])
        #expect(run.status == 1)
        let failed = run.stdout.split(separator: "\n").filter { $0.contains("FAILED") }
        #expect(failed.count == 1, "\(run.stdout)")
        #expect(failed.first?.contains("line endings: FAILED: stray CR (carriage return) on line 3") == true, "\(run.stdout)")

        // Used to verify the consensus, the damaged certificate is named on stderr with its CR.
        let consensus = try TordescCLITests.run(["verify", "--certs", certs.path, "--authorities", Self.authorities2012,
                                                 "--at", "document", Self.consensus2012])
        #expect(consensus.stderr.contains("stray CR (carriage return)"), "\(consensus.stderr)")
    }
}
