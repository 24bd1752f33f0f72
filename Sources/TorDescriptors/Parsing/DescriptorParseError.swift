/// The document families this library parses, used to name the document in errors.
public enum DocumentKind: String, Sendable, Hashable, CaseIterable, Codable {
    case serverDescriptor = "server-descriptor"
    case bridgeServerDescriptor = "bridge-server-descriptor"
    case extraInfo = "extra-info"
    case bridgeExtraInfo = "bridge-extra-info"
    case microdescriptor = "microdescriptor"
    case networkStatusConsensus = "network-status-consensus"
    case keyCertificate = "dir-key-certificate"
    case detachedSignature = "detached-signature"
    case bridgeNetworkStatus = "bridge-network-status"
    case consensusDiff = "consensus-diff"
}

/// Why a document was rejected.
///
/// Every case carries enough to find the problem: ``DescriptorParseError`` adds the document,
/// line number and keyword.
public enum ParseFailure: Sendable, Hashable {
    /// A required keyword is absent.
    case missingKeyword
    /// A keyword that may appear at most once appeared again.
    case duplicateKeyword
    /// A keyword that must open (or close) the document is elsewhere.
    case misplacedKeyword(expected: String)
    /// The arguments of a line do not follow the spec's syntax.
    case malformedArguments(String)
    /// An object is missing, unexpected, unterminated, or has the wrong type name.
    case malformedObject(String)
    /// A byte outside printable ASCII where the spec does not allow one; `line` shows it escaped.
    case nonASCII(line: String)
    /// The document has no content at all.
    case empty
    /// A line that is not `keyword [args]`, e.g. leading whitespace or an empty line.
    case malformedLine(String)
}

/// A typed parse error naming the document, the line number and the keyword at fault.
///
/// ```swift
/// do { _ = try ServerDescriptor(parsing: bytes, mode: .strict) }
/// catch let error as DescriptorParseError { print(error.line, error.keyword ?? "-", error) }
/// ```
public struct DescriptorParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of document that failed.
    public var document: DocumentKind
    /// 1-based line number in the input the parser was given (file line when parsed from a file).
    public var line: Int
    /// The keyword of the offending line, when there is one.
    public var keyword: String?
    /// What was wrong.
    public var failure: ParseFailure

    public init(document: DocumentKind, line: Int, keyword: String?, failure: ParseFailure) {
        self.document = document
        self.line = line
        self.keyword = keyword
        self.failure = failure
    }

    public var description: String {
        var text = "\(document.rawValue), line \(line)"
        if let keyword { text += ", keyword '\(keyword)'" }
        text += ": "
        switch failure {
        case .missingKeyword: text += "required keyword is missing"
        case .duplicateKeyword: text += "keyword appears more than once"
        case .misplacedKeyword(let expected): text += "keyword out of place (\(expected))"
        case .malformedArguments(let why): text += "malformed arguments: \(why)"
        case .malformedObject(let why): text += "malformed object: \(why)"
        case .nonASCII(let line): text += "non-ASCII content not allowed here: \(line)"
        case .empty: text += "empty document"
        case .malformedLine(let why): text += "malformed line: \(why)"
        }
        return text
    }
}

/// How strictly documents are checked while parsing.
public enum ValidationMode: Sendable, Hashable {
    /// Keep everything that can be understood; unknown, extra or misplaced items never throw.
    case lenient
    /// Enforce the spec's required / at-most-once / first / last keywords, argument syntax and
    /// the ASCII-only rule; violations throw ``DescriptorParseError``.
    case strict
}
