// Parsing benchmark, comparable with metrics-lib's MeasurePerformance. Run in release mode:
//
//   swift build -c release --product TorDescriptorsBenchmarks
//   nice -n 10 .build/release/TorDescriptorsBenchmarks [options] [ROOT...]
//
// With no ROOT: the warm in-memory table over ../shared/corpus (Resources/corpus with
// --bundled-only or when ../shared/corpus is absent), then CollecTor-shaped inputs built from
// Resources/corpus and ../shared/corpus (FormBenchmark.swift, CollectorForms.swift): every
// type as an extracted directory, a .tar and a .tar.xz, read through DescriptorReader per
// workload and core count. With ROOT arguments: the warm table and the verification figures
// over those roots only (add --forms to build the CollecTor forms from them too).
//
// The warm table: for each document type, the files of that type are read into memory once,
// then split and parsed in repeated rounds; the figure reported is the best round's time per
// document (the "warm" figure metrics-lib quotes), with the median round beside it.
//
// Options:
//   --rounds N          warm-table rounds (15; 1 in debug builds)
//   --strict            strict parsing in the warm table
//   --json FILE         every row of every table as JSON (Benchmarks/compare_stem.py reads it)
//   --mode M            parse | access | verify | all (default all; parse in debug builds): forms-table workloads
//   --cores LIST        forms-table core counts, e.g. 1,2 (default 1 and activeProcessorCount)
//   --form-rounds N     reads per forms-table child (3; 1 in debug builds)
//   --bundled-only      only Resources/corpus (the default in debug builds, to stay fast)
//   --forms             build and measure the CollecTor forms from the ROOT arguments
//   --no-forms          skip the forms table
//   --keep-inputs DIR   keep the built inputs in DIR (for compare_stem.py) instead of deleting them
// Separate modes (each exits after its report): --archive PATH|build (ArchiveBenchmark.swift),
// --archive-size N (ArchiveSizeBenchmark.swift), --memory (MemoryBenchmark.swift).
import Foundation
import TorDescriptors

FormBenchmark.runChildIfRequested()   // --form-child: one forms-table measurement
ArchiveSizeBenchmark.runIfRequested()  // --archive-size N
ArchiveBenchmark.runIfRequested()   // --archive PATH|build: see ArchiveBenchmark.swift
ReaderOverheadBenchmark.runIfRequested()   // --reader-overhead PATH: see ReaderOverheadBenchmark.swift

#if DEBUG
let isDebugBuild = true
#else
let isDebugBuild = false
#endif

struct Options {
    var rounds = isDebugBuild ? 1 : 15
    var mode = ValidationMode.lenient
    var roots: [String] = []
    var jsonPath: String?
    var workloads = isDebugBuild ? [Workload.parse] : Workload.allCases
    var coreCounts: [Int] = Array(Set([1, ProcessInfo.processInfo.activeProcessorCount])).sorted()
    var formRounds = isDebugBuild ? 1 : 3
    var bundledOnly = isDebugBuild
    var forms: Bool?
    /// The roots the CollecTor forms are built from.
    var formRoots: [String] = []
}

func parseOptions() -> Options {
    var options = Options()
    var arguments = CommandLine.arguments.dropFirst()
    while let argument = arguments.popFirst() {
        switch argument {
        case "--rounds": options.rounds = Int(arguments.popFirst() ?? "") ?? options.rounds
        case "--strict": options.mode = .strict
        case "--json": options.jsonPath = arguments.popFirst()
        case "--mode":
            let value = arguments.popFirst() ?? "all"
            options.workloads = value == "all" ? Workload.allCases : value.split(separator: ",").compactMap { Workload(rawValue: String($0)) }
        case "--cores": options.coreCounts = (arguments.popFirst() ?? "1").split(separator: ",").compactMap { Int($0) }
        case "--form-rounds": options.formRounds = Int(arguments.popFirst() ?? "") ?? options.formRounds
        case "--bundled-only": options.bundledOnly = true
        case "--with-shared": options.bundledOnly = false
        case "--forms": options.forms = true
        case "--no-forms": options.forms = false
        case "--keep-inputs": FormBenchmark.keepDirectory = arguments.popFirst()
        default: options.roots.append(argument)
        }
    }
    let shared = "../shared/corpus"
    let useShared = !options.bundledOnly && FileManager.default.fileExists(atPath: shared)
    if options.roots.isEmpty {
        options.roots = [useShared ? shared : "Resources/corpus"]
        options.formRoots = useShared ? ["Resources/corpus", shared] : ["Resources/corpus"]
        if options.forms == nil { options.forms = true }
    } else {
        options.formRoots = options.roots
    }
    return options
}

