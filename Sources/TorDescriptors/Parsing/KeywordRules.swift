/// A document type's keyword enum: each case's raw value is the keyword as written in documents,
/// so a keyword is spelled once, in its enum, and every table is built from the cases.
package protocol DocumentKeyword: RawRepresentable, CaseIterable, Hashable, Sendable where RawValue == String {}

/// Where a rule's facts come from: a tor source file and token table, or a spec section when tor
/// has no rule for the keyword (tor treats keywords missing from its table as `K_OPT`: any count,
/// any arguments, any object).
package struct RuleSource: Sendable, Hashable, CustomStringConvertible {
    package let file: String
    package let table: String

    package static func tor(_ file: String, _ table: String) -> RuleSource { RuleSource(file: file, table: table) }
    package static func spec(_ section: String) -> RuleSource { RuleSource(file: "dir-spec", table: section) }

    package var isTor: Bool { file != "dir-spec" }
    package var description: String { "\(file) \(table)" }
}

/// Where a keyword's item must stand among the document's items (annotations not counted).
package enum TokenPosition: String, Sendable { case anywhere, first, last }

/// A keyword's argument count, as tor's argument multiplicity: `ARGS`, `NO_ARGS`, `GE(n)`, `EQ(n)`, `CONCAT_ARGS`.
package struct TokenArguments: Sendable, Hashable {
    package let min: Int
    /// `nil`: no upper bound (tor's `INT_MAX`).
    package let max: Int?
    /// tor's `CONCAT_ARGS`: the rest of the line is one argument, which may be empty, so
    /// nothing is counted.
    package let concatenated: Bool

    package static let any = TokenArguments(min: 0, max: nil, concatenated: false)
    package static let none = TokenArguments(min: 0, max: 0, concatenated: false)
    package static let concat = TokenArguments(min: 1, max: 1, concatenated: true)
    package static func atLeast(_ count: Int) -> TokenArguments { TokenArguments(min: count, max: nil, concatenated: false) }
    package static func exactly(_ count: Int) -> TokenArguments { TokenArguments(min: count, max: count, concatenated: false) }
}

/// Whether a keyword's item carries an object: tor's object syntax: `NO_OBJ`, `NEED_OBJ`, `NEED_KEY_1024`, `NEED_KEY`, `OBJ_OK`.
package enum TokenObject: String, Sendable {
    case forbidden, required, rsaKey1024, rsaKey, optional

    var isRequired: Bool { self == .required || self == .rsaKey || self == .rsaKey1024 }
    var isKey: Bool { self == .rsaKey || self == .rsaKey1024 }
}


