// Bounded-memory check of issue #6: `--archive-size N` (N in bytes, or with a K/M/G suffix)
// builds a `.tar.xz` of about N compressed bytes from the real server descriptors of
// ../shared/corpus (else Resources/corpus). SYNTHETIC REPETITION: the real documents are
// written again and again under distinct member names (`server-descriptors-synthetic/
// rNNNNNN/<a>/<b>/<sha1 hex>`), one document per member as in CollecTor, through our own tar
// writer into `xz -T0 -1`, until the compressed file reaches N. Then, each in a child
// process, it measures decompression alone and reading + parsing every document through
// DescriptorReader (1 core, then all cores), reporting time, documents, user CPU and peak
// resident memory (VmHWM of the child). The archive is deleted at the end (--keep to keep it).
//
//   nice -n 10 .build/release/TorDescriptorsBenchmarks --archive-size 1G
//   nice -n 10 .build/release/TorDescriptorsBenchmarks --archive-size 1G --archive-size-of tar
//
// With `--archive-size-of tar`, N is the size of the tar inside (the uncompressed bytes) and
// xz uses a 16 MiB dictionary (CollecTor's level 6 uses 8 MiB), so each repetition of the
// ~10 MB document set is found in the window and costs almost nothing to compress: the file
// is small but reading it decodes and parses N bytes, which is what memory depends on.
import Foundation
import TorArchives
import TorDescriptors

