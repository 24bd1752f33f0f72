import TorDescriptors

/// `tordesc summary` for the CollecTor files that are not consensuses: a bandwidth file
/// (relays measured, eligible share, scanner) and an exit list (relays, addresses, times).
enum CollecTorSummary {
    static func bandwidthFile(_ file: BandwidthFile) -> JSONValue {
        let measured = file.relays.filter { $0.unmeasured != true }
        let notVoted = file.relays.filter { $0.vote == false }.count
        let eligibleShare: JSONValue = {
            if let eligible = file.numberEligibleRelays, let consensus = file.numberConsensusRelays, consensus > 0 {
                return .double((Double(eligible) / Double(consensus) * 10_000).rounded() / 10_000)
            }
            return .null
        }()
        return .object([
            ("type", .string("bandwidth-file")),
            ("version", .string(file.version)),
            ("timestamp", .string(file.timestamp.description)),
            ("file_created", .optional(file.fileCreated) { .string($0.description) }),
            ("software", .optional(file.software) { .string($0) }),
            ("software_version", .optional(file.softwareVersion) { .string($0) }),
            ("scanner_country", .optional(file.scannerCountry) { .string($0) }),
            ("destinations_countries", .optional(file.destinationsCountries) { .array($0.map(JSONValue.string)) }),
            ("relay_lines", .int(file.relays.count)),
            ("relays_measured", .int(measured.count)),
            ("relays_not_voted", .int(notVoted)),
            ("bandwidth_total", .int(measured.compactMap(\.bandwidth).reduce(0, +))),
            ("number_consensus_relays", .optional(file.numberConsensusRelays) { .int($0) }),
            ("number_eligible_relays", .optional(file.numberEligibleRelays) { .int($0) }),
            ("eligible_share", eligibleShare),
            ("minimum_percent_eligible_relays", .optional(file.minimumPercentEligibleRelays) { .int($0) }),
            ("sha256", .string(file.sha256.base64)),
        ])
    }

    static func exitList(_ list: ExitList) -> JSONValue {
        let addresses = list.entries.flatMap(\.exitAddresses)
        let published = list.entries.compactMap(\.published)
        let lastStatus = list.entries.compactMap(\.lastStatus)
        func range(_ times: [TorTimestamp]) -> JSONValue {
            guard let first = times.min(), let last = times.max() else { return .null }
            return .array([.string(first.description), .string(last.description)])
        }
        return .object([
            ("type", .string("tordnsel")),
            ("downloaded", .optional(list.downloaded) { .string($0.description) }),
            ("relays", .int(list.entries.count)),
            ("exit_addresses", .int(addresses.count)),
            ("distinct_addresses", .int(Set(addresses.map(\.address)).count)),
            ("relays_with_several_addresses", .int(list.entries.filter { $0.exitAddresses.count > 1 }.count)),
            ("ipv6_addresses", .int(addresses.filter(\.address.isIPv6).count)),
            ("published", range(published)),
            ("last_status", range(lastStatus)),
            ("seen", range(addresses.map(\.seen))),
        ])
    }

    /// CollecTor's statistics types, summarised document by document.
    static let statisticsTypes: Set<DescriptorType> = [.bridgePoolAssignment, .bridgedbMetrics, .snowflakeStats, .torperf, .webServerAccessLog]

    /// A file of bridge pool assignments, BridgeDB metrics, snowflake statistics, Torperf results
    /// or a web log: how many documents, and each one's summary line; a document that does not
    /// parse fails the command as a bad bandwidth file or exit list does.
    static func statistics(_ bytes: ArraySlice<UInt8>, as type: DescriptorType, path: String) throws -> JSONValue {
        var lines: [JSONValue] = []
        for result in AnyDescriptor.parseAll(bytes, as: type) {
            switch result {
            case .success(let document): lines.append(.string(document.summaryLine))
            case .failure(let error): throw reportError("\(path):\(error.line): the \(type.rawValue) document does not parse: \(error)", code: 1)
            }
        }
        return .object([("type", .string(type.rawValue)), ("documents", .int(lines.count)), ("summaries", .array(lines))])
    }

    /// `key: value` lines of a summary object, for text output.
    static func textLines(_ summary: JSONValue) -> [String] {
        guard case .object(let pairs) = summary else { return [summary.serialized()] }
        return pairs.map { key, value in
            let text: String
            switch value {
            case .string(let string): text = string
            case .null: text = "-"
            case .array(let values): text = values.map { if case .string(let s) = $0 { s } else { $0.serialized() } }.joined(separator: key == "destinations_countries" ? "," : key == "summaries" ? "\n  " : " .. ")
            default: text = value.serialized()
            }
            return "\(key.replacing("_", with: " ")): \(text)"
        }
    }
}
