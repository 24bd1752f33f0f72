// Warm-table rows for the other document types CollecTor archives (exit lists, bandwidth
// files, certificates, detached signatures, bridge statuses, v2 statuses, diffs, onion-service
// descriptors, bridge pool assignments, BridgeDB metrics, snowflake and Torperf statistics),
// measured like the main rows: the files read into memory once, then split and parsed in
// repeated rounds, best and median round. They go through `AnyDescriptor.parseAll`, the path
// `tordesc parse` and `DescriptorReader` take, since several of these types are whole-file
// formats without a document splitter of their own. Web server logs are left out: their files
// are xz-compressed, and this table times parsing, not decoding.
import Dispatch
import TorDescriptors

enum CollecTorTypesBenchmark {
    static let types: [DescriptorType] = [
        .keyCertificate, .detachedSignature, .bridgeNetworkStatus, .networkStatusV2, .consensusDiff,
        .onionServiceDescriptor, .exitList, .bandwidthFile, .bridgePoolAssignment, .bridgedbMetrics,
        .snowflakeStats, .torperf,
    ]

    static func run(options: Options) {
        for type in types {
            let inputs = files(of: type, under: options.roots)
            guard !inputs.isEmpty else { print("\(type.rawValue): no files"); continue }
            var result = Measurement()
            result.bytes = inputs.reduce(0) { $0 + $1.bytes.count }
            for round in 0..<options.rounds {
                var documents = 0, failures = 0
                let start = DispatchTime.now().uptimeNanoseconds
                for input in inputs {
                    for parsed in AnyDescriptor.parseAll(input.bytes[...], as: type, mode: options.mode) {
                        switch parsed {
                        case .success(let document): withExtendedLifetime(document) {}; documents += 1
                        case .failure: failures += 1
                        }
                    }
                }
                result.roundSeconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                if round == 0 { (result.documents, result.failures) = (documents, failures) }
            }
            printRow(type, inputs: inputs, result)
        }
    }

    /// One row of the warm table, printed and kept for `--json`, as `report` in main.swift.
    static func printRow(_ type: DescriptorType, inputs: [(path: String, bytes: [UInt8])], _ result: Measurement) {
        let sorted = result.roundSeconds.sorted()
        let best = sorted.first ?? 0, median = sorted[sorted.count / 2]
        let perDocument = { (seconds: Double) in result.documents > 0 ? seconds * 1e6 / Double(result.documents) : 0 }
        print([
            type.rawValue.padding(toLength: 38, withPad: " ", startingAt: 0),
            String(inputs.count).leftPad(6), String(result.documents).leftPad(10), String(result.failures).leftPad(7),
            format(Double(result.bytes) / 1e6, 2).leftPad(8), format(perDocument(best), 2).leftPad(13),
            format(perDocument(median), 2).leftPad(14), format(Double(result.bytes) / 1e6 / best, 0).leftPad(6),
        ].joined(separator: " "))
        jsonRows.append([
            "section": "warm", "workload": "parse", "type": type.rawValue, "files": inputs.map(\.path), "documents": result.documents,
            "failures": result.failures, "bytes": result.bytes, "best_seconds": best, "median_seconds": median,
            "best_us_per_document": perDocument(best), "median_us_per_document": perDocument(median),
        ])
    }
}
