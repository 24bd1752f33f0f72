import Decompression
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorDescriptors

/// A file or archive member read and decompressed, waiting to be parsed; or a failure to read.
struct PendingUnit: @unchecked Sendable {
    var source: DescriptorSource
    var bytes: [UInt8] = []
    var failure: ArchiveError?
    /// Set on the last unit of a file, which then goes into the read history.
    var completes: WalkedFile?
    /// The end of an archive: no content of its own.
    var isMarker = false
    /// How the bytes' lines ended as read; CRLF files are converted to LF in ``bytes``.
    var lineEndings = LineEndings.lf
}

/// A blocking first-in first-out queue of bounded size between the reading thread and the parser.
package final class BoundedQueue<Element>: @unchecked Sendable {
    private let condition = Condition()
    /// Popped slots are emptied at once (nil) and compacted later: a popped element left in
    /// place kept its batch of archive members alive until 64 more had been popped, so the
    /// reader's heap grew with the archive instead of reusing the members' memory.
    private var items: [Element?] = []
    private var head = 0
    private let capacity: Int
    private var closed = false
    private var cancelled = false

    package init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Blocks while full; false when the consumer went away.
    package func push(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count - head >= capacity && !cancelled { condition.wait() }
        if cancelled { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// Blocks while empty; nil once the producer closed the queue and it is drained.
    package func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while head == items.count && !closed && !cancelled { condition.wait() }
        guard head < items.count else { return nil }
        let item = items[head].take()
        head += 1
        if head > 64 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return item
    }

    package func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    func cancel() {
        condition.lock()
        cancelled = true
        items.removeAll()
        head = 0
        condition.broadcast()
        condition.unlock()
    }

    var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }
}

/// How a file is laid out: its compression and whether it is a tar archive.
struct FileLayout {
    var compression: CompressionFormat
    var isTar: Bool?   // nil: decide from the content

    /// From the name: `.tar`, `.tar.gz`/`.tgz`, `.tar.xz`/`.txz`, `.tar.bz2`/`.tbz2`,
    /// `.tar.zst`/`.tzst`, single `.gz`, `.xz`, `.zst`, `.bz2`, `.z`.
    static func fromName(_ name: String) -> FileLayout? {
        let lower = name.lowercased()
        guard let dot = lower.lastIndex(of: ".") else { return nil }
        let ext = String(lower[lower.index(after: dot)...])
        let stem = lower[..<dot]
        if ext == "tar" { return FileLayout(compression: .identity, isTar: true) }
        if ["tgz", "txz", "tbz2", "tbz", "tzst"].contains(ext), let format = CompressionFormat(fileExtension: ext) {
            return FileLayout(compression: format, isTar: true)
        }
        guard ["gz", "xz", "zst", "bz2", "z"].contains(ext), let format = CompressionFormat(fileExtension: ext) else { return nil }
        return FileLayout(compression: format, isTar: stem.hasSuffix(".tar") ? true : nil)
    }

    /// From magic numbers; deflate only on its common `78 xx` headers, since two ASCII letters
    /// can pass zlib's header check.
    static func sniff(_ head: ArraySlice<UInt8>) -> CompressionFormat {
        guard let format = CompressionFormat.sniff(head) else { return .identity }
        if format == .deflate {
            let second = head.dropFirst().first
            return head.first == 0x78 && [0x01, 0x5E, 0x9C, 0xDA].contains(second) ? .deflate : .identity
        }
        return format
    }

    /// Whether a first block is a tar header: `ustar` magic and a matching checksum.
    static func looksLikeTar(_ block: ArraySlice<UInt8>) -> Bool {
        guard block.count >= 512 else { return false }
        let header = TarHeader(Array(block.prefix(512)))
        return header.hasMagic && header.checksumMatches
    }
}

/// Reads the files on its own thread, decompressing and splitting archives into members, and
/// queues them for the parser, so decompression and parsing overlap.
final class MemberProducer: @unchecked Sendable {
    let queue: BoundedQueue<[PendingUnit]>
    /// Units are handed over in batches: one lock round trip per member costs more than
    /// parsing a small descriptor when the machine is busy.
    private var batch: [PendingUnit] = []
    private var batchBytes = 0
    static let batchCount = 64
    static let batchBytesLimit = 4 << 20
    private let paths: [String]
    private let options: DescriptorReaderOptions
    private let history: ReadHistory
    private let counters = Lock()
    private var fileBytes = 0
    private var files = 0

