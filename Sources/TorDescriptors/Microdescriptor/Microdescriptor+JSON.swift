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
            ("protocols", Self.protocolsJSON(protocolsText)),
            ("digest", .string(digest)),
            ("last_listed", .optional(lastListed) { .string($0.description) }),
        ])
    }

    /// `Name=1-3,5 Other=2` as `{"Name":[1,2,3,5],"Other":[2]}`, as Stem expands it.
    static func protocolsJSON(_ text: String?) -> JSONValue {
        guard let text else { return .object([]) }
        var pairs: [(String, JSONValue)] = []
        for entry in text.split(separator: " ") {
            guard let equals = entry.firstIndex(of: "=") else { continue }
            var versions: [JSONValue] = []
            for part in entry[entry.index(after: equals)...].split(separator: ",") {
                let bounds = part.split(separator: "-").compactMap { Int($0) }
                if bounds.count == 1 { versions.append(.int(bounds[0])) }
                if bounds.count == 2, bounds[0] <= bounds[1], bounds[1] - bounds[0] < 1000 {
                    versions += (bounds[0]...bounds[1]).map { .int($0) }
                }
            }
            pairs.append((String(entry[..<equals]), .array(versions)))
        }
        return .object(pairs)
    }
}
