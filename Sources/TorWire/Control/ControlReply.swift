#if canImport(FoundationEssentials)
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
#else
import FoundationEssentials
#endif

/// One reply from tor's ControlPort (control-spec §2.3): its lines, each with the status code,
/// the text after the separator, and for `+` lines the data block that followed (dot-unstuffed,
/// lines joined by LF as the document was before tor escaped it).
///
/// ```swift
/// var reader = ControlReplyReader()
/// reader.append(Array("250-version=0.4.9.11\r\n250 OK\r\n".utf8))
/// let reply = try reader.next()!          // status 250, two lines
/// print(reply.keyValues().first!.key)     // "version"
/// ```
public struct ControlReply: Sendable, Hashable {
    /// One line of a reply.
    public struct Line: Sendable, Hashable {
        /// The three-digit status code (250 success, 650 asynchronous event, 5xx errors).
        public let status: Int
        /// The text after the status code and separator, without CR LF.
        public let text: String
        /// For a data line (`250+`), the data block that followed it, else nil.
        public let data: [UInt8]?
    }

    /// The reply's lines; the last one ended it (`250 OK`).
    public let lines: [Line]

    /// The status code of the line that ended the reply.
    public var status: Int { lines.last?.status ?? 0 }
    /// An asynchronous event (status 650), not the answer to a command.
    public var isEvent: Bool { status == 650 }
    /// A 2xx reply.
    public var isSuccess: Bool { (200..<300).contains(status) }
    /// The text of the final line (`OK`, or the reason of an error).
    public var message: String { lines.last?.text ?? "" }

    /// `key=value` pairs of a GETINFO reply (and of any reply built the same way), in order:
    /// a data line's value is its data block, a plain line's the bytes after `=`. The final
    /// `OK` line is not a pair.
    public func keyValues() -> [(key: String, value: [UInt8])] {
        var pairs: [(key: String, value: [UInt8])] = []
        for (index, line) in lines.enumerated() {
            if index == lines.count - 1, line.data == nil, !line.text.contains("=") { continue }
            let utf8 = Array(line.text.utf8)
            guard let equals = utf8.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let key = String(decoding: utf8[..<equals], as: UTF8.self)
            pairs.append((key, line.data ?? Array(utf8[(equals + 1)...])))
        }
        return pairs
    }
}

/// Why bytes from a ControlPort are not a reply (control-spec §2.3).
///
/// ```swift
/// do { _ = try reader.next() } catch { print(error) }   // e.g. "line 3: status code 25x is not three digits"
/// ```
public enum ControlProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A line that is not `DDD[ -+]text`.
    case malformedLine(line: Int, String)
    /// The lines of one reply carry different status codes.
    case mixedStatus(line: Int, expected: Int, found: Int)
    /// A line or a whole reply went over the reader's limit.
    case limitExceeded(line: Int, what: String, limit: Int)

    public var description: String {
        switch self {
        case .malformedLine(let line, let why): "control reply line \(line): \(why)"
        case .mixedStatus(let line, let expected, let found): "control reply line \(line): status \(found) inside a \(expected) reply"
        case .limitExceeded(let line, let what, let limit): "control reply line \(line): \(what) over the limit of \(limit) bytes"
        }
    }
}

/// A sans-I/O reader of ControlPort replies: feed it bytes as they arrive, take whole replies.
/// Every line is looked at once, so a multi-megabyte `GETINFO md/all` costs one pass.
///
/// ```swift
/// var reader = ControlReplyReader()
/// for try await chunk in socket { reader.append(chunk); while let reply = try reader.next() { handle(reply) } }
/// ```
public struct ControlReplyReader: Sendable {
    /// The longest line accepted (tor's own lines are short; data lines are documents' lines).
    public var maxLineBytes: Int
    /// The largest reply accepted, data included (`GETINFO desc/all-recent` is tens of MB).
    public var maxReplyBytes: Int

    private var buffer: [UInt8] = []
    private var position = 0
    private var lines: [ControlReply.Line] = []
    private var replyBytes = 0
    private var lineNumber = 0
    /// While reading a data block: the `+` line it belongs to, and the data so far (kept apart
    /// so appending never copies it).
    private var dataLine: (status: Int, text: String)?
    private var data: [UInt8] = []

    public init(maxLineBytes: Int = 1 << 20, maxReplyBytes: Int = 256 << 20) {
        self.maxLineBytes = maxLineBytes
        self.maxReplyBytes = maxReplyBytes
    }

    /// Adds bytes read from the connection.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        if position > 0, position >= buffer.count / 2 {
            buffer.removeFirst(position)
            position = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next whole reply, or nil until more bytes arrive.
    public mutating func next() throws(ControlProtocolError) -> ControlReply? {
        while let newline = buffer[position...].firstIndex(of: 0x0A) {
            var end = newline
            if end > position, buffer[end - 1] == 0x0D { end -= 1 }
            let line = position..<end
            position = newline + 1
            lineNumber += 1
            replyBytes += newline + 1 - line.lowerBound
            if line.count > maxLineBytes { throw .limitExceeded(line: lineNumber, what: "line", limit: maxLineBytes) }
            if replyBytes > maxReplyBytes { throw .limitExceeded(line: lineNumber, what: "reply", limit: maxReplyBytes) }
            if let reply = try take(line) { return reply }
        }
        if buffer.count - position > maxLineBytes {
            throw .limitExceeded(line: lineNumber + 1, what: "line", limit: maxLineBytes)
        }
        return nil
    }

    /// Handles one complete line; returns a reply when the line ended one.
    private mutating func take(_ line: Range<Int>) throws(ControlProtocolError) -> ControlReply? {
        if let open = dataLine {
            if line.count == 1, buffer[line.lowerBound] == UInt8(ascii: ".") {
                lines.append(ControlReply.Line(status: open.status, text: open.text, data: data))
                dataLine = nil
                data = []
                return nil
            }
            // Dot-unstuffing: a data line that starts with "." was sent with one more.
            let start = !line.isEmpty && buffer[line.lowerBound] == UInt8(ascii: ".") ? line.lowerBound + 1 : line.lowerBound
            data.append(contentsOf: buffer[start..<line.upperBound])
            data.append(0x0A)
            return nil
        }
        guard line.count >= 4 else { throw .malformedLine(line: lineNumber, "shorter than a status code and separator") }
        var status = 0
        for index in line.lowerBound..<(line.lowerBound + 3) {
            let digit = buffer[index]
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else {
                throw .malformedLine(line: lineNumber, "status code is not three digits")
            }
            status = status * 10 + Int(digit - UInt8(ascii: "0"))
        }
        if let first = lines.first, first.status != status {
            throw .mixedStatus(line: lineNumber, expected: first.status, found: status)
        }
        let text = String(decoding: buffer[(line.lowerBound + 4)..<line.upperBound], as: UTF8.self)
        switch buffer[line.lowerBound + 3] {
        case UInt8(ascii: "-"):
            lines.append(ControlReply.Line(status: status, text: text, data: nil))
            return nil
        case UInt8(ascii: "+"):
            dataLine = (status, text)
            return nil
        case UInt8(ascii: " "):
            lines.append(ControlReply.Line(status: status, text: text, data: nil))
            let reply = ControlReply(lines: lines)
            lines = []
            replyBytes = 0
            return reply
        default:
            throw .malformedLine(line: lineNumber, "separator is not ' ', '-' or '+'")
        }
    }
}
