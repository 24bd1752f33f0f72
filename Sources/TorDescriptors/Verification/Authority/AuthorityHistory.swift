/// One v3 directory authority identity and the period tor trusted it: a line of
/// `Resources/directory/authority-history.txt`.
///
/// ```swift
/// let moria1 = AuthorityHistory.tor.periods.first { $0.nickname == "moria1" }!
/// print(moria1.identity.hex, moria1.trustedFrom, moria1.addedBy)   // 5420FD8E... 2007-09-22 05:46:30 tor-0.2.0.7-alpha
/// ```
public struct AuthorityPeriod: Sendable, Hashable {
    public let identity: Fingerprint
    public let nickname: String
    /// The first time the identity counts (the date of the release that added it).
    public let trustedFrom: TorTimestamp
    /// The first time it no longer counts; nil while it is still trusted.
    public let trustedUntil: TorTimestamp?
    /// `ADDRESS:DIRPORT` in the last release that lists the identity.
    public let dirAddress: String
    public let orPort: UInt16
    /// `[ADDRESS]:PORT`, when that release gives one.
    public let ipv6Address: String?
    /// What added the identity: a tor release tag, or the consensus that first shows it.
    public let addedBy: String
    /// What removed it (nil while trusted).
    public let removedBy: String?

    public init(identity: Fingerprint, nickname: String, trustedFrom: TorTimestamp, trustedUntil: TorTimestamp?,
                dirAddress: String, orPort: UInt16, ipv6Address: String? = nil, addedBy: String, removedBy: String? = nil) {
        self.identity = identity
        self.nickname = nickname
        self.trustedFrom = trustedFrom
        self.trustedUntil = trustedUntil
        self.dirAddress = dirAddress
        self.orPort = orPort
        self.ipv6Address = ipv6Address
        self.addedBy = addedBy
        self.removedBy = removedBy
    }

    /// Whether the identity counts at `time` (`trustedFrom <= time < trustedUntil`).
    public func isTrusted(at time: TorTimestamp) -> Bool {
        trustedFrom <= time && trustedUntil.map { time < $0 } ?? true
    }

    /// `from .. until` for reports.
    public var periodText: String { "\(trustedFrom) .. \(trustedUntil.map(\.description) ?? "now")" }
}

/// A line of an authority history file that is not of the documented form.
///
/// ```swift
/// do { _ = try AuthorityHistory(parsing: text, source: "mine.txt") } catch { print("line \(error.line): \(error.message)") }
/// ```
public struct AuthorityHistoryError: Error, Sendable, Hashable, CustomStringConvertible {
    public let line: Int
    public let message: String
    public var description: String { "line \(line): \(message)" }
}

/// The v3 directory authorities of a Tor network over time, so that a document is verified
/// against the authorities tor trusted when it was made: a 2012 consensus against 2012's
/// authorities, not today's.
///
/// ``tor`` is the public network's history, from tor's authority list at each release tag
/// (`Resources/directory/authority-history.txt`, which lists its sources).
/// ``authorities(at:)`` gives the set in force at a time; ``AuthorityVerifier/init(history:)``
/// picks it for each document's time.
///
/// ```swift
/// let set2012 = AuthorityHistory.tor.authorities(at: consensus.validAfter!)
/// print(set2012.origin ?? "", set2012.quorum)   // authorities as of 2012-06-18 21:00:00: 8 identities, ... 5
/// let verifier = AuthorityVerifier(history: .tor)
/// let report = verifier.report(for: consensus, certificates: certificates, at: consensus.validAfter!)
/// ```
public struct AuthorityHistory: Sendable, Hashable {
    /// Every identity with its period, in the order given.
    public let periods: [AuthorityPeriod]
    /// Where the history comes from, as reports name it.
    public let source: String

    public init(periods: [AuthorityPeriod], source: String) {
        self.periods = periods
        self.source = source
    }

