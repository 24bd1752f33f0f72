import Decompression
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorArchives
import TorDescriptors

/// Reads CollecTor's index and mirrors its files to a local directory.
///
/// Downloads keep CollecTor's paths under the mirror directory, are written to `NAME.part`
/// and renamed only once their size and SHA-256 match the index, and resume: a file already
/// present with the right size and digest is skipped, and a `.part` left by an interrupted run
/// continues with an HTTP `Range` request (or restarts when the server ignores it). Transfers go
/// over TorNetwork's SwiftNIO client (HTTPS with the system's trust roots, or the CAs of
/// ``caCertificatesFile``).
///
/// ```swift
/// let client = CollecTorClient()
/// let index = try await client.fetchIndex()
/// let files = index.files(matching: CollecTorFilter(types: ["server-descriptor"], pathPrefix: "recent/"))
/// let report = await client.download(files, to: URL(fileURLWithPath: "mirror")) { progress in
///     print(progress.filesDone, progress.bytesPerSecond)
/// }
/// print(report.failures.count)
/// ```
public struct CollecTorClient: Sendable {
    /// `https://collector.torproject.org`.
    public static let defaultBaseURL = URL(string: "https://collector.torproject.org")!

    /// The server root; file paths of the index are resolved against it.
    public var baseURL: URL
    /// Seconds without data (or to connect) before a request fails.
    public var timeout: TimeInterval
    /// The largest index accepted, compressed or not.
    public var maxIndexBytes: Int
    /// A PEM file of CA certificates to trust instead of the system's (a test server's CA).
    public var caCertificatesFile: String?

    /// Creates a client for `baseURL`.
    public init(baseURL: URL = CollecTorClient.defaultBaseURL, timeout: TimeInterval = 60, maxIndexBytes: Int = 256 << 20,
                caCertificatesFile: String? = nil) {
        self.baseURL = baseURL
        self.timeout = timeout
        self.maxIndexBytes = maxIndexBytes
        self.caCertificatesFile = caCertificatesFile
    }

    func transport() throws(CollecTorError) -> CollecTorTransport {
        try CollecTorTransport(baseURL: baseURL, timeout: timeout, caCertificatesFile: caCertificatesFile)
    }

    /// The index names tried in order: the xz copy is the smallest, the plain one always exists.
    public static let indexPaths = ["index/index.json.xz", "index/index.json.bz2", "index/index.json.gz", "index/index.json"]

    /// The URL of a path from the server root (`recent/relay-descriptors/...`).
    public func url(for path: String) -> URL {
        var url = baseURL
        for component in path.split(separator: "/") { url.appendPathComponent(String(component)) }
        return url
    }

    /// Fetches and parses the index, trying ``indexPaths`` in order and moving on when one is
    /// missing or does not decode; throws the last failure when none works.
    public func fetchIndex() async throws(CollecTorError) -> CollecTorIndex {
        let transport = try transport()
        var lastError = CollecTorError(.badIndex("no index"), location: baseURL.absoluteString)
        for path in Self.indexPaths {
            let url = url(for: path)
            do {
                let bytes = try await transport.fetch(url, maxBytes: maxIndexBytes)
                do {
                    // JSON compresses very well, so only the output size bounds a bomb.
                    let limits = DecompressionLimits(maxOutputBytes: maxIndexBytes, maxRatio: nil, ratioCheckAfterBytes: .max)
                    return try CollecTorIndex(data: bytes, limits: limits)
                } catch {
                    lastError = CollecTorError(error.kind, location: url.absoluteString)
                }
            } catch {
                lastError = error
                if case .transport = error.kind { throw error }   // the server is unreachable: no point trying the others
            }
        }
        throw lastError
    }

    /// Downloads `files` into `directory` (created when missing), at most
    /// ``CollecTorDownloadOptions/maxConcurrentDownloads`` at a time. Never throws: each file's
    /// outcome is in the report, in the order of `files`. `progress` is called from background
    /// threads, at most every ``CollecTorDownloadOptions/progressInterval`` seconds and once
    /// after each file.
    public func download(_ files: [CollecTorFile], to directory: URL, options: CollecTorDownloadOptions = CollecTorDownloadOptions(),
                         progress: (@Sendable (CollecTorProgress) -> Void)? = nil) async -> CollecTorDownloadReport {
        let meter = ProgressMeter(filesTotal: files.count, bytesTotal: files.reduce(0) { $0 + $1.size },
                                  interval: options.progressInterval, callback: progress)
        let transport: CollecTorTransport
        do throws(CollecTorError) {
            transport = try self.transport()
        } catch {
            return CollecTorDownloadReport(results: files.map { CollecTorDownloadResult(file: $0, localURL: directory, outcome: .failed(error)) },
                                           bytesTransferred: 0)
        }
        let downloader = FileDownloader(client: self, transport: transport, directory: directory, options: options, meter: meter)
        var results = [CollecTorDownloadResult?](repeating: nil, count: files.count)
        await withTaskGroup(of: (Int, CollecTorDownloadResult).self) { group in
            var next = 0
            func addNext() {
                guard next < files.count else { return }
                let position = next
                let file = files[position]
                next += 1
                group.addTask { (position, await downloader.download(file)) }
            }
            for _ in 0..<max(1, options.maxConcurrentDownloads) { addNext() }
            while let (position, result) = await group.next() {
                results[position] = result
                meter.fileFinished(result.file.path)
                addNext()
            }
        }
        return CollecTorDownloadReport(results: results.compactMap { $0 }, bytesTransferred: meter.snapshot().bytesTransferred)
    }
}

