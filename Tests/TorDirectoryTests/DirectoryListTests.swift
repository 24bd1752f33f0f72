import Foundation
import Testing
import TorDescriptors
@testable import TorDirectory

enum DirectoryFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent(relative)))
    }
    static func text(_ relative: String) throws -> String {
        String(decoding: try Data(contentsOf: root.appendingPathComponent(relative)), as: UTF8.self)
    }
}

@Suite struct DirectoryListTests {
    @Test func embeddedListIsTheResourceFile() throws {
        // The generated Swift file must match Resources/directory byte for byte.
        #expect(DirectoryList.bundledAuthorities == (try DirectoryFixtures.text("Resources/directory/authorities.txt")))
        #expect(DirectoryList.bundledFallbacks == (try DirectoryFixtures.text("Resources/directory/fallback-dirs.txt")))
    }

    /// In Swift "\r\n" is one Character, so splitting a String on "\n" never split a CRLF
    /// file: it was one line, starting with a comment, and parsed to an empty list.
    @Test func crlfListParsesLikeTheLFOne() throws {
        let lf = try DirectoryList(parsing: DirectoryList.bundledAuthorities)
        let crlf = try DirectoryList(parsing: DirectoryList.bundledAuthorities.replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(crlf.authorities.count == 10)
        #expect(crlf.authorities == lf.authorities)
        #expect(crlf.source == lf.source)
        let fallbacks = try DirectoryList(parsing: DirectoryList.bundledFallbacks.replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(fallbacks.fallbacks == (try DirectoryList(parsing: DirectoryList.bundledFallbacks)).fallbacks)
        #expect(!fallbacks.fallbacks.isEmpty)
        // Line numbers count CRLF lines as lines.
        #expect(throws: DirectoryListError(line: 2, message: "expected DirAuthority or FallbackDir, found Bogus")) {
            try DirectoryList(parsing: "# comment\r\nBogus 1.2.3.4:80\r\n")
        }
    }

    /// A CR anywhere but before a line's LF is named as the cause, not reported as a bad word.
    @Test func strayCarriageReturnIsNamed() throws {
        let line = "DirAuthority moria1 orport=9201 v3ident=F533C81CEF0BC0267857C99B2F471ADF249FA232 128.31.0.39:9231 9695 DFC3 5FFE B861 329B 9F1A B04C 4639 7020 CE31"
        #expect(try DirectoryList(parsing: line + "\n").authorities.count == 1)
        #expect(throws: DirectoryListError(line: 1, message: "stray carriage return (CR) inside the line")) {
            try DirectoryList(parsing: line.replacingOccurrences(of: " 128.31", with: "\r128.31") + "\n")
        }
    }

    @Test func bundledAuthoritiesFromTor0_4_9_11() throws {
        let list = DirectoryList.tor
        // Values checked against `strings /usr/sbin/tor` of Debian's tor 0.4.9.11.
        #expect(list.authorities.map(\.nickname) == ["moria1", "tor26", "dizum", "Serge", "gabelmoo", "dannenberg",
                                                     "maatuska", "longclaw", "bastet", "faravahar"])
        let moria1 = try #require(list.authorities.first)
        #expect(moria1.address == "128.31.0.39" && moria1.dirPort == 9231 && moria1.orPort == 9201)
        #expect(moria1.fingerprint.hex == "1A25C6358DB91342AA51720A5038B72742732498")
        #expect(moria1.v3Identity?.hex == "F533C81CEF0BC0267857C99B2F471ADF249FA232")
        #expect(moria1.ipv6Address == nil)
        let tor26 = list.authorities[1]
        #expect(tor26.ipv6Address == "2a02:16a8:662:2203::1" && tor26.ipv6ORPort == 443)
        #expect(tor26.fingerprint.hex == "FAA4BCA4A6AC0FB4CA2F8AD5A11D9E122BA894F6")
        let serge = list.authorities[3]
        #expect(serge.isBridgeAuthority && serge.v3Identity == nil)
        // Nine voting authorities; the bridge authority is not a DirPort to ask for consensuses.
        #expect(list.v3Identities.count == 9)
        #expect(list.dirEndpoints.count == 9)
        #expect(list.source?.hasPrefix("tor 0.4.9.11") == true)
    }

    @Test func bundledFallbacksHaveNoDirPort() throws {
        let fallbacks = DirectoryList.tor.fallbacks
        #expect(fallbacks.count == 200)
        let first = try #require(fallbacks.first)
        #expect(first.address == "64.65.62.122" && first.orPort == 443 && first.dirPort == nil)
        #expect(first.fingerprint.hex == "4F067C5C488173987B568CD7245F1CA71DEE996B")
        #expect(fallbacks[2].ipv6Address == "2a03:4000:1d:b7a:782f:17ff:fef0:a708" && fallbacks[2].ipv6ORPort == 9100)
        #expect(fallbacks.allSatisfy { $0.dirEndpoint == nil })
    }

    @Test func syntheticPrivateNetworkListInTorrcSyntax() throws {
        let list = try DirectoryList(parsing: """
            # a private network
            DirAuthority auth0 orport=17000 no-v2 v3ident=A0C16525354094CC25915719264FF0F81312F64F 127.0.0.1:17100 3EB5B1A8893326B928897842487D291BCA7185DF
            DirAuthority orport=17001 v3ident=55D75BE0846670E39EF44BBBE81A5A7A02D5EDC5 ipv6=[::1]:17021 127.0.0.1:17101 1ECE 0ACC CFF5 7E0E 6CCB F0E3 B010 B550 C8B4 6059
            FallbackDir 127.0.0.1:17110 orport=17010 id=C9AB52D515E5E86C6413E49866D3BABAED00ED02 weight=10
            """)
        #expect(list.authorities.count == 2)
        #expect(list.authorities[0].flags == ["no-v2"] && list.authorities[0].nickname == "auth0")
        #expect(list.authorities[1].nickname == "" && list.authorities[1].ipv6Address == "::1")
        #expect(list.authorities[1].fingerprint.hex == "1ECE0ACCCFF57E0E6CCBF0E3B010B550C8B46059")
        #expect(list.dirEndpoints.map(\.port) == [17100, 17101, 17110])
        #expect(throws: DirectoryListError.self) { try DirectoryList(parsing: "DirAuthority x orport=1 127.0.0.1:80 NOTHEX") }
        #expect(throws: DirectoryListError.self) { try DirectoryList(parsing: "Bridge 1.2.3.4:5") }
    }

    @Test func syntheticEndpoints() {
        #expect(DirectoryEndpoint("127.0.0.1:80") == DirectoryEndpoint(host: "127.0.0.1", port: 80))
        #expect(DirectoryEndpoint("[::1]:7000")?.host == "::1")
        #expect(DirectoryEndpoint("[::1]:7000")?.description == "[::1]:7000")
        #expect(DirectoryEndpoint("::1:7000") == nil)
        #expect(DirectoryEndpoint("host") == nil)
        #expect(DirectoryEndpoint("127.0.0.1:0") == nil)
    }
}

/// The two bundled lists must name the same authorities: `DirectoryList.tor` (addresses, for
/// fetching) and `TrustedAuthorities.tor` (v3 identities, the verification trust anchor).
@Test func bundledDirectoryListAndPinnedAuthoritiesAgree() {
    let listed = Set(DirectoryList.tor.v3Identities)
    let pinned = Set(TrustedAuthorities.tor.authorities.map(\.identity))
    #expect(listed == pinned)
    #expect(pinned.count == 9)
}
