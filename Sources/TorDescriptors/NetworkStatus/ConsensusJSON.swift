extension Int32Parameters {
    var stemJSON: JSONValue { .object(entries.map { ($0.name, .int(Int($0.value))) }) }
}

extension ConsensusHeader {
    /// The header with Stem's `NetworkStatusDocumentV3` attribute names, plus the footer's
    /// signatures and bandwidth weights (Stem keeps those on the document too).
    func stemJSON(signatures: [DirectorySignature], bandwidthWeights: Int32Parameters) -> JSONValue {
        func shared(_ value: SharedRandomValue?) -> (JSONValue, JSONValue) {
            (.optional(value) { .int($0.revealCount) }, .optional(value) { .string($0.base64) })
        }
        let previous = shared(sharedRandomPrevious)
        let current = shared(sharedRandomCurrent)
        let authorityJSON: [JSONValue] = authorities.map { authority in
            .object([
                ("nickname", .string(authority.nickname)),
                ("v3ident", .string(authority.identity.hex)),
                ("hostname", .string(authority.hostname)),
                ("address", .string(authority.address.description)),
                ("dir_port", .optional(authority.dirPort) { .int(Int($0)) }),
                ("or_port", .int(Int(authority.orPort))),
                ("is_legacy", .bool(authority.isLegacy)),
                ("contact", .optional(authority.contact) { .string($0) }),
                ("vote_digest", .optional(authority.voteDigest) { .string($0.hex) }),
                ("legacy_dir_key", .optional(authority.legacyDirKey) { .string($0.hex) }),
            ])
        }
        return .object([
            ("version", .int(version)),
            ("version_flavor", .string(flavor.description)),
            ("is_consensus", .bool(voteStatus == "consensus")),
            ("is_vote", .bool(voteStatus == "vote")),
            ("is_microdescriptor", .bool(flavor == .microdesc)),
            ("consensus_method", .optional(consensusMethod) { .int($0) }),
            ("valid_after", .optional(validAfter) { .string($0.description) }),
            ("fresh_until", .optional(freshUntil) { .string($0.description) }),
            ("valid_until", .optional(validUntil) { .string($0.description) }),
            ("vote_delay", .optional(voteDelay) { .int($0) }),
            ("dist_delay", .optional(distDelay) { .int($0) }),
            ("client_versions", .array(clientVersions.map { .string($0) })),
            ("server_versions", .array(serverVersions.map { .string($0) })),
            ("packages", .array(packages.map { package in
                .object([("name", .string(package.name)), ("version", .string(package.version)), ("url", .string(package.url)),
                         ("digests", .object(package.digests.map { ($0.key, .string($0.value)) }))])
            })),
            ("known_flags", .array(knownFlags.map { .string($0) })),
            ("recommended_client_protocols", recommendedClientProtocols?.stemJSON ?? .object([])),
            ("recommended_relay_protocols", recommendedRelayProtocols?.stemJSON ?? .object([])),
            ("required_client_protocols", requiredClientProtocols?.stemJSON ?? .object([])),
            ("required_relay_protocols", requiredRelayProtocols?.stemJSON ?? .object([])),
            ("params", params.stemJSON),
            ("shared_randomness_previous_reveal_count", previous.0),
            ("shared_randomness_previous_value", previous.1),
            ("shared_randomness_current_reveal_count", current.0),
            ("shared_randomness_current_value", current.1),
            ("bandwidth_file_headers", .object(bandwidthFileHeaders.map { ($0.key, .string($0.value)) })),
            ("bandwidth_file_digest", .object(bandwidthFileDigests.map { ($0.key, .string($0.value)) })),
            ("directory_authorities", .array(authorityJSON)),
            ("bandwidth_weights", bandwidthWeights.stemJSON),
            ("signatures", .array(signatures.map { signature in
                .object([("method", .string(signature.algorithm.description)), ("identity", .string(signature.identity.hex)),
                         ("key_digest", .string(signature.signingKeyDigest.hex))])
            })),
        ])
    }
}
