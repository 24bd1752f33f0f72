/// An incremental HTTP/1.x response reader: feed it bytes as they arrive, get back the head once
/// it is whole, then body bytes with the framing undone, then the end.
///
/// Bodies are framed as RFC 9112 §6.3 says for a GET: `Transfer-Encoding: chunked` (what an
/// HTTP/1.1 server may send), else `Content-Length`, else everything until the peer closes (a
/// tor DirPort's HTTP/1.0). 1xx heads are skipped; 204 and 304 have no body. The reader holds
/// only the head and a chunk-size line; body bytes pass straight through, so a download of any
/// size streams. Caps: ``HTTPResponse/Limits`` on the head, `maxBodyBytes` on the body (before
/// content decoding), 4 KiB on a chunk-size or trailer line.
///
/// ```swift
/// var reader = HTTPResponseReader(maxBodyBytes: 64 << 20)
/// for event in try reader.feed(bytesFromSocket) { if case .body(let piece) = event { sink(piece) } }
/// for event in try reader.finish() { ... }   // the peer closed
/// ```
public struct HTTPResponseReader: Sendable {
    /// What the bytes fed so far complete.
    public enum Event: Sendable {
        /// Status line and headers (the response's `body` is empty).
        case head(HTTPResponse)
        /// The next body bytes, de-chunked, still content-encoded.
        case body(ArraySlice<UInt8>)
        /// The body is complete; any later byte is ignored.
        case end
    }

    enum State: Sendable {
        case head
        case fixed(remaining: Int)
        case untilClose
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case done
    }

    public let limits: HTTPResponse.Limits
    public let maxBodyBytes: Int
    static let maxLineBytes = 4096
    private var state = State.head
    /// The unfinished head, chunk-size line or trailer line.
    private var pending: [UInt8] = []
    private var trailerBytes = 0
    /// Body bytes delivered so far.
    public private(set) var bodyBytes = 0

    public init(limits: HTTPResponse.Limits = .default, maxBodyBytes: Int) {
        self.limits = limits
        self.maxBodyBytes = maxBodyBytes
    }

    /// True once ``Event/end`` was returned.
    public var isComplete: Bool { if case .done = state { true } else { false } }

    /// True while the body runs until the peer closes (no length, not chunked).
    public var isCloseDelimited: Bool { if case .untilClose = state { true } else { false } }

    /// Takes the next bytes from the peer.
    public mutating func feed<Bytes: Collection<UInt8>>(_ input: Bytes) throws(HTTPFailure) -> [Event] {
        var data = ArraySlice(input)
        var events: [Event] = []
        while !data.isEmpty {
            switch state {
            case .head:
                pending.append(contentsOf: data)
                data = []
                guard let end = HTTPResponse.headerEnd(in: pending, limit: limits.maxHeaderBytes) else {
                    if pending.count > limits.maxHeaderBytes { throw .headersTooLarge(limit: limits.maxHeaderBytes) }
                    break
                }
                let head = try HTTPResponse(parsing: Array(pending[..<end]), limits: limits)
                data = pending[end...]
                pending = []
                if (100...199).contains(head.status) { continue }   // interim answer: the real head follows
                events.append(.head(head))
                try startBody(after: head, events: &events)
            case .fixed(let remaining):
                let piece = data.prefix(remaining)
                data = data.dropFirst(piece.count)
                try deliver(piece, to: &events)
                state = remaining == piece.count ? .done : .fixed(remaining: remaining - piece.count)
                if case .done = state { events.append(.end) }
            case .untilClose:
                try deliver(data, to: &events)
                data = []
            case .chunkSize:
                guard let line = try takeLine(from: &data) else { break }
                let size = try Self.chunkSize(line)
                state = size == 0 ? .trailers : .chunkData(remaining: size)
            case .chunkData(let remaining):
                let piece = data.prefix(remaining)
                data = data.dropFirst(piece.count)
                try deliver(piece, to: &events)
                state = remaining == piece.count ? .chunkDataEnd : .chunkData(remaining: remaining - piece.count)
            case .chunkDataEnd:
                guard let line = try takeLine(from: &data) else { break }
                guard line.isEmpty else { throw .malformedResponse("chunk data longer than its size") }
                state = .chunkSize
            case .trailers:
                let before = data.count
                let line = try takeLine(from: &data)
                trailerBytes += before - data.count
                if trailerBytes > limits.maxHeaderBytes { throw .headersTooLarge(limit: limits.maxHeaderBytes) }
                if line?.isEmpty == true {
                    state = .done
                    events.append(.end)
                }
            case .done:
                data = []
            }
        }
        return events
    }