/// Every regular file below the roots whose detected type is `type`, read into memory.
func files(of type: DescriptorType, under roots: [String]) -> [(path: String, bytes: [UInt8])] {
    var found: [(String, [UInt8])] = []
    for root in roots {
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { continue }
        for case let relative as String in enumerator {
            let path = root + "/" + relative
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                  let data = FileManager.default.contents(atPath: path) else { continue }
            let bytes = [UInt8](data)
            let name = (path as NSString).lastPathComponent
            let detected = DescriptorType.detect(fileName: name, bytes: bytes[...])
            let matches = detected == type
                || (type == .serverDescriptor && detected == .bridgeServerDescriptor)
                || (type == .extraInfo && detected == .bridgeExtraInfo)
            // Cropped files have had entries removed: keep them out of timing figures.
            if name.hasPrefix("cropped--") || path.contains("/malformed/") { continue }
            if matches { found.append((path, bytes)) }
        }
    }
    return found.sorted { $0.0 < $1.0 }
}

struct Measurement {
    var documents = 0
    var failures = 0
    var bytes = 0
    var roundSeconds: [Double] = []
}

func measure<Document: ParsableDocument>(_: Document.Type, _ inputs: [(path: String, bytes: [UInt8])], options: Options) -> Measurement {
    measure(inputs, options: options) { bytes in
        var documents = 0, failures = 0
        for slice in Document.slices(in: bytes[...]) {
            do throws(DescriptorParseError) {
                let document = try Document(parsing: slice, mode: options.mode)
                withExtendedLifetime(document) {}
                documents += 1
            } catch {
                failures += 1
            }
        }
        return (documents, failures)
    }
}

