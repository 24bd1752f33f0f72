extension Microdescriptor {
    /// Stem's `Microdescriptor` attributes in snake_case, plus `family_ids` and `last_listed`
    /// (which Stem 1.8 does not have).
    ///
    /// ```swift
    /// print(micro.stemJSON.serialized())   // {"onion_key":"-----BEGIN RSA PUBLIC KEY-----\n...
    /// ```
    ///
    /// Like Stem, `exit_policy` is `reject 1-65535` when the `p` line is absent, `or_addresses`
    /// holds `[address, port, is_ipv6]` triples, `identifiers` maps key type to the value as
    /// written (base64 without padding) and `digest` is the unpadded base64 SHA-256.
    public var stemJSON: JSONValue {
        var identifierPairs: [(String, JSONValue)] = []
        if let rsa1024Identity { identifierPairs.append(("rsa1024", .string(Base64.encode(rsa1024Identity.bytes, padded: false)))) }
        if let ed25519Key { identifierPairs.append(("ed25519", .string(Base64.encode(ed25519Key.bytes, padded: false)))) }
        for other in otherIdentifiers { identifierPairs.append((other.type, .string(other.value))) }
        return .object([
            ("onion_key", .optional(onionKeyPEM) { .string($0) }),
            ("ntor_onion_key", .optional(ntorOnionKeyBase64) { .string($0) }),
            ("or_addresses", .array(orAddresses.map {
                .array([.string($0.address.description), .int($0.port), .bool($0.address.isIPv6)])
            })),
            ("family", .array(familyStrings.map { .string($0) })),
            ("family_ids", .array(familyIDs.map { .string($0) })),
            ("exit_policy", .string(exitPolicyText ?? "reject 1-65535")),
            ("exit_policy_v6", .optional(exitPolicyV6Text) { .string($0) }),
            ("identifiers", .object(identifierPairs)),
            ("protocols", protocols?.stemJSON ?? .object([])),
            ("digest", .string(digest.base64)),
            ("last_listed", .optional(lastListed) { .string($0.description) }),
        ])
    }
}
