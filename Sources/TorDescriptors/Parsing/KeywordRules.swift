/// The spec's constraints on one keyword of a document type (dir-spec's "at start, exactly
/// once", "at most once", "any number", "at end, exactly once").
///
/// ```swift
/// let rules = KeywordRules(kind: .microdescriptor, [
///     .init("onion-key", .atMostOnce),
///     .init("ntor-onion-key", .exactlyOnce),
/// ])
/// try rules.check(document)
/// ```
public struct KeywordRule: Sendable {
    public enum Count: Sendable { case exactlyOnce, atMostOnce, atLeastOnce, any }
    public enum Position: Sendable { case anywhere, first, last }

    public let keyword: String
    public let count: Count
    public let position: Position
    /// Whether the keyword must (`true`) or must not (`false`) carry an object; `nil` = either.
    public let object: Bool?

    public init(_ keyword: String, _ count: Count, _ position: Position = .anywhere, object: Bool? = nil) {
        self.keyword = keyword
        self.count = count
        self.position = position
        self.object = object
    }
}

/// A document type's keyword rules, checked in strict mode.
public struct KeywordRules: Sendable {
    public let kind: DocumentKind
    public let rules: [KeywordRule]
    private let table: KeywordTable<Int>

    public init(kind: DocumentKind, _ rules: [KeywordRule]) {
        self.kind = kind
        self.rules = rules
        self.table = KeywordTable(rules.enumerated().map { ($0.element.keyword, $0.offset) })
    }

    /// Throws the first violation: count, position, or object presence.
    public func check(_ document: TokenizedDocument) throws(DescriptorParseError) {
        var counts = [Int](repeating: 0, count: rules.count)
        let items = document.items
        for (index, item) in items.enumerated() {
            guard let ruleIndex = table.lookup(document.bytes, item.keyword) else { continue }
            let rule = rules[ruleIndex]
            counts[ruleIndex] += 1
            if counts[ruleIndex] > 1, rule.count == .exactlyOnce || rule.count == .atMostOnce {
                throw document.error(.duplicateKeyword, at: item)
            }
            if rule.position == .first, index != 0 {
                throw document.error(.misplacedKeyword(expected: "must be the first item"), at: item)
            }
            if rule.position == .last, index != items.count - 1 {
                throw document.error(.misplacedKeyword(expected: "must be the last item"), at: item)
            }
            if let wantsObject = rule.object, wantsObject != (item.object != nil) {
                throw document.error(.malformedObject(wantsObject ? "object required" : "unexpected object"), at: item)
            }
        }
        for (index, rule) in rules.enumerated() where counts[index] == 0 {
            if rule.count == .exactlyOnce || rule.count == .atLeastOnce {
                throw document.error(.missingKeyword, keyword: rule.keyword)
            }
        }
    }
}
