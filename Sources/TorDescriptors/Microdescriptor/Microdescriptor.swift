/// A relay microdescriptor (dir-spec "Computing microdescriptors"): the part of a server
/// descriptor that clients need, referenced from microdesc consensus `m` lines by ``digest``.
///
/// Parse one document, or a whole `cached-microdescs` / CollecTor file:
///
/// ```swift
/// let file = Array(try Data(contentsOf: URL(fileURLWithPath: "cached-microdescs")))
/// for case .success(let micro) in Microdescriptor.parseAll(file[...]) {
///     print(micro.digest.base64, micro.lastListed ?? "-", micro.family.count)
/// }
/// ```
///
/// Values that cost an allocation to build (the TAP key, family lists, the digest) are decoded
/// from ``rawBytes`` when asked for; parsing validates them, so they never fail later.
public struct Microdescriptor: ParsableDocument, StemJSONRepresentable, Sendable {
    public static var startKeywords: [String] { ["onion-key"] }
    /// A microdescriptor without a TAP key may open with `ntor-onion-key`.
    public static var repeatStartKeyword: String? { "ntor-onion-key" }

    /// The bytes this document was parsed from, annotations included (shares the file's storage).
    public let rawBytes: ArraySlice<UInt8>
    /// `@...` lines before the document (`@last-listed`, `@type microdescriptor 1.0`).
    public let annotations: [Annotation]
    /// Line number of the first byte of ``rawBytes`` in its file.
    public let firstLine: Int
    /// The document without annotations: the bytes the digest covers.
    public let contentRange: Range<Int>

    /// `@last-listed`: when tor last saw this microdescriptor listed in a consensus.
    public let lastListed: TorTimestamp?

    let onionKeyBody: Range<Int>?
    let ntorKey: InlineBytes32?
    /// The `ntor-onion-key` argument as written (padding kept or not).
    let ntorKeyText: Range<Int>?

    /// `a` lines: additional OR addresses.
    public let orAddresses: [ORAddress]

    let familyText: Range<Int>?
    let familyIDsText: Range<Int>?

    /// `p`: the IPv4 exit-policy summary as written (`accept 80,443`), `nil` when absent
    /// (which the spec reads as `reject 1-65535`).
    public let exitPolicyText: String?
    /// `p6`: the IPv6 exit-policy summary as written, `nil` when absent.
    public let exitPolicyV6Text: String?

    /// `p` as a typed policy (`micro.exitPolicy.canExit(port: 443)`); the spec's
    /// `reject 1-65535` when the line is absent or, in lenient mode, unreadable.
    public var exitPolicy: MicroExitPolicy {
        exitPolicyText.flatMap { try? MicroExitPolicy($0) } ?? .rejectAll
    }

    /// `p6` as a typed policy; `nil` when absent (no IPv6 exits).
    public var exitPolicyV6: MicroExitPolicy? {
        exitPolicyV6Text.flatMap { try? MicroExitPolicy($0) }
    }

    /// `id rsa1024`: the relay's fingerprint (SHA-1 of its RSA identity key).
    public let rsa1024Identity: Fingerprint?
    let ed25519Key: InlineBytes32?
    /// `id` lines of other key types, as (type, value) in document order.
    public let otherIdentifiers: [(type: String, value: String)]

    /// `pr` line as written (not produced by tor for microdescriptors, but Stem reads it).
    public let protocolsText: String?

    /// `pr` as typed versions (`micro.protocols?.supports("Relay", version: 4)`); `nil` when
    /// absent or malformed.
    public var protocols: ProtocolVersions? { protocolsText.flatMap { ProtocolVersions(parsing: $0) } }

    /// Items this parser does not know, in order, with their objects.
    public let unrecognizedLines: [UnrecognizedItem]
    /// Malformed values of known keywords that were skipped in lenient mode.
    public let warnings: [DescriptorParseError]

    // MARK: Decoded on demand

    /// The obsolete TAP `onion-key`: DER bytes of the RSA public key, `nil` when the line has no key.
    public var onionKey: [UInt8]? {
        onionKeyBody.flatMap { Base64.decode(rawBytes[$0]) }
    }

    /// The `onion-key` object as PEM text (`-----BEGIN RSA PUBLIC KEY-----` ... `-----END ...-----`),
    /// without a final newline, as Stem reports it.
    public var onionKeyPEM: String? {
        guard let body = onionKeyBody else { return nil }
        return "-----BEGIN RSA PUBLIC KEY-----\n" + ByteText.string(rawBytes, body) + "-----END RSA PUBLIC KEY-----"
    }

    /// `ntor-onion-key`: the relay's 32-byte Curve25519 key.
    public var ntorOnionKey: [UInt8]? { ntorKey?.bytes }

    /// `ntor-onion-key` exactly as written (with or without `=` padding).
    public var ntorOnionKeyBase64: String? { ntorKeyText.map { ByteText.string(rawBytes, $0) } }

    /// `id ed25519`: the relay's 32-byte Ed25519 master identity key.
    public var ed25519Identity: [UInt8]? { ed25519Key?.bytes }

    /// All `id` lines: `rsa1024`, then `ed25519`, then other key types in document order.
    public var identifiers: [Identifier] {
        var result: [Identifier] = []
        if let rsa1024Identity { result.append(.rsa1024(rsa1024Identity)) }
        if let ed25519Key { result.append(.ed25519(ed25519Key.bytes)) }
        for other in otherIdentifiers { result.append(.other(type: other.type, value: other.value)) }
        return result
    }

    /// `family` entries as written, typed.
    public var family: [FamilyEntry] {
        guard let familyText else { return [] }
        var cursor = ArgumentCursor(bytes: rawBytes, range: familyText)
        var entries: [FamilyEntry] = []
        while let word = cursor.next() { entries.append(FamilyEntry.parse(rawBytes, word)) }
        return entries
    }

    /// `family` entries as the strings written on the line.
    public var familyStrings: [String] { words(familyText) }

    /// `family-ids`: family identifiers such as `ed25519:...`, as written.
    public var familyIDs: [String] { words(familyIDsText) }

    /// SHA-256 of the document bytes without annotations, computed on each access: the value a
    /// microdesc consensus `m` line names (``RouterStatusEntry/microdescriptorDigest``).
    /// `.base64` is the unpadded form `m` lines write, `.hex` the upper-case one.
    ///
    /// ```swift
    /// if micro.digest == entry.microdescriptorDigest { print("the consensus lists this microdescriptor") }
    /// ```
    public var digest: SHA256DigestValue { Digest.sha256Value(rawBytes[contentRange]) }

    private func words(_ range: Range<Int>?) -> [String] {
        guard let range else { return [] }
        var cursor = ArgumentCursor(bytes: rawBytes, range: range)
        var result: [String] = []
        while let word = cursor.next() { result.append(ByteText.string(rawBytes, word)) }
        return result
    }
}

extension Microdescriptor {
    public static var documentKind: DocumentKind { .microdescriptor }
}
