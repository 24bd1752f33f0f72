/// A consensus diff (`network-status-diff-version 1`, dir-spec's consensus-diff section and
/// proposal 140): the SHA3-256 of the base and target consensuses, then ed-style commands
/// listed from the bottom of the base to the top.
///
/// ```swift
/// let diff = try ConsensusDiff(parsing: diffBytes)
/// print(diff.commands.count, diff.baseHash.map { Hex.encode($0) } ?? "-")
/// let target: [UInt8] = try diff.apply(to: baseConsensus)   // checks both hashes
/// ```
public struct ConsensusDiff: ParsableDocument, Sendable {
    public static let startKeywords = ["network-status-diff-version"]

    /// The bytes the diff was parsed from.
    public let rawBytes: ArraySlice<UInt8>
    /// Line number of the first line of ``rawBytes``.
    public let firstLine: Int
    /// The format version (only 1 exists).
    public let version: Int
    /// SHA3-256 of the base consensus's signed part (the `hash` line's first value).
    public let baseHash: [UInt8]?
    /// SHA3-256 of the whole target consensus (the `hash` line's second value).
    public let targetHash: [UInt8]?
    /// The ed commands in diff order: descending line numbers.
    public let commands: [ConsensusDiffCommand]
    /// Problems lenient parsing stepped over. A diff with warnings cannot be applied: lenient
    /// parsing stops at the first unreadable command, so ``commands`` may be incomplete.
    public let warnings: [DescriptorParseError]

    public init(parsing slice: DocumentSlice, mode: ValidationMode) throws(DescriptorParseError) {
        try mode.limits.checkDocumentSize(slice.bytes.count, kind: .consensusDiff, line: slice.firstLine)
        var parser = ConsensusDiffParser(bytes: slice.bytes, firstLine: slice.firstLine, strict: mode.isStrict)
        try parser.parse()
        rawBytes = slice.bytes
        firstLine = slice.firstLine
        version = parser.version
        baseHash = parser.baseHash
        targetHash = parser.targetHash
        commands = parser.commands
        warnings = parser.warnings
    }

    /// The lines a command inserts, without their line feeds.
    public func insertedLines(of command: ConsensusDiffCommand) -> [String] {
        var lines: [String] = []
        var position = command.insertedBytes.lowerBound
        while position < command.insertedBytes.upperBound {
            let end = ConsensusDiffParser.lineFeed(rawBytes, from: position, before: command.insertedBytes.upperBound)
            lines.append(String(decoding: rawBytes[position..<end], as: UTF8.self))
            position = end + 1
        }
        return lines
    }
}

/// One ed command of a ``ConsensusDiff``. Line numbers are 1-based lines of the base.
///
/// ```swift
/// for command in diff.commands where command.action == .delete {
///     print(command.startLine, command.endLine.map(String.init) ?? "$")
/// }
/// ```
public struct ConsensusDiffCommand: Sendable, Hashable {
    /// The ed command: delete a range, replace it with new lines, or append lines after one.
    public enum Action: Sendable, Hashable {
        /// `Na`: insert lines after base line N (0 = before the first line).
        case append
        /// `Nc` / `N,Mc`: replace lines N through M.
        case change
        /// `Nd` / `N,Md` / `N,$d`: delete lines N through M (or through the last line).
        case delete
    }

    public let action: Action
    /// First base line of the range; for ``Action/append`` the line the new lines follow.
    public let startLine: Int
    /// Last base line of the range (equal to ``startLine`` without a range); `nil` for `$`.
    public let endLine: Int?
    /// Line number of the command in the parsed input.
    public let line: Int
    /// The inserted lines in the diff's bytes, each with its line feed (empty for deletes).
    public let insertedBytes: Range<Int>
    /// How many lines the command inserts.
    public let insertedLineCount: Int
}

/// Reads the diff line by line. Lines end at LF only, as tor splits them: a CR is content.
struct ConsensusDiffParser {
    static let kind: DocumentKind = .consensusDiff

    let bytes: ArraySlice<UInt8>
    let firstLine: Int
    let strict: Bool
    var version = 1
    var baseHash: [UInt8]?
    var targetHash: [UInt8]?
    var commands: [ConsensusDiffCommand] = []
    var warnings: [DescriptorParseError] = []

    init(bytes: ArraySlice<UInt8>, firstLine: Int, strict: Bool) {
        self.bytes = bytes
        self.firstLine = firstLine
        self.strict = strict
    }

    /// Index of the next LF at or after `position` (or `limit` when there is none).
    static func lineFeed(_ bytes: ArraySlice<UInt8>, from position: Int, before limit: Int) -> Int {
        bytes[position..<limit].firstIndex(of: ByteText.newline) ?? limit
    }

    private func error(_ failure: ParseFailure, line: Int, keyword: String?) -> DescriptorParseError {
        DescriptorParseError(document: Self.kind, line: line, keyword: keyword, failure: failure)
    }

    /// Strict mode throws; lenient mode records the problem.
    private mutating func problem(_ error: DescriptorParseError) throws(DescriptorParseError) {
        if strict { throw error }
        warnings.append(error)
    }

