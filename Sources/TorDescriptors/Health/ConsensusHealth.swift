/// DocTor-style consensus-health checks over parsed votes, a consensus and key certificates:
/// missing votes and signatures, freshness, expiring certificates, votes that disagree, relays
/// whose flags or presence differ between votes, bandwidth measurements, shared randomness and
/// clock skew. Pure values in, ``ConsensusHealthReport`` out: no I/O, so a monitoring script can
/// run the checks on documents it obtained any way it likes.
///
/// ```swift
/// let votes = try paths.map { try NetworkStatusVote(parsing: Array(try Data(contentsOf: $0))) }
/// let consensus = try NetworkStatusConsensus(parsing: Array(try Data(contentsOf: consensusURL)))
/// let health = ConsensusHealth(votes: votes, consensus: consensus)
/// let report = health.run(at: TorTimestamp(Date()))
/// for finding in report.findings { print(finding.severity, finding.check.rawValue, finding.message) }
/// ```
public struct ConsensusHealth: Sendable {
    /// Thresholds of the checks.
    ///
    /// ```swift
    /// var options = ConsensusHealth.Options()
    /// options.certificateWarningDays = 30
    /// ```
    public struct Options: Sendable, Hashable {
        /// A certificate expiring within this many days is a warning.
        public var certificateWarningDays = 14
        /// A bandwidth authority (a vote with any `Measured=`) measuring a smaller share of its
        /// relays than this is a warning.
        public var measuredShareThreshold = 0.5
        /// Clock differences up to this many seconds are not reported.
        public var clockSkewToleranceSeconds: Int64 = 60
        /// An authority slower than this multiple of the median request time (and slower than
        /// ``slowAuthorityMinimumSeconds``) is reported.
        public var slowAuthorityFactor = 3.0
        public var slowAuthorityMinimumSeconds = 1.0
        public init() {}
    }

    /// An HTTP `Date` header an authority sent, and the local time the response arrived.
    ///
    /// ```swift
    /// let seen = ConsensusHealth.ClockObservation(authority: moria1, httpDate: date, localTime: TorTimestamp(Date()))
    /// ```
    public struct ClockObservation: Sendable, Hashable {
        public let authority: DirectoryAuthorityIdentity
        public let httpDate: TorTimestamp
        public let localTime: TorTimestamp
        public init(authority: DirectoryAuthorityIdentity, httpDate: TorTimestamp, localTime: TorTimestamp) {
            self.authority = authority
            self.httpDate = httpDate
            self.localTime = localTime
        }
    }

    /// One request made to an authority in live mode, timed; `failure` says why it failed.
    ///
    /// ```swift
    /// let fetch = ConsensusHealth.AuthorityFetch(authority: moria1, request: "/tor/status-vote/current/authority",
    ///                                            seconds: 0.42, failure: nil)
    /// ```
    public struct AuthorityFetch: Sendable, Hashable {
        public let authority: DirectoryAuthorityIdentity
        /// The path asked for.
        public let request: String
        /// Wall time from connecting to the last byte (or to the failure).
        public let seconds: Double
        public let failure: String?
        public init(authority: DirectoryAuthorityIdentity, request: String, seconds: Double, failure: String?) {
            self.authority = authority
            self.request = request
            self.seconds = seconds
            self.failure = failure
        }
    }

    public var votes: [NetworkStatusVote]
    public var consensus: NetworkStatusConsensus?
    /// Key certificates besides those embedded in the votes.
    public var certificates: [KeyCertificate]
    /// The authority set; `nil` means the consensus's `dir-source` lines (without legacy keys),
    /// or the voters when there is no consensus either.
    public var expectedAuthorities: [DirectoryAuthorityIdentity]?
    public var clockObservations: [ClockObservation]
    /// Timed requests of live mode, for the reachability and latency checks.
    public var fetches: [AuthorityFetch] = []
    public var options: Options
    /// The consensus before ``consensus``, for the fingerprint-change check.
    public var previousConsensus: NetworkStatusConsensus?

    public init(votes: [NetworkStatusVote], consensus: NetworkStatusConsensus? = nil, certificates: [KeyCertificate] = [],
                expectedAuthorities: [DirectoryAuthorityIdentity]? = nil, clockObservations: [ClockObservation] = [],
                fetches: [AuthorityFetch] = [], options: Options = Options()) {
        self.votes = votes
        self.consensus = consensus
        self.certificates = certificates
        self.expectedAuthorities = expectedAuthorities
        self.clockObservations = clockObservations
        self.fetches = fetches
        self.options = options
    }

