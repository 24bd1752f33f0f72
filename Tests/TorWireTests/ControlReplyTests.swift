import Foundation
import Testing
import TestSupport
@testable import TorWire

/// The ControlPort reply reader and commands on synthetic replies written after control-spec's
/// grammar and examples (§2.3, §3.21, §3.24).
@Suite struct ControlReplyTests {
    static func replies(_ text: String, chunk: Int = .max) throws -> [ControlReply] {
        var reader = ControlReplyReader()
        var replies: [ControlReply] = []
        let bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + chunk)
            reader.append(bytes[start..<end])
            while let reply = try reader.next() { replies.append(reply) }
            start = end
        }
        return replies
    }

    @Test func midDataAndEndLinesInAnyChunking() throws {
        let text = "250-version=0.4.9.11\r\n250+ns/all=\r\nr a b\r\n..leading dot\r\n\r\n.\r\n250 OK\r\n650 BW 10 20\r\n"
        for chunk in [1, 2, 7, .max] {
            let replies = try Self.replies(text, chunk: chunk)
            #expect(replies.count == 2)
            let pairs = replies[0].keyValues()
            #expect(pairs.map(\.key) == ["version", "ns/all"])
            #expect(pairs[0].value == Array("0.4.9.11".utf8))
            // CR LF becomes LF; ".." at a line start is one "."; an empty data line is kept.
            #expect(pairs[1].value == Array("r a b\n.leading dot\n\n".utf8))
            #expect(replies[0].isSuccess && replies[0].message == "OK")
            #expect(replies[1].isEvent && replies[1].message == "BW 10 20")
        }
    }

    /// A real reply: tor 0.4.9's answer to `GETINFO hs/service/desc/id/...` on the private
    /// network (Tests/TorWireTests/Fixtures/control-getinfo-hs-desc.txt, captured as sent).
    @Test func realGetInfoReplyWithADocument() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/control-getinfo-hs-desc.txt")
        let bytes = try Array(Data(contentsOf: url))
        var reader = ControlReplyReader()
        reader.append(bytes)
        let authenticate = try #require(try reader.next())
        #expect(authenticate.isSuccess && authenticate.lines.count == 1)
        let reply = try #require(try reader.next())
        let pair = try #require(reply.keyValues().first)
        #expect(pair.key.hasPrefix("hs/service/desc/id/"))
        let document = String(decoding: pair.value, as: UTF8.self)
        // CR LF became LF, the document ends with its signature line.
        #expect(document.hasPrefix("hs-descriptor 3\n") && document.hasSuffix("\n") && !document.contains("\r"))
        #expect(document.split(separator: "\n").last?.hasPrefix("signature ") == true)
        #expect(reply.message == "OK")
        let quit = try #require(try reader.next())
        #expect(quit.message == "closing connection")
        #expect(try reader.next() == nil)
        // The same bytes through the fuzz entry point, in 5-byte chunks.
        LinkFuzzEntryPoints.controlReply([4] + bytes)
    }

    @Test func malformedRepliesAreTypedErrors() {
        #expect(throws: ControlProtocolError.malformedLine(line: 1, "status code is not three digits")) { try Self.replies("25x OK\r\n") }
        #expect(throws: ControlProtocolError.malformedLine(line: 1, "separator is not ' ', '-' or '+'")) { try Self.replies("250*OK\r\n") }
        #expect(throws: ControlProtocolError.mixedStatus(line: 2, expected: 250, found: 251)) { try Self.replies("250-a=1\r\n251 OK\r\n") }
        #expect(throws: ControlProtocolError.malformedLine(line: 1, "shorter than a status code and separator")) { try Self.replies("250\r\n") }
        var small = ControlReplyReader(maxLineBytes: 16, maxReplyBytes: 40)
        small.append(Array("250-\(String(repeating: "x", count: 20))\r\n".utf8))
        #expect(throws: ControlProtocolError.limitExceeded(line: 1, what: "line", limit: 16)) { try small.next() }
        var capped = ControlReplyReader(maxLineBytes: 16, maxReplyBytes: 40)
        capped.append(Array("250+a=\r\nxxxxxxxxxx\r\nxxxxxxxxxx\r\nxxxxxxxxxx\r\n".utf8))
        #expect(throws: ControlProtocolError.limitExceeded(line: 4, what: "reply", limit: 40)) { try capped.next() }
        // An unterminated line with no newline over the line limit stops without waiting forever.
        var endless = ControlReplyReader(maxLineBytes: 16, maxReplyBytes: 40)
        endless.append([UInt8](repeating: 0x41, count: 17))
        #expect(throws: ControlProtocolError.self) { try endless.next() }
    }

    @Test func protocolInfoAndQuotedStrings() throws {
        let text = "250-PROTOCOLINFO 1\r\n250-AUTH METHODS=COOKIE,SAFECOOKIE COOKIEFILE=\"/var/run/tor/a \\\"b\\\\c\"\r\n250-VERSION Tor=\"0.4.9.11\"\r\n250 OK\r\n"
        let info = try ControlProtocolInfo(try #require(Self.replies(text).first))
        #expect(info.methods == ["COOKIE", "SAFECOOKIE"])
        #expect(info.cookieFile == "/var/run/tor/a \"b\\c")
        #expect(info.torVersion == "0.4.9.11")
        #expect(ControlCommand.quoted("a\"b\\c") == "\"a\\\"b\\\\c\"")
        #expect(try ControlCommand.authenticate(.password("p w")).bytes == Array("AUTHENTICATE \"p w\"\r\n".utf8))
        #expect(try ControlCommand.authenticate(.bytes([0xAB, 0x01])).bytes == Array("AUTHENTICATE AB01\r\n".utf8))
    }

    /// SAFECOOKIE both ways: a server hash computed as control-spec §3.24 says is accepted and
    /// yields the controller's hash; a tampered one is refused. The expected HMACs come from
    /// `openssl dgst -mac HMAC` with the spec's constants, not from the code under test.
    @Test(.enabled(if: ExternalTool.available("openssl"), "needs openssl as the HMAC-SHA256 oracle"))
    func safeCookieChecksTheServerHashFirst() throws {
        let cookie = [UInt8](repeating: 0x11, count: 32), clientNonce = [UInt8](repeating: 0x22, count: 32)
        let serverNonce = [UInt8](repeating: 0x33, count: 32)
        let message = cookie + clientNonce + serverNonce
        let serverHash = try Self.opensslHMAC(key: "Tor safe cookie authentication server-to-controller hash", message)
        let controllerHash = try Self.opensslHMAC(key: "Tor safe cookie authentication controller-to-server hash", message)
        let reply = "250 AUTHCHALLENGE SERVERHASH=\(ControlCommand.hex(serverHash)) SERVERNONCE=\(ControlCommand.hex(serverNonce))\r\n"
        let exchange = SafeCookieExchange(cookie: cookie, clientNonce: clientNonce)
        let answer = try exchange.clientHash(answering: try #require(Self.replies(reply).first))
        #expect(answer == controllerHash && answer.count == 32)
        var tampered = serverHash
        tampered[0] ^= 1
        let bad = "250 AUTHCHALLENGE SERVERHASH=\(ControlCommand.hex(tampered)) SERVERNONCE=\(ControlCommand.hex(serverNonce))\r\n"
        #expect(throws: ControlProtocolError.self) { try exchange.clientHash(answering: try #require(Self.replies(bad).first)) }
    }

    static func opensslHMAC(key: String, _ message: [UInt8]) throws -> [UInt8] {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("hmac-\(UUID().uuidString)")
        try Data(message).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try ExternalTool.require("openssl"))
        process.arguments = ["dgst", "-sha256", "-mac", "HMAC", "-macopt", "key:" + key, "-binary", input.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        return Array(bytes)
    }
}
