import Testing
import TorWire

/// Request formatting and the checks that keep a caller's path or header from changing the
/// request's shape. All inputs are synthetic.
@Suite struct HTTPRequestTests {
    @Test func serializesAnHTTP10DirPortRequest() throws {
        let request = try HTTPRequest(path: "/tor/server/fp/AB+CD", host: "127.0.0.1", port: 7000, headers: [("Accept-Encoding", "deflate, identity")])
        #expect(String(decoding: request.serialized(), as: UTF8.self)
            == "GET /tor/server/fp/AB+CD HTTP/1.0\r\nHost: 127.0.0.1:7000\r\nAccept-Encoding: deflate, identity\r\n\r\n")
    }

    @Test func serializesAnHTTP11RequestWithBracketedIPv6AndDefaultPortLeftOut() throws {
        let v6 = try HTTPRequest(path: "/index/index.json", host: "::1", port: 443, defaultPort: 443, version: .http11)
        #expect(String(decoding: v6.serialized(), as: UTF8.self) == "GET /index/index.json HTTP/1.1\r\nHost: [::1]\r\nConnection: close\r\n\r\n")
        let other = try HTTPRequest(path: "/", host: "collector.example", port: 8443, defaultPort: 443, version: .http11)
        #expect(other.hostHeader == "collector.example:8443")
    }

    /// The old `DirectoryClient.query(path:)` wrote any path into the request line, so this path
    /// sent a second header line; now it is refused before any byte is formatted.
    @Test(arguments: [
        "/tor/keys/all\r\nX-Injected: 1", "/tor/keys/all\nX: y", "/tor/\0keys", "/tor/keys/all HTTP/1.1", "tor/keys/all",
        "", "/tor/%zz", "/tor/%4", "/tor/keys/\u{7F}", "/tor/ключ", "/tor/keys#fragment", "/tor/\"keys\"",
    ])
    func refusesPathsThatAreNotRequestTargets(_ path: String) {
        #expect(throws: HTTPFailure.self) { try HTTPRequest(path: path, host: "127.0.0.1", port: 80) }
        #expect(throws: HTTPFailure.self) { try HTTPRequest.validate(path: path) }
    }

    @Test func acceptsTorAndCollecTorPaths() throws {
        for path in ["/tor/server/all", "/tor/micro/d/abc-def+ghi/jkl", "/tor/status-vote/current/consensus-microdesc/0232+14C1.z",
                     "/recent/relay-descriptors/server-descriptors/2017-07-17-17-20-00-server-descriptors", "/a%20b?x=1&y=2;z=@:~!$'()*,"] {
            try HTTPRequest.validate(path: path)
        }
    }

    @Test func refusesBadHeadersAndHosts() {
        #expect(throws: HTTPFailure.self) { try HTTPRequest(path: "/", host: "127.0.0.1", headers: [("X-A", "1\r\nX-B: 2")]) }
        #expect(throws: HTTPFailure.self) { try HTTPRequest(path: "/", host: "127.0.0.1", headers: [("X A", "1")]) }
        #expect(throws: HTTPFailure.self) { try HTTPRequest(path: "/", host: "127.0.0.1", headers: [("", "1")]) }
        #expect(throws: HTTPFailure.self) { try HTTPRequest(path: "/", host: "evil\r\nX: y") }
        #expect(throws: HTTPFailure.self) { try HTTPRequest(path: "/", host: "") }
    }
}