    /// The authority that made `vote`: its one `dir-source`, else its certificate's fingerprint.
    public static func author(of vote: NetworkStatusVote) -> DirectoryAuthorityIdentity? {
        if let source = vote.header.authorities.first { return DirectoryAuthorityIdentity(nickname: source.nickname, identity: source.identity) }
        return vote.keyCertificate?.fingerprint.map { DirectoryAuthorityIdentity(nickname: "", identity: $0) }
    }

    /// Runs every check whose inputs are present, at `time` (freshness, certificate expiry).
    public func run(at time: TorTimestamp) -> ConsensusHealthReport {
        let voted = votes.compactMap { vote in Self.author(of: vote).map { (author: $0, vote: vote) } }
        let expected = expectedAuthorities
            ?? consensus.map { $0.header.authorities.filter { !$0.isLegacy }.map { DirectoryAuthorityIdentity(nickname: $0.nickname, identity: $0.identity) } }
            ?? voted.map(\.author)
        var findings: [HealthFinding] = []
        findings += voteCoverage(voted, expected: expected)
        if let consensus, let previousConsensus {
            findings += FingerprintChanges.findings(from: previousConsensus, to: consensus)
        }
        if let consensus {
            findings += freshness(consensus, at: time)
            findings += signatures(consensus, expected: expected)
        }
        findings += certificateExpiry(voted, expected: expected, at: time)
        let agreement = VoteAgreement(voted: voted, consensus: consensus)
        findings += agreement.headerFindings()
        findings += agreement.sharedRandomFindings()
        let comparison = VoteComparison(voted: voted)
        findings += comparison.findings(measuredShareThreshold: options.measuredShareThreshold)
        findings += clockFindings(voted)
        findings += fetchFindings()
        findings.sort { a, b in
            if a.severity != b.severity { return a.severity > b.severity }
            return (a.check.rawValue, a.authorities.first?.nickname ?? "", a.relay?.hex ?? "")
                < (b.check.rawValue, b.authorities.first?.nickname ?? "", b.relay?.hex ?? "")
        }
        return ConsensusHealthReport(findings: findings, comparison: comparison, expectedAuthorities: expected)
    }

    private func voteCoverage(_ voted: [(author: DirectoryAuthorityIdentity, vote: NetworkStatusVote)],
                              expected: [DirectoryAuthorityIdentity]) -> [HealthFinding] {
        let voters = Set(voted.map(\.author.identity))
        let expectedIDs = Set(expected.map(\.identity))
        var findings = expected.filter { !voters.contains($0.identity) }.map { authority in
            HealthFinding(.missingVote, .warning, authorities: [authority], message: "\(Self.name(authority)) has no vote",
                          evidence: [KeyValueText(key: "votes", value: "\(voters.intersection(expectedIDs).count) of \(expected.count)")])
        }
        let present = voters.intersection(expectedIDs).count
        if !expected.isEmpty, present <= expected.count / 2 {
            findings.append(HealthFinding(.voteQuorum, .error, message: "votes from only \(present) of \(expected.count) authorities; a consensus needs more than half",
                                          evidence: [KeyValueText(key: "votes", value: "\(present)"), KeyValueText(key: "needed", value: "\(expected.count / 2 + 1)")]))
        }
        for (author, _) in voted where !expectedIDs.contains(author.identity) {
            findings.append(HealthFinding(.unexpectedVote, .info, authorities: [author], message: "\(Self.name(author)) voted but is not in the authority set"))
        }
        if let validAfter = consensus?.header.validAfter {
            for (author, vote) in voted where vote.header.validAfter != validAfter {
                findings.append(HealthFinding(.voteForOtherPeriod, .warning, authorities: [author],
                                              message: "\(Self.name(author))'s vote is for another period than the consensus",
                                              evidence: [KeyValueText(key: "vote valid-after", value: vote.header.validAfter?.description ?? "-"),
                                                         KeyValueText(key: "consensus valid-after", value: validAfter.description)]))
            }
        }
        return findings
    }

