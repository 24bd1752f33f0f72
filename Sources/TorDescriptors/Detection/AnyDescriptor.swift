/// Any document `tordesc parse` understands, for code that handles files of mixed types.
///
/// ```swift
/// for result in AnyDescriptor.parseAll(bytes[...], as: .microdescriptor) {
///     if case .success(let document) = result { print(document.stemJSON.serialized()) }
/// }
/// ```
///
/// `indirect`: a parsed document is hundreds of bytes of fields, and readers pass each one
/// through several values (result, read item, batch) on its way to the caller; boxed once,
/// every later copy is a single retain instead of a field-by-field copy.
public indirect enum AnyDescriptor: Sendable, StemJSONRepresentable {
    case serverDescriptor(ServerDescriptor)
    case extraInfo(ExtraInfoDescriptor)
    case microdescriptor(Microdescriptor)
    case consensus(NetworkStatusConsensus)
    case vote(NetworkStatusVote)
    case keyCertificate(KeyCertificate)
    case detachedSignatures(DetachedSignatures)
    case bridgeNetworkStatus(BridgeNetworkStatus)
    case networkStatusV2(NetworkStatusV2)
    case relayDirectory(RelayDirectory)
    case consensusDiff(ConsensusDiff)
    case exitList(ExitList)
    case bandwidthFile(BandwidthFile)
    case onionServiceDescriptor(OnionServiceDescriptor)
    case bridgePoolAssignment(BridgePoolAssignment)
    case webServerAccessLog(WebServerAccessLog)
    case torperf(TorperfResult)
    case snowflakeStats(SnowflakeStats)
    case bridgedbMetrics(BridgedbMetrics)

    /// Parses every document of `type` in a buffer; failures never hide the documents around them.
    /// `sourceName` is the file or archive member the bytes came from: a web log takes its hosts
    /// and day from a CollecTor-style name (`VHOST_HOST_access.log_YYYYMMDD.xz`); a name of
    /// another form is ignored here, since a log found by its content may sit under any name.
    public static func parseAll(_ bytes: ArraySlice<UInt8>, as type: DescriptorType, mode: ValidationMode = .lenient, sourceName: String? = nil)
        -> [Result<AnyDescriptor, DescriptorParseError>] {
        switch type {
        case .serverDescriptor, .bridgeServerDescriptor:
            let results = type.isBridge ? ServerDescriptor.parseAll(bytes, mode: mode, isBridge: true) : ServerDescriptor.parseAll(bytes, mode: mode)
            return results.map { $0.map(AnyDescriptor.serverDescriptor) }
        case .extraInfo, .bridgeExtraInfo:
            return ExtraInfoDescriptor.parseAll(bytes, mode: mode).map { $0.map(AnyDescriptor.extraInfo) }
        case .microdescriptor:
            return Microdescriptor.parseAll(bytes, mode: mode).map { $0.map(AnyDescriptor.microdescriptor) }
        case .networkStatusConsensus, .networkStatusMicrodescConsensus:
            return NetworkStatusConsensus.parseAll(bytes, mode: mode).map { $0.map(AnyDescriptor.consensus) }
        case .networkStatusVote:
            return NetworkStatusVote.parseAll(bytes, mode: mode).map { $0.map(AnyDescriptor.vote) }
        case .keyCertificate:
            return KeyCertificate.parseAll(bytes, mode: mode).map { $0.map(AnyDescriptor.keyCertificate) }
        case .detachedSignature:
            return DetachedSignatures.parseAll(bytes, mode: mode).map { $0.map(AnyDescriptor.detachedSignatures) }
        case .bridgeNetworkStatus:
            return BridgeNetworkStatus.parseAll(bytes, mode: mode).map { $0.map(AnyDescriptor.bridgeNetworkStatus) }
        case .networkStatusV2:
            return NetworkStatusV2.parseAll(bytes, mode: mode).map { $0.map(AnyDescriptor.networkStatusV2) }
        case .relayDirectory:
            return RelayDirectory.parseAll(bytes, mode: mode).map { $0.map(AnyDescriptor.relayDirectory) }
        case .consensusDiff:
            if DescriptorType.isDiffCacheEntry(bytes) {
                do throws(DescriptorParseError) {
                    return [.success(.consensusDiff(try ConsensusDiffCacheEntry(parsing: bytes).diff(mode: mode)))]
                } catch {
                    return [.failure(error)]
                }
            }
            return ConsensusDiff.parseAll(bytes, mode: mode).map { $0.map(AnyDescriptor.consensusDiff) }
        case .exitList:
            return ExitList.parseAll(bytes, mode: mode).map { $0.map(AnyDescriptor.exitList) }
        case .bandwidthFile:
            return BandwidthFile.parseAll(bytes, mode: mode).map { $0.map(AnyDescriptor.bandwidthFile) }
        case .onionServiceDescriptor:
            return OnionServiceDescriptor.parseAll(bytes, mode: mode).map { $0.map(AnyDescriptor.onionServiceDescriptor) }
        case .bridgePoolAssignment:
            return BridgePoolAssignment.parseAll(bytes, mode: mode).map { $0.map(AnyDescriptor.bridgePoolAssignment) }
        case .webServerAccessLog:
            // FileName(parsing:) reads the last path component itself.
            let name = sourceName.flatMap { WebServerAccessLog.FileName(parsing: $0) != nil ? $0 : nil }
            return WebServerAccessLog.parseAll(bytes, mode: mode, fileName: name).map { $0.map(AnyDescriptor.webServerAccessLog) }
        case .torperf:
            return TorperfResult.parseAll(bytes, mode: mode).map { $0.map(AnyDescriptor.torperf) }
        case .snowflakeStats:
            return SnowflakeStats.parseAll(bytes, mode: mode).map { $0.map(AnyDescriptor.snowflakeStats) }
        case .bridgedbMetrics:
            return BridgedbMetrics.parseAll(bytes, mode: mode).map { $0.map(AnyDescriptor.bridgedbMetrics) }
        }
    }

    /// The bytes the document was parsed from (annotations included).
    public var rawBytes: ArraySlice<UInt8> {
        switch self {
        case .serverDescriptor(let document): document.rawBytes
        case .extraInfo(let document): document.rawBytes
        case .microdescriptor(let document): document.rawBytes
        case .consensus(let document): document.rawBytes
        case .vote(let document): document.rawBytes
        case .keyCertificate(let document): document.rawBytes
        case .detachedSignatures(let document): document.rawBytes
        case .bridgeNetworkStatus(let document): document.rawBytes
        case .networkStatusV2(let document): document.rawBytes
        case .relayDirectory(let document): document.rawBytes
        case .consensusDiff(let document): document.rawBytes
        case .exitList(let document): document.rawBytes
        case .bandwidthFile(let document): document.rawBytes
        case .onionServiceDescriptor(let document): document.rawBytes
        case .bridgePoolAssignment(let document): document.rawBytes
        case .webServerAccessLog(let document): document.rawBytes
        case .torperf(let document): document.rawBytes
        case .snowflakeStats(let document): document.rawBytes
        case .bridgedbMetrics(let document): document.rawBytes
        }
    }

    public var stemJSON: JSONValue {
        switch self {
        case .serverDescriptor(let document): document.stemJSON
        case .extraInfo(let document): document.stemJSON
        case .microdescriptor(let document): document.stemJSON
        case .consensus(let document): document.stemJSON
        case .vote(let document): document.stemJSON
        case .keyCertificate(let document): document.stemJSON
        case .detachedSignatures(let document): document.stemJSON
        case .bridgeNetworkStatus(let document): document.stemJSON
        case .networkStatusV2(let document): document.stemJSON
        case .relayDirectory(let document): document.stemJSON
        case .exitList(let document): document.stemJSON
        case .bandwidthFile(let document): document.stemJSON
        case .onionServiceDescriptor(let document): document.stemJSON
        case .bridgePoolAssignment(let document): document.stemJSON
        case .webServerAccessLog(let document): document.stemJSON
        case .torperf(let document): document.stemJSON
        case .snowflakeStats(let document): document.stemJSON
        case .bridgedbMetrics(let document): document.stemJSON
        case .consensusDiff(let diff):
            .object([("version", .int(diff.version)), ("base_hash", .optional(diff.baseHash) { .string(Hex.encode($0)) }),
                     ("target_hash", .optional(diff.targetHash) { .string(Hex.encode($0)) }), ("commands", .int(diff.commands.count))])
        }
    }

    /// JSON Lines output: one object per document, or for a consensus its header then one
    /// object per router status entry.
    public var stemJSONLines: [JSONValue] {
        if case .consensus(let consensus) = self {
            return [consensus.stemJSON] + consensus.entries.map(\.stemJSON)
        }
        if case .vote(let vote) = self {
            return [vote.stemJSON] + vote.entries.map(\.entry.stemJSON)
        }
        if case .bridgeNetworkStatus(let status) = self {
            return [status.stemJSON] + status.entries.map(\.stemJSON)
        }
        if case .networkStatusV2(let status) = self {
            return [status.stemJSON] + status.entries.map(\.stemJSON)
        }
        if case .exitList(let list) = self {
            return [list.stemJSON] + list.entries.map(\.stemJSON)
        }
        if case .relayDirectory(let directory) = self {
            return [directory.stemJSON] + directory.stemJSONEntries
        }
        return [stemJSON]
    }

    /// Human-readable lines: one per document, or for a consensus its header then one per entry.
    public var summaryLines: [String] {
        guard case .consensus(let c) = self else { return [summaryLine] }
        let header = "consensus \(c.header.flavor) valid-after \(c.header.validAfter.map(\.description) ?? "-") entries \(c.entries.count) signatures \(c.footer.signatures.count)"
        return [header] + c.entries.map { e in
            "  \(e.nickname) \(e.fingerprint.hex) \(e.address):\(e.orPort) \(e.flags.names.joined(separator: ","))\(e.bandwidth.map { " bw=\($0)" } ?? "")"
        }
    }

    /// One human-readable line: the identity and the main facts of the document.
    public var summaryLine: String {
        switch self {
        case .serverDescriptor(let d):
            return "\(d.isBridge ? "bridge" : "relay") \(d.nickname) \(d.fingerprint?.hex ?? "-") \(d.address):\(d.orPort) published \(d.published.map(\.description) ?? "-") digest \(d.digest?.hex ?? "-")"
        case .extraInfo(let d):
            return "extra-info \(d.nickname) \(d.fingerprint.hex) published \(d.published.map(\.description) ?? "-") digest \(d.digest?.hex ?? "-")"
        case .microdescriptor(let d):
            let identity = d.rsa1024Identity?.hex ?? d.ed25519Identity.map { Base64.encode($0, padded: false) } ?? "-"
            return "microdescriptor \(d.digest.base64) identity \(identity) ntor-onion-key \(d.ntorOnionKeyBase64 ?? "-")"
        case .consensus(let c):
            return summaryLines.first ?? "consensus \(c.entries.count) entries"
        case .keyCertificate(let c):
            return "key-certificate \(c.fingerprint?.hex ?? "-") published \(c.published.map(\.description) ?? "-") expires \(c.expires.map(\.description) ?? "-") signing-key \(c.signingKeyDigest?.hex ?? "-")"
        case .vote(let v):
            return "vote \(v.header.authorities.first?.nickname ?? "-") valid-after \(v.header.validAfter.map(\.description) ?? "-") entries \(v.entries.count) commits \(v.sharedRandomCommits.count)"
        case .bridgeNetworkStatus(let b):
            return "bridge-network-status published \(b.published) entries \(b.entries.count)"
        case .relayDirectory(let d):
            return "directory published \(d.published.map(\.description) ?? "-") routers \(d.serverDescriptors.count) running \(d.statusEntries.filter(\.isLive).count) signed-by \(d.signingAuthority ?? "-")"
        case .networkStatusV2(let s):
            return "network-status-2 \(s.hostname ?? "-") published \(s.published.map(\.description) ?? "-") entries \(s.entries.count)"
        case .consensusDiff(let d):
            return "consensus-diff base \(d.baseHash.map { Hex.encode($0) } ?? "-") target \(d.targetHash.map { Hex.encode($0) } ?? "-") commands \(d.commands.count)"
        case .exitList(let l):
            return "exit-list downloaded \(l.downloaded.map(\.description) ?? "-") relays \(l.entries.count) addresses \(l.entries.reduce(0) { $0 + $1.exitAddresses.count })"
        case .bandwidthFile(let b):
            return "bandwidth-file \(b.version) timestamp \(b.timestamp) software \(b.software ?? "-") relays \(b.relays.count) sha256 \(b.sha256.base64)"
        case .onionServiceDescriptor(let d):
            return "hs-descriptor \(d.version) blinded-key \(d.blindedKey.map { Base64.encode($0, padded: false) } ?? "-") revision \(d.revisionCounter) lifetime \(d.lifetimeMinutes) min"
        case .bridgePoolAssignment(let b):
            let distributors = Dictionary(grouping: b.entries, by: \.distributor).map { "\($0.key)=\($0.value.count)" }.sorted()
            return "bridge-pool-assignment published \(b.published) bridges \(b.entries.count) \(distributors.joined(separator: " "))"
        case .bridgedbMetrics(let m):
            return "bridgedb-metrics end \(m.end.end) interval \(m.end.interval) s version \(m.version ?? "-") counts \(m.counts.count) total \(m.counts.reduce(0) { $0 + $1.count })"
        case .snowflakeStats(let s):
            return "snowflake-stats end \(s.end.end) interval \(s.end.interval) s proxies \(s.snowflakeIPsTotal.map(String.init) ?? "-") idle \(s.snowflakeIdleCount.map(String.init) ?? "-") matched \(s.clientSnowflakeMatchCount.map(String.init) ?? "-") denied \(s.clientDeniedCount.map(String.init) ?? "-")"
        case .torperf(let t):
            return "torperf \(t.source ?? "-") filesize \(t.fileSize.map(String.init) ?? "-") start \(t.startMillis.map(String.init) ?? "-") complete \(t.dataCompleteMillis.map(String.init) ?? "-") timeout \(t.didTimeout.map { $0 ? "1" : "0" } ?? "-")"
        case .webServerAccessLog(let w):
            return "webstats \(w.name.map { "\($0.virtualHost) \($0.physicalHost) \(String($0.date.description.prefix(10)))" } ?? "-") lines \(w.lines.count) invalid \(w.invalidLineCount)"
        case .detachedSignatures(let d):
            return "detached-signatures valid-after \(d.validAfter.map(\.description) ?? "-") signatures \(d.signatures.count) additional \(d.additionalSignatures.count)"
        }
    }
}
