import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorDescriptors

/// `tordesc policy`: parse an exit policy, show its summary, and answer exit probes.
struct Policy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Evaluate an exit policy against address:port probes.",
        discussion: """
            RULES is a full policy as in server descriptors ("accept *:80, reject *:*"; rules are
            separated by commas) or a micro policy as in consensus p lines ("accept 80,443").
            A probe is ADDRESS:PORT ([IPv6]:PORT for IPv6); '*' for the address or the port asks
            whether any address or port could be allowed. Each probe prints 'accept' or 'reject'.

            Examples:
              tordesc policy "accept *:80, accept *:443, reject *:*" 1.2.3.4:443 '[::1]:80' '*:22'
              tordesc policy "reject 1-1024" :25 :8080
            """
    )

    @Flag(help: "Strict matching: a probe with an unknown address or port is allowed only if every address or port is.")
    var strict = false

    @Argument(help: "The policy.")
    var rules: String

    @Argument(help: "ADDRESS:PORT probes.")
    var probes: [String] = []

    func run() throws {
        let evaluator: (IPAddress?, Int?) -> Bool
        do {
            let policy = try ExitPolicy(rules)
            print("policy:  \(policy)")
            print("summary: \(policy.summary)")
            print("ipv6 summary: \(policy.ipv6Summary)")
            print("exiting allowed: \(policy.isExitingAllowed ? "yes" : "no")")
            evaluator = { address, port in
                address.map { policy.canExit(to: $0, port: port, strict: strict) } ?? policy.canExit(port: port, strict: strict)
            }
        } catch let fullError {
            guard let micro = try? MicroExitPolicy(rules) else {
                throw ValidationError("not an exit policy: \(fullError)")
            }
            print("micro policy: \(micro)")
            print("exiting allowed: \(micro.isExitingAllowed ? "yes" : "no")")
            evaluator = { _, port in micro.canExit(port: port, strict: strict) }
        }
        for probe in probes {
            let (address, port) = try Self.parseProbe(probe)
            print("\(probe)\t\(evaluator(address, port) ? "accept" : "reject")")
        }
    }

    /// `1.2.3.4:443`, `[2001:db8::1]:80`, `*:22`, `:22`, `1.2.3.4:*`.
    static func parseProbe(_ text: String) throws -> (IPAddress?, Int?) {
        guard let colon = text.lastIndex(of: ":") else { throw ValidationError("probe '\(text)' is not ADDRESS:PORT") }
        let addressText = text[..<colon]
        let portText = text[text.index(after: colon)...]
        var address: IPAddress? = nil
        if !(addressText.isEmpty || addressText == "*") {
            guard let parsed = IPAddress(addressText) else { throw ValidationError("probe '\(text)': bad address") }
            address = parsed
        }
        var port: Int? = nil
        if portText != "*" {
            guard let parsed = Int(portText), (1...65535).contains(parsed) else { throw ValidationError("probe '\(text)': bad port") }
            port = parsed
        }
        return (address, port)
    }
}
