import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorArchives
import TorDescriptors

/// `tordesc exonerate ADDRESS --at TIME PATHS...`: was ADDRESS a Tor relay, or an exit, around
/// TIME? ExoneraTor's question, answered offline from consensuses and exit lists (files,
/// directories or CollecTor archives).
struct Exonerate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exonerate",
        abstract: "Was an IP address a Tor relay or exit around a time? (consensuses and exit lists)",
        discussion: """
            Reads every consensus and exit list under PATHS (files, directories, CollecTor \
            archives) and lists each consensus valid within --window-hours of --at that names \
            ADDRESS as a relay's OR address (r or a line), and each exit-list observation of a \
            relay exiting from ADDRESS in that window. A relay counts as an exit when it has the \
            Exit flag or its policy summary allows some port, and not BadExit.
            Exit codes, as grep's: 0 when ADDRESS was a relay in the window, 1 when not (or \
            when no consensus covers the window: the answer is then unknown, and says so), 2 \
            for usage errors.
            """)

    @Argument(help: "The IPv4 or IPv6 address.") var address: String
    @Option(help: "The moment, 'YYYY-MM-DD HH:MM:SS' (UTC) or 'YYYY-MM-DD' (noon).") var at: String
    @Option(help: "Hours either side of --at to look at.") var windowHours: Int = 24
    @Flag(help: "One JSON object per match.") var json = false
    @Argument(help: "Consensuses and exit lists: files, directories or archives.") var paths: [String]

    func validate() throws {
        guard IPAddress(address) != nil else { throw ValidationError("'\(address)' is not an IPv4 or IPv6 address") }
        guard moment != nil else { throw ValidationError("--at '\(at)' is not 'YYYY-MM-DD HH:MM:SS' or 'YYYY-MM-DD'") }
        guard (0...24 * 31).contains(windowHours) else { throw ValidationError("--window-hours must be between 0 and 744") }
    }

    var moment: TorTimestamp? {
        at.utf8.count == 10 ? TorTimestamp(parsing: at + " 12:00:00") : TorTimestamp(parsing: at)
    }

    func run() throws {
        try InputFiles.validate(paths)
        let target = IPAddress(address)!
        let window = RelayAddressLookup.window(around: moment!, hours: windowHours)
        var relays: [RelayAddressMatch] = []
        var observations: [ExitAddressObservation] = []
        var consensusesInWindow = 0, failures = 0
        for item in DescriptorReader(paths: paths, options: DescriptorReaderOptions()) {
            switch item.result {
            case .success(.consensus(let consensus)):
                guard let validAfter = consensus.header.validAfter, window.contains(validAfter) else { continue }
                consensusesInWindow += 1
                relays += RelayAddressLookup.matches(of: target, in: consensus)
            case .success(.exitList(let list)):
                observations += RelayAddressLookup.matches(of: target, in: list, within: window)
            case .success: continue
            case .failure(.unknownType): continue
            case .failure(let error):
                failures += 1
                warn("\(item.source): \(error)")
            }
        }
        relays.sort { ($0.validAfter, $0.fingerprint.hex) < ($1.validAfter, $1.fingerprint.hex) }
        observations.sort { ($0.seen, $0.fingerprint.hex) < ($1.seen, $1.fingerprint.hex) }
        var output = BufferedOutput()
        if json {
            for hit in relays {
                output.write(JSONValue.object([
                    ("valid_after", .string(hit.validAfter.description)), ("fingerprint", .string(hit.fingerprint.hex)),
                    ("nickname", .string(hit.nickname)), ("address", .string(hit.matchedAddress.description)),
                    ("flags", .array(hit.flags.names.map(JSONValue.string))), ("exit", .bool(hit.isExit)),
                ]).serialized())
            }
            for seen in observations {
                output.write(JSONValue.object([
                    ("exit_list_seen", .string(seen.seen.description)), ("fingerprint", .string(seen.fingerprint.hex)),
                ]).serialized())
            }
        } else {
            let exits = relays.filter(\.isExit).count
            let fingerprints = Set(relays.map(\.fingerprint)).count
            output.write("\(address) within \(windowHours) h of \(moment!): "
                + (consensusesInWindow == 0 ? "no consensus in the window: unknown"
                   : relays.isEmpty ? "not a Tor relay in any of \(consensusesInWindow) consensuses"
                   : "a Tor relay (\(fingerprints) fingerprint(s)) in \(Set(relays.map(\.validAfter)).count) of \(consensusesInWindow) consensuses, an exit in \(exits) listings")
                + (observations.isEmpty ? "" : "; seen exiting from it \(observations.count) time(s) in exit lists"))
            for hit in relays {
                output.write("\(hit.validAfter)  \(hit.fingerprint.hex)  \(hit.nickname)  \(hit.matchedAddress)  "
                    + "\(hit.flags.names.joined(separator: ","))  \(hit.isExit ? "exit" : "not an exit")")
            }
            for seen in observations { output.write("exit list: \(seen.seen)  \(seen.fingerprint.hex)  exited from \(address)") }
        }
        output.flush()
        if failures > 0 { warn("\(failures) document(s) could not be read (see above)") }
        if relays.isEmpty && observations.isEmpty { throw ExitCode.failure }
    }
}