    private func freshness(_ consensus: NetworkStatusConsensus, at time: TorTimestamp) -> [HealthFinding] {
        let header = consensus.header
        let evidence = [KeyValueText(key: "time", value: time.description),
                        KeyValueText(key: "valid-after", value: header.validAfter?.description ?? "-"),
                        KeyValueText(key: "fresh-until", value: header.freshUntil?.description ?? "-"),
                        KeyValueText(key: "valid-until", value: header.validUntil?.description ?? "-")]
        let (severity, message): (HealthSeverity, String)
        if let validAfter = header.validAfter, time < validAfter {
            (severity, message) = (.error, "the consensus is not valid yet")
        } else if let validUntil = header.validUntil, time > validUntil {
            (severity, message) = (.error, "the consensus has expired")
        } else if let freshUntil = header.freshUntil, time > freshUntil {
            (severity, message) = (.warning, "the consensus is no longer fresh")
        } else {
            return []
        }
        return [HealthFinding(.consensusFreshness, severity, message: message, evidence: evidence)]
    }

    /// Every non-legacy `dir-source` of the consensus contributed a vote, so each should sign.
    private func signatures(_ consensus: NetworkStatusConsensus, expected: [DirectoryAuthorityIdentity]) -> [HealthFinding] {
        let signers = Set(consensus.footer.signatures.map(\.identity))
        let contributors = consensus.header.authorities.filter { !$0.isLegacy }
        var findings: [HealthFinding] = []
        for source in contributors where !signers.contains(source.identity) {
            let authority = DirectoryAuthorityIdentity(nickname: source.nickname, identity: source.identity)
            findings.append(HealthFinding(.missingSignature, .warning, authorities: [authority],
                                          message: "\(Self.name(authority)) contributed a vote but did not sign the consensus",
                                          evidence: [KeyValueText(key: "signatures", value: "\(signers.count)"),
                                                     KeyValueText(key: "voters", value: "\(contributors.count)")]))
        }
        let fromSet = expected.filter { signers.contains($0.identity) }.count
        if !expected.isEmpty, fromSet <= expected.count / 2 {
            findings.append(HealthFinding(.signatureQuorum, .error,
                                          message: "only \(fromSet) of \(expected.count) authorities signed; clients need more than half",
                                          evidence: [KeyValueText(key: "signatures", value: "\(fromSet)"), KeyValueText(key: "needed", value: "\(expected.count / 2 + 1)")]))
        }
        return findings
    }

    private func certificateExpiry(_ voted: [(author: DirectoryAuthorityIdentity, vote: NetworkStatusVote)],
                                   expected: [DirectoryAuthorityIdentity], at time: TorTimestamp) -> [HealthFinding] {
        var newest: [Fingerprint: TorTimestamp] = [:]
        for certificate in certificates + voted.compactMap(\.vote.keyCertificate) {
            guard let identity = certificate.fingerprint, let expires = certificate.expires else { continue }
            newest[identity] = max(newest[identity] ?? expires, expires)
        }
        let window = Int64(min(max(options.certificateWarningDays, 0), 1_000_000)) * 86_400   // clamped: any Int is accepted
        var authorities = expected
        for (author, _) in voted where !authorities.contains(where: { $0.identity == author.identity }) { authorities.append(author) }
        return authorities.compactMap { authority in
            guard let expires = newest[authority.identity] else { return nil }
            let left = Self.difference(expires, time)
            guard left <= window else { return nil }
            let evidence = [KeyValueText(key: "expires", value: expires.description), KeyValueText(key: "time", value: time.description)]
            if left <= 0 {
                return HealthFinding(.certificateExpiry, .error, authorities: [authority], message: "\(Self.name(authority))'s newest key certificate has expired", evidence: evidence)
            }
            return HealthFinding(.certificateExpiry, .warning, authorities: [authority],
                                 message: "\(Self.name(authority))'s newest key certificate expires in \(left / 86_400) days", evidence: evidence)
        }
    }

    private func clockFindings(_ voted: [(author: DirectoryAuthorityIdentity, vote: NetworkStatusVote)]) -> [HealthFinding] {
        let tolerance = options.clockSkewToleranceSeconds
        var findings: [HealthFinding] = []
        for observation in clockObservations {
            let skew = Self.difference(observation.httpDate, observation.localTime)
            guard abs(skew) > tolerance else { continue }
            findings.append(HealthFinding(.clockSkew, .warning, authorities: [observation.authority],
                                          message: "\(Self.name(observation.authority))'s clock is \(abs(skew)) s \(skew > 0 ? "ahead of" : "behind") ours",
                                          evidence: [KeyValueText(key: "http-date", value: observation.httpDate.description),
                                                     KeyValueText(key: "local-time", value: observation.localTime.description),
                                                     KeyValueText(key: "skew-seconds", value: "\(skew)")]))
        }
        // Authorities publish their votes on a shared schedule, so a `published` far from the
        // other votes' median (or after the period starts) points at the authority's clock.
        let published = voted.compactMap(\.vote.published).map(\.secondsSince1970).sorted()
        guard !published.isEmpty else { return findings }
        let median = published[published.count / 2]
        for (author, vote) in voted {
            guard let stamp = vote.published else { continue }
            let offset = Self.difference(stamp, TorTimestamp(secondsSince1970: median))
            let afterStart = vote.header.validAfter.map { stamp > $0 } ?? false
            guard abs(offset) > tolerance || afterStart else { continue }
            findings.append(HealthFinding(.votePublished, .warning, authorities: [author],
                                          message: afterStart ? "\(Self.name(author))'s vote was published after its valid-after"
                                                              : "\(Self.name(author))'s vote was published \(abs(offset)) s \(offset > 0 ? "after" : "before") the others'",
                                          evidence: [KeyValueText(key: "published", value: stamp.description),
                                                     KeyValueText(key: "median-published", value: TorTimestamp(secondsSince1970: median).description),
                                                     KeyValueText(key: "valid-after", value: vote.header.validAfter?.description ?? "-")]))
        }
        return findings
    }

