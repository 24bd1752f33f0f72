/// Argument decoders shared by the document parsers: each returns a value or throws a
/// ``DescriptorParseError`` naming the item, so a parser reads like the spec.
extension TokenizedDocument {
    /// `YYYY-MM-DD HH:MM:SS` from the next two arguments.
    public func timestamp(_ cursor: inout ArgumentCursor, _ item: DocumentItem) throws(DescriptorParseError) -> TorTimestamp {
        guard let value = TorTimestamp.parse(bytes, cursor: &cursor) else {
            throw error(.malformedArguments("expected YYYY-MM-DD HH:MM:SS in '\(ByteText.escaped(bytes, item.arguments))'"), at: item)
        }
        return value
    }

    /// A non-negative decimal integer from the next argument.
    public func unsignedInteger(_ cursor: inout ArgumentCursor, _ item: DocumentItem, name: String) throws(DescriptorParseError) -> Int {
        guard let word = cursor.next() else { throw error(.malformedArguments("missing \(name)"), at: item) }
        guard let value = ByteText.unsigned(bytes, word) else {
            throw error(.malformedArguments("\(name) is not a non-negative integer: '\(ByteText.escaped(bytes, word))'"), at: item)
        }
        return value
    }

    /// A decimal integer (optional `-`) from the next argument.
    public func signedInteger(_ cursor: inout ArgumentCursor, _ item: DocumentItem, name: String) throws(DescriptorParseError) -> Int {
        guard let word = cursor.next() else { throw error(.malformedArguments("missing \(name)"), at: item) }
        guard let value = ByteText.signed(bytes, word) else {
            throw error(.malformedArguments("\(name) is not an integer: '\(ByteText.escaped(bytes, word))'"), at: item)
        }
        return value
    }

    /// A port (0...65535) from the next argument.
    public func port(_ cursor: inout ArgumentCursor, _ item: DocumentItem, name: String) throws(DescriptorParseError) -> Int {
        let value = try unsignedInteger(&cursor, item, name: name)
        guard value <= 65_535 else { throw error(.malformedArguments("\(name) out of range: \(value)"), at: item) }
        return value
    }

    /// An IPv4 or IPv6 address from the next argument.
    public func address(_ cursor: inout ArgumentCursor, _ item: DocumentItem, name: String) throws(DescriptorParseError) -> IPAddress {
        guard let word = cursor.next() else { throw error(.malformedArguments("missing \(name)"), at: item) }
        guard let value = IPAddress.parse(bytes, word) else {
            throw error(.malformedArguments("\(name) is not an IP address: '\(ByteText.escaped(bytes, word))'"), at: item)
        }
        return value
    }

    /// A fingerprint (40 hex digits, optional `$`) from a range.
    public func fingerprint(_ range: Range<Int>, _ item: DocumentItem) throws(DescriptorParseError) -> Fingerprint {
        guard let value = Fingerprint.parse(bytes, range) else {
            throw error(.malformedArguments("not a fingerprint: '\(ByteText.escaped(bytes, range))'"), at: item)
        }
        return value
    }

    /// Base64 bytes (padding optional) from a range, optionally of an exact decoded length.
    public func base64(_ range: Range<Int>, _ item: DocumentItem, length: Int? = nil) throws(DescriptorParseError) -> [UInt8] {
        guard let value = Base64.decode(bytes[range]), length == nil || value.count == length else {
            throw error(.malformedArguments("not valid base64\(length.map { " of \($0) bytes" } ?? ""): '\(ByteText.escaped(bytes, range))'"), at: item)
        }
        return value
    }

    /// The item's object, checked for type name; throws if absent or of another type.
    public func object(_ item: DocumentItem, named names: StaticString...) throws(DescriptorParseError) -> DocumentObject {
        guard let object = item.object else { throw error(.malformedObject("missing object"), at: item) }
        for name in names where ByteText.equals(bytes, object.name, name) { return object }
        throw error(.malformedObject("unexpected object type '\(object.name(in: bytes))'"), at: item)
    }
}
