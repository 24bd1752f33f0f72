import Decompression
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials

/// Where a tar reader pulls its bytes from, a piece at a time.
///
/// ```swift
/// let source = try FileByteSource(path: "server-descriptors-2024-01.tar.xz", format: .xz)
/// var tar = TarReader(source: source, name: source.path)
/// ```
public protocol ArchiveByteSource: AnyObject {
    /// Appends up to `count` bytes to `buffer`; returns how many (0 only at the end).
    func read(into buffer: inout [UInt8], count: Int) throws(ArchiveError) -> Int
    /// Discards up to `count` bytes; returns how many (fewer only at the end).
    func skip(_ count: Int) throws(ArchiveError) -> Int
}

/// Bytes already in memory, as a byte source (tests, downloaded archives).
///
/// ```swift
/// var tar = TarReader(source: MemoryByteSource(bytes), name: "download.tar")
/// ```
public final class MemoryByteSource: ArchiveByteSource {
    private let bytes: [UInt8]
    private var position = 0

    /// A source that yields `bytes` once.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public func read(into buffer: inout [UInt8], count: Int) throws(ArchiveError) -> Int {
        let n = min(count, bytes.count - position)
        buffer.append(contentsOf: bytes[position..<(position + n)])
        position += n
        return n
    }

    public func skip(_ count: Int) throws(ArchiveError) -> Int {
        let n = min(count, bytes.count - position)
        position += n
        return n
    }
}

/// A file read in large chunks and decompressed on the fly, so only one chunk of compressed
/// input and its output are in memory at a time.
///
/// ```swift
/// let source = try FileByteSource(path: "consensuses-2024-01.tar.xz", format: .xz)
/// var first: [UInt8] = []
/// _ = try source.read(into: &first, count: 512)
/// ```
public final class FileByteSource: ArchiveByteSource {
    /// The file's path.
    public let path: String
    /// Compressed bytes read from the file so far.
    public private(set) var fileBytesRead = 0
    /// Called with the number of file bytes each time a chunk is read (progress reporting).
    public var onFileRead: ((Int) -> Void)?

    private let descriptor: Int32
    private var decompressor: StreamingDecompressor?
    private var pending: [UInt8] = []
    private var pendingStart = 0
    private var atEnd = false
    private let chunk: UnsafeMutableRawBufferPointer
    private let chunkSize: Int

    /// Opens `path`; `format` `.identity` reads it as is.
    public init(path: String, format: CompressionFormat, limits: DecompressionLimits = .unlimited,
                chunkSize: Int = 1 << 20) throws(ArchiveError) {
        self.path = path
        self.chunkSize = chunkSize
        descriptor = open(path, O_RDONLY)
        if descriptor < 0 {
            throw ArchiveError(kind: .io(String(cString: strerror(errno))), path: path)
        }
        decompressor = format == .identity ? nil : StreamingDecompressor(format: format, limits: limits)
        chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
    }

    deinit {
        close(descriptor)
        chunk.deallocate()
    }

    /// Bytes available without reading more of the file.
    private var available: Int { pending.count - pendingStart }

    /// Compressed bytes read from the file but not yet given to the decompressor.
    private var chunkStart = 0
    private var chunkEnd = 0

    /// Compressed input per decompressor call: bounds the output one call can add to
    /// `pending` (a highly compressed stretch expands by up to a few thousand times).
    private static let feedSize = 16 * 1024

