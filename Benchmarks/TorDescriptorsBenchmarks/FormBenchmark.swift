// The input-form table of the no-argument run: every CollecTor-shaped input (CollectorForms)
// read through DescriptorReader, per workload (`--mode`) and per core count (1 and all
// cores), each in a fresh child process so that its peak resident memory is its own:
// `peak MiB` is the child's VmHWM (whole process: Swift runtime, the input's decompression
// buffers, the parsed documents in flight), `base MiB` its resident size before reading.
// The child reads the input `--form-rounds` times (default 3) and reports the best and
// median round; time per document and MB/s use the best round and the uncompressed bytes.
// `user CPU` is the child's user time per read (all its threads): on a shared machine it is
// steadier than wall time, and with 1 core it is the work a dedicated core would do.
//
// One core: `DescriptorReader` with `parallelism = 1` (decompression and tar splitting still
// run on the reader's own thread, as they always do). All cores: `parallelism =
// activeProcessorCount` (batches of members parsed concurrently, a consensus's entries in
// concurrent chunks), and the access/verify work spread over the cores as well.
import Foundation
import TorArchives
import TorDescriptors

enum FormBenchmark {
    struct Row {
        var input: FormInput
        var workload: Workload
        var cores: Int
        var documents = 0, failures = 0, check = 0
        var best = 0.0, median = 0.0, userCPU = 0.0
        var baseKiB = 0, peakKiB = 0
    }

