// What reading a file through DescriptorReader costs beyond parsing its bytes:
// `--reader-overhead PATH [--rounds N]` (default 15) alternates, in one process, a warm parse
// of the file's bytes already in memory (type detection and `parseAll`, as the reader's
// consumer does) with a read of the file through `DescriptorReader` (parallelism 1 for both),
// and prints the best and median of each and the ratio of the bests (issue #15's target:
// a plain consensus file at most 1.1x its warm parse).
//
//   swift build -c release --product TorDescriptorsBenchmarks
//   .build/release/TorDescriptorsBenchmarks --reader-overhead Resources/corpus/consensus/2012-06-18-21-00-00-cached-consensus
import Foundation
import TorArchives
import TorDescriptors

enum ReaderOverheadBenchmark {
    /// Runs and exits when `--reader-overhead` is on the command line.
    static func runIfRequested() {
        let arguments = CommandLine.arguments
        guard let flag = arguments.firstIndex(of: "--reader-overhead"), flag + 1 < arguments.count else { return }
        let path = arguments[flag + 1]
        let rounds = arguments.firstIndex(of: "--rounds").flatMap { $0 + 1 < arguments.count ? Int(arguments[$0 + 1]) : nil } ?? 15
        guard let data = FileManager.default.contents(atPath: path) else {
            print("cannot read \(path)")
            exit(1)
        }
        let bytes = Array(data)
        var options = DescriptorReaderOptions()
        options.parallelism = 1
        var warm: [Double] = [], reader: [Double] = []
        var documents = (warm: 0, reader: 0)
        for _ in 0..<max(1, rounds) {
            var start = DispatchTime.now().uptimeNanoseconds
            if let type = DescriptorType.detect(fileName: (path as NSString).lastPathComponent, bytes: bytes[...]) {
                documents.warm = AnyDescriptor.parseAll(bytes[...], as: type).count { (try? $0.get()) != nil }
            }
            warm.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            start = DispatchTime.now().uptimeNanoseconds
            documents.reader = DescriptorReader(paths: [path], options: options).reduce(0) { $0 + ($1.document == nil ? 0 : 1) }
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
}
