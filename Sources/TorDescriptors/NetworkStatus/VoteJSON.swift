extension NetworkStatusVote: StemJSONRepresentable {
    /// The header object a consensus prints, plus Stem's vote attributes: `consensus_methods`,
    /// `published`, `flag_thresholds` (numbers as Stem converts them: `98.000%` is `0.98`), and
    /// the authority's `is_shared_randomness_participate` / `shared_randomness_commitments`
    /// (which Stem keeps on the authority entry). Entries print their own objects.
    public var stemJSON: JSONValue {
        guard case .object(var fields) = header.stemJSON(signatures: footer.signatures, bandwidthWeights: footer.bandwidthWeights) else {
            return .null
        }
        let thresholds = flagThresholds.map { ($0.key, KeyValueText.flagThresholdJSON($0.value)) }
        fields += [
            ("consensus_methods", .array(consensusMethods.map { .int($0) })),
            ("published", .optional(published) { .string($0.description) }),
            ("flag_thresholds", .object(thresholds)),
            ("is_shared_randomness_participate", .bool(sharedRandomParticipate)),
            ("shared_randomness_commitments", .array(sharedRandomCommits.map { commit in
                .object([("version", .int(commit.version)), ("algorithm", .string(commit.algorithm)),
                         ("identity", .string(commit.identity.hex)), ("commit", .string(commit.commit)),
                         ("reveal", .optional(commit.reveal) { .string($0) })])
            })),
        ]
        return .object(fields)
    }
}

extension KeyValueText {
    /// A `flag-thresholds` value as a JSON number, as Stem converts it (`98.000%` is `0.98`), or
    /// `null` when it is not a number: the JSON type of a threshold never depends on its text
    /// (`Resources/schemas/` fixes it), and votes and bridge network statuses print it alike.
    static func flagThresholdJSON(_ text: String) -> JSONValue {
        if let value = Int(text) { return .int(value) }
        if text.hasSuffix("%"), let percent = Double(text.dropLast()) { return .double(percent / 100) }
        if let value = Double(text) { return .double(value) }
        return .null
    }
}
