import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials

extension NetworkStatusConsensus {
    /// Parses a consensus with its router status entries read by up to `parallelism` threads,
    /// giving the same value as ``init(parsing:mode:)`` (same entries, warnings, line numbers
    /// and byte slices).
    ///
    /// The entries are split at `r` lines into chunks, each read by its own entry scanner, and
    /// joined in document order. Small documents (under 256 KiB), `parallelism` ≤ 1, entries
    /// carrying objects, and any document whose chunks report an error are parsed serially, so
    /// errors and limits are exactly the serial parser's.
    ///
    /// ```swift
    /// let bytes = Array(try Data(contentsOf: url))
    /// let consensus = try NetworkStatusConsensus(parsing: DocumentSlice(bytes: bytes[...], firstLine: 1),
    ///                                            mode: .lenient, parallelism: ProcessInfo.processInfo.activeProcessorCount)
    /// print(consensus.entries.count)
    /// ```
    public init(parsing slice: DocumentSlice, mode: ValidationMode, parallelism: Int) throws(DescriptorParseError) {
        if parallelism > 1, slice.bytes.count >= Self.parallelThreshold,
           let parallel = try Self.parseConcurrently(slice, mode: mode, parallelism: parallelism) {
            self = parallel
        } else {
            try self.init(parsing: slice, mode: mode)
        }
    }

    /// Below this size the dispatch costs more than the second thread saves.
    static let parallelThreshold = 256 << 10

    /// The concurrent parse, or nil when the serial parser must decide (errors, objects, limits).
    private static func parseConcurrently(_ slice: DocumentSlice, mode: ValidationMode,
                                          parallelism: Int) throws(DescriptorParseError) -> NetworkStatusConsensus? {
        let bytes = slice.bytes
        guard bytes.count <= mode.limits.maxDocumentBytes else { return nil }
        let reader = try ConsensusReader(slice, mode: mode)
        let (entriesStart, entriesLine) = RouterStatusEntryScanner.headerEnd(bytes, firstLine: slice.firstLine)
        let bounds = chunkStarts(bytes, from: entriesStart, chunks: parallelism * 2)
        guard bounds.count > 1 else { return nil }
        let chunkCount = bounds.count
        // Chunk i covers bounds[i]..<bounds[i + 1]; the last one runs to the end so its scanner
        // finds the footer itself.
        let ends = (0..<chunkCount).map { $0 + 1 < chunkCount ? bounds[$0 + 1] : bytes.endIndex }

        // Pass 1: line count of every chunk but the last, and whether any entry carries an object.
        let counts = ConcurrentSlots<(newlines: Int, hasObject: Bool)>(count: chunkCount - 1)
        DispatchQueue.concurrentPerform(iterations: chunkCount - 1) { i in
            counts[i] = lineCount(bytes, bounds[i]..<bounds[i + 1])
        }
        var startLines = [entriesLine]
        for i in 0..<(chunkCount - 1) {
            guard let count = counts[i], !count.hasObject else { return nil }
            startLines.append(startLines[i] + count.newlines)
        }
        let lines = startLines

        // Pass 2: each chunk through its own scanner over the same buffer, cut at the chunk end.
        let flavor = reader.header.flavor
        let parts = ConcurrentSlots<(entries: [RouterStatusEntry], skipped: [DescriptorParseError], scanner: RouterStatusEntryScanner)>(count: chunkCount)
        DispatchQueue.concurrentPerform(iterations: chunkCount) { i in
            var scanner = RouterStatusEntryScanner(bytes: bytes[..<ends[i]], flavor: flavor, mode: mode,
                                                   position: bounds[i], line: lines[i])
            var entries: [RouterStatusEntry] = []
            entries.reserveCapacity((ends[i] - bounds[i]) / 300 + 1)
            do throws(DescriptorParseError) { try scanner.collect(into: &entries) } catch { return }
            parts[i] = (entries, scanner.skipped, scanner)
        }
        var entries: [RouterStatusEntry] = []
        var skipped: [DescriptorParseError] = []
        var total = 0
        for i in 0..<chunkCount {
            // A middle chunk that stopped early met the footer: the serial parser decides.
            guard let part = parts[i], i == chunkCount - 1 || part.scanner.position == ends[i] else { return nil }
            total += part.entries.count + part.skipped.count
        }
        guard total <= mode.limits.maxEntriesPerConsensus else { return nil }
        entries.reserveCapacity(total)
        for i in 0..<chunkCount {
            entries += parts[i]!.entries
            skipped += parts[i]!.skipped
        }
        let last = parts[chunkCount - 1]!.scanner
        let footer = try ConsensusFooter.read(bytes, from: last.position, line: last.line, flavor: flavor,
                                              kind: ConsensusKind.document, mode: mode, contentStart: reader.contentStart)
        return NetworkStatusConsensus(slice: slice, reader: reader, entries: entries, skipped: skipped, footer: footer)
    }

    /// Chunk starts: `from`, then the first `r ` line at or after each even split point.
    private static func chunkStarts(_ bytes: ArraySlice<UInt8>, from start: Int, chunks: Int) -> [Int] {
        var starts = [start]
        let length = bytes.endIndex - start
        guard length > 0 else { return starts }
        ByteCursor.with(bytes) { cursor in
            for i in 1..<max(chunks, 1) {
                var position = max(start + length * i / chunks, starts.last! + 1)
                while position < cursor.end {
                    guard let newline = cursor.firstIndex(of: ByteText.newline, from: position, to: cursor.end) else { return }
                    let lineStart = newline + 1
                    if lineStart + 1 < cursor.end, cursor[lineStart] == UInt8(ascii: "r"), cursor[lineStart + 1] == ByteText.space {
                        starts.append(lineStart)
                        break
                    }
                    position = lineStart
                }
            }
        }
        return starts
    }

    /// Newlines in `range`, and whether a line there starts with `-` (an object's
    /// `-----BEGIN`), inside which an `r ` line need not start an entry.
    private static func lineCount(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> (newlines: Int, hasObject: Bool) {
        ByteCursor.with(bytes) { cursor in
            let chunk = cursor.buffer(range)
            var newlines = 0
            var object = 0
            var previous: UInt8 = 0
            // Branch-free so the loop stays fast; any line starting with `-` (an object's
            // `-----BEGIN`) sends the document to the serial parser.
            for byte in chunk {
                object |= (previous == 0x0A ? 1 : 0) & (byte == UInt8(ascii: "-") ? 1 : 0)
                newlines &+= byte == 0x0A ? 1 : 0
                previous = byte
            }
            let hasObject = object != 0
            return (newlines, hasObject)
        }
    }
}

/// Result slots written by `concurrentPerform` workers, one slot per worker index.
final class ConcurrentSlots<Value>: @unchecked Sendable {
    private var values: [Value?]
    private let lock = Lock()
    init(count: Int) { values = Array(repeating: nil, count: count) }
    subscript(index: Int) -> Value? {
        get { lock.lock(); defer { lock.unlock() }; return values[index] }
        set { lock.lock(); values[index] = newValue; lock.unlock() }
    }
}
