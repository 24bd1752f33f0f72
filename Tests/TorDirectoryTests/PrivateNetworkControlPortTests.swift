import Foundation
import Testing
import TorDescriptors
@testable import TorDirectory
import TorNetwork
import TorWire

/// The ControlPort session against the private network's onion-service tor (real tor 0.4.9,
/// cookie authentication: it offers COOKIE and SAFECOOKIE).
@Suite(.enabled(if: PrivateNet.isAvailable, "needs TORDESC_PRIVATE_NET (scripts/test-private-network.sh)"), .serialized)
struct PrivateNetworkControlPortTests {
    /// The ControlPort the network script gave the onion-service tor, from its torrc.
    static func controlPort() throws -> Int {
        let torrc = try String(contentsOf: PrivateNet.directory!.appendingPathComponent("onion/torrc"), encoding: .utf8)
        let line = try #require(torrc.split(separator: "\n").first { $0.hasPrefix("ControlPort ") })
        return try #require(Int(line.split(separator: ":").last!))
    }

    static let limits = ConnectionLimits(connectTimeout: .seconds(5), deadline: nil, idleTimeout: .seconds(60))

    @Test func safeCookieThenGetInfoReadsTheConsensusAndMicrodescriptors() async throws {
        let port = try Self.controlPort()
        let (info, version, consensusBytes, microdescBytes) = try await ControlSession.withSession(host: "127.0.0.1", port: port, limits: Self.limits) { session in
            (session.protocolInfo, try await session.getInfo("version"),
             try await session.getInfo("dir/status-vote/current/consensus-microdesc"), try await session.getInfo("md/all"))
        }
        #expect(info?.methods.contains("SAFECOOKIE") == true && info?.methods.contains("COOKIE") == true)
        #expect(info?.cookieFile?.hasSuffix("control_auth_cookie") == true)
        #expect(info?.torVersion?.hasPrefix("0.4.") == true)
        #expect(String(decoding: version, as: UTF8.self).hasPrefix(info?.torVersion ?? "?"))
        // A client tor holds the microdesc consensus (the ns one only with
        // FetchUselessDescriptors): the network's, with its six routers.
        let consensus = try NetworkStatusConsensus(parsing: consensusBytes[...], mode: .strict)
        #expect(consensus.header.flavor == .microdesc && consensus.entries.count == 6)
        let fromDirPort = try await PrivateNet.client().consensus(flavor: .microdesc)
        #expect(Set(consensus.entries.map(\.fingerprint)) == Set(fromDirPort.entries.map(\.fingerprint)))
        let microdescriptors = try Microdescriptor.parseAll(microdescBytes[...], mode: .strict).map { try $0.get() }
        #expect(microdescriptors.count >= 6)
    }

    @Test func aWrongCookieIsRefusedBeforeAnythingIsSent() async throws {
        let port = try Self.controlPort()
        do {
            _ = try await ControlSession.withSession(host: "127.0.0.1", port: port, authentication: .cookie([UInt8](repeating: 7, count: 32)),
                                                     limits: Self.limits) { session in try await session.getInfo("version") }
            Issue.record("a wrong cookie authenticated")
        } catch let error as ControlSessionError {
            // SAFECOOKIE: tor's SERVERHASH cannot match a cookie tor did not write.
            guard case .authenticationFailed(let why) = error else { Issue.record("got \(error)"); return }
            #expect(why.contains("SERVERHASH"), "\(why)")
        }
    }

    /// Every method the tor offers, each forced: SAFECOOKIE (automatic), plain COOKIE with the
    /// same cookie, and HASHEDPASSWORD; each then reads the same router status entries. A wrong
    /// password is tor's 515, named as an authentication failure.
    @Test func everyOfferedMethodAuthenticatesAndAWrongPasswordIsClear() async throws {
        let port = try Self.controlPort()
        let directory = try #require(PrivateNet.directory)
        let cookie = Array(try Data(contentsOf: directory.appendingPathComponent("onion/control_auth_cookie")))
        let password = try String(contentsOf: directory.appendingPathComponent("control-password"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        var fingerprints: [Set<Fingerprint>] = []
        for authentication in [ControlAuthentication.automatic(password: nil), .plainCookie(cookie), .password(password)] {
            let (methods, entries) = try await ControlSession.withSession(host: "127.0.0.1", port: port, authentication: authentication,
                                                                          limits: Self.limits) { session in
                (session.protocolInfo?.methods ?? [], try await session.routerStatusEntries())
            }
            #expect(Set(methods).isSuperset(of: ["COOKIE", "SAFECOOKIE", "HASHEDPASSWORD"]), "\(methods)")
            fingerprints.append(Set(entries.map(\.fingerprint)))
        }
        #expect(fingerprints.allSatisfy { $0.count == 6 }, "\(fingerprints.map(\.count))")
        do {
            _ = try await ControlSession.withSession(host: "127.0.0.1", port: port, authentication: .password(password + "-wrong"),
                                                     limits: Self.limits) { session in try await session.getInfo("version") }
            Issue.record("a wrong password authenticated")
        } catch let error as ControlSessionError {
            guard case .authenticationFailed(let why) = error else { Issue.record("got \(error)"); return }
            #expect(why.hasPrefix("515"), "\(why)")
        }
    }

    @Test func commandsCannotSmuggleASecondLine() {
        #expect(throws: ControlCommandError.self) { try ControlCommand.getInfo(["version\r\nSIGNAL HALT"]) }
        #expect(throws: ControlCommandError.self) { try ControlCommand("GETINFO", ["a\nb"]) }
        #expect(throws: ControlCommandError.self) { try ControlCommand.hsFetch("abc def") }
    }

    @Test func newConsensusEventArrivesAfterSetEvents() async throws {
        let port = try Self.controlPort()
        // The network votes every 10 s, so a NEWCONSENSUS event comes within a voting round or two.
        let event = try await ControlSession.withSession(host: "127.0.0.1", port: port, limits: Self.limits) { session in
            _ = try await session.expectSuccess(try ControlCommand.setEvents(["NEWCONSENSUS"]))
            return try await session.nextEvent()
        }
        #expect(event.status == 650)
        let data = try #require(event.lines.first?.data)
        #expect(event.lines.first?.text == "NEWCONSENSUS")
        // The event's data is the consensus's router status entries.
        #expect(String(decoding: data, as: UTF8.self).split(separator: "\n").filter { $0.hasPrefix("r ") }.count == 6)
    }
}
