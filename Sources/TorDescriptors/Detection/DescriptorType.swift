/// The document types `tordesc parse` and the readers recognise, with CollecTor's `@type`
/// names, tor's cache file names, and content sniffing.
///
/// One job each: a `DescriptorType` names what a file holds, as its producers name it (CollecTor's
/// `@type`, tor's cache files, the consensus flavor), and picks the parser; a ``DocumentKind``
/// names the parsed document family that errors and reports speak of (one per parser, votes and
/// bridge variants included, no flavors).
///
/// ```swift
/// let type = DescriptorType.detect(fileName: "cached-microdescs.new", bytes: bytes[...])
/// // .microdescriptor
/// ```
public enum DescriptorType: String, Sendable, Hashable, CaseIterable, Codable {
    case serverDescriptor = "server-descriptor"
    case bridgeServerDescriptor = "bridge-server-descriptor"
    case extraInfo = "extra-info"
    case bridgeExtraInfo = "bridge-extra-info"
    case microdescriptor = "microdescriptor"
    case networkStatusConsensus = "network-status-consensus-3"
    case networkStatusMicrodescConsensus = "network-status-microdesc-consensus-3"
    case networkStatusVote = "network-status-vote-3"
    case keyCertificate = "dir-key-certificate-3"
    case detachedSignature = "detached-signature-3"
    case bridgeNetworkStatus = "bridge-network-status"
    /// v2 network statuses (2005-2008), CollecTor `@type network-status-2`.
    case networkStatusV2 = "network-status-2"
    case relayDirectory = "directory"
    /// Not a CollecTor type: tor's `network-status-diff-version 1` documents and diff-cache entries.
    case consensusDiff = "consensus-diff"
    /// TorDNSEL exit lists (CollecTor `exit-lists/`).
    case exitList = "tordnsel"
    /// Bandwidth scanner output that authorities vote from (CollecTor `relay-descriptors/bandwidths/`).
    case bandwidthFile = "bandwidth-file"
    /// v3 onion-service descriptors (`hs-descriptor 3`, rend-spec-v3), Stem's `@type` name.
    case onionServiceDescriptor = "hidden-service-descriptor-3"
    /// BridgeDB's pool assignments (CollecTor `bridge-pool-assignments/`).
    case bridgePoolAssignment = "bridge-pool-assignment"
    /// Sanitized web server access logs (CollecTor `webstats/`).
    case webServerAccessLog = "webstats"
    /// Torperf and OnionPerf measurements (CollecTor `torperf/`, `onionperf/`).
    case torperf = "torperf"
    /// The snowflake broker's statistics (CollecTor `snowflakes/`).
    case snowflakeStats = "snowflake-stats"
    /// BridgeDB's usage counts (CollecTor `bridgedb-metrics/`).
    case bridgedbMetrics = "bridgedb-metrics"

    /// The relay type a bridge type is a sanitized form of (itself for relay types).
    public var family: DescriptorType {
        switch self {
        case .bridgeServerDescriptor: .serverDescriptor
        case .bridgeExtraInfo: .extraInfo
        case .networkStatusMicrodescConsensus: .networkStatusConsensus
        default: self
        }
    }

    /// Whether documents of this type come from bridges.
    public var isBridge: Bool { self == .bridgeServerDescriptor || self == .bridgeExtraInfo }

    /// The type for a CollecTor `@type NAME VERSION` annotation name, if it is one of ours.
    public init?(collectorType name: some StringProtocol) {
        self.init(rawValue: String(name))
    }

    /// The type that tor's data-directory cache file name implies.
    public init?(cacheFileName name: some StringProtocol) {
        switch String(name) {
        case "cached-descriptors", "cached-descriptors.new": self = .serverDescriptor
        case "cached-extrainfo", "cached-extrainfo.new": self = .extraInfo
        case "cached-microdescs", "cached-microdescs.new": self = .microdescriptor
        case "cached-consensus", "unverified-consensus": self = .networkStatusConsensus
        case "cached-certs": self = .keyCertificate
        case "cached-microdesc-consensus", "unverified-microdesc-consensus": self = .networkStatusMicrodescConsensus
        default: return nil
        }
    }

