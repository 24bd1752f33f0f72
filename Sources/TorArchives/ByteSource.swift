import Decompression
import Foundation

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

    /// Reads and decompresses the next chunk of the file; false at the end of the stream.
    private func fill() throws(ArchiveError) -> Bool {
        if atEnd { return false }
        if pendingStart > 0 {
            pending.removeSubrange(0..<pendingStart)
            pendingStart = 0
        }
        while true {
            let n = Foundation.read(descriptor, chunk.baseAddress, chunkSize)
            if n < 0 {
                if errno == EINTR { continue }
                throw ArchiveError(kind: .io(String(cString: strerror(errno))), path: path)
            }
            fileBytesRead += n
            if n > 0 { onFileRead?(n) }
            let input = UnsafeRawBufferPointer(start: chunk.baseAddress, count: n)
            let before = pending.count
            do throws(DecompressionError) {
                if decompressor != nil {
                    if n == 0 {
                        try decompressor!.finish { pending.append(contentsOf: $0) }
                    } else {
                        try decompressor!.feed(input) { pending.append(contentsOf: $0) }
                    }
                } else {
                    pending.append(contentsOf: input)
                }
            } catch {
                throw ArchiveError(kind: .decompression(error.kind), path: path, decompression: error)
            }
            if n == 0 { atEnd = true; return pending.count > before }
            if pending.count > before { return true }
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

    /// Reads everything that is left (a single compressed file), up to `limit` bytes.
    public func readAll(limit: Int) throws(ArchiveError) -> [UInt8] {
        var out: [UInt8] = []
        while true {
            let n = try read(into: &out, count: min(1 << 20, limit + 1 - out.count))
            if n == 0 { return out }
            if out.count > limit { throw ArchiveError(kind: .memberTooLarge(limit), path: path) }
        }
    }
}
