import ArgumentParser
import TorDescriptors
import TorNetwork

/// `tordesc fetch KIND --control HOST:PORT|PATH`: the documents a running tor holds, read with
/// `GETINFO` instead of downloaded. They are parsed before they are written (byte-exact as tor
/// sent them); the consensus is not verified again: tor uses only a consensus it has verified.
extension Fetch {
    /// What a tor hands out over its control connection.
    static let kindsFromControl: [Kind] = [.consensus, .microdescConsensus, .serverDescriptors, .extraInfos, .microdescriptors]

    func validateControl() throws {
        guard control.isSet else { return }
        guard Self.kindsFromControl.contains(kind) else {
            throw ValidationError("tor does not hand out \(kind.rawValue) over its control connection; --control fetches "
                                  + Self.kindsFromControl.map(\.rawValue).joined(separator: ", "))
        }
        if !endpoints.isEmpty || !relays.isEmpty || authoritiesFile != nil {
            throw ValidationError("--control is the source: it takes no --authority, --relay or --authorities")
        }
    }

    /// The documents of `kind` the tor at --control holds; with --fingerprint, those relays'
    /// (a relay tor does not hold is a warning, and nothing is written for it).
    func downloadFromControl() async throws -> [UInt8] {
        let ids = try fingerprints.map { text in
            guard let fingerprint = Fingerprint(hex: text) else { throw ValidationError("bad fingerprint \(text)") }
            return fingerprint
        }
        let limits = ConnectionLimits(connectTimeout: .milliseconds(Int(connectTimeout * 1000)), deadline: .now + .milliseconds(Int(timeout * 1000)))
        let kind = kind, label = control.label
        let start = ContinuousClock.now
        let (bytes, count, missing) = try await control.withSession(limits: limits) { session in
            func join<D>(_ documents: [D], _ bytes: (D) -> ArraySlice<UInt8>) -> [UInt8] { documents.flatMap(bytes) }
            var missing: [Fingerprint] = []
            func each<D>(_ one: (Fingerprint, inout ControlSession) async throws -> D?) async throws -> [D] {
                var found: [D] = []
                for id in ids { if let document = try await one(id, &session) { found.append(document) } else { missing.append(id) } }
                return found
            }
            switch kind {
            case .consensus, .microdescConsensus:
                let flavor: ConsensusFlavor = kind == .consensus ? .ns : .microdesc
                do {
                    return (Array(try await session.consensus(flavor: flavor).rawBytes), 1, missing)
                } catch ControlSessionError.rejected(let status, let message) where flavor == .ns {
                    throw reportError("\(label): tor holds no ns consensus (\(status) \(message)); a client tor keeps one only with "
                                      + "FetchUselessDescriptors 1, and always has the microdesc-consensus", code: 1)
                }
            case .serverDescriptors:
                let found = ids.isEmpty ? try await session.serverDescriptors() : try await each { try await $1.serverDescriptor(for: $0) }
                return (join(found, \.rawBytes), found.count, missing)
            case .extraInfos:
                let descriptors = ids.isEmpty ? try await session.serverDescriptors() : try await each { try await $1.serverDescriptor(for: $0) }
                let found = try await session.extraInfos(of: descriptors)
                return (join(found, \.rawBytes), found.count, missing)
            case .microdescriptors:
                let found = ids.isEmpty ? try await session.microdescriptors() : try await each { try await $1.microdescriptor(for: $0) }
                return (join(found, \.rawBytes), found.count, missing)
            default:
                return ([], 0, missing)
            }
        }
        for id in missing { warn("\(label) holds no \(kind.rawValue) document for \(id.hex)") }
        if !quiet {
            let elapsed = start.duration(to: .now)
            let ms = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
            StandardStream.error("\(label) \(kind.rawValue): \(count) document\(count == 1 ? "" : "s"), \(bytes.count) bytes in \(ms) ms\n")
        }
        return bytes
    }
}
