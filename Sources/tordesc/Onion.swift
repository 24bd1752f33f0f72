import ArgumentParser
import Crypto
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorDescriptors
import TorDirectory

/// `tordesc onion`: a v3 onion address's time period, blinded key and responsible HSDirs.
struct Onion: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "onion",
        abstract: "Show a v3 onion service's time period, blinded key and responsible HSDirs.",
        discussion: """
            ADDRESS is a v3 onion address (56 base32 characters, with or without .onion, either case);
            its version byte, checksum and key are checked. The time period and blinded key are those
            of --at (default: the consensus's valid-after, or now without a consensus); the blinded key
            is printed in base64 as a descriptor is fetched: /tor/hs/3/<key>.

            With --consensus, the HSDir hash ring is built as tor builds it for fetching, and the HSDirs
            a client fetches from are listed in tor's order. A consensus does not carry the relays'
            ed25519 identities: give their microdescriptors (--microdescriptors, for a microdesc
            consensus) or server descriptors (--descriptors); HSDirs without one are left off the ring
            and counted. --testing-network uses tor's TestingTorNetwork period length (24 voting
            intervals), as a private test network's tors do.

            Without --hsdirs-only the descriptor is fetched from those HSDirs in tor's order, each over
            a two-hop circuit (CREATE_FAST to another HSDir of the ring, identity checked, then EXTEND2
            with an ntor handshake to the HSDir, whose ntor-onion-key comes from its microdescriptor or
            server descriptor; HSDirs refuse one-hop descriptor requests), then verified (certificate chain, signature, blinded
            key of the period, lifetime) and decrypted; the introduction points are printed. With no
            --consensus, the current microdesc consensus (verified) and its microdescriptors are
            fetched first, from the public network's authorities or those of --authorities.
            With --control HOST:PORT or --control PATH a running tor is the source: its microdesc
            consensus and microdescriptors build the ring, and it fetches the descriptor (HSFETCH),
            which is then verified and decrypted here as above.
            --client-key reads a client authorization key as tor's ClientOnionAuthDir stores it
            (ADDRESS:descriptor:x25519:BASE32KEY) or the bare base32 key.

            Examples:
              tordesc onion pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion --hsdirs-only --at '2026-12-05 12:00:00'
              tordesc onion ADDRESS.onion --consensus cached-microdesc-consensus --microdescriptors cached-microdescs cached-microdescs.new --hsdirs-only --json
              tordesc onion ADDRESS.onion --control /run/tor/control
            """
    )

    @Argument(help: ArgumentHelp("The v3 onion address.", valueName: "address.onion"))
    var address: String

    @OptionGroup var sources: SourceOptions

    @Option(help: ArgumentHelp("The time: 'YYYY-MM-DD HH:MM:SS' (UTC) or seconds since 1970.", valueName: "time"))
    var at: String?

    @Flag(help: "Use tor's TestingTorNetwork time-period length (a private test network).")
    var testingNetwork = false

    @Flag(help: "Only compute the keys and the HSDirs; do not fetch the descriptor.")
    var hsdirsOnly = false

    @Flag(help: "Print one JSON object.")
    var json = false

    @Option(help: ArgumentHelp("A client authorization key file (tor's .auth_private form).", valueName: "file"))
    var clientKey: String?

    @Option(help: "Whole-request deadline in seconds for each fetch.")
    var timeout: Double = 60

    static func parseTime(_ text: String) -> TorTimestamp? {
        if let seconds = Int64(text) { return TorTimestamp(secondsSince1970: seconds) }
        return TorTimestamp(parsing: text.replacing("T", with: " ").replacing("Z", with: ""))
    }

    func run() async throws {
        let onion: OnionAddress
        do { onion = try OnionAddress(address) } catch { throw reportError("\(address): \(error)") }
        var time: TorTimestamp?
        if let at {
            guard let parsed = Self.parseTime(at) else { throw reportError("--at \(at): expected 'YYYY-MM-DD HH:MM:SS' or seconds since 1970") }
            time = parsed
        }
        var loaded = try sources.load()
        let key = try clientKey.map(Self.readClientKey)
        if loaded.consensus == nil, sources.control.isSet {
            loaded = try await sources.control.load(.hsDirRing)
        } else if !hsdirsOnly, loaded.consensus == nil {
            loaded = try await Self.fetchDirectory(authorities: sources.authorities, timeout: timeout)
        }
        var ring: OnionHashRing?
        var ntorKeys: [Fingerprint: [UInt8]] = [:]
        let period: OnionTimePeriod
        if let consensus = loaded.consensus {
            let identities = OnionHashRing.ed25519Identities(consensus: consensus, microdescriptors: loaded.microdescriptors,
                                                             serverDescriptors: loaded.descriptors)
            let built = OnionHashRing(consensus: consensus, ed25519Identities: identities, at: time, testingNetwork: testingNetwork)
            ring = built
            period = built.period
            ntorKeys = OnionHashRing.ntorOnionKeys(consensus: consensus, microdescriptors: loaded.microdescriptors, serverDescriptors: loaded.descriptors)
        } else {
            period = OnionTimePeriod(containing: time ?? TorTimestamp(Date()))
        }
        let blinded: [UInt8]
        do { blinded = try onion.blindedKey(for: period) } catch { throw reportError("\(address): \(error)") }
        let report = OnionReport(address: onion, period: period, blindedKey: blinded, ring: ring, consensus: loaded.consensus)
        var output = BufferedOutput()
        if hsdirsOnly {
            if json { output.write(report.json.serialized()) } else { for line in report.textLines { output.write(line) } }
            output.flush()
            if loaded.failures > 0 { throw ExitCode.failure }
            return
        }
        guard let ring else { throw reportError("no consensus to build the HSDir ring from") }
        let described: OnionDescriptorReport
        do {
            described = sources.control.isSet ? try await fetchThroughControl(onion, blindedKey: blinded, clientKey: key)
                : OnionDescriptorReport(fetch: try await LiveFetchHook.client(authoritiesFile: sources.authorities, timeout: timeout)
                    .onionServiceDescriptor(for: onion, ring: ring, ntorOnionKeys: ntorKeys, clientKey: key))
        } catch {
            if json { output.write(report.json.serialized()) } else { for line in report.textLines { output.write(line) } }
            output.flush()
            if let exit = error as? ExitCode { throw exit }
            StandardStream.error("error: no responsible HSDir gave a descriptor that verifies and decrypts: \(error)\n")
            throw ExitCode.failure
        }
        if json {
            var fields = report.jsonFields
            fields.append(("descriptor", described.json))
            output.write(JSONValue.object(fields).serialized())
        } else {
            for line in report.textLines + described.textLines { output.write(line) }
        }
        output.flush()
    }
}

