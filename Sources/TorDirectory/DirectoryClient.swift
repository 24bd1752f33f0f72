import Decompression
import TorDescriptors
@_exported import struct TorWire.HTTPResponse
import TorWire

/// A decoded answer from one DirPort.
///
/// ```swift
/// let response = try await client.query(path: "/tor/keys/all")
/// print(response.endpoint, response.contentEncoding, response.encodedSize, response.body.count)
/// ```
public struct DirectoryResponse: Sendable {
    /// The endpoint that answered.
    public var endpoint: DirectoryEndpoint
    public var path: String
    /// The `Content-Encoding` the server used (`identity` when absent).
    public var contentEncoding: String
    /// Size of the body as received, before decoding.
    public var encodedSize: Int
    /// The decoded body.
    public var body: [UInt8]
    public var headers: [(name: String, value: String)]
    /// Time from connect to the last body byte, and to the decoded body.
    public var downloadTime: Duration
    public var decodeTime: Duration
}

/// An async client for tor's directory protocol over plain-HTTP DirPorts (SwiftNIO, through a
/// `DirectoryTransport`).
///
/// Requests go to the configured endpoints in turn (random start, then round robin) until one
/// gives a usable answer; every failed attempt is kept for the error. Each attempt has a connect
/// timeout and a whole-request deadline, and the body is capped before and after decoding.
///
/// ```swift
/// let client = DirectoryClient()                       // the public Tor network's authorities
/// let consensus = try await client.consensus()         // verified against the authorities
/// for try await entry in client.consensusEntries() { print(entry.nickname) }
/// ```
public struct DirectoryClient: Sendable {
    /// How the client talks to directories.
    ///
    /// ```swift
    /// var configuration = DirectoryClient.Configuration(list: try DirectoryList(parsing: torrcLines))
    /// configuration.acceptEncodings = [.zstd, .identity]
    /// configuration.requestTimeout = .seconds(20)
    /// ```
    public struct Configuration: Sendable {
        /// DirPorts to ask, in order of preference.
        public var endpoints: [DirectoryEndpoint]
        /// The authorities whose v3 signatures make a consensus valid.
        public var authorities: [DirectoryAuthority]
        /// Content codings to ask for, most preferred first (`Accept-Encoding`); the answer is
        /// decoded by its own `Content-Encoding` whatever was asked.
        public var acceptEncodings: [CompressionFormat] = ContentDecoding.supported
        public var connectTimeout: Duration = .seconds(5)
        /// Deadline for one attempt: connect, request and the whole body.
        public var requestTimeout: Duration = .seconds(60)
        /// How many endpoints one request may try before failing.
        public var maxAttempts: Int = 4
        /// Cap on the response as received (headers + encoded body).
        public var maxEncodedBytes: Int = 64 << 20
        /// Cap on the decoded body.
        public var maxDecodedBytes: Int = 256 << 20
        /// Caps on the status line and headers (64 KiB, 100 fields).
        public var headerLimits: HTTPResponse.Limits = .default
        /// Batched requests (descriptors, microdescriptors) in flight at once.
        public var maxConcurrentRequests: Int = 4
        /// Try endpoints from a random start (spreads load); false keeps the given order.
        public var randomizeStart: Bool = true
        /// How `consensus()` checks what it fetched.
        public var verification: ConsensusVerification = .authorities
        /// Endpoints that are ORPorts, with the relay identity each must prove: requests to
        /// them go over a BEGIN_DIR stream (see ``DirectoryRoute``), others to DirPorts.
        public var orportIdentities: [DirectoryEndpoint: Fingerprint] = [:]
        /// Called for every finished or failed attempt (for progress output).
        public var progress: (@Sendable (DirectoryProgress) -> Void)?
        /// How requests reach endpoints: DirPorts over plain HTTP.
        package var transport: any DirectoryTransport = DirPortTransport()

        public init(endpoints: [DirectoryEndpoint], authorities: [DirectoryAuthority] = []) {
            self.endpoints = endpoints
            self.authorities = authorities
        }

        /// Endpoints and authorities from a directory list.
        public init(list: DirectoryList) {
            self.init(endpoints: list.dirEndpoints, authorities: list.authorities)
        }
    }

    public var configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    /// A client for `list` (the public Tor network by default).
    public init(list: DirectoryList = .tor) { self.init(configuration: Configuration(list: list)) }

    /// Fetches `path` (e.g. `/tor/server/all`) and returns the decoded body of the first 200
    /// answer; busy (503), missing (404) and broken answers move on to the next endpoint.
    public func query(path: String, headers: [(String, String)] = []) async throws(DirectoryClientError) -> DirectoryResponse {
        try await fetch(path: path, headers: headers) { $0 }
    }

