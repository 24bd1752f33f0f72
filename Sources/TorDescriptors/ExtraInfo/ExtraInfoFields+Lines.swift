/// Decoders for the extra-info lines with a structure of their own.
extension ExtraInfoFields {
    /// `transport name [address:port [args...]]`; CollecTor leaves only the name for bridges.
    static func transport(_ document: Document, _ item: DocumentItem) throws(DescriptorParseError) -> PluggableTransport {
        let bytes = document.bytes
        var cursor = item.argumentCursor(in: bytes)
        guard let name = cursor.next() else { throw malformed(document, item, "missing transport name") }
        guard let endpoint = cursor.next() else {
            return PluggableTransport(name: document.string(name), address: nil, port: nil, arguments: [])
        }
        var colon = endpoint.upperBound - 1
        while colon > endpoint.lowerBound, bytes[colon] != UInt8(ascii: ":") { colon -= 1 }
        guard colon > endpoint.lowerBound, bytes[colon] == UInt8(ascii: ":") else {
            throw malformed(document, item, "expected address:port after the transport name")
        }
        var host = endpoint.lowerBound..<colon
        if host.count >= 2, bytes[host.lowerBound] == UInt8(ascii: "["), bytes[host.upperBound - 1] == UInt8(ascii: "]") {
            host = (host.lowerBound + 1)..<(host.upperBound - 1)
        }
        guard let address = IPAddress.parse(bytes, host) else {
            throw malformed(document, item, "'\(ByteText.escaped(bytes, host))' is not an IP address")
        }
        guard let port = ByteText.unsigned(bytes, (colon + 1)..<endpoint.upperBound), port <= 65_535 else {
            throw malformed(document, item, "'\(ByteText.escaped(bytes, (colon + 1)..<endpoint.upperBound))' is not a port")
        }
        let arguments = cursor.all().map { document.string($0) }
        return PluggableTransport(name: document.string(name), address: address, port: port, arguments: arguments)
    }

    /// `NUM key=val key=val ...` of the `hidserv-*` value lines.
    static func hiddenServiceStatistic(_ document: Document, _ item: DocumentItem) throws(DescriptorParseError) -> HiddenServiceStatistic {
        let bytes = document.bytes
        var cursor = item.argumentCursor(in: bytes)
        let value = try document.signedInteger(&cursor, item, name: "value")
        var attributes: [HiddenServiceStatistic.Attribute] = []
        while let word = cursor.next() {
            var equals = word.lowerBound
            while equals < word.upperBound, bytes[equals] != UInt8(ascii: "=") { equals += 1 }
            guard equals < word.upperBound, equals > word.lowerBound else {
                throw malformed(document, item, "expected key=value, got '\(ByteText.escaped(bytes, word))'")
            }
            attributes.append(.init(key: document.string(word.lowerBound..<equals),
                                    value: document.string((equals + 1)..<word.upperBound)))
        }
        return HiddenServiceStatistic(value: value, attributes: attributes)
    }

    /// `padding-counts YYYY-MM-DD HH:MM:SS (NSEC s) key=NUM key=NUM ...`.
    static func paddingCounts(_ document: Document, _ item: DocumentItem) throws(DescriptorParseError) -> PaddingCounts {
        let bytes = document.bytes
        var cursor = item.argumentCursor(in: bytes)
        let span = try period(&cursor, document, item)
        var counts = StatCounts<String>()
        while let word = cursor.next() {
            try forEachPair(word, separator: UInt8(ascii: " "), document, item) { (key, value) throws(DescriptorParseError) in
                guard !key.isEmpty else { throw malformed(document, item, "empty key") }
                counts.append(ByteText.string(bytes, key), try count(value, key: key, document, item))
            }
        }
        return PaddingCounts(end: span.end, interval: span.interval, counts: counts)
    }

    /// `conn-bi-direct YYYY-MM-DD HH:MM:SS (NSEC s) BELOW,READ,WRITE,BOTH`.
    static func connectionDirections(_ document: Document, _ item: DocumentItem, strict: Bool) throws(DescriptorParseError) -> ConnectionDirections {
        var cursor = item.argumentCursor(in: document.bytes)
        let span = try period(&cursor, document, item)
        guard let list = cursor.next() else { throw malformed(document, item, "missing BELOW,READ,WRITE,BOTH") }
        let values = try unsignedList(list, document, item, what: "connection count")
        guard values.count == 4 else { throw malformed(document, item, "expected four counts BELOW,READ,WRITE,BOTH") }
        try expectEnd(cursor, document, item, strict: strict)
        return ConnectionDirections(end: span.end, interval: span.interval,
                                    below: values[0], read: values[1], write: values[2], both: values[3])
    }

    /// `overload-ratelimits version YYYY-MM-DD HH:MM:SS rate burst read-count write-count`.
    static func overloadRateLimits(_ document: Document, _ item: DocumentItem, strict: Bool) throws(DescriptorParseError) -> OverloadRateLimits {
        var cursor = item.argumentCursor(in: document.bytes)
        let version = try document.unsignedInteger(&cursor, item, name: "version")
        let time = try document.timestamp(&cursor, item)
        let rate = try document.unsignedInteger(&cursor, item, name: "rate-limit")
        let burst = try document.unsignedInteger(&cursor, item, name: "burst-limit")
        let read = try document.unsignedInteger(&cursor, item, name: "read-overload-count")
        let write = try document.unsignedInteger(&cursor, item, name: "write-overload-count")
        try expectEnd(cursor, document, item, strict: strict)
        return OverloadRateLimits(version: version, time: time, rateLimit: rate, burstLimit: burst,
                                  readOverloadCount: read, writeOverloadCount: write)
    }

    /// `overload-fd-exhausted version YYYY-MM-DD HH:MM:SS`.
    static func overloadFDExhausted(_ document: Document, _ item: DocumentItem, strict: Bool) throws(DescriptorParseError) -> OverloadFDExhausted {
        var cursor = item.argumentCursor(in: document.bytes)
        let version = try document.unsignedInteger(&cursor, item, name: "version")
        let time = try document.timestamp(&cursor, item)
        try expectEnd(cursor, document, item, strict: strict)
        return OverloadFDExhausted(version: version, time: time)
    }

    /// `YYYY-MM-DD HH:MM:SS` alone on the line.
    static func time(_ document: Document, _ item: DocumentItem, strict: Bool) throws(DescriptorParseError) -> TorTimestamp {
        var cursor = item.argumentCursor(in: document.bytes)
        let value = try document.timestamp(&cursor, item)
        try expectEnd(cursor, document, item, strict: strict)
        return value
    }

    /// A single non-negative integer alone on the line.
    static func integer(_ document: Document, _ item: DocumentItem, strict: Bool) throws(DescriptorParseError) -> Int {
        var cursor = item.argumentCursor(in: document.bytes)
        let value = try document.unsignedInteger(&cursor, item, name: "value")
        try expectEnd(cursor, document, item, strict: strict)
        return value
    }
}
