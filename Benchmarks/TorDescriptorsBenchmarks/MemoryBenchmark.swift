// Memory figures for consensuses (issue #4): peak resident memory of a whole parse and of the
// streaming reader, against the file size.
//
//   swift run -c release TorDescriptorsBenchmarks --memory [ROOT...]
//
// The biggest ns and microdesc consensus under the roots (default Resources/corpus) are read
// into memory first; the figures are growth over the resident size after that, so the input
// buffer is not counted. The streaming reader runs first, before the whole parse has grown the
// heap, so freed pages of one run cannot hide the other's growth. Linux only: the peak is
// VmHWM from /proc/self/status, reset before each run through /proc/self/clear_refs.
import Foundation
import TorDescriptors

enum MemoryBenchmark {
    static var requested: Bool { CommandLine.arguments.contains("--memory") }

    /// Resident and peak resident kibibytes (VmRSS, VmHWM), or nil off Linux.
    static func residentKiB() -> (current: Int, peak: Int)? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        var current: Int?, peak: Int?
        for line in status.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2 else { continue }
            if fields[0] == "VmRSS:" { current = Int(fields[1]) }
            if fields[0] == "VmHWM:" { peak = Int(fields[1]) }
        }
        guard let current, let peak else { return nil }
        return (current, peak)
    }

    /// Resets the peak to the current resident size (Linux ≥ 4.0).
    static func resetPeak() {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return }
        handle.write(Data("5".utf8))
        try? handle.close()
    }

    static func biggest(_ type: DescriptorType, under roots: [String]) -> (path: String, bytes: [UInt8])? {
        var best: (String, Int)?
        for root in roots {
            guard let enumerator = FileManager.default.enumerator(atPath: root) else { continue }
            for case let relative as String in enumerator {
                let path = root + "/" + relative
                guard !relative.contains("cropped--"),
                      let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                      attributes[.type] as? FileAttributeType == .typeRegular,
                      let size = attributes[.size] as? Int,
                      size > (best?.1 ?? 0), let handle = FileHandle(forReadingAtPath: path) else { continue }
                let head = [UInt8]((try? handle.read(upToCount: 4096)) ?? Data())
                try? handle.close()
                if DescriptorType.detect(fileName: (path as NSString).lastPathComponent, bytes: head[...]) == type { best = (path, size) }
            }
        }
        guard let best, let data = FileManager.default.contents(atPath: best.0) else { return nil }
        return (best.0, [UInt8](data))
    }

    static func mib(_ kib: Int) -> String { String(format: "%.1f MiB", Double(kib) / 1024) }

    static func run() {
        if runChild() { return }
        var roots = CommandLine.arguments.dropFirst().filter { !$0.hasPrefix("--") && $0 != "streaming" && $0 != "whole" }
        if roots.isEmpty { roots = ["Resources/corpus"] }
        print("TorDescriptors memory benchmark (roots: \(roots.joined(separator: " ")))")
        guard residentKiB() != nil else { return print("needs Linux /proc/self/status") }
        for type in [DescriptorType.networkStatusConsensus, .networkStatusMicrodescConsensus] {
            guard let input = biggest(type, under: Array(roots)) else { print("\(type.rawValue): no files"); continue }
            let fileKiB = input.bytes.count / 1024
            print("\(type.rawValue): \((input.path as NSString).lastPathComponent), \(mib(fileKiB))")
            // Each measurement in a fresh process: pages freed by one run would otherwise be
            // reused by the next and hide its growth.
            for mode in ["streaming", "whole"] { child(mode, input.path) }
        }
    }

    static func child(_ mode: String, _ path: String) {
        fflush(nil)  // all C streams: print() output must precede the child's
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["--memory", "--memory-child", mode, path]
        do { try process.run(); process.waitUntilExit() } catch { print("  \(mode): cannot start a child process: \(error)") }
    }

    /// `--memory --memory-child MODE PATH`: one measurement, in this process.
    static func runChild() -> Bool {
        let arguments = CommandLine.arguments
        guard let index = arguments.firstIndex(of: "--memory-child"), index + 2 < arguments.count,
              let data = FileManager.default.contents(atPath: arguments[index + 2]) else { return false }
        let bytes = [UInt8](data)
        if arguments[index + 1] == "streaming" { streaming(bytes, fileKiB: bytes.count / 1024) } else { whole(bytes, fileKiB: bytes.count / 1024) }
        return true
    }

    /// ConsensusReader: RSS growth sampled while iterating, and the peak.
    static func streaming(_ bytes: [UInt8], fileKiB: Int) {
        resetPeak()
        guard let base = residentKiB()?.current else { return }
        var samples: [Int] = []
        var entries = 0
        var weight = 0
        do {
            var reader = try ConsensusReader(bytes[...])
            while let entry = try reader.nextEntry() {
                entries += 1
                weight &+= entry.bandwidth ?? 0
                if entries % 1000 == 0, let now = residentKiB()?.current { samples.append(now - base) }
            }
            _ = try reader.footer()
        } catch {
            return print("  streaming: failed: \(error)")
        }
        let peak = (residentKiB()?.peak ?? base) - base
        let growth = samples.map { String(format: "%.1f", Double($0) / 1024) }.joined(separator: " ")
        print("  streaming ConsensusReader: \(entries) entries (weight \(weight)); peak growth \(mib(peak)) = \(String(format: "%.2f", Double(peak) / Double(max(fileKiB, 1))))× file; RSS growth every 1000 entries (MiB): \(growth)")
    }

    /// Whole NetworkStatusConsensus: peak during the parse and what the parsed value keeps.
    static func whole(_ bytes: [UInt8], fileKiB: Int) {
        resetPeak()
        guard let base = residentKiB()?.current else { return }
        do {
            let consensus = try NetworkStatusConsensus(parsing: bytes)
            guard let after = residentKiB() else { return }
            let retained = after.current - base
            let peak = after.peak - base
            print("  whole NetworkStatusConsensus: \(consensus.entries.count) entries; peak growth \(mib(peak)) = \(String(format: "%.2f", Double(peak) / Double(max(fileKiB, 1))))× file, retained \(mib(retained)) = \(String(format: "%.2f", Double(retained) / Double(max(fileKiB, 1))))× file (input buffer excluded; with it: \(String(format: "%.2f", Double(peak + fileKiB) / Double(max(fileKiB, 1))))×)")
            withExtendedLifetime(consensus) {}
        } catch {
            print("  whole: failed: \(error)")
        }
    }
}
