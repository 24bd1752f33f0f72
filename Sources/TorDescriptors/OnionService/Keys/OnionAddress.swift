/// A v3 onion address: a service's 32-byte Ed25519 identity key, checked by a version byte
/// and a two-byte checksum (rend-spec-v3 section 6, "Encoding onion addresses").
///
/// The text form is `base32(PUBKEY | CHECKSUM | VERSION)`, 56 characters, usually followed by
/// `.onion`; CHECKSUM is the first two bytes of SHA3-256(".onion checksum" | PUBKEY | VERSION)
/// and VERSION is 3. Decoding accepts either case and the address with or without `.onion`;
/// encoding gives lower case with the suffix, as tor prints it. Like tor, the key must be a
/// curve point without a small-order component.
///
/// ```swift
/// let address = try OnionAddress("pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion")
/// print(address.identityKey.count)   // 32
/// print(address)                     // pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion
/// ```
public struct OnionAddress: Sendable, Hashable, CustomStringConvertible {
    /// The only address version this type reads and writes.
    public static let version: UInt8 = 3
    /// Characters of base32 before `.onion`.
    public static let encodedLength = 56

    /// The service's Ed25519 master identity public key (32 bytes).
    public let identityKey: [UInt8]

    /// Decodes `<56 base32 characters>` with or without a trailing `.onion` (either case).
    public init(_ text: some StringProtocol) throws(OnionAddressError) {
        try self.init(utf8: Array(text.utf8))
    }

    /// Decodes the address from its ASCII bytes (as ``init(_:)``); any byte sequence gives a
    /// value or a typed error.
    public init(utf8 bytes: [UInt8]) throws(OnionAddressError) {
        var text = bytes[...]
        let suffix = Array(".onion".utf8)
        if text.count >= suffix.count,
           zip(text.suffix(suffix.count), suffix).allSatisfy({ OnionAddress.lowercased($0.0) == $0.1 }) {
            text = text.dropLast(suffix.count)
        }
        guard text.count == Self.encodedLength else { throw .wrongLength(text.count) }
        let decoded = try Self.base32Decode(text)
        let key = Array(decoded[0..<32])
        let checksum = Array(decoded[32..<34])
        let version = decoded[34]
        guard version == Self.version else { throw .unsupportedVersion(version) }
        let expected = try Self.checksum(identityKey: key, version: version)
        guard checksum == expected else { throw .checksumMismatch(expected: expected, found: checksum) }
        try Self.checkPoint(key)
        identityKey = key
    }

    /// The address of a service whose identity key is `identityKey` (32 bytes).
    public init(identityKey: some Collection<UInt8>) throws(OnionAddressError) {
        guard identityKey.count == 32 else { throw .keyLength(identityKey.count) }
        self.identityKey = Array(identityKey)
        // Fail here, not when printing, where SHA3 is missing.
        _ = try Self.checksum(identityKey: self.identityKey, version: Self.version)
        try Self.checkPoint(self.identityKey)
    }

    /// Tor's `ed25519_validate_pubkey`: the key must decode to a curve point with no
    /// small-order component, or several addresses would name one service (rend-spec-v3 2.2.7).
    static func checkPoint(_ key: [UInt8]) throws(OnionAddressError) {
        guard let point = EdwardsPoint25519(encoded: key) else { throw .notACurvePoint }
        guard point.isInPrimeOrderSubgroup else { throw .torsionComponent }
    }

    /// The 56 base32 characters, lower case, without `.onion`.
    public var encoded: String {
        // The checksum was computed once at init, so SHA3 is known to be available.
        let checksum = (try? Self.checksum(identityKey: identityKey, version: Self.version)) ?? [0, 0]
        return Self.base32Encode(identityKey + checksum + [Self.version])
    }

    /// `<56 characters>.onion`, lower case.
    public var hostname: String { encoded + ".onion" }

    public var description: String { hostname }

    /// SHA3-256(".onion checksum" | key | version)[:2].
    static func checksum(identityKey: [UInt8], version: UInt8) throws(OnionAddressError) -> [UInt8] {
        guard let digest = OnionSHA3.hash(Array(".onion checksum".utf8), identityKey, [version]) else {
            throw .sha3Unavailable
        }
        return Array(digest[0..<2])
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
    }