    /// `--form-child WORKLOAD CORES ROUNDS CERTDIRS PATH`: one measurement; prints one JSON line.
    static func runChildIfRequested() {
        let arguments = CommandLine.arguments
        guard let index = arguments.firstIndex(of: "--form-child"), index + 5 < arguments.count else { return }
        let workload = Workload(rawValue: arguments[index + 1]) ?? .parse
        let cores = Int(arguments[index + 2]) ?? 1
        let rounds = max(1, Int(arguments[index + 3]) ?? 3)
        let context = workload == .verify
            ? VerificationContext(certificateDirectories: arguments[index + 4].split(separator: ":").map(String.init))
            : VerificationContext(certificateDirectories: [])
        let path = arguments[index + 5]
        let base = MemoryBenchmark.residentKiB()?.current ?? 0
        MemoryBenchmark.resetPeak()
        var options = DescriptorReaderOptions()
        options.parallelism = cores
        var times: [Double] = []
        var documents = 0, failures = 0, check = 0
        let cpuStart = processCPU().user
        for _ in 0..<rounds {
            documents = 0; failures = 0; check = 0
            let start = DispatchTime.now().uptimeNanoseconds
            var batch: [AnyDescriptor] = []
            let batchSize = cores > 1 ? 256 : 1
            for item in DescriptorReader(paths: [path], options: options) {
                guard let document = item.document else { failures += 1; continue }
                documents += 1
                if workload == .parse { withExtendedLifetime(document) {}; continue }
                batch.append(document)
                if batch.count >= batchSize {
                    check &+= process(batch, workload, cores: cores, context: context)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty { check &+= process(batch, workload, cores: cores, context: context) }
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let user = (processCPU().user - cpuStart) / Double(rounds)
        let peak = MemoryBenchmark.residentKiB()?.peak ?? 0
        times.sort()
        let object: [String: Any] = ["documents": documents, "failures": failures, "check": check, "best": times[0],
                                     "median": times[times.count / 2], "user_cpu": user, "base_kib": base, "peak_kib": peak]
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        FileHandle.standardOutput.write(data + Data("\n".utf8))
        exit(0)
    }

    /// User and system CPU seconds of this process (all threads).
    static func processCPU() -> (user: Double, system: Double) {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return (Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6,
                Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6)
    }

    static func child(_ input: FormInput, _ workload: Workload, cores: Int, rounds: Int, certificateDirectories: [String]) -> Row {
        var row = Row(input: input, workload: workload, cores: cores)
        fflush(nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["--form-child", workload.rawValue, String(cores), String(rounds),
                             certificateDirectories.joined(separator: ":"), input.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        do { try process.run() } catch { print("cannot start a child process: \(error)"); return row }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            print("child failed for \(input.path) (\(workload.rawValue), \(cores) cores)")
            return row
        }
        row.documents = object["documents"] as? Int ?? 0
        row.failures = object["failures"] as? Int ?? 0
        row.check = object["check"] as? Int ?? 0
        row.best = object["best"] as? Double ?? 0
        row.median = object["median"] as? Double ?? 0
        row.userCPU = object["user_cpu"] as? Double ?? 0
        row.baseKiB = object["base_kib"] as? Int ?? 0
        row.peakKiB = object["peak_kib"] as? Int ?? 0
        return row
    }

    /// Builds the forms, measures them all, prints the table; returns the JSON rows.
    static func run(roots: [String], workloads: [Workload], coreCounts: [Int], rounds: Int) -> [[String: Any]] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tordescriptors-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let buildStart = DispatchTime.now().uptimeNanoseconds
        let inputs: [FormInput]
        do { inputs = try CollectorForms.build(roots: roots, in: directory) } catch {
            print("cannot build the CollecTor-shaped inputs: \(error)")
            return []
        }
        let buildSeconds = Double(DispatchTime.now().uptimeNanoseconds - buildStart) / 1e9
        print("")
        print("CollecTor-shaped inputs (built in \(format(buildSeconds, 1)) s from \(roots.joined(separator: " ")); "
              + "DescriptorReader, best of \(rounds) reads per child process; peak = child's VmHWM)")
        print("type                                 form        mode    cores   docs  fail      MB  disk MB    total ms  median ms   µs/doc    MB/s  user CPU ms  CPU µs/doc  peak MiB")
        let certificateDirectories = roots.map { $0 + "/key-certs" }
        var json: [[String: Any]] = []
        var contentBytes: [DescriptorType: Int] = [:]
        for input in inputs where input.form == "directory" { contentBytes[input.type] = input.diskBytes }
        for input in inputs {
            for workload in workloads {
                for cores in coreCounts {
                    let row = child(input, workload, cores: cores, rounds: rounds, certificateDirectories: certificateDirectories)
                    let bytes = contentBytes[input.type] ?? input.diskBytes
                    let perDocument = row.documents > 0 ? row.best * 1e6 / Double(row.documents) : 0
                    let columns = [
                        input.type.rawValue.padding(toLength: 36, withPad: " ", startingAt: 0),
                        input.form.padding(toLength: 10, withPad: " ", startingAt: 0),
                        workload.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0),
                        String(cores).leftPad(6), String(row.documents).leftPad(6), String(row.failures).leftPad(5),
                        format(Double(bytes) / 1e6, 2).leftPad(7), format(Double(input.diskBytes) / 1e6, 2).leftPad(8),
                        format(row.best * 1e3, 1).leftPad(11), format(row.median * 1e3, 1).leftPad(10),
                        format(perDocument, 2).leftPad(8), format(row.best > 0 ? Double(bytes) / 1e6 / row.best : 0, 0).leftPad(7),
                        format(row.userCPU * 1e3, 1).leftPad(12),
                        format(row.documents > 0 ? row.userCPU * 1e6 / Double(row.documents) : 0, 2).leftPad(11),
                        format(Double(row.peakKiB) / 1024, 1).leftPad(9),
                    ]
                    print(columns.joined(separator: " "))
                    json.append([
                        "section": "forms", "type": input.type.rawValue, "form": input.form, "mode": workload.rawValue,
                        "cores": cores, "path": input.path, "documents": row.documents, "failures": row.failures,
                        "bytes": bytes, "disk_bytes": input.diskBytes, "best_seconds": row.best, "median_seconds": row.median,
                        "us_per_document": perDocument, "mb_per_second": row.best > 0 ? Double(bytes) / 1e6 / row.best : 0,
                        "user_cpu_seconds": row.userCPU, "peak_resident_mib": Double(row.peakKiB) / 1024,
                        "base_resident_mib": Double(row.baseKiB) / 1024, "check": row.check,
                    ])
                }
            }
        }
        printScaling(json, coreCounts: coreCounts)
        // The JSON names the inputs; keep them for compare_stem.py when asked to.
        if let keep = keepDirectory {
            try? FileManager.default.removeItem(atPath: keep)
            try? FileManager.default.moveItem(at: directory, to: URL(fileURLWithPath: keep))
            let moved = json.map { row -> [String: Any] in
                var row = row
                if let path = row["path"] as? String { row["path"] = path.replacingOccurrences(of: directory.path, with: keep) }
                return row
            }
            print("inputs kept in \(keep) (--keep-inputs)")
            return moved
        }
        return json
    }

    /// `--keep-inputs DIR`: move the built inputs there instead of deleting them.
    nonisolated(unsafe) static var keepDirectory: String?

    /// 1 core vs all cores, per type, form and workload.
    static func printScaling(_ rows: [[String: Any]], coreCounts: [Int]) {
        guard coreCounts.count > 1, let many = coreCounts.last else { return }
        print("scaling (1 core → \(many) cores, best times): ", terminator: "")
        var parts: [String] = []
        for row in rows where row["cores"] as? Int == 1 {
            guard let other = rows.first(where: {
                $0["cores"] as? Int == many && $0["type"] as? String == row["type"] as? String
                    && $0["form"] as? String == row["form"] as? String && $0["mode"] as? String == row["mode"] as? String
            }), let one = row["best_seconds"] as? Double, let all = other["best_seconds"] as? Double, all > 0 else { continue }
            parts.append("\(row["type"]!)/\(row["form"]!)/\(row["mode"]!) \(format(one / all, 2))×")
        }
        print("")
        for part in parts { print("  " + part) }
    }
}
