import Testing
@testable import TorDescriptors

/// Edge cases of Stem's test/unit/exit_policy/policy.py (Stem 1.8.2) plus tor's summary rules.
///
/// Deliberate differences from Stem, each checked below:
/// - `summary` is tor's `policy_summarize` (what consensus `p` lines hold), not Stem's
///   `summary()`: `,` without a space; the shorter of the accept and reject lists; large
///   non-wildcard rejects count (more than two /8s rejects a port); `*4`//0 accepts count.
///   The corpus oracle test shows tor's real `p` lines agree with ours where they differ from Stem.
/// - Port 0 asks about an unknown port (tor's convention); Stem raises ValueError.
/// - `description` keeps every given rule (Stem prints only the effective ones); equality still
///   compares the effective rules, as Stem does.
/// - `isExitingAllowed` ignores IPv4 rules on accept6 lines (tor drops them; Stem counts them).
struct ExitPolicyTests {
    static func ip(_ text: String) -> IPAddress { IPAddress(text)! }

    @Test func example() throws {
        let policy = try ExitPolicy(rules: ["accept *:80", "accept *:443", "reject *:*"])
        #expect(policy.description == "accept *:80, accept *:443, reject *:*")
        #expect(policy.summary == "accept 80,443")      // Stem: "accept 80, 443"
        #expect(policy.canExit(to: Self.ip("75.119.206.243"), port: 80))
        #expect(try MicroExitPolicy("accept 80,443").canExit(port: 80))
    }

    @Test func constructors() throws {
        let expected = ExitPolicy(rules: [try ExitPolicyRule("accept *:80"), try ExitPolicyRule("accept *:443"), try ExitPolicyRule("reject *:*")])
        #expect(try ExitPolicy(rules: ["accept *:80", "accept *:443", "reject *:*"]) == expected)
        #expect(try ExitPolicy("accept *:80, accept *:443, reject *:*") == expected)
        // Rules after the catch-all are dropped from evaluation (and equality), kept in `rules`.
        let truncated = try ExitPolicy("accept *:80, accept *:443, reject *:*, accept *:20-50")
        #expect(truncated == expected)
        #expect(truncated.rules.count == 4 && truncated.effectiveRules.count == 3)
        #expect(truncated.hashValue == expected.hashValue)
        #expect(truncated.description == "accept *:80, accept *:443, reject *:*, accept *:20-50")
        // All-reject (or all-accept) policies ending in a catch-all reduce to the catch-all.
        #expect(try ExitPolicy("reject *:80, reject *:443, reject *:*") == ExitPolicy("reject *:*"))
        #expect(try ExitPolicy("accept *:80, accept 1.2.3.4:*, accept *:*").effectiveRules == [ExitPolicyRule("accept *:*")])
        // Whitespace around rules is ignored, blank entries skipped.
        #expect(try ExitPolicy(rules: ["  accept *:80\n", "\taccept *:443", ""]).description == "accept *:80, accept *:443")
        #expect(try ExitPolicy(rules: ["reject 0.0.0.0/255.255.255.0:*", "accept *:*"]).description == "reject 0.0.0.0/24:*, accept *:*")
        #expect(throws: ExitPolicyError(text: "accept *:8o", reason: .invalidPort("8o"))) { try ExitPolicy("reject *:25, accept *:8o") }
    }

    @Test func canExit() throws {
        let policy = try ExitPolicy("accept *:80, accept *:443, reject *:*")
        for index in 1..<100 {
            let octet = index / 2
            let address = IPAddress("\(octet).\(octet).\(octet).\(octet)")!
            let expected = index == 80 || index == 443
            #expect(policy.canExit(to: address, port: index) == expected)
            #expect(policy.canExit(port: index) == expected)
        }
        #expect(policy.canExit(to: Self.ip("::1"), port: 443))
        #expect(!policy.canExit(port: 70000))
        #expect(!policy.canExit(port: -1))
    }