/// Rounds of `parse` over every input; `parse` returns the documents parsed and failed in one file.
func measure(_ inputs: [(path: String, bytes: [UInt8])], options: Options,
             parse: ([UInt8]) -> (documents: Int, failures: Int)) -> Measurement {
    var result = Measurement()
    result.bytes = inputs.reduce(0) { $0 + $1.bytes.count }
    for round in 0..<options.rounds {
        var documents = 0
        var failures = 0
        let start = DispatchTime.now().uptimeNanoseconds
        for input in inputs {
            let counts = parse(input.bytes)
            documents += counts.documents
            failures += counts.failures
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if round == 0 { result.documents = documents; result.failures = failures }
        result.roundSeconds.append(seconds)
    }
    return result
}

func peakResidentMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

func format(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

if MemoryBenchmark.requested { MemoryBenchmark.run(); exit(0) }  // --memory: MemoryBenchmark.swift
let options = parseOptions()
#if DEBUG
print("debug build: timings mean little; defaults --rounds 1 --form-rounds 1 --bundled-only --mode parse (pass --with-shared, --mode all to override)")
#endif
print("TorDescriptors parse benchmark (\(options.mode.isStrict ? "strict" : "lenient"), \(options.rounds) rounds, roots: \(options.roots.joined(separator: " ")))")
print("type                                    files  documents  failed       MB   best µs/doc  median µs/doc   MB/s")
func report<Document: ParsableDocument>(_ type: DescriptorType, _ documentType: Document.Type) {
    let inputs = files(of: type, under: options.roots)
    guard !inputs.isEmpty else { return print("\(type.rawValue): no files") }
    printWarmRow(type, inputs: inputs, measure(documentType, inputs, options: options))
}

/// One row of the warm table, printed and kept for `--json`.
func printWarmRow(_ type: DescriptorType, inputs: [(path: String, bytes: [UInt8])], _ result: Measurement) {
    let sorted = result.roundSeconds.sorted()
    let best = sorted.first ?? 0
    let median = sorted[sorted.count / 2]
    let perDocument = { (seconds: Double) in result.documents > 0 ? seconds * 1e6 / Double(result.documents) : 0 }
    let columns = [
        type.rawValue.padding(toLength: 38, withPad: " ", startingAt: 0),
        String(inputs.count).leftPad(6), String(result.documents).leftPad(10), String(result.failures).leftPad(7),
        format(Double(result.bytes) / 1e6, 2).leftPad(8), format(perDocument(best), 2).leftPad(13),
        format(perDocument(median), 2).leftPad(14), format(Double(result.bytes) / 1e6 / best, 0).leftPad(6),
    ]
    print(columns.joined(separator: " "))
    jsonRows.append([
        "section": "warm", "workload": "parse", "type": type.rawValue, "files": inputs.map(\.path), "documents": result.documents,
        "failures": result.failures, "bytes": result.bytes, "best_seconds": best, "median_seconds": median,
        "best_us_per_document": perDocument(best), "median_us_per_document": perDocument(median),
    ])
}

/// Rows for `--json`, one per workload.
nonisolated(unsafe) var jsonRows: [[String: Any]] = []

func writeJSON() {
    guard let path = options.jsonPath else { return }
    let object: [String: Any] = ["rounds": options.rounds, "mode": options.mode.isStrict ? "strict" : "lenient",
                                 "peak_resident_mib": peakResidentMiB(), "workloads": jsonRows]
    do {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: path))
    } catch {
        FileHandle.standardError.write(Data("cannot write \(path): \(error)\n".utf8))
    }
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}

report(.serverDescriptor, ServerDescriptor.self)
report(.extraInfo, ExtraInfoDescriptor.self)
report(.microdescriptor, Microdescriptor.self)
report(.networkStatusConsensus, NetworkStatusConsensus.self)
report(.networkStatusMicrodescConsensus, NetworkStatusConsensus.self)
report(.networkStatusVote, NetworkStatusVote.self)
CollecTorTypesBenchmark.run(options: options)
/// canExit cost on every relay's parsed policy, with a fixed pseudo-random probe set.
func reportExitPolicies() {
    let inputs = files(of: .serverDescriptor, under: options.roots)
    let policies = inputs.flatMap { ServerDescriptor.parseAll($0.bytes[...]) }.compactMap { try? $0.get().exitPolicy }
    guard !policies.isEmpty else { return }
    var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
    func random() -> UInt64 {
        seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return seed >> 33
    }
    let probes: [(IPAddress?, Int?)] = (0..<64).map { index in
        let port = index % 8 == 0 ? nil : Int(random() % 65_535) + 1
        let address: IPAddress? = index % 16 == 1 ? nil : .v4(UInt32(truncatingIfNeeded: random()))
        return (address, port)
    }
    var best = Double.infinity
    var allowed = 0
    for _ in 0..<max(3, options.rounds / 3) {
        allowed = 0
        let start = DispatchTime.now().uptimeNanoseconds
        for policy in policies {
            for (address, port) in probes where address.map({ policy.canExit(to: $0, port: port) }) ?? policy.canExit(port: port) {
                allowed += 1
            }
        }
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start))
    }
    let calls = Double(policies.count * probes.count)
    print("exit policy canExit: \(policies.count) policies × \(probes.count) probes, best \(format(best / calls, 1)) ns/call (\(allowed) allowed)")
}
reportExitPolicies()
reportConsensusVerification(rounds: options.rounds)
reportRelayVerification()
print("peak resident memory: \(format(peakResidentMiB(), 1)) MiB")
if options.forms == true {
    jsonRows += FormBenchmark.run(roots: options.formRoots, workloads: options.workloads, coreCounts: options.coreCounts,
                                  rounds: options.formRounds)
}
writeJSON()
