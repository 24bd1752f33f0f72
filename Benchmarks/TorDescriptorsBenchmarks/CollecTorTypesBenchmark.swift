// Warm-table rows for the other document types CollecTor archives (exit lists, bandwidth
// files, certificates, detached signatures, bridge statuses, v2 statuses, diffs, onion-service
// descriptors, bridge pool assignments, BridgeDB metrics, snowflake and Torperf statistics),
// measured like the main rows: the files read into memory once, then split and parsed in
// repeated rounds, best and median round. They go through `AnyDescriptor.parseAll`, the path
// `tordesc parse` and `DescriptorReader` take, since several of these types are whole-file
// formats without a document splitter of their own. Web server logs are left out: their files
// are xz-compressed, and this table times parsing, not decoding.
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
            let result = measure(inputs, options: options) { bytes in
                var documents = 0, failures = 0
                for parsed in AnyDescriptor.parseAll(bytes[...], as: type, mode: options.mode) {
                    switch parsed {
                    case .success(let document): withExtendedLifetime(document) {}; documents += 1
                    case .failure: failures += 1
                    }
                }
                return (documents, failures)
            }
            printWarmRow(type, inputs: inputs, result)
        }
    }
}
