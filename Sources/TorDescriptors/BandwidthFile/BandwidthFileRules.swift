/// The header keys of a bandwidth file that bandwidth-file-spec gives a type, each spelled
/// once (its raw value), with that type. Other header keys are kept as text.
///
/// Written in the style of the per-document keyword rule tables (`KeywordRules`): one enum of
/// keys, the facts about each in one switch.
enum BandwidthHeaderKey: String, CaseIterable, Hashable, Sendable {
    case version
    case software
    case softwareVersion = "software_version"
    case fileCreated = "file_created"
    case generatorStarted = "generator_started"
    case earliestBandwidth = "earliest_bandwidth"
    case latestBandwidth = "latest_bandwidth"
    case scannerCountry = "scanner_country"
    case destinationsCountries = "destinations_countries"
    case numberConsensusRelays = "number_consensus_relays"
    case numberEligibleRelays = "number_eligible_relays"
    case percentEligibleRelays = "percent_eligible_relays"
    case minimumNumberEligibleRelays = "minimum_number_eligible_relays"
    case minimumPercentEligibleRelays = "minimum_percent_eligible_relays"
    case recentConsensusCount = "recent_consensus_count"
    case recentPriorityListCount = "recent_priority_list_count"
    case recentPriorityRelayCount = "recent_priority_relay_count"
    case recentMeasurementAttemptCount = "recent_measurement_attempt_count"
    case recentMeasurementFailureCount = "recent_measurement_failure_count"
    case recentMeasurementsExcludedErrorCount = "recent_measurements_excluded_error_count"
    case recentMeasurementsExcludedNearCount = "recent_measurements_excluded_near_count"
    case recentMeasurementsExcludedOldCount = "recent_measurements_excluded_old_count"
    case recentMeasurementsExcludedFewCount = "recent_measurements_excluded_few_count"
    case timeToReportHalfNetwork = "time_to_report_half_network"
    case torVersion = "tor_version"

    /// The value syntaxes bandwidth-file-spec section 2.2 uses.
    enum ValueType: Sendable { case text, dateTime, countryCode, countryCodes, integer }

    var valueType: ValueType {
        switch self {
        case .version, .software, .softwareVersion, .torVersion: .text
        case .fileCreated, .generatorStarted, .earliestBandwidth, .latestBandwidth: .dateTime
        case .scannerCountry: .countryCode
        case .destinationsCountries: .countryCodes
        default: .integer
        }
    }

    private static let table = KeywordTable<BandwidthHeaderKey>(allCases.map { ($0.rawValue, $0) })

    static func lookup(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> BandwidthHeaderKey? {
        table.lookup(bytes, range)
    }
}

/// The relay-line keys the parser types (bandwidth-file-spec section 2.3); the rest of a
/// line's keys are kept as text and read with ``BandwidthFile/RelayLine/value(forKey:)``.
enum BandwidthRelayKey: String, CaseIterable, Hashable, Sendable {
    case nodeID = "node_id"
    case masterKeyEd25519 = "master_key_ed25519"
    case bandwidth = "bw"
    case nickname = "nick"
    case unmeasured
    case vote
    case underMinReport = "under_min_report"

    private static let table = KeywordTable<BandwidthRelayKey>(allCases.map { ($0.rawValue, $0) })

    static func lookup(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> BandwidthRelayKey? {
        table.lookup(bytes, range)
    }
}
