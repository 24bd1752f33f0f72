extension ServerDescriptor {
    /// Archived descriptors predate keywords that tor 0.4.8 requires (`T1`): they keep tor's
    /// arguments and object, but may be absent.
    private static let historical = "required by tor 0.4.x but absent from descriptors of older tors, which archives hold"

    /// tor's `routerdesc_token_table`; keywords tor's table lacks come from dir-spec §2.1.1.
    static let relayRules = KeywordRules<Key>(kind: .serverDescriptor, source: .tor("routerparse.c", "routerdesc_token_table"), [
        .first(.router, .atLeast(5), .forbidden),
        .once(.bandwidth, .atLeast(3), .forbidden),
        .once(.published, .concat, .forbidden),
        .once(.signingKey, .none, .rsaKey1024),
        .atMostOnce(.onionKey, .none, .rsaKey1024,
                    differs: "optional since tor 0.4.9 removed TAP onion keys (proposal 350); tor 0.4.8's table still requires it"),
        .atMostOnce(.ntorOnionKey, .atLeast(1), .forbidden, differs: historical),
        .last(.routerSignature, .none, .required, types: ["SIGNATURE"]),
        .atMostOnce(.uptime, .atLeast(1), .forbidden),
        .atMostOnce(.fingerprint, .concat, .forbidden),
        .atMostOnce(.hibernating, .atLeast(1), .forbidden),
        .atMostOnce(.platform, .concat, .forbidden),
        .atMostOnce(.proto, .concat, .forbidden, differs: historical),
        .atMostOnce(.contact, .concat, .forbidden),
        .atMostOnce(.readHistory, .any, .forbidden),
        .atMostOnce(.writeHistory, .any, .forbidden),
        .atMostOnce(.extraInfoDigest, .atLeast(1), .forbidden),
        .atMostOnce(.hiddenServiceDir, .none, .forbidden),
        .atMostOnce(.identityEd25519, .none, .required, types: ["ED25519 CERT"], differs: historical),
        .atMostOnce(.masterKeyEd25519, .atLeast(1), .forbidden, differs: historical),
        .atMostOnce(.routerSigEd25519, .atLeast(1), .forbidden, differs: historical),
        .atMostOnce(.onionKeyCrosscert, .none, .required, types: ["CROSSCERT"], differs: historical),
        .atMostOnce(.ntorOnionKeyCrosscert, .exactly(1), .required, types: ["ED25519 CERT"], differs: historical),
        .atMostOnce(.allowSingleHopExits, .none, .forbidden),
        .atMostOnce(.family, .any, .forbidden),
        .atMostOnce(.cachesExtraInfo, .none, .forbidden),
        .any(.orAddress, .atLeast(1), .forbidden),
        .atMostOnce(.tunnelledDirServer, .none, .forbidden),
        .any(.accept, .any, .forbidden),
        .any(.reject, .any, .forbidden),
        .any(.accept6, .any, .forbidden),
        .any(.reject6, .any, .forbidden),
        .atMostOnce(.ipv6Policy, .concat, .forbidden),
        // Not in tor 0.4.8's table (tor ignores them); counts from dir-spec.
        .any(.familyCert, .any, .required, source: .spec("2.1.1 family-cert (tor 0.4.9)")),
        .atMostOnce(.protocols, .any, .forbidden, source: .spec("2.1.1 protocols (obsolete)")),
        .atMostOnce(.eventdns, .any, .forbidden, source: .spec("2.1.1 eventdns (obsolete)")),
        .atMostOnce(.bridgeDistributionRequest, .any, .forbidden, source: .spec("2.1.1 bridge-distribution-request")),
        .atMostOnce(.overloadGeneral, .any, .forbidden, source: .spec("2.1.1 overload-general")),
        .atMostOnce(.routerDigest, .any, .forbidden, source: .spec("CollecTor bridge sanitizing: router-digest")),
        .atMostOnce(.routerDigestSHA256, .any, .forbidden, source: .spec("CollecTor bridge sanitizing: router-digest-sha256")),
    ])

    /// CollecTor's sanitized bridge descriptors lack keys and signatures.
    static let bridgeRules = relayRules.replacing(kind: .bridgeServerDescriptor, [
        relayRules.rule(for: .signingKey)!.with(count: (0, 1), differs: "CollecTor removes it from sanitized bridge descriptors"),
        relayRules.rule(for: .routerSignature)!.with(count: (0, 1), differs: "CollecTor removes it from sanitized bridge descriptors"),
    ])

    static func rules(bridge: Bool) -> KeywordRules<Key> { bridge ? bridgeRules : relayRules }

    /// Keyword to key, the same for relay and bridge rules; a global so the item loop copies no rules.
    static let keyTable = relayRules.keyTable

    /// Cross-item rules of strict mode, after every item parsed without error.
    func checkStrict(_ document: TokenizedDocument) throws(DescriptorParseError) {
        let bytes = document.bytes
        let items = document.items
        for (index, item) in items.enumerated() {
            // Cheaper than a table lookup: a length check and at most one memcmp each.
            if item.keywordEquals("identity-ed25519", in: bytes), index > 1 {
                throw document.error(.misplacedKeyword(expected: "must be the first or second item"), at: item)
            }
            if item.keywordEquals("router-sig-ed25519", in: bytes), signedEnd != nil, index != items.count - 2 {
                throw document.error(.misplacedKeyword(expected: "must be the next-to-last item"), at: item)
            }
        }
        if exitPolicyRanges.isEmpty {
            throw document.error(.missingKeyword, keyword: "accept/reject")
        }
        if identityCertificate != nil, routerDigestRange == nil {
            if ed25519SignatureRange == nil { throw document.error(.missingKeyword, keyword: "router-sig-ed25519") }
            if objects.onionKeyCrosscert == nil { throw document.error(.missingKeyword, keyword: "onion-key-crosscert") }
        }
        if let fingerprint, let signingKey, Digest.sha1(signingKey) != fingerprint.bytes {
            let item = items.first { $0.keywordEquals("fingerprint", in: bytes) }!
            throw document.error(.malformedArguments("fingerprint does not match the SHA-1 of signing-key"), at: item)
        }
        // tor 0.1.2.7-alpha stopped publishing negative uptimes (clock jumps); older ones are real.
        if let uptime, uptime < 0, let torVersion, PlatformText.compare(torVersion, [0, 1, 2, 7]) >= 0 {
            let item = items.first { $0.keywordEquals("uptime", in: bytes) }!
            throw document.error(.malformedArguments("negative uptime from tor \(torVersion)"), at: item)
        }
    }
}

