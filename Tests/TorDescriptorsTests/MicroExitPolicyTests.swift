import Testing
@testable import TorDescriptors

/// Stem's MicroExitPolicy cases (test/unit/exit_policy/policy.py, Stem 1.8.2) as our own tests.
/// Deliberate differences: a range with its lower bound above its upper bound is refused (tor's
/// parse_short_policy refuses it; Stem accepts `accept 1024-1`), `description` is the canonical
/// form (Stem returns the input text), and ``MicroExitPolicy/isExitingAllowed`` is false when
/// the rejected ranges cover every port (Stem only looks for a single `1-65535`).
struct MicroExitPolicyTests {
    @Test func syntax() throws {
        let cases: [(String, Bool)] = [
            ("accept 80", true), ("accept 80,443", true), ("", false), ("accept", false), ("accept ", false),
            ("accept\t80,443", false), ("accept 80, 443", false), ("accept 80,\t443", false), ("80,443", false),
            ("accept 80,-443", false), ("accept 80,+443", false), ("accept 80,66666", false), ("reject 80,foo", false),
            ("bar 80,443", false), ("accept 0", false), ("accept 080", false), ("accept 80,", false), ("accept 1024-1", false),
            ("accept 80 ", false), ("accept6 80", false), ("reject 1-65535", true),
        ]
        for (text, valid) in cases {
            if valid {
                #expect(try MicroExitPolicy(text).description == text)
            } else {
                #expect(throws: ExitPolicyError.self, "\(text)") { try MicroExitPolicy(text) }
            }
        }
        #expect(throws: ExitPolicyError(text: "accept 80, 443", reason: .invalidPort(" 443"))) { try MicroExitPolicy("accept 80, 443") }
        #expect(throws: ExitPolicyError(text: "bar 80,443", reason: .missingAction)) { try MicroExitPolicy("bar 80,443") }
        #expect(throws: ExitPolicyError(text: "accept\t80,443", reason: .missingSeparator)) { try MicroExitPolicy("accept\t80,443") }
        #expect(throws: ExitPolicyError(text: "accept 1024-1", reason: .invalidPortRange("1024-1"))) { try MicroExitPolicy("accept 1024-1") }
    }

    @Test func attributes() throws {
        #expect(try MicroExitPolicy("accept 443").isAccept)
        #expect(try MicroExitPolicy("accept 80,443").ports == [80...80, 443...443])
        #expect(try !MicroExitPolicy("reject 1-1024").isAccept)
        #expect(try MicroExitPolicy("accept      80,443").description == "accept 80,443")
    }

    @Test func canExit() throws {
        let tables: [(String, [(Int, Bool)])] = [
            ("accept 443", [(442, false), (443, true), (444, false)]),
            ("reject 443", [(442, true), (443, false), (444, true)]),
            ("accept 80,443", [(80, true), (443, true), (10, false)]),
            ("reject 1-1024", [(1, false), (1024, false), (1025, true)]),
        ]
        for (text, rows) in tables {
            let policy = try MicroExitPolicy(text)
            for (port, expected) in rows { #expect(policy.canExit(port: port) == expected, "\(text) \(port)") }
        }
        // Unknown port, checked against Stem 1.8.2's can_exit_to(port=None, strict=...).
        #expect(try MicroExitPolicy("accept 80,443").canExit(port: nil))
        #expect(try !MicroExitPolicy("accept 80,443").canExit(port: nil, strict: true))
        #expect(try MicroExitPolicy("accept 1-65535").canExit(port: nil, strict: true))
        #expect(try !MicroExitPolicy("reject 80").canExit(port: nil, strict: true))
        #expect(try MicroExitPolicy("reject 80").canExit(port: nil))
        #expect(try !MicroExitPolicy("reject 1-65535").canExit(port: nil))
        #expect(try !MicroExitPolicy("accept 80").canExit(port: 70000))
    }

    @Test func exitingAllowed() throws {
        #expect(try MicroExitPolicy("accept 80").isExitingAllowed)
        #expect(try MicroExitPolicy("reject 80").isExitingAllowed)
        #expect(try !MicroExitPolicy("reject 1-65535").isExitingAllowed)
        // Stem says true here; every port is rejected, so no exit is possible.
        #expect(try !MicroExitPolicy("reject 1-79,80-65535").isExitingAllowed)
    }
}