/// What `tordesc onion` prints.
struct OnionReport {
    var address: OnionAddress
    var period: OnionTimePeriod
    var blindedKey: [UInt8]
    var ring: OnionHashRing?
    var consensus: NetworkStatusConsensus?

    var blindedBase64: String { Base64.encode(blindedKey, padded: false) }

    var responsible: [OnionHashRing.Member] { ring?.responsibleHSDirs(blindedKey: blindedKey) ?? [] }

    /// Which of the consensus's shared random values placed the ring.
    var sharedRandomSource: String? {
        guard let ring else { return nil }
        if ring.usesDisasterValue { return "disaster" }
        if ring.sharedRandomValue == consensus?.header.sharedRandomCurrent?.value { return "current" }
        return "previous"
    }

    var textLines: [String] {
        var lines = [
            "onion address    \(address.hostname)",
            "identity key     \(Base64.encode(address.identityKey, padded: false))",
            "time period      \(period.number) (\(period.lengthMinutes) minutes) from \(period.start) to \(period.end)",
            "blinded key      \(blindedBase64)",
            "descriptor path  /tor/hs/3/\(blindedBase64)",
        ]
        guard let ring else {
            lines.append("HSDirs           (give --consensus to compute them)")
            return lines
        }
        lines.append("shared random    \(sharedRandomSource ?? "-") \(Base64.encode(ring.sharedRandomValue, padded: true))")
        var ringLine = "hash ring        \(ring.members.count) HSDirs"
        if !ring.missingIdentities.isEmpty {
            ringLine += "; \(ring.missingIdentities.count) more without a known ed25519 identity (give their microdescriptors or server descriptors)"
        }
        lines.append(ringLine)
        let chosen = responsible
        lines.append("fetch from       \(chosen.count) HSDirs (\(ring.parameters.replicas) replicas × spread \(ring.parameters.spreadFetch)), in tor's order:")
        for member in chosen {
            lines.append("  \(member.nickname.padded(to: 19)) \(member.fingerprint)  \(Self.endpoint(member))")
        }
        return lines
    }

    static func endpoint(_ member: OnionHashRing.Member) -> String {
        member.address.isIPv6 ? "[\(member.address)]:\(member.orPort)" : "\(member.address):\(member.orPort)"
    }

    var json: JSONValue { .object(jsonFields) }

    var jsonFields: [(String, JSONValue)] {
        var fields: [(String, JSONValue)] = [
            ("address", .string(address.hostname)),
            ("identity_key", .string(Base64.encode(address.identityKey, padded: false))),
            ("time_period", .object([("number", .int(Int(clamping: period.number))), ("length_minutes", .int(Int(clamping: period.lengthMinutes))),
                                     ("start", .string(period.start.description)), ("end", .string(period.end.description))])),
            ("blinded_key", .string(blindedBase64)),
            ("descriptor_path", .string("/tor/hs/3/\(blindedBase64)")),
        ]
        if let ring {
            fields.append(("shared_random", .object([("source", .string(sharedRandomSource ?? "")),
                                                     ("value", .string(Base64.encode(ring.sharedRandomValue, padded: true)))])))
            fields.append(("ring_size", .int(ring.members.count)))
            fields.append(("missing_identities", .array(ring.missingIdentities.map { .string($0.hex) })))
            fields.append(("hsdirs", .array(responsible.map { member in
                .object([("nickname", .string(member.nickname)), ("fingerprint", .string(member.fingerprint.hex)),
                         ("ed25519", .string(Base64.encode(member.ed25519Identity, padded: false))),
                         ("address", .string(Self.endpoint(member)))])
            })))
        }
        return fields
    }
}
