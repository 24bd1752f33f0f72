/// An additional address and port a relay listens on for OR connections, from an
/// `or-address` line (`or-address [2001:db8::1]:9001` or `or-address 192.0.2.1:443`).
///
/// ```swift
/// let orAddress = ORAddress(parsing: "[2001:db8::1]:9001")!
/// print(orAddress.address, orAddress.port, orAddress.isIPv6)   // 2001:db8::1 9001 true
/// ```
public struct ORAddress: Sendable, Hashable, CustomStringConvertible {
    public let address: IPAddress
    public let port: Int

    public init(address: IPAddress, port: Int) {
        self.address = address
        self.port = port
    }

    /// Parses `address:port`, the IPv6 address in brackets (bare IPv6 is accepted too, as
    /// the port follows the last colon).
    public init?(parsing text: String) {
        let bytes = Array(text.utf8)
        guard let value = ORAddress.parse(bytes[...], 0..<bytes.count) else { return nil }
        self = value
    }

    public var isIPv6: Bool { address.isIPv6 }

    /// `192.0.2.1:443` or `[2001:db8::1]:9001`.
    public var description: String {
        isIPv6 ? "[\(address)]:\(port)" : "\(address):\(port)"
    }

    /// The port must be 1...65535 (dir-spec: "a number between 1 and 65535 inclusive"). An IPv4
    /// address must not be bracketed; an IPv6 one must be when `requireBrackets` (strict mode).
    static func parse(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>, requireBrackets: Bool = false) -> ORAddress? {
        guard range.lowerBound >= bytes.startIndex, range.upperBound <= bytes.endIndex else { return nil }
        return ByteCursor.with(bytes) { $0.orAddress(range, requireBrackets: requireBrackets) }
    }
}