    mutating func parse() throws(DescriptorParseError) {
        let end = bytes.endIndex
        var position = bytes.startIndex
        var line = firstLine
        func nextLine() -> Range<Int>? {
            guard position < end else { return nil }
            let stop = Self.lineFeed(bytes, from: position, before: end)
            defer { position = Swift.min(stop + 1, end); line += 1 }
            return position..<stop
        }

        // The version line identifies the document: without it nothing else can be trusted.
        guard let first = nextLine() else { throw error(.empty, line: firstLine, keyword: nil) }
        let prefix: StaticString = "network-status-diff-version "
        guard ByteText.hasPrefix(bytes, first, prefix),
              let number = ByteText.unsigned(bytes, (first.lowerBound + prefix.utf8CodeUnitCount)..<first.upperBound) else {
            throw error(.misplacedKeyword(expected: "a diff starts with 'network-status-diff-version 1'"), line: firstLine,
                        keyword: "network-status-diff-version")
        }
        guard number == 1 else {
            throw error(.malformedArguments("unsupported diff version \(number)"), line: firstLine, keyword: "network-status-diff-version")
        }
        version = number

        let hashLine = line
        guard let second = nextLine() else { throw error(.missingKeyword, line: hashLine, keyword: "hash") }
        try readHashes(second, line: hashLine)

        // Commands come bottom-up; each must end at or before `limit` (tor's rule: a command's
        // range lies wholly above the previous command's start).
        var limit = Int.max
        while let current = nextLine() {
            let commandLine = line - 1
            guard var command = readCommand(current, line: commandLine) else {
                // Without a readable command the following lines cannot be told apart from inserted text.
                try problem(error(.malformedLine("not an ed command: '\(ByteText.escaped(bytes, current))'"), line: commandLine, keyword: nil))
                return
            }
            // `$` is the base's last line, so only the first command may use it.
            let ordered = command.endLine.map { $0 <= limit } ?? (limit == Int.max)
            if !ordered {
                try problem(error(.malformedArguments("commands must go from the bottom of the base to the top"),
                                  line: commandLine, keyword: nil))
            }
            limit = command.action == .append ? command.startLine : command.startLine - 1
            if command.action != .delete {
                let textStart = position
                var count = 0
                var textEnd = textStart
                var terminated = false
                while let text = nextLine() {
                    if text.count == 1, bytes[text.lowerBound] == UInt8(ascii: ".") {
                        textEnd = text.lowerBound
                        terminated = true
                        break
                    }
                    count += 1
                }
                guard terminated else {
                    try problem(error(.malformedObject("inserted lines do not end with a '.' line"), line: commandLine, keyword: nil))
                    return
                }
                guard count > 0 else {
                    try problem(error(.malformedObject("command inserts no lines"), line: commandLine, keyword: nil))
                    return
                }
                command = ConsensusDiffCommand(action: command.action, startLine: command.startLine, endLine: command.endLine,
                                               line: commandLine, insertedBytes: textStart..<textEnd, insertedLineCount: count)
            }
            commands.append(command)
        }
    }

    private mutating func readHashes(_ range: Range<Int>, line: Int) throws(DescriptorParseError) {
        // Exactly `hash BASE TARGET` with single spaces, 64 hex digits each.
        let words = bytes[range].split(separator: ByteText.space, omittingEmptySubsequences: false)
        guard words.count == 3, words[0].elementsEqual("hash".utf8) else {
            throw error(.missingKeyword, line: line, keyword: "hash")
        }
        guard words[1].count == 64, words[2].count == 64, let base = Hex.decode(words[1]), let target = Hex.decode(words[2]) else {
            try problem(error(.malformedArguments("expected two SHA3-256 digests of 64 hex digits"), line: line, keyword: "hash"))
            return
        }
        baseHash = base
        targetHash = target
    }

    /// `N[,M|,$](a|c|d)`, with tor's restrictions: `$` only for deletes, no range for appends,
    /// a range's end after its start, and no line 0 except as an append position.
    private func readCommand(_ range: Range<Int>, line: Int) -> ConsensusDiffCommand? {
        var index = range.lowerBound
        func number() -> Int? {
            let start = index
            var value = 0
            while index < range.upperBound, ByteText.isDigit(bytes[index]) {
                value = value * 10 + Int(bytes[index] - 0x30)
                guard value <= Int(Int32.max) else { return nil }
                index += 1
            }
            return index > start ? value : nil
        }
        guard let start = number() else { return nil }
        var end: Int? = start
        var hadRange = false
        if index < range.upperBound, bytes[index] == UInt8(ascii: ",") {
            hadRange = true
            index += 1
            if index < range.upperBound, bytes[index] == UInt8(ascii: "$") {
                end = nil
                index += 1
            } else {
                guard let value = number(), value > start else { return nil }
                end = value
            }
        }
        guard index + 1 == range.upperBound else { return nil }
        let action: ConsensusDiffCommand.Action
        switch bytes[index] {
        case UInt8(ascii: "a"):
            guard !hadRange else { return nil }
            action = .append
        case UInt8(ascii: "c"):
            guard end != nil, start > 0 else { return nil }
            action = .change
        case UInt8(ascii: "d"):
            guard start > 0 else { return nil }
            action = .delete
        default: return nil
        }
        return ConsensusDiffCommand(action: action, startLine: start, endLine: end, line: line,
                                    insertedBytes: range.upperBound..<range.upperBound, insertedLineCount: 0)
    }
}

extension ConsensusDiff {
    public static var documentKind: DocumentKind { .consensusDiff }
}
