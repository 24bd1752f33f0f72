/// Any document `tordesc parse` understands, for code that handles files of mixed types.
///
/// ```swift
/// for result in AnyDescriptor.parseAll(bytes[...], as: .microdescriptor) {
///     if case .success(let document) = result { print(document.stemJSON.serialized()) }
/// }
/// ```
public enum AnyDescriptor: Sendable, StemJSONRepresentable {
    case serverDescriptor(ServerDescriptor)
    case extraInfo(ExtraInfoDescriptor)
    case microdescriptor(Microdescriptor)

    /// Parses every document of `type` in a buffer; failures never hide the documents around them.
    public static func parseAll(_ bytes: ArraySlice<UInt8>, as type: DescriptorType, mode: ValidationMode = .lenient)
        -> [Result<AnyDescriptor, DescriptorParseError>] {
        switch type.family {
        case .serverDescriptor:
            let results = type.isBridge ? ServerDescriptor.parseAll(bytes, mode: mode, isBridge: true) : ServerDescriptor.parseAll(bytes, mode: mode)
            return results.map { $0.map(AnyDescriptor.serverDescriptor) }
        case .extraInfo:
            return ExtraInfoDescriptor.parseAll(bytes, mode: mode).map { $0.map(AnyDescriptor.extraInfo) }
        default:
            return Microdescriptor.parseAll(bytes, mode: mode).map { $0.map(AnyDescriptor.microdescriptor) }
        }
    }

    /// The bytes the document was parsed from (annotations included).
    public var rawBytes: ArraySlice<UInt8> {
        switch self {
        case .serverDescriptor(let document): document.rawBytes
        case .extraInfo(let document): document.rawBytes
        case .microdescriptor(let document): document.rawBytes
        }
    }

    public var stemJSON: JSONValue {
        switch self {
        case .serverDescriptor(let document): document.stemJSON
        case .extraInfo(let document): document.stemJSON
        case .microdescriptor(let document): document.stemJSON
        }
    }

    /// One human-readable line: the identity and the main facts of the document.
    public var summaryLine: String {
        switch self {
        case .serverDescriptor(let d):
            return "\(d.isBridge ? "bridge" : "relay") \(d.nickname) \(d.fingerprint?.hex ?? "-") \(d.address):\(d.orPort) published \(d.published.map(\.description) ?? "-") digest \(d.digest ?? "-")"
        case .extraInfo(let d):
            return "extra-info \(d.nickname) \(d.fingerprint.hex) published \(d.published.map(\.description) ?? "-") digest \(d.digest ?? "-")"
        case .microdescriptor(let d):
            let identity = d.rsa1024Identity?.hex ?? d.ed25519Identity.map { Base64.encode($0, padded: false) } ?? "-"
            return "microdescriptor \(d.digest) identity \(identity) ntor-onion-key \(d.ntorOnionKeyBase64 ?? "-")"
        }
    }
}
