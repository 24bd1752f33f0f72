import TorDescriptors

// MARK: - CollecTor's statistics formats (bridge pool assignments, BridgeDB, snowflake, Torperf, web logs)

extension FuzzEntryPoints {
    /// Strict never accepts what lenient rejects and the two agree on what both accept; every
    /// document's bytes lie inside the input, in order; JSON output never traps.
    static func collectorDocuments<Document>(_ data: [UInt8], as type: DescriptorType, parse: (ArraySlice<UInt8>, ValidationMode) -> [Result<Document, DescriptorParseError>],
                                             rawBytes: (Document) -> ArraySlice<UInt8>, count: (Document) -> Int) {
        let bytes = data[...]
        let lenient = parse(bytes, .lenient)
        let strict = parse(bytes, .strict)
        guard lenient.count == strict.count else { violated("strict and lenient split the input differently", data) }
        var previousEnd = bytes.startIndex
        for (l, s) in zip(lenient, strict) {
            if case .success(let strictDocument) = s {
                guard case .success(let lenientDocument) = l else { violated("lenient rejected a document strict accepted", data) }
                guard count(strictDocument) == count(lenientDocument) else { violated("strict and lenient disagree on the entries", data) }
            }
            if case .success(let document) = l {
                let raw = rawBytes(document)
                guard raw.startIndex >= previousEnd, raw.endIndex <= bytes.endIndex else { violated("document outside the input or overlapping", data) }
                previousEnd = raw.endIndex
            }
        }
        for result in AnyDescriptor.parseAll(bytes, as: type) {
            if case .success(let document) = result { _ = document.stemJSONLines.map { $0.serialized() }; _ = document.summaryLine }
        }
    }

    static func bridgePoolAssignment(_ data: [UInt8]) {
        collectorDocuments(data, as: .bridgePoolAssignment, parse: { BridgePoolAssignment.parseAll($0, mode: $1) }, rawBytes: \.rawBytes, count: \.entries.count)
    }

    static func bridgedbMetrics(_ data: [UInt8]) {
        collectorDocuments(data, as: .bridgedbMetrics, parse: { BridgedbMetrics.parseAll($0, mode: $1) }, rawBytes: \.rawBytes, count: \.counts.count)
    }

    static func snowflakeStats(_ data: [UInt8]) {
        collectorDocuments(data, as: .snowflakeStats, parse: { SnowflakeStats.parseAll($0, mode: $1) }, rawBytes: \.rawBytes, count: \.counts.count)
    }

    static func torperf(_ data: [UInt8]) {
        collectorDocuments(data, as: .torperf, parse: { TorperfResult.parseAll($0, mode: $1) }, rawBytes: \.rawBytes, count: \.values.count)
    }

    static func webServerAccessLog(_ data: [UInt8]) {
        collectorDocuments(data, as: .webServerAccessLog, parse: { WebServerAccessLog.parseAll($0, mode: $1) }, rawBytes: \.rawBytes, count: \.lines.count)
    }
}
