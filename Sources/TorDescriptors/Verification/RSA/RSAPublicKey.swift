/// An RSA public key as Tor writes it: a PEM `RSA PUBLIC KEY` object holding a DER PKCS#1
/// `RSAPublicKey` (modulus and public exponent).
///
/// Tor signs with PKCS#1 v1.5 type-1 padding around the *raw* digest (no DigestInfo), which
/// general-purpose RSA APIs refuse, so verification is done here: `recoverMessage(from:)`
/// undoes the padding and returns what was signed; `isValidSignature(_:for:)` compares it.
///
/// ```swift
/// let key = try RSAPublicKey(der: descriptor.signingKey!)
/// let ok = key.isValidSignature(descriptor.signature!, for: descriptor.digest!)
/// ```
public struct RSAPublicKey: Sendable, Hashable {
    /// The DER bytes the key was read from; SHA-1 of them is the key's fingerprint.
    public let der: [UInt8]
    /// Modulus, big-endian, without leading zero bytes.
    public let modulus: [UInt8]
    /// Public exponent, big-endian, without leading zero bytes.
    public let exponent: [UInt8]
    private let prepared: MontgomeryModulus

    /// Size of the modulus in bits (1024 for relay keys, 2048 or 3072 for authority identities).
    public var bitCount: Int { modulus.count * 8 - modulus[0].leadingZeroBitCount }
    /// Size of the modulus in bytes: the length of a signature block.
    public var byteCount: Int { modulus.count }
    /// SHA-1 of the DER encoding, as used for relay fingerprints and signing-key digests.
    public var fingerprint: Fingerprint { Fingerprint(bytes: Digest.sha1(der))! }

    /// Reads a DER `RSAPublicKey`, strictly: minimal lengths, positive minimal integers, an odd
    /// modulus of 512...16384 bits, an exponent that is odd and at least 3, nothing trailing.
    public init(der: some Collection<UInt8>) throws(SignatureError) {
        let bytes = Array(der)
        let (modulus, exponent) = try Self.components(der: bytes)
        self.der = bytes
        self.modulus = modulus
        self.exponent = exponent
        self.prepared = MontgomeryModulus(limbs: RSAPublicKey.limbs(bigEndian: modulus, count: (modulus.count + 7) / 8))
    }

    /// The modulus size of a PEM body's key, checked as ``init(der:)`` checks it but without
    /// preparing it for signature checks: what strict parsing needs for tor's `NEED_KEY_1024`.
    package static func modulusBits(pemBody: some Collection<UInt8>) throws(SignatureError) -> Int {
        guard let der = Base64.decode(pemBody) else { throw .malformedKey("bad base64") }
        let modulus = try components(der: der).modulus
        return modulus.count * 8 - modulus[0].leadingZeroBitCount
    }

    private static func components(der bytes: [UInt8]) throws(SignatureError) -> (modulus: [UInt8], exponent: [UInt8]) {
        var reader = DERReader(bytes: bytes)
        let sequence = try reader.read(tag: 0x30)
        guard reader.isAtEnd else { throw .malformedKey("bytes after the key") }
        var fields = DERReader(bytes: Array(bytes[sequence]))
        let modulus = try fields.readPositiveInteger()
        let exponent = try fields.readPositiveInteger()
        guard fields.isAtEnd else { throw .malformedKey("extra fields in RSAPublicKey") }
        let bits = modulus.count * 8 - modulus[0].leadingZeroBitCount
        guard (512...16384).contains(bits) else { throw .malformedKey("modulus of \(bits) bits") }
        guard modulus[modulus.count - 1] & 1 == 1 else { throw .malformedKey("even modulus") }
        guard exponent.count <= 8, exponent[exponent.count - 1] & 1 == 1,
              exponent.count > 1 || exponent[0] >= 3
        else { throw .malformedKey("unsupported public exponent") }
        return (modulus, exponent)
    }

    /// Reads the base64 body of a PEM object (the bytes between its BEGIN and END lines).
    public init(pemBody: some Collection<UInt8>) throws(SignatureError) {
        guard let der = Base64.decode(pemBody) else { throw .malformedKey("bad base64") }
        try self.init(der: der)
    }

