#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a consensus diff could not be applied.
///
/// ```swift
/// do { _ = try diff.apply(to: base) }
/// catch .baseHashMismatch(let expected, let actual) { print("diff is for \(expected), not \(actual ?? "?")") }
/// catch { print(error) }
/// ```
public enum ConsensusDiffError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Parsing recorded problems (lenient mode), so the commands are not trustworthy.
    case invalidDiff([DescriptorParseError])
    /// The diff has no usable `hash` line, so nothing can be checked.
    case missingHashes
    /// The base is not a sequence of LF-terminated lines (tor refuses such a base too).
    case baseNotLineTerminated
    /// The base's SHA3-256 as signed is not the diff's base hash (`actual` is `nil` when the
    /// base has no `directory-signature` line to end its signed part).
    case baseHashMismatch(expected: String, actual: String?)
    /// A command names a base line that does not exist.
    case lineOutOfRange(diffLine: Int, baseLine: Int, baseLineCount: Int)
    /// The result's SHA3-256 is not the diff's target hash.
    case targetHashMismatch(expected: String, actual: String)
    /// This platform's Crypto module has no SHA3-256 (Apple platforms); apply without verification.
    case sha3Unavailable

    public var description: String {
        switch self {
        case .invalidDiff(let errors): "consensus diff has \(errors.count) problem(s): \(errors.first.map { "\($0)" } ?? "")"
        case .missingHashes: "consensus diff has no usable hash line"
        case .baseNotLineTerminated: "base consensus does not end with a line feed"
        case .baseHashMismatch(let expected, let actual): "base consensus SHA3-256 is \(actual ?? "unknown (unsigned)"), the diff expects \(expected)"
        case .lineOutOfRange(let diffLine, let baseLine, let count): "diff line \(diffLine) names base line \(baseLine), but the base has \(count) lines"
        case .targetHashMismatch(let expected, let actual): "result SHA3-256 is \(actual), the diff promises \(expected)"
        case .sha3Unavailable: "SHA3-256 is not available on this platform"
        }
    }
}

extension ConsensusDiff {
    /// Applies the diff to a parsed base consensus (its bytes without annotations).
    public func apply(to base: NetworkStatusConsensus, verifyingHashes: Bool = true) throws(ConsensusDiffError) -> [UInt8] {
        try apply(to: base.rawBytes[base.contentRange], verifyingHashes: verifyingHashes)
    }

    /// Applies the diff to the bytes of a base consensus (no annotation lines) and returns the
    /// target's bytes. With `verifyingHashes`, the base's SHA3-256 as signed must match the
    /// `hash` line's first value and the result's SHA3-256 its second value, as tor checks.
    ///
    /// One pass over the base: commands are taken bottom-up as written, walked top-down, and
    /// each run of unchanged lines is copied as one block.
    public func apply(to base: ArraySlice<UInt8>, verifyingHashes: Bool = true) throws(ConsensusDiffError) -> [UInt8] {
        guard warnings.isEmpty else { throw .invalidDiff(warnings) }
        guard base.isEmpty || base.last == ByteText.newline else { throw .baseNotLineTerminated }
        if verifyingHashes {
            guard let baseHash else { throw .missingHashes }
            guard let signed = Self.signedPart(of: base) else {
                throw .baseHashMismatch(expected: Hex.encode(baseHash), actual: nil)
            }
            guard let actual = ConsensusSHA3.digest(base[signed]) else { throw .sha3Unavailable }
            guard actual == baseHash else { throw .baseHashMismatch(expected: Hex.encode(baseHash), actual: Hex.encode(actual)) }
        }

        let starts = Self.lineStarts(base)   // starts[i] = first byte of line i+1; last = end
        let count = starts.count - 1
        var output: [UInt8] = []
        output.reserveCapacity(base.count + rawBytes.count)
        var copied = 0   // base lines already copied or skipped
        for command in commands.reversed() {
            let end = command.endLine ?? count
            // tor requires a `$` range to start before the last line.
            guard end <= count, command.endLine != nil || command.startLine < count else {
                throw .lineOutOfRange(diffLine: command.line, baseLine: command.endLine ?? command.startLine, baseLineCount: count)
            }
            let keepThrough = command.action == .append ? command.startLine : command.startLine - 1
            if keepThrough > copied { output.append(contentsOf: base[starts[copied]..<starts[keepThrough]]) }
            copied = command.action == .append ? command.startLine : end
            if command.action != .delete { output.append(contentsOf: rawBytes[command.insertedBytes]) }
        }
        if copied < count { output.append(contentsOf: base[starts[copied]..<starts[count]]) }

        if verifyingHashes, let targetHash {
            guard let actual = ConsensusSHA3.digest(output[...]) else { throw .sha3Unavailable }
            guard actual == targetHash else { throw .targetHashMismatch(expected: Hex.encode(targetHash), actual: Hex.encode(actual)) }
        }
        return output
    }

    /// SHA3-256 of a consensus's signed part, the digest the `hash` line names a base by.
    /// `nil` without a `directory-signature` line, or where SHA3 is unavailable.
    public static func baseDigest(of consensus: ArraySlice<UInt8>) -> [UInt8]? {
        signedPart(of: consensus).flatMap { ConsensusSHA3.digest(consensus[$0]) }
    }

    /// From the start through the space after the first `directory-signature` keyword.
    static func signedPart(of bytes: ArraySlice<UInt8>) -> Range<Int>? {
        var position = bytes.startIndex
        while position < bytes.endIndex {
            let stop = ConsensusDiffParser.lineFeed(bytes, from: position, before: bytes.endIndex)
            if ByteText.hasPrefix(bytes, position..<stop, "directory-signature ") {
                return bytes.startIndex..<(position + 20)
            }
            position = stop + 1
        }
        return nil
    }

    /// Start index of every LF-terminated line, plus the end index.
    static func lineStarts(_ bytes: ArraySlice<UInt8>) -> [Int] {
        var starts: [Int] = []
        starts.reserveCapacity(bytes.count / 40 + 2)
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                starts.append(bytes.startIndex + offset)
                guard let found = memchr(base + offset, 0x0A, buffer.count - offset) else { break }
                offset = UnsafeRawPointer(found) - UnsafeRawPointer(base) + 1
            }
        }
        starts.append(bytes.endIndex)
        return starts
    }
}
