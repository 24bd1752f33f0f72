import Decompression

/// Why an archive or a compressed file could not be read further.
///
/// Errors name the archive and, when known, the member being read, so a damaged CollecTor
/// tarball can be located; the members before the damage were already delivered.
///
/// ```swift
/// do { while let member = try reader.next() { use(member) } }
/// catch { print("\(error.path) \(error.member ?? "-"): \(error.kind)") }
/// ```
public struct ArchiveError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public enum Kind: Sendable, Equatable {
        /// The archive ended inside a header or inside a member's data (a member claiming more
        /// bytes than the archive holds included).
        case truncated
        /// A tar header's checksum does not match its bytes.
        case badChecksum
        /// A tar header or pax record cannot be read; what is wrong.
        case badHeader(String)
        /// A member is larger than the reader's member limit (the limit); it was skipped.
        case memberTooLarge(Int)
        /// The compressed stream failed; details in ``ArchiveError/decompression``.
        case decompression(DecompressionError.Kind)
        /// The file could not be opened or read; the system's message.
        case io(String)
        /// The read delivered ``DescriptorReaderOptions/maxDocuments`` documents (the limit)
        /// and stopped.
        case documentLimit(Int)
    }

    /// The kind of failure.
    public var kind: Kind
    /// The archive or file path.
    public var path: String
    /// The member being read (or whose header was bad), when known.
    public var member: String?
    /// Offset in the uncompressed archive where the failure was noticed.
    public var offset: Int?
    /// The decompressor's error for ``Kind/decompression(_:)``.
    public var decompression: DecompressionError?

    /// Creates an error.
    public init(kind: Kind, path: String, member: String? = nil, offset: Int? = nil, decompression: DecompressionError? = nil) {
        self.kind = kind
        self.path = path
        self.member = member
        self.offset = offset
        self.decompression = decompression
    }

    public var description: String {
        var text = path
        if let member { text += " member \(member)" }
        text += ": "
        switch kind {
        case .truncated: text += "archive truncated"
        case .badChecksum: text += "tar header checksum mismatch"
        case .badHeader(let why): text += "bad tar header (\(why))"
        case .memberTooLarge(let limit): text += "member larger than \(limit) bytes, skipped"
        case .decompression: text += decompression.map(\.description) ?? "decompression failed"
        case .io(let message): text += message
        case .documentLimit(let limit): text += "read stopped after \(limit) documents"
        }
        if let offset { text += " (archive offset \(offset))" }
        return text
    }
}
