/// One directory authority trusted to sign consensuses: its nickname (for reports) and its v3
/// identity (SHA-1 of its long-term identity key, the `fingerprint` of its key certificates).
///
/// ```swift
/// let moria1 = DirectoryAuthorityIdentity(nickname: "moria1",
///                                         identity: Fingerprint(hex: "F533C81CEF0BC0267857C99B2F471ADF249FA232")!)
/// ```
public struct DirectoryAuthorityIdentity: Sendable, Hashable, CustomStringConvertible {
    public let nickname: String
    public let identity: Fingerprint

    public init(nickname: String, identity: Fingerprint) {
        self.nickname = nickname
        self.identity = identity
    }

    public var description: String { nickname.isEmpty ? identity.hex : "\(nickname) \(identity.hex)" }
}

/// The set of directory authorities whose signatures count towards a consensus quorum: a
/// consensus is valid when more than half of them signed it with certificates that verify.
///
/// ``tor`` is the public network's set, compiled in (and shipped as
/// `Resources/directory/v3-identities.txt`). A private network passes its own identities.
/// Archived consensuses were signed by the set of their day; for them, take the set in force
/// at their time from ``AuthorityHistory`` (``AuthorityHistory/authorities(at:)``, or
/// ``AuthorityVerifier/init(history:)``), or, as an explicit and weaker choice,
/// ``unpinnedDirSources(of:)``.
///
/// ```swift
/// let report = consensus.verificationReport(certificates: certs, authorities: .tor, at: TorTimestamp(Date()))
/// let testnet = TrustedAuthorities(identities: [Fingerprint(hex: "0B8997614EC647C1C6B6A044E2B5408F0B823FB0")!])
/// ```
public struct TrustedAuthorities: Sendable, Hashable {
    /// The authorities, in the order given.
    public let authorities: [DirectoryAuthorityIdentity]
    private let index: [Fingerprint: Int]
    /// How reports name this set ("authorities as of 2012-06-18 21:00:00: 8 identities, source
    /// ..."), when it was chosen from a history or read from a file; nil for a set built in code.
    public var origin: String?
    /// Why identities known to the set's history do not count in it (trusted at another time).
    var absent: [Fingerprint: String] = [:]

    /// A set of authorities; a later duplicate identity is ignored.
    public init(_ authorities: [DirectoryAuthorityIdentity]) {
        var unique: [DirectoryAuthorityIdentity] = []
        var index: [Fingerprint: Int] = [:]
        for authority in authorities where index[authority.identity] == nil {
            index[authority.identity] = unique.count
            unique.append(authority)
        }
        self.authorities = unique
        self.index = index
    }

    /// A set from bare v3 identities (a private network's `DirAuthority ... v3ident=` values).
    public init(identities: [Fingerprint]) {
        self.init(identities.map { DirectoryAuthorityIdentity(nickname: "", identity: $0) })
    }

    /// Reads `nickname v3ident` lines (the format of `Resources/directory/v3-identities.txt`);
    /// `#` starts a comment, blank lines are skipped, a line with only a v3ident has no nickname.
    /// Returns `nil` when a line is not of that form.
    public init?(listing text: String) {
        var authorities: [DirectoryAuthorityIdentity] = []
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.prefix { $0 != "#" }
            let words = line.split(whereSeparator: \.isWhitespace)
            if words.isEmpty { continue }
            guard words.count <= 2, let identity = Fingerprint(hex: words[words.count - 1]) else { return nil }
            authorities.append(DirectoryAuthorityIdentity(nickname: words.count == 2 ? String(words[0]) : "", identity: identity))
        }
        self.init(authorities)
    }

    public var count: Int { authorities.count }
    /// Valid signatures needed for a quorum: more than half of the set.
    public var quorum: Int { authorities.count / 2 + 1 }

    public func contains(_ identity: Fingerprint) -> Bool { index[identity] != nil }

    /// Why `identity` does not count: trusted at another time than this set's (when the set came
    /// from an ``AuthorityHistory``), or not an authority at all. Nil when it is in the set.
    public func absenceReason(for identity: Fingerprint) -> String? {
        guard !contains(identity) else { return nil }
        return absent[identity] ?? "unknown authority: identity not pinned"
    }

    /// The authority with this identity, if pinned.
    public func authority(for identity: Fingerprint) -> DirectoryAuthorityIdentity? {
        index[identity].map { authorities[$0] }
    }

    /// The public Tor network's nine v3 directory authorities as of tor's `auth_dirs.inc` in
    /// 2026 (the signers of the 2026-07-27 consensus); see `Resources/directory/v3-identities.txt`
    /// for the source and date. Serge, the bridge authority, has no v3 identity.
    public static let tor = TrustedAuthorities([
        ("moria1", "F533C81CEF0BC0267857C99B2F471ADF249FA232"),
        ("tor26", "2F3DF9CA0E5D36F2685A2DA67184EB8DCB8CBA8C"),
        ("dizum", "E8A9C45EDE6D711294FADF8E7951F4DE6CA56B58"),
        ("gabelmoo", "ED03BB616EB2F60BEC80151114BB25CEF515B226"),
        ("dannenberg", "0232AF901C31A04EE9848595AF9BB7620D4C5B2E"),
        ("maatuska", "49015F787433103580E3B66A1707A00E60F2D15B"),
        ("longclaw", "23D15D965BC35114467363C165C4F724B64B4F66"),
        ("bastet", "27102BC123E7AF1D4741AE047E160C91ADC76B21"),
        ("faravahar", "70849B868D606BAECFB6128C5E3D782029AA394F"),
    ].map { DirectoryAuthorityIdentity(nickname: $0.0, identity: Fingerprint(hex: $0.1)!) })

    /// **Not a trust anchor.** The authorities a consensus names in its own `dir-source` lines
    /// (legacy keys left out). Verifying against this set only shows that the document is
    /// consistent with itself and with the certificates you supply: anyone can write a
    /// consensus naming their own keys. Use it for archives whose certificates come from a
    /// source you trust (CollecTor), when the historic authority set is not at hand.
    public static func unpinnedDirSources(of header: ConsensusHeader) -> TrustedAuthorities {
        TrustedAuthorities(header.authorities.filter { !$0.isLegacy }.map {
            DirectoryAuthorityIdentity(nickname: $0.nickname, identity: $0.identity)
        })
    }
}