enum ArchiveSizeBenchmark {
    static func runIfRequested() {
        let arguments = CommandLine.arguments
        if let index = arguments.firstIndex(of: "--archive-size-child"), index + 3 < arguments.count {
            child(kind: arguments[index + 1], cores: Int(arguments[index + 2]) ?? 1, path: arguments[index + 3])
            exit(0)
        }
        guard let index = arguments.firstIndex(of: "--archive-size"), index + 1 < arguments.count,
              let target = parseSize(arguments[index + 1]) else { return }
        // --archive-size-of tar: N counts the tar's bytes instead, and xz gets a 16 MiB
        // dictionary so that later repetitions compress to almost nothing: a far faster build
        // (xz's encoder dominates it) of the same reading work, in a much smaller file.
        let countsTar = arguments.firstIndex(of: "--archive-size-of").map { $0 + 1 < arguments.count && arguments[$0 + 1] == "tar" } ?? false
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("archive-size-\(UUID().uuidString)")
        let keep = arguments.contains("--keep")
        defer { if !keep { try? FileManager.default.removeItem(at: directory) } }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let path = directory.appendingPathComponent("server-descriptors-synthetic.tar.xz").path
            let start = DispatchTime.now().uptimeNanoseconds
            let built = try build(path, targetBytes: target, countsTar: countsTar)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            print("built \(path): \(format(Double(built.compressed) / 1e6, 1)) MB compressed, \(format(Double(built.uncompressed) / 1e6, 1)) MB tar, "
                  + "\(built.documents) members (\(built.unique) real server descriptors repeated \(built.rounds)×; synthetic repetition), "
                  + "\(countsTar ? "xz -T0 -1 with a 16 MiB dictionary" : "xz -T0 -1"), \(format(seconds, 1)) s")
            let cores = ProcessInfo.processInfo.activeProcessorCount
            let runs = [("decompress", 1), ("read+parse", 1)] + (cores > 1 ? [("read+parse", cores)] : [])
            for (kind, count) in runs { spawn(kind: kind, cores: count, path: path) }
            if keep { print("kept \(path)") }
        } catch {
            print("archive-size benchmark failed: \(error)")
        }
        exit(0)
    }

    static func parseSize(_ text: String) -> Int? {
        let multipliers: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        if let last = text.uppercased().last, let multiplier = multipliers[last] {
            return Double(text.dropLast()).map { Int($0 * Double(multiplier)) }
        }
        return Int(text)
    }

    /// The real server descriptors, without annotations, each with its CollecTor `@type` line.
    static func documents() -> [[UInt8]] {
        let shared = "../shared/corpus"
        let root = FileManager.default.fileExists(atPath: shared) ? shared : "Resources/corpus"
        var documents: [[UInt8]] = []
        for file in CollectorForms.sourceFiles(of: .serverDescriptor, under: root) {
            for slice in CollectorForms.slices(.serverDescriptor, file.bytes[...]) {
                documents.append(Array("@type server-descriptor 1.0\n".utf8) + CollectorForms.withoutAnnotations(slice))
            }
        }
        return documents
    }

    /// Streams a tar of repeated documents into `xz -T0 -1 > path` until the output reaches `targetBytes`.
    static func build(_ path: String, targetBytes: Int, countsTar: Bool = false) throws -> (compressed: Int, uncompressed: Int, documents: Int, unique: Int, rounds: Int) {
        let documents = documents()
        guard !documents.isEmpty else { throw NSError(domain: "ArchiveSize", code: 1, userInfo: [NSLocalizedDescriptionKey: "no server descriptors"]) }
        let names = documents.map { Hex.encode(Digest.sha1($0)) }
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = countsTar ? ["xz", "-T0", "--lzma2=preset=1,dict=16MiB", "-c"] : ["xz", "-T0", "-1", "-c"]
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var uncompressed = 0, written = 0, round = 0
        var buffer: [UInt8] = []
        buffer.reserveCapacity(8 << 20)
        func compressedSize() -> Int { ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0 }
        outer: while true {
            for (index, document) in documents.enumerated() {
                let name = names[index]
                let member = String(format: "server-descriptors-synthetic/r%06d/", round) + "\(name.first!)/\(name.dropFirst().first!)/\(name)"
                buffer += tarHeader(name: member, size: document.count)
                buffer += document
                let padding = (512 - document.count % 512) % 512
                buffer += [UInt8](repeating: 0, count: padding)
                written += 1
                if buffer.count >= 8 << 20 {
                    uncompressed += buffer.count
                    input.fileHandleForWriting.write(Data(buffer))
                    buffer.removeAll(keepingCapacity: true)
                    // xz holds a few MB in flight, so stop a little early.
                    if countsTar ? uncompressed >= targetBytes : compressedSize() >= targetBytes - (4 << 20) { break outer }
                }
            }
            round += 1
        }
        buffer += [UInt8](repeating: 0, count: 1024)   // the end-of-archive blocks
        uncompressed += buffer.count
        input.fileHandleForWriting.write(Data(buffer))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        try output.close()
        return (compressedSize(), uncompressed, written, documents.count, round + 1)
    }

    /// A ustar header for a regular file.
    static func tarHeader(name: String, size: Int) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int) { for (i, byte) in text.utf8.enumerated() { header[offset + i] = byte } }
        put(name, at: 0)
        put("0000644", at: 100)
        put("0000000", at: 108)
        put("0000000", at: 116)
        put(String(format: "%011o", size), at: 124)
        put(String(format: "%011o", 1_700_000_000), at: 136)
        put("        ", at: 148)
        header[156] = UInt8(ascii: "0")
        put("ustar", at: 257)
        put("00", at: 263)
        let sum = header.reduce(0) { $0 + Int($1) }
        put(String(format: "%06o", sum), at: 148)
        header[154] = 0
        header[155] = UInt8(ascii: " ")
        return header
    }

    static func spawn(kind: String, cores: Int, path: String) {
        fflush(nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["--archive-size-child", kind, String(cores), path]
        do { try process.run(); process.waitUntilExit() } catch { print("cannot start a child: \(error)") }
    }

    /// One measurement in this (child) process.
    static func child(kind: String, cores: Int, path: String) {
        let base = MemoryBenchmark.residentKiB()?.current ?? 0
        MemoryBenchmark.resetPeak()
        let cpu = FormBenchmark.processCPU()
        let start = DispatchTime.now().uptimeNanoseconds
        var documents = 0, failures = 0, output = 0
        if kind == "decompress" {
            output = ArchiveBenchmark.decompressOnly(path).output
        } else {
            var options = DescriptorReaderOptions()
            options.parallelism = cores
            for item in DescriptorReader(paths: [path], options: options) {
                if item.document != nil { documents += 1 } else { failures += 1 }
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let after = FormBenchmark.processCPU()
        let peak = MemoryBenchmark.residentKiB()?.peak ?? 0
        let what = kind == "decompress" ? "\(format(Double(output) / 1e6, 0)) MB out" : "\(documents) documents, \(failures) failures"
        print("  \(kind) (\(cores) core\(cores == 1 ? "" : "s")): \(format(seconds, 1)) s, \(what), user CPU \(format(after.user - cpu.user, 1)) s, "
              + "system \(format(after.system - cpu.system, 1)) s, peak RSS \(format(Double(peak) / 1024, 1)) MiB (base \(format(Double(base) / 1024, 1)) MiB)")
    }
}
