/// The footer of a consensus: `directory-footer`, `bandwidth-weights` and the authorities'
/// `directory-signature` items.
///
/// ```swift
/// for signature in consensus.footer.signatures {
///     print(signature.algorithm, signature.identity, signature.signingKeyDigest, signature.signature.count)
/// }
/// ```
public struct ConsensusFooter: Sendable {
    /// Whether the `directory-footer` line is present (consensus method 9 and later).
    public internal(set) var hasFooterLine = false
    /// `bandwidth-weights` in order; empty when absent.
    public internal(set) var bandwidthWeights = Int32Parameters([])
    /// Every `directory-signature`, in order.
    public internal(set) var signatures: [DirectorySignature] = []
    /// Footer lines with keywords this library does not know, in order.
    public internal(set) var unrecognizedLines: [UnrecognizedItem] = []
}

/// One authority's `directory-signature` over the consensus.
///
/// ```swift
/// let signature = consensus.footer.signatures[0]
/// print(signature.algorithm == .sha256, signature.identity.hex)
/// ```
public struct DirectorySignature: Sendable, Hashable {
    /// The digest algorithm of the signature line (`sha1` when the line names none).
    public enum Algorithm: Sendable, Hashable, CustomStringConvertible {
        case sha1, sha256
        /// An algorithm name tor does not define; the spec says to ignore such signatures.
        case other(String)

        public var description: String {
            switch self {
            case .sha1: "sha1"
            case .sha256: "sha256"
            case .other(let name): name
            }
        }
    }

    public let algorithm: Algorithm
    /// Whether the line named the algorithm (older tor writes none for sha1).
    public let algorithmWasExplicit: Bool
    /// The authority's v3 identity fingerprint.
    public let identity: Fingerprint
    /// SHA-1 digest of the authority's signing key (hex on the line).
    public let signingKeyDigest: Fingerprint
    /// The RSA signature bytes (the decoded `SIGNATURE` object).
    public let signature: [UInt8]
    /// Line number of the `directory-signature` line.
    public let line: Int
}

enum FooterKey: String, DocumentKeyword {
    case directoryFooter = "directory-footer"
    case bandwidthWeights = "bandwidth-weights"
    case directorySignature = "directory-signature"

    static let table = KeywordTable<FooterKey>(allCases.map { ($0.rawValue, $0) })

    /// The footer's rules, tor's `networkstatus_vote_footer_token_table` (ns_parse.c), checked
    /// first in strict mode; the order rules tor states in code (the footer line first, only
    /// signatures after the first signature) are checked by ``ConsensusHeaderParser/parseFooter``.
    static let rules = KeywordRules<FooterKey>(kind: .networkStatusConsensus,
                                               source: .tor("ns_parse.c", "networkstatus_vote_footer_token_table"), [
        .atMostOnce(.directoryFooter, .none, .forbidden),
        .atMostOnce(.bandwidthWeights, .any, .forbidden),
        .atLeastOnce(.directorySignature, .atLeast(2), .required, types: ["SIGNATURE"],
                     differs: "tor's table allows any number (T); a consensus or vote without a signature cannot be verified, so strict requires one"),
    ])
}

/// What the footer reader returns: the footer, the signed range it closes (`nil` without a
/// signature), and what lenient parsing stepped over.
typealias ConsensusFooterRead = (footer: ConsensusFooter, signedRange: Range<Int>?, warnings: [DescriptorParseError])

extension ConsensusFooter {
    /// Reads everything from `start` (where the entries ended, on line `line`) to the end as the
    /// footer of a consensus or vote: the one footer reader behind ``ConsensusReader/footer()``,
    /// the parallel consensus parse and votes. `contentStart` is where `network-status-version`
    /// starts, the beginning of the signed range.
    static func read(_ bytes: ArraySlice<UInt8>, from start: Int, line: Int, flavor: ConsensusFlavor, kind: DocumentKind,
                     mode: ValidationMode, contentStart: Int) throws(DescriptorParseError) -> ConsensusFooterRead {
        var warnings: [DescriptorParseError] = []
        var document: TokenizedDocument? = nil
        if start < bytes.endIndex {
            document = try Tokenizer.tokenize(bytes[start..<bytes.endIndex], kind: kind, mode: mode, firstLine: line)
        }
        let footer = try ConsensusHeaderParser.parseFooter(document, flavor: flavor, kind: kind, strict: mode.isStrict,
                                                            warnings: &warnings, endLine: line)
        var signedRange: Range<Int>? = nil
        if let document, let first = document.items.first(where: { $0.keywordEquals("directory-signature", in: bytes) }) {
            // Through the space after the keyword, not the newline (dir-spec §3.4.1).
            signedRange = contentStart..<Swift.min(first.keyword.upperBound + 1, bytes.endIndex)
        }
        return (footer, signedRange, warnings)
    }
}

