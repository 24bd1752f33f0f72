import Testing
@testable import TorDescriptors

/// Edge cases of Stem's test/unit/exit_policy/rule.py (Stem 1.8.2), written as our own tests.
/// Where our `description` differs from Stem's `str()` it is because we write tor's canonical
/// form (policy_write_item in tor's policies.c): compressed lower-case IPv6, `*4`/`*6` for the
/// per-family wildcards, and the `6` of `accept6`/`reject6` kept.
struct ExitPolicyRuleTests {
    static func ip(_ text: String) -> IPAddress { IPAddress(text)! }

    @Test func actions() throws {
        #expect(try ExitPolicyRule("accept *:*").isAccept)
        #expect(try !ExitPolicyRule("reject *:*").isAccept)
        let invalid = ["accept", "reject", "accept\t*:*", "accept\n*:*", "acceptt *:*", "rejectt *:*",
                       "blarg *:*", " *:*", "*:*", ""]
        for text in invalid {
            #expect(throws: ExitPolicyError.self, "\(text)") { try ExitPolicyRule(text) }
        }
        #expect(throws: ExitPolicyError(text: "accept\t*:*", reason: .missingSeparator)) { try ExitPolicyRule("accept\t*:*") }
        #expect(throws: ExitPolicyError(text: "blarg *:*", reason: .missingAction)) { try ExitPolicyRule("blarg *:*") }
    }

    @Test func multipleSpaces() throws {
        #expect(try ExitPolicyRule("accept    *:80").description == "accept *:80")
        #expect(try MicroExitPolicy("accept      80,443").canExit(port: 80))
    }

    @Test func descriptionUnchanged() throws {
        for text in ["accept *:*", "reject *:*", "accept *:80", "accept *:80-443", "accept 127.0.0.1:80",
                     "accept 87.0.0.1/24:80", "accept 156.5.38.3/255.255.0.255:80", "accept 0.0.0.0:0",
                     "accept [ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:80",
                     "accept [ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]/32:80", "accept6 [2001:db8::]/32:443",
                     "accept *4:*", "accept *6:*", "accept6 *:*", "accept6 *4:*", "reject *:0-65535"] {
            let rule = try ExitPolicyRule(text)
            #expect(rule.description == text)
            #expect(try ExitPolicyRule(rule.description) == rule)
        }
    }

    /// Stem's expected strings are in the comments; ours follow tor.
    @Test func descriptionNormalised() throws {
        let cases: [(String, String)] = [
            ("accept 10.0.0.1/32:80", "accept 10.0.0.1:80"),
            ("accept 192.168.0.1/255.255.255.0:80", "accept 192.168.0.1/24:80"),
            ("accept [::]/32:*", "accept [::]/32:*"),                       // Stem: [0000:…:0000]/32
            ("accept [::]/128:*", "accept [::]:*"),                         // Stem: [0000:…:0000]
            ("accept6 *:*", "accept6 *:*"),                                 // Stem: accept [0000:…]/0:*
            ("reject6 *:*", "reject6 *:*"),
            ("accept6 [FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF]:*", "accept6 [ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:*"),
            ("accept *4:*", "accept *4:*"),                                 // Stem: accept 0.0.0.0/0:*
            ("accept 0.0.0.0/0:*", "accept *4:*"),
            ("accept 0.0.0.0/0.0.0.0:*", "accept *4:*"),
            ("accept *6:*", "accept *6:*"),
            ("accept [::]/0:*", "accept *6:*"),
            ("accept6 *6:*", "accept6 *:*"),
            ("accept6 [0::0]/0:*", "accept6 *:*"),
            ("accept [2001:DB8:0:0:1:0:0:1]/64:80", "accept [2001:db8::1:0:0:1]/64:80"),
            ("accept 1.2.3.4:1-65535", "accept 1.2.3.4:*"),
        ]
        for (input, expected) in cases {
            let rule = try ExitPolicyRule(input)
            #expect(rule.description == expected, "\(input)")
            #expect(try ExitPolicyRule(rule.description) == rule, "\(input) round trip")
        }
    }

