import Foundation
import Testing
import TestSupport
@testable import TorDirectory
import TorWire

/// Replays the inputs the `http-response` fuzzer kept and checks the HTTP header limits and
/// the `Content-Length` values that used to trap. Every response here is synthetic.
@Suite struct DirectoryFuzzRegressionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let folder = root.appendingPathComponent("Tests/TorDirectoryTests/FuzzRegressions")

    static func inputs() -> [(target: String, file: URL)] { FuzzRegressions.inputs(in: folder) }

    @Test("every saved fuzzer input now passes its entry point")
    func replay() throws {
        // No input saved yet; a future one replays here, and a folder named after no target throws.
        try FuzzRegressions.replay(in: Self.folder, entryPoints: DirectoryFuzzEntryPoints.targets)
        #expect(Set(Self.inputs().map(\.target)).isSubset(of: Set(DirectoryFuzzEntryPoints.names)))
    }

    static func syntheticResponse(_ headers: [String], body: String = "synthetic body\n") -> [UInt8] {
        Array((["HTTP/1.0 200 OK"] + headers).map { $0 + "\r\n" }.joined().utf8) + Array("\r\n\(body)".utf8)
    }

    @Test func entryPointOnSyntheticResponses() {
        let entry = DirectoryFuzzEntryPoints.targets["http-response"]!
        let plain = Self.syntheticResponse(["Content-Type: text/plain", "Content-Encoding: identity", "Content-Length: 15"])
        for control in [[0, 0xE3], [1, 0x63], [2, 0x03], [3, 0x80]] as [[UInt8]] {
            entry(control + plain)
            entry(control + plain.prefix(20))
        }
    }

    /// The reader's target on every framing, cut at every length, under every cap setting it
    /// picks from byte 1 (its invariants trap on a violation).
    @Test func readerEntryPointOnSyntheticResponses() {
        let entry = DirectoryFuzzEntryPoints.targets["http-reader"]!
        let chunked = Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n1\r\n!\r\n0\r\nT: t\r\n\r\n".utf8)
        let partial = Array("HTTP/1.1 206 Partial Content\r\nContent-Length: 4\r\n\r\nabcd".utf8)
        let interim = Array("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\n\r\nto the close".utf8)
        for wire in [chunked, partial, interim, Self.syntheticResponse(["Content-Length: 15"])] {
            for length in 0...wire.count {
                for control in [0x00, 0x7F, 0x3F, 0xFF] as [UInt8] { entry([UInt8(length & 1), control] + wire.prefix(length)) }
            }
        }
    }

    /// `Content-Length: Int.max` overflowed `headerEnd + length`, and a negative one made
    /// `prefix` trap; both now count as "no usable length".
    @Test func extremeContentLengthsNoLongerTrap() throws {
        for value in ["9223372036854775807", "9223372036854775800", "-5", "99999999999999999999", "+7"] {
            let bytes = Self.syntheticResponse(["Content-Length: \(value)"])
            let expected = try #require(HTTPResponse.expectedLength(of: bytes))
            let response = try HTTPResponse(parsing: bytes)
            if value == "+7" {
                #expect(expected == bytes.count - 15 + 7)
                #expect(response.body.count == 7)
            } else {
                #expect(expected == Int.max)
                #expect(response.body.elementsEqual("synthetic body\n".utf8))
            }
        }
    }

    @Test func headerBytesLimit() throws {
        let long = Self.syntheticResponse(["X-Padding: " + String(repeating: "a", count: 70_000)])
        #expect(throws: HTTPFailure.headersTooLarge(limit: 64 << 10)) { try HTTPResponse(parsing: long) }
        // The reader stops as soon as the headers pass the cap, without waiting for their end.
        let head = Array(long.prefix(65_537))
        #expect(HTTPResponse.expectedLength(of: Array(long.prefix(65_536))) == nil)
        #expect(HTTPResponse.expectedLength(of: head) == head.count)
        // A larger cap accepts it; the body is still there.
        let response = try HTTPResponse(parsing: long, limits: .init(maxHeaderBytes: 80_000))
        #expect(response.body.elementsEqual("synthetic body\n".utf8))
        #expect(response.header("x-padding")?.count == 70_000)
        // An unfinished short header block is malformed, not too large.
        #expect(throws: HTTPFailure.malformedResponse("no end of headers in 17 bytes")) {
            try HTTPResponse(parsing: Array("HTTP/1.0 200 OK\r\n".utf8))
        }
    }

    @Test func headerCountLimit() throws {
        let hundred = (0..<100).map { "X-\($0): v" }
        let ok = try HTTPResponse(parsing: Self.syntheticResponse(hundred))
        #expect(ok.headers.count == 100 && ok.header("x-99") == "v")
        #expect(throws: HTTPFailure.tooManyHeaders(limit: 100)) {
            try HTTPResponse(parsing: Self.syntheticResponse(hundred + ["X-100: v"]))
        }
        #expect(throws: HTTPFailure.tooManyHeaders(limit: 3)) {
            try HTTPResponse(parsing: Self.syntheticResponse(Array(hundred.prefix(4))), limits: .init(maxHeaderCount: 3))
        }
    }

    /// End to end: a server that sends headers forever is cut off at the header cap.
    @Test func syntheticEndlessHeadersAreAnAttemptFailure() async throws {
        let server = try LoopbackServer { _, send in
            guard send(Array("HTTP/1.0 200 OK\r\n".utf8)[...]) else { return }
            for _ in 0..<20_000 where send(Array("X-Filler: synthetic\r\n".utf8)[...]) {}
        }
        defer { server.stop() }
        var configuration = DirectoryClient.Configuration(endpoints: [server.endpoint])
        configuration.randomizeStart = false
        configuration.verification = .none
        configuration.headerLimits.maxHeaderBytes = 4096
        do {
            _ = try await DirectoryClient(configuration: configuration).query(path: "/x")
            Issue.record("endless headers accepted")
        } catch {
            #expect(error.attempts.map(\.failure) == [.headersTooLarge(limit: 4096)])
        }
    }

    @Test func decodedBodyUsesTheContentEncoding() throws {
        let response = try HTTPResponse(parsing: Self.syntheticResponse(["Content-Encoding: identity"]))
        #expect(try response.decodedBody(maxBytes: 100) == Array("synthetic body\n".utf8))
        #expect(throws: HTTPFailure.decodedTooLarge(limit: 4)) { try response.decodedBody(maxBytes: 4) }
        let odd = try HTTPResponse(parsing: Self.syntheticResponse(["Content-Encoding: br"]))
        #expect(throws: HTTPFailure.unsupportedEncoding("br")) { try odd.decodedBody(maxBytes: 100) }
    }
}
