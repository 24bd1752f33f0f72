import Foundation
import Testing
@testable import TorDescriptors

/// The dated history of the v3 directory authorities (`Resources/directory/authority-history.txt`)
/// and verification at a document's own time against the set then in force.
@Suite struct AuthorityHistoryTests {
    static let historyPath = "Resources/directory/authority-history.txt"

    static func text(_ relative: String) throws -> String {
        try String(contentsOf: ProjectFiles.root.appendingPathComponent(relative), encoding: .utf8)
    }

    static func time(_ text: String) throws -> TorTimestamp { try #require(TorTimestamp(parsing: text)) }

    @Test("the compiled-in history is the data file, and it parses")
    func bundledEqualsFile() throws {
        let file = try Self.text(Self.historyPath)
        #expect(AuthorityHistory.bundledText + "\n" == file)
        let parsed = try AuthorityHistory(parsing: file, source: "file")
        #expect(parsed.periods == AuthorityHistory.tor.periods)
        #expect(parsed.periods.count >= 20)
    }

    @Test("every change cites its source: a tor release tag (named in the sources section's range) or a corpus consensus the file names")
    func changesCiteSources() throws {
        let file = try Self.text(Self.historyPath)
        let history = AuthorityHistory.tor
        var timeOfChange: [String: TorTimestamp] = [:]
        for period in history.periods {
            let events = [(period.addedBy, period.trustedFrom)] + (period.removedBy.map { [($0, period.trustedUntil!)] } ?? [])
            for (source, time) in events {
                #expect(source.hasPrefix("tor-0.") || source.hasPrefix("consensus-"), "\(period.nickname): \(source)")
                if source.hasPrefix("consensus-") {
                    // The consensus is a corpus file the sources section names by date.
                    let date = String(source.dropFirst("consensus-".count))
                    #expect(file.contains("Resources/corpus/consensus/cropped--\(date)"), "\(source) is not named in the sources section")
                }
                // One change, one time: every identity added or removed by the same source shares it.
                if let earlier = timeOfChange[source] { #expect(earlier == time, "\(source) has two times") }
                timeOfChange[source] = time
            }
            #expect(period.trustedUntil.map { $0 > period.trustedFrom } ?? true)
        }
        #expect(timeOfChange.count >= 15)
    }

    @Test("the set in force today is tor's compiled-in nine (TrustedAuthorities.tor)")
    func todayIsTor() {
        let today = AuthorityHistory.tor.authorities(at: TorTimestamp(Date()))
        #expect(Set(today.authorities.map(\.identity)) == Set(TrustedAuthorities.tor.authorities.map(\.identity)))
        #expect(today.origin?.hasPrefix("authorities as of ") == true)
        #expect(today.origin?.contains("9 identities, source Resources/directory/authority-history.txt") == true)
    }

    @Test("the three hand-picked historic files are views of the history at their release dates", arguments: [
        ("tor-0.2.2.37.txt", "2012-06-07 12:00:00"), ("tor-0.2.6.10.txt", "2015-07-12 12:00:00"), ("tor-0.3.4.9.txt", "2018-11-02 12:00:00"),
    ])
    func historicFilesAreViews(_ name: String, _ date: String) throws {
        let listed = try #require(TrustedAuthorities(listing: try Self.text("Resources/directory/historic/" + name)))
        let fromHistory = AuthorityHistory.tor.authorities(at: try Self.time(date))
        #expect(Set(listed.authorities.map(\.identity)) == Set(fromHistory.authorities.map(\.identity)))
    }

    @Test("malformed history lines are errors naming the line")
    func malformed() {
        #expect(throws: AuthorityHistoryError.self) { try AuthorityHistory(parsing: "# nothing\n", source: "x") }
        do {
            _ = try AuthorityHistory(parsing: "# c\nF533C81CEF0BC0267857C99B2F471ADF249FA232 moria1 2022-12-06T16:11:24 2021-01-01T00:00:00 a:1 orport=1 ipv6=- t -\n", source: "x")
            Issue.record("until before from was accepted")
        } catch {
            #expect(error.line == 2)
            #expect(error.message.contains("is not after from"))
        }
    }

    // MARK: Verification at the document's time

    static let consensus2012 = "Resources/corpus/consensus/2012-06-18-21-00-00-cached-consensus"
    static let certs2012 = "Resources/corpus/key-certs/2012-06-cached-certs"

    static func certificates(_ relative: String) throws -> [KeyCertificate] {
        let bytes = [UInt8](try Data(contentsOf: ProjectFiles.root.appendingPathComponent(relative)))
        return KeyCertificate.parseAll(bytes[...]).compactMap { try? $0.get() }
    }

    static func consensus(_ relative: String) throws -> NetworkStatusConsensus {
        try NetworkStatusConsensus(parsing: [UInt8](try Data(contentsOf: ProjectFiles.root.appendingPathComponent(relative))))
    }

    @Test("the 2012 consensus verifies at its own time against 2012's eight authorities, and the report names the set")
    func verifies2012() throws {
        let consensus = try Self.consensus(Self.consensus2012)
        let validAfter = try #require(consensus.validAfter)
        let verifier = AuthorityVerifier(history: .tor)
        let report = verifier.report(for: consensus, certificates: try Self.certificates(Self.certs2012), at: validAfter)
        #expect(report.isValid, "\(report)")
        #expect(report.check(.authoritySet)?.name.hasPrefix("authorities as of 2012-06-18 21:00:00: 8 identities") == true)
        // Today's set does not verify it (tor26, moria1, ... have other identities now).
        let today = AuthorityVerifier(authorities: .tor).report(for: consensus, certificates: try Self.certificates(Self.certs2012), at: validAfter)
        #expect(!today.isValid)
    }

    @Test("a signature by an identity that became an authority only later does not count (restricted history: quorum refused)")
    func laterAuthorityRefused() throws {
        let consensus = try Self.consensus(Self.consensus2012)
        let validAfter = try #require(consensus.validAfter)
        let signers = consensus.footer.signatures.map(\.identity)
        // Move four of the 2012 signers' periods to start in 2013: at the consensus's time they are
        // not authorities, and in their place four identities the consensus has no signature of.
        let later = try Self.time("2013-01-01 00:00:00")
        let moved = Set(signers.prefix(4))
        let history = AuthorityHistory.tor
        let newcomers = history.periods.filter { $0.trustedFrom > later }.prefix(4)
        try #require(newcomers.count == 4)
        let restricted = AuthorityHistory(periods: history.periods.compactMap { period -> AuthorityPeriod? in
            if moved.contains(period.identity) {
                return AuthorityPeriod(identity: period.identity, nickname: period.nickname, trustedFrom: later, trustedUntil: nil,
                                       dirAddress: period.dirAddress, orPort: period.orPort, addedBy: "test", removedBy: nil)
            }
            if newcomers.contains(period) {
                return AuthorityPeriod(identity: period.identity, nickname: period.nickname, trustedFrom: try! Self.time("2010-01-01 00:00:00"),
                                       trustedUntil: nil, dirAddress: period.dirAddress, orPort: period.orPort, addedBy: "test")
            }
            return period
        }, source: "restricted test history")
        let set = restricted.authorities(at: validAfter)
        #expect(set.count == 8)
        let report = AuthorityVerifier(history: restricted).report(for: consensus, certificates: try Self.certificates(Self.certs2012), at: validAfter)
        #expect(!report.isValid)
        guard case .failed(let why)? = report[.quorum(.ns)] else { Issue.record("no failed quorum: \(report)"); return }
        #expect(why.contains("not an authority at 2012-06-18 21:00:00"), "\(why)")
        for identity in moved {
            guard case .notApplicable(let reason)? = report[.signature(authority: identity)] else {
                Issue.record("signature of \(identity.hex) was counted"); continue
            }
            #expect(reason.contains("was trusted 2013-01-01 00:00:00"), "\(reason)")
        }
    }

    @Test("the 2012-10-20 16:00 consensus: Faravahar signed before tor-0.2.3.23-rc made it an authority; its signature is not counted, the rest verify")
    func faravaharTooEarly() throws {
        let sharedCertificates = ProjectFiles.sharedCorpus.appendingPathComponent("key-certs/2012-10-cached-certs")
        let sharedConsensus = ProjectFiles.sharedCorpus.appendingPathComponent("consensus/2012-10-20-16-00-00-cached-consensus")
        try #require(FileManager.default.fileExists(atPath: sharedConsensus.path), "the shared corpus is missing: \(sharedConsensus.path)")
        let consensus = try NetworkStatusConsensus(parsing: [UInt8](try Data(contentsOf: sharedConsensus)))
        let certificates = KeyCertificate.parseAll([UInt8](try Data(contentsOf: sharedCertificates))[...]).compactMap { try? $0.get() }
        let validAfter = try #require(consensus.validAfter)
        let report = AuthorityVerifier(history: .tor).report(for: consensus, certificates: certificates, at: validAfter)
        #expect(report.isValid, "\(report)")
        let faravahar = try #require(Fingerprint(hex: "EFCBE720AB3A82B99F9E953CD5BF50F7EEFC7B97"))
        try #require(consensus.footer.signatures.contains { $0.identity == faravahar })
        guard case .notApplicable(let reason)? = report[.signature(authority: faravahar)] else {
            Issue.record("Faravahar's signature was counted: \(report)"); return
        }
        #expect(reason.contains("not an authority at 2012-10-20 16:00:00: Faravahar was trusted 2012-10-20 18:12:04"), "\(reason)")
    }
}

/// `tordesc verify --at document` on every full (not cropped) consensus of the corpus with only
/// the corpus's key certificates: no `--authorities`, the history picks each one's set.
@Suite(.enabled(if: ProjectFiles.hasSharedCorpus, "needs ../shared/corpus (the archived consensuses 2012-2022)"))
struct VerifyAtDocumentTimeCLITests {
    /// Every full ns and microdesc consensus of the bundled and the shared corpus.
    static func consensuses() throws -> [String] {
        var paths: [String] = []
        for base in [ProjectFiles.root.appendingPathComponent("Resources/corpus"), ProjectFiles.sharedCorpus] {
            for folder in ["consensus", "microdesc-consensus"] {
                let directory = base.appendingPathComponent(folder)
                let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
                paths += names.filter { !$0.hasPrefix("cropped--") && $0.first?.isNumber == true }.sorted().map { directory.appendingPathComponent($0).path }
            }
        }
        return paths
    }

    static var certificateArguments: [String] {
        ["--certs", ProjectFiles.root.appendingPathComponent("Resources/corpus/key-certs").path,
         "--certs", ProjectFiles.sharedCorpus.appendingPathComponent("key-certs").path]
    }

    /// The report line of each path (one document per file), by path.
    static func lines(_ output: String, _ paths: [String]) -> [String: String] {
        var byPath: [String: String] = [:]
        for line in output.split(separator: "\n").map(String.init) {
            if let path = paths.first(where: { line.hasPrefix($0 + ":") }) { byPath[path] = line }
        }
        return byPath
    }

    @Test("each consensus verifies at its own time against the history alone whenever the corpus has its certificates")
    func everyConsensusAtItsTime() throws {
        let paths = try Self.consensuses()
        #expect(paths.count >= 20)
        // One run for all: the certificates are read and checked once.
        let run = try TordescCLITests.run(["verify", "--at", "document"] + Self.certificateArguments + paths)
        // The same certificates against each consensus's own dir-source lines: when even that
        // fails, the corpus lacks the certificates (checked below), not the history the set.
        let unpinned = try TordescCLITests.run(["verify", "--unpinned-dir-sources", "--at", "document"] + Self.certificateArguments + paths)
        let ours = Self.lines(run.stdout, paths), theirs = Self.lines(unpinned.stdout, paths)
        var verified = 0
        for path in paths {
            let line = try #require(ours[path], "no report line for \(path): \(run.stdout.prefix(2000))")
            let unpinnedLine = try #require(theirs[path])
            let validAfter = try #require(line.range(of: "valid-after ").map { String(line[$0.upperBound...].prefix(19)) })
            #expect(line.contains("; authorities as of \(validAfter): "), "\(line)")
            if unpinnedLine.contains(": ok (") {
                #expect(line.contains(": ok ("), "\(line)")
                verified += 1
            } else {
                #expect(line.contains(": FAILED: "), "\(line)")
                #expect(unpinnedLine.contains("missing certificate"), "\(unpinnedLine)")
            }
        }
        // 2012-06 (both copies), 2012-10, 2015-11 (both), 2016-12, 2017-03, 2017-04, 2021-08 (three).
        #expect(verified >= 11, "only \(verified) verified")
    }
}