    @Test func wildcards() throws {
        let cases: [(String, Bool, Bool)] = [
            ("reject *:*", true, true), ("reject *:80", true, false),
            ("accept 192.168.0.1:*", false, true), ("accept 192.168.0.1:80", false, false),
            ("reject *4:*", false, true), ("reject *6:*", false, true),
            ("reject6 *4:*", false, true), ("reject6 *6:*", false, true),
            ("reject 127.0.0.1/0:*", false, true), ("reject 127.0.0.1/0.0.0.0:*", false, true),
            ("reject 127.0.0.1/16:*", false, true), ("reject 127.0.0.1/32:*", false, true),
            ("reject [0000:0000:0000:0000:0000:0000:0000:0000]/0:80", false, false),
            ("reject [0000:0000:0000:0000:0000:0000:0000:0000]/64:80", false, false),
            ("reject [0000:0000:0000:0000:0000:0000:0000:0000]/128:80", false, false),
            ("reject6 *:*", false, true), ("reject6 *:80", false, false),
            ("reject6 [0000:0000:0000:0000:0000:0000:0000:0000]/128:80", false, false),
            ("accept 192.168.0.1:0-65535", false, true), ("accept 192.168.0.1:1-65535", false, true),
            ("accept 192.168.0.1:2-65535", false, false), ("accept 192.168.0.1:1-65534", false, false),
        ]
        for (text, address, port) in cases {
            let rule = try ExitPolicyRule(text)
            #expect(rule.isAddressWildcard == address, "\(text)")
            #expect(rule.isPortWildcard == port, "\(text)")
        }
        for text in ["reject */16:*", "reject 127.0.0.1/*:*", "reject *:0-*", "reject *:*-15"] {
            #expect(throws: ExitPolicyError.self, "\(text)") { try ExitPolicyRule(text) }
        }
        let any = try ExitPolicyRule("reject *:*")
        #expect(any.address == .any)
        #expect(any.maskBits == nil)
        #expect(any.minPort == 1 && any.maxPort == 65535)
    }

    @Test func ipv4Addresses() throws {
        let cases: [(String, UInt32, UInt32, Int)] = [
            ("0.0.0.0", 0, 0xFFFF_FFFF, 32),
            ("127.0.0.1/32", 0x7F00_0001, 0xFFFF_FFFF, 32),
            ("192.168.0.50/24", 0xC0A8_0032, 0xFFFF_FF00, 24),
            ("255.255.255.255/0", 0xFFFF_FFFF, 0, 0),
        ]
        for (text, address, mask, bits) in cases {
            let rule = try ExitPolicyRule("accept \(text):*")
            #expect(rule.address == .ipv4(address: address, mask: mask), "\(text)")
            #expect(rule.maskBits == bits)
        }
        let odd = try ExitPolicyRule("accept 156.5.38.3/255.255.0.255:80")
        #expect(odd.address == .ipv4(address: 0x9C05_2603, mask: 0xFFFF_00FF))
        #expect(odd.maskBits == nil)
        #expect(odd.matches(Self.ip("156.5.99.3"), port: 80))
        #expect(!odd.matches(Self.ip("156.5.99.4"), port: 80))
        for text in ["256.0.0.0", "-1.0.0.0", "0.0.0", "0.0.0.", "0.0.0.a", "127.0.0.1/-1", "127.0.0.1/33", "1.2.3.001", "1.2.3.4/"] {
            #expect(throws: ExitPolicyError.self, "\(text)") { try ExitPolicyRule("accept \(text):*") }
        }
    }

    @Test func ipv6Addresses() throws {
        let cases: [(String, UInt64, UInt64, Int)] = [
            ("[fe80:0000:0000:0000:0202:b3ff:fe1e:8329]", 0xFE80_0000_0000_0000, 0x0202_B3FF_FE1E_8329, 128),
            ("[FE80::0202:b3ff:fe1e:8329]", 0xFE80_0000_0000_0000, 0x0202_B3FF_FE1E_8329, 128),
            ("[0000:0000:0000:0000:0000:0000:0000:0000]/0", 0, 0, 0),
            ("[::]", 0, 0, 128),
        ]
        for (text, high, low, bits) in cases {
            let rule = try ExitPolicyRule("accept \(text):*")
            #expect(rule.address == .ipv6(high: high, low: low, prefixLength: bits), "\(text)")
        }
        for text in ["fe80::0202:b3ff:fe1e:8329", "[fe80::0202:b3ff:fe1e:8329", "fe80::0202:b3ff:fe1e:8329]",
                     "[fe80::0202:b3ff:fe1e:832g]", "[fe80:::b3ff:fe1e:8329]", "[fe80::b3ff::fe1e:8329]",
                     "[fe80::0202:b3ff:fe1e:8329]/-1", "[fe80::0202:b3ff:fe1e:8329]/129"] {
            #expect(throws: ExitPolicyError.self, "\(text)") { try ExitPolicyRule("accept \(text):*") }
        }
    }