    /// Fetches `path` and turns the response into a value with `accept`; a throwing `accept`
    /// (a document that does not parse or verify) counts as a failed attempt at that endpoint.
    func fetch<T: Sendable>(path: String, headers: [(String, String)] = [], endpoints: [DirectoryEndpoint]? = nil, randomize: Bool = true,
                            accept: @Sendable (DirectoryResponse) async throws(DirectoryAttempt.Failure) -> T) async throws(DirectoryClientError) -> T {
        let candidates = randomize ? orderedEndpoints(endpoints ?? configuration.endpoints) : (endpoints ?? configuration.endpoints)
        guard !candidates.isEmpty else { throw .noEndpoints }
        // A path or header that could end the request line or inject a header never leaves.
        do throws(HTTPFailure) {
            _ = try HTTPRequest(path: path, host: "localhost", headers: headers)
        } catch {
            throw .invalidRequest("\(error)")
        }
        var attempts: [DirectoryAttempt] = []
        for endpoint in candidates.prefix(max(1, configuration.maxAttempts)) {
            if Task.isCancelled { throw .cancelled }
            let started = ContinuousClock.now
            do throws(DirectoryAttempt.Failure) {
                let response = try await exchange(endpoint: endpoint, path: path, headers: headers)
                let value = try await accept(response)
                configuration.progress?(.finished(response: response))
                return value
            } catch {
                if error == .cancelled { throw .cancelled }
                let attempt = DirectoryAttempt(endpoint: endpoint, path: path, failure: error, elapsed: ContinuousClock.now - started)
                configuration.progress?(.failed(attempt))
                attempts.append(attempt)
            }
        }
        throw .allEndpointsFailed(path: path, attempts: attempts)
    }

    private func orderedEndpoints(_ endpoints: [DirectoryEndpoint]) -> [DirectoryEndpoint] {
        guard configuration.randomizeStart, endpoints.count > 1 else { return endpoints }
        let start = Int.random(in: 0..<endpoints.count)
        return Array(endpoints[start...] + endpoints[..<start])
    }

    /// One exchange through the configured transport, then content decoding.
    func exchange(endpoint: DirectoryEndpoint, path: String, headers: [(String, String)]) async throws(DirectoryAttempt.Failure) -> DirectoryResponse {
        var fields = headers
        if !configuration.acceptEncodings.isEmpty {
            fields.insert(("Accept-Encoding", configuration.acceptEncodings.map(\.contentEncoding).joined(separator: ", ")), at: 0)
        }
        let request: HTTPRequest
        do throws(HTTPFailure) {
            request = try HTTPRequest(path: path, host: endpoint.host, port: Int(endpoint.port), headers: fields)
        } catch {
            throw DirectoryAttempt.Failure(error)
        }
        let started = ContinuousClock.now
        let limits = DirectoryExchangeLimits(connectTimeout: configuration.connectTimeout, deadline: started.advanced(by: configuration.requestTimeout),
                                             headerLimits: configuration.headerLimits, maxEncodedBytes: configuration.maxEncodedBytes)
        let response: HTTPResponse
        if let fingerprint = configuration.orportIdentities[endpoint] {
            response = try await ORPortTransport(fingerprint: fingerprint).exchange(request, with: endpoint, limits: limits)
        } else {
            response = try await configuration.transport.exchange(request, with: endpoint, limits: limits)
        }
        let downloaded = ContinuousClock.now
        guard response.status == 200 else { throw .httpStatus(response.status, response.reason) }
        let coding = response.header("Content-Encoding") ?? "identity"
        let body: [UInt8]
        do throws(HTTPFailure) {
            body = try response.decodedBody(maxBytes: configuration.maxDecodedBytes)
        } catch {
            throw DirectoryAttempt.Failure(error)
        }
        return DirectoryResponse(endpoint: endpoint, path: path, contentEncoding: coding, encodedSize: response.body.count, body: body,
                                 headers: response.headers, downloadTime: downloaded - started, decodeTime: ContinuousClock.now - downloaded)
    }

    /// Runs `work` for every batch with at most `maxConcurrentRequests` in flight; results in
    /// batch order.
    func forEachBatch<Item: Sendable, T: Sendable>(_ batches: [[Item]],
                                                   _ work: @escaping @Sendable ([Item]) async throws(DirectoryClientError) -> T) async throws(DirectoryClientError) -> [T] {
        let limit = max(1, configuration.maxConcurrentRequests)
        do {
            return try await withThrowingTaskGroup(of: (Int, T).self) { group in
                var results = [T?](repeating: nil, count: batches.count)
                var next = 0
                func launch() {
                    let index = next
                    let batch = batches[index]
                    group.addTask { (index, try await work(batch)) }
                    next += 1
                }
                while next < min(limit, batches.count) { launch() }
                while let (index, value) = try await group.next() {
                    results[index] = value
                    if next < batches.count { launch() }
                }
                return results.map { $0! }
            }
        } catch let error as DirectoryClientError {
            throw error
        } catch {
            throw .cancelled
        }
    }
}

/// Progress events for command-line output.
///
/// ```swift
/// configuration.progress = { event in if case .failed(let attempt) = event { print(attempt) } }
/// ```
public enum DirectoryProgress: Sendable {
    case finished(response: DirectoryResponse)
    case failed(DirectoryAttempt)
}
