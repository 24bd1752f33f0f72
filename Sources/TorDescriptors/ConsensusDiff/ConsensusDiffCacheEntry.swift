/// One file of a tor relay's `diff-cache/` directory (tor's consensus cache storage): `key value`
/// label lines, a NUL byte, then the stored document, usually a consensus diff.
///
/// ```swift
/// let entry = try ConsensusDiffCacheEntry(parsing: Array(try Data(contentsOf: url)))
/// print(entry.label("document-type") ?? "-", entry.label("consensus-flavor") ?? "-")
/// let diff = try entry.diff()
/// ```
public struct ConsensusDiffCacheEntry: Sendable {
    /// The whole file.
    public let rawBytes: ArraySlice<UInt8>
    /// Label lines in order (`from-sha3-digest`, `target-sha3-digest`, `consensus-flavor`, ...).
    public let labels: [KeyValueText]
    /// The stored document, after the NUL byte.
    public let body: ArraySlice<UInt8>
    /// Line number of the body's first line in the file (the NUL sits at the start of that line).
    public let bodyFirstLine: Int

    /// Splits the labels from the body; throws when the file has no NUL byte.
    public init(parsing bytes: ArraySlice<UInt8>) throws(DescriptorParseError) {
        guard let nul = bytes.firstIndex(of: 0) else {
            throw DescriptorParseError(document: ConsensusDiffParser.kind, line: 1, keyword: nil,
                                       failure: .malformedLine("no NUL byte ends the diff-cache labels"))
        }
        var labels: [KeyValueText] = []
        var position = bytes.startIndex
        var line = 1
        while position < nul {
            let stop = ConsensusDiffParser.lineFeed(bytes, from: position, before: nul)
            if stop > position {
                var space = position
                while space < stop, bytes[space] != ByteText.space { space += 1 }
                labels.append(KeyValueText(key: ByteText.string(bytes, position..<space),
                                           value: ByteText.string(bytes, Swift.min(space + 1, stop)..<stop)))
            }
            position = stop + 1
            line += 1
        }
        // A label block that ends without a line feed leaves the NUL on the last label's line.
        if nul > bytes.startIndex, bytes[nul - 1] != ByteText.newline { line -= 1 }
        self.rawBytes = bytes
        self.labels = labels
        self.body = bytes[(nul + 1)...]
        self.bodyFirstLine = line
    }

    public init(parsing bytes: [UInt8]) throws(DescriptorParseError) {
        try self.init(parsing: bytes[...])
    }

    /// The first label with this key.
    public func label(_ key: String) -> String? {
        labels.first { $0.key == key }?.value
    }

    /// Parses ``body`` as a consensus diff, with line numbers of the file.
    public func diff(mode: ValidationMode = .lenient) throws(DescriptorParseError) -> ConsensusDiff {
        try ConsensusDiff(parsing: DocumentSlice(bytes: body, firstLine: bodyFirstLine), mode: mode)
    }
}
