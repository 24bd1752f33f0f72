extension ServerDescriptor {
    static let relayRules = makeRules(bridge: false)
    static let bridgeRules = makeRules(bridge: true)

    static func rules(bridge: Bool) -> KeywordRules { bridge ? bridgeRules : relayRules }

    /// dir-spec §2.1.1 counts, relaxed where archives legitimately differ: `onion-key`,
    /// `ntor-onion-key`, `proto` and the Ed25519 items became required only in tor
    /// 0.4.5.1-alpha (and `onion-key` optional again with TAP's removal), so they are
    /// "at most once" here. Sanitized bridges lack keys and signatures, and need no last item.
    private static func makeRules(bridge: Bool) -> KeywordRules {
        let once: [String] = [
            "platform", "fingerprint", "hibernating", "uptime", "contact", "read-history", "write-history",
            "eventdns", "bridge-distribution-request", "family", "protocols", "proto", "ntor-onion-key",
            "master-key-ed25519", "ipv6-policy", "router-sig-ed25519", "extra-info-digest", "overload-general",
            "router-digest", "router-digest-sha256",
        ]
        let flags = ["caches-extra-info", "hidden-service-dir", "tunnelled-dir-server", "allow-single-hop-exits"]
        let withObject = ["onion-key", "identity-ed25519", "onion-key-crosscert", "ntor-onion-key-crosscert"]
        var rules: [KeywordRule] = [
            .init("router", .exactlyOnce, .first, object: false),
            .init("bandwidth", .exactlyOnce, object: false),
            .init("published", .exactlyOnce, object: false),
            .init("family-cert", .any, object: true),
        ]
        rules += once.map { .init($0, .atMostOnce, object: false) }
        rules += flags.map { .init($0, .atMostOnce, object: false) }
        rules += withObject.map { .init($0, .atMostOnce, object: true) }
        rules += ["accept", "reject", "accept6", "reject6", "or-address"].map { .init($0, .any, object: false) }
        if bridge {
            rules.append(.init("signing-key", .atMostOnce, object: true))
            rules.append(.init("router-signature", .atMostOnce, .last, object: true))
        } else {
            rules.append(.init("signing-key", .exactlyOnce, object: true))
            rules.append(.init("router-signature", .exactlyOnce, .last, object: true))
        }
        return KeywordRules(kind: bridge ? .bridgeServerDescriptor : .serverDescriptor, rules)
    }

    /// Keywords the spec marks "[No extra arguments]".
    private static let noArguments = KeywordTable<Bool>([
        "onion-key", "signing-key", "router-signature", "identity-ed25519", "onion-key-crosscert",
        "caches-extra-info", "tunnelled-dir-server", "allow-single-hop-exits",
    ].map { ($0, true) })

    /// Cross-item rules of strict mode, after every item parsed without error.
    func checkStrict(_ document: TokenizedDocument) throws(DescriptorParseError) {
        let bytes = document.bytes
        let items = document.items
        for (index, item) in items.enumerated() {
            if Self.noArguments.lookup(bytes, item.keyword) != nil, !item.arguments.isEmpty {
                throw document.error(.malformedArguments("takes no arguments"), at: item)
            }
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

    /// `accept|reject PortList` where PortList is comma-separated ports or ranges.
    static func isValidSummary(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Bool {
        var cursor = ArgumentCursor(bytes: bytes, range: range)
        guard let verb = cursor.next(), ByteText.equals(bytes, verb, "accept") || ByteText.equals(bytes, verb, "reject"),
              let list = cursor.next(), cursor.isAtEnd else { return false }
        var start = list.lowerBound
        while start <= list.upperBound {
            var stop = start
            while stop < list.upperBound, bytes[stop] != UInt8(ascii: ",") { stop += 1 }
            guard stop > start, !ByteText.equals(bytes, start..<stop, "*"), isValidPorts(bytes, start..<stop) else { return false }
            start = stop + 1
        }
        return true
    }
}