/// One keyword's constraints, in the terms of tor's token tables (`parsecommon.h`): how many times,
/// where, how many arguments, and what object.
///
/// ```swift
/// enum Key: String, DocumentKeyword { case router, bandwidth }
/// let rules = KeywordRules<Key>(kind: .serverDescriptor, source: .tor("routerparse.c", "routerdesc_token_table"), [
///     .first(.router, .atLeast(5), .forbidden),
///     .once(.bandwidth, .atLeast(3), .forbidden),
/// ])
/// ```
package struct KeywordRule<Key: DocumentKeyword>: Sendable {
    package typealias Position = TokenPosition
    package typealias Arguments = TokenArguments
    package typealias Object = TokenObject

    package let key: Key
    package let minCount: Int
    /// `nil`: no upper bound.
    package let maxCount: Int?
    package let position: Position
    package let arguments: Arguments
    package let object: Object
    /// Object type names (`-----BEGIN NAME-----`) accepted, where tor's parser checks them; empty: any.
    package let objectTypes: [StaticString]
    /// Set by ``KeywordRules``: the table's source unless the rule names its own.
    package private(set) var source: RuleSource?
    /// Why this rule departs from tor's, when it does; the comparison test requires one for
    /// every difference and lists them in the README.
    package let difference: String?

    package var keyword: String { key.rawValue }

    init(_ key: Key, count: (Int, Int?), _ position: Position, _ arguments: Arguments, _ object: Object,
         types: [StaticString], source: RuleSource?, differs: String?) {
        self.key = key
        (minCount, maxCount) = count
        self.position = position
        self.arguments = arguments
        self.object = object
        self.objectTypes = types
        self.source = source
        self.difference = differs
    }

    /// tor's `T1`: exactly once.
    package static func once(_ key: Key, _ arguments: Arguments, _ object: Object, types: [StaticString] = [],
                             source: RuleSource? = nil, differs: String? = nil) -> Self {
        Self(key, count: (1, 1), .anywhere, arguments, object, types: types, source: source, differs: differs)
    }
    /// tor's `T01`: at most once.
    package static func atMostOnce(_ key: Key, _ arguments: Arguments, _ object: Object, types: [StaticString] = [],
                                   source: RuleSource? = nil, differs: String? = nil) -> Self {
        Self(key, count: (0, 1), .anywhere, arguments, object, types: types, source: source, differs: differs)
    }
    /// tor's `T0N` (and `T`): any number of times.
    package static func any(_ key: Key, _ arguments: Arguments, _ object: Object, types: [StaticString] = [],
                            source: RuleSource? = nil, differs: String? = nil) -> Self {
        Self(key, count: (0, nil), .anywhere, arguments, object, types: types, source: source, differs: differs)
    }
    /// tor's `T1N`: once or more.
    package static func atLeastOnce(_ key: Key, _ arguments: Arguments, _ object: Object, types: [StaticString] = [],
                                    source: RuleSource? = nil, differs: String? = nil) -> Self {
        Self(key, count: (1, nil), .anywhere, arguments, object, types: types, source: source, differs: differs)
    }
    /// tor's `T1_START`: exactly once, the first item.
    package static func first(_ key: Key, _ arguments: Arguments, _ object: Object, types: [StaticString] = [],
                              source: RuleSource? = nil, differs: String? = nil) -> Self {
        Self(key, count: (1, 1), .first, arguments, object, types: types, source: source, differs: differs)
    }
    /// tor's `T1_END`: exactly once, the last item.
    package static func last(_ key: Key, _ arguments: Arguments, _ object: Object, types: [StaticString] = [],
                             source: RuleSource? = nil, differs: String? = nil) -> Self {
        Self(key, count: (1, 1), .last, arguments, object, types: types, source: source, differs: differs)
    }

    /// The same rule with another count and position (sanitized bridge documents, which lack
    /// what CollecTor removed), keeping its arguments, object and source.
    package func with(count: (Int, Int?), position: Position? = nil, differs reason: String) -> Self {
        Self(key, count: count, position ?? self.position, arguments, object, types: objectTypes, source: source, differs: reason)
    }

    fileprivate func sourced(_ tableSource: RuleSource) -> Self {
        var copy = self
        if copy.source == nil { copy.source = tableSource }
        return copy
    }
}

/// tor's limits on every item (`parsecommon.c`): `MAX_ARGS`.
package enum TorTokenLimits {
    /// `get_token_arguments` refuses a line with more arguments than this.
    package static let maxArguments = 512
}

