/// The relay crypto of a circuit of one or more hops, layered as tor-spec "Routing relay
/// cells" describes: a cell for hop N is sealed (digest and encryption) with hop N's keys and
/// then encrypted with the forward key of every hop before it, outermost last; a cell from the
/// circuit has one layer removed per hop, nearest first, until a hop recognizes it.
///
/// ```swift
/// var circuit = RelayCircuit(firstHop: createFastKeys)
/// circuit.add(hop: ntorKeys)
/// let payload = circuit.seal(RelayCell(command: .beginDir, streamID: 1), to: 1)
/// let (hop, cell, digest) = try circuit.open(received.payload)
/// ```
package struct RelayCircuit: Sendable {
    private var hops: [RelayCrypto]

    package init(firstHop keys: CircuitKeys) { hops = [RelayCrypto(keys: keys)] }

    /// The number of hops; the last one is `hopCount - 1`.
    package var hopCount: Int { hops.count }

    /// Adds the hop an EXTENDED2 cell just confirmed.
    package mutating func add(hop keys: CircuitKeys) { hops.append(RelayCrypto(keys: keys)) }

    /// The encrypted payload of a RELAY (or RELAY_EARLY) cell for `hop`.
    package mutating func seal(_ cell: RelayCell, to hop: Int) -> [UInt8] {
        var payload = hops[hop].seal(cell)
        for nearer in stride(from: hop - 1, through: 0, by: -1) { hops[nearer].encryptLayer(&payload) }
        return payload
    }

    /// Decrypts a RELAY cell from the circuit: which hop sent it, the cell, and that hop's
    /// running digest after it (for an authenticated SENDME back to that hop).
    package mutating func open(_ encrypted: [UInt8]) throws(LinkError) -> (hop: Int, cell: RelayCell, digest: [UInt8]) {
        guard encrypted.count == Cell.fixedPayloadLength else { throw .malformedCell("RELAY", "payload is \(encrypted.count) bytes") }
        var payload = encrypted
        for hop in hops.indices {
            if let (cell, digest) = try hops[hop].peel(&payload) { return (hop, cell, digest) }
        }
        throw .unrecognizedRelayCell
    }
}
