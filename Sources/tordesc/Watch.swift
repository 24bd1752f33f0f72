import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorDescriptors
import TorNetwork

/// `tordesc watch --control HOST:PORT|PATH`: each new consensus and descriptor a running tor
/// receives, as it arrives (`SETEVENTS NEWCONSENSUS NEWDESC`), until interrupted, `--count`
/// events have been printed, or `--timeout` passes without one.
struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Print each new consensus and server descriptor a running tor receives, as it arrives.",
        discussion: """
            A consensus line gives its valid-after time, relays, exits (Exit flag, not BadExit) and \
            signatures; a descriptor line the relay's nickname, fingerprint, publication time and \
            platform. The consensus's header and signatures are read with GETINFO after each \
            NEWCONSENSUS event, which carries only the entries.
            """)

    @OptionGroup var control: ControlPortOptions

    @Option(name: .customLong("events"), help: ArgumentHelp("Which events: consensus, descriptors, or both (comma-separated).", valueName: "list"))
    var events = "consensus,descriptors"

    @Flag(name: .customLong("json"), help: "One JSON object per event.")
    var json = false

    @Option(name: .customLong("count"), help: "Stop after this many events.")
    var count: Int?

    @Option(name: .customLong("timeout"), help: ArgumentHelp("Give up (exit 1) when no event comes for this many seconds.", valueName: "seconds"))
    var timeout: Int?

    func validate() throws {
        guard control.isSet else { throw ValidationError("watch needs --control HOST:PORT or --control PATH (a running tor's ControlPort or ControlSocket)") }
        _ = try kinds()
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        if let timeout, timeout < 1 { throw ValidationError("--timeout must be at least 1 second") }
    }

    func kinds() throws -> [ControlDirectoryEventKind] {
        var kinds: [ControlDirectoryEventKind] = []
        for name in events.split(separator: ",").map(\.trimmed) {
            switch name {
            case "consensus": kinds.append(.newConsensus)
            case "descriptors": kinds.append(.newDescriptors)
            default: throw ValidationError("--events takes consensus and/or descriptors, not '\(name)'")
            }
        }
        guard !kinds.isEmpty else { throw ValidationError("--events names no event") }
        return kinds
    }

    func run() async throws {
        guard let endpoint = control.endpoint else { return }
        // Events may be an hour apart (one consensus an hour on the real network): the idle limit
        // is --timeout when given, else a day.
        let limits = ConnectionLimits(connectTimeout: .seconds(10), idleTimeout: .seconds(timeout ?? 86_400))
        var printed = 0
        do {
            for try await event in ControlSession.directoryEvents(endpoint: endpoint, authentication: try control.authentication(),
                                                                  kinds: try kinds(), limits: limits) {
                var output = BufferedOutput()
                switch event {
                case .newConsensus(let entries):
                    output.write(try await consensusLine(entries))
                    printed += 1
                case .newDescriptors(let descriptors, let missing):
                    for descriptor in descriptors where count.map({ printed < $0 }) ?? true {
                        output.write(descriptorLine(descriptor))
                        printed += 1
                    }
                    for fingerprint in missing { warn("tor no longer holds the descriptor NEWDESC named for $\(fingerprint.hex)") }
                }
                output.flush()
                if let count, printed >= count { return }
            }
        } catch let error as ControlSessionError {
            throw reportError("\(control.label): \(error)", code: 1)
        }
    }

    /// The consensus tor now holds (ns flavor when it has one): its header and signatures,
    /// with the event's entries counted.
    private func consensusLine(_ entries: [RouterStatusEntry]) async throws -> String {
        let exits = entries.filter { $0.flags.contains(.exit) && !$0.flags.contains(.badExit) }.count
        let consensus = try await control.load(.consensus).consensus
        let validAfter = consensus?.header.validAfter.map { "\($0)" }
        let signatures = consensus?.footer.signatures.count
        if json {
            return JSONValue.object([
                ("event", .string("consensus")),
                ("valid_after", .optional(validAfter) { .string($0) }),
                ("relays", .int(entries.count)),
                ("exits", .int(exits)),
                ("signatures", .optional(signatures) { .int($0) }),
            ]).serialized()
        }
        return "consensus  valid-after \(validAfter ?? "-")  relays \(entries.count)  exits \(exits)  signatures \(signatures.map(String.init) ?? "-")"
    }

    private func descriptorLine(_ descriptor: ServerDescriptor) -> String {
        let fingerprint = descriptor.fingerprint?.hex ?? "-"
        let published = descriptor.published.map { "\($0)" }
        if json {
            return JSONValue.object([
                ("event", .string("descriptor")),
                ("nickname", .string(descriptor.nickname)),
                ("fingerprint", .string(fingerprint)),
                ("published", .optional(published) { .string($0) }),
                ("platform", .optional(descriptor.platformString) { .string($0) }),
            ]).serialized()
        }
        return "descriptor \(descriptor.nickname) \(fingerprint)  published \(published ?? "-")  \(descriptor.platformString ?? "")"
    }
}
