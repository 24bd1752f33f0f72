extension NetworkStatusConsensus {
    /// Parses every consensus of a buffer; a bad one becomes a `.failure` and never hides the
    /// others. The same results as ``ParsableDocument/parseAll(_:mode:)``, reached faster.
    ///
    /// A buffer nearly always holds one consensus. The general path first counts the buffer's
    /// `network-status-version` lines to know that, a pass over every line (about 450
    /// instructions per entry, as much as a tenth of the parse). Here the buffer is parsed as one
    /// consensus straight away while the entry scanner watches the lines it reads anyway for one
    /// that opens another document; only the header and the footer are counted. Another start
    /// line, or any error (which may have stopped the parse before it saw one), sends the buffer
    /// down the general path.
    ///
    /// ```swift
    /// let bytes = Array(try Data(contentsOf: url))
    /// for result in NetworkStatusConsensus.parseAll(bytes[...]) {
    ///     if case .success(let consensus) = result { print(consensus.validAfter!, consensus.entries.count) }
    /// }
    /// ```
    public static func parseAll(_ bytes: ArraySlice<UInt8>, mode: ValidationMode = .lenient) -> [Result<NetworkStatusConsensus, DescriptorParseError>] {
        if mode.limits.maxDocumentsPerBuffer >= 1, let single = parsedIfSingle(bytes, mode: mode) { return [.success(single)] }
        return splitAndParseAll(bytes, mode: mode)
    }

    /// The buffer's consensus when the buffer holds what the splitter takes as one document and
    /// it parses; `nil` otherwise.
    private static func parsedIfSingle(_ bytes: ArraySlice<UInt8>, mode: ValidationMode) -> NetworkStatusConsensus? {
        do throws(DescriptorParseError) {
            let parsed = try parse(DocumentSlice(bytes: bytes, firstLine: 1), mode: mode, watchingForStarts: true)
            return parsed.holdsAnotherStart ? nil : parsed.consensus
        } catch {
            return nil
        }
    }
}