    /// The type a CollecTor or tor file name implies for the formats whose names say it:
    /// exit lists (`2018-11-01-00-02-01`; bridge pool assignments share that form), bandwidth files
    /// (`2019-05-14-12-35-04-bandwidth-HEX`, sbws's `*.v3bw`, tor's `v3bw`), BridgeDB metrics and
    /// snowflake statistics (`TIME-bridgedb-metrics`, `TIME-snowflake-stats`), Torperf results
    /// (`*.tpf`) and web logs (`VHOST_HOST_access.log_YYYYMMDD[.xz]`). The content must agree (see
    /// ``detect(fileName:bytes:)``).
    public init?(collectorFileName name: some StringProtocol) {
        let bytes = Array(name.utf8)
        func isStamp(_ prefix: ArraySlice<UInt8>) -> Bool {
            // YYYY-MM-DD-HH-MM-SS
            prefix.count == 19 && prefix.indices.allSatisfy { index in
                [4, 7, 10, 13, 16].contains(index) ? prefix[index] == UInt8(ascii: "-") : ByteText.isDigit(prefix[index])
            }
        }
        if isStamp(bytes[...]) { self = .exitList; return }
        let text = String(name)
        if bytes.count > 29, isStamp(bytes[0..<19]), text.dropFirst(19).hasPrefix("-bandwidth-") { self = .bandwidthFile; return }
        if text == "v3bw" || text.hasSuffix(".v3bw") { self = .bandwidthFile; return }
        if WebServerAccessLog.FileName(parsing: text) != nil { self = .webServerAccessLog; return }
        if text.hasSuffix(".tpf") { self = .torperf; return }
        if bytes.count > 19, isStamp(bytes[0..<19]), text.dropFirst(19) == "-snowflake-stats" { self = .snowflakeStats; return }
        if bytes.count > 19, isStamp(bytes[0..<19]), text.dropFirst(19) == "-bridgedb-metrics" { self = .bridgedbMetrics; return }
        return nil
    }

    /// The `@type` annotation on the first line of a CollecTor file, if any: `(name, version)`.
    public static func collectorAnnotation(in bytes: ArraySlice<UInt8>) -> (name: String, version: String)? {
        guard bytes.count > 6, ByteText.hasPrefix(bytes, bytes.startIndex..<bytes.endIndex, "@type ") else { return nil }
        let (lineEnd, _) = Tokenizer.lineBounds(bytes, from: bytes.startIndex)
        var cursor = ArgumentCursor(bytes: bytes, range: (bytes.startIndex + 6)..<lineEnd)
        guard let name = cursor.next() else { return nil }
        let version = cursor.next().map { ByteText.string(bytes, $0) } ?? ""
        return (ByteText.string(bytes, name), version)
    }

