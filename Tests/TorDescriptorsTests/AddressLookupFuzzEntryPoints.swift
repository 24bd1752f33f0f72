import TorDescriptors

// MARK: - The address lookup index (tordesc lookup's cache files)

extension FuzzEntryPoints {
    /// The input is an index file. Reading its header and table never traps; when they are
    /// accepted, searching every document for a few addresses (and reading every record slot
    /// of the first document) never traps, and a search returns only records of the address it
    /// was asked for, never more records than the document has.
    static func lookupIndex(_ data: [UInt8]) {
        guard let length = try? AddressLookupIndexReader.prefixLength(header: data.prefix(AddressLookupIndexReader.headerLength)),
              let reader = try? AddressLookupIndexReader(prefix: data.prefix(length), fileLength: data.count) else { return }
        guard reader.documents.count * 32 <= data.count else { violated("more documents than the table holds", data) }
        let read = { (range: Range<Int>) -> [UInt8]? in
            range.lowerBound >= 0 && range.upperBound <= data.count ? Array(data[range]) : nil
        }
        let probes: [IPAddress] = [.v4(0), .v4(.max), .v4(0xB234_1127), .v6(high: 0, low: 0), .v6(high: .max, low: .max),
                                   .v6(high: 0x2001_0db8_0000_0000, low: 1)]
        for document in reader.documents.prefix(64) {
            for probe in probes {
                guard let records = try? reader.records(of: probe, in: document, read: read) else { continue }
                guard records.count <= document.recordCount else { violated("more records than the document has", data) }
                guard records.allSatisfy({ $0.address == probe }) else { violated("a record of another address for \(probe)", data) }
            }
        }
        if let first = reader.documents.first {
            for index in 0..<min(first.recordCount, 4096) {
                let start = first.recordsOffset + index * 72
                guard let bytes = read(start..<(start + 72)) else { break }
                _ = try? AddressLookupIndexReader.decodeRecord(bytes[...])
            }
        }
    }
}
