// Archive reading benchmark: `--archive PATH` (a .tar, .tar.gz, .tar.xz, .tar.zst, .tar.bz2)
// or `--archive build` (a CollecTor-shaped .tar.xz of single-descriptor files built from the
// corpus's server descriptors in a temporary directory). It reports the time to only
// decompress the archive, the time to read and parse every document through DescriptorReader,
// their ratio, and peak resident memory. Best and median of --rounds N (default 5):
//
//   swift run -c release TorDescriptorsBenchmarks --archive build [--rounds N]
import Decompression
import Foundation
import TorArchives
import TorDescriptors

enum ArchiveBenchmark {
    /// Runs and exits when `--archive` is on the command line.
    static func runIfRequested() {
        let arguments = CommandLine.arguments
        guard let flag = arguments.firstIndex(of: "--archive") else { return }
        let target = flag + 1 < arguments.count ? arguments[flag + 1] : "build"
        let rounds = arguments.firstIndex(of: "--rounds").flatMap { $0 + 1 < arguments.count ? Int(arguments[$0 + 1]) : nil } ?? 5
        var temporary: URL?
        var path = target
        if target == "build" {
            do {
                let built = try buildArchive()
                temporary = built.deletingLastPathComponent()
                path = built.path
            } catch {
                print("cannot build the benchmark archive: \(error)")
                exit(1)
            }
        }
        defer { if let temporary { try? FileManager.default.removeItem(at: temporary) } }
        measure(path, rounds: max(1, rounds))
        if let temporary { try? FileManager.default.removeItem(at: temporary) }
        exit(0)
    }

    /// The compression of an archive path, from its extension.
    static func compression(of path: String) -> CompressionFormat {
        let ext = (path as NSString).pathExtension
        return ext == "tar" ? .identity : CompressionFormat(fileExtension: ext) ?? .identity
    }

