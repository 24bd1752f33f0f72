import ArgumentParser
import CollecTor
import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorArchives
import TorDescriptors

/// `tordesc lookup ADDRESS [--at TIME] [PATHS...|--collector]` (alias `exonerate`): was ADDRESS
/// a Tor relay, or an exit, around TIME? ExoneraTor's question, answered from consensuses and
/// exit lists (files, directories, CollecTor archives, CollecTor downloads or the live
/// consensus), through a per-file time index so that repeated questions over a month of
/// consensuses do not parse them again.
///
/// A synchronous command (its network steps block on a task of their own): answered from files,
/// it runs on the main thread as `parse` does, with no async main loop underneath, which also
/// lets callgrind count its instructions (valgrind 3.19 crashes in libdispatch's main-queue
/// park, which async commands use, when the process exits).
struct Lookup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookup",
        abstract: "Was an IP address a Tor relay or exit around a time? (consensuses and exit lists)",
        discussion: """
            Lists each consensus valid within --window-hours of --at that names ADDRESS (IPv4 or \
            IPv6) as a relay's OR address (r or a line), and each exit-list observation of a \
            relay exiting from ADDRESS in that window; then, per fingerprint, its nicknames and \
            when it was first and last seen. A relay counts as an exit when it has the Exit flag \
            or its policy summary allows some port, and not BadExit.

            Sources: PATHS (files, directories, archives); or --collector, which downloads the \
            window's consensuses and exit lists from CollecTor into the cache; or, with neither, \
            the live consensus (fetched and verified as `tordesc fetch consensus` does). Without \
            --at the moment is the live consensus's valid-after.

            The first run over a file writes a small binary index of it under --index (default \
            $XDG_CACHE_HOME/tordesc/lookup or ~/.cache/tordesc/lookup), keyed by the file's \
            path, size and modification time; later runs read only the index's documents in the \
            window, by binary search. A changed file, or a damaged index, is parsed again.

            Exit codes, as grep's: 0 when ADDRESS was a relay (or seen exiting) in the window, \
            1 when not (or when no consensus covers the window: the answer is then unknown, and \
            says so), 2 for usage errors.

            Example:
              tordesc lookup 178.52.17.39 --at "2012-06-18 20:00:00" Resources/corpus/consensus
            """,
        aliases: ["exonerate"])

    @Argument(help: "The IPv4 or IPv6 address.") var address: String
    @Option(help: "The moment, 'YYYY-MM-DD HH:MM:SS' (UTC) or 'YYYY-MM-DD' (noon); default: the live consensus's valid-after.") var at: String?
    @Option(help: "Hours either side of --at to look at.") var windowHours: Int = 24
    @Flag(help: "One JSON object (Resources/schemas/tordesc-lookup.json).") var json = false
    @Option(help: "The index directory.") var index: String?
    @Flag(help: "Parse every input; read and write no index.") var noIndex = false
    @Flag(help: "Download the window's consensuses and exit lists from CollecTor (into the cache) instead of reading PATHS.") var collector = false
    @Option(help: "The CollecTor server for --collector.") var collectorURL: String = CollecTorClient.defaultBaseURL.absoluteString
    @Option(help: "Where --collector keeps its downloads (default: the cache's collector directory).") var collectorDirectory: String?
    @Option(name: .customLong("authorities"), help: "torrc DirAuthority lines of the network whose live consensus gives the default --at.") var authoritiesFile: String?
    @Argument(help: "Consensuses and exit lists: files, directories or archives.") var paths: [String] = []

    func validate() throws {
        guard IPAddress(address) != nil else { throw ValidationError("'\(address)' is not an IPv4 or IPv6 address") }
        if let at, Self.moment(at) == nil { throw ValidationError("--at '\(at)' is not 'YYYY-MM-DD HH:MM:SS' or 'YYYY-MM-DD'") }
        guard (0...24 * 31).contains(windowHours) else { throw ValidationError("--window-hours must be between 0 and 744") }
        if collector && !paths.isEmpty { throw ValidationError("name PATHS or --collector, not both") }
        if noIndex && index != nil { throw ValidationError("--index and --no-index contradict each other") }
        if collector { _ = try collectorClient() }
        try InputFiles.validate(paths)
    }

    static func moment(_ text: String) -> TorTimestamp? {
        text.utf8.count == 10 ? TorTimestamp(parsing: text + " 12:00:00") : TorTimestamp(parsing: text.replacing("T", with: " "))
    }

    func collectorClient() throws -> CollecTorClient {
        guard let url = URL(string: collectorURL), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
            throw ValidationError("--collector-url '\(collectorURL)' is not an http(s) URL")
        }
        return CollecTorClient(baseURL: url)
    }

    func run() throws {
        let target = IPAddress(address)!
        var live: NetworkStatusConsensus?
        if at == nil || (paths.isEmpty && !collector) {
            let authoritiesFile = authoritiesFile
            live = try Self.blocking { try await Self.liveConsensus(authoritiesFile: authoritiesFile) }
        }
        guard let moment = at.flatMap(Self.moment) ?? live?.header.validAfter else {
            warn("the live consensus has no valid-after; give --at")
            throw ExitCode(2)
        }
        let window = RelayAddressLookup.window(around: moment, hours: windowHours)
        var answer = AddressLookupAnswer(address: target, window: window)
        var store = LookupIndexStore(directory: noIndex ? nil : (index ?? LookupIndexStore.defaultDirectory))
        if collector {
            let (client, directory) = (try collectorClient(), collectorDirectory ?? (LookupIndexStore.cacheRoot() + "/collector"))
            for file in try Self.blocking({ try await Self.downloadFromCollector(client: client, directory: directory, window: window) }) {
                store.add(file, to: &answer)
            }
        } else if !paths.isEmpty {
            for file in LookupIndexStore.files(under: paths) { store.add(file, to: &answer) }
        } else if let live, let document = AddressLookupIndex.Document(consensus: live) {
            LookupIndexStore.add([document], to: &answer)
        }
        var output = BufferedOutput()
        if json {
            output.write(LookupReport.json(answer, moment: moment).serialized())
        } else {
            LookupReport.text(answer, address: address, moment: moment, windowHours: windowHours, into: &output)
        }
        output.flush()
        if store.failures > 0 { warn("\(store.failures) document(s) could not be read (see above)") }
        if !answer.wasRelay && answer.exitListMatches.isEmpty { throw ExitCode.failure }
    }

    /// The live consensus (verified), for the default --at and as the source without PATHS.
    static func liveConsensus(authoritiesFile: String?) async throws -> NetworkStatusConsensus {
        guard let bytes = try await LiveFetchHook.fetchVerifiedConsensus(authoritiesFile: authoritiesFile) else {
            warn("no live consensus for the default --at; give --at TIME and PATHS (or --collector)")
            throw ExitCode.failure
        }
        do { return try NetworkStatusConsensus(parsing: bytes) } catch {
            warn("the live consensus does not parse: \(error)")
            throw ExitCode.failure
        }
    }

    /// Downloads (or finds already downloaded) the CollecTor files of consensuses and exit
    /// lists whose publication span overlaps the window.
    static func downloadFromCollector(client: CollecTorClient, directory: String, window: ClosedRange<TorTimestamp>) async throws -> [String] {
        let filter = CollecTorFilter(types: ["network-status-consensus-3", "tordnsel"], from: window.lowerBound, to: window.upperBound)
        let files: [CollecTorFile]
        do throws(CollecTorError) {
            files = try await client.fetchIndex().files(matching: filter)
        } catch {
            warn("cannot read the CollecTor index: \(error)")
            throw ExitCode.failure
        }
        let report = await client.download(files, to: URL(fileURLWithPath: directory))
        for failure in report.failures { warn("\(failure.file.path): \(failure.error.map { "\($0)" } ?? "failed")") }
        guard report.failures.isEmpty else { throw ExitCode.failure }
        return report.results.map { directory + "/" + $0.file.path }
    }
}

