/// The document families this library parses, used to name the document in errors.
///
/// ```swift
/// do { _ = try ServerDescriptor(parsing: bytes) } catch {
///     print(error.document)   // .serverDescriptor
/// }
/// ```
public enum DocumentKind: String, Sendable, Hashable, CaseIterable, Codable {
    case serverDescriptor = "server-descriptor"
    case bridgeServerDescriptor = "bridge-server-descriptor"
    case extraInfo = "extra-info"
    case bridgeExtraInfo = "bridge-extra-info"
    case microdescriptor = "microdescriptor"
    case networkStatusConsensus = "network-status-consensus"
    case networkStatusVote = "network-status-vote"
    case keyCertificate = "dir-key-certificate"
    case detachedSignature = "detached-signature"
    case bridgeNetworkStatus = "bridge-network-status"
    /// A v2 network status (2005-2008).
    case networkStatusV2 = "network-status-2"
    /// A v1 router directory (2004-2007).
    case relayDirectory = "directory"
    case consensusDiff = "consensus-diff"
    case exitList = "tordnsel"
    case bandwidthFile = "bandwidth-file"
    /// A v3 onion-service descriptor's outer layer (`hs-descriptor 3`).
    case onionServiceDescriptor = "hs-descriptor"
    /// The decrypted `superencrypted` layer of an onion-service descriptor.
    case onionServiceMiddleLayer = "hs-descriptor superencrypted layer"
    /// The decrypted `encrypted` layer of an onion-service descriptor (introduction points).
    case onionServiceInnerLayer = "hs-descriptor encrypted layer"
    case bridgePoolAssignment = "bridge-pool-assignment"
    case webServerAccessLog = "webstats"
    case torperf = "torperf"
    case snowflakeStats = "snowflake-stats"
    case bridgedbMetrics = "bridgedb-metrics"
}

/// Why a document was rejected.
///
/// Every case carries enough to find the problem: ``DescriptorParseError`` adds the document,
/// line number and keyword.
///
/// ```swift
/// do { _ = try Microdescriptor(parsing: bytes, mode: .strict) } catch {
///     if error.failure == .missingKeyword { print("no \(error.keyword ?? "?") line") }
/// }
/// ```
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
    /// The input went over one of the ``ParseLimits`` (`limit` is its configured value).
    case limitExceeded(ParseLimits.Limit, limit: Int)
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
        case .limitExceeded(let which, let limit): text += "input exceeds \(which.rawValue) = \(limit)"
        }
        return text
    }
}

/// How strictly documents are checked while parsing, and the ``ParseLimits`` that bound it.
///
/// `.lenient` and `.strict` use the default limits; `.lenient(limits:)` and `.strict(limits:)`
/// set others. Two modes are equal when both their strictness and their limits are; ask
/// ``isStrict`` whether a mode is strict (`mode.isStrict` is false for `.strict(limits:)`).
///
/// ```swift
/// let tight = ParseLimits(maxDocumentBytes: 1 << 20)
/// let results = ServerDescriptor.parseAll(bytes[...], mode: .strict(limits: tight))
/// ```
public struct ValidationMode: Sendable, Hashable {
    /// Whether the spec's rules are enforced (``strict``) or problems are recorded and skipped (``lenient``).
    public var isStrict: Bool
    /// Resource limits applied in either mode.
    public var limits: ParseLimits

    public init(isStrict: Bool, limits: ParseLimits = .default) {
        self.isStrict = isStrict
        self.limits = limits
    }

    /// Keep everything that can be understood; unknown, extra or misplaced items never throw.
    public static var lenient: ValidationMode { ValidationMode(isStrict: false) }
    /// Enforce the spec's required / at-most-once / first / last keywords, argument syntax and
    /// the ASCII-only rule; violations throw ``DescriptorParseError``.
    public static var strict: ValidationMode { ValidationMode(isStrict: true) }
    /// Lenient parsing with other limits.
    public static func lenient(limits: ParseLimits) -> ValidationMode { ValidationMode(isStrict: false, limits: limits) }
    /// Strict parsing with other limits.
    public static func strict(limits: ParseLimits) -> ValidationMode { ValidationMode(isStrict: true, limits: limits) }
}
