import Foundation
import Testing
import TestSupport
@testable import TorDescriptors

/// v1 router directories on the SYNTHETIC directory of Resources/synthetic (no real one is in
/// reach; see Resources/synthetic/README.md): a header as tor 0.1.0 wrote it, a REAL 2005
/// server descriptor inside, signed by a key made when the file was. Expected values are read
/// from the text here, not from the parser.
@Suite struct RelayDirectoryTests {
    static let path = "Resources/synthetic/directory/synthetic--2005-12-16-v1-directory"

    static func text() throws -> String {
        try String(contentsOf: ProjectFiles.root.appendingPathComponent(path), encoding: .utf8)
    }

    static func line(_ text: String, _ keyword: String) -> String {
        String(text.split(separator: "\n").first { $0.hasPrefix(keyword + " ") || $0 == keyword }!)
    }

    @Test func theDirectoryParsesInBothModesAndVerifies() throws {
        let text = try Self.text()
        let realDescriptor = try ProjectFiles.corpus("server-descriptors/stem--old_descriptor")
        let inner = try ServerDescriptor(parsing: realDescriptor[...])
        for mode in [ValidationMode.lenient, .strict] {
            let directory = try RelayDirectory(parsing: Array(text.utf8)[...], mode: mode)
            #expect(directory.published?.description == String(Self.line(text, "published").dropFirst(10)))
            #expect(directory.recommendedSoftware == Self.line(text, "recommended-software").dropFirst(21).split(separator: ",").map(String.init))
            let status = Self.line(text, "router-status").split(separator: " ").dropFirst()
            #expect(directory.statusKeyword == "router-status" && directory.statusEntries.count == status.count)
            #expect(directory.statusEntries.first == RelayDirectory.StatusEntry(nickname: inner.nickname, fingerprint: inner.fingerprint,
                                                                               isLive: true, isVerified: true))
            #expect(directory.statusEntries.last?.isLive == false && directory.statusEntries.last?.isVerified == false)
            // The descriptor inside is the real one, byte for byte.
            let descriptors = directory.serverDescriptors.compactMap { try? $0.get() }
            #expect(descriptors.map(\.digest) == [inner.digest] && descriptors.first?.nickname == "krypton")
            #expect(directory.signingAuthority == String(Self.line(text, "directory-signature").dropFirst(20)))
            let report = directory.verificationReport()
            #expect(report.isValid, "\(report)")
            // The key that signed is the authority the status line lists as not running.
            let identity = Fingerprint(bytes: Digest.sha1(try #require(directory.signingKey)))
            #expect(directory.statusEntries.last?.fingerprint == identity)
            #expect(DescriptorType.detect(fileName: nil, bytes: Array(text.utf8)[...]) == .relayDirectory)
            #expect(DescriptorType.sniff(Array(text.utf8).dropFirst(20)) == .relayDirectory)
        }
    }

    @Test func aChangeInTheSignedPartFailsTheSignature() throws {
        let text = try Self.text().replacingOccurrences(of: "published 2005-12-16 18:05:00", with: "published 2005-12-16 18:05:01")
        let directory = try RelayDirectory(parsing: Array(text.utf8)[...], mode: .strict)
        let report = directory.verificationReport()
        #expect(!report.isValid && report.failures.map(\.description).joined().contains("different digest"), "\(report)")
    }

    /// The older forms metrics-lib reads: `running-routers` (nicknames and `$`fingerprints,
    /// `!` for not running) and the key base64 on the `dir-signing-key` line.
    @Test func theEarliestFormsParse() throws {
        let text = try Self.text()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let keyStart = try #require(lines.firstIndex(of: "dir-signing-key"))
        let keyEnd = try #require(lines[keyStart...].firstIndex(of: "-----END RSA PUBLIC KEY-----"))
        let base64 = lines[(keyStart + 2)..<keyEnd].joined()
        let authority = "$" + String(repeating: "AB", count: 20)
        var older = Array(lines[..<keyStart]) + ["dir-signing-key \(base64)"] + Array(lines[(keyEnd + 1)...])
        older = older.map { $0.hasPrefix("router-status ") ? "running-routers krypton !moria1 \(authority)" : $0 }
        let directory = try RelayDirectory(parsing: Array(older.joined(separator: "\n").utf8)[...], mode: .strict)
        #expect(directory.statusKeyword == "running-routers")
        #expect(directory.statusEntries == [
            RelayDirectory.StatusEntry(nickname: "krypton", fingerprint: nil, isLive: true, isVerified: true),
            RelayDirectory.StatusEntry(nickname: "moria1", fingerprint: nil, isLive: false, isVerified: true),
            RelayDirectory.StatusEntry(nickname: nil, fingerprint: Fingerprint(hex: String(authority.dropFirst())), isLive: true, isVerified: false),
        ])
        // The same key either way; the signed bytes changed, so the signature no longer holds.
        let original = try RelayDirectory(parsing: Array(text.utf8)[...])
        #expect(directory.signingKey == original.signingKey && directory.signingKey != nil)
        #expect(!directory.verificationReport().isValid)
    }

    @Test func badInputIsATypedErrorNamingLineAndKeyword() throws {
        let text = try Self.text()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func parse(_ lines: [String], _ mode: ValidationMode) throws(DescriptorParseError) -> RelayDirectory {
            try RelayDirectory(parsing: Array(lines.joined(separator: "\n").utf8)[...], mode: mode)
        }
        // No published line: a warning in lenient mode, an error in strict.
        let noPublished = lines.filter { !$0.hasPrefix("published 2005-12-16 18:05") }
        #expect(try parse(noPublished, .lenient).warnings.map(\.keyword) == ["published"])
        #expect(throws: DescriptorParseError.self) { try parse(noPublished, .strict) }
        // A malformed router-status entry names its line.
        let statusLine = try #require(lines.firstIndex { $0.hasPrefix("router-status ") })
        var badStatus = lines
        badStatus[statusLine] = "router-status krypton=$XYZ"
        do {
            _ = try parse(badStatus, .strict)
            Issue.record("accepted a bad router-status entry")
        } catch {
            #expect(error.keyword == "router-status" && error.line == statusLine + 1 && error.document == .relayDirectory, "\(error)")
        }
        // Something else first: misplaced.
        do {
            _ = try parse(["published 2005-12-16 18:05:00"] + lines.dropFirst(2), .lenient)
            Issue.record("accepted a directory without signed-directory")
        } catch {
            #expect(error.failure == .misplacedKeyword(expected: "must be the first item"))
        }
        // A broken server descriptor inside (strict: lenient parsing keeps it with a warning):
        // the directory still parses, the descriptor is its error, and the error's line is the
        // directory's.
        let bandwidth = try #require(lines.firstIndex { $0.hasPrefix("bandwidth ") })
        var badRouter = lines
        badRouter[bandwidth] = "bandwidth many"
        let directory = try parse(badRouter, .strict)
        guard case .failure(let error)? = directory.serverDescriptors.first else {
            Issue.record("the broken descriptor parsed"); return
        }
        #expect(error.line == bandwidth + 1 && error.keyword == "bandwidth", "\(error)")
    }

    /// Every truncation parses or fails with a typed error; none traps or hangs.
    @Test func truncationsAreTypedErrors() throws {
        let bytes = Array(try Self.text().utf8)
        for cut in stride(from: 0, to: bytes.count, by: 7) {
            for mode in [ValidationMode.lenient, .strict] {
                _ = RelayDirectory.parseAll(bytes[..<cut], mode: mode)
            }
        }
    }
}
