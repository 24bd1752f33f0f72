/// The keywords of an exit list (TorDNSEL's exit-list format, CollecTor `@type tordnsel 1.0`),
/// each spelled once: the raw value is the keyword as written (exit lists capitalise keywords).
///
/// Written in the style of the per-document keyword rule tables (`KeywordRules`): one enum of
/// keywords, one table of rules built from its cases.
enum ExitListKeyword: String, CaseIterable, Hashable, Sendable {
    case downloaded = "Downloaded"
    case exitNode = "ExitNode"
    case published = "Published"
    case lastStatus = "LastStatus"
    case exitAddress = "ExitAddress"

    /// Where the keyword may stand, how often, and how many arguments it takes.
    struct Rule: Sendable {
        /// `file`: in the lines before the first `ExitNode`; `entry`: in each relay's block.
        enum Scope: Sendable { case file, entry }
        let scope: Scope
        let minCount: Int
        /// `nil`: no upper bound.
        let maxCount: Int?
        let arguments: Int
    }

    /// exitlist-spec: `Downloaded` once at the top; per relay `ExitNode` (opens the block),
    /// `Published`, `LastStatus` once each and one or more `ExitAddress ADDRESS DATE TIME`.
    var rule: Rule {
        switch self {
        case .downloaded: Rule(scope: .file, minCount: 1, maxCount: 1, arguments: 2)
        case .exitNode: Rule(scope: .entry, minCount: 1, maxCount: 1, arguments: 1)
        case .published: Rule(scope: .entry, minCount: 1, maxCount: 1, arguments: 2)
        case .lastStatus: Rule(scope: .entry, minCount: 1, maxCount: 1, arguments: 2)
        case .exitAddress: Rule(scope: .entry, minCount: 1, maxCount: nil, arguments: 3)
        }
    }

    private static let table = KeywordTable<ExitListKeyword>(allCases.map { ($0.rawValue, $0) })

    static func lookup(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> ExitListKeyword? {
        table.lookup(bytes, range)
    }
}
