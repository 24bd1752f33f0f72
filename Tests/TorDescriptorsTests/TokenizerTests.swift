import Foundation
import Testing
@_spi(Fuzzing) @testable import TorDescriptors

/// Tests of the shared tokenizer, `KeywordRules` and `ArgumentCursor`. Documents written inline
/// here are synthetic (hand-written edge cases); the CRLF one is a real file.
@Suite struct TokenizerTests {
    static func tokenize(_ text: String, _ mode: ValidationMode = .lenient, firstLine: Int = 1,
                         nonASCIIAllowed: [String] = []) throws(DescriptorParseError) -> TokenizedDocument {
        try Tokenizer.tokenize(Array(text.utf8)[...], kind: .microdescriptor, mode: mode, firstLine: firstLine,
                               nonASCIIAllowed: nonASCIIAllowed)
    }

    static func keywords(_ document: TokenizedDocument) -> [String] {
        document.items.map { $0.keywordString(in: document.bytes) }
    }

    static func failure(_ text: String, _ mode: ValidationMode = .strict, nonASCIIAllowed: [String] = []) -> DescriptorParseError? {
        do { _ = try tokenize(text, mode, nonASCIIAllowed: nonASCIIAllowed); return nil } catch { return error }
    }

    // MARK: Line endings

    /// stem's `cached-microdesc-consensus_with_carriage_returns`: 140 CRLF lines, 69 items, 9 signatures.
    @Test func realCRLFDocument() throws {
        let crlf = try MicroFixtures.bytes("malformed/stem--cached-microdesc-consensus_with_carriage_returns")
        let lf = crlf.filter { $0 != 0x0D }
        let a = try Tokenizer.tokenize(crlf[...], kind: .microdescriptor, mode: .strict)
        let b = try Tokenizer.tokenize(lf[...], kind: .microdescriptor, mode: .strict)
        #expect(a.items.count == 69)
        #expect(Self.keywords(a) == Self.keywords(b))
        #expect(a.items.map(\.line) == b.items.map(\.line))
        #expect(a.items.map { a.string($0.arguments) } == b.items.map { b.string($0.arguments) })
        #expect(!a.items.contains { a.bytes[$0.arguments].contains(0x0D) })
        #expect(a.items[0].line == 1 && a.string(a.items[0].arguments) == "3 microdesc")
        let m = a.items.filter { $0.keywordEquals("m", in: a.bytes) }
        #expect(m.first?.line == 40)
        #expect(m.first.map { a.string($0.arguments) } == "iH2s4cVPTmThmmx1phnjDd6oGpHAEP7FDK38AFYRV74")
        let signatures = a.items.filter { $0.keywordEquals("directory-signature", in: a.bytes) }
        #expect(signatures.count == 9)
        #expect(signatures.map(\.line).suffix(3) == [114, 123, 132])
        #expect(signatures.allSatisfy { $0.object?.name(in: a.bytes) == "SIGNATURE" })
        #expect(signatures.first?.object?.line == 62)
        let objectsCRLF = signatures.map { $0.object!.decodedBytes(in: a.bytes) }
        let objectsLF = b.items.compactMap { $0.object?.decodedBytes(in: b.bytes) }
        #expect(objectsCRLF == objectsLF && objectsCRLF.allSatisfy { $0 != nil })
        // Item ranges tile the content: nothing between items is lost.
        #expect(a.items.first?.range.lowerBound == 0 && a.items.last?.range.upperBound == crlf.count)
        #expect(zip(a.items, a.items.dropFirst()).allSatisfy { $0.range.upperBound == $1.range.lowerBound })
    }

    @Test func loneCarriageReturnIsContent() throws {
        let document = try Self.tokenize("contact a\rb\nnext 1\n", .strict)
        #expect(Self.keywords(document) == ["contact", "next"])
        #expect(document.string(document.items[0].arguments) == "a\rb")
        #expect(document.items[1].line == 2)
    }

    @Test func lastLineWithoutNewline() throws {
        let document = try Self.tokenize("a 1\nb 2", .strict)
        #expect(Self.keywords(document) == ["a", "b"])
        #expect(document.string(document.items[1].arguments) == "2")
        #expect(document.items[1].range == 4..<7)
    }

    // MARK: Keyword lines

