// What reading a file through DescriptorReader costs beyond parsing its bytes:
// `--reader-overhead PATH [--rounds N]` (default 15) alternates, in one process, a warm parse
// of the file's bytes already in memory (type detection and `parseAll`, as the reader's
// consumer does) with a read of the file through `DescriptorReader` (parallelism 1 for both),
// and prints the best and median of each and the ratio of the bests (issue #15's target:
// a plain consensus file at most 1.1x its warm parse).
//
//   swift build -c release --product TorDescriptorsBenchmarks
//   .build/release/TorDescriptorsBenchmarks --reader-overhead Resources/corpus/consensus/2012-06-18-21-00-00-cached-consensus
//
// The same comparison in instructions (wall time drifts on a shared VM, callgrind counts do not):
// `--reader-instructions PATH WARM READS` reads the file into memory, parses those bytes WARM
// times, then reads the file through DescriptorReader READS times, and exits. Run it under
// callgrind three times; with I(w, r) the total instructions:
//   warm parse = I(2, 0) - I(1, 0)      reader = I(1, 1) - I(1, 0)
// (the first warm parse pays the one-time costs: type metadata, first-use lookups).
import Foundation
import TorArchives
import TorDescriptors

enum ReaderOverheadBenchmark {
    /// Runs and exits when `--reader-overhead` is on the command line.
    static func runIfRequested() {
        let arguments = CommandLine.arguments
        if let flag = arguments.firstIndex(of: "--reader-instructions"), flag + 3 < arguments.count,
           let warmRounds = Int(arguments[flag + 2]), let readerRounds = Int(arguments[flag + 3]) {
            countOnly(path: arguments[flag + 1], warmRounds: warmRounds, readerRounds: readerRounds)
        }
        guard let flag = arguments.firstIndex(of: "--reader-overhead"), flag + 1 < arguments.count else { return }
        let path = arguments[flag + 1]
        let rounds = arguments.firstIndex(of: "--rounds").flatMap { $0 + 1 < arguments.count ? Int(arguments[$0 + 1]) : nil } ?? 15
        let bytes = contents(of: path)
        var warm: [Double] = [], reader: [Double] = []
        var documents = (warm: 0, reader: 0)
        for _ in 0..<max(1, rounds) {
            var start = DispatchTime.now().uptimeNanoseconds
            documents.warm = warmParse(bytes, path: path)
            warm.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            start = DispatchTime.now().uptimeNanoseconds
            documents.reader = readerParse(path)
            reader.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        func summary(_ values: [Double]) -> String {
            let sorted = values.sorted()
            return String(format: "best %.2f ms, median %.2f ms", sorted[0], sorted[sorted.count / 2])
        }
        print("\(path): \(bytes.count) bytes, \(documents.warm) documents warm, \(documents.reader) through the reader")
        print("warm parse:       \(summary(warm))")
        print("DescriptorReader: \(summary(reader))")
        print(String(format: "ratio (best): %.2f, (median): %.2f", reader.min()! / warm.min()!,
                     reader.sorted()[reader.count / 2] / warm.sorted()[warm.count / 2]))
        exit(0)
    }

    /// `--reader-instructions`: the work only, no clocks or summaries, for callgrind.
    private static func countOnly(path: String, warmRounds: Int, readerRounds: Int) -> Never {
        let bytes = contents(of: path)
        var documents = (warm: 0, reader: 0)
        for _ in 0..<warmRounds { documents.warm = warmParse(bytes, path: path) }
        for _ in 0..<readerRounds { documents.reader = readerParse(path) }
        print("\(documents.warm) documents warm, \(documents.reader) through the reader")
        exit(0)
    }

    private static func contents(of path: String) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            print("cannot read \(path)")
            exit(1)
        }
        return Array(data)
    }

    /// Type detection and `parseAll` on bytes in memory, as the reader's consumer does; the
    /// documents parsed.
    private static func warmParse(_ bytes: [UInt8], path: String) -> Int {
        guard let type = DescriptorType.detect(fileName: (path as NSString).lastPathComponent, bytes: bytes[...]) else { return 0 }
        return AnyDescriptor.parseAll(bytes[...], as: type).count { (try? $0.get()) != nil }
    }

    /// The file read and parsed through DescriptorReader (parallelism 1); the documents parsed.
    private static func readerParse(_ path: String) -> Int {
        var options = DescriptorReaderOptions()
        options.parallelism = 1
        return DescriptorReader(paths: [path], options: options).reduce(0) { $0 + ($1.document == nil ? 0 : 1) }
    }
}
