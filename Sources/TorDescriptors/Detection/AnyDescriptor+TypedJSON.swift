extension AnyDescriptor {
    /// The JSON Lines `tordesc parse --json` prints: ``stemJSONLines`` with an `@type` key first
    /// on every line, so a reader of a mixed stream (a Spark job, `jq`) can pick each line's
    /// schema (`Resources/schemas/<@type>.json`) without guessing from its keys.
    ///
    /// The document's own line carries the type it was read as (`DescriptorType.rawValue`,
    /// CollecTor's `@type` name); the lines of its router status entries or exit-list entries
    /// carry ``DescriptorType/entryTypeName``.
    ///
    /// ```swift
    /// let lines = document.typedJSONLines(as: .networkStatusConsensus)
    /// // {"@type":"network-status-consensus-3",...}, {"@type":"network-status-consensus-3-entry",...}
    /// ```
    public func typedJSONLines(as type: DescriptorType) -> [JSONValue] {
        let tags = type.jsonLineTypes
        return stemJSONLines.enumerated().map { index, line in
            guard case .object(let pairs) = line else { return line }
            return .object([("@type", index == 0 ? tags.document : tags.entry)] + pairs)
        }
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

    /// The `@type` values of a document's JSON lines: its own line's, then its entries', made
    /// once per document rather than once per line.
    var jsonLineTypes: (document: JSONValue, entry: JSONValue) { (.string(rawValue), .string(entryTypeName)) }

    /// Whether `tordesc parse --json` prints entry lines (``entryTypeName``) after a document of
    /// this type.
    public var hasEntryLines: Bool {
        switch self {
        case .networkStatusConsensus, .networkStatusMicrodescConsensus, .networkStatusVote,
             .bridgeNetworkStatus, .networkStatusV2, .exitList, .relayDirectory: true
        default: false
        }
    }
}
