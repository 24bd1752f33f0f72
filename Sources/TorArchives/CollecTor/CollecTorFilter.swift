import TorDescriptors

/// Which files of a ``CollecTorIndex`` to list or download.
///
/// All given conditions must hold. A type matches a file holding a type of that name (any
/// version), or exactly `name version` when a version is given. The time range keeps files whose
/// `[firstPublished, lastPublished]` span overlaps `[from, to]` (both ends inclusive); a file
/// without those times is dropped as soon as either bound is set, since nothing says it overlaps.
///
/// ```swift
/// let filter = CollecTorFilter(types: ["network-status-consensus-3"],
///                              from: TorTimestamp(parsing: "2019-05-01 00:00:00"),
///                              pathPrefix: "archive/")
/// let consensusArchives = index.files(matching: filter)
/// ```
public struct CollecTorFilter: Sendable, Hashable {
    /// Descriptor types (`server-descriptor` or `server-descriptor 1.0`); empty for any.
    public var types: [String]
    /// Earliest publication time of interest.
    public var from: TorTimestamp?
    /// Latest publication time of interest.
    public var to: TorTimestamp?
    /// A path prefix such as `recent/` or `archive/relay-descriptors/`; nil for any.
    public var pathPrefix: String?

    /// Creates a filter; the default passes every file.
    public init(types: [String] = [], from: TorTimestamp? = nil, to: TorTimestamp? = nil, pathPrefix: String? = nil) {
        self.types = types
        self.from = from
        self.to = to
        self.pathPrefix = pathPrefix
    }

    /// Whether `file` passes.
    public func matches(_ file: CollecTorFile) -> Bool {
        if let pathPrefix, !file.path.hasPrefix(pathPrefix) { return false }
        if !types.isEmpty {
            let wanted = types.map(CollecTorDescriptorType.init)
            let hit = file.types.contains { have in
                wanted.contains { $0.name == have.name && ($0.version == nil || $0.version == have.version) }
            }
            if !hit { return false }
        }
        if let from {
            guard let last = file.lastPublished, last >= from else { return false }
        }
        if let to {
            guard let first = file.firstPublished, first <= to else { return false }
        }
        return true
    }
}

/// Why a CollecTor index could not be read or a file could not be downloaded.
///
/// ```swift
/// do { let index = try await client.fetchIndex() }
/// catch { print(error) }   // e.g. "http://127.0.0.1:8000/index/index.json: HTTP 404"
/// ```
public struct CollecTorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public enum Kind: Sendable, Hashable {
        /// The index is not CollecTor's JSON shape (or could not be decompressed); why.
        case badIndex(String)
        /// The server answered with this HTTP status.
        case httpStatus(Int)
        /// The connection failed or was cut; the system's message.
        case transport(String)
        /// The downloaded file has this many bytes instead of the index's size.
        case sizeMismatch(expected: Int, actual: Int)
        /// The downloaded file's SHA-256 (base64) is not the index's.
        case digestMismatch(expected: String, actual: String)
        /// The local mirror could not be written; the system's message.
        case io(String)
        /// The download was cancelled.
        case cancelled
    }

    /// The kind of failure.
    public var kind: Kind
    /// The URL or local path concerned, when there is one.
    public var location: String?

    /// Creates an error.
    public init(_ kind: Kind, location: String? = nil) {
        self.kind = kind
        self.location = location
    }

    public var description: String {
        let prefix = location.map { "\($0): " } ?? ""
        switch kind {
        case .badIndex(let why): return prefix + "bad CollecTor index (\(why))"
        case .httpStatus(let status): return prefix + "HTTP \(status)"
        case .transport(let message): return prefix + "transfer failed (\(message))"
        case .sizeMismatch(let expected, let actual): return prefix + "size \(actual) bytes, index says \(expected)"
        case .digestMismatch(let expected, let actual): return prefix + "SHA-256 \(actual), index says \(expected)"
        case .io(let message): return prefix + message
        case .cancelled: return prefix + "cancelled"
        }
    }
}