    @Test func strictness() throws {
        let rejectOne = try ExitPolicy("reject 1.0.0.0/8:80, accept *:*")
        #expect(!rejectOne.canExit(port: 80, strict: true))
        #expect(rejectOne.canExit(port: 80, strict: false))
        let acceptOne = try ExitPolicy("accept 1.0.0.0/8:80, reject *:*")
        #expect(!acceptOne.canExit(port: 80, strict: true))
        #expect(acceptOne.canExit(port: 80, strict: false))
    }

    /// Stem raises ValueError for port 0; tor treats it as "port unknown", and so do we.
    @Test func portZeroIsUnknown() throws {
        let policy = try ExitPolicy("reject 1.2.3.4:*, accept *:80, reject *:*")
        for address in [nil, Self.ip("1.2.3.4"), Self.ip("5.6.7.8")] {
            for strict in [false, true] {
                #expect(policy.canExit(toProbe: address, port: 0, strict: strict) == policy.canExit(toProbe: address, port: nil, strict: strict))
            }
        }
        #expect(policy.canExit(to: Self.ip("5.6.7.8"), port: 0))
        #expect(!policy.canExit(to: Self.ip("1.2.3.4"), port: 0))
    }

    @Test func familySeparation() throws {
        let policy = try ExitPolicy("reject *4:80, accept6 [2001:db8::]/32:22, reject6 *:22, accept *:*")
        #expect(!policy.canExit(to: Self.ip("1.2.3.4"), port: 80))
        #expect(policy.canExit(to: Self.ip("2001:db9::1"), port: 80))
        #expect(policy.canExit(to: Self.ip("2001:db8::5"), port: 22))
        #expect(!policy.canExit(to: Self.ip("2001:db9::5"), port: 22))
        #expect(policy.canExit(to: Self.ip("1.2.3.4"), port: 22))
    }