    /// Reads the format of `Resources/directory/authority-history.txt`: `#` comments, blank
    /// lines, and lines `v3ident nickname from until dir-address orport=N ipv6=A|- added-by
    /// removed-by`, times as `YYYY-MM-DDTHH:MM:SS` UTC and `-` for none.
    public init(parsing text: String, source: String) throws(AuthorityHistoryError) {
        var periods: [AuthorityPeriod] = []
        for (index, rawLine) in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let line = index + 1
            let content = rawLine.prefix { $0 != UInt8(ascii: "#") }
            let words = content.split { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }
                .map { String(decoding: $0, as: UTF8.self) }
            if words.isEmpty { continue }
            func fail(_ message: String) -> AuthorityHistoryError { AuthorityHistoryError(line: line, message: message) }
            guard words.count == 9 else { throw fail("expected 9 fields (v3ident nickname from until dir-address orport= ipv6= added-by removed-by), found \(words.count)") }
            guard let identity = Fingerprint(hex: words[0]) else { throw fail("bad v3ident \(words[0])") }
            func time(_ text: String) throws(AuthorityHistoryError) -> TorTimestamp? {
                if text == "-" { return nil }
                guard let parsed = TorTimestamp(parsing: text.replacingT()) else { throw fail("bad time \(text); want YYYY-MM-DDTHH:MM:SS") }
                return parsed
            }
            guard let from = try time(words[2]) else { throw fail("no from time") }
            let until = try time(words[3])
            if let until, until <= from { throw fail("until \(words[3]) is not after from \(words[2])") }
            guard words[5].hasPrefix("orport="), let orPort = UInt16(words[5].dropFirst(7)) else { throw fail("bad orport field \(words[5])") }
            guard words[6].hasPrefix("ipv6=") else { throw fail("bad ipv6 field \(words[6])") }
            let ipv6 = String(words[6].dropFirst(5))
            periods.append(AuthorityPeriod(identity: identity, nickname: words[1], trustedFrom: from, trustedUntil: until,
                                           dirAddress: words[4], orPort: orPort, ipv6Address: ipv6 == "-" ? nil : ipv6,
                                           addedBy: words[7], removedBy: words[8] == "-" ? nil : words[8]))
        }
        guard !periods.isEmpty else { throw AuthorityHistoryError(line: 1, message: "no authorities listed") }
        self.init(periods: periods, source: source)
    }

    /// The public Tor network's history, compiled in from `Resources/directory/authority-history.txt`
    /// (a test checks the two are the same text).
    public static let tor: AuthorityHistory = {
        // The bundled text is checked by tests; a failure here is a build defect.
        try! AuthorityHistory(parsing: bundledText, source: "Resources/directory/authority-history.txt (tor's authority list by release)")
    }()

    /// The authorities in force at `time`, named in reports as "authorities as of TIME: N
    /// identities, source ..."; identities trusted at other times are named as such when they
    /// sign (``TrustedAuthorities/absenceReason(for:)``).
    public func authorities(at time: TorTimestamp) -> TrustedAuthorities {
        let current = periods.filter { $0.isTrusted(at: time) }
        var set = TrustedAuthorities(current.map { DirectoryAuthorityIdentity(nickname: $0.nickname, identity: $0.identity) })
        set.origin = "authorities as of \(time): \(set.count) identities, source \(source)"
        let currentIdentities = Set(current.map(\.identity))
        for period in periods where !currentIdentities.contains(period.identity) && set.absent[period.identity] == nil {
            set.absent[period.identity] = "not an authority at \(time): \(period.nickname) was trusted \(period.periodText)"
        }
        return set
    }
}

extension String {
    /// `2012-06-18T21:00:00` → `2012-06-18 21:00:00` (the history file keeps each time one word).
    fileprivate func replacingT() -> String {
        String(map { $0 == "T" ? " " : $0 })
    }
}

extension NetworkStatusConsensus {
    /// ``verificationReport(certificates:authorities:at:tolerance:)`` against the authorities of
    /// `history` in force at `time` (the report's `authority set` check names them).
    ///
    /// ```swift
    /// let report = consensus.verificationReport(certificates: certs, history: .tor, at: consensus.validAfter!)
    /// ```
    public func verificationReport(certificates: [KeyCertificate], history: AuthorityHistory,
                                   at time: TorTimestamp, tolerance seconds: Int64 = 0) -> VerificationReport {
        verificationReport(certificates: certificates, authorities: history.authorities(at: time), at: time, tolerance: seconds)
    }

    /// ``verificationReport(certificates:history:at:tolerance:)``, throwing when a check failed.
    @discardableResult
    public func verify(certificates: [KeyCertificate], history: AuthorityHistory,
                       at time: TorTimestamp, tolerance seconds: Int64 = 0) throws(VerificationError) -> VerificationReport {
        try verificationReport(certificates: certificates, history: history, at: time, tolerance: seconds).validated()
    }
}
