#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials

/// How the lines of a file ended before it was parsed.
///
/// Tor writes and signs documents with LF line endings. A file that went through a tool that
/// rewrote every line ending as CRLF (a Windows checkout, mail) still holds the signed document:
/// removing the CR before each LF gives back the bytes that were signed. A file with some CRLF
/// and some LF endings, or a CR that does not end a line, is not such a conversion; its digests
/// cover the CR bytes and cannot match, so it is parsed as it is and reported.
///
/// ```swift
/// let (bytes, endings) = LineEndings.normalizing(fileBytes)
/// if endings == .crlfNormalized { print("line endings: CRLF normalized") }
/// let certificates = KeyCertificate.parseAll(bytes[...])
/// ```
public enum LineEndings: Sendable, Hashable, CustomStringConvertible {
    /// Every line ends in LF alone: the bytes are as tor wrote them.
    case lf
    /// Every line ended in CRLF; the bytes were converted to LF before parsing.
    case crlfNormalized
    /// A CR that is not part of a CRLF ending of every line (mixed endings, or a CR inside a
    /// line), first seen on this 1-based line; the bytes were left as they are.
    case strayCarriageReturn(line: Int)

    public var description: String {
        switch self {
        case .lf: "LF"
        case .crlfNormalized: "CRLF normalized"
        case .strayCarriageReturn(let line): "stray CR (carriage return) on line \(line)"
        }
    }

    /// The bytes to parse and how their lines ended. A file without any CR (every file tor
    /// writes) costs one `memchr` and is returned as it is, without a copy.
    public static func normalizing(_ bytes: [UInt8]) -> (bytes: [UInt8], lineEndings: LineEndings) {
        let endings = classify(bytes[...])
        guard endings == .crlfNormalized else { return (bytes, endings) }
        var converted: [UInt8] = []
        converted.reserveCapacity(bytes.count)
        for byte in bytes where byte != ByteText.carriageReturn { converted.append(byte) }
        return (converted, .crlfNormalized)
    }

    /// How the lines of `bytes` end, without converting them: ``crlfNormalized`` here means
    /// "every line ends in CRLF" (the last line may lack an ending altogether).
    public static func classify(_ bytes: ArraySlice<UInt8>) -> LineEndings {
        guard let firstCR = bytes.withUnsafeBufferPointer({ buffer -> Int? in
            guard let base = buffer.baseAddress, let found = memchr(base, Int32(ByteText.carriageReturn), buffer.count) else { return nil }
            return bytes.startIndex + base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }) else { return .lf }
        // Rare path: every LF must have a CR before it and every CR an LF after it.
        var previous: UInt8 = 0
        for byte in bytes {
            let loneLF = byte == ByteText.newline && previous != ByteText.carriageReturn
            let loneCR = previous == ByteText.carriageReturn && byte != ByteText.newline
            if loneLF || loneCR { return .strayCarriageReturn(line: lineNumber(of: firstCR, in: bytes)) }
            previous = byte
        }
        return previous == ByteText.carriageReturn ? .strayCarriageReturn(line: lineNumber(of: firstCR, in: bytes)) : .crlfNormalized
    }

    /// The 1-based line `index` is on.
    private static func lineNumber(of index: Int, in bytes: ArraySlice<UInt8>) -> Int {
        1 + bytes[bytes.startIndex..<index].reduce(0) { $0 + ($1 == ByteText.newline ? 1 : 0) }
    }
}
