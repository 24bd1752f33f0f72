import Foundation
import TorDescriptors
import TorWire

/// Fuzz targets for the ORPort link layer, shared by the libFuzzer executables in `Fuzz/`
/// (this file is symlinked there) and by `LinkFuzzRegressionTests`, which replays saved inputs.
///
/// - `link-cells`: byte 0 seeds the sizes of the pieces the bytes arrive in; the rest is what
///   a relay sends after TLS. Cells are split by ``CellReader`` and fed to a client
///   ``LinkHandshake`` until it throws.
/// - `certs-cell`: bytes 0–1 give the length of a CERTS payload, then the payload, then the
///   TLS certificate DER; ``CertsCell`` parses and validates them.
/// - `ntor-extended2`: the bytes are an EXTENDED2 relay payload; its HDATA goes to an ntor
///   client handshake, which must refuse it (no input can forge AUTH without the relay's key).
///
/// ```swift
/// LinkFuzzEntryPoints.targets["certs-cell"]!([0, 1, 0])
/// ```
enum LinkFuzzEntryPoints {
    static let targets: [String: @Sendable ([UInt8]) -> Void] = [
        "link-cells": linkCells,
        "certs-cell": certsCell,
        "ntor-extended2": ntorExtended2,
        "control-reply": controlReply,
        "control-event": controlEvent,
    ]

    static var names: [String] { targets.keys.sorted() }

    static func violated(_ message: @autoclosure () -> String, _ bytes: [UInt8]) -> Never {
        fatalError("fuzz invariant violated: \(message()) (input of \(bytes.count) bytes)")
    }

    /// A fixed instant, so that certificate validity does not depend on when the fuzzer runs.
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    static func linkCells(_ data: [UInt8]) {
        guard let seed = data.first else { return }
        let wire = data.dropFirst()
        var reader = CellReader()
        var handshake = LinkHandshake(expected: nil, tlsCertificateDER: Array(wire.prefix(64)), peerAddress: [127, 0, 0, 1], now: now)
        var state = UInt32(seed) &* 2_654_435_761 | 1
        var position = wire.startIndex
        var cells = 0
        do {
            while position < wire.endIndex {
                state = state &* 1_103_515_245 &+ 12_345
                let size = 1 + Int(state >> 16) % 600
                let end = min(wire.endIndex, position + size)
                reader.append(wire[position..<end])
                position = end
                while let cell = try reader.next() {
                    cells += 1
                    if cells > 1, !Cell.isVariableLength(cell.command), cell.payload.count != Cell.fixedPayloadLength {
                        violated("fixed-length cell with \(cell.payload.count) payload bytes", data)
                    }
                    if try handshake.receive(cell) != nil, handshake.identity == nil { violated("NETINFO sent before CERTS was valid", data) }
                }
                if reader.bufferedCount > CellReader.maxBufferedBytes { violated("reader holds \(reader.bufferedCount) bytes", data) }
            }
        } catch {
            _ = error.description
        }
    }

    static func certsCell(_ data: [UInt8]) {
        guard data.count >= 2 else { return }
        let length = min(data.count - 2, Int(data[0]) << 8 | Int(data[1]))
        let payload = Array(data[2..<(2 + length)])
        let tls = Array(data[(2 + length)...])
        do {
            let identity = try CertsCell(payload: payload).validate(tlsCertificateDER: tls, expected: nil, now: now)
            if identity.fingerprint != identity.rsaIdentity.fingerprint { violated("fingerprint is not the identity key's", data) }
        } catch {
            _ = error.description
        }
        _ = try? X509Certificate(der: payload)
    }

    static func ntorExtended2(_ data: [UInt8]) {
        // The curve25519 base point as the relay's onion key: a valid point nobody answers for.
        guard let identity = Fingerprint(hex: String(repeating: "5A", count: 20)),
              let handshake = try? NtorClientHandshake(identity: identity, onionKey: [9] + [UInt8](repeating: 0, count: 31)) else {
            violated("the fixed ntor handshake could not be made", data)
        }
        do {
            _ = try handshake.complete(reply: try CircuitExtension.handshakeReply(extended2: data))
            violated("an ntor reply authenticated without the relay's key", data)
        } catch {
            _ = error.description
        }
    }

    /// `control-reply`: byte 0 picks a chunk size; the rest is fed to ``ControlReplyReader`` in
    /// chunks of that size and whole. Both must give the same replies or the same error, and
    /// every reply's pairs and PROTOCOLINFO reading must not trap.
    static func controlReply(_ data: [UInt8]) {
        guard let first = data.first else { return }
        let input = Array(data.dropFirst())
        func read(chunk: Int) -> Result<[ControlReply], ControlProtocolError> {
            var reader = ControlReplyReader(maxLineBytes: 4096, maxReplyBytes: 1 << 16)
            var replies: [ControlReply] = []
            var start = 0
            repeat {
                let end = min(input.count, start + chunk)
                reader.append(input[start..<end])
                do { while let reply = try reader.next() { replies.append(reply) } } catch { return .failure(error) }
                start = end
            } while start < input.count
            return .success(replies)
        }
        let whole = read(chunk: max(1, input.count))
        let chunked = read(chunk: Int(first % 64) + 1)
        switch (whole, chunked) {
        case (.success(let a), .success(let b)): if a != b { violated("chunking changed the replies", data) }
        case (.failure, .failure): break
        default:
            // A line over the limit can be noticed before its newline arrives in one reading
            // and after it in the other, but then both must fail.
            violated("chunking changed success into failure: \(whole) vs \(chunked)", data)
        }
        if case .success(let replies) = whole {
            for reply in replies {
                _ = reply.keyValues()
                _ = try? ControlProtocolInfo(reply)
                _ = try? SafeCookieExchange(cookie: [], clientNonce: []).clientHash(answering: reply)
            }
        }
    }

    /// `control-event`: the bytes are ControlPort replies; each event is read into a
    /// ``ControlEvent``, and a `NEWCONSENSUS` event's entries into a ``RouterStatusEntryList``
    /// (lenient and strict). Byte 0 is left out of the replies and also chooses whether the
    /// rest, as a whole, is read as an entry list (the parser meets arbitrary bytes there too).
    static func controlEvent(_ data: [UInt8]) {
        guard let first = data.first else { return }
        let input = Array(data.dropFirst())
        if first & 1 == 1 {
            _ = try? RouterStatusEntryList(parsing: input[...])
            _ = try? RouterStatusEntryList(parsing: input[...], flavor: .microdesc, mode: .strict)
        }
        var reader = ControlReplyReader(maxLineBytes: 4096, maxReplyBytes: 1 << 16)
        reader.append(input)
        while let reply = try? reader.next() {
            guard let event = try? ControlEvent(reply) else { continue }
            if case .newConsensus(let entries) = event {
                let lenient = try? RouterStatusEntryList(parsing: entries[...])
                if let strict = try? RouterStatusEntryList(parsing: entries[...], mode: .strict) {
                    // What strict mode accepts, lenient mode reads the same way.
                    if lenient?.entries.map(\.fingerprint) != strict.entries.map(\.fingerprint) {
                        violated("strict and lenient entry lists differ", data)
                    }
                }
            }
        }
    }
}