    @Test func optPrefix() throws {
        let document = try Self.tokenize("opt fingerprint 1234\nopt\nopt  hibernating 0\nopted x\n", .strict)
        #expect(Self.keywords(document) == ["fingerprint", "opt", "hibernating", "opted"])
        #expect(document.items.map(\.hadOptPrefix) == [true, false, true, false])
        #expect(document.string(document.items[0].arguments) == "1234")
        #expect(document.items[0].range.lowerBound == 0)   // the item still starts at `opt`
    }

    @Test func whitespaceBetweenAndAfterArguments() throws {
        let document = try Self.tokenize("k\ta  b\t \nbare\n")
        #expect(document.string(document.items[0].arguments) == "a  b")
        var cursor = document.items[0].argumentCursor(in: document.bytes)
        #expect(cursor.next().map(document.string) == "a")
        #expect(!cursor.isAtEnd)
        #expect(cursor.next().map(document.string) == "b")
        #expect(cursor.isAtEnd && cursor.next() == nil)
        #expect(document.items[1].arguments.isEmpty)
        var rest = try Self.tokenize("k one two  three\n").items[0].argumentCursor(in: Array("k one two  three\n".utf8)[...])
        _ = rest.next()
        #expect(ByteText.string(Array("k one two  three\n".utf8)[...], rest.rest()) == "two  three")
        #expect(rest.isAtEnd)
    }

    @Test func lineNumbersStartAtFirstLine() throws {
        let text = "@type x 1.0\na\n-----BEGIN K-----\nAA==\n-----END K-----\nb\n\nc\n"
        let document = try Self.tokenize(text, firstLine: 100)
        #expect(document.annotations.map(\.line) == [100])
        #expect(document.items.map(\.line) == [101, 105, 107])
        #expect(document.items[0].object?.line == 102)
        #expect(document.content.lowerBound == 12)
        #expect(document.error(.missingKeyword, keyword: "z").line == 101)
    }

    // MARK: Annotations