    init(paths: [String], options: DescriptorReaderOptions, history: ReadHistory) {
        self.paths = paths
        self.options = options
        self.history = history
        queue = BoundedQueue(capacity: options.bufferSize)
    }

    var counts: (fileBytes: Int, files: Int) {
        counters.lock()
        defer { counters.unlock() }
        return (fileBytes, files)
    }

    private func addBytes(_ n: Int) {
        counters.lock()
        fileBytes += n
        counters.unlock()
    }

    /// Adds a unit to the current batch, handing the batch over when it is full; false when
    /// the consumer went away.
    private func emit(_ unit: PendingUnit) -> Bool {
        var unit = unit
        // The one place every file and archive member passes before type detection, splitting
        // and parsing: a CRLF-converted file becomes the LF bytes that were signed here, for
        // every document type (one memchr for files without CR).
        if !unit.bytes.isEmpty { (unit.bytes, unit.lineEndings) = LineEndings.normalizing(unit.bytes) }
        batch.append(unit)
        batchBytes += unit.bytes.count
        if batch.count >= Self.batchCount || batchBytes >= Self.batchBytesLimit { return flush() }
        return true
    }

    private func flush() -> Bool {
        guard !batch.isEmpty else { return true }
        let full = batch
        batch = []
        batchBytes = 0
        return queue.push(full)
    }

    func start() {
        let started = DetachedThread.start { [self] in
            run()
            _ = flush()
            queue.close()
        }
        // No thread (the process is at its limit): end the stream rather than wait forever.
        if !started { queue.close() }
    }

    private func run() {
        for path in paths {
            var keepGoing = true
            FileWalker.expand(path, followLinks: options.followSymlinks) { walked, shown in
                guard let walked else {
                    let error = ArchiveError(kind: .io("no such file or directory"), path: shown)
                    keepGoing = emit(PendingUnit(source: DescriptorSource(path: shown, isNamedPath: true), failure: error))
                    return keepGoing
                }
                if history.contains(walked) { return true }
                counters.lock()
                files += 1
                counters.unlock()
                keepGoing = read(walked)
                return keepGoing
            }
            if !keepGoing { return }
        }
    }

    /// Reads one file into units; false when the consumer went away.
    private func read(_ walked: WalkedFile) -> Bool {
        let base = DescriptorSource(path: walked.path, isNamedPath: walked.named)
        let name = base.fileName
        do throws(ArchiveError) {
            var layout = FileLayout.fromName(name)
            let source: FileByteSource
            if let known = layout {
                source = try FileByteSource(path: walked.path, format: known.compression, limits: options.decompressionLimits)
                source.onFileRead = { [self] n in addBytes(n) }
            } else {
                // A name that says nothing: the head of the one open file tells. A plain file (the
                // usual case: tor's cache files, CollecTor's files) is read on from there, so
                // it is opened and read once; only a compressed one is opened again with its decoder.
                let plain = try FileByteSource(path: walked.path, format: .identity, limits: options.decompressionLimits)
                plain.onFileRead = { [self] n in addBytes(n) }
                let format = FileLayout.sniff(try plain.peek(6))
                layout = FileLayout(compression: format, isTar: nil)
                if format == .identity {
                    source = plain
                } else {
                    addBytes(-plain.fileBytesRead)   // counted again as the decoder reads them
                    source = try FileByteSource(path: walked.path, format: format, limits: options.decompressionLimits)
                    source.onFileRead = { [self] n in addBytes(n) }
                }
            }
            var isTar = layout!.isTar ?? false
            if layout!.isTar == nil { isTar = FileLayout.looksLikeTar(try source.peek(512)) }
            if !isTar {
                var unit = PendingUnit(source: base, bytes: try source.readAll(limit: options.maxMemberSize))
                unit.completes = walked
                return emit(unit)
            }
            var tar = TarReader(source: source, name: walked.path, maxMemberSize: options.maxMemberSize)
            while true {
                do throws(ArchiveError) {
                    guard let member = try tar.next() else { break }
                    var source = base
                    source.member = member.name
                    if !emit(PendingUnit(source: source, bytes: member.bytes)) { return false }
                } catch where error.kind == .memberTooLarge(options.maxMemberSize) {
                    var source = base
                    source.member = error.member
                    if !emit(PendingUnit(source: source, failure: error)) { return false }
                }
            }
            var end = PendingUnit(source: base)
            end.completes = walked
            end.isMarker = true
            return emit(end)
        } catch {
            var source = base
            source.member = error.member
            return emit(PendingUnit(source: source, failure: error))
        }
    }
}