    /// Applies the public key to `signature` and removes PKCS#1 v1.5 type-1 padding:
    /// `00 01 FF…FF 00 message`, with at least eight `FF` bytes. Returns the message.
    ///
    /// As OpenSSL does, a signature shorter than the modulus is read as a big-endian number
    /// (leading zero bytes omitted); one longer than the modulus, or not below it, is rejected.
    public func recoverMessage(from signature: some Collection<UInt8>) throws(SignatureError) -> [UInt8] {
        let sig = Array(signature)
        guard !sig.isEmpty, sig.count <= modulus.count else {
            throw .badSignatureLength(expected: modulus.count, actual: sig.count)
        }
        let k = prepared.count
        let value = RSAPublicKey.limbs(bigEndian: sig, count: k)
        guard prepared.isLess(value, prepared.limbs) else { throw .signatureNotBelowModulus }
        let block = RSAPublicKey.bigEndian(limbs: prepared.power(value, exponent: exponent), byteCount: modulus.count)
        // 00 01 FF{8,} 00 message
        guard block.count >= 11, block[0] == 0x00, block[1] == 0x01 else { throw .badPadding("block type is not 01") }
        var index = 2
        while index < block.count, block[index] == 0xFF { index += 1 }
        guard index < block.count, block[index] == 0x00 else { throw .badPadding("no 00 separator after the FF run") }
        guard index - 2 >= 8 else { throw .badPadding("fewer than eight FF padding bytes") }
        return Array(block[(index + 1)...])
    }

    /// Whether `signature` is this key's PKCS#1 v1.5 type-1 signature of exactly `message`
    /// (for Tor documents, the raw SHA-1 or SHA-256 digest).
    public func isValidSignature(_ signature: some Collection<UInt8>, for message: some Collection<UInt8>) -> Bool {
        guard let recovered = try? recoverMessage(from: signature) else { return false }
        return recovered.elementsEqual(message)
    }

    /// Throws unless `signature` signs exactly `message`; the error says what differed.
    public func verify(_ signature: some Collection<UInt8>, for message: some Collection<UInt8>) throws(SignatureError) {
        let recovered = try recoverMessage(from: signature)
        guard recovered.elementsEqual(message) else {
            throw recovered.count == message.count ? .digestMismatch : .signedLengthMismatch(expected: message.count, actual: recovered.count)
        }
    }

    public static func == (a: RSAPublicKey, b: RSAPublicKey) -> Bool { a.der == b.der }
    public func hash(into hasher: inout Hasher) { hasher.combine(der) }

    static func limbs(bigEndian bytes: [UInt8], count: Int) -> [UInt64] {
        var limbs = [UInt64](repeating: 0, count: count)
        var shift: UInt64 = 0
        var limb = 0
        for byte in bytes.reversed() {
            if limb >= count { break }
            limbs[limb] |= UInt64(byte) << shift
            shift += 8
            if shift == 64 { shift = 0; limb += 1 }
        }
        return limbs
    }

    static func bigEndian(limbs: [UInt64], byteCount: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: byteCount)
        for i in 0..<byteCount {
            let limb = i / 8
            guard limb < limbs.count else { break }
            out[byteCount - 1 - i] = UInt8(truncatingIfNeeded: limbs[limb] >> UInt64((i % 8) * 8))
        }
        return out
    }
}

/// Just enough strict DER for `RSAPublicKey`.
private struct DERReader {
    let bytes: [UInt8]
    var index = 0
    var isAtEnd: Bool { index == bytes.count }

    mutating func read(tag: UInt8) throws(SignatureError) -> Range<Int> {
        guard index < bytes.count, bytes[index] == tag else { throw .malformedKey("expected DER tag \(tag)") }
        index += 1
        guard index < bytes.count else { throw .malformedKey("truncated DER length") }
        var length = Int(bytes[index])
        index += 1
        if length & 0x80 != 0 {
            let octets = length & 0x7F
            guard (1...3).contains(octets), index + octets <= bytes.count else { throw .malformedKey("bad DER length") }
            length = 0
            for _ in 0..<octets { length = length << 8 | Int(bytes[index]); index += 1 }
            guard length >= 0x80, length >> ((octets - 1) * 8) != 0 else { throw .malformedKey("non-minimal DER length") }
        }
        guard length <= bytes.count - index else { throw .malformedKey("DER length past the end") }
        defer { index += length }
        return index..<(index + length)
    }

    mutating func readPositiveInteger() throws(SignatureError) -> [UInt8] {
        let range = try read(tag: 0x02)
        guard !range.isEmpty else { throw .malformedKey("empty INTEGER") }
        guard bytes[range.lowerBound] & 0x80 == 0 else { throw .malformedKey("negative INTEGER") }
        var start = range.lowerBound
        if bytes[start] == 0 {
            guard range.count > 1, bytes[start + 1] & 0x80 != 0 else { throw .malformedKey("non-minimal INTEGER") }
            start += 1
        }
        return Array(bytes[start..<range.upperBound])
    }
}
