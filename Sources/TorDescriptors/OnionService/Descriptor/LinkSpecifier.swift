/// One link specifier of an introduction point (tor-spec §5.1.2, rend-spec-v3 §0.4): how a
/// client reaches and identifies the relay, sent verbatim in its EXTEND2 cell.
///
/// ```swift
/// let specifiers = try LinkSpecifier.decodeList(bytes)
/// for case .ipv4(let address, let port) in specifiers { print("\(address):\(port)") }
/// ```
public enum LinkSpecifier: Sendable, Hashable, CustomStringConvertible {
    /// Type 0: TLS over TCP to an IPv4 address (4 bytes and a 2-byte port).
    case ipv4(IPAddress, port: Int)
    /// Type 1: TLS over TCP to an IPv6 address (16 bytes and a 2-byte port).
    case ipv6(IPAddress, port: Int)
    /// Type 2: the relay's legacy RSA identity fingerprint (20 bytes).
    case legacyID(Fingerprint)
    /// Type 3: the relay's Ed25519 identity key (32 bytes).
    case ed25519ID([UInt8])
    /// Any other type, kept as written: clients pass unknown specifiers on unchanged.
    case unknown(type: UInt8, data: [UInt8])

    /// Why a link specifier list could not be decoded.
    ///
    /// ```swift
    /// do { _ = try LinkSpecifier.decodeList(bytes) } catch { print(error) }
    /// ```
    public enum DecodingError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The list ends inside specifier `index`.
        case truncated(index: Int)
        /// Specifier `index` of a known type has the wrong length.
        case badLength(index: Int, type: UInt8, length: Int)
        /// Bytes after the last specifier the count announced.
        case trailingBytes(Int)
        /// NSPEC is zero (tor's encoder never writes an empty list).
        case empty

        public var description: String {
            switch self {
            case .truncated(let index): "link specifier \(index) runs past the end"
            case .badLength(let index, let type, let length): "link specifier \(index) of type \(type) has \(length) bytes"
            case .trailingBytes(let count): "\(count) bytes after the last link specifier"
            case .empty: "no link specifiers"
            }
        }
    }

    /// The specifier's type byte (LSTYPE).
    public var type: UInt8 {
        switch self {
        case .ipv4: 0
        case .ipv6: 1
        case .legacyID: 2
        case .ed25519ID: 3
        case .unknown(let type, _): type
        }
    }

    public var description: String {
        switch self {
        case .ipv4(let address, let port): "\(address):\(port)"
        case .ipv6(let address, let port): "[\(address)]:\(port)"
        case .legacyID(let fingerprint): "$\(fingerprint.hex)"
        case .ed25519ID(let key): "ed25519:\(Base64.encode(key, padded: false))"
        case .unknown(let type, let data): "type \(type): \(Hex.encode(data))"
        }
    }

    /// Decodes `NSPEC` then `NSPEC` × (`LSTYPE`, `LSLEN`, `LSPEC`), all of `bytes`.
    public static func decodeList(_ bytes: [UInt8]) throws(DecodingError) -> [LinkSpecifier] {
        guard let count = bytes.first else { throw .empty }
        if count == 0 { throw .empty }
        var position = 1
        var result: [LinkSpecifier] = []
        result.reserveCapacity(Int(count))
        for index in 0..<Int(count) {
            guard position + 2 <= bytes.count else { throw .truncated(index: index) }
            let type = bytes[position]
            let length = Int(bytes[position + 1])
            position += 2
            guard position + length <= bytes.count else { throw .truncated(index: index) }
            let data = Array(bytes[position..<(position + length)])
            position += length
            func port(_ at: Int) -> Int { Int(data[at]) << 8 | Int(data[at + 1]) }
            switch type {
            case 0:
                guard length == 6 else { throw .badLength(index: index, type: type, length: length) }
                let value = data[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                result.append(.ipv4(.v4(value), port: port(4)))
            case 1:
                guard length == 18 else { throw .badLength(index: index, type: type, length: length) }
                let high = data[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                let low = data[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                result.append(.ipv6(.v6(high: high, low: low), port: port(16)))
            case 2:
                guard length == 20, let fingerprint = Fingerprint(bytes: data) else {
                    throw .badLength(index: index, type: type, length: length)
                }
                result.append(.legacyID(fingerprint))
            case 3:
                guard length == 32 else { throw .badLength(index: index, type: type, length: length) }
                result.append(.ed25519ID(data))
            default:
                result.append(.unknown(type: type, data: data))
            }
        }
        guard position == bytes.count else { throw .trailingBytes(bytes.count - position) }
        return result
    }
}