    /// Decompresses more of the file; false at the end of the stream.
    private func fill() throws(ArchiveError) -> Bool {
        if atEnd { return false }
        if pendingStart > 0 {
            pending.removeSubrange(0..<pendingStart)
            pendingStart = 0
        }
        while true {
            if chunkStart == chunkEnd {
                let n = try readChunk()
                if n == 0 {
                    atEnd = true
                    let before = pending.count
                    do throws(DecompressionError) {
                        if decompressor != nil { try decompressor!.finish { pending.append(contentsOf: $0.assumingMemoryBound(to: UInt8.self)) } }
                    } catch {
                        throw ArchiveError(kind: .decompression(error.kind), path: path, decompression: error)
                    }
                    return pending.count > before
                }
            }
            let take = decompressor == nil ? chunkEnd - chunkStart : min(Self.feedSize, chunkEnd - chunkStart)
            let input = UnsafeRawBufferPointer(start: chunk.baseAddress! + chunkStart, count: take)
            chunkStart += take
            let before = pending.count
            if decompressor == nil {
                pending.append(contentsOf: input.assumingMemoryBound(to: UInt8.self))
            } else {
                do throws(DecompressionError) {
                    try decompressor!.feed(input) { pending.append(contentsOf: $0.assumingMemoryBound(to: UInt8.self)) }
                } catch {
                    throw ArchiveError(kind: .decompression(error.kind), path: path, decompression: error)
                }
            }
            if pending.count > before { return true }
        }
    }

    /// Reads the next chunk of the file into `chunk`; returns its length (0 at the end).
    private func readChunk() throws(ArchiveError) -> Int {
        while true {
            // A plain file's first read is small: it usually only serves a peek at the head,
            // and readAll then reads the rest straight into the parser's buffer.
            let size = decompressor == nil && fileBytesRead == 0 ? min(chunkSize, 64 * 1024) : chunkSize
            let n = systemRead(descriptor, chunk.baseAddress, size)
            if n < 0 {
                if errno == EINTR { continue }
                throw ArchiveError(kind: .io(String(cString: strerror(errno))), path: path)
            }
            fileBytesRead += n
            if n > 0 { onFileRead?(n) }
            chunkStart = 0
            chunkEnd = n
            return n
        }
    }

    /// The next `count` bytes without consuming them (fewer at the end).
    public func peek(_ count: Int) throws(ArchiveError) -> ArraySlice<UInt8> {
        while available < count, try fill() {}
        return pending[pendingStart..<(pendingStart + min(count, available))]
    }

    public func read(into buffer: inout [UInt8], count: Int) throws(ArchiveError) -> Int {
        var remaining = count
        while remaining > 0 {
            if available == 0, !(try fill()) { break }
            let n = min(remaining, available)
            buffer.append(contentsOf: pending[pendingStart..<(pendingStart + n)])
            pendingStart += n
            remaining -= n
        }
        return count - remaining
    }

    public func skip(_ count: Int) throws(ArchiveError) -> Int {
        var remaining = count
        while remaining > 0 {
            if available == 0, !(try fill()) { break }
            let n = min(remaining, available)
            pendingStart += n
            remaining -= n
        }
        return count - remaining
    }

    /// Reads everything that is left (a single, possibly compressed, file), up to `limit` bytes.
    ///
    /// The result is the buffer the parser keeps, filled without intermediate copies: a plain
    /// file goes from the kernel straight into an array of its size, decompressed output
    /// straight into the result.
    public func readAll(limit: Int) throws(ArchiveError) -> [UInt8] {
        if decompressor == nil { return try readRestOfPlainFile(limit: limit) }
        var out = Array(pending[pendingStart...])
        pending = []
        pendingStart = 0
        while true {
            if out.count > limit { throw ArchiveError(kind: .memberTooLarge(limit), path: path) }
            if atEnd { return out }
            if chunkStart == chunkEnd, try readChunk() == 0 {
                atEnd = true
                do throws(DecompressionError) {
                    try decompressor!.finish { out.append(contentsOf: $0.assumingMemoryBound(to: UInt8.self)) }
                } catch {
                    throw ArchiveError(kind: .decompression(error.kind), path: path, decompression: error)
                }
                continue
            }
            let take = min(Self.feedSize, chunkEnd - chunkStart)
            let input = UnsafeRawBufferPointer(start: chunk.baseAddress! + chunkStart, count: take)
            chunkStart += take
            do throws(DecompressionError) {
                try decompressor!.feed(input) { out.append(contentsOf: $0.assumingMemoryBound(to: UInt8.self)) }
            } catch {
                throw ArchiveError(kind: .decompression(error.kind), path: path, decompression: error)
            }
        }
    }

