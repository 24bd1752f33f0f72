import Foundation
import Testing
@testable import TorDirectory

/// The DirPort client against scripted loopback servers (no tor needed): deadlines, caps,
/// busy answers, framing. All servers and documents here are synthetic.
@Suite struct HTTPClientTests {
    func client(_ endpoints: [DirectoryEndpoint], _ tweak: (inout DirectoryClient.Configuration) -> Void = { _ in }) -> DirectoryClient {
        var configuration = DirectoryClient.Configuration(endpoints: endpoints)
        configuration.randomizeStart = false
        configuration.verification = .none
        tweak(&configuration)
        return DirectoryClient(configuration: configuration)
    }

    @Test func syntheticBodyEndsAtCloseOverIPv4AndIPv6() async throws {
        for ipv6 in [false, true] {
            let server = try LoopbackServer(ipv6: ipv6) { _, send in
                _ = send(LoopbackServer.response(body: Array("hello\nworld\n".utf8))[...])
            }
            defer { server.stop() }
            let response = try await client([server.endpoint]).query(path: "/tor/keys/all")
            #expect(response.body == Array("hello\nworld\n".utf8))
            #expect(response.contentEncoding == "identity")
            #expect(server.requests.first?.hasPrefix("GET /tor/keys/all HTTP/1.0\r\n") == true)
        }
    }

    @Test func syntheticContentLengthStopsReadingWithoutClose() async throws {
        // The server keeps the connection open after the body; Content-Length must end it.
        let server = try LoopbackServer { _, send in
            _ = send(LoopbackServer.response(body: Array("0123456789".utf8), contentLength: true)[...])
            Thread.sleep(forTimeInterval: 5)
        }
        defer { server.stop() }
        // A client that waited for the close would hit the 3 s deadline first and throw; wall
        // time is not asserted because other suites can hold the cooperative pool.
        let response = try await client([server.endpoint]) { $0.requestTimeout = .seconds(3) }.query(path: "/x")
        #expect(response.body == Array("0123456789".utf8))
    }

    @Test func syntheticTricklingBodyHitsTheWholeRequestDeadline() async throws {
        // One byte every 100 ms forever: no single read times out, the request deadline must.
        let server = try LoopbackServer { _, send in
            guard send(Array("HTTP/1.0 200 OK\r\nContent-Encoding: identity\r\n\r\n".utf8)[...]) else { return }
            while send([0x61][...]) { Thread.sleep(forTimeInterval: 0.1) }
        }
        defer { server.stop() }
        do {
            _ = try await client([server.endpoint]) { $0.requestTimeout = .milliseconds(800) }.query(path: "/x")
            Issue.record("the trickle never ends; the deadline must stop it")
        } catch {
            #expect(error.attempts.map(\.failure) == [.deadlineExceeded])
            // The trickle never ends, so only the deadline (checked on the socket thread) can have
            // stopped it. No upper wall-time bound: other suites blocking the cooperative pool
            // delay this test's resumption, not the request.
            let elapsed = try #require(error.attempts.first?.elapsed)
            #expect(elapsed >= .milliseconds(800), "\(elapsed)")
        }
    }

    @Test func syntheticBusyServerMovesOnAndErrorListsEveryEndpoint() async throws {
        let busy = try LoopbackServer { _, send in _ = send(LoopbackServer.response(status: "503 Directory busy, try again later", body: [])[...]) }
        let good = try LoopbackServer { _, send in _ = send(LoopbackServer.response(body: Array("ok\n".utf8))[...]) }
        defer { busy.stop(); good.stop() }
        let response = try await client([busy.endpoint, good.endpoint]).query(path: "/y")
        #expect(response.endpoint.port == good.port)
        #expect(busy.requestCount == 1)

        // Now every endpoint fails, each for its own reason, and the error says so in order.
        let closedPort = DirectoryEndpoint(host: "127.0.0.1", port: 1)
        do {
            _ = try await client([busy.endpoint, closedPort]).query(path: "/z")
            Issue.record("expected a failure")
        } catch {
            #expect(error.attempts.count == 2)
            #expect(error.attempts[0].failure == .httpStatus(503, "Directory busy, try again later"))
            if case .connectFailed = error.attempts[1].failure {} else { Issue.record("got \(error.attempts[1].failure)") }
            #expect(error.description.contains("127.0.0.1:\(busy.port) /z: HTTP 503"))
        }
    }