    /// RFC 4648 base32 value of one character (either case), or `nil`.
    private static func base32Value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x61...0x7A: byte - 0x61          // a–z
        case 0x41...0x5A: byte - 0x41          // A–Z
        case 0x32...0x37: byte - 0x32 + 26     // 2–7
        default: nil
        }
    }

    /// 56 characters are exactly 280 bits: 35 bytes, no padding.
    package static func base32Decode(_ text: ArraySlice<UInt8>) throws(OnionAddressError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(35)
        var buffer: UInt32 = 0, bits = 0
        for (offset, byte) in text.enumerated() {
            guard let value = base32Value(byte) else { throw .invalidCharacter(offset: offset, byte: byte) }
            buffer = buffer << 5 | UInt32(value)
            bits += 5
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
                buffer &= (1 << UInt32(bits)) - 1
            }
        }
        return out
    }

    static func base32Encode(_ bytes: [UInt8]) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)
        var out: [UInt8] = []
        var buffer: UInt32 = 0, bits = 0
        for byte in bytes {
            buffer = buffer << 8 | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                out.append(alphabet[Int(buffer >> UInt32(bits) & 31)])
            }
            buffer &= (1 << UInt32(bits)) - 1
        }
        if bits > 0 { out.append(alphabet[Int(buffer << UInt32(5 - bits) & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Why a v3 onion address or an onion-service key was refused.
///
/// ```swift
/// do { _ = try OnionAddress("example.onion") } catch { print(error) }
/// // onion address: 7 base32 characters before .onion, expected 56
/// ```
public enum OnionAddressError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not 56 characters (after removing `.onion`).
    case wrongLength(Int)
    /// A byte outside the base32 alphabet, at this offset of the address.
    case invalidCharacter(offset: Int, byte: UInt8)
    /// The version byte is not 3.
    case unsupportedVersion(UInt8)
    /// The two checksum bytes do not match the key and version.
    case checksumMismatch(expected: [UInt8], found: [UInt8])
    /// A key that is not 32 bytes.
    case keyLength(Int)
    /// The key is not the encoding of a point on the Ed25519 curve.
    case notACurvePoint
    /// The key's point has a small-order (torsion) component, which tor refuses.
    case torsionComponent
    /// This platform's Crypto module has no SHA3-256 (Apple platforms).
    case sha3Unavailable

    public var description: String {
        switch self {
        case .wrongLength(let count): "onion address: \(count) base32 characters before .onion, expected 56"
        case .invalidCharacter(let offset, let byte):
            "onion address: byte 0x\(String(byte, radix: 16)) at offset \(offset) is not base32"
        case .unsupportedVersion(let version): "onion address: version \(version), only version 3 is supported"
        case .checksumMismatch(let expected, let found):
            "onion address: checksum \(Hex.encode(found, uppercase: false)) does not match the key (expected \(Hex.encode(expected, uppercase: false)))"
        case .keyLength(let count): "onion service key: \(count) bytes, expected 32"
        case .notACurvePoint: "onion service key: not a point on the Ed25519 curve"
        case .torsionComponent: "onion service key: the point has a torsion component (tor refuses such addresses)"
        case .sha3Unavailable: "SHA3-256 is not available on this platform"
        }
    }
}

extension OnionAddress {
    /// The service's credential for decrypting its descriptors in one time period:
    /// SHA3-256("subcredential" | SHA3-256("credential" | identityKey) | blindedKey)
    /// (rend-spec-v3 section 2.1, [SUBCRED]).
    ///
    /// ```swift
    /// let subcredential = try OnionAddress.subcredential(identityKey: address.identityKey, blindedKey: blinded)
    /// ```
    public static func subcredential(identityKey: some Collection<UInt8>,
                                     blindedKey: some Collection<UInt8>) throws(OnionAddressError) -> [UInt8] {
        guard identityKey.count == 32 else { throw .keyLength(identityKey.count) }
        guard blindedKey.count == 32 else { throw .keyLength(blindedKey.count) }
        guard let credential = OnionSHA3.hash(Array("credential".utf8), Array(identityKey)),
              let subcredential = OnionSHA3.hash(Array("subcredential".utf8), credential, Array(blindedKey))
        else { throw .sha3Unavailable }
        return subcredential
    }

    /// This address's subcredential for the period whose blinded key is `blindedKey`.
    public func subcredential(blindedKey: some Collection<UInt8>) throws(OnionAddressError) -> [UInt8] {
        try Self.subcredential(identityKey: identityKey, blindedKey: blindedKey)
    }
}
