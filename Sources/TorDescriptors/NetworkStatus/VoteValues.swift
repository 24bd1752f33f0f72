/// One `shared-rand-commit` line of a vote (dir-spec §3.4.1, shared-rand proposal 250): an
/// authority's commitment and, in the reveal phase, its reveal.
///
/// ```swift
/// for commit in vote.sharedRandomCommits { print(commit.identity.hex, commit.reveal ?? "-") }
/// ```
public struct SharedRandomCommit: Sendable, Hashable {
    /// Protocol version (1 so far).
    public let version: Int
    /// Hash algorithm name, `sha3-256` so far.
    public let algorithm: String
    /// The committing authority's RSA identity.
    public let identity: Fingerprint
    /// The commit value as written (base64).
    public let commit: String
    /// The reveal value as written (base64), present during the reveal phase.
    public let reveal: String?
}

/// A vote entry's `m` line: the consensus methods it applies to and the microdescriptor digests
/// for them.
///
/// ```swift
/// let line = vote.entries[0].microdescriptorLines[0]
/// print(line.methods, line.digests.first?.algorithm ?? "")   // [13, 14, 15] sha256
/// ```
public struct VoteMicrodescriptorLine: Sendable, Hashable {
    /// `algorithm=value` pairs (`sha256=` base64 digest in practice).
    public struct Digest: Sendable, Hashable {
        public let algorithm: String
        public let value: String
    }
    /// The consensus methods, from the comma-separated first argument.
    public let methods: [Int]
    public let digests: [Digest]

    /// The `sha256=` digest as a typed value: the one a consensus made by one of ``methods``
    /// names on its `m` line. `nil` without a `sha256=` pair or when its value is not base64 of
    /// 32 bytes (the text stays in ``digests``).
    public var sha256Digest: SHA256DigestValue? {
        digests.first { $0.algorithm == "sha256" }.flatMap { SHA256DigestValue(base64: $0.value) }
    }
}

/// A router status entry of a vote: the shared ``RouterStatusEntry`` fields plus the vote-only
/// `m` lines (one per consensus-method set).
///
/// ```swift
/// let entry = vote.entries[0]
/// print(entry.nickname, entry.measured ?? -1, entry.microdescriptorLines.count)
/// ```
@dynamicMemberLookup
public struct VoteEntry: Sendable {
    /// The entry as the consensus parser reads it (`id`, `stats` and `w Measured=` included).
    public let entry: RouterStatusEntry
    /// The `m` lines in order.
    public let microdescriptorLines: [VoteMicrodescriptorLine]

    public subscript<Value>(dynamicMember keyPath: KeyPath<RouterStatusEntry, Value>) -> Value { entry[keyPath: keyPath] }
}