/// A document type's keyword rules: lenient parsing looks keywords up here, strict mode checks
/// every rule (counts, positions, arguments, objects) against the tokenized document.
package struct KeywordRules<Key: DocumentKeyword>: Sendable {
    package let kind: DocumentKind
    package let rules: [KeywordRule<Key>]
    private let table: KeywordTable<Int>
    /// Keyword to key directly, for lenient lookups (one probe, no second array).
    private let keyLookup: KeywordTable<Key>
    /// `rules[i]`'s checks, apart, so strict mode copies no rule (names, sources, reasons).
    private let checks: [RuleCheck]
    /// Whether `rules[i]` allows one item at most: ``walk(_:in:unrecognized:problem:_:)`` reads
    /// only the first of each. By rule index rather than a `Set<Key>`: the first set of a key
    /// type costs a scan of the binary's conformance records at run time (0.25 M instructions
    /// in the consensus header's table).
    let onceOnly: [Bool]

    package init(kind: DocumentKind, source: RuleSource, _ rules: [KeywordRule<Key>]) {
        self.kind = kind
        self.rules = rules.map { $0.sourced(source) }
        self.table = KeywordTable(rules.enumerated().map { ($0.element.keyword, $0.offset) })
        self.keyLookup = KeywordTable(rules.map { ($0.keyword, $0.key) })
        self.checks = self.rules.map { RuleCheck($0) }
        self.onceOnly = rules.map { $0.maxCount == 1 }
    }

    /// The same rules reported as another kind, with some rules replaced (matched by key).
    package func replacing(kind: DocumentKind, _ replacements: [KeywordRule<Key>]) -> KeywordRules {
        let byKey = Dictionary(replacements.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let merged = rules.map { byKey[$0.key] ?? $0 }
        return KeywordRules(kind: kind, source: .spec("-"), merged)
    }

    /// The index in ``rules`` of the keyword at `range`'s rule, or `nil` for a keyword this
    /// document type does not know.
    @inline(__always)
    func ruleIndex(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Int? {
        table.lookup(bytes, range)
    }

    /// The key of the keyword at `range`, or `nil` for a keyword this document type does not know.
    @inline(__always)
    package func key(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Key? {
        keyLookup.lookup(bytes, range)
    }

    /// The keyword-to-key table alone: a parser's item loop passes it on instead of the rules
    /// (copying the rules retains every array they hold, once per item).
    package var keyTable: KeywordTable<Key> { keyLookup }

    /// The rule for `key`, if the table has one.
    package func rule(for key: Key) -> KeywordRule<Key>? { rules.first { $0.key == key } }

    /// Throws the first violation: count, position, argument count or object.
    package func check(_ document: TokenizedDocument) throws(DescriptorParseError) {
        var counts = [Int](repeating: 0, count: checks.count)
        let bytes = document.bytes
        let items = document.items
        for (index, item) in items.enumerated() {
            guard let ruleIndex = table.lookup(bytes, item.keyword) else { continue }
            let check = checks[ruleIndex]
            counts[ruleIndex] += 1
            if counts[ruleIndex] > check.maxCount {
                throw document.error(.duplicateKeyword, at: item)
            }
            if check.position == .first, index != 0 {
                throw document.error(.misplacedKeyword(expected: "must be the first item"), at: item)
            }
            if check.position == .last, index != items.count - 1 {
                throw document.error(.misplacedKeyword(expected: "must be the last item"), at: item)
            }
            try check.arguments(item, document)
            try check.object(item, document)
        }
        for (index, check) in checks.enumerated() where counts[index] < check.minCount {
            throw document.error(.missingKeyword, keyword: rules[index].keyword)
        }
    }
}

/// What strict mode checks for one rule, without the rule's names and reasons: a trivially
/// copyable value, so checking an item copies no strings and touches no reference counts.
struct RuleCheck: Sendable {
    let minCount: Int
    let maxCount: Int
    let position: TokenPosition
    let minArguments: Int
    let maxArguments: Int
    let concatenated: Bool
    let object: TokenObject
    /// Up to two accepted object type names (tor never accepts more for one keyword).
    let firstType: StaticString?
    let secondType: StaticString?

    init<Key>(_ rule: KeywordRule<Key>) {
        precondition(rule.objectTypes.count <= 2, "at most two object types per rule")
        minCount = rule.minCount
        maxCount = rule.maxCount ?? .max
        position = rule.position
        minArguments = rule.arguments.min
        maxArguments = rule.arguments.max ?? .max
        concatenated = rule.arguments.concatenated
        object = rule.object
        firstType = rule.objectTypes.first
        secondType = rule.objectTypes.dropFirst().first
    }

    /// Counts arguments only as far as the rule needs: an argument takes at least one byte and
    /// one separator, so a line shorter than `2 × MAX_ARGS` bytes cannot exceed tor's limit.
    @inline(__always)
    func arguments(_ item: DocumentItem, _ document: TokenizedDocument) throws(DescriptorParseError) {
        if concatenated { return }
        let length = item.arguments.count
        if maxArguments == 0 {
            if length > 0 { throw document.error(.malformedArguments("takes no arguments"), at: item) }
            return
        }
        let mayExceedLimit = length >= 2 * TorTokenLimits.maxArguments
        if minArguments == 0, maxArguments == .max, !mayExceedLimit { return }
        var cursor = item.argumentCursor(in: document.bytes)
        var count = 0
        while cursor.next() != nil {
            count += 1
            if count > TorTokenLimits.maxArguments {
                throw document.error(.malformedArguments("more than \(TorTokenLimits.maxArguments) arguments"), at: item)
            }
            if count >= minArguments, maxArguments == .max, !mayExceedLimit { return }
        }
        if count < minArguments {
            throw document.error(.malformedArguments("takes at least \(minArguments) argument(s), found \(count)"), at: item)
        }
        if count > maxArguments {
            throw document.error(.malformedArguments("takes at most \(maxArguments) argument(s), found \(count)"), at: item)
        }
    }

    /// Bytes a base64 object body may hold besides the alphabet: padding and line breaks.
    static func isBase64Filler(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "=") || byte == ByteText.newline || byte == ByteText.carriageReturn || ByteText.isSpace(byte)
    }

    @inline(__always)
    func object(_ item: DocumentItem, _ document: TokenizedDocument) throws(DescriptorParseError) {
        guard let found = item.object else {
            if object.isRequired { throw document.error(.malformedObject("object required"), at: item) }
            return
        }
        if object == .forbidden { throw document.error(.malformedObject("unexpected object"), at: item) }
        let bytes = document.bytes
        let name = found.name
        // tor decodes every `RSA PUBLIC KEY` object and refuses one where the rule wants no key.
        let isKey = ByteText.equals(bytes, name, "RSA PUBLIC KEY")
        if isKey, !(object.isKey || object == .optional) {
            throw document.error(.malformedObject("unexpected public key"), at: item)
        }
        if object.isKey, !isKey {
            throw document.error(.malformedObject("expected RSA PUBLIC KEY, found \(ByteText.string(bytes, name))"), at: item)
        }
        if object.isKey {
            // tor decodes the key (NEED_KEY) and, for NEED_KEY_1024, wants exactly 1024 bits.
            let bits: Int
            do { bits = try RSAPublicKey.modulusBits(pemBody: bytes[found.body]) } catch {
                throw document.error(.malformedObject("unreadable RSA PUBLIC KEY: \(error)"), at: item)
            }
            if object == .rsaKey1024, bits != 1024 {
                throw document.error(.malformedObject("RSA PUBLIC KEY of \(bits) bits; tor wants 1024"), at: item)
            }
        } else if Base64.decode(bytes[found.body]) == nil {
            // tor base64-decodes every object body as it tokenizes (parsecommon.c, get_next_token)
            // and refuses the document when that fails. The error names the body line that holds
            // the first byte base64 cannot (the item's line when the fault is the length).
            let offending = bytes[found.body].firstIndex { Base64.value($0) == 0xFF && !Self.isBase64Filler($0) } ?? found.body.lowerBound
            let line = item.line + bytes[item.range.lowerBound..<offending].reduce(0) { $1 == ByteText.newline ? $0 + 1 : $0 }
            throw DescriptorParseError(document: document.kind, line: line, keyword: item.keywordString(in: bytes),
                                       failure: .malformedObject("\(ByteText.string(bytes, name)) body is not valid base64"))
        }
        guard let firstType else { return }
        if ByteText.equals(bytes, name, firstType) { return }
        if let secondType, ByteText.equals(bytes, name, secondType) { return }
        let expected = [firstType, secondType].compactMap { $0.map { "\($0)" } }.joined(separator: " or ")
        throw document.error(.malformedObject("expected \(expected), found \(ByteText.string(bytes, name))"), at: item)
    }
}

/// One rule written in tor's notation (`T01`, `GE(1)`, `NO_OBJ`), for comparing our tables with
/// tor's (`Resources/tor-token-rules/`).
package struct TorNotationRow: Sendable, Hashable {
    package let kind: DocumentKind
    package let source: RuleSource
    package let keyword: String
    package let count: String
    package let arguments: String
    package let object: String
    package let difference: String?
}

extension KeywordRule {
    /// tor's macros for this rule: count (`T1_START`, `T1_END`, `T1`, `T01`, `T0N`, `T1N`; other
    /// combinations have no macro and are written `min..max`), arguments, object.
    package var torNotation: (count: String, arguments: String, object: String) {
        let count: String
        switch (minCount, maxCount, position) {
        case (1, 1, .first): count = "T1_START"
        case (1, 1, .last): count = "T1_END"
        case (1, 1, .anywhere): count = "T1"
        case (0, 1, .anywhere): count = "T01"
        case (0, nil, .anywhere): count = "T0N"
        case (1, nil, .anywhere): count = "T1N"
        default: count = "\(minCount)..\(maxCount.map(String.init) ?? "N")\(position == .anywhere ? "" : " \(position)")"
        }
        let args: String
        switch (arguments.min, arguments.max, arguments.concatenated) {
        case (_, _, true): args = "CONCAT_ARGS"
        case (0, nil, _): args = "ARGS"
        case (0, 0, _): args = "NO_ARGS"
        case (let low, nil, _): args = "GE(\(low))"
        case (let low, let high?, _) where low == high: args = "EQ(\(low))"
        case (let low, let high?, _): args = "\(low)..\(high)"
        }
        let object = switch self.object {
        case .forbidden: "NO_OBJ"
        case .required: "NEED_OBJ"
        case .rsaKey1024: "NEED_KEY_1024"
        case .rsaKey: "NEED_KEY"
        case .optional: "OBJ_OK"
        }
        return (count, args, object)
    }
}

extension KeywordRules {
    /// Every rule in tor's notation.
    package var torNotationRows: [TorNotationRow] {
        rules.map { rule in
            let notation = rule.torNotation
            return TorNotationRow(kind: kind, source: rule.source ?? .spec("-"), keyword: rule.keyword, count: notation.count,
                                  arguments: notation.arguments, object: notation.object, difference: rule.difference)
        }
    }

    /// Keywords of the enum without a rule: lenient parsing would not find them.
    package var keywordsWithoutRule: [String] {
        let covered = Set(rules.map(\.key))
        return Key.allCases.filter { !covered.contains($0) }.map(\.rawValue)
    }
}