    @Test func syntheticResponseOverTheEncodedCapIsRejected() async throws {
        let server = try LoopbackServer { _, send in
            _ = send(LoopbackServer.response(body: [UInt8](repeating: 0x41, count: 200_000))[...])
        }
        defer { server.stop() }
        await #expect {
            _ = try await client([server.endpoint]) { $0.maxEncodedBytes = 100_000 }.query(path: "/x")
        } throws: { error in
            (error as? DirectoryClientError)?.attempts.map(\.failure) == [.responseTooLarge(limit: 100_000)]
        }
    }

    @Test func syntheticUnsupportedEncodingAndNonHTTPAreAttemptFailures() async throws {
        let odd = try LoopbackServer { _, send in _ = send(LoopbackServer.response(encoding: "x-brotli", body: [1, 2, 3])[...]) }
        let garbage = try LoopbackServer { _, send in _ = send(Array("SSH-2.0-OpenSSH\r\n\r\n".utf8)[...]) }
        defer { odd.stop(); garbage.stop() }
        do {
            _ = try await client([odd.endpoint, garbage.endpoint]).query(path: "/x")
            Issue.record("expected a failure")
        } catch {
            #expect(error.attempts.first?.failure == .unsupportedEncoding("x-brotli"))
            if case .malformedResponse = error.attempts.last?.failure {} else { Issue.record("got \(error.attempts)") }
        }
    }

    @Test func syntheticCancellationStopsAHungRequest() async throws {
        // The server never answers and never closes (it holds the connection until the client
        // closes it), and the deadline is 600 s: only cancellation can end the request before
        // then, whatever phase (connecting, sending, waiting) it is in when the cancel comes.
        // The server used to close after 20 s; under ThreadSanitizer on a loaded machine this
        // test's resumption came later than that (the test took 167 s), and the close ended the
        // request first.
        let server = try LoopbackServer(waitForClose: true)
        defer { server.stop() }
        let client = client([server.endpoint]) { $0.requestTimeout = .seconds(600) }
        let task = Task { try await client.query(path: "/x") }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        // The error, not wall time, is the evidence: a busy cooperative pool delays this test's
        // resumption by an unbounded time.
        switch await task.result {
        case .success: Issue.record("expected cancellation")
        case .failure(let error): #expect((error as? DirectoryClientError).map { if case .cancelled = $0 { true } else { false } } == true, "\(error)")
        }
    }

    @Test func syntheticCompressedBodyInflatingPastTheCapIsRejected() async throws {
        // 4,000,000 zero bytes compressed with `zstd -19` (157 bytes): a small decompression bomb.
        let bomb = Array(Data(base64Encoded: "KLUv/QRoTAAACAABAPz/ORACAgAQAAIAEAACABAAAgAQAAIAEAACABAAAgAQAAIAEAACABAAAgAQAAIAEAACABAAAgAQAAIAEAACABAAAgAQAAIAEAACABAAAgAQAAIAEAACABAAAgAQAAIAEAACABAAAgAQAAIAEAACABAAAgAQAAIAEAADSAgAWZloAw==")!)
        let server = try LoopbackServer { _, send in _ = send(LoopbackServer.response(encoding: "x-zstd", body: bomb)[...]) }
        defer { server.stop() }
        await #expect {
            _ = try await client([server.endpoint]) { $0.maxDecodedBytes = 1_000_000 }.query(path: "/tor/micro/d/x")
        } throws: { error in
            (error as? DirectoryClientError)?.attempts.map(\.failure) == [.decodedTooLarge(limit: 1_000_000)]
        }
        // Under a larger cap the same body decodes to its 4,000,000 zero bytes.
        let response = try await client([server.endpoint]) { $0.maxDecodedBytes = 8_000_000 }.query(path: "/x")
        #expect(response.body.count == 4_000_000 && response.body.allSatisfy { $0 == 0 })
        #expect(response.encodedSize == bomb.count && response.contentEncoding == "x-zstd")
    }

    @Test func syntheticAcceptEncodingIsSent() async throws {
        let server = try LoopbackServer { _, send in _ = send(LoopbackServer.response(body: [])[...]) }
        defer { server.stop() }
        _ = try await client([server.endpoint]).query(path: "/x")
        #expect(server.requests.first?.contains("Accept-Encoding: x-zstd, x-tor-lzma, deflate, gzip, identity\r\n") == true)
    }

    @Test func syntheticPathWithCRLFIsRefusedBeforeAnythingIsSent() async throws {
        let server = try LoopbackServer { _, send in _ = send(LoopbackServer.response(body: [])[...]) }
        defer { server.stop() }
        for path in ["/tor/keys/all\r\nX-Injected: 1", "/tor/keys/all HTTP/1.1\r\n\r\nGET /x", "/tor/\0"] {
            do {
                _ = try await client([server.endpoint]).query(path: path)
                Issue.record("\(path.debugDescription) was sent")
            } catch {
                guard case .invalidRequest = error else { Issue.record("got \(error)"); continue }
                #expect(error.attempts.isEmpty)
            }
        }
        do {
            _ = try await client([server.endpoint]).query(path: "/x", headers: [("X-A", "1\r\nX-B: 2")])
            Issue.record("a header with CR LF was sent")
        } catch {
            guard case .invalidRequest = error else { Issue.record("got \(error)"); return }
        }
        // A good request afterwards is the first and only connection the server saw.
        _ = try await client([server.endpoint]).query(path: "/ok")
        #expect(server.acceptedCount == 1)
        #expect(server.requests.first?.hasPrefix("GET /ok HTTP/1.0\r\n") == true)
    }

    @Test func syntheticSilentServerHitsTheDeadline() async throws {
        // Accepts, reads the request, never answers, never closes.
        let server = try LoopbackServer(waitForClose: true)
        defer { server.stop() }
        do {
            _ = try await client([server.endpoint]) { $0.requestTimeout = .milliseconds(700) }.query(path: "/x")
            Issue.record("a silent server must hit the deadline")
        } catch {
            #expect(error.attempts.map(\.failure) == [.deadlineExceeded])
        }
        // The client closed its end when the deadline passed.
        #expect(try await Self.eventually { server.closedByClientCount == 1 })
    }

    @Test func syntheticCancellationClosesTheConnection() async throws {
        let server = try LoopbackServer(waitForClose: true)
        defer { server.stop() }
        let client = client([server.endpoint]) { $0.requestTimeout = .seconds(600) }
        let task = Task { try await client.query(path: "/x") }
        #expect(try await Self.eventually { server.requestCount == 1 })
        #expect(server.closedByClientCount == 0)
        task.cancel()
        // The server sees the close long before the 600 s deadline.
        #expect(try await Self.eventually { server.closedByClientCount == 1 })
        switch await task.result {
        case .success: Issue.record("expected cancellation")
        case .failure(let error): #expect((error as? DirectoryClientError).map { if case .cancelled = $0 { true } else { false } } == true, "\(error)")
        }
    }

    @Test func syntheticChunkedHTTP11AnswerIsDechunked() async throws {
        let server = try LoopbackServer { _, send in
            let head = "HTTP/1.1 200 OK\r\nContent-Encoding: identity\r\nTransfer-Encoding: chunked\r\n\r\n"
            _ = send(Array((head + "6\r\nhello \r\n6\r\nworld\n\r\n0\r\n\r\n").utf8)[...])
            Thread.sleep(forTimeInterval: 5)   // the last chunk, not the close, ends the body
        }
        defer { server.stop() }
        let response = try await client([server.endpoint]) { $0.requestTimeout = .seconds(3) }.query(path: "/x")
        #expect(response.body == Array("hello world\n".utf8))
    }

    @Test func syntheticHostNameTriesEveryAddress() async throws {
        // "localhost" may resolve to ::1 before 127.0.0.1; the server listens on 127.0.0.1 only,
        // so an answer means the client went on to the next address.
        let server = try LoopbackServer { _, send in _ = send(LoopbackServer.response(body: Array("v4\n".utf8))[...]) }
        defer { server.stop() }
        let response = try await client([DirectoryEndpoint(host: "localhost", port: server.port)]).query(path: "/x")
        #expect(response.body == Array("v4\n".utf8))
    }

    /// Polls `condition` every 20 ms, up to 3,000 times (at least 60 s of polling). The budget
    /// is counted in polls, not wall time: under a sanitizer with the whole suite in parallel,
    /// other tests can hold both threads of the cooperative pool for minutes, during which
    /// neither this poll nor the task it waits for runs (CI once saw 96 s). A wall-clock budget
    /// would be spent by that starvation, not by the code under test.
    static func eventually(_ condition: () -> Bool) async throws -> Bool {
        for _ in 0..<3_000 {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }
}
