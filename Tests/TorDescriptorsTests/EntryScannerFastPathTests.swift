import Testing
@_spi(Fuzzing) @testable import TorDescriptors

/// The consensus entry scanner's one-pass readers (issue #15) against the general code they
/// stand in for: each must accept exactly what the general reader accepts, with the same values.
@Suite struct EntryScannerFastPathTests {
    /// `text` after `padding` bytes of another buffer, so indices do not start at 0.
    static func slice(_ text: String, padding: Int = 5) -> ArraySlice<UInt8> {
        ([UInt8](repeating: UInt8(ascii: "x"), count: padding) + Array(text.utf8))[padding...]
    }

    @Test(arguments: [
        "accept 80,443", "reject 1-65535", "accept 1", "accept 65535", "accept 65536", "accept 0", "accept 0-5",
        "accept 5-4", "accept 4-4", "accept 1-65536", "accept *", "accept 80,*", "accept 80,", "accept ,80", "accept 80,,443",
        "accept -80", "accept 80-", "accept 80-90-100", "accept 8a", "accept  80", "accept\t80", " accept 80", "accept 80 ",
        "accept 80 443", "accept", "accept ", "acceptx 80", "Accept 80", "reject 000000000000000080",
        "reject 0000000000000000080", "reject 1-000000000000065535", "accept 22,80-81,443,8000-8100,65535",
        "accept 99999999999999999999", "", "reject 80\r", "accept 80,443\t",
    ])
    func policySummaryMatchesTheGeneralCheck(_ text: String) {
        Self.expectSameVerdict(text, { $0.isPolicySummary($1) }, ExitPattern.isValidSummary)
    }

    @Test(arguments: [
        "Cons=1-2 Desc=1-2 DirCache=2 FlowCtrl=1-2 HSDir=2 HSIntro=4-5 HSRend=1-2 Link=1-5 LinkAuth=1,3 Microdesc=1-2 Padding=2 Relay=1-4",
        "", "A=", "=1", "A=1,", "A=,1", "A=1,,2", "A=2-1", "A=1-1", "A=1-2-3", "A=1=2", "A=x", "A=1 B", "A=1  B=2", "A=1\tB=2",
        "A=0000000000000000001", "A=000000000000000001", "A=99999999999999999999", "A-B=1", "A==1", "A=1-", "A=-1", " A=1 ",
    ])
    func protocolListMatchesTheGeneralCheck(_ text: String) {
        Self.expectSameVerdict(text, { $0.isProtocolList($1) }, ProtocolVersions.isValid)
    }

    /// The one-pass check and the general one give the same verdict on `text`.
    static func expectSameVerdict(_ text: String, _ fast: (ByteCursor, Range<Int>) -> Bool,
                                  _ general: (ArraySlice<UInt8>, Range<Int>) -> Bool) {
        let bytes = slice(text)
        let range = bytes.startIndex..<bytes.endIndex
        #expect(ByteCursor.with(bytes) { fast($0, range) } == general(bytes, range), "\(text)")
    }