    @Test func annotationsOnlyBeforeFirstKeyword() throws {
        let document = try Self.tokenize("@downloaded-at 2013-02-24 00:18:36\n@source \"1.2.3.4\"\n@flag\nrouter x\n@late y\n")
        #expect(document.annotations == [
            Annotation(name: "downloaded-at", value: "2013-02-24 00:18:36", line: 1),
            Annotation(name: "source", value: "\"1.2.3.4\"", line: 2),
            Annotation(name: "flag", value: "", line: 3),
        ])
        // After the first keyword an `@` line is an ordinary (bad) keyword line.
        #expect(Self.keywords(document) == ["router", "@late"])
        #expect(Self.failure("@a 1\nrouter x\n@late y\n")?.line == 3)
        #expect(Self.failure("@a 1\nrouter x\n@late y\n")?.failure == .malformedLine("invalid keyword character: @late y"))
    }

    @Test func emptyDocuments() {
        #expect(Self.failure("", .lenient)?.failure == .empty)
        #expect(Self.failure("\n\n", .lenient)?.failure == .empty)
        #expect(Self.failure("@only annotations\n", .lenient)?.failure == .empty)
    }

    // MARK: Objects

    @Test func objectWithMatchingEnd() throws {
        let text = "key\n-----BEGIN RSA PUBLIC KEY-----\nAAEC\nAw==\n-----END RSA PUBLIC KEY-----\nnext\n"
        let document = try Self.tokenize(text, .strict)
        let object = try #require(document.items[0].object)
        #expect(object.name(in: document.bytes) == "RSA PUBLIC KEY")
        #expect(object.decodedBytes(in: document.bytes) == [0, 1, 2, 3])
        #expect(object.text(in: document.bytes) == "-----BEGIN RSA PUBLIC KEY-----\nAAEC\nAw==\n-----END RSA PUBLIC KEY-----\n")
        #expect(document.items[0].range == 0..<(text.utf8.count - 5))
        #expect(document.items[1].line == 6)
    }

    /// tor's get_next_token skips whitespace, blank lines and `#` comments after a keyword line
    /// before looking for its object (`eat_whitespace_eos`); both modes do the same.
    @Test func blankLinesAndCommentsBeforeAnObjectFollowTor() throws {
        let text = "key 1\n\n  \r\n# comment\n  -----BEGIN SIGNATURE-----\nAAEC\n-----END SIGNATURE-----\nnext\n"
        for mode in [ValidationMode.lenient, .strict] {
            let document = try Self.tokenize(text, mode)
            #expect(Self.keywords(document) == ["key", "next"])
            let object = try #require(document.items[0].object)
            #expect(object.line == 5)
            #expect(object.decodedBytes(in: document.bytes) == [0, 1, 2])
            #expect(document.items[1].line == 8)
        }
        // Blank lines not followed by an object leave the item without one.
        let plain = try Self.tokenize("key\n\n\nnext\n", .strict)
        #expect(plain.items[0].object == nil && plain.items[1].line == 4)
    }

    @Test func objectWithMismatchedEnd() {
        let error = Self.failure("key\n-----BEGIN SIGNATURE-----\nAA==\n-----END ID SIGNATURE-----\n", .lenient)
        #expect(error?.line == 4)
        #expect(error?.keyword == "key")
        guard case .malformedObject = error?.failure else { Issue.record("expected malformedObject, got \(String(describing: error))"); return }
    }

    @Test func unterminatedObject() {
        let error = Self.failure("key\n-----BEGIN SIGNATURE-----\nAA==\nnext line\n", .lenient)
        #expect(error?.line == 2)
        #expect(error?.failure == .malformedObject("no END line for BEGIN SIGNATURE"))
    }

    @Test func malformedBeginLine() {
        #expect(Self.failure("key\n-----BEGIN SIGNATURE\nAA==\n-----END SIGNATURE-----\n", .lenient)?.line == 2)
    }

    /// An END line shorter than `-----END X-----` must throw, not trap (it once formed an
    /// invalid range before the length check).
    @Test func shortEndLineThrows() {
        let bytes = Array("key\n-----BEGIN A-----\nAA==\n-----END X\n".utf8)
        #expect(throws: DescriptorParseError.self) {
            _ = try Tokenizer.tokenize(bytes[...], kind: .microdescriptor, mode: .lenient)
        }
    }

    // MARK: Lenient versus strict

    /// tor's tokenizer skips whitespace, blank lines and `#` comments before every item
    /// (`eat_whitespace_eos`), so strict mode does too; lenient skips blank lines.
    @Test func blankLinesAndLeadingWhitespaceFollowTor() throws {
        for mode in [ValidationMode.lenient, .strict] {
            let document = try Self.tokenize("a\n\nb\r\n\r\nc\n\n", mode)
            #expect(Self.keywords(document) == ["a", "b", "c"])
            #expect(document.items.map(\.line) == [1, 3, 5])
        }
        let indented = try Self.tokenize("a\n  \t b 1\n\t\n# a comment\n  # another\nc\n", .strict)
        #expect(Self.keywords(indented) == ["a", "b", "c"])
        #expect(indented.items.map(\.line) == [1, 2, 6])
        #expect(indented.string(indented.items[1].arguments) == "1")
    }

    @Test func badKeywordCharacters() throws {
        #expect(Self.failure("a\nb_c 1\n")?.keyword == "b_c")
        #expect(Self.failure("a\nb_c 1\n", .lenient) == nil)
        #expect(try Self.tokenize("Upper-Case-9 x\n", .strict).items.count == 1)
    }

    @Test func nonASCII() throws {
        let text = "platform Tor 0.4 on L\u{ef}nux\ncontact J\u{f6}rg\n"
        #expect(Self.failure(text, .lenient) == nil)
        let error = Self.failure(text)
        #expect(error?.line == 1 && error?.keyword == "platform")
        #expect(error?.failure == .nonASCII(line: "platform Tor 0.4 on L\\xC3\\xAFnux"))
        let allowed = try Self.tokenize(text, .strict, nonASCIIAllowed: ["platform", "contact"])
        #expect(allowed.items.map(\.hasNonASCII) == [true, true])
        #expect(allowed.string(allowed.items[1].arguments) == "J\u{f6}rg")
        #expect(Self.failure(text, nonASCIIAllowed: ["platform"])?.keyword == "contact")
        // Control characters count as non-ASCII; tab and CR do not.
        #expect(Self.failure("a x\u{1}y\n")?.failure == .nonASCII(line: "a x\\x01y"))
        #expect(Self.failure("a x\ty\r\n") == nil)
    }

    // MARK: KeywordRules

    enum Key: String, DocumentKeyword {
        case router, bandwidth, platform, orAddress = "or-address", family, onionKey = "onion-key"
        case routerSignature = "router-signature", uptime, hibernating, ntor = "ntor-onion-key"
    }

    static let rules = KeywordRules<Key>(kind: .serverDescriptor, source: .spec("test"), [
        .first(.router, .any, .optional),
        .once(.bandwidth, .any, .optional),
        .atMostOnce(.platform, .concat, .optional),
        .any(.orAddress, .any, .forbidden),
        .atLeastOnce(.family, .any, .optional),
        .atMostOnce(.onionKey, .none, .rsaKey1024),
        .last(.routerSignature, .any, .required, types: ["SIGNATURE"]),
        .atMostOnce(.uptime, .exactly(1), .forbidden),
        .atMostOnce(.hibernating, .atLeast(2), .forbidden),
        .atMostOnce(.ntor, .any, .required),
    ])

    static func ruleError(_ text: String) -> DescriptorParseError? {
        do {
            try rules.check(try tokenize(text))
            return nil
        } catch { return error }
    }

    static let signature = "router-signature\n-----BEGIN SIGNATURE-----\nAA==\n-----END SIGNATURE-----\n"
    static let opening = "router a\nbandwidth 1\nfamily x\n"

    @Test func keywordRulesAccept() {
        #expect(Self.ruleError("router a\nbandwidth 1\nfamily x\nfamily y\nor-address 1\nor-address 2\nunknown\n" + Self.signature) == nil)
        #expect(Self.ruleError(Self.opening + "onion-key\n-----BEGIN RSA PUBLIC KEY-----\n\(SyntheticRSAKeys.signing1024)\n-----END RSA PUBLIC KEY-----\n" + Self.signature) == nil)
        // CONCAT_ARGS: the rest of the line is one argument, even an empty one.
        #expect(Self.ruleError(Self.opening + "platform\n" + Self.signature) == nil)
    }

    @Test func keywordRulesViolations() {
        let duplicate = Self.ruleError("router a\nbandwidth 1\nfamily x\nplatform 1\nplatform 2\n" + Self.signature)
        #expect(duplicate?.failure == .duplicateKeyword && duplicate?.line == 5 && duplicate?.keyword == "platform")
        // Errors name the tokenized document's kind (`KeywordRules.kind` is not used for errors).
        #expect(duplicate?.document == .microdescriptor)

        let missing = Self.ruleError("router a\nfamily x\n" + Self.signature)
        #expect(missing?.failure == .missingKeyword && missing?.keyword == "bandwidth" && missing?.line == 1)
        #expect(Self.ruleError("router a\nbandwidth 1\n" + Self.signature)?.keyword == "family")

        let notFirst = Self.ruleError("bandwidth 1\nrouter a\nfamily x\n" + Self.signature)
        #expect(notFirst?.failure == .misplacedKeyword(expected: "must be the first item") && notFirst?.line == 2)

        let notLast = Self.ruleError(Self.opening + Self.signature + "family z\n")
        #expect(notLast?.failure == .misplacedKeyword(expected: "must be the last item") && notLast?.line == 4)

        let needsObject = Self.ruleError(Self.opening + "ntor-onion-key\n" + Self.signature)
        #expect(needsObject?.failure == .malformedObject("object required") && needsObject?.line == 4)

        let needsKey = Self.ruleError(Self.opening + "onion-key\n" + Self.signature)
        #expect(needsKey?.failure == .malformedObject("object required") && needsKey?.keyword == "onion-key")

        let noObject = Self.ruleError(Self.opening + "or-address 1\n-----BEGIN X-----\nAA==\n-----END X-----\n" + Self.signature)
        #expect(noObject?.failure == .malformedObject("unexpected object") && noObject?.line == 4)

        let notAKey = Self.ruleError(Self.opening + "onion-key\n-----BEGIN X-----\nAA==\n-----END X-----\n" + Self.signature)
        #expect(notAKey?.failure == .malformedObject("expected RSA PUBLIC KEY, found X"))

        let unexpectedKey = Self.ruleError(Self.opening + "ntor-onion-key\n-----BEGIN RSA PUBLIC KEY-----\nAA==\n-----END RSA PUBLIC KEY-----\n" + Self.signature)
        #expect(unexpectedKey?.failure == .malformedObject("unexpected public key"))

        // NEED_KEY_1024: the key is decoded and must be 1024 bits (tor's token_check_object).
        let wrongSize = Self.ruleError(Self.opening + "onion-key\n-----BEGIN RSA PUBLIC KEY-----\n\(SyntheticRSAKeys.wrongSize2048)\n-----END RSA PUBLIC KEY-----\n" + Self.signature)
        #expect(wrongSize?.failure == .malformedObject("RSA PUBLIC KEY of 2048 bits; tor wants 1024") && wrongSize?.line == 4)
        let unreadable = Self.ruleError(Self.opening + "onion-key\n-----BEGIN RSA PUBLIC KEY-----\nAA==\n-----END RSA PUBLIC KEY-----\n" + Self.signature)
        #expect(unreadable?.keyword == "onion-key")
        if case .malformedObject(let reason) = unreadable?.failure, reason.hasPrefix("unreadable RSA PUBLIC KEY") {} else {
            Issue.record("expected an unreadable key, got \(String(describing: unreadable))")
        }

        let wrongType = Self.ruleError(Self.opening + "router-signature\n-----BEGIN X-----\nAA==\n-----END X-----\n")
        #expect(wrongType?.failure == .malformedObject("expected SIGNATURE, found X"))
    }

    @Test func keywordRulesArguments() {
        #expect(Self.ruleError(Self.opening + "onion-key x\n" + Self.signature)?.failure == .malformedArguments("takes no arguments"))
        #expect(Self.ruleError(Self.opening + "uptime\n" + Self.signature)?.failure == .malformedArguments("takes at least 1 argument(s), found 0"))
        #expect(Self.ruleError(Self.opening + "uptime 1 2\n" + Self.signature)?.failure == .malformedArguments("takes at most 1 argument(s), found 2"))
        #expect(Self.ruleError(Self.opening + "hibernating 1\n" + Self.signature)?.keyword == "hibernating")
        #expect(Self.ruleError(Self.opening + "hibernating 1 2 3\n" + Self.signature) == nil)
        // tor's MAX_ARGS: more than 512 arguments is refused even where any number is allowed.
        let many = "or-address" + String(repeating: " 1", count: TorTokenLimits.maxArguments)
        #expect(Self.ruleError(Self.opening + many + "\n" + Self.signature) == nil)
        #expect(Self.ruleError(Self.opening + many + " 1\n" + Self.signature)?.failure
            == .malformedArguments("more than \(TorTokenLimits.maxArguments) arguments"))
    }

    @Test func errorDescriptionNamesDocumentLineAndKeyword() {
        let error = DescriptorParseError(document: .microdescriptor, line: 7, keyword: "p", failure: .duplicateKeyword)
        #expect(error.description == "microdescriptor, line 7, keyword 'p': keyword appears more than once")
    }
}

@Suite struct KeywordTableTests {
    /// Every server-descriptor keyword maps to itself; prefixes, extensions, case changes and
    /// other documents' keywords map to nothing.
    @Test func findsExactlyTheTableKeywords() {
        let words = ["router", "bandwidth", "platform", "published", "fingerprint", "onion-key", "ntor-onion-key",
                     "accept", "reject", "accept6", "reject6", "family", "contact", "proto", "or-address",
                     "identity-ed25519", "router-sig-ed25519", "router-signature", "read-history", "a", "r", "m"]
        let table = KeywordTable<Int>(words.enumerated().map { ($1, $0) })
        let text = Array((words + ["route", "routers", "Router", "accept7", "onion", "", "ntor-onion-keys", "x", "dir-key-certificate-version"])
            .joined(separator: " ").utf8)[...]
        var cursor = ArgumentCursor(bytes: text, range: text.indices)
        var found: [Int?] = []
        while let word = cursor.next() { found.append(table.lookup(text, word)) }
        #expect(Array(found.prefix(words.count)) == words.indices.map { Optional($0) })
        #expect(found.dropFirst(words.count).allSatisfy { $0 == nil })
        #expect(table.lookup(text, 0..<0) == nil)
    }
}
