/// The effective families of a set of relays, as tor's client decides that two relays must not
/// share a circuit (tor 0.4.9, `nodes_in_same_family`, ignoring its /16 and configured-family
/// rules): relays A and B are in one family when A's `family` line names B and B's names A
/// (by `$FINGERPRINT`, `$FINGERPRINT=nick`, `$FINGERPRINT~nick` or bare nickname, compared
/// case-insensitively as tor compares them), or when they share a proven family id
/// (proposal 321's `family-cert` / `family-ids`).
///
/// That relation is not transitive (A–B and B–C mutual while A and C never name each other), so
/// ``families`` lists its connected groups and says for each whether every pair is related
/// (``Family/isComplete``); ``effectiveFamily(of:)`` gives tor's exact answer for one relay.
/// ``oneSided`` lists declarations the named relay does not return, the usual sign of a
/// misconfigured `MyFamily` (or of someone claiming relays that are not theirs).
///
/// ```swift
/// let families = RelayFamilies(members: descriptors.compactMap { FamilyMember(descriptor: $0) })
/// for family in families.families { print(family.members.count, family.familyIDs, family.isComplete) }
/// print(families.oneSided.count, families.effectiveFamily(of: someFingerprint))
/// ```
public struct RelayFamilies: Sendable {
    /// A connected group of related relays.
    public struct Family: Sendable, Hashable {
        /// Members in fingerprint order.
        public let members: [Fingerprint]
        /// Family ids that at least two members share.
        public let familyIDs: [String]
        /// Whether every pair of members is related (by mutual declaration or a shared family id).
        public let isComplete: Bool
    }

    /// A `family` entry naming a relay that does not name the declarer back.
    public struct OneSidedDeclaration: Sendable, Hashable {
        public let declarer: Fingerprint
        public let declared: Fingerprint
    }

    /// The relays given, by identity (the last one given wins for a repeated identity).
    public let members: [Fingerprint: FamilyMember]
    /// Groups of two or more related relays, largest first, then by first fingerprint.
    public let families: [Family]
    /// Declarations one side only, in declarer then declared order.
    public let oneSided: [OneSidedDeclaration]
    /// `family` entries naming no relay in ``members`` (a relay that is down, or a typo), as
    /// (declarer, entry as written).
    public let unresolved: [(declarer: Fingerprint, entry: String)]

    private let declarations: [Fingerprint: Set<Fingerprint>]
    private let idsByMember: [Fingerprint: Set<String>]
    private let familyIndex: [Fingerprint: Int]

    public init(members list: [FamilyMember]) {
        var members: [Fingerprint: FamilyMember] = [:]
        for member in list { members[member.fingerprint] = member }
        var byNickname: [String: [Fingerprint]] = [:]
        for member in members.values { byNickname[member.nickname.lowercased(), default: []].append(member.fingerprint) }

        var declarations: [Fingerprint: Set<Fingerprint>] = [:]
        var unresolved: [(declarer: Fingerprint, entry: String)] = []
        for (fingerprint, member) in members {
            var named = Set<Fingerprint>()
            for entry in member.declared {
                switch entry {
                case .fingerprint(let other), .fingerprintWithNickname(let other, _, _):
                    if members[other] != nil { named.insert(other) } else if other != fingerprint { unresolved.append((fingerprint, entry.description)) }
                case .nickname(let nickname):
                    if let matches = byNickname[nickname.lowercased()] { named.formUnion(matches) } else { unresolved.append((fingerprint, nickname)) }
                case .other(let text):
                    unresolved.append((fingerprint, text))
                }
            }
            named.remove(fingerprint)
            declarations[fingerprint] = named
        }
        var idsByMember: [Fingerprint: Set<String>] = [:]
        var membersByID: [String: [Fingerprint]] = [:]
        for (fingerprint, member) in members where !member.familyIDs.isEmpty {
            idsByMember[fingerprint] = Set(member.familyIDs)
            for id in Set(member.familyIDs) { membersByID[id, default: []].append(fingerprint) }
        }

        // Connected groups by union-find over both kinds of edge.
        var parent: [Fingerprint: Fingerprint] = [:]
        func root(_ node: Fingerprint) -> Fingerprint {
            var node = node
            while let up = parent[node], up != node { parent[node] = parent[up] ?? up; node = up }
            return node
        }
        func join(_ a: Fingerprint, _ b: Fingerprint) {
            let (ra, rb) = (root(a), root(b))
            if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
        }
        var oneSided: [OneSidedDeclaration] = []
        for (declarer, named) in declarations {
            for other in named {
                if declarations[other]?.contains(declarer) == true { join(declarer, other) } else { oneSided.append(.init(declarer: declarer, declared: other)) }
            }
        }
        for sharing in membersByID.values where sharing.count > 1 {
            for other in sharing.dropFirst() { join(sharing[0], other) }
        }
        var groups: [Fingerprint: [Fingerprint]] = [:]
        for fingerprint in members.keys { groups[root(fingerprint), default: []].append(fingerprint) }

        self.members = members
        self.declarations = declarations
        self.idsByMember = idsByMember
        self.oneSided = oneSided.sorted { ($0.declarer, $0.declared) < ($1.declarer, $1.declared) }
        self.unresolved = unresolved.sorted { ($0.declarer, $0.entry) < ($1.declarer, $1.entry) }
        var families: [Family] = []
        for group in groups.values where group.count > 1 {
            let sorted = group.sorted()
            var counts: [String: Int] = [:]
            for member in sorted { for id in idsByMember[member] ?? [] { counts[id, default: 0] += 1 } }
            var complete = true
            outer: for (index, a) in sorted.enumerated() {
                for b in sorted[(index + 1)...] where !Self.related(a, b, declarations, idsByMember) { complete = false; break outer }
            }
            families.append(Family(members: sorted, familyIDs: counts.filter { $0.value > 1 }.keys.sorted(), isComplete: complete))
        }
        families.sort { $0.members.count != $1.members.count ? $0.members.count > $1.members.count : $0.members[0] < $1.members[0] }
        self.families = families
        var index: [Fingerprint: Int] = [:]
        for (position, family) in families.enumerated() { for member in family.members { index[member] = position } }
        self.familyIndex = index
    }

    /// Whether tor keeps `a` and `b` out of one circuit for being one family.
    public func areRelated(_ a: Fingerprint, _ b: Fingerprint) -> Bool {
        a != b && Self.related(a, b, declarations, idsByMember)
    }

    /// The relays tor treats as `fingerprint`'s family (itself excluded), in fingerprint order.
    public func effectiveFamily(of fingerprint: Fingerprint) -> [Fingerprint] {
        guard let position = familyIndex[fingerprint] else { return [] }
        return families[position].members.filter { areRelated(fingerprint, $0) }
    }

    /// The connected group `fingerprint` belongs to, if any.
    public func family(of fingerprint: Fingerprint) -> Family? {
        familyIndex[fingerprint].map { families[$0] }
    }

    /// Relays `fingerprint` names that do not name it back.
    public func oneSidedDeclarations(of fingerprint: Fingerprint) -> [Fingerprint] {
        oneSided.filter { $0.declarer == fingerprint }.map(\.declared)
    }

    private static func related(_ a: Fingerprint, _ b: Fingerprint, _ declarations: [Fingerprint: Set<Fingerprint>],
                                _ ids: [Fingerprint: Set<String>]) -> Bool {
        if declarations[a]?.contains(b) == true, declarations[b]?.contains(a) == true { return true }
        if let idsA = ids[a], let idsB = ids[b], !idsA.isDisjoint(with: idsB) { return true }
        return false
    }
}
