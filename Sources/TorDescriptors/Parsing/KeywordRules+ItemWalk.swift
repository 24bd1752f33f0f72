extension KeywordRules {
    /// The item loop the table-driven parsers share, so that each parser's loop body is only
    /// its `switch` over keys.
    ///
    /// - An item whose keyword has no rule is kept in `unrecognized` (dir-spec: unknown
    ///   keywords are to be ignored, and we keep them for the caller).
    /// - An item whose rule allows it at most once is read the first time only: lenient mode
    ///   keeps the first of a repeated item, and strict mode's ``check(_:)`` has already refused
    ///   the second.
    /// - An error `read` throws goes to `problem` with the item's key: strict parsers throw it,
    ///   lenient ones record a warning and the walk goes on with the next item.
    ///
    /// ```swift
    /// try Self.rules.walk(document.items, in: bytes, unrecognized: &unrecognized, problem: { _, error throws(DescriptorParseError) in
    ///     try problem(error)
    /// }) { key, item throws(DescriptorParseError) in
    ///     switch key { case .published: published = try document.timestamp(&cursor, item) ... }
    /// }
    /// ```
    package func walk(_ items: [DocumentItem], in bytes: ArraySlice<UInt8>, unrecognized: inout [UnrecognizedItem],
                      problem: (Key, DescriptorParseError) throws(DescriptorParseError) -> Void,
                      _ read: (Key, DocumentItem) throws(DescriptorParseError) -> Void) throws(DescriptorParseError) {
        var seen = [Bool](repeating: false, count: rules.count)
        for item in items {
            guard let index = ruleIndex(bytes, item.keyword) else {
                unrecognized.append(UnrecognizedItem(item, in: bytes))
                continue
            }
            if onceOnly[index] {
                if seen[index] { continue }
                seen[index] = true
            }
            let key = rules[index].key
            do throws(DescriptorParseError) {
                try read(key, item)
            } catch {
                try problem(key, error)
            }
        }
    }
}
