import Decompression
import TorDescriptors

/// Where a document came from: the file, the archive member inside it, and whether the user
/// named the file (rather than it being found in a directory).
///
/// ```swift
/// print(item.source)   // "consensuses-2018-06.tar!consensuses-2018-06/01/2018-06-01-00-00-00-consensus"
/// ```
public struct DescriptorSource: Sendable, Hashable, CustomStringConvertible {
    /// The file on disk.
    public var path: String
    /// The member of a tar archive, nil for a plain or single compressed file.
    public var member: String?
    /// Whether `path` was given to the reader directly.
    public var isNamedPath: Bool

    /// Creates a source.
    public init(path: String, member: String? = nil, isNamedPath: Bool = false) {
        self.path = path
        self.member = member
        self.isNamedPath = isNamedPath
    }

    /// The name type detection uses: the member's or the file's last path component.
    public var fileName: String {
        let full = member ?? path
        return String(full[(full.lastIndex(of: "/").map { full.index(after: $0) } ?? full.startIndex)...])
    }

    /// `path` or `path!member`.
    public var description: String { member.map { "\(path)!\($0)" } ?? path }
}

/// Why the reader could not deliver a document.
///
/// ```swift
/// if case .failure(.parse(let error)) = item.result { print("line \(error.line): \(error)") }
/// ```
public enum DescriptorReadError: Error, Sendable, CustomStringConvertible {
    /// The document did not parse.
    case parse(DescriptorParseError)
    /// The file's type could not be determined (no `@type`, cache name, known first keyword or
    /// explicit type); it was not parsed.
    case unknownType
    /// The file or archive could not be read further.
    case archive(ArchiveError)

    public var description: String {
        switch self {
        case .parse(let error): "\(error)"
        case .unknownType: "unknown document type"
        case .archive(let error): "\(error)"
        }
    }
}

/// One document (or one failure) delivered by ``DescriptorReader``.
///
/// ```swift
/// for item in DescriptorReader(paths: ["server-descriptors-2024-01.tar.xz"]) {
///     if case .success(.serverDescriptor(let d)) = item.result { print(d.nickname) }
/// }
/// ```
public struct DescriptorReadItem: Sendable {
    /// Where the document came from.
    public var source: DescriptorSource
    /// The type the document was parsed as (nil when unknown or unreadable).
    public var type: DescriptorType?
    /// The document or why it could not be read.
    public var result: Result<AnyDescriptor, DescriptorReadError>
    /// How the lines of the document's file ended: `LineEndings.crlfNormalized` when every
    /// line ended in CRLF and the document was parsed from the LF form (the signed bytes);
    /// `LineEndings.strayCarriageReturn(line:)` (the line counted within the document) when
    /// the document holds a CR that is not such an ending, which its digests then cover.
    public var lineEndings = LineEndings.lf

    /// The document, if it parsed.
    public var document: AnyDescriptor? { try? result.get() }

    /// The error, if the document did not parse or the file could not be read.
    public var error: DescriptorReadError? {
        if case .failure(let error) = result { return error }
        return nil
    }

    /// The document's first line that is not an annotation, e.g. `router moria1 128.31.0.34 9101 0 9131`.
    public var firstLine: String? {
        guard let bytes = document?.rawBytes else { return nil }
        var position = bytes.startIndex
        while position < bytes.endIndex {
            let end = bytes[position...].firstIndex(of: 0x0A) ?? bytes.endIndex
            if end > position, bytes[position] != UInt8(ascii: "@") {
                var line = bytes[position..<end]
                if line.last == 0x0D { line = line.dropLast() }
                return String(decoding: line, as: UTF8.self)
            }
            position = end + 1
        }
        return nil
    }
}

/// How far a read has come, for progress displays.
///
/// ```swift
/// options.progress = { p in print("\(p.documents) documents, \(p.bytesPerSecond / 1e6) MB/s") }
/// ```
public struct ReadProgress: Sendable {
    /// Bytes read from disk (compressed bytes for compressed files).
    public var fileBytes: Int
    /// Files (not archive members) opened so far.
    public var files: Int
    /// Documents delivered so far (failures included).
    public var documents: Int
    /// Seconds since reading started.
    public var elapsed: Double
    /// Whether this is the final report.
    public var isFinal: Bool
    /// The file (`path!member` inside an archive) of the last document delivered, nil before the first.
    public var currentPath: String?

    /// Disk bytes per second.
    public var bytesPerSecond: Double { elapsed > 0 ? Double(fileBytes) / elapsed : 0 }
    /// Documents per second.
    public var documentsPerSecond: Double { elapsed > 0 ? Double(documents) / elapsed : 0 }
}

/// Settings of a ``DescriptorReader``, with the options Stem's and metrics-lib's readers offer.
///
/// ```swift
/// var options = DescriptorReaderOptions()
/// options.mode = .strict
/// options.historyFile = "/var/lib/me/read-history"
/// options.errorPolicy = .stop
/// ```
public struct DescriptorReaderOptions: Sendable {
    /// What to do after a failure.
    public enum ErrorPolicy: Sendable, Hashable {
        /// Deliver the failure as an item and go on (the default).
        case skipAndReport
        /// Deliver the first failure (parse or archive, not unknown types) and end the read.
        case stop
    }

    /// Lenient (default) or strict parsing.
    public var mode: ValidationMode = .lenient
    /// The type for files that carry no `@type` and no tor cache file name.
    public var explicitType: DescriptorType?
    /// When true, the first keyword is tried before ``explicitType`` (default: the explicit type
    /// wins, so `bridge-server-descriptor` can be forced on files that sniff as relay ones).
    public var sniffBeforeExplicitType = false
    /// Follow symbolic links met inside directories (paths given directly are always followed).
    public var followSymlinks = false
    /// What to do after a failure.
    public var errorPolicy: ErrorPolicy = .skipAndReport
    /// How many batches (up to 64 files or members, or 4 MiB, each) may wait between the
    /// reading thread and the parser; bounds memory together with ``maxMemberSize``.
    public var bufferSize = 4
    /// A file listing the files already read (modification time and path per line); files in it
    /// with an unchanged modification time are skipped, and the files read are added when the
    /// read ends. nil: no history.
    public var historyFile: String?
    /// Larger files or members are reported (``ArchiveError/Kind/memberTooLarge(_:)``), not read.
    public var maxMemberSize = 1 << 30
    /// Limits for compressed files (local archives are trusted by default).
    public var decompressionLimits = DecompressionLimits.unlimited
    /// Threads that parse: 1 (the default) parses on the iterating thread; more parses each
    /// batch of members concurrently, and large consensuses in concurrent chunks
    /// (`NetworkStatusConsensus.init(parsing:mode:parallelism:)`). Documents still come in
    /// order. `ProcessInfo.processInfo.activeProcessorCount` uses every core.
    public var parallelism = 1
    /// The most documents (parsed or failed to parse) one read delivers; after them comes one
    /// ``ArchiveError/Kind/documentLimit(_:)`` failure and the read ends. nil (the default): no
    /// limit, since documents stream through in bounded memory (see ``bufferSize``,
    /// ``maxMemberSize`` and `ParseLimits.maxDocumentsPerBuffer`).
    public var maxDocuments: Int?
    /// Seconds between progress callbacks.
    public var progressInterval = 1.0
    /// Called on the reading thread with the progress, at most every ``progressInterval``
    /// seconds and once at the end.
    public var progress: (@Sendable (ReadProgress) -> Void)?

    /// Default options.
    public init() {}
}