    @Test func exitingAllowed() throws {
        let cases: [([String], Bool)] = [
            ([], true), (["accept *:*"], true), (["reject *:*"], false), (["accept *:80", "reject *:*"], true),
            (["reject *:80", "accept *:80", "reject *:*"], false), (["reject *:50-90", "accept *:80", "reject *:*"], false),
            (["reject *:2-65535", "accept *:80-65535", "reject *:*"], false),
            (["reject *:2-65535", "accept 127.0.0.0:1", "reject *:*"], true),
            (["reject 127.0.0.1:*", "accept *:80", "reject *:*"], true),
            // Stem says true here (it counts the accept6 rule); tor ignores that rule.
            (["accept6 1.2.3.4:80", "reject *:*"], false),
        ]
        for (rules, expected) in cases {
            let policy = try ExitPolicy(rules: rules)
            #expect(policy.isExitingAllowed == expected, "\(rules)")
            if !expected { #expect(!policy.canExit(port: nil)) }
        }
    }

    /// Tor's summaries; Stem's answer in the comment where it differs.
    @Test func summaries() throws {
        let cases: [(String, String)] = [
            ("accept *:80, accept *:443, reject *:*", "accept 80,443"),
            // Stem: "reject 1-442, 444-1024". Both lists are 14 characters; tor then picks accept.
            ("accept *:443, reject *:1-1024, accept *:*", "accept 443,1025-65535"),
            ("reject *:80-65535, accept *:1-65533, reject *:*", "accept 1-79"),
            // Stem: "accept 1-65535". tor summarizes explicit accepts only, so a policy without a
            // final catch-all reads as if it ended in `reject *:*` (tor always writes one).
            ("", "reject 1-65535"),
            ("reject *:25", "reject 1-65535"),
            ("reject *:*", "reject 1-65535"),
            ("accept *:*", "accept 1-65535"),
            // Stem: "accept 1-65535". A /4 is far more than two /8s, so tor rejects every port.
            ("reject 224.0.0.0/4:*, accept *:*", "reject 1-65535"),
            // Two /8s exactly is still under tor's cutoff; a third tips it.
            ("reject 1.0.0.0/7:80, accept *:*", "accept 1-65535"),
            ("reject 1.0.0.0/7:80, reject 4.0.0.0/8:80, accept *:*", "reject 80"),
            // Private networks are ignored; `*4` and /0 accepts count like `*`.
            ("reject 10.0.0.0/8:*, accept *4:53, accept 0.0.0.0/0:80, accept 1.0.0.0/1:443, reject *:*", "accept 53,80"),
            // IPv6 rules do not enter the IPv4 summary; port 0 is raised to 1 as tor does.
            ("accept6 *:22, accept [::]/0:23, accept *:0-25, reject *:*", "accept 1-25"),
        ]
        for (text, expected) in cases {
            #expect(try ExitPolicy(text).summary == expected, "\(text)")
        }
        let policy = try ExitPolicy("accept6 *:22, reject6 [2001:db8::]/32:443, reject [fc00::]/7:80, accept *:*")
        #expect(policy.ipv6Summary == "accept 1-65535")
        #expect(try ExitPolicy("reject6 [2001::]/15:443, accept *:*").ipv6Summary == "reject 443")
        #expect(try ExitPolicy("accept *:80, accept *:443, reject *:*").microPolicy == MicroExitPolicy("accept 80,443"))
    }

    /// tor caps a summary at 1000 characters, cutting the accept list at a comma.
    @Test func syntheticLongSummaryIsCut() throws {
        // Synthetic: every odd port accepted, so both lists are far above the limit.
        let rules = stride(from: 1, to: 3000, by: 2).map { "accept *:\($0)" } + ["reject *:*"]
        let summary = try ExitPolicy(rules: rules).summary
        #expect(summary.hasPrefix("accept 1,3,5,"))
        #expect(summary.utf8.count <= 999 && summary.utf8.count > 990)
        #expect(!summary.hasSuffix(","))
    }

    @Test func privateAndDefault() throws {
        let plain = try ExitPolicy("reject *:80-65535, accept *:1-65533, reject *:*")
        #expect(!plain.hasPrivate && !plain.hasDefault)
        #expect(plain.strippingPrivate() == plain && plain.strippingDefault() == plain)

        let allDefault = ExitPolicy(rules: ExitPolicy.defaultRules)
        #expect(allDefault.hasDefault)
        #expect(allDefault.strippingDefault() == ExitPolicy(rules: [ExitPolicyRule]()))
        #expect(allDefault.description == "reject *:25, reject *:119, reject *:135-139, reject *:445, reject *:563, reject *:1214, reject *:4661-4666, reject *:6346-6429, reject *:6699, reject *:6881-6999, accept *:*")

        let mixed = ExitPolicy(rules: [try ExitPolicyRule("accept *:80"), try ExitPolicyRule("accept 127.0.0.1:1-65533")] + ExitPolicy.defaultRules)
        #expect(mixed.hasDefault)
        #expect(try mixed.strippingDefault() == ExitPolicy("accept *:80, accept 127.0.0.1:1-65533"))

        let privateNets = "reject 0.0.0.0/8:*, reject 169.254.0.0/16:*, reject 127.0.0.0/8:*, reject 192.168.0.0/16:*, reject 10.0.0.0/8:*, reject 172.16.0.0/12:*"
        let withOwn = try ExitPolicy(privateNets + ", reject 1.2.3.4:*, accept *:80, reject *:*")
        #expect(withOwn.hasPrivate)
        #expect(withOwn.privateRuleIndices == Array(0...6))
        #expect(try withOwn.strippingPrivate() == ExitPolicy("accept *:80, reject *:*"))
        // Only rejects end in the catch-all, so (as in Stem) the policy reduces to `reject *:*`.
        #expect(try !ExitPolicy(privateNets + ", reject 1.2.3.4:*, reject *:*").hasPrivate)
        // Out of order, or with other ports, it is not tor's expansion.
        #expect(try !ExitPolicy("reject 169.254.0.0/16:*, reject 0.0.0.0/8:*, reject 127.0.0.0/8:*, reject 192.168.0.0/16:*, reject 10.0.0.0/8:*, reject 172.16.0.0/12:*, accept *:*").hasPrivate)
        // The rule after the six is the relay's own address only when it is not `*`.
        #expect(try ExitPolicy(privateNets + ", accept *:*").privateRuleIndices == Array(0...5))
    }

    @Test func equalityAndRoundTrip() throws {
        let texts = ["accept *:80, reject *:*", "reject 1.2.3.4/255.0.255.0:1-1024, accept6 [2001:db8::1]/48:443, accept *4:*, reject *6:*",
                     "reject 0.0.0.0/0.0.0.0:*, accept *:*"]
        for text in texts {
            let policy = try ExitPolicy(text)
            let again = try ExitPolicy(policy.description)
            #expect(again == policy && again.rules == policy.rules, "\(text)")
        }
        #expect(try ExitPolicy("accept *:80") != ExitPolicy("accept *:81"))
        #expect(try Set([ExitPolicy("reject *:*"), ExitPolicy("reject *:80, reject *:*")]).count == 1)
    }

    /// canExit runs on flattened rules with merged `*` runs; it must agree with evaluating
    /// ``ExitPolicyRule/matches(_:port:strict:)`` rule by rule (synthetic policies).
    @Test func syntheticCompiledEvaluationAgreesWithRules() throws {
        let policies = [
            "reject *:25, reject *:119-120, reject *:110-130, accept *:80, accept *:443, accept *:8000-9000, reject 1.2.3.0/24:*, accept *:22, reject *:*",
            "accept *:80, accept *:0-65535, reject 5.6.7.8:*",
            "reject 10.0.0.0/8:*, accept *:80, accept *:81, accept 1.2.3.4:*, reject *:1-1000, reject *:900-2000, accept6 [2001:db8::]/32:*, accept *:*",
            "reject 127.0.0.1/255.0.255.0:*, accept *4:53, accept *6:53, reject *:53, accept *:*",
        ]
        let addresses: [IPAddress?] = [nil, Self.ip("1.2.3.4"), Self.ip("1.2.3.99"), Self.ip("5.6.7.8"), Self.ip("10.9.9.9"),
                                       Self.ip("127.5.0.1"), Self.ip("127.5.1.1"), Self.ip("2001:db8::9"), Self.ip("::1")]
        let ports: [Int?] = [nil, 1, 22, 25, 53, 80, 81, 110, 119, 121, 443, 899, 950, 1500, 2001, 8500, 65535]
        for text in policies {
            let policy = try ExitPolicy(text)
            for address in addresses {
                for port in ports {
                    for strict in [false, true] {
                        var expected = true
                        for rule in policy.effectiveRules where rule.matches(address, port: port, strict: strict) {
                            expected = rule.isAccept
                            break
                        }
                        expected = expected && policy.isExitingAllowed
                        #expect(policy.canExit(toProbe: address, port: port, strict: strict) == expected, "\(text) \(String(describing: address)) \(String(describing: port)) \(strict)")
                    }
                }
            }
        }
    }
}

@Suite struct ExitPolicyAddressTests {
    /// `canExit(to:port:)` took an optional address, and the README fed it the failable
    /// `IPAddress("…")`: a mistyped address became `nil`, which meant "some address", so a
    /// policy rejecting the intended address answered yes. The address is now required (that
    /// call no longer compiles) and "any address" is its own call.
    @Test func mistypedAddressCannotMeanAnyAddress() throws {
        let policy = try ExitPolicy("reject 1.2.3.4:*, accept *:*")
        #expect(IPAddress("1.2.3.4.5") == nil)
        let intended = try #require(IPAddress("1.2.3.4"))
        #expect(!policy.canExit(to: intended, port: 80))
        #expect(policy.canExit(port: 80), "some address on port 80 is allowed")
        #expect(!policy.canExit(port: 80, strict: true), "not every address on port 80 is")
        #expect(policy.canExit(to: try #require(IPAddress("5.6.7.8")), port: 80))
    }
}

extension ExitPolicy {
    /// The probe tables mix known and unknown (`nil`) addresses; the library asks the two
    /// questions with two calls, so that a failed `IPAddress("…")` cannot mean "any address".
    func canExit(toProbe address: IPAddress?, port: Int?, strict: Bool = false) -> Bool {
        address.map { canExit(to: $0, port: port, strict: strict) } ?? canExit(port: port, strict: strict)
    }
}
