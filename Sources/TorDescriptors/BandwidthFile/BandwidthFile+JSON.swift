extension BandwidthFile: StemJSONRepresentable {
    /// Stem's `BandwidthFile` attributes: `timestamp`, `version`, `software`, `created_at`,
    /// `generated_at`, `consensus_size`, `eligible_count`, `eligible_percent`, `min_count`,
    /// `min_percent`, `recent_stats` (with `relay_failures`, Stem's spelling kept), `header` and
    /// `measurements` (node_id without `$` to the line's pairs).
    public var stemJSON: JSONValue {
        func time(_ value: TorTimestamp?) -> JSONValue { .optional(value) { .string($0.description) } }
        func int(_ key: BandwidthHeaderKey) -> JSONValue { .optional(integer(key)) { .int($0) } }
        func text(_ value: String?) -> JSONValue { .optional(value) { .string($0) } }
        let failures: JSONValue = .object([
            ("no_measurement", int(.recentMeasurementsExcludedErrorCount)),
            ("insuffient_period", int(.recentMeasurementsExcludedNearCount)),
            ("insufficient_measurements", int(.recentMeasurementsExcludedFewCount)),
            ("stale", int(.recentMeasurementsExcludedOldCount)),
        ])
        let recent: JSONValue = .object([
            ("consensus_count", int(.recentConsensusCount)),
            ("prioritized_relay_lists", int(.recentPriorityListCount)),
            ("prioritized_relays", int(.recentPriorityRelayCount)),
            ("measurement_attempts", int(.recentMeasurementAttemptCount)),
            ("measurement_failures", int(.recentMeasurementFailureCount)),
            ("relay_failures", failures),
        ])
        let measurements: [(String, JSONValue)] = relays.compactMap { relay in
            guard let id = relay.pairs.last(where: { ByteText.equals(relay.rawBytes, $0.key, "node_id") }) else { return nil }
            var hex = id.value
            if hex.first.map({ relay.rawBytes[$0] == UInt8(ascii: "$") }) == true { hex = (hex.lowerBound + 1)..<hex.upperBound }
            return (ByteText.string(relay.rawBytes, hex), .object(relay.keyValues.map { ($0.key, .string($0.value)) }))
        }
        return .object([
            ("type", .string("bandwidth-file")),
            ("timestamp", time(timestamp)),
            ("version", .string(version)),
            ("software", text(software)),
            ("software_version", text(softwareVersion)),
            ("earliest_bandwidth", time(earliestBandwidth)),
            ("latest_bandwidth", time(latestBandwidth)),
            ("created_at", time(fileCreated)),
            ("generated_at", time(generatorStarted)),
            ("consensus_size", int(.numberConsensusRelays)),
            ("eligible_count", int(.numberEligibleRelays)),
            ("eligible_percent", int(.percentEligibleRelays)),
            ("min_count", int(.minimumNumberEligibleRelays)),
            ("min_percent", int(.minimumPercentEligibleRelays)),
            ("scanner_country", text(scannerCountry)),
            ("destinations_countries", .optional(destinationsCountries) { .array($0.map(JSONValue.string)) }),
            ("time_to_report_half_network", int(.timeToReportHalfNetwork)),
            ("recent_stats", recent),
            ("header", .object(header.map { ($0.key, .string($0.value)) })),
            ("measurements", .object(measurements)),
            ("sha256", .string(sha256.base64)),
        ])
    }
}