    @Test func ports() throws {
        for (text, low, high) in [("0", 0, 0), ("1", 1, 1), ("80", 80, 80), ("80-443", 80, 443)] {
            let rule = try ExitPolicyRule("accept 127.0.0.1:\(text)")
            #expect(rule.minPort == low && rule.maxPort == high, "\(text)")
        }
        for text in ["65536", "a", "5-3", "5-", "-3", "080", "+80", "80 ", ""] {
            #expect(throws: ExitPolicyError.self, "\(text)") { try ExitPolicyRule("accept 127.0.0.1:\(text)") }
        }
        #expect(throws: ExitPolicyError(text: "accept 127.0.0.1:5-3", reason: .invalidPortRange("5-3"))) {
            try ExitPolicyRule("accept 127.0.0.1:5-3")
        }
    }

    /// Stem's is_match truth tables: (address, port, strict) → matches.
    @Test func matchTables() throws {
        typealias Row = (String?, Int?, Bool, Bool)
        let tables: [(String, [Row])] = [
            ("reject *:*", [("192.168.0.1", 80, false, true), ("0.0.0.0", 80, false, true), ("255.255.255.255", 80, false, true),
                            ("FE80:0000:0000:0000:0202:B3FF:FE1E:8329", 80, false, true), ("[FE80:0000:0000:0000:0202:B3FF:FE1E:8329]", 80, false, true),
                            ("192.168.0.1", nil, false, true), (nil, 80, false, true), (nil, 80, true, true),
                            (nil, nil, false, true), (nil, nil, true, true)]),
            ("reject 255.255.255.255/0:*", [("192.168.0.1", 80, false, true), ("0.0.0.0", 80, false, true),
                                            ("255.255.255.255", 80, false, true), ("FE80:0000:0000:0000:0202:B3FF:FE1E:8329", 80, false, false),
                                            ("[FE80:0000:0000:0000:0202:B3FF:FE1E:8329]", 80, false, false), ("192.168.0.1", nil, false, true),
                                            (nil, 80, false, false), (nil, 80, true, true), (nil, nil, false, false), (nil, nil, true, true)]),
            ("reject *4:*", [("192.168.0.1", 80, false, true), ("FE80:0000:0000:0000:0202:B3FF:FE1E:8329", 80, false, false)]),
            ("reject *6:*", [("192.168.0.1", 80, false, false), ("FE80:0000:0000:0000:0202:B3FF:FE1E:8329", 80, false, true)]),
            ("reject 192.168.0.50:*", [("192.168.0.50", 80, false, true), ("192.168.0.51", 80, false, false), ("192.168.0.49", 80, false, false),
                                       (nil, 80, false, false), (nil, 80, true, true), ("192.168.0.50", nil, false, true)]),
            ("reject 0.0.0.0/24:*", [("0.0.0.0", 80, false, true), ("0.0.0.1", 80, false, true), ("0.0.0.255", 80, false, true),
                                     ("0.0.1.0", 80, false, false), ("0.1.0.0", 80, false, false), ("1.0.0.0", 80, false, false),
                                     (nil, 80, false, false), (nil, 80, true, true), ("0.0.0.0", nil, false, true)]),
            ("reject [FE80:0000:0000:0000:0202:B3FF:FE1E:8329]:*", [
                ("FE80:0000:0000:0000:0202:B3FF:FE1E:8329", 80, false, true), ("fe80:0000:0000:0000:0202:b3ff:fe1e:8329", 80, false, true),
                ("[FE80:0000:0000:0000:0202:B3FF:FE1E:8329]", 80, false, true), ("FE80:0000:0000:0000:0202:B3FF:FE1E:8330", 80, false, false),
                ("FE80:0000:0000:0000:0202:B3FF:FE1E:8328", 80, false, false), (nil, 80, false, false), (nil, 80, true, true),
                ("FE80:0000:0000:0000:0202:B3FF:FE1E:8329", nil, false, true)]),
            ("reject [FE80:0000:0000:0000:0202:B3FF:FE1E:8329]/112:*", [
                ("FE80:0000:0000:0000:0202:B3FF:FE1E:8329", 80, false, true), ("FE80:0000:0000:0000:0202:B3FF:FE1E:0000", 80, false, true),
                ("FE80:0000:0000:0000:0202:B3FF:FE1E:FFFF", 80, false, true), ("FE80:0000:0000:0000:0202:B3FF:FE1F:8329", 80, false, false),
                ("FE81:0000:0000:0000:0202:B3FF:FE1E:8329", 80, false, false), (nil, 80, false, false), (nil, 80, true, true),
                ("FE80:0000:0000:0000:0202:B3FF:FE1E:8329", nil, false, true), ("FE80:0000:0000:0000:0202:B3FF:FE1E:8329", nil, true, true)]),
            ("reject *:80", [("192.168.0.50", 80, false, true), ("192.168.0.50", 81, false, false), ("192.168.0.50", 79, false, false),
                             (nil, 80, false, true), ("192.168.0.50", nil, false, false), ("192.168.0.50", nil, true, true)]),
            ("reject *:80-85", [("192.168.0.50", 79, false, false), ("192.168.0.50", 80, false, true), ("192.168.0.50", 83, false, true),
                                ("192.168.0.50", 85, false, true), ("192.168.0.50", 86, false, false), (nil, 83, false, true),
                                ("192.168.0.50", nil, false, false), ("192.168.0.50", nil, true, true)]),
        ]
        for (text, rows) in tables {
            let rule = try ExitPolicyRule(text)
            for (address, port, strict, expected) in rows {
                #expect(rule.matches(address.map(Self.ip), port: port, strict: strict) == expected, "\(text) \(address ?? "-") \(port ?? -1) \(strict)")
            }
        }
    }

    @Test func missingPort() {
        #expect(throws: ExitPolicyError(text: "accept6 192.168.0.1/0", reason: .missingPort)) { try ExitPolicyRule("accept6 192.168.0.1/0") }
        #expect(throws: ExitPolicyError(text: "reject6 [2a00:1450:4001:081e:0000:0000:0000:200e]", reason: .missingPort)) {
            try ExitPolicyRule("reject6 [2a00:1450:4001:081e:0000:0000:0000:200e]")
        }
    }

    /// accept6/reject6 with an IPv4 pattern never match (tor drops such a rule); `accept6 *`
    /// covers IPv6 only.
    @Test func ipv6OnlyRules() throws {
        let rule = try ExitPolicyRule("accept6 192.168.0.1/0:*")
        #expect(rule.neverMatches)
        #expect(!rule.matches(Self.ip("192.168.0.1"), port: nil))
        #expect(!rule.matches(Self.ip("FE80:0000:0000:0000:0202:B3FF:FE1E:8329"), port: nil))
        #expect(!rule.matches(nil, port: nil))
        #expect(try ExitPolicyRule("accept6 *4:*").neverMatches)
        let wildcard = try ExitPolicyRule("accept6 *:*")
        #expect(wildcard.matches(Self.ip("FE80:0000:0000:0000:0202:B3FF:FE1E:8329"), port: 443))
        #expect(!wildcard.matches(Self.ip("192.168.0.1"), port: 443))
    }

    @Test func parsesFromBytesInPlace() throws {
        let bytes = Array("router x\naccept 1.2.3.0/24:80-81\n".utf8)
        let rule = try ExitPolicyRule(parsing: bytes[9...], range: 9..<(bytes.count - 1))
        #expect(rule == ExitPolicyRule(action: .accept, address: .ipv4(address: 0x0102_0300, mask: 0xFFFF_FF00), minPort: 80, maxPort: 81))
    }
}