/// How ``CollecTorClient/download(_:to:options:progress:)`` works.
///
/// ```swift
/// var options = CollecTorDownloadOptions()
/// options.maxConcurrentDownloads = 2
/// options.useRangeRequests = false     // always restart partial files
/// ```
public struct CollecTorDownloadOptions: Sendable, Hashable {
    /// Files transferred at the same time.
    public var maxConcurrentDownloads: Int
    /// Continue a `.part` file with an HTTP `Range` request instead of restarting it.
    public var useRangeRequests: Bool
    /// Check the SHA-256 of files already in the mirror (not only their size) before skipping them.
    public var verifyExisting: Bool
    /// Seconds between progress calls while bytes flow.
    public var progressInterval: Double

    /// Creates options: 4 concurrent downloads, range resume, verified skips, 0.5 s progress.
    public init(maxConcurrentDownloads: Int = 4, useRangeRequests: Bool = true, verifyExisting: Bool = true, progressInterval: Double = 0.5) {
        self.maxConcurrentDownloads = maxConcurrentDownloads
        self.useRangeRequests = useRangeRequests
        self.verifyExisting = verifyExisting
        self.progressInterval = progressInterval
    }
}

/// What happened to one file of a download.
///
/// ```swift
/// for result in report.results where result.error != nil { print(result.file.path, result.error!) }
/// ```
public struct CollecTorDownloadResult: Sendable, Hashable {
    /// How a file ended.
    public enum Outcome: Sendable, Hashable {
        /// Transferred from the start and verified.
        case downloaded
        /// A `.part` of this many bytes was continued with a `Range` request and the whole verified.
        case resumed(fromByte: Int)
        /// Already in the mirror with the right size and digest; nothing transferred.
        case alreadyPresent
        /// Not in the mirror (any partial file with a wrong digest was deleted).
        case failed(CollecTorError)
    }

    /// The index entry.
    public var file: CollecTorFile
    /// Where the file is (or would be) in the mirror.
    public var localURL: URL
    /// How it ended.
    public var outcome: Outcome

    /// The failure, if the file failed.
    public var error: CollecTorError? {
        if case .failed(let error) = outcome { return error }
        return nil
    }
}

/// The outcome of a whole download.
///
/// ```swift
/// let report = await client.download(files, to: mirror)
/// print("\(report.downloaded.count) new, \(report.alreadyPresent.count) present, \(report.failures.count) failed")
/// ```
public struct CollecTorDownloadReport: Sendable, Hashable {
    /// One result per requested file, in request order.
    public var results: [CollecTorDownloadResult]
    /// Bytes received from the server.
    public var bytesTransferred: Int

    /// Files transferred (from the start or resumed).
    public var downloaded: [CollecTorDownloadResult] {
        results.filter {
            switch $0.outcome {
            case .downloaded, .resumed: true
            default: false
            }
        }
    }

    /// Files skipped because the mirror already had them.
    public var alreadyPresent: [CollecTorDownloadResult] { results.filter { $0.outcome == .alreadyPresent } }

    /// Files that failed.
    public var failures: [CollecTorDownloadResult] { results.filter { $0.error != nil } }
}

/// A progress snapshot of a download.
///
/// ```swift
/// await client.download(files, to: mirror) { p in
///     print("\(p.filesDone)/\(p.filesTotal) files, \(Int(p.bytesPerSecond)) B/s")
/// }
/// ```
public struct CollecTorProgress: Sendable, Hashable {
    /// Files finished in any way (downloaded, present or failed).
    public var filesDone: Int
    /// Files requested.
    public var filesTotal: Int
    /// Bytes received so far.
    public var bytesTransferred: Int
    /// The index sizes of all requested files added up.
    public var bytesTotal: Int
    /// Seconds since the download started.
    public var elapsedSeconds: Double
    /// The file that just finished, for the calls made after a file.
    public var lastFinished: String?

    /// Bytes received per second since the start.
    public var bytesPerSecond: Double { elapsedSeconds > 0 ? Double(bytesTransferred) / elapsedSeconds : 0 }
    /// Files finished per second since the start.
    public var filesPerSecond: Double { elapsedSeconds > 0 ? Double(filesDone) / elapsedSeconds : 0 }
}

/// Counts bytes and files across concurrent transfers and calls the progress callback, throttled.
final class ProgressMeter: @unchecked Sendable {
    private let lock = Lock()
    private var state: CollecTorProgress
    private let start = Date()
    private var lastCall = Date.distantPast
    private let interval: Double
    private let callback: (@Sendable (CollecTorProgress) -> Void)?

    init(filesTotal: Int, bytesTotal: Int, interval: Double, callback: (@Sendable (CollecTorProgress) -> Void)?) {
        state = CollecTorProgress(filesDone: 0, filesTotal: filesTotal, bytesTransferred: 0, bytesTotal: bytesTotal, elapsedSeconds: 0)
        self.interval = interval
        self.callback = callback
    }

    func add(bytes: Int) {
        lock.lock()
        state.bytesTransferred += bytes
        let now = Date()
        let due = callback != nil && now.timeIntervalSince(lastCall) >= interval
        if due { lastCall = now }
        let snapshot = stamped(now)
        lock.unlock()
        if due { callback?(snapshot) }
    }

    func fileFinished(_ path: String) {
        lock.lock()
        state.filesDone += 1
        state.lastFinished = path
        let now = Date()
        lastCall = now
        let snapshot = stamped(now)
        lock.unlock()
        callback?(snapshot)
    }

    func snapshot() -> CollecTorProgress {
        lock.lock()
        defer { lock.unlock() }
        return stamped(Date())
    }

    private func stamped(_ now: Date) -> CollecTorProgress {
        var copy = state
        copy.elapsedSeconds = now.timeIntervalSince(start)
        return copy
    }
}
