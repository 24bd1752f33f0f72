import TorDescriptors
import TorWire

/// What a running tor tells of the directory as it happens: each new consensus (its router
/// status entries, from `NEWCONSENSUS`) and each batch of new server descriptors (`NEWDESC`
/// names the relays; their descriptors are then asked with `GETINFO desc/id/`).
///
/// ```swift
/// for try await event in ControlSession.directoryEvents(host: "127.0.0.1", port: 9051) {
///     if case .newConsensus(let entries) = event { print("\(entries.count) relays") }
/// }
/// ```
public enum ControlDirectoryEvent: Sendable {
    case newConsensus([RouterStatusEntry])
    /// The descriptors tor holds for the relays `NEWDESC` named, and the relays whose
    /// descriptor it no longer had when asked.
    case newDescriptors([ServerDescriptor], missing: [Fingerprint])
}

/// The directory events to subscribe to (`SETEVENTS` names).
///
/// ```swift
/// let stream = ControlSession.directoryEvents(host: "127.0.0.1", port: 9051, kinds: [.newConsensus])
/// ```
public enum ControlDirectoryEventKind: String, Sendable, CaseIterable {
    case newConsensus = "NEWCONSENSUS"
    case newDescriptors = "NEWDESC"
}

extension ControlSession {
    /// Subscribes to `kinds` (`SETEVENTS`), replacing the events asked before.
    public mutating func subscribe(to kinds: [ControlDirectoryEventKind]) async throws {
        let command: ControlCommand
        do { command = try .setEvents(kinds.map(\.rawValue)) } catch { throw ControlSessionError.command(error) }
        _ = try await expectSuccess(command)
    }

    /// The next `NEWCONSENSUS` or `NEWDESC` event (after ``subscribe(to:)``), typed and with its
    /// documents; other events are skipped. Waits as long as the connection's limits allow.
    public mutating func nextDirectoryEvent(mode: ValidationMode = .lenient) async throws -> ControlDirectoryEvent {
        while true {
            let reply = try await nextEvent()
            let event: ControlEvent
            do { event = try ControlEvent(reply) } catch { throw ControlSessionError.event(error) }
            switch event {
            case .newConsensus(let bytes):
                return .newConsensus(try Self.parsed("NEWCONSENSUS") { () throws(DescriptorParseError) in
                    try RouterStatusEntryList(parsing: bytes[...], mode: mode).entries
                })
            case .newDescriptors(let relays):
                var descriptors: [ServerDescriptor] = []
                var missing: [Fingerprint] = []
                for relay in relays {
                    if let descriptor = try await serverDescriptor(for: relay.fingerprint, mode: mode) {
                        descriptors.append(descriptor)
                    } else {
                        missing.append(relay.fingerprint)
                    }
                }
                return .newDescriptors(descriptors, missing: missing)
            default:
                continue
            }
        }
    }

    /// A connection of its own to tor's ControlPort that yields each directory event of `kinds`
    /// until the consumer stops iterating (the connection is then closed) or the connection
    /// fails (the error ends the sequence). `limits.idleTimeout` should be nil or longer than
    /// the time between consensuses (an hour on the public network).
    public static func directoryEvents(
        host: String, port: Int, authentication: ControlAuthentication = .automatic(password: nil),
        kinds: [ControlDirectoryEventKind] = ControlDirectoryEventKind.allCases,
        limits: ConnectionLimits = ConnectionLimits(), mode: ValidationMode = .lenient
    ) -> AsyncThrowingStream<ControlDirectoryEvent, any Error> {
        directoryEvents(endpoint: .tcp(host: host, port: port), authentication: authentication, kinds: kinds, limits: limits, mode: mode)
    }

    /// The directory events of `kinds` over a connection of its own to the ControlPort or
    /// ControlSocket at `endpoint`, as ``directoryEvents(host:port:authentication:kinds:limits:mode:)``.
    ///
    /// ```swift
    /// for try await event in ControlSession.directoryEvents(endpoint: .unixSocket(path: "/run/tor/control")) { ... }
    /// ```
    public static func directoryEvents(
        endpoint: ControlEndpoint, authentication: ControlAuthentication = .automatic(password: nil),
        kinds: [ControlDirectoryEventKind] = ControlDirectoryEventKind.allCases,
        limits: ConnectionLimits = ConnectionLimits(), mode: ValidationMode = .lenient
    ) -> AsyncThrowingStream<ControlDirectoryEvent, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    try await withSession(endpoint: endpoint, authentication: authentication, limits: limits) { session in
                        try await session.subscribe(to: kinds)
                        while !Task.isCancelled {
                            let event = try await session.nextDirectoryEvent(mode: mode)
                            if case .terminated = continuation.yield(event) { break }
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: Task.isCancelled ? nil : error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
