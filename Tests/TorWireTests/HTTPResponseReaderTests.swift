import Testing
import TorWire

/// The incremental reader on synthetic responses, fed whole and one byte at a time.
@Suite struct HTTPResponseReaderTests {
    struct Read {
        var head: HTTPResponse?
        var body: [UInt8] = []
        var ended = false
    }

    /// Feeds `wire` in pieces of `step` bytes, then closes (when `close`).
    static func read(_ wire: String, step: Int = .max, maxBodyBytes: Int = 1 << 20, close: Bool = true,
                     limits: HTTPResponse.Limits = .default) throws(HTTPFailure) -> Read {
        var reader = HTTPResponseReader(limits: limits, maxBodyBytes: maxBodyBytes)
        var result = Read()
        func take(_ events: [HTTPResponseReader.Event]) {
            for event in events {
                switch event {
                case .head(let head): result.head = head
                case .body(let piece): result.body += piece
                case .end: result.ended = true
                }
            }
        }
        let bytes = Array(wire.utf8)
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + min(step, bytes.count - start))
            take(try reader.feed(bytes[start..<end]))
            start = end
        }
        if close { take(try reader.finish()) }
        return result
    }

    @Test(arguments: [1, 3, 7, .max])
    func chunkedBodyIsDechunked(step: Int) throws {
        let wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n"
        let read = try Self.read(wire, step: step, close: false)
        #expect(read.head?.status == 200)
        #expect(String(decoding: read.body, as: UTF8.self) == "hello, world")
        #expect(read.ended)
    }

    @Test(arguments: [1, .max])
    func contentLengthEndsWithoutClose(step: Int) throws {
        let read = try Self.read("HTTP/1.1 206 Partial Content\r\nContent-Length: 4\r\n\r\nabcdIGNORED", step: step, close: false)
        #expect(read.head?.status == 206 && read.body == Array("abcd".utf8) && read.ended)
    }

    @Test func http10BodyRunsToTheClose() throws {
        let open = try Self.read("HTTP/1.0 200 OK\r\n\r\nsome body", close: false)
        #expect(open.body == Array("some body".utf8) && !open.ended)
        let closed = try Self.read("HTTP/1.0 200 OK\r\n\r\nsome body")
        #expect(closed.ended)
    }

    @Test func interimAndBodylessAnswers() throws {
        let read = try Self.read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", close: false)
        #expect(read.head?.status == 204 && read.body.isEmpty && read.ended)
    }

    @Test func truncatedBodiesAndBadFramingAreErrors() {
        #expect(throws: HTTPFailure.malformedResponse("connection closed 6 bytes before the end of the body")) {
            try Self.read("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabcd")
        }
        #expect(throws: HTTPFailure.malformedResponse("connection closed inside a chunked body")) {
            try Self.read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel")
        }
        #expect(throws: HTTPFailure.self) { try Self.read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") }
        #expect(throws: HTTPFailure.self) { try Self.read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n") }
        #expect(throws: HTTPFailure.self) { try Self.read("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n") }
        #expect(throws: HTTPFailure.self) { try Self.read("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n") }
        #expect(throws: HTTPFailure.malformedResponse("connection closed before any response")) { try Self.read("") }
    }

    @Test func capsHoldForEveryFraming() {
        #expect(throws: HTTPFailure.responseTooLarge(limit: 3)) { try Self.read("HTTP/1.0 200 OK\r\n\r\nabcd", maxBodyBytes: 3) }
        #expect(throws: HTTPFailure.responseTooLarge(limit: 3)) { try Self.read("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n", maxBodyBytes: 3) }
        #expect(throws: HTTPFailure.responseTooLarge(limit: 3)) {
            try Self.read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n2\r\ncd\r\n0\r\n\r\n", maxBodyBytes: 3)
        }
        #expect(throws: HTTPFailure.headersTooLarge(limit: 64)) {
            try Self.read("HTTP/1.1 200 OK\r\nX-Filler: " + String(repeating: "a", count: 100), step: 1, limits: .init(maxHeaderBytes: 64))
        }
        // An endless chunk-size line is cut at 4 KiB instead of buffered.
        #expect(throws: HTTPFailure.self) {
            try Self.read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + String(repeating: "0", count: 5000), close: false)
        }
    }
}
