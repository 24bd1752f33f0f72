#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open file descriptor with the few operations the CollecTor downloader needs (read a
/// prefix, create or continue a `.part` file, append, truncate), in place of Foundation's
/// `FileHandle`: the library modules import only FoundationEssentials, which has none (#15).
///
/// Errors are `errno` descriptions (`strerror`), which is what a user needs to act on them.
package final class PosixFile {
    private var descriptor: Int32

    private init(_ descriptor: Int32) { self.descriptor = descriptor }
    deinit { if descriptor >= 0 { _ = systemClose(descriptor) } }

    /// Opens `path` for reading, or nil.
    package static func reading(_ path: String) -> PosixFile? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        return fd < 0 ? nil : PosixFile(fd)
    }

    /// Opens `path` for writing, creating it (mode 0644) and, with `truncate`, emptying it.
    package static func writing(_ path: String, truncate: Bool) -> PosixFile? {
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : 0), 0o644)
        return fd < 0 ? nil : PosixFile(fd)
    }

    /// The current `errno` as text.
    package static var lastError: String { String(cString: strerror(errno)) }

    /// Up to `count` bytes from the current offset; empty at the end of the file.
    package func read(upTo count: Int) throws(PosixFileError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        while true {
            let n = buffer.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, count) }
            if n >= 0 { buffer.removeLast(count - n); return buffer }
            if errno != EINTR { throw PosixFileError(Self.lastError) }
        }
    }

    /// Writes all of `bytes` at the current offset.
    package func write(_ bytes: ArraySlice<UInt8>) throws(PosixFileError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 { if errno == EINTR { continue }; throw PosixFileError(Self.lastError) }
            done += n
        }
    }

    /// Cuts the file to `length` bytes and moves the offset to its end.
    package func truncateAndSeekToEnd(_ length: Int) throws(PosixFileError) {
        guard ftruncate(descriptor, off_t(length)) == 0, lseek(descriptor, 0, SEEK_END) >= 0 else {
            throw PosixFileError(Self.lastError)
        }
    }

    /// Closes now (also done on deinit); reports a failed close, which can mean lost writes.
    package func close() throws(PosixFileError) {
        guard descriptor >= 0 else { return }
        let status = systemClose(descriptor)
        descriptor = -1
        if status != 0 { throw PosixFileError(Self.lastError) }
    }

    /// Size and kind of `path` (not following a final symlink), or nil when it cannot be stat'ed.
    package static func regularFileSize(_ path: String) -> Int? {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(info.st_size)
    }
}

/// A failed system call on a ``PosixFile``, with the system's description.
package struct PosixFileError: Error, CustomStringConvertible {
    package let description: String
    init(_ description: String) { self.description = description }
}

/// POSIX `read(2)`, named apart from the `read` methods of this module's types (ByteSource too).
func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.read(fd, buffer, count)
    #else
    Darwin.read(fd, buffer, count)
    #endif
}

private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(fd, buffer, count)
    #else
    Darwin.write(fd, buffer, count)
    #endif
}

private func systemClose(_ fd: Int32) -> Int32 {
    #if canImport(Glibc)
    Glibc.close(fd)
    #else
    Darwin.close(fd)
    #endif
}