    /// An `r` line as tor writes it and the same line spaced unusually (tabs, double spaces,
    /// trailing blanks), which only the general reader takes: the entries must be the same.
    @Test(arguments: [
        "r moria1 lpXfw1/+uGEym58asExGOXAgzjE xpAX57pLRYPfnOdzdnbXwJKL4cQ 2012-06-18 20:35:34 128.31.0.34 9101 9131",
        "r Unnamed AAAAAAAAAAAAAAAAAAAAAAAAAAA //////////////////////////8 2038-01-19 03:14:08 1.2.3.4 1 0",
        "r A1 lpXfw1/+uGEym58asExGOXAgzjE 2016-02-29 23:59:60 255.255.255.255 65535 65535",
        "r nick lpXfw1/+uGEym58asExGOXAgzjE 2012-06-18 20:35:34 10.0.0.1 443 80",
    ])
    func plainRLineMatchesTheGeneralReader(_ line: String) throws {
        let spaced = line.replacingFirstSpaces()
        for flavor in [ConsensusFlavor.ns, .microdesc] {
            let plain = try? Self.entry(line, flavor: flavor), general = try? Self.entry(spaced, flavor: flavor)
            #expect((plain == nil) == (general == nil), "\(line)")
            guard let plain, let general else { continue }
            #expect(plain.nickname == general.nickname && plain.fingerprint == general.fingerprint
                && plain.descriptorDigest == general.descriptorDigest && plain.published == general.published
                && plain.address == general.address && plain.orPort == general.orPort && plain.dirPort == general.dirPort)
        }
    }

    /// Lines the one-pass reader must leave to the general one, which decides (and reports).
    @Test(arguments: [
        "r nick lpXfw1/+uGEym58asExGOXAgzjE xpAX57pLRYPfnOdzdnbXwJKL4cQ 2012-06-18 20:35:34 128.31.0.34 0 9131",
        "r nick-name lpXfw1/+uGEym58asExGOXAgzjE xpAX57pLRYPfnOdzdnbXwJKL4cQ 2012-06-18 20:35:34 128.31.0.34 1 2",
        "r nick lpXfw1/+uGEym58asExGOXAgzjE= xpAX57pLRYPfnOdzdnbXwJKL4cQ 2012-06-18 20:35:34 128.31.0.34 1 2",
        "r nick lpXfw1/+uGEym58asExGOXAgzjE xpAX57pLRYPfnOdzdnbXwJKL4cQ 2012-02-30 20:35:34 128.31.0.34 1 2",
        "r nick lpXfw1/+uGEym58asExGOXAgzjE xpAX57pLRYPfnOdzdnbXwJKL4cQ 2012-06-18 20:35:34 128.31.0.256 1 2",
        "r nick lpXfw1/+uGEym58asExGOXAgzjE xpAX57pLRYPfnOdzdnbXwJKL4cQ 2012-06-18 20:35:34 128.31.0.34 1 65536",
        "r nick lpXfw1/+uGEym58asExGOXAgzjE xpAX57pLRYPfnOdzdnbXwJKL4cQ 2012-06-18 20:35:34 128.31.0.34 1 2 3",
        "r abcdefghijklmnopqrst lpXfw1/+uGEym58asExGOXAgzjE 2012-06-18 20:35:34 128.31.0.34 1 2",
    ])
    func unusualRLinesGetTheGeneralReadersVerdict(_ line: String) {
        for flavor in [ConsensusFlavor.ns, .microdesc] {
            for mode in [ValidationMode.lenient, .strict] {
                let plain = Result { try Self.entry(line, flavor: flavor, mode: mode) }
                let general = Result { try Self.entry(line.replacingFirstSpaces(), flavor: flavor, mode: mode) }
                switch (plain, general) {
                case (.success(let a), .success(let b)):
                    #expect(a.nickname == b.nickname && a.orPort == b.orPort && a.dirPort == b.dirPort, "\(line)")
                case (.failure, .failure): break
                default: Issue.record("\(line) (\(flavor), strict \(mode.isStrict)): \(plain) vs \(general)")
                }
            }
        }
    }

    /// One entry: `line` and an `s` line (and an `m` line for the microdesc flavor).
    static func entry(_ line: String, flavor: ConsensusFlavor, mode: ValidationMode = .lenient) throws -> RouterStatusEntry {
        let m = flavor == .microdesc ? "m 4u3DVGIa3nUnSB6ZBsDXm6qMdGz1DHnVCYN0aqj3q0A\n" : ""
        let bytes = slice("\(line)\ns Fast Running Valid\n\(m)")
        var scanner = RouterStatusEntryScanner(bytes: bytes, flavor: flavor, mode: mode, position: bytes.startIndex, line: 1)
        guard let entry = try scanner.next() else { throw DescriptorParseError(document: .networkStatusConsensus, line: 1, keyword: "r", failure: .empty) }
        return entry
    }
}

private extension String {
    /// The line with its first separator a tab and its last one doubled and a space at the end:
    /// still the same words, but not tor's layout.
    func replacingFirstSpaces() -> String {
        guard let first = firstIndex(of: " "), let last = lastIndex(of: " ") else { return self }
        var copy = self
        copy.replaceSubrange(last...last, with: "  ")
        copy.replaceSubrange(first...first, with: "\t")
        return copy + " "
    }
}
