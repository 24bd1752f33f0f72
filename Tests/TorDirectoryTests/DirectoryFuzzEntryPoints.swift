import TorWire

/// The HTTP fuzz targets, shared by the libFuzzer executable in `Fuzz/` (this file is
/// symlinked there) and by `DirectoryFuzzRegressionTests`, which replays the saved inputs.
///
/// Input layout: byte 0 seeds the sizes of the pieces the response "arrives" in, byte 1 picks
/// the header and body caps, the rest is the response as a server would send it.
/// `http-response` reads pieces until ``HTTPResponse/expectedLength(of:maxHeaderBytes:)`` says
/// the response is complete, parses it and decodes its body; `http-reader` feeds the same pieces
/// to ``HTTPResponseReader`` (what the NIO client in TorNetwork does with a channel's bytes),
/// chunked bodies included, then closes.
///
/// ```swift
/// DirectoryFuzzEntryPoints.targets["http-response"]!([3, 0] + Array("HTTP/1.0 200 OK\r\n\r\n".utf8))
/// ```
enum DirectoryFuzzEntryPoints {
    static let targets: [String: @Sendable ([UInt8]) -> Void] = [
        "http-response": httpResponse,
        "http-reader": httpReader,
    ]

    static var names: [String] { targets.keys.sorted() }

    static func violated(_ message: @autoclosure () -> String, _ bytes: [UInt8]) -> Never {
        fatalError("fuzz invariant violated: \(message()) (input of \(bytes.count) bytes)")
    }

    static func httpResponse(_ data: [UInt8]) {
        guard data.count >= 2 else { return }
        let wire = data[2...]
        let headerCaps = [64, 512, 4096, 64 << 10]
        let limits = HTTPResponse.Limits(maxHeaderBytes: headerCaps[Int(data[1] & 3)], maxHeaderCount: Int(data[1] >> 2 & 7) * 4 + 1)
        let maxDecoded = [0, 100, 4096, 1 << 20][Int(data[1] >> 5 & 3)]
        let maxEncoded = data[1] & 0x80 != 0 ? 1 << 30 : 8192

        // Pieces as a socket might deliver them; stop once the response is complete.
        var state = UInt32(data[0]) &* 2_654_435_761 | 1
        var received: [UInt8] = []
        var position = wire.startIndex
        var expected: Int?
        while position < wire.endIndex {
            if let expected, received.count >= expected { break }
            state = state &* 1_103_515_245 &+ 12345
            let piece = data[0] & 1 == 0 ? 1 + Int((state >> 16) % 64) : 1 + Int((state >> 16) % 9000)
            let end = min(wire.endIndex, position + piece)
            received.append(contentsOf: wire[position..<end])
            position = end
            if received.count > maxEncoded { return }   // responseTooLarge: nothing is parsed
            if expected == nil {
                expected = HTTPResponse.expectedLength(of: received, maxHeaderBytes: limits.maxHeaderBytes)
                if let expected, expected < 0 { violated("expected length \(expected)", data) }
            }
        }

        let response: HTTPResponse
        do throws(HTTPFailure) {
            response = try HTTPResponse(parsing: received, limits: limits)
        } catch {
            switch error {
            case .malformedResponse: break
            case .headersTooLarge(let limit) where limit == limits.maxHeaderBytes: break
            case .tooManyHeaders(let limit) where limit == limits.maxHeaderCount: break
            default: violated("parsing failed with \(error)", data)
            }
            return
        }
        if expected == nil { violated("parsed a response whose headers expectedLength called incomplete", data) }
        if !(0...999).contains(response.status) { violated("status \(response.status)", data) }
        if response.headers.count > limits.maxHeaderCount {
            violated("\(response.headers.count) headers, limit \(limits.maxHeaderCount)", data)
        }
        // The body is the end of what was received, cut to Content-Length.
        let body = response.body
        guard body.startIndex >= 0, body.endIndex <= received.count, received[body.startIndex..<body.endIndex].elementsEqual(body) else {
            violated("body \(body.indices) outside the \(received.count) received bytes", data)
        }
        if body.startIndex > limits.maxHeaderBytes + 2 { violated("headers of \(body.startIndex) bytes accepted", data) }
        if let text = response.header("Content-Length"), let length = Int(text), length >= 0, body.count > length {
            violated("body of \(body.count) bytes, Content-Length \(length)", data)
        }

        do throws(HTTPFailure) {
            let decoded = try response.decodedBody(maxBytes: maxDecoded)
            if decoded.count > maxDecoded { violated("decoded \(decoded.count) bytes, cap \(maxDecoded)", data) }
            let coding = response.header("Content-Encoding")?.lowercased() ?? "identity"
            if coding == "identity" || coding.isEmpty, !decoded.elementsEqual(body) {
                violated("identity body changed by decoding", data)
            }
        } catch {
            switch error {
            case .unsupportedEncoding, .decodingFailed: break
            case .decodedTooLarge(let limit) where limit == maxDecoded: break
            default: violated("decoding failed with \(error)", data)
            }
        }
    }

