import Crypto
import CryptoExtras
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials

/// KDF-TOR (tor-spec "KDF-TOR"): `K = H(K0 | [00]) | H(K0 | [01]) | ...` with SHA-1, truncated
/// to `length` bytes. CREATE_FAST derives its circuit keys with it from `X | Y`.
///
/// ```swift
/// let keys = kdfTor(x + y, length: 92)   // KH, Df, Db, Kf, Kb
/// ```
public func kdfTor(_ secret: [UInt8], length: Int) -> [UInt8] {
    var out: [UInt8] = []
    var counter: UInt8 = 0
    while out.count < length {
        var hash = Insecure.SHA1()
        hash.update(data: secret)
        hash.update(data: [counter])
        out += hash.finalize()
        counter &+= 1
    }
    return Array(out.prefix(length))
}

/// The keys of one hop of a circuit: made with CREATE_FAST (first hop) or ntor (a hop
/// reached with EXTEND2).
///
/// ```swift
/// let keys = try CircuitKeys(x: x, createdFastPayload: cell.payload)
/// ```
public struct CircuitKeys: Sendable, Hashable {
    public let forwardDigestSeed: [UInt8], backwardDigestSeed: [UInt8]
    public let forwardKey: [UInt8], backwardKey: [UInt8]
    /// KH, the hash that proves knowledge of the key material (CREATE_FAST only; empty for
    /// ntor, whose AUTH plays that part).
    public let keyHash: [UInt8]

    /// Keys derived elsewhere (the ntor handshake's HKDF output).
    package init(forwardDigestSeed: [UInt8], backwardDigestSeed: [UInt8], forwardKey: [UInt8], backwardKey: [UInt8]) {
        (self.forwardDigestSeed, self.backwardDigestSeed, self.forwardKey, self.backwardKey) = (forwardDigestSeed, backwardDigestSeed, forwardKey, backwardKey)
        keyHash = []
    }

    /// The keys both ends derive from `X | Y` (the relay's side of CREATE_FAST, and tests').
    package init(x: [UInt8], y: [UInt8]) {
        let material = kdfTor(x + y, length: 92)
        keyHash = Array(material[0..<20])
        forwardDigestSeed = Array(material[20..<40])
        backwardDigestSeed = Array(material[40..<60])
        forwardKey = Array(material[60..<76])
        backwardKey = Array(material[76..<92])
    }

    /// Derives the keys from our `x` and the relay's CREATED_FAST payload (`Y | KH`), and
    /// checks KH.
    public init(x: [UInt8], createdFastPayload payload: [UInt8]) throws(LinkError) {
        guard x.count == 20, payload.count >= 40 else { throw .malformedCell("CREATED_FAST", "needs Y and KH (40 bytes)") }
        self.init(x: x, y: Array(payload[0..<20]))
        // Compare all 20 bytes regardless of where they differ.
        let difference = zip(keyHash, payload[20..<40]).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) }
        guard difference == 0 else { throw .keyHashMismatch }
    }
}

/// An AES-128-CTR keystream with a zero IV that runs across cells (tor-spec "Relay cells":
/// the stream is not restarted per cell). `_CryptoExtras` encrypts one message per call, so
/// the keystream is made a batch of blocks at a time from the running counter.
struct AESCounterStream: Sendable {
    private let key: SymmetricKey
    private var counter: UInt64 = 0
    private var keystream: [UInt8] = []
    private var position = 0
    private static let blocksPerBatch = 256

    init(key: [UInt8]) { self.key = SymmetricKey(data: key) }

    mutating func apply(_ bytes: inout [UInt8]) {
        for i in bytes.indices {
            if position == keystream.count { refill() }
            bytes[i] ^= keystream[position]
            position += 1
        }
    }

    private mutating func refill() {
        var block = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 { block[8 + i] = UInt8(truncatingIfNeeded: counter >> (56 - 8 * UInt64(i))) }
        // A 16-byte nonce is the whole initial counter block; these calls cannot fail.
        let nonce = try! AES._CTR.Nonce(nonceBytes: block)
        keystream = Array(try! AES._CTR.encrypt([UInt8](repeating: 0, count: 16 * Self.blocksPerBatch), using: key, nonce: nonce))
        counter += UInt64(Self.blocksPerBatch)
        position = 0
    }
}

/// Relay cell commands (tor-spec "Relay cells").
///
/// ```swift
/// RelayCell(command: .beginDir, streamID: 1)
/// ```
public enum RelayCommand: UInt8, Sendable {
    case begin = 1, data = 2, end = 3, connected = 4, sendme = 5, extend = 6, extended = 7, truncate = 8
    case truncated = 9, drop = 10, resolve = 11, resolved = 12, beginDir = 13, extend2 = 14, extended2 = 15
}

/// A decrypted relay cell's fields.
///
/// ```swift
/// let data = RelayCell(command: .data, streamID: 1, data: Array("GET / HTTP/1.0\r\n\r\n".utf8))
/// ```
public struct RelayCell: Sendable, Hashable {
    public var command: UInt8
    public var streamID: UInt16
    public var data: [UInt8]

    /// Most data bytes one relay cell carries (509 - 11 header bytes).
    public static let maxData = 498

