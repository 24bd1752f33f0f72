import Foundation
import Testing
@testable import TorDescriptors

/// Hostile input: every case is synthetic, built by mutating an in-memory copy of a real
/// descriptor (`stem--example_descriptor`, bundled) or from scratch. Each must give a clear,
/// typed error (or a lenient warning), never a crash or a hang, and in lenient mode the valid
/// documents around the bad one must still come back.
@Suite struct HostileInputTests {
    static let real: [UInt8] = (try? ProjectFiles.corpus("server-descriptors/stem--example_descriptor")) ?? []

    /// A synthetic copy of the real descriptor with one substring replaced.
    static func syntheticMutation(_ from: String, _ to: [UInt8]) -> [UInt8] {
        let needle = Array(from.utf8)
        guard let start = real.firstRange(of: needle)?.lowerBound else { fatalError("not in the fixture: \(from)") }
        return Array(real[..<start]) + to + Array(real[(start + needle.count)...])
    }

    static func syntheticMutation(_ from: String, _ to: String) -> [UInt8] { syntheticMutation(from, Array(to.utf8)) }

    /// real + bad + real, parsed leniently: the two real copies must parse; returns the middle result.
    static func sandwiched(_ bad: [UInt8], mode: ValidationMode = .lenient) -> Result<ServerDescriptor, DescriptorParseError> {
        let file = real + bad + real
        let results = ServerDescriptor.parseAll(file[...], mode: mode)
        #expect(results.count == 3, "documents around the bad one: \(results.count) results")
        guard results.count == 3 else { return results.first! }
        for index in [0, 2] {
            guard case .success(let document) = results[index] else {
                Issue.record("real neighbour \(index) failed: \(results[index])")
                continue
            }
            #expect(document.nickname == "caerSidi")
            #expect(document.averageBandwidth == 153600)
        }
        return results[1]
    }