extension Lookup {
    /// Runs `body` on a task and waits for it on this (non-pool) thread.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let outcome = BlockingOutcome<T>(), done = DispatchSemaphore(value: 0)
        Task {
            let result: Result<T, any Error>
            do { result = .success(try await body()) } catch { result = .failure(error) }
            outcome.lock.lock()
            outcome.result = result
            outcome.lock.unlock()
            done.signal()
        }
        done.wait()
        outcome.lock.lock()
        defer { outcome.lock.unlock() }
        return try outcome.result!.get()
    }
}

/// The result ``Lookup/blocking(_:)`` hands from the task to the waiting thread, under a lock.
private final class BlockingOutcome<T: Sendable>: @unchecked Sendable {
    let lock = Lock()
    var result: Result<T, any Error>?
}

/// The text and JSON forms of an ``AddressLookupAnswer``.
enum LookupReport {
    static func text(_ answer: AddressLookupAnswer, address: String, moment: TorTimestamp, windowHours: Int, into output: inout BufferedOutput) {
        let relays = answer.consensusMatches, observations = answer.exitListMatches
        let consensuses = answer.consensusTimes.count
        let exits = relays.filter(\.isExit).count
        output.write("\(address) within \(windowHours) h of \(moment): "
            + (consensuses == 0 ? "no consensus in the window: unknown"
               : relays.isEmpty ? "not a Tor relay in any of \(consensuses) consensuses"
               : "a Tor relay (\(Set(relays.map(\.fingerprint)).count) fingerprint(s)) in \(Set(relays.map(\.validAfter)).count) of \(consensuses) consensuses, an exit in \(exits) listings")
            + (observations.isEmpty ? "" : "; seen exiting from it \(observations.count) time(s) in exit lists"))
        for relay in answer.relays {
            output.write("relay \(relay.fingerprint.hex)  \(relay.nicknames.isEmpty ? "-" : relay.nicknames.joined(separator: ","))  "
                + "first seen \(relay.firstSeen), last seen \(relay.lastSeen), \(relay.consensuses) consensus(es)\(relay.wasExit ? ", exit" : "")")
        }
        for hit in relays {
            output.write("\(hit.validAfter)  \(hit.fingerprint.hex)  \(hit.nickname)  \(hit.matchedAddress)  "
                + "\(hit.flags.names.joined(separator: ","))  \(hit.isExit ? "exit" : "not an exit")")
        }
        for seen in observations { output.write("exit list: \(seen.seen)  \(seen.fingerprint.hex)  exited from \(address)") }
    }