    public init(command: RelayCommand, streamID: UInt16, data: [UInt8] = []) {
        self.command = command.rawValue
        self.streamID = streamID
        self.data = data
    }

    init(command: UInt8, streamID: UInt16, data: [UInt8]) {
        self.command = command
        self.streamID = streamID
        self.data = data
    }
}

/// Both directions of one hop's relay crypto: AES-128-CTR and the running SHA-1 digests that
/// fill and check the relay header's 4-byte digest field (`RelayCircuit` layers the hops).
///
/// ```swift
/// var crypto = RelayCrypto(keys: keys)
/// let payload = crypto.seal(RelayCell(command: .beginDir, streamID: 1))
/// let (cell, digest) = try crypto.open(received.payload)
/// ```
public struct RelayCrypto: Sendable {
    private var forwardCipher: AESCounterStream, backwardCipher: AESCounterStream
    private var forwardDigest: Insecure.SHA1, backwardDigest: Insecure.SHA1

    /// The client's side: seals with the forward keys, opens with the backward ones.
    public init(keys: CircuitKeys) {
        self.init(sealKey: keys.forwardKey, sealSeed: keys.forwardDigestSeed, openKey: keys.backwardKey, openSeed: keys.backwardDigestSeed)
    }

    /// The relay's side (for simulated relays in tests): the other way round.
    package init(relaySideOf keys: CircuitKeys) {
        self.init(sealKey: keys.backwardKey, sealSeed: keys.backwardDigestSeed, openKey: keys.forwardKey, openSeed: keys.forwardDigestSeed)
    }

    private init(sealKey: [UInt8], sealSeed: [UInt8], openKey: [UInt8], openSeed: [UInt8]) {
        forwardCipher = AESCounterStream(key: sealKey)
        backwardCipher = AESCounterStream(key: openKey)
        forwardDigest = Insecure.SHA1()
        forwardDigest.update(data: sealSeed)
        backwardDigest = Insecure.SHA1()
        backwardDigest.update(data: openSeed)
    }

    /// The running digest of the cells sealed so far (the relay's record for SENDME v1).
    package var sealedDigest: [UInt8] { Array(forwardDigest.finalize()) }

    /// The encrypted 509-byte payload of a RELAY cell carrying `cell`. The padding after the
    /// data starts with four zero bytes and is random after that (tor-spec).
    public mutating func seal(_ cell: RelayCell) -> [UInt8] {
        precondition(cell.data.count <= RelayCell.maxData, "relay data over 498 bytes")
        var payload: [UInt8] = [cell.command, 0, 0]
        payload.appendBigEndian(cell.streamID)
        payload += [0, 0, 0, 0]
        payload.appendBigEndian(UInt16(cell.data.count))
        payload += cell.data
        let padding = Cell.fixedPayloadLength - payload.count
        payload += repeatElement(0, count: min(4, padding))
        if padding > 4 { payload += (0..<(padding - 4)).map { _ in UInt8.random(in: 0...255) } }
        forwardDigest.update(data: payload)
        let digest = Array(forwardDigest.finalize())
        payload.replaceSubrange(5..<9, with: digest[0..<4])
        forwardCipher.apply(&payload)
        return payload
    }

    /// Adds this hop's forward layer to a payload already sealed for a hop further out.
    package mutating func encryptLayer(_ payload: inout [UInt8]) { forwardCipher.apply(&payload) }

    /// Decrypts a RELAY cell's payload and checks that it is recognized (zero 'recognized'
    /// field, matching digest). Returns the cell and the running digest after it (the
    /// authenticated SENDME's digest when this cell triggers one).
    public mutating func open(_ encrypted: [UInt8]) throws(LinkError) -> (cell: RelayCell, digest: [UInt8]) {
        guard encrypted.count == Cell.fixedPayloadLength else { throw .malformedCell("RELAY", "payload is \(encrypted.count) bytes") }
        var payload = encrypted
        guard let opened = try peel(&payload) else { throw .unrecognizedRelayCell }
        return opened
    }

    /// Removes this hop's backward layer from a 509-byte payload; returns the cell when this
    /// hop sent it (zero 'recognized', matching digest), nil when it came from further out
    /// (the payload is then left with this layer removed, for the next hop's turn).
    package mutating func peel(_ payload: inout [UInt8]) throws(LinkError) -> (cell: RelayCell, digest: [UInt8])? {
        backwardCipher.apply(&payload)
        guard payload[1] == 0, payload[2] == 0 else { return nil }
        var zeroed = payload
        zeroed.replaceSubrange(5..<9, with: [0, 0, 0, 0])
        var candidate = backwardDigest
        candidate.update(data: zeroed)
        let digest = Array(candidate.finalize())
        guard digest[0..<4].elementsEqual(payload[5..<9]) else { return nil }
        backwardDigest = candidate
        let length = Int(payload[9]) << 8 | Int(payload[10])
        guard length <= RelayCell.maxData else { throw .malformedCell("RELAY", "data length \(length) over 498") }
        let cell = RelayCell(command: payload[0], streamID: UInt16(payload[3]) << 8 | UInt16(payload[4]), data: Array(payload[11..<(11 + length)]))
        return (cell, digest)
    }
}
