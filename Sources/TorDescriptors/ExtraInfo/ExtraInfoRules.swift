/// Strict-mode structure rules for extra-info documents (dir-spec 2.1.2).
enum ExtraInfoRules {
    /// Every statistics line may appear at most once and carries no object.
    private static let statisticsRules: [KeywordRule] = ExtraInfoKeyword.allCases.compactMap { key in
        switch key {
        case .extraInfo, .published, .identityEd25519, .routerSigEd25519, .routerSignature,
             .routerDigest, .transport:
            return nil
        default:
            return KeywordRule(key.rawValue, .atMostOnce, object: false)
        }
    }

    private static let common: [KeywordRule] = [
        KeywordRule("extra-info", .exactlyOnce, .first, object: false),
        KeywordRule("published", .exactlyOnce, object: false),
        KeywordRule("identity-ed25519", .atMostOnce, object: true),
        KeywordRule("router-sig-ed25519", .atMostOnce, object: false),
        KeywordRule("transport", .any, object: false),
    ] + statisticsRules

    static let relay = KeywordRules(kind: .extraInfo, common + [
        KeywordRule("router-signature", .exactlyOnce, .last, object: true),
        KeywordRule("router-digest", .atMostOnce, object: false),
    ])

    /// CollecTor removes the signatures of bridge descriptors and adds `router-digest`.
    static let bridge = KeywordRules(kind: .bridgeExtraInfo, common + [
        KeywordRule("router-signature", .atMostOnce, .last, object: true),
        KeywordRule("router-digest", .exactlyOnce, object: false),
    ])

    /// Counts, positions and objects, then the Ed25519 pairing "as in router descriptors":
    /// `identity-ed25519` second, and `router-sig-ed25519` present with it, just before
    /// `router-signature`.
    static func check(_ document: TokenizedDocument, isBridge: Bool) throws(DescriptorParseError) {
        try (isBridge ? bridge : relay).check(document)
        let bytes = document.bytes
        let items = document.items
        let identity = items.firstIndex { $0.keywordEquals("identity-ed25519", in: bytes) }
        let edSignature = items.firstIndex { $0.keywordEquals("router-sig-ed25519", in: bytes) }
        if let identity, identity != 1 {
            throw document.error(.misplacedKeyword(expected: "must be the second item"), at: items[identity])
        }
        if identity != nil, edSignature == nil, !isBridge {
            throw document.error(.missingKeyword, keyword: "router-sig-ed25519")
        }
        if let edSignature {
            if identity == nil {
                throw document.error(.misplacedKeyword(expected: "requires identity-ed25519"), at: items[edSignature])
            }
            let next = edSignature + 1
            if !isBridge, next >= items.count || !items[next].keywordEquals("router-signature", in: bytes) {
                throw document.error(.misplacedKeyword(expected: "must come just before router-signature"), at: items[edSignature])
            }
        }
    }
}