    /// A strict-mode error on `keyword`, and (lenient) either a warning on it or an error on it.
    /// `lenientWarns: false` where lenient mode keeps the value on purpose (checked by the caller).
    static func expectRejected(_ bad: [UInt8], keyword: String, lenientWarns: Bool = true,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try ServerDescriptor(parsing: bad, mode: .strict)
            Issue.record("strict mode accepted it", sourceLocation: sourceLocation)
        } catch {
            #expect(error.keyword == keyword, "\(error)", sourceLocation: sourceLocation)
            #expect(error.document == .serverDescriptor, sourceLocation: sourceLocation)
        }
        switch sandwiched(bad) {
        case .success(let document):
            guard lenientWarns else { return }
            #expect(document.warnings.contains { $0.keyword == keyword }, "\(document.warnings)", sourceLocation: sourceLocation)
        case .failure(let error):
            #expect(error.keyword == keyword, "\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("synthetic: bandwidth 99999999999999999999 does not overflow")
    func syntheticHugeInteger() {
        let bad = Self.syntheticMutation("bandwidth 153600 256000 104590", "bandwidth 99999999999999999999 256000 104590")
        Self.expectRejected(bad, keyword: "bandwidth")
        if case .success(let document) = Self.sandwiched(bad) { #expect(document.averageBandwidth == nil) }
    }

    @Test("synthetic: negative bandwidth and uptime")
    func syntheticNegativeValues() throws {
        Self.expectRejected(Self.syntheticMutation("bandwidth 153600 256000 104590", "bandwidth -5 256000 104590"), keyword: "bandwidth")
        // Lenient keeps a negative uptime, as Stem does (tor wrote such descriptors).
        let uptime = Self.syntheticMutation("uptime 588217", "uptime -1")
        Self.expectRejected(uptime, keyword: "uptime", lenientWarns: false)
        #expect(try ServerDescriptor(parsing: uptime).uptime == -1)
    }

    @Test("synthetic: ORPort 70000 is above 65535")
    func syntheticPortTooLarge() {
        Self.expectRejected(Self.syntheticMutation("71.35.133.197 9001 0 0", "71.35.133.197 70000 0 0"), keyword: "router")
    }

    @Test("synthetic: published in year 99999")
    func syntheticYear99999() {
        Self.expectRejected(Self.syntheticMutation("published 2012-03-01", "published 99999-03-01"), keyword: "published")
    }

    @Test("synthetic: NUL byte in a line")
    func syntheticNULByte() {
        Self.expectRejected(Self.syntheticMutation("uptime 588217", [UInt8]("uptime 5882".utf8) + [0] + [UInt8]("17".utf8)),
                            keyword: "uptime")
    }

    @Test("synthetic: invalid UTF-8 in nickname is rejected; in platform and contact the bytes are kept")
    func syntheticInvalidUTF8() throws {
        // Lenient keeps the nickname with replacement characters; strict rejects it.
        let nickname = Self.syntheticMutation("router caerSidi", [UInt8]("router caer".utf8) + [0xFF, 0xC3] + [UInt8]("Sidi".utf8))
        Self.expectRejected(nickname, keyword: "router", lenientWarns: false)
        #expect(try ServerDescriptor(parsing: nickname).nickname == "caer\u{FFFD}\u{FFFD}Sidi")
        let platform = Self.syntheticMutation("on Linux x86_64", [UInt8]("on Lin".utf8) + [0xFF, 0xFE] + [UInt8]("ux".utf8))
        let parsed = try ServerDescriptor(parsing: platform)
        #expect(parsed.platform == [UInt8]("Tor 0.2.1.30 on Lin".utf8) + [0xFF, 0xFE] + [UInt8]("ux".utf8))
        let contact = Self.syntheticMutation("www.atagar.com/contact", [0xC0, 0xAF, 0xED, 0xA0, 0x80])
        #expect(try ServerDescriptor(parsing: contact).contact == [0xC0, 0xAF, 0xED, 0xA0, 0x80])
        _ = Self.sandwiched(contact)
    }

    @Test("synthetic: base64 with bad padding in an object")
    func syntheticBadPadding() throws {
        let bad = Self.syntheticMutation("SYR49IvVAgMBAAE=", "SYR49IvVAgMBA=AE")
        // Keys are decoded lazily in lenient mode: the key reads as absent.
        Self.expectRejected(bad, keyword: "onion-key", lenientWarns: false)
        #expect(try ServerDescriptor(parsing: bad).onionKey == nil)
    }

    @Test("synthetic: mismatched -----END names the line")
    func syntheticMismatchedEnd() {
        let bad = Self.syntheticMutation("-----END RSA PUBLIC KEY-----", "-----END RSA PRIVATE KEY-----")
        #expect {
            try ServerDescriptor(parsing: bad)
        } throws: { error in
            guard let error = error as? DescriptorParseError, case .malformedObject(let why) = error.failure else { return false }
            return error.keyword == "onion-key" && error.line == 15 && why.contains("does not close")
        }
        if case .success = Self.sandwiched(bad) { Issue.record("a mismatched END was accepted") }
    }

    @Test("synthetic: an unterminated object does not swallow the next document")
    func syntheticUnterminatedObject() {
        // The descriptor's last line is its signature's END line: drop it.
        let end = Array("-----END SIGNATURE-----\n".utf8)
        let cut = Self.real.lastRange(of: end)!.lowerBound
        let bad = Array(Self.real[..<cut])
        guard case .failure(let error) = Self.sandwiched(bad) else { Issue.record("accepted"); return }
        #expect(error.keyword == "router-signature")
        if case .malformedObject(let why) = error.failure { #expect(why.contains("no END line")) } else { Issue.record("\(error)") }
    }

    @Test("synthetic: truncated at every 7th byte, the neighbours always survive")
    func syntheticTruncations() {
        for length in stride(from: 1, to: Self.real.count, by: 7) {
            let truncated = Array(Self.real[..<length])
            _ = try? ServerDescriptor(parsing: truncated, mode: .strict)
            let file = Self.real + truncated + [0x0A] + Self.real
            let results = ServerDescriptor.parseAll(file[...])
            let good = results.filter { (try? $0.get())?.nickname == "caerSidi" && (try? $0.get())?.averageBandwidth != nil }
            #expect(good.count >= 2, "truncated at \(length): \(results.count) results")
            if case .failure = results.last! { Issue.record("last document lost when truncated at \(length)") }
        }
    }

    // MARK: - Limits

    @Test("synthetic: a 100 MB single line stops at the document limit at once")
    func synthetic100MBLine() throws {
        let line = [UInt8](repeating: UInt8(ascii: "a"), count: 100 << 20)
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(throws: DescriptorParseError(document: .serverDescriptor, line: 1, keyword: nil,
                                                 failure: .limitExceeded(.documentBytes, limit: 64 << 20))) {
                try ServerDescriptor(parsing: line)
            }
            // With the document limit lifted, the line limit stops it after one memchr.
            let lifted = ValidationMode.lenient(limits: ParseLimits(maxDocumentBytes: .max))
            #expect(throws: DescriptorParseError(document: .serverDescriptor, line: 1, keyword: nil,
                                                 failure: .limitExceeded(.lineBytes, limit: 256 << 10))) {
                try ServerDescriptor(parsing: line[...], mode: lifted)
            }
        }
        #expect(elapsed < .seconds(5))
    }

    @Test("synthetic: a 1 MB contact line goes over maxLineBytes")
    func syntheticLongLine() {
        let bad = Self.syntheticMutation("www.atagar.com/contact", [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20))
        guard case .failure(let error) = Self.sandwiched(bad) else { Issue.record("accepted"); return }
        #expect(error.failure == .limitExceeded(.lineBytes, limit: 256 << 10))
        let realLines = Self.real.filter { $0 == 0x0A }.count
        #expect(error.line == realLines + 24)   // file line: after the first copy
    }

    @Test("synthetic: millions of tiny lines hit maxItemsPerDocument, not memory")
    func syntheticMillionsOfLines() {
        let document = Array(("router a 1.2.3.4 1 0 0\n" + String(repeating: "a\n", count: 3_000_000)).utf8)
        #expect(throws: DescriptorParseError(document: .serverDescriptor, line: 200_001, keyword: "a",
                                             failure: .limitExceeded(.itemsPerDocument, limit: 200_000))) {
            try ServerDescriptor(parsing: document)
        }
        // As many one-line documents: parseAll stops after maxDocumentsPerBuffer.
        var limits = ParseLimits.default
        limits.maxDocumentsPerBuffer = 1000
        let many = Array(String(repeating: "onion-key\n", count: 2_000_000).utf8)
        let results = Microdescriptor.parseAll(many[...], mode: .lenient(limits: limits))
        #expect(results.count == 1001)
        if case .failure(let error) = results.last! {
            #expect(error.failure == .limitExceeded(.documentsPerBuffer, limit: 1000))
            #expect(error.document == .microdescriptor)
            #expect(error.line == 1001)
        } else { Issue.record("no limit failure") }
    }

    @Test("object and consensus-entry limits, configured per call")
    func configuredLimits() throws {
        var limits = ParseLimits.default
        limits.maxObjectBytes = 100
        // BEGIN line (31 bytes) and two 65-byte base64 lines: over 100 at the second, line 13.
        #expect(throws: DescriptorParseError(document: .serverDescriptor, line: 13, keyword: "onion-key",
                                             failure: .limitExceeded(.objectBytes, limit: 100))) {
            try ServerDescriptor(parsing: Self.real, mode: .lenient(limits: limits))
        }
        let consensus = try ProjectFiles.corpus("consensus/cropped--2026-07-27-10-00-00-consensus-arti-live")
        let full = try NetworkStatusConsensus(parsing: consensus)
        #expect(full.entries.count > 3)
        limits = .default
        limits.maxEntriesPerConsensus = 3
        #expect(throws: DescriptorParseError.self) { try NetworkStatusConsensus(parsing: consensus, mode: .lenient(limits: limits)) }
        do { _ = try NetworkStatusConsensus(parsing: consensus, mode: .strict(limits: limits)) } catch {
            #expect(error.failure == .limitExceeded(.entriesPerConsensus, limit: 3))
        }
        limits.maxEntriesPerConsensus = full.entries.count
        #expect(try NetworkStatusConsensus(parsing: consensus, mode: .lenient(limits: limits)).entries.count == full.entries.count)
    }

    /// Equality used to ignore the limits, so two modes that parse differently were equal and
    /// hashed alike.
    @Test("ValidationMode compares strictness and limits")
    func modeEquality() {
        let tight = ParseLimits(maxDocumentBytes: 10)
        #expect(ValidationMode.strict(limits: tight) != .strict)
        #expect(ValidationMode.strict(limits: tight).isStrict)
        #expect(ValidationMode.strict(limits: .default) == .strict)
        #expect(ValidationMode.lenient(limits: tight) != .strict)
        #expect(ValidationMode.lenient(limits: tight) != .lenient)
        #expect(Set([ValidationMode.strict, .strict(limits: tight), .lenient, .lenient(limits: tight)]).count == 4)
        #expect(ValidationMode.strict.limits == .default)
        #expect(ValidationMode.lenient(limits: tight).limits.maxDocumentBytes == 10)
        #expect("\(DescriptorParseError(document: .microdescriptor, line: 3, keyword: nil, failure: .limitExceeded(.lineBytes, limit: 9)))"
            == "microdescriptor, line 3: input exceeds maxLineBytes = 9")
    }

    /// Parsers ask `mode.isStrict`: strict parsing with other limits is still strict (a parser
    /// comparing `mode == .strict` would now parse `.strict(limits:)` leniently).
    @Test("strict(limits:) enforces the strict rules in every parser")
    func strictWithLimitsIsStrict() throws {
        var generous = ParseLimits.default
        generous.maxDocumentBytes *= 2
        let mode = ValidationMode.strict(limits: generous)
        let descriptor = String(decoding: Self.real, as: UTF8.self)
        let published = try #require(descriptor.split(separator: "\n").first { $0.hasPrefix("published ") })
        let twice = Array(descriptor.replacingOccurrences(of: published + "\n", with: published + "\n" + published + "\n").utf8)
        #expect(throws: DescriptorParseError.self) { try ServerDescriptor(parsing: twice, mode: mode) }
        #expect(throws: Never.self) { try ServerDescriptor(parsing: twice, mode: .lenient(limits: generous)) }
        let micro = Array("onion-key\n-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----\nntor-onion-key AAAA\nntor-onion-key AAAA\n".utf8)
        #expect(throws: DescriptorParseError.self) { try Microdescriptor(parsing: micro, mode: mode) }
        #expect(throws: Never.self) { try Microdescriptor(parsing: micro, mode: .lenient(limits: generous)) }
        let consensus = try ProjectFiles.corpus("consensus/2012-06-18-21-00-00-cached-consensus")
        let text = String(decoding: consensus, as: UTF8.self)
        let validAfter = try #require(text.split(separator: "\n").first { $0.hasPrefix("valid-after ") })
        let doubled = Array(text.replacingOccurrences(of: validAfter + "\n", with: validAfter + "\n" + validAfter + "\n").utf8)
        #expect(throws: DescriptorParseError.self) { try NetworkStatusConsensus(parsing: doubled, mode: mode) }
        #expect(throws: Never.self) { try NetworkStatusConsensus(parsing: doubled, mode: .lenient(limits: generous)) }
    }
}
