import Decompression
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorDescriptors

/// CollecTor's `index/index.json`: every directory and file the server publishes, with sizes,
/// digests, descriptor types and the time span of the documents in each file.
///
/// The index is read with Foundation's JSON parser (it is a few megabytes at most and read once);
/// compressed copies (`index.json.xz`, `.gz`, `.bz2`) are recognised by their magic bytes.
///
/// ```swift
/// let index = try CollecTorIndex(data: Array(try Data(contentsOf: url)))
/// for file in index.files(matching: CollecTorFilter(types: ["server-descriptor"])) {
///     print(file.path, file.size)
/// }
/// ```
public struct CollecTorIndex: Sendable, Hashable {
    /// When the index was written (`index_created`, minute precision).
    public var created: TorTimestamp?
    /// The CollecTor build that wrote it (`build_revision`).
    public var buildRevision: String?
    /// The URL the index describes (`path` of the root object), e.g. `https://collector.torproject.org`.
    public var baseURL: String?
    /// The root directory (path `""`); its children are `archive`, `recent`, `index`, ...
    public var root: CollecTorDirectory

    /// Creates an index from its parts.
    public init(created: TorTimestamp? = nil, buildRevision: String? = nil, baseURL: String? = nil, root: CollecTorDirectory) {
        self.created = created
        self.buildRevision = buildRevision
        self.baseURL = baseURL
        self.root = root
    }

    /// Parses an index from its bytes, plain or compressed (xz, gzip, bzip2, zstd: detected by
    /// magic bytes), decompressing with `limits`.
    public init(data: [UInt8], limits: DecompressionLimits = .default) throws(CollecTorError) {
        var plain = data
        if let format = CompressionFormat.sniff(data.prefix(6)), format != .deflate {
            do {
                plain = try Decompression.decompress(data, format: format, limits: limits)
            } catch {
                throw CollecTorError(.badIndex("cannot decompress \(format.rawValue) index: \(error)"))
            }
        }
        let top: IndexJSON.Directory
        do {
            top = try JSONDecoder().decode(IndexJSON.Directory.self, from: Data(plain))
        } catch {
            throw CollecTorError(.badIndex("not JSON of an index: \(error)"))
        }
        created = top.index_created.flatMap(CollecTorIndex.timestamp)
        buildRevision = top.build_revision
        baseURL = top.path
        root = try CollecTorDirectory(json: top, parentPath: nil)
    }

    /// Every file of the index, depth first in index order (a directory's files before its
    /// subdirectories).
    public var allFiles: [CollecTorFile] {
        var result: [CollecTorFile] = []
        root.collectFiles(into: &result)
        return result
    }

    /// The files that pass `filter`, in ``allFiles`` order.
    public func files(matching filter: CollecTorFilter) -> [CollecTorFile] {
        allFiles.filter(filter.matches)
    }

    /// Parses `YYYY-MM-DD HH:MM` (the index's precision) or `YYYY-MM-DD HH:MM:SS`.
    static func timestamp(_ text: String) -> TorTimestamp? {
        switch text.utf8.count {
        case 16: TorTimestamp(parsing: text + ":00")
        case 19: TorTimestamp(parsing: text)
        default: nil
        }
    }
}

/// A directory of a ``CollecTorIndex``.
///
/// ```swift
/// let recent = index.root.directories.first { $0.name == "recent" }
/// print(recent?.path ?? "-", recent?.files.count ?? 0)
/// ```
public struct CollecTorDirectory: Sendable, Hashable {
    /// The directory's own name (`server-descriptors`); empty for the root.
    public var name: String
    /// The path from the server root (`recent/relay-descriptors/server-descriptors`); empty for the root.
    public var path: String
    /// Files directly in this directory.
    public var files: [CollecTorFile]
    /// Subdirectories.
    public var directories: [CollecTorDirectory]

    /// Creates a directory.
    public init(name: String, path: String, files: [CollecTorFile] = [], directories: [CollecTorDirectory] = []) {
        self.name = name
        self.path = path
        self.files = files
        self.directories = directories
    }

    /// The root object has no meaningful `path` for the tree (it holds the server URL), so the
    /// root is read with `parentPath == nil`.
    init(json: IndexJSON.Directory, parentPath: String?) throws(CollecTorError) {
        if let parentPath {
            guard let own = json.path, CollecTorDirectory.isSafeComponent(own) else {
                throw CollecTorError(.badIndex("directory without a usable path under '\(parentPath)'"))
            }
            name = own
            path = parentPath.isEmpty ? own : parentPath + "/" + own
        } else {
            name = ""
            path = ""
        }
        files = []
        directories = []
        for entry in json.files ?? [] {
            files.append(try CollecTorFile(json: entry, directory: path))
        }
        for entry in json.directories ?? [] {
            directories.append(try CollecTorDirectory(json: entry, parentPath: path))
        }
    }

