#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorDescriptors

extension DirectoryClient {
    /// Fetches the current consensus of `flavor`, verified as ``Configuration/verification``
    /// says (by default: signed by a majority of the configured authorities).
    ///
    /// With `cached`, asks for a diff from it (`X-Or-Diff-From-Consensus`), applies it and
    /// checks the result's SHA3-256; servers without a diff send the full document, and a diff
    /// that does not apply falls back to a full download.
    public func consensus(flavor: ConsensusFlavor = .ns, cached: NetworkStatusConsensus? = nil) async throws(DirectoryClientError) -> NetworkStatusConsensus {
        try await consensusDownload(flavor: flavor, cached: cached).consensus
    }

    /// A consensus plus how it arrived (for measurements and progress output).
    ///
    /// ```swift
    /// let download = try await client.consensusDownload(flavor: .microdesc, cached: previous)
    /// print(download.appliedDiff, download.response.contentEncoding, download.verifyTime)
    /// ```
    public struct ConsensusDownload: Sendable {
        public var consensus: NetworkStatusConsensus
        /// The response the consensus (or the diff) came in.
        public var response: DirectoryResponse
        /// True when a diff was applied to the cached consensus.
        public var appliedDiff: Bool
        /// Time spent parsing and verifying (including certificate downloads).
        public var parseTime: Duration
        public var verifyTime: Duration
    }

    /// ``consensus(flavor:cached:)`` with the response and timings.
    public func consensusDownload(flavor: ConsensusFlavor = .ns, cached: NetworkStatusConsensus? = nil) async throws(DirectoryClientError) -> ConsensusDownload {
        let path = flavor == .microdesc ? "/tor/status-vote/current/consensus-microdesc" : "/tor/status-vote/current/consensus"
        var headers: [(String, String)] = []
        if let base = cached?.sha3DigestAsSigned { headers.append(("X-Or-Diff-From-Consensus", Hex.encode(base))) }
        let client = self
        let attempt: @Sendable (DirectoryResponse) async throws(DirectoryAttempt.Failure) -> ConsensusDownload = { response throws(DirectoryAttempt.Failure) in
            let started = ContinuousClock.now
            var bytes = response.body
            var applied = false
            if let cached, bytes.starts(with: Array("network-status-diff-version".utf8)) {
                do {
                    let diff = try ConsensusDiff(parsing: bytes)
                    bytes = try diff.apply(to: cached.rawBytes)
                    applied = true
                } catch {
                    throw .invalidDocument("consensus diff: \(error)")
                }
            }
            let consensus: NetworkStatusConsensus
            do { consensus = try NetworkStatusConsensus(parsing: bytes) } catch { throw .invalidDocument("\(error)") }
            guard consensus.header.flavor == flavor else { throw .invalidDocument("expected a \(flavor) consensus, got \(consensus.header.flavor)") }
            let parsed = ContinuousClock.now
            try await client.verify(consensus, preferring: response.endpoint)
            return ConsensusDownload(consensus: consensus, response: response, appliedDiff: applied,
                                     parseTime: parsed - started, verifyTime: ContinuousClock.now - parsed)
        }
        do {
            return try await fetch(path: path, headers: headers, accept: attempt)
        } catch {
            // A diff that failed everywhere: the full document may still be fine.
            guard !headers.isEmpty, case .allEndpointsFailed = error else { throw error }
            return try await fetch(path: path, accept: attempt)
        }
    }

    /// Router status entries of the current (verified) consensus, one at a time, like Stem's
    /// `get_consensus()`.
    ///
    /// ```swift
    /// for try await entry in client.consensusEntries(flavor: .microdesc) { print(entry.nickname) }
    /// ```
    public func consensusEntries(flavor: ConsensusFlavor = .ns) -> AsyncThrowingStream<RouterStatusEntry, any Error> {
        let client = self
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    let consensus = try await client.consensus(flavor: flavor)
                    for entry in consensus.entries {
                        if Task.isCancelled { break }
                        continuation.yield(entry)
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Applies ``Configuration/verification`` to `consensus`, fetching the signers' key
    /// certificates when needed.
    func verify(_ consensus: NetworkStatusConsensus, preferring endpoint: DirectoryEndpoint? = nil) async throws(DirectoryAttempt.Failure) {
        let verifier: any ConsensusVerifier
        switch configuration.verification {
        case .none: return
        case .authorities: verifier = AuthorityQuorumCheck()
        case .custom(let custom): verifier = custom
        }
        let trusted = Set(configuration.authorities.compactMap(\.v3Identity))
        let pairs = consensus.footer.signatures.filter { trusted.contains($0.identity) }
            .map { "\($0.identity.hex)-\($0.signingKeyDigest.hex)" }
        var certificates: [KeyCertificate] = []
        if !pairs.isEmpty {
            do {
                // The server that sent the consensus has its signers' certificates (it checked them).
                let endpoints = endpoint.map { first in [first] + configuration.endpoints.filter { $0 != first } }
                certificates = try await fetch(path: "/tor/keys/fp-sk/" + pairs.joined(separator: "+"), endpoints: endpoints,
                                               randomize: false) { response throws(DirectoryAttempt.Failure) in
                    try Self.parseAll(KeyCertificate.self, response.body)
                }
            } catch {
                throw .verificationFailed("could not fetch the signers' key certificates: \(error)")
            }
        }
        do {
            try verifier.verify(consensus, certificates: certificates, authorities: configuration.authorities)
        } catch {
            throw .verificationFailed(error.message)
        }
    }

    /// Parses every document of a body; a body with documents that all fail is an invalid
    /// answer (try elsewhere), one bad document among good ones is dropped.
    static func parseAll<D: ParsableDocument>(_ type: D.Type, _ body: [UInt8]) throws(DirectoryAttempt.Failure) -> [D] {
        var documents: [D] = []
        var firstError: DescriptorParseError?
        for result in D.parseAll(body[...]) {
            switch result {
            case .success(let document): documents.append(document)
            case .failure(let error): firstError = firstError ?? error
            }
        }
        if documents.isEmpty, let firstError { throw .invalidDocument("\(firstError)") }
        return documents
    }
}