    /// The peer closed: ends a close-delimited body; anything else unfinished is an error.
    public mutating func finish() throws(HTTPFailure) -> [Event] {
        switch state {
        case .done: return []
        case .untilClose:
            state = .done
            return [.end]
        case .head:
            if pending.isEmpty { throw .malformedResponse("connection closed before any response") }
            _ = try HTTPResponse(parsing: pending, limits: limits)   // throws for an unfinished head
            throw .malformedResponse("connection closed inside the headers")
        case .fixed(let remaining):
            throw .malformedResponse("connection closed \(remaining) bytes before the end of the body")
        case .chunkSize, .chunkData, .chunkDataEnd, .trailers:
            throw .malformedResponse("connection closed inside a chunked body")
        }
    }

    private mutating func startBody(after head: HTTPResponse, events: inout [Event]) throws(HTTPFailure) {
        if head.status == 204 || head.status == 304 {
            state = .done
        } else if let coding = head.header("Transfer-Encoding") {
            let last = coding.split(separator: ",").last.map { String($0).trimmingSpaces.lowercased() }
            guard last == "chunked" else { throw .malformedResponse("Transfer-Encoding \(coding) without chunked last") }
            state = .chunkSize
        } else if let text = head.header("Content-Length") {
            guard let length = HTTPResponse.contentLength(head.headers) else {
                throw .malformedResponse("Content-Length \(text.debugDescription)")
            }
            if length > maxBodyBytes { throw .responseTooLarge(limit: maxBodyBytes) }
            state = length == 0 ? .done : .fixed(remaining: length)
        } else {
            state = .untilClose
        }
        if case .done = state { events.append(.end) }
    }

    private mutating func deliver(_ piece: ArraySlice<UInt8>, to events: inout [Event]) throws(HTTPFailure) {
        guard !piece.isEmpty else { return }
        bodyBytes += piece.count
        if bodyBytes > maxBodyBytes { throw .responseTooLarge(limit: maxBodyBytes) }
        events.append(.body(piece))
    }

    /// The next line without its CR LF (or bare LF), or nil when `data` ends first (kept).
    private mutating func takeLine(from data: inout ArraySlice<UInt8>) throws(HTTPFailure) -> [UInt8]? {
        guard let newline = data.firstIndex(of: 0x0A) else {
            pending.append(contentsOf: data)
            data = []
            if pending.count > Self.maxLineBytes { throw .malformedResponse("chunked line longer than \(Self.maxLineBytes) bytes") }
            return nil
        }
        var line = pending + data[..<newline]
        pending = []
        data = data[(newline + 1)...]
        if line.count > Self.maxLineBytes { throw .malformedResponse("chunked line longer than \(Self.maxLineBytes) bytes") }
        if line.last == 0x0D { line.removeLast() }
        return line
    }

    /// `1*HEXDIG [; extensions]`, at most 15 digits so it fits an Int.
    static func chunkSize(_ line: [UInt8]) throws(HTTPFailure) -> Int {
        let digits = line.prefix { HTTPRequest.isHexDigit($0) }
        let rest = line.dropFirst(digits.count).drop { $0 == 0x20 || $0 == 0x09 }
        guard !digits.isEmpty, digits.count <= 15, rest.isEmpty || rest.first == UInt8(ascii: ";") else {
            throw .malformedResponse("bad chunk size line \(String(decoding: line.prefix(40), as: UTF8.self).debugDescription)")
        }
        return digits.reduce(0) { value, digit in
            value * 16 + Int(digit <= 0x39 ? digit - 0x30 : (digit | 0x20) - 0x61 + 10)
        }
    }
}