    func collectFiles(into result: inout [CollecTorFile]) {
        result.append(contentsOf: files)
        for directory in directories { directory.collectFiles(into: &result) }
    }

    /// A name the server may give: no separators, not `.` or `..`, so a hostile index cannot
    /// make a download write outside its mirror directory.
    package static func isSafeComponent(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("/") && !name.contains("\\") && !name.contains("\0")
    }
}

/// A descriptor type named in the index: `@type` name and version, e.g. `server-descriptor 1.0`.
///
/// ```swift
/// let type = CollecTorDescriptorType("network-status-consensus-3 1.0")
/// print(type.name, type.version ?? "-")    // network-status-consensus-3 1.0
/// ```
public struct CollecTorDescriptorType: Sendable, Hashable, CustomStringConvertible {
    /// The `@type` name (`server-descriptor`).
    public var name: String
    /// The version (`1.0`), when given.
    public var version: String?

    /// Splits `name version` at its first space.
    public init(_ text: String) {
        if let space = text.firstIndex(of: " ") {
            name = String(text[..<space])
            let rest = text[text.index(after: space)...]
            version = rest.isEmpty ? nil : String(rest)
        } else {
            name = text
            version = nil
        }
    }

    /// `name version`, as the index writes it.
    public var description: String { version.map { "\(name) \($0)" } ?? name }
}

/// A file listed in a ``CollecTorIndex``.
///
/// ```swift
/// let file = index.allFiles.first { $0.name == "certs.tar.xz" }!
/// print(file.path, file.size, file.types, file.firstPublished!)
/// ```
public struct CollecTorFile: Sendable, Hashable {
    /// The path from the server root (`archive/relay-descriptors/certs.tar.xz`).
    public var path: String
    /// The file's own name (`certs.tar.xz`).
    public var name: String
    /// Its size in bytes.
    public var size: Int
    /// When the server last changed it (`last_modified`).
    public var lastModified: TorTimestamp?
    /// Publication time of the oldest document in it (`first_published`).
    public var firstPublished: TorTimestamp?
    /// Publication time of the newest document in it (`last_published`).
    public var lastPublished: TorTimestamp?
    /// The descriptor types it holds (empty for files such as webstats).
    public var types: [CollecTorDescriptorType]
    /// SHA-256 of the file, base64 as the index writes it; nil when the index has none.
    public var sha256: String?

    /// Creates a file entry.
    public init(path: String, size: Int, lastModified: TorTimestamp? = nil, firstPublished: TorTimestamp? = nil,
                lastPublished: TorTimestamp? = nil, types: [CollecTorDescriptorType] = [], sha256: String? = nil) {
        self.path = path
        self.name = path.split(separator: "/").last.map(String.init) ?? path
        self.size = size
        self.lastModified = lastModified
        self.firstPublished = firstPublished
        self.lastPublished = lastPublished
        self.types = types
        self.sha256 = sha256
    }

    init(json: IndexJSON.File, directory: String) throws(CollecTorError) {
        guard let name = json.path, CollecTorDirectory.isSafeComponent(name) else {
            throw CollecTorError(.badIndex("file without a usable path in '\(directory)'"))
        }
        guard let size = json.size, size >= 0 else {
            throw CollecTorError(.badIndex("file '\(directory)/\(name)' has no size"))
        }
        self.init(path: directory.isEmpty ? name : directory + "/" + name, size: size,
                  lastModified: json.last_modified.flatMap(CollecTorIndex.timestamp),
                  firstPublished: json.first_published.flatMap(CollecTorIndex.timestamp),
                  lastPublished: json.last_published.flatMap(CollecTorIndex.timestamp),
                  types: (json.types ?? []).map(CollecTorDescriptorType.init),
                  sha256: json.sha256)
    }

    /// The SHA-256 ``sha256`` names, or nil when the index has none or it is not base64 of 32
    /// bytes (``sha256`` keeps the index's text).
    public var sha256Digest: SHA256DigestValue? { sha256.flatMap { SHA256DigestValue(base64: $0) } }
}

/// The index's JSON as CollecTor writes it (index.json): the root is a directory whose `path` is
/// the server URL. Decoded with FoundationEssentials' `JSONDecoder`; every field optional, so
/// what is missing is judged by the initialisers above, with the index's own names.
enum IndexJSON {
    struct Directory: Decodable {
        var path: String?
        var index_created: String?
        var build_revision: String?
        var files: [File]?
        var directories: [Directory]?
    }

    struct File: Decodable {
        var path: String?
        var size: Int?
        var last_modified: String?
        var first_published: String?
        var last_published: String?
        var types: [String]?
        var sha256: String?
    }
}