    /// Reads the file in 1 MiB chunks through the decompressor, discarding the output.
    static func decompressOnly(_ path: String) -> (seconds: Double, output: Int) {
        let start = DispatchTime.now().uptimeNanoseconds
        guard let handle = FileHandle(forReadingAtPath: path) else { return (0, 0) }
        var decompressor = StreamingDecompressor(format: compression(of: path), limits: .unlimited)
        var output = 0
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                try chunk.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
                    try decompressor.feed(buffer) { output += $0.count }
                }
            }
            try decompressor.finish { output += $0.count }
        } catch {
            print("decompression failed: \(error)")
        }
        return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, output)
    }

    /// Reads and parses every document through DescriptorReader.
    static func readAll(_ path: String) -> (seconds: Double, documents: Int, failures: Int) {
        let start = DispatchTime.now().uptimeNanoseconds
        var documents = 0, failures = 0
        for item in DescriptorReader(paths: [path]) {
            if item.document != nil { documents += 1 } else { failures += 1 }
        }
        return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, documents, failures)
    }

    /// Decompresses and splits the tar (no parsing); returns the members for the parse-only figure.
    static func tarOnly(_ path: String) -> (seconds: Double, members: [[UInt8]]) {
        let start = DispatchTime.now().uptimeNanoseconds
        var members: [[UInt8]] = []
        do {
            let source = try FileByteSource(path: path, format: compression(of: path))
            var tar = TarReader(source: source, name: path)
            while let member = try tar.next() { members.append(member.bytes) }
        } catch {
            print("tar failed: \(error)")
        }
        return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, members)
    }

    /// Detects and parses members already in memory, as the reader's consumer does.
    static func parseOnly(_ members: [[UInt8]]) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        var documents = 0
        for bytes in members {
            guard let type = DescriptorType.detect(fileName: nil, bytes: bytes[...]) else { continue }
            documents += AnyDescriptor.parseAll(bytes[...], as: type).count
        }
        withExtendedLifetime(documents) {}
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// User + system CPU seconds of the whole process so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    static func measure(_ path: String, rounds: Int) {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        var decompressTimes: [Double] = [], readTimes: [Double] = []
        var output = 0, documents = 0, failures = 0
        var cpu = (decompress: 0.0, tar: 0.0, read: 0.0)
        var user = (decompress: 0.0, read: 0.0)
        var mark = cpuSeconds()
        var userMark = FormBenchmark.processCPU().user
        defer {
            print("  CPU per round: decompress \(format(cpu.decompress / Double(rounds) * 1000, 1)) ms, decompress+tar+parse separately \(format(cpu.tar / Double(rounds) * 1000, 1)) ms, reader \(format(cpu.read / Double(rounds) * 1000, 1)) ms (two threads)")
            // User CPU is what a loaded machine cannot inflate: on an idle 2-core machine the
            // reader's wall time approaches its decoding thread's, on a busy one the sum.
            print("  user CPU per round: decompress only \(format(user.decompress / Double(rounds) * 1000, 1)) ms, read+parse \(format(user.read / Double(rounds) * 1000, 1)) ms, ratio \(format(user.read / max(user.decompress, 1e-9), 2))")
        }
        for _ in 0..<rounds {
            let d = decompressOnly(path)
            decompressTimes.append(d.seconds)
            output = d.output
        }
        let rssAfterDecompress = peakResidentMiB()
        cpu.decompress = cpuSeconds() - mark
        user.decompress = FormBenchmark.processCPU().user - userMark
        mark = cpuSeconds()
        var tarTimes: [Double] = [], parseTimes: [Double] = []
        for _ in 0..<rounds {
            let t = tarOnly(path)
            tarTimes.append(t.seconds)
            parseTimes.append(parseOnly(t.members))
        }
        tarTimes.sort()
        parseTimes.sort()
        cpu.tar = cpuSeconds() - mark
        mark = cpuSeconds()
        userMark = FormBenchmark.processCPU().user
        for _ in 0..<rounds {
            let r = readAll(path)
            readTimes.append(r.seconds)
            documents = r.documents
            failures = r.failures
        }
        cpu.read = cpuSeconds() - mark
        user.read = FormBenchmark.processCPU().user - userMark
        decompressTimes.sort()
        readTimes.sort()
        let (d, r) = (decompressTimes[0], readTimes[0])
        print("archive: \(path)")
        print("  \(format(Double(size) / 1e6, 2)) MB compressed, \(format(Double(output) / 1e6, 2)) MB uncompressed, \(documents) documents, \(failures) failures")
        print("  decompress only:  best \(format(d * 1000, 1)) ms, median \(format(decompressTimes[rounds / 2] * 1000, 1)) ms (\(format(Double(output) / 1e6 / d, 0)) MB/s of output)")
        print("  decompress + tar split (no parse): best \(format(tarTimes[0] * 1000, 1)) ms; parse only (members in memory): best \(format(parseTimes[0] * 1000, 1)) ms")
        print("  read + parse all: best \(format(r * 1000, 1)) ms, median \(format(readTimes[rounds / 2] * 1000, 1)) ms")
        print("  ratio read+parse / decompress: best \(format(r / d, 2)), median \(format(readTimes[rounds / 2] / decompressTimes[rounds / 2], 2))")
        print("  peak resident memory: \(format(rssAfterDecompress, 1)) MiB after decompression rounds, \(format(peakResidentMiB(), 1)) MiB after reading")
    }

    /// A CollecTor-like `server-descriptors-bench.tar.xz`: one file per descriptor with an
    /// `@type server-descriptor 1.0` line, from ../shared/corpus (else Resources/corpus).
    static func buildArchive() throws -> URL {
        let shared = "../shared/corpus/server-descriptors"
        let source = FileManager.default.fileExists(atPath: shared) ? shared : "Resources/corpus/server-descriptors"
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("archive-bench-\(UUID().uuidString)")
        let tree = dir.appendingPathComponent("server-descriptors-bench")
        var count = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: source).sorted() {
            guard let data = FileManager.default.contents(atPath: source + "/" + name) else { continue }
            let bytes = [UInt8](data)
            for result in ServerDescriptor.parseAll(bytes[...]) {
                guard let descriptor = try? result.get() else { continue }
                // Drop tor's cache annotations: CollecTor files carry only the @type line.
                var body = descriptor.rawBytes[...]
                while body.first == UInt8(ascii: "@"), let end = body.firstIndex(of: 0x0A) { body = body[(end + 1)...] }
                let folder = tree.appendingPathComponent("\(count % 16)/\(count / 16 % 16)")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                try Data(Array("@type server-descriptor 1.0\n".utf8) + body)
                    .write(to: folder.appendingPathComponent(String(format: "%08d", count)))
                count += 1
            }
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tar", "--sort=name", "-cJf", "server-descriptors-bench.tar.xz", "server-descriptors-bench"]
        process.currentDirectoryURL = dir
        try process.run()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: tree)
        print("built \(count) single-descriptor files from \(source) into a .tar.xz (tar -cJf, xz level 6)")
        return dir.appendingPathComponent("server-descriptors-bench.tar.xz")
    }
}