    private func fetchFindings() -> [HealthFinding] {
        var findings = fetches.filter { $0.failure != nil }.map { fetch in
            HealthFinding(.unreachableAuthority, .warning, authorities: [fetch.authority],
                          message: "\(Self.name(fetch.authority)) did not answer \(fetch.request): \(fetch.failure ?? "")",
                          evidence: [KeyValueText(key: "request", value: fetch.request), KeyValueText(key: "seconds", value: Self.seconds(fetch.seconds))])
        }
        let answered = fetches.filter { $0.failure == nil }
        for request in Set(answered.map(\.request)).sorted() {
            let times = answered.filter { $0.request == request }
            guard times.count >= 3 else { continue }   // a median of two says nothing
            let sorted = times.map(\.seconds).sorted()
            let median = sorted[sorted.count / 2]
            for fetch in times where fetch.seconds > max(median * options.slowAuthorityFactor, options.slowAuthorityMinimumSeconds) {
                findings.append(HealthFinding(.slowAuthority, .warning, authorities: [fetch.authority],
                                              message: "\(Self.name(fetch.authority)) took \(Self.seconds(fetch.seconds)) s for \(request), the median authority \(Self.seconds(median)) s",
                                              evidence: [KeyValueText(key: "request", value: request), KeyValueText(key: "seconds", value: Self.seconds(fetch.seconds)),
                                                         KeyValueText(key: "median-seconds", value: Self.seconds(median))]))
            }
        }
        return findings
    }

    /// `a - b` in seconds, clamped so that values made up by a caller cannot overflow.
    static func difference(_ a: TorTimestamp, _ b: TorTimestamp) -> Int64 {
        let (value, overflow) = a.secondsSince1970.subtractingReportingOverflow(b.secondsSince1970)
        if overflow { return a > b ? Int64.max / 2 : Int64.min / 2 }
        return max(Int64.min / 2, min(Int64.max / 2, value))
    }

    static func seconds(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e9 else { return value.isNaN ? "nan" : (value < 0 ? "-" : "") + "huge" }
        let milliseconds = Int((abs(value) * 1000).rounded())
        let fraction = String(milliseconds % 1000)
        return (value < 0 ? "-" : "") + "\(milliseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    static func name(_ authority: DirectoryAuthorityIdentity) -> String {
        authority.nickname.isEmpty ? authority.identity.hex : authority.nickname
    }
}

/// What ``ConsensusHealth/run(at:)`` found, worst first, and the per-authority tables the
/// relay checks were computed from.
///
/// ```swift
/// let report = ConsensusHealth(votes: votes, consensus: consensus).run(at: TorTimestamp(Date()))
/// if report.worstSeverity == .error { print("unhealthy") }
/// for row in report.comparison.authorities { print(row.authority.nickname, row.flagCounts) }
/// ```
public struct ConsensusHealthReport: Sendable {
    /// Findings sorted by severity (errors first), then check, then authority.
    public let findings: [HealthFinding]
    /// Per-authority flag counts, missing relays and flag disagreements.
    public let comparison: VoteComparison
    /// The authority set the checks used.
    public let expectedAuthorities: [DirectoryAuthorityIdentity]

    /// The most serious finding's severity, `nil` when there are none.
    public var worstSeverity: HealthSeverity? { findings.map(\.severity).max() }

    /// The findings at or above `severity`.
    public func findings(atLeast severity: HealthSeverity) -> [HealthFinding] { findings.filter { $0.severity >= severity } }
}