    /// The type from the first keyword of the content (annotations skipped).
    public static func sniff(_ bytes: ArraySlice<UInt8>) -> DescriptorType? {
        if isDiffCacheEntry(bytes) { return .consensusDiff }
        var position = bytes.startIndex
        while position < bytes.endIndex {
            let (lineEnd, next) = Tokenizer.lineBounds(bytes, from: position)
            if lineEnd > position, bytes[position] != UInt8(ascii: "@") {
                var cursor = ArgumentCursor(bytes: bytes, range: position..<lineEnd)
                var keyword = cursor.next()
                if let word = keyword, ByteText.equals(bytes, word, "opt") { keyword = cursor.next() }
                guard let word = keyword else { return nil }
                if ByteText.equals(bytes, word, "router") { return .serverDescriptor }
                if ByteText.equals(bytes, word, "extra-info") { return .extraInfo }
                if ByteText.equals(bytes, word, "signed-directory") { return .relayDirectory }
                if ByteText.equals(bytes, word, "dir-key-certificate-version") { return .keyCertificate }
                if ByteText.equals(bytes, word, "consensus-digest") { return .detachedSignature }
                if ByteText.equals(bytes, word, "network-status-diff-version") { return .consensusDiff }
                if ByteText.equals(bytes, word, "published") { return .bridgeNetworkStatus }
                if ByteText.equals(bytes, word, "hs-descriptor") { return .onionServiceDescriptor }
                if ByteText.equals(bytes, word, "bridge-pool-assignment") { return .bridgePoolAssignment }
                // An access log has no keywords: its first line has the access-log form.
                if WebServerAccessLog.line(bytes, position..<lineEnd, 1) != nil { return .webServerAccessLog }
                // A Torperf line opens with one of its KEY=VALUE words.
                if let equals = bytes[word].firstIndex(of: UInt8(ascii: "=")),
                   TorperfKey.lookup(bytes, word.lowerBound..<equals) != nil || ByteText.hasPrefix(bytes, word, "DATAPERC") { return .torperf }
                if ByteText.equals(bytes, word, "snowflake-stats-end") { return .snowflakeStats }
                if ByteText.equals(bytes, word, "bridgedb-metrics-end") { return .bridgedbMetrics }
                if ByteText.equals(bytes, word, "Downloaded") || ByteText.equals(bytes, word, "ExitNode") { return .exitList }
                // A bandwidth file opens with a Unix time alone on its line.
                if word == position..<lineEnd || lineEnd - position <= 20 && cursor.next() == nil,
                   word.count <= 18, bytes[word].allSatisfy(ByteText.isDigit) { return .bandwidthFile }
                if ByteText.equals(bytes, word, "network-status-version") {
                    // Votes share the first line; their second says `vote-status vote`.
                    let (secondEnd, _) = Tokenizer.lineBounds(bytes, from: next)
                    if next < bytes.endIndex, ByteText.hasPrefix(bytes, next..<secondEnd, "vote-status vote") { return .networkStatusVote }
                    if let version = cursor.next(), ByteText.equals(bytes, version, "2") { return .networkStatusV2 }
                    let flavor = cursor.next()
                    return flavor.map { ByteText.equals(bytes, $0, "microdesc") } == true
                        ? .networkStatusMicrodescConsensus : .networkStatusConsensus
                }
                if ByteText.equals(bytes, word, "onion-key") || ByteText.equals(bytes, word, "ntor-onion-key") {
                    return .microdescriptor
                }
                return nil
            }
            position = next
        }
        return nil
    }

    /// Whether the bytes are an entry of tor's `diff-cache/` directory: `key value` label lines
    /// naming `document-type consensus-diff`, a NUL byte, then the diff.
    public static func isDiffCacheEntry(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard let nul = bytes.prefix(4096).firstIndex(of: 0) else { return false }
        let label = Array("document-type consensus-diff".utf8)
        var position = bytes.startIndex
        while position < nul {
            let (lineEnd, next) = Tokenizer.lineBounds(bytes, from: position)
            if bytes[position..<min(lineEnd, nul)].elementsEqual(label) { return true }
            position = next
        }
        return false
    }

    /// `@type` annotation first, then tor's cache file name, then the content's first keyword.
    public static func detect(fileName: String?, bytes: ArraySlice<UInt8>) -> DescriptorType? {
        if let annotation = collectorAnnotation(in: bytes) {
            return DescriptorType(collectorType: annotation.name)
        }
        if let fileName, let type = DescriptorType(cacheFileName: fileName) { return type }
        let sniffed = sniff(bytes)
        // A CollecTor name alone is not enough (many files share the timestamp form): the content must agree.
        if let fileName, let named = DescriptorType(collectorFileName: fileName), named == sniffed { return named }
        return sniffed
    }
}