extension ConsensusHeaderParser {
    /// Reads the footer items. Strict mode: `directory-footer` (no arguments) first if present,
    /// at most one `bandwidth-weights`, at least one signature, and nothing but signatures after
    /// the first one; `ns`-flavored documents carry only sha1 signatures.
    static func parseFooter(_ document: TokenizedDocument?, flavor: ConsensusFlavor, kind: DocumentKind, strict: Bool,
                            warnings: inout [DescriptorParseError], endLine: Int) throws(DescriptorParseError) -> ConsensusFooter {
        var footer = ConsensusFooter()
        guard let document else {
            if strict {
                throw DescriptorParseError(document: kind, line: endLine, keyword: "directory-signature", failure: .missingKeyword)
            }
            return footer
        }
        let bytes = document.bytes
        if strict { try FooterKey.rules.check(document) }
        func problem(_ error: DescriptorParseError) throws(DescriptorParseError) {
            if strict { throw error }
            warnings.append(error)
        }
        var sawWeights = false
        for (index, item) in document.items.enumerated() {
            let key = FooterKey.table.lookup(bytes, item.keyword)
            if strict, !footer.signatures.isEmpty, key != .directorySignature {
                throw document.error(.misplacedKeyword(expected: "only signatures may follow the first directory-signature"), at: item)
            }
            switch key {
            case .directoryFooter:
                if footer.hasFooterLine || index != 0 {
                    try problem(document.error(index != 0 ? .misplacedKeyword(expected: "must open the footer") : .duplicateKeyword, at: item))
                }
                if !item.arguments.isEmpty || item.object != nil {
                    try problem(document.error(.malformedArguments("directory-footer takes no arguments"), at: item))
                }
                footer.hasFooterLine = true
            case .bandwidthWeights:
                if sawWeights { try problem(document.error(.duplicateKeyword, at: item)); continue }
                sawWeights = true
                let parser = ConsensusHeaderParser(document: document, strict: strict)
                do throws(DescriptorParseError) {
                    footer.bandwidthWeights = try parser.int32Parameters(item)
                } catch {
                    try problem(error)
                }
            case .directorySignature:
                do throws(DescriptorParseError) {
                    let signature = try readSignature(item, document)
                    if strict, flavor == .ns, signature.algorithm != .sha1 {
                        throw document.error(.malformedArguments("ns-flavored consensuses carry only sha1 signatures"), at: item)
                    }
                    footer.signatures.append(signature)
                } catch {
                    try problem(error)
                }
            case nil:
                footer.unrecognizedLines.append(UnrecognizedItem(item, in: bytes))
            }
        }
        if strict, footer.signatures.isEmpty {
            throw document.error(.missingKeyword, keyword: "directory-signature")
        }
        return footer
    }

    private static func readSignature(_ item: DocumentItem, _ document: TokenizedDocument) throws(DescriptorParseError) -> DirectorySignature {
        let bytes = document.bytes
        var cursor = item.argumentCursor(in: bytes)
        let words = cursor.all()
        guard words.count == 2 || words.count == 3 else {
            throw document.error(.malformedArguments("expected [Algorithm] identity signing-key-digest"), at: item)
        }
        var algorithm = DirectorySignature.Algorithm.sha1
        if words.count == 3 {
            if ByteText.equals(bytes, words[0], "sha1") { algorithm = .sha1 }
            else if ByteText.equals(bytes, words[0], "sha256") { algorithm = .sha256 }
            else { algorithm = .other(ByteText.string(bytes, words[0])) }
        }
        let identity = try document.fingerprint(words[words.count - 2], item)
        let keyDigest = try document.fingerprint(words[words.count - 1], item)
        let object = try document.object(item, named: "SIGNATURE")
        guard let signature = object.decodedBytes(in: bytes) else {
            throw document.error(.malformedObject("signature is not valid base64"), at: item)
        }
        return DirectorySignature(algorithm: algorithm, algorithmWasExplicit: words.count == 3, identity: identity,
                                  signingKeyDigest: keyDigest, signature: signature, line: item.line)
    }
}