/// Syntax checks for exit policy lines and `ipv6-policy` summaries (no evaluation).
enum ExitPattern {
    /// `addrspec:portspec`, addrspec `*`, `*4`, `*6`, an IPv4 address with optional `/bits` or
    /// `/netmask`, or a bracketed IPv6 address with optional `/bits`.
    static func isValid(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>, ipv6Only: Bool) -> Bool {
        guard let colon = bytes[range].lastIndex(of: UInt8(ascii: ":")),
              isValidPorts(bytes, (colon + 1)..<range.upperBound) else { return false }
        let address = range.lowerBound..<colon
        if ByteText.equals(bytes, address, "*") || ByteText.equals(bytes, address, "*4") || ByteText.equals(bytes, address, "*6") {
            return true
        }
        var hostEnd = address.upperBound
        if let slash = bytes[address].lastIndex(of: UInt8(ascii: "/")), bytes[address].last != UInt8(ascii: "]") {
            hostEnd = slash
        }
        guard let host = IPAddress.parse(bytes, address.lowerBound..<hostEnd) else { return false }
        if host.isIPv6, bytes[address.lowerBound] != UInt8(ascii: "[") { return false }
        if ipv6Only, !host.isIPv6 { return false }
        guard hostEnd < address.upperBound else { return true }
        let mask = (hostEnd + 1)..<address.upperBound
        if let bits = ByteText.unsigned(bytes, mask) { return bits <= (host.isIPv6 ? 128 : 32) }
        return !host.isIPv6 && IPAddress.parseIPv4(bytes, mask) != nil
    }

    /// `*`, `N` or `N-M` with N ≤ M ≤ 65535.
    static func isValidPorts(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Bool {
        if ByteText.equals(bytes, range, "*") { return true }
        if let dash = bytes[range].firstIndex(of: UInt8(ascii: "-")) {
            guard let low = ByteText.unsigned(bytes, range.lowerBound..<dash),
                  let high = ByteText.unsigned(bytes, (dash + 1)..<range.upperBound) else { return false }
            return low <= high && high <= 65_535
        }
        return ByteText.unsigned(bytes, range).map { $0 <= 65_535 } ?? false
    }

    /// `accept|reject PortList` where PortList is comma-separated ports or `low-high` ranges,
    /// 1-65535 (a policy summary: a consensus `p`/`p6` line, a microdescriptor's or server
    /// descriptor's `ipv6-policy`; tor's `parse_short_policy` refuses port 0).
    static func isValidSummary(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Bool {
        var cursor = ArgumentCursor(bytes: bytes, range: range)
        guard let verb = cursor.next(), ByteText.equals(bytes, verb, "accept") || ByteText.equals(bytes, verb, "reject"),
              let list = cursor.next(), cursor.isAtEnd else { return false }
        var start = list.lowerBound
        while start <= list.upperBound {
            var stop = start
            while stop < list.upperBound, bytes[stop] != UInt8(ascii: ",") { stop += 1 }
            let low = bytes[start..<stop].firstIndex(of: UInt8(ascii: "-")) ?? stop
            guard stop > start, !ByteText.equals(bytes, start..<stop, "*"), isValidPorts(bytes, start..<stop),
                  let first = ByteText.unsigned(bytes, start..<low), first >= 1 else { return false }
            start = stop + 1
        }
        return true
    }
}
