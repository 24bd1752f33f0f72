import Crypto
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorArchives
import TorWire

/// Mirrors one index file: skip when present and intact, else stream to `NAME.part` (resuming
/// an existing one), verify size and SHA-256, rename into place.
struct FileDownloader: Sendable {
    let client: CollecTorClient
    let transport: CollecTorTransport
    let directory: URL
    let options: CollecTorDownloadOptions
    let meter: ProgressMeter

    func download(_ file: CollecTorFile) async -> CollecTorDownloadResult {
        let components = file.path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard components.allSatisfy(CollecTorDirectory.isSafeComponent) else {
            return CollecTorDownloadResult(file: file, localURL: directory, outcome: .failed(CollecTorError(.badIndex("unsafe path"), location: file.path)))
        }
        let destination = components.reduce(directory) { $0.appendingPathComponent($1) }
        func result(_ outcome: CollecTorDownloadResult.Outcome) -> CollecTorDownloadResult {
            CollecTorDownloadResult(file: file, localURL: destination, outcome: outcome)
        }
        let manager = FileManager.default
        if Self.size(of: destination.path) == file.size,
           !options.verifyExisting || file.sha256Digest == nil || Self.digest(of: destination.path, prefix: file.size) == file.sha256Digest?.bytes {
            return result(.alreadyPresent)
        }
        do {
            try manager.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            return result(.failed(CollecTorError(.io(String(describing: error)), location: destination.path)))
        }
        let part = destination.path + ".part"
        var resumeFrom = 0
        if let partSize = Self.size(of: part) {
            if options.useRangeRequests, partSize > 0, partSize < file.size {
                resumeFrom = partSize
            } else {
                try? manager.removeItem(atPath: part)
            }
        }
        var outcome = await attempt(file, part: part, from: resumeFrom)
        if case .failed(let error) = outcome, resumeFrom > 0, Self.isContentMismatch(error) {
            // The kept prefix may be stale (the file changed on the server): one fresh try.
            outcome = await attempt(file, part: part, from: 0)
        }
        guard case .failed = outcome else {
            do {
                if manager.fileExists(atPath: destination.path) { try manager.removeItem(at: destination) }
                try manager.moveItem(atPath: part, toPath: destination.path)
            } catch {
                return result(.failed(CollecTorError(.io(String(describing: error)), location: destination.path)))
            }
            return result(outcome)
        }
        return result(outcome)
    }

    /// One transfer into `part`, continuing from byte `start` when it is above zero.
    private func attempt(_ file: CollecTorFile, part: String, from start: Int) async -> CollecTorDownloadResult.Outcome {
        let url = client.url(for: file.path)
        let state = AttemptState()
        if start > 0 {
            // The digest covers the whole file, so the kept prefix is hashed first.
            guard let prefixHasher = Self.hasher(of: part, prefix: start) else { return await attempt(file, part: part, from: 0) }
            state.hasher = prefixHasher
            state.written = start
        }
        let meter = self.meter
        var transportError: CollecTorError?
        do throws(CollecTorError) {
            try await transport.stream(url, headers: start > 0 ? [("Range", "bytes=\(start)-")] : [], maxBodyBytes: .max,
                                       onHead: { head in
                state.open(response: head, part: part, requestedStart: start, url: url.absoluteString)
            }, onBody: { chunk in
                let ok = state.write(chunk, limit: file.size, url: url.absoluteString)
                if ok { meter.add(bytes: chunk.count) }
                return ok
            })
        } catch {
            transportError = error
        }
        state.close()
        if let failure = state.failure {
            if Self.isContentMismatch(failure) { try? FileManager.default.removeItem(atPath: part) }
            return .failed(failure)
        }
        if let transportError {
            // The .part stays: the next run continues it.
            return .failed(transportError)
        }
        guard state.opened else { return .failed(CollecTorError(.transport("no response"), location: url.absoluteString)) }
        guard state.written == file.size else {
            try? FileManager.default.removeItem(atPath: part)
            return .failed(CollecTorError(.sizeMismatch(expected: file.size, actual: state.written), location: url.absoluteString))
        }
        if let expected = file.sha256Digest?.bytes {
            let actual = Array(state.hasher.finalize())
            guard actual == expected else {
                try? FileManager.default.removeItem(atPath: part)
                return .failed(CollecTorError(.digestMismatch(expected: file.sha256 ?? "", actual: Data(actual).base64EncodedString()),
                                              location: url.absoluteString))
            }
        }
        return state.resumedFrom > 0 ? .resumed(fromByte: state.resumedFrom) : .downloaded
    }

    static func isContentMismatch(_ error: CollecTorError) -> Bool {
        switch error.kind {
        case .sizeMismatch, .digestMismatch: true
        default: false
        }
    }

    static func size(of path: String) -> Int? {
        PosixFile.regularFileSize(path)
    }

    /// A hasher fed with the first `prefix` bytes of `path`, or nil if they cannot be read.
    static func hasher(of path: String, prefix: Int) -> SHA256? {
        guard let file = PosixFile.reading(path) else { return nil }
        var hasher = SHA256()
        var remaining = prefix
        while remaining > 0 {
            guard let chunk = try? file.read(upTo: min(remaining, 1 << 20)), !chunk.isEmpty else { return nil }
            hasher.update(data: chunk)
            remaining -= chunk.count
        }
        return hasher
    }

    static func digest(of path: String, prefix: Int) -> [UInt8]? {
        hasher(of: path, prefix: prefix).map { Array($0.finalize()) }
    }
}

/// The state of one transfer, touched only from the transport's callbacks (which run one at a
/// time in the downloading task) and read after the transfer completed.
private final class AttemptState {
    var hasher = SHA256()
    var written = 0
    var resumedFrom = 0
    var opened = false
    var failure: CollecTorError?
    private var handle: PosixFile?

    /// Accepts 200 (whole file: the part starts over) or a 206 that continues exactly where the
    /// part ends; anything else fails the transfer without touching the part.
    func open(response: HTTPResponse, part: String, requestedStart: Int, url: String) -> Bool {
        switch response.status {
        case 200:
            hasher = SHA256()
            written = 0
            guard let handle = PosixFile.writing(part, truncate: true) else {
                failure = CollecTorError(.io("cannot create file: \(PosixFile.lastError)"), location: part)
                return false
            }
            self.handle = handle
        case 206 where requestedStart > 0:
            let range = response.header("Content-Range") ?? ""
            guard range.hasPrefix("bytes \(requestedStart)-"), let handle = PosixFile.writing(part, truncate: false) else {
                failure = CollecTorError(.transport("unexpected Content-Range '\(range)'"), location: url)
                return false
            }
            do {
                try handle.truncateAndSeekToEnd(requestedStart)
            } catch {
                failure = CollecTorError(.io(error.description), location: part)
                return false
            }
            self.handle = handle
            resumedFrom = requestedStart
        default:
            failure = CollecTorError(.httpStatus(response.status), location: url)
            return false
        }
        opened = true
        return true
    }

    func write(_ chunk: ArraySlice<UInt8>, limit: Int, url: String) -> Bool {
        guard let handle else { return false }
        guard written + chunk.count <= limit else {
            failure = CollecTorError(.sizeMismatch(expected: limit, actual: written + chunk.count), location: url)
            return false
        }
        do {
            try handle.write(chunk)
        } catch {
            failure = CollecTorError(.io(error.description), location: url)
            return false
        }
        hasher.update(data: chunk)
        written += chunk.count
        return true
    }

    func close() {
        try? handle?.close()
        handle = nil
    }
}