    /// Asks the kernel to back a large fresh buffer with pages in one call before `read` fills
    /// it (Linux ≥ 5.14, `MADV_POPULATE_WRITE`), instead of one page fault per 4 KiB inside the
    /// copy: a 2.5 MB consensus is read in 0.73 ms instead of 0.96 ms here. Best effort: the
    /// call's failure (an older kernel, another system) only leaves the faults to happen.
    ///
    /// A buffer whose first and last pages are already there is a reused heap block (a reader
    /// in a long-running process), not a fresh mapping: populating it would only walk its page
    /// table entries, 0.07 ms of a 2.5 MB read here, so two pages' `mincore` skips it.
    private static func prefault(_ start: UnsafeMutablePointer<UInt8>, count: Int) {
        #if os(Linux)
        guard count >= 1 << 20 else { return }
        let page = max(Int(sysconf(Int32(_SC_PAGESIZE))), 4096)
        let first = (Int(bitPattern: start) + page - 1) & ~(page - 1)
        let end = (Int(bitPattern: start) + count) & ~(page - 1)
        guard end > first, let address = UnsafeMutableRawPointer(bitPattern: first),
              let last = UnsafeMutableRawPointer(bitPattern: end - page) else { return }
        if isResident(address, page: page) && isResident(last, page: page) { return }
        let populateWrite: Int32 = 23   // MADV_POPULATE_WRITE; glibc before 2.35 does not name it
        _ = madvise(address, end - first, populateWrite)
        #endif
    }

    #if os(Linux)
    /// Whether the page at `address` (page-aligned) is in memory; false when the kernel cannot say.
    private static func isResident(_ address: UnsafeMutableRawPointer, page: Int) -> Bool {
        var residency: UInt8 = 0
        return mincore(address, page, &residency) == 0 && residency & 1 != 0
    }
    #endif

    /// The rest of a plain file: one array of the file's size, into which the bytes already
    /// taken from the file (a peek at its head) are copied once and the kernel reads the rest
    /// directly; then, should the file have grown meanwhile, the usual chunked reads.
    private func readRestOfPlainFile(limit: Int) throws(ArchiveError) -> [UInt8] {
        let buffered = pending[pendingStart...]
        let unread = UnsafeRawBufferPointer(start: chunk.baseAddress! + chunkStart, count: chunkEnd - chunkStart)
            .assumingMemoryBound(to: UInt8.self)
        pending = []
        pendingStart = 0
        chunkStart = chunkEnd
        let head = buffered.count + unread.count
        var status = stat()
        let size = fstat(descriptor, &status) == 0 ? Int(status.st_size) : 0
        let expected = head + max(0, size - fileBytesRead)
        if expected > limit { throw ArchiveError(kind: .memberTooLarge(limit), path: path) }
        var out: [UInt8]
        if expected > head {
            var failure: Int32 = 0
            var added = 0
            out = [UInt8](unsafeUninitializedCapacity: expected) { buffer, initialized in
                _ = UnsafeMutableBufferPointer(rebasing: buffer[..<buffered.count]).initialize(fromContentsOf: buffered)
                _ = UnsafeMutableBufferPointer(rebasing: buffer[buffered.count..<head]).initialize(fromContentsOf: unread)
                initialized = head
                Self.prefault(buffer.baseAddress! + head, count: expected - head)
                while initialized < expected {
                    let n = systemRead(descriptor, buffer.baseAddress! + initialized, expected - initialized)
                    if n < 0 && errno == EINTR { continue }
                    if n < 0 { failure = errno; return }
                    if n == 0 { return }
                    initialized += n
                    added += n
                }
            }
            fileBytesRead += added
            if added > 0 { onFileRead?(added) }
            if failure != 0 { throw ArchiveError(kind: .io(String(cString: strerror(failure))), path: path) }
            if out.count < expected { return out }   // the file shrank: what is there is all there is
        } else {
            out = Array(buffered)
            out.append(contentsOf: unread)
        }
        while true {
            let n = try read(into: &out, count: min(1 << 20, limit + 1 - out.count))
            if n == 0 { return out }
            if out.count > limit { throw ArchiveError(kind: .memberTooLarge(limit), path: path) }
        }
    }
}
