import TorDescriptors
import TorWire

/// What `HSFETCH` brought back: the onion-service descriptor as an HSDir served it to tor
/// (still encrypted: `OnionServiceDescriptor.decrypt(address:clientKey:mode:)` opens it), and
/// the HSDir that served it.
///
/// ```swift
/// let fetched = try await session.fetchOnionServiceDescriptor("duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad")
/// print(fetched.hsDir?.nickname ?? "?", fetched.descriptor.revisionCounter)
/// ```
public struct ControlOnionServiceFetch: Sendable {
    public let descriptor: OnionServiceDescriptor
    public let hsDir: ControlRelayName?
}

extension ControlSession {
    /// Asks tor to fetch an onion service's descriptor (`HSFETCH`, control-spec §3.26) and waits
    /// for its `HS_DESC` / `HS_DESC_CONTENT` events: the first non-empty descriptor for the
    /// address is parsed and returned. When every HSDir tor asked has failed, throws
    /// ``ControlSessionError/onionServiceDescriptorUnavailable(_:)`` with their reasons; the
    /// connection's limits bound the wait. `servers` pins the HSDirs to ask (tor's `SERVER=`).
    /// The session's event subscription is replaced for the fetch and cleared afterwards.
    public mutating func fetchOnionServiceDescriptor(_ address: String, servers: [Fingerprint] = [],
                                                     mode: ValidationMode = .lenient) async throws -> ControlOnionServiceFetch {
        let bare = address.hasSuffix(".onion") ? String(address.dropLast(6)) : address
        let subscribe: ControlCommand, fetch: ControlCommand, clear: ControlCommand
        do {
            subscribe = try .setEvents(["HS_DESC", "HS_DESC_CONTENT"])
            fetch = try .hsFetch(bare, servers: servers.map { "$" + $0.hex })
            clear = try .setEvents([])
        } catch { throw ControlSessionError.command(error) }
        _ = try await expectSuccess(subscribe)
        _ = try await expectSuccess(fetch)
        var progress = OnionFetchProgress(address: bare)
        while true {
            let reply = try await nextEvent()
            let event: ControlEvent
            do { event = try ControlEvent(reply) } catch { throw ControlSessionError.event(error) }
            if let content = try progress.take(event, mode: mode) {
                _ = try await expectSuccess(clear)
                return content
            }
        }
    }
}

/// The state of one `HSFETCH`: which HSDirs tor asked, which failed and why. Sans-I/O, so the
/// order of events is tested without a tor.
struct OnionFetchProgress {
    let address: String
    private(set) var requested: Set<Fingerprint> = []
    private(set) var failures: [String] = []
    private var failed: Set<Fingerprint> = []

    init(address: String) { self.address = address }

    /// The descriptor when `event` brings it; throws when the fetch is over without one.
    mutating func take(_ event: ControlEvent, mode: ValidationMode) throws(ControlSessionError) -> ControlOnionServiceFetch? {
        switch event {
        case .onionServiceDescriptorContent(let eventAddress, _, let hsDir, let bytes) where eventAddress == address && !bytes.isEmpty:
            let descriptor = try ControlSession.parsed("HS_DESC_CONTENT") { () throws(DescriptorParseError) in
                try OnionServiceDescriptor(parsing: bytes[...], mode: mode)
            }
            return ControlOnionServiceFetch(descriptor: descriptor, hsDir: hsDir)
        case .onionServiceDescriptor(let step) where step.address == address:
            switch step.action {
            case "REQUESTED":
                if let hsDir = step.hsDir { requested.insert(hsDir.fingerprint) }
            case "FAILED":
                failures.append("\(step.hsDir.map { $0.nickname ?? $0.fingerprint.hex } ?? "no HSDir"): \(step.reason ?? "no reason given")")
                // Without an HSDir tor could not even start (no usable HSDir, no consensus).
                guard let hsDir = step.hsDir else { throw .onionServiceDescriptorUnavailable(failures.joined(separator: "; ")) }
                failed.insert(hsDir.fingerprint)
                if requested.isSubset(of: failed) { throw .onionServiceDescriptorUnavailable(failures.joined(separator: "; ")) }
            default:
                break
            }
            return nil
        default:
            return nil
        }
    }
}
