/// Strict-mode structure rules for extra-info documents: tor's `extrainfo_token_table`, and
/// dir-spec §2.1.2 for the statistics lines tor's table lacks (tor ignores those).
enum ExtraInfoRules {
    /// Statistics lines tor's table lists: at most once, any arguments, no object.
    private static let torStatistics: Set<ExtraInfoKeyword> = [
        .readHistory, .writeHistory, .dirStatsEnd, .dirV2IPs, .dirV3IPs, .dirV2Requests, .dirV3Requests,
        .dirV2Share, .dirV3Share, .dirV2Responses, .dirV3Responses, .dirV2DirectDL, .dirV3DirectDL,
        .dirV2TunneledDL, .dirV3TunneledDL, .entryStatsEnd, .entryIPs, .cellStatsEnd, .cellProcessedCells,
        .cellQueuedCells, .cellTimeInQueue, .cellCircuitsPerDecile, .exitStatsEnd, .exitKibibytesWritten,
        .exitKibibytesRead, .exitStreamsOpened,
    ]

    private static let historical = "required by tor 0.4.x but absent from extra-info documents of tors before 0.2.7, which archives hold"

    static let relay = KeywordRules<ExtraInfoKeyword>(kind: .extraInfo, source: .tor("routerparse.c", "extrainfo_token_table"), [
        .first(.extraInfo, .atLeast(2), .forbidden),
        .once(.published, .concat, .forbidden),
        .atMostOnce(.identityEd25519, .none, .required, types: ["ED25519 CERT"], differs: historical),
        .atMostOnce(.routerSigEd25519, .atLeast(1), .forbidden, differs: historical),
        .last(.routerSignature, .none, .required, types: ["SIGNATURE"]),
        .any(.transport, .any, .forbidden, source: .spec("2.1.2 transport")),
        .atMostOnce(.masterKeyEd25519, .any, .forbidden, source: .spec("CollecTor bridge sanitizing: master-key-ed25519")),
        .atMostOnce(.routerDigest, .any, .forbidden, source: .spec("CollecTor bridge sanitizing: router-digest")),
        .atMostOnce(.routerDigestSHA256, .any, .forbidden, source: .spec("CollecTor bridge sanitizing: router-digest-sha256")),
    ] + ExtraInfoKeyword.allCases.compactMap { key -> KeywordRule<ExtraInfoKeyword>? in
        switch key {
        case .extraInfo, .published, .identityEd25519, .routerSigEd25519, .routerSignature, .transport,
             .masterKeyEd25519, .routerDigest, .routerDigestSHA256:
            return nil
        default:
            return torStatistics.contains(key)
                ? .atMostOnce(key, .any, .forbidden)
                : .atMostOnce(key, .any, .forbidden, source: .spec("2.1.2 \(key.rawValue)"))
        }
    })

    /// CollecTor removes the signatures of bridge descriptors and adds `router-digest`.
    static let bridge = relay.replacing(kind: .bridgeExtraInfo, [
        relay.rule(for: .routerSignature)!.with(count: (0, 1), differs: "CollecTor removes it from sanitized bridge extra-info documents"),
        relay.rule(for: .routerDigest)!.with(count: (1, 1), differs: "CollecTor adds it to every sanitized bridge extra-info document"),
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