    /// Pieces of `wire` as a socket might deliver them, sized from `seed`.
    static func pieces(of wire: ArraySlice<UInt8>, seed: UInt8) -> [ArraySlice<UInt8>] {
        var state = UInt32(seed) &* 2_654_435_761 | 1
        var result: [ArraySlice<UInt8>] = []
        var position = wire.startIndex
        while position < wire.endIndex {
            state = state &* 1_103_515_245 &+ 12345
            let piece = seed & 1 == 0 ? 1 + Int((state >> 16) % 64) : 1 + Int((state >> 16) % 9000)
            let end = min(wire.endIndex, position + piece)
            result.append(wire[position..<end])
            position = end
        }
        return result
    }

    static func httpReader(_ data: [UInt8]) {
        guard data.count >= 2 else { return }
        let headerCaps = [64, 512, 4096, 64 << 10]
        let limits = HTTPResponse.Limits(maxHeaderBytes: headerCaps[Int(data[1] & 3)], maxHeaderCount: Int(data[1] >> 2 & 7) * 4 + 1)
        let maxBody = [0, 100, 4096, 1 << 20][Int(data[1] >> 5 & 3)]
        var reader = HTTPResponseReader(limits: limits, maxBodyBytes: maxBody)
        var heads = 0, ends = 0, body = 0
        func count(_ events: [HTTPResponseReader.Event]) {
            for event in events {
                switch event {
                case .head(let head):
                    heads += 1
                    if !(0...999).contains(head.status) || (100...199).contains(head.status) { violated("head with status \(head.status) delivered", data) }
                    if head.headers.count > limits.maxHeaderCount { violated("\(head.headers.count) headers", data) }
                case .body(let piece):
                    if heads != 1 || ends != 0 { violated("body outside head..end", data) }
                    body += piece.count
                case .end: ends += 1
                }
            }
        }
        do throws(HTTPFailure) {
            for piece in pieces(of: data[2...], seed: data[0]) { count(try reader.feed(piece)) }
            count(try reader.finish())
        } catch {
            switch error {
            case .malformedResponse: break
            case .headersTooLarge(let limit) where limit == limits.maxHeaderBytes: break
            case .tooManyHeaders(let limit) where limit == limits.maxHeaderCount: break
            case .responseTooLarge(let limit) where limit == maxBody: break
            default: violated("reading failed with \(error)", data)
            }
            if body > maxBody { violated("\(body) body bytes delivered, cap \(maxBody)", data) }
            return
        }
        if heads != 1 || ends != 1 || !reader.isComplete { violated("\(heads) heads, \(ends) ends", data) }
        if body > maxBody || body != reader.bodyBytes { violated("\(body) body bytes, cap \(maxBody)", data) }
    }
}
