import TorDescriptors

extension DirectoryClient {
    /// tor's limit on fingerprints per `/tor/server/fp/` and `/tor/extra/fp/` request.
    public static let fingerprintsPerRequest = 96
    /// tor's limit on digests per `/tor/micro/d/` request.
    public static let microdescriptorsPerRequest = 90

    /// Server descriptors of the given relays (96 per request, requests in parallel); relays
    /// the directory does not know are simply absent from the result.
    ///
    /// With `consensus`, each descriptor must have the digest its consensus entry names
    /// (others are dropped, as tor drops them).
    public func serverDescriptors(fingerprints: [Fingerprint], matching consensus: NetworkStatusConsensus? = nil) async throws(DirectoryClientError) -> [ServerDescriptor] {
        let batches = Self.batches(fingerprints.map(\.hex), size: Self.fingerprintsPerRequest)
        let client = self
        let found = try await forEachBatch(batches) { batch throws(DirectoryClientError) in
            try await client.fetch(path: "/tor/server/fp/" + batch.joined(separator: "+")) { response throws(DirectoryAttempt.Failure) in
                try Self.parseAll(ServerDescriptor.self, response.body)
            }
        }.flatMap { $0 }
        return consensus.map { Self.matching(found, $0) } ?? found
    }

    /// Every server descriptor the directory has (`/tor/server/all`).
    public func serverDescriptors(matching consensus: NetworkStatusConsensus? = nil) async throws(DirectoryClientError) -> [ServerDescriptor] {
        let found = try await fetch(path: "/tor/server/all") { response throws(DirectoryAttempt.Failure) in
            try Self.parseAll(ServerDescriptor.self, response.body)
        }
        return consensus.map { Self.matching(found, $0) } ?? found
    }

    /// Extra-info descriptors of the given relays (96 per request).
    public func extraInfo(fingerprints: [Fingerprint]) async throws(DirectoryClientError) -> [ExtraInfoDescriptor] {
        let client = self
        return try await forEachBatch(Self.batches(fingerprints.map(\.hex), size: Self.fingerprintsPerRequest)) { batch throws(DirectoryClientError) in
            try await client.fetch(path: "/tor/extra/fp/" + batch.joined(separator: "+")) { response throws(DirectoryAttempt.Failure) in
                try Self.parseAll(ExtraInfoDescriptor.self, response.body)
            }
        }.flatMap { $0 }
    }

    /// Every extra-info descriptor the directory has (`/tor/extra/all`).
    public func extraInfo() async throws(DirectoryClientError) -> [ExtraInfoDescriptor] {
        try await fetch(path: "/tor/extra/all") { response throws(DirectoryAttempt.Failure) in
            try Self.parseAll(ExtraInfoDescriptor.self, response.body)
        }
    }

    /// Microdescriptors by SHA-256 digest (90 per request, in parallel). Each returned
    /// microdescriptor's digest is checked: one that was not asked for makes the answer invalid
    /// (the batch is retried elsewhere).
    public func microdescriptors(digests: [SHA256DigestValue]) async throws(DirectoryClientError) -> [Microdescriptor] {
        let client = self
        let unique = Array(Set(digests))
        return try await forEachBatch(Self.batches(unique, size: Self.microdescriptorsPerRequest)) { batch throws(DirectoryClientError) in
            let wanted = Set(batch)
            let path = "/tor/micro/d/" + batch.map { $0.base64.trimmingTrailingEquals }.joined(separator: "-")
            return try await client.fetch(path: path) { response throws(DirectoryAttempt.Failure) in
                let found = try Self.parseAll(Microdescriptor.self, response.body)
                if let stranger = found.first(where: { !wanted.contains($0.digest) }) {
                    throw .verificationFailed("microdescriptor \(stranger.digest.base64) was not requested")
                }
                return found
            }
        }.flatMap { $0 }
    }

    /// The microdescriptors a microdesc-flavored consensus names.
    public func microdescriptors(for consensus: NetworkStatusConsensus) async throws(DirectoryClientError) -> [Microdescriptor] {
        try await microdescriptors(digests: consensus.entries.compactMap(\.microdescriptorDigest))
    }

    /// Key certificates of the given v3 identities (`/tor/keys/fp/`).
    public func keyCertificates(identities: [Fingerprint]) async throws(DirectoryClientError) -> [KeyCertificate] {
        let client = self
        return try await forEachBatch(Self.batches(identities.map(\.hex), size: Self.fingerprintsPerRequest)) { batch throws(DirectoryClientError) in
            try await client.fetch(path: "/tor/keys/fp/" + batch.joined(separator: "+")) { response throws(DirectoryAttempt.Failure) in
                try Self.parseAll(KeyCertificate.self, response.body)
            }
        }.flatMap { $0 }
    }

    /// Every key certificate the directory has (`/tor/keys/all`).
    public func keyCertificates() async throws(DirectoryClientError) -> [KeyCertificate] {
        try await fetch(path: "/tor/keys/all") { response throws(DirectoryAttempt.Failure) in
            try Self.parseAll(KeyCertificate.self, response.body)
        }
    }

    /// The current vote of one authority (`/tor/status-vote/current/authority`, asked of that
    /// authority's DirPort only).
    public func vote(from authority: DirectoryEndpoint) async throws(DirectoryClientError) -> NetworkStatusVote {
        try await fetch(path: "/tor/status-vote/current/authority", endpoints: [authority]) { response throws(DirectoryAttempt.Failure) in
            do { return try NetworkStatusVote(parsing: response.body) } catch { throw .invalidDocument("\(error)") }
        }
    }

    /// The detached signatures of the next consensus
    /// (`/tor/status-vote/next/consensus-signatures`). Authorities serve them only between
    /// signature exchange and publication (a few seconds in a test network); outside that
    /// window every endpoint answers 404.
    public func detachedSignatures() async throws(DirectoryClientError) -> DetachedSignatures {
        try await fetch(path: "/tor/status-vote/next/consensus-signatures") { response throws(DirectoryAttempt.Failure) in
            do { return try DetachedSignatures(parsing: response.body) } catch { throw .invalidDocument("\(error)") }
        }
    }

    /// The bandwidth file an authority votes with (`/tor/status-vote/next/bandwidth`), as bytes;
    /// only authorities configured with `V3BandwidthsFile` serve one.
    public func bandwidthFile(from authority: DirectoryEndpoint? = nil) async throws(DirectoryClientError) -> [UInt8] {
        try await fetch(path: "/tor/status-vote/next/bandwidth", endpoints: authority.map { [$0] }) { $0.body }
    }

    static func batches<T>(_ items: [T], size: Int) -> [[T]] {
        stride(from: 0, to: items.count, by: size).map { Array(items[$0..<min($0 + size, items.count)]) }
    }

    static func matching(_ descriptors: [ServerDescriptor], _ consensus: NetworkStatusConsensus) -> [ServerDescriptor] {
        var expected: [Fingerprint: SHA1DigestValue] = [:]
        for entry in consensus.entries { if let digest = entry.descriptorDigest { expected[entry.fingerprint] = digest } }
        return descriptors.filter { descriptor in
            guard let fingerprint = descriptor.fingerprint, let want = expected[fingerprint] else { return false }
            return descriptor.digest == want
        }
    }
}

extension String {
    var trimmingTrailingEquals: String {
        var s = Substring(self)
        while s.last == "=" { s.removeLast() }
        return String(s)
    }
}
