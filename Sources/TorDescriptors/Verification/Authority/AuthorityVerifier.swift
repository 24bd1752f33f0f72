#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials

/// Verifies documents signed by directory authorities (consensuses, detached signatures, votes,
/// key certificates) against one trusted authority set, remembering each key certificate's
/// signature checks so that verifying the next hourly consensus, or the next one in an
/// archive, does not repeat the 3072-bit RSA checks of the same certificates.
///
/// The verifier is a value; its copies share one cache (which is safe to use from several
/// tasks at once). Keep one for as long as you verify with the same certificates; the
/// documents' own `verificationReport(...)` methods verify once, with no cache.
///
/// ``verify(_:certificates:at:tolerance:)`` returns a ``Verified`` document: a type that says
/// the document passed, for code that must only accept checked consensuses.
///
/// ```swift
/// let verifier = AuthorityVerifier(authorities: .tor)
/// let verified = try verifier.verify(consensus, certificates: certificates, at: TorTimestamp(Date()))
/// print(verified.report[.quorum(.ns)] ?? .failed("no quorum check"), verified.document.entries.count)
/// ```
public struct AuthorityVerifier: Sendable {
    /// The authorities whose signatures count towards a quorum (without a ``history``), or the
    /// set in force now (with one).
    public let authorities: TrustedAuthorities
    /// When set, each consensus and detached signature is checked against the set in force at
    /// the time it is verified at (``AuthorityHistory/authorities(at:)``), not ``authorities``.
    public let history: AuthorityHistory?
    let cache: KeyCertificateCheckCache

    /// A verifier for `authorities` (the public network's by default), with an empty cache.
    public init(authorities: TrustedAuthorities = .tor) {
        self.init(authorities: authorities, history: nil, cache: KeyCertificateCheckCache())
    }

    /// A verifier that checks each document against the authorities of `history` in force at
    /// the time it is verified at: an archived consensus verified at its own valid-after needs
    /// more than half of that day's authorities.
    ///
    /// ```swift
    /// let verifier = AuthorityVerifier(history: .tor)
    /// let report = verifier.report(for: consensus2012, certificates: certs2012, at: consensus2012.validAfter!)
    /// ```
    public init(history: AuthorityHistory) {
        self.init(authorities: history.authorities(at: TorTimestamp(Date())), history: history, cache: KeyCertificateCheckCache())
    }

    private init(authorities: TrustedAuthorities, history: AuthorityHistory?, cache: KeyCertificateCheckCache) {
        self.authorities = authorities
        self.history = history
        self.cache = cache
    }

    /// A verifier for another authority set that shares this one's certificate cache (for a
    /// consensus checked against its own `dir-source` lines, or a private network's set).
    public func with(authorities: TrustedAuthorities) -> AuthorityVerifier {
        AuthorityVerifier(authorities: authorities, history: nil, cache: cache)
    }

    /// The set signatures are counted against at `time`.
    public func authorities(at time: TorTimestamp) -> TrustedAuthorities {
        history?.authorities(at: time) ?? authorities
    }

    // MARK: Consensus

    /// Every check of ``NetworkStatusConsensus/verificationReport(certificates:authorities:at:tolerance:)``,
    /// with this verifier's authorities and cache.
    public func report(for consensus: NetworkStatusConsensus, certificates: [KeyCertificate],
                       at time: TorTimestamp, tolerance seconds: Int64 = 0) -> VerificationReport {
        consensus.verificationReport(certificates: certificates, authorities: authorities(at: time), at: time, tolerance: seconds, cache: cache)
    }

    /// The consensus as ``Verified``, or a ``VerificationError`` naming the failed checks.
    public func verify(_ consensus: NetworkStatusConsensus, certificates: [KeyCertificate],
                       at time: TorTimestamp, tolerance seconds: Int64 = 0) throws(VerificationError) -> Verified<NetworkStatusConsensus> {
        Verified(consensus, try report(for: consensus, certificates: certificates, at: time, tolerance: seconds).validated())
    }

    /// The certificates the consensus's signatures by these authorities name and `certificates` lacks.
    public func missingCertificates(for consensus: NetworkStatusConsensus, in certificates: [KeyCertificate]) -> [MissingCertificate] {
        consensus.missingCertificates(in: certificates, authorities: consensus.validAfter.map { authorities(at: $0) } ?? authorities)
    }

    // MARK: Detached signatures

    /// Every check of ``DetachedSignatures/verificationReport(certificates:authorities:consensus:flavored:at:tolerance:)``,
    /// with this verifier's authorities and cache.
    public func report(for detached: DetachedSignatures, certificates: [KeyCertificate],
                       consensus: NetworkStatusConsensus? = nil, flavored: [NetworkStatusConsensus] = [],
                       at time: TorTimestamp, tolerance seconds: Int64 = 0) -> VerificationReport {
        detached.verificationReport(certificates: certificates, authorities: authorities(at: time), consensus: consensus,
                                    flavored: flavored, at: time, tolerance: seconds, cache: cache)
    }

    /// The detached signatures as ``Verified``, or a ``VerificationError``.
    public func verify(_ detached: DetachedSignatures, certificates: [KeyCertificate],
                       consensus: NetworkStatusConsensus? = nil, flavored: [NetworkStatusConsensus] = [],
                       at time: TorTimestamp, tolerance seconds: Int64 = 0) throws(VerificationError) -> Verified<DetachedSignatures> {
        let report = report(for: detached, certificates: certificates, consensus: consensus, flavored: flavored, at: time, tolerance: seconds)
        return Verified(detached, try report.validated())
    }

    // MARK: Votes and key certificates

    /// Every check of ``NetworkStatusVote/verificationReport(authorities:at:)`` with these authorities.
    public func report(for vote: NetworkStatusVote, at time: TorTimestamp) -> VerificationReport {
        vote.verificationReport(authorities: authorities(at: time), at: time, cache: cache)
    }

    /// The vote as ``Verified``, or a ``VerificationError``.
    public func verify(_ vote: NetworkStatusVote, at time: TorTimestamp) throws(VerificationError) -> Verified<NetworkStatusVote> {
        Verified(vote, try report(for: vote, at: time).validated())
    }

    /// Every check of `KeyCertificate.verificationReport(at:)`, the signature checks from the
    /// cache when this verifier has seen the certificate. The authority set plays no part: a
    /// certificate is checked on its own.
    public func report(for certificate: KeyCertificate, at time: TorTimestamp) -> VerificationReport {
        certificate.verificationReport(at: time, cache: cache)
    }

    /// The certificate as ``Verified``, or a ``VerificationError``.
    public func verify(_ certificate: KeyCertificate, at time: TorTimestamp) throws(VerificationError) -> Verified<KeyCertificate> {
        Verified(certificate, try report(for: certificate, at: time).validated())
    }
}

/// A document that passed verification, with the report that says so. Only verifiers make one
/// (``AuthorityVerifier``), so a function taking `Verified<NetworkStatusConsensus>` cannot be
/// handed a consensus that was merely parsed. Members of the document read through it.
///
/// ```swift
/// func route(with consensus: Verified<NetworkStatusConsensus>) {
///     print(consensus.entries.count, consensus.report)
/// }
/// ```
@dynamicMemberLookup
public struct Verified<Document: Sendable>: Sendable {
    /// The document, as parsed.
    public let document: Document
    /// The checks it passed.
    public let report: VerificationReport

    init(_ document: Document, _ report: VerificationReport) {
        self.document = document
        self.report = report
    }

    public subscript<Value>(dynamicMember member: KeyPath<Document, Value>) -> Value { document[keyPath: member] }
}
