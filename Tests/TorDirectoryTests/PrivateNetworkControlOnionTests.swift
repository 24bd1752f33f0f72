import Foundation
import Testing
import TorDescriptors
@testable import TorNetwork
import TorWire

/// `HSFETCH` through the private network's onion-service tor: its own service's descriptor,
/// fetched from the network's HSDirs, parsed, verified and decrypted; an address no HSDir holds
/// fails with every HSDir's reason.
@Suite(.enabled(if: PrivateNet.isAvailable && PrivateNet.onionAddress != nil, "needs TORDESC_PRIVATE_NET with the onion service (scripts/test-private-network.sh)"), .serialized)
struct PrivateNetworkControlOnionTests {
    @Test func hsFetchGetsTheServicesDescriptorFromAnHSDir() async throws {
        let onion = try OnionAddress(try #require(PrivateNet.onionAddress))
        let relays = Set(try await PrivateNet.client().consensus(flavor: .microdesc).entries.map(\.fingerprint))
        // The service uploads soon after start; until an HSDir holds it, a fetch fails (NOT_FOUND).
        let fetched = try await PrivateNetworkOnionTests.eventually(60) {
            try await PrivateNetworkControlDocumentsTests.session { session in
                try await session.fetchOnionServiceDescriptor(onion.encoded + ".onion", mode: .strict)
            }
        }
        #expect(fetched.hsDir.map { relays.contains($0.fingerprint) } == true, "\(String(describing: fetched.hsDir))")
        #expect(throws: Never.self) { try fetched.descriptor.verify(at: Date(), blindedKey: nil) }
        let decrypted = try fetched.descriptor.decrypt(address: onion)
        #expect(decrypted.inner.introductionPoints.count == 3)
    }

    @Test func anAddressNoHSDirHoldsFailsWithTheirReasons() async throws {
        // A well-formed v3 address (Tor Project's) that this private network has never seen.
        let elsewhere = "2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid"
        do {
            _ = try await PrivateNetworkControlDocumentsTests.session { session in try await session.fetchOnionServiceDescriptor(elsewhere) }
            Issue.record("a descriptor came back for an address the network has never seen")
        } catch ControlSessionError.onionServiceDescriptorUnavailable(let why) {
            #expect(why.contains("NOT_FOUND") || why.contains("QUERY_NO_HSDIR"), "\(why)")
        }
    }
}

/// The order of HS_DESC events, without a tor (control-spec §4.1.25).
@Suite struct OnionFetchProgressTests {
    static let a = "$" + String(repeating: "A", count: 40) + "~one", b = "$" + String(repeating: "B", count: 40) + "~two"

    static func event(_ text: String) throws -> ControlEvent {
        var reader = ControlReplyReader()
        reader.append(Array(text.utf8))
        return try ControlEvent(try #require(try reader.next()))
    }

    @Test func failsOnlyWhenEveryRequestedHSDirFailed() throws {
        var progress = OnionFetchProgress(address: "abc")
        for line in ["650 HS_DESC REQUESTED abc NO_AUTH \(Self.a) id", "650 HS_DESC REQUESTED abc NO_AUTH \(Self.b) id",
                     "650 HS_DESC FAILED other NO_AUTH \(Self.a) id REASON=NOT_FOUND", "650 HS_DESC FAILED abc NO_AUTH \(Self.a) id REASON=NOT_FOUND",
                     "650+HS_DESC_CONTENT abc id \(Self.a)\r\n."] {
            #expect(try progress.take(try Self.event(line + "\r\n" + (line.hasPrefix("650+") ? "650 OK\r\n" : "")), mode: .lenient) == nil)
        }
        let last = try Self.event("650 HS_DESC FAILED abc NO_AUTH \(Self.b) id REASON=QUERY_REJECTED\r\n")
        do {
            _ = try progress.take(last, mode: .lenient)
            Issue.record("the last HSDir failed and the fetch went on")
        } catch {
            guard case .onionServiceDescriptorUnavailable(let why) = error else { Issue.record("got \(error)"); return }
            #expect(why == "one: NOT_FOUND; two: QUERY_REJECTED")
        }
    }

    @Test func aFailureWithoutAnHSDirEndsTheFetch() throws {
        var progress = OnionFetchProgress(address: "abc")
        #expect(throws: ControlSessionError.self) { try progress.take(try Self.event("650 HS_DESC FAILED abc NO_AUTH UNKNOWN REASON=QUERY_NO_HSDIR\r\n"), mode: .lenient) }
    }

    @Test func aDescriptorThatDoesNotParseIsATypedError() throws {
        var progress = OnionFetchProgress(address: "abc")
        #expect(throws: ControlSessionError.self) {
            try progress.take(try Self.event("650+HS_DESC_CONTENT abc id \(Self.a)\r\nnot a descriptor\r\n.\r\n650 OK\r\n"), mode: .lenient)
        }
    }
}
