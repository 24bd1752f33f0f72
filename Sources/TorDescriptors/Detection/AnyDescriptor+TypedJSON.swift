extension AnyDescriptor {
    /// The JSON Lines `tordesc parse --json` prints: ``stemJSONLines`` with an `@type` key first
    /// on every line, so a reader of a mixed stream (a Spark job, `jq`) can pick each line's
    /// schema (`Resources/schemas/<@type>.json`) without guessing from its keys.
    ///
    /// The document's own line carries the type it was read as (``DescriptorType/rawValue``,
    /// CollecTor's `@type` name); the lines of its router status entries or exit-list entries
    /// carry ``DescriptorType/entryTypeName``.
    ///
    /// ```swift
    /// let lines = document.typedJSONLines(as: .networkStatusConsensus)
    /// // {"@type":"network-status-consensus-3",...}, {"@type":"network-status-consensus-3-entry",...}
    /// ```
    public func typedJSONLines(as type: DescriptorType) -> [JSONValue] {
        let lines = stemJSONLines
        var tagged: [JSONValue] = []
        tagged.reserveCapacity(lines.count)
        let documentTag = ("@type", JSONValue.string(type.rawValue))
        let entryTag = ("@type", JSONValue.string(type.entryTypeName))
        for (index, line) in lines.enumerated() {
            guard case .object(let pairs) = line else {
                tagged.append(line)
                continue
            }
            tagged.append(.object([index == 0 ? documentTag : entryTag] + pairs))
        }
        return tagged
    }
}

extension DescriptorType {
    /// The `@type` of the per-entry JSON lines that follow a document of this type (router status
    /// entries of a consensus, vote or bridge network status, `ExitNode` blocks of an exit list):
    /// the document's type with `-entry` appended.
    ///
    /// ```swift
    /// DescriptorType.networkStatusVote.entryTypeName   // "network-status-vote-3-entry"
    /// ```
    public var entryTypeName: String { rawValue + "-entry" }

    /// Whether `tordesc parse --json` prints entry lines (``entryTypeName``) after a document of
    /// this type.
    public var hasEntryLines: Bool {
        switch self {
        case .networkStatusConsensus, .networkStatusMicrodescConsensus, .networkStatusVote,
             .bridgeNetworkStatus, .networkStatusV2, .exitList: true
        default: false
        }
    }
}