    static func json(_ answer: AddressLookupAnswer, moment: TorTimestamp) -> JSONValue {
        func time(_ value: TorTimestamp) -> JSONValue { .string(value.description) }
        return .object([
            ("@type", .string("tordesc-lookup")),
            ("address", .string(answer.address.description)),
            ("at", time(moment)),
            ("window_start", time(answer.window.lowerBound)),
            ("window_end", time(answer.window.upperBound)),
            ("consensuses_in_window", .int(answer.consensusTimes.count)),
            ("exit_lists_in_window", .int(answer.exitListsInWindow)),
            ("relay", .bool(answer.wasRelay)),
            ("exit", .bool(answer.wasExit)),
            ("relays", .array(answer.relays.map { relay in
                .object([
                    ("fingerprint", .string(relay.fingerprint.hex)),
                    ("nicknames", .array(relay.nicknames.map(JSONValue.string))),
                    ("first_seen", time(relay.firstSeen)), ("last_seen", time(relay.lastSeen)),
                    ("consensuses", .int(relay.consensuses)), ("exit", .bool(relay.wasExit)),
                ])
            })),
            ("consensus_matches", .array(answer.consensusMatches.map { hit in
                .object([
                    ("valid_after", time(hit.validAfter)), ("fingerprint", .string(hit.fingerprint.hex)),
                    ("nickname", .string(hit.nickname)), ("address", .string(hit.matchedAddress.address.description)),
                    ("port", .int(hit.matchedAddress.port)),
                    ("flags", .array(hit.flags.names.map(JSONValue.string))), ("exit", .bool(hit.isExit)),
                ])
            })),
            ("exit_list_matches", .array(answer.exitListMatches.map { seen in
                .object([
                    ("seen", time(seen.seen)), ("fingerprint", .string(seen.fingerprint.hex)),
                    ("published", JSONValue.optional(seen.published) { .string($0.description) }),
                ])
            })),
        ])
    }
}
