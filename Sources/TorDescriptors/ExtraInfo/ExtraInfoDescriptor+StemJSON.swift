/// Stem-compatible JSON: the attribute names of Stem's `RelayExtraInfoDescriptor` /
/// `BridgeExtraInfoDescriptor`, with Stem's defaults (`{}` for `transport`, `padding_counts`
/// and the `hs_*_attr` maps, `null` otherwise). Lines Stem 1.8.2 does not know
/// (`ipv6-*-history`, `ipv6-conn-bi-direct`, `hidserv-v3-*`, `overload-*`) use the same naming
/// pattern, and `digest` / `sha256_digest` hold ``ExtraInfoDescriptor/digest`` in upper-case
/// hex and ``ExtraInfoDescriptor/sha256Digest`` in unpadded base64 (a bridge's as written).
extension ExtraInfoDescriptor {
    public var stemJSON: JSONValue {
        typealias J = JSONValue
        var out: [(String, JSONValue)] = []
        out.reserveCapacity(110)
        func time(_ value: TorTimestamp?) -> J { .optional(value) { .string($0.description) } }
        func text(_ value: String?) -> J { .optional(value) { .string($0) } }
        func int(_ value: Int?) -> J { .optional(value) { .int($0) } }
        func counts<Key>(_ value: StatCounts<Key>?, _ name: (Key) -> String) -> J {
            .optional(value) { .object($0.entries.map { (name($0.key), .int($0.count)) }) }
        }
        func strings(_ value: StatCounts<String>?) -> J { counts(value) { $0 } }
        func doubles(_ value: [Double]?) -> J { .optional(value) { .array($0.map { .double($0) }) } }
        func block(_ range: Range<Int>?) -> J {
            .optional(range) { range in
                var text = ByteText.string(rawBytes, range)
                while text.last == "\n" || text.last == "\r\n" || text.last == "\r" { text.removeLast() }
                return .string(text)
            }
        }
        func history(_ prefix: String, _ value: BandwidthHistory?) {
            out.append((prefix + "_end", time(value?.end)))
            out.append((prefix + "_interval", int(value?.interval)))
            out.append((prefix + "_values", .optional(value) { .array($0.values.map { .int($0) }) }))
        }
        func period(_ prefix: String, _ value: StatsPeriod?) {
            out.append((prefix + "_end", time(value?.end)))
            out.append((prefix + "_interval", int(value?.interval)))
        }
        func connections(_ prefix: String, _ value: ConnectionDirections?) {
            out.append((prefix + "_end", time(value?.end)))
            out.append((prefix + "_interval", int(value?.interval)))
            out.append((prefix + "_below", int(value?.below)))
            out.append((prefix + "_read", int(value?.read)))
            out.append((prefix + "_write", int(value?.write)))
            out.append((prefix + "_both", int(value?.both)))
        }
        func hiddenService(_ prefix: String, _ value: HiddenServiceStatistic?) {
            out.append((prefix, int(value?.value)))
            out.append((prefix + "_attr", .object((value?.attributes ?? []).map { ($0.key, .string($0.value)) })))
        }
        func typed<Key: RawRepresentable<String>>(_ name: String, _ known: StatCounts<Key>?, _ unknown: StatCounts<String>?) {
            out.append((name, counts(known) { $0.rawValue }))
            out.append((name + "_unknown", strings(unknown)))
        }

        out.append(("nickname", .string(nickname)))
        out.append(("fingerprint", .string(fingerprint.hex)))
        out.append(("published", time(published)))
        // A bridge's digests are its router-digest lines, printed as written (as Stem does).
        func written(_ range: Range<Int>?) -> J { .optional(range) { .string(ByteText.string(rawBytes, $0)) } }
        out.append(("digest", isBridge ? written(routerDigestRange) : text(digest?.hex)))
        out.append(("sha256_digest", isBridge ? written(routerDigestSHA256Range) : text(sha256Digest?.base64)))
        if isBridge {
            out.append(("ed25519_certificate_hash", text(masterKeyEd25519)))
            out.append(("router_digest_sha256", written(routerDigestSHA256Range)))
        } else {
            out.append(("ed25519_certificate", block(identityObject?.range)))
            out.append(("ed25519_signature", text(ed25519Signature)))
            out.append(("signature", block(signatureObject?.range)))
        }
        out.append(("geoip_db_digest", written(geoipDBDigestRange)))
        out.append(("geoip6_db_digest", written(geoip6DBDigestRange)))
        out.append(("transport", .object(transports.map { transport in
            (transport.name, .array([text(transport.address?.description), int(transport.port),
                                     transport.address == nil ? .null : .array(transport.arguments.map { .string($0) })]))
        })))

        history("read_history", readHistory)
        history("write_history", writeHistory)
        history("ipv6_read_history", ipv6ReadHistory)
        history("ipv6_write_history", ipv6WriteHistory)
        history("dir_read_history", dirReadHistory)
        history("dir_write_history", dirWriteHistory)

        out.append(("geoip_start_time", time(geoipStartTime)))
        out.append(("geoip_client_origins", strings(geoipClientOrigins)))
        period("bridge_stats", bridgeStats)
        out.append(("bridge_ips", strings(bridgeIPs)))
        out.append(("ip_versions", strings(ipVersions)))
        out.append(("ip_transports", strings(ipTransports)))

        period("dir_stats", dirStats)
        out.append(("dir_v2_ips", strings(dirV2IPs)))
        out.append(("dir_v3_ips", strings(dirV3IPs)))
        out.append(("dir_v2_requests", strings(dirV2Requests)))
        out.append(("dir_v3_requests", strings(dirV3Requests)))
        out.append(("dir_v2_share", .optional(dirV2Share) { .double($0) }))
        out.append(("dir_v3_share", .optional(dirV3Share) { .double($0) }))
        typed("dir_v2_responses", dirV2Responses, dirV2ResponsesUnknown)
        typed("dir_v3_responses", dirV3Responses, dirV3ResponsesUnknown)
        typed("dir_v2_direct_dl", dirV2DirectDownloads, dirV2DirectDownloadsUnknown)
        typed("dir_v3_direct_dl", dirV3DirectDownloads, dirV3DirectDownloadsUnknown)
        typed("dir_v2_tunneled_dl", dirV2TunneledDownloads, dirV2TunneledDownloadsUnknown)
        typed("dir_v3_tunneled_dl", dirV3TunneledDownloads, dirV3TunneledDownloadsUnknown)

        period("entry_stats", entryStats)
        out.append(("entry_ips", strings(entryIPs)))
        period("cell_stats", cellStats)
        out.append(("cell_processed_cells", doubles(cellProcessedCells)))
        out.append(("cell_queued_cells", doubles(cellQueuedCells)))
        out.append(("cell_time_in_queue", doubles(cellTimeInQueue)))
        out.append(("cell_circuits_per_decile", int(cellCircuitsPerDecile)))
        connections("conn_bi_direct", connBiDirect)
        connections("ipv6_conn_bi_direct", ipv6ConnBiDirect)
        period("exit_stats", exitStats)
        out.append(("exit_kibibytes_written", counts(exitKibibytesWritten) { $0.description }))
        out.append(("exit_kibibytes_read", counts(exitKibibytesRead) { $0.description }))
        out.append(("exit_streams_opened", counts(exitStreamsOpened) { $0.description }))

        period("hs_stats", hiddenServiceStats)
        hiddenService("hs_rend_cells", hiddenServiceRendezvousCells)
        hiddenService("hs_dir_onions_seen", hiddenServiceDirOnionsSeen)
        period("hs_v3_stats", hiddenServiceV3Stats)
        hiddenService("hs_v3_rend_cells", hiddenServiceV3RendezvousCells)
        hiddenService("hs_v3_dir_onions_seen", hiddenServiceV3DirOnionsSeen)

        out.append(("padding_counts", .object((paddingCounts?.counts.entries ?? []).map { ($0.key, .int($0.count)) })))
        out.append(("padding_counts_end", time(paddingCounts?.end)))
        out.append(("padding_counts_interval", int(paddingCounts?.interval)))

        out.append(("overload_ratelimits_version", int(overloadRateLimits?.version)))
        out.append(("overload_ratelimits_timestamp", time(overloadRateLimits?.time)))
        out.append(("overload_ratelimits_ratelimit", int(overloadRateLimits?.rateLimit)))
        out.append(("overload_ratelimits_burstlimit", int(overloadRateLimits?.burstLimit)))
        out.append(("overload_ratelimits_read_count", int(overloadRateLimits?.readOverloadCount)))
        out.append(("overload_ratelimits_write_count", int(overloadRateLimits?.writeOverloadCount)))
        out.append(("overload_fd_exhausted_version", int(overloadFDExhausted?.version)))
        out.append(("overload_fd_exhausted_timestamp", time(overloadFDExhausted?.time)))
        return .object(out)
    }
}
