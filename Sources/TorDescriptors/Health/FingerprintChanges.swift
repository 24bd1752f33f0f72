/// DocTor's fingerprint-change check (its bad-relays@ notification): a relay that keeps its
/// address and ORPort from one consensus to the next under a new identity. Operators rekey
/// rarely; a whole group doing it at once is how Sybil attacks have shown up.
///
/// ```swift
/// let changes = FingerprintChanges.findings(from: previousHour, to: thisHour)
/// for finding in changes { print(finding.message) }
/// ```
public enum FingerprintChanges {
    /// One warning per OR address (`r` line IPv4 and ORPort) listed in both consensuses whose
    /// fingerprint differs, the old and new identity and nickname in the evidence.
    public static func findings(from previous: NetworkStatusConsensus, to current: NetworkStatusConsensus) -> [HealthFinding] {
        var before: [ORAddress: RouterStatusEntry] = [:]
        for entry in previous.entries {
            before[ORAddress(address: entry.address, port: Int(entry.orPort))] = entry
        }
        var findings: [HealthFinding] = []
        for entry in current.entries {
            let endpoint = ORAddress(address: entry.address, port: Int(entry.orPort))
            guard let old = before[endpoint], old.fingerprint != entry.fingerprint else { continue }
            findings.append(HealthFinding(
                .fingerprintChange, .warning, relay: entry.fingerprint,
                message: "\(endpoint) changed its fingerprint: \(old.nickname) \(old.fingerprint.hex) -> \(entry.nickname) \(entry.fingerprint.hex)",
                evidence: [
                    KeyValueText(key: "address", value: endpoint.description),
                    KeyValueText(key: "old_fingerprint", value: old.fingerprint.hex), KeyValueText(key: "old_nickname", value: old.nickname),
                    KeyValueText(key: "new_fingerprint", value: entry.fingerprint.hex), KeyValueText(key: "new_nickname", value: entry.nickname),
                    KeyValueText(key: "previous_valid_after", value: previous.header.validAfter?.description ?? "-"),
                ]))
        }
        return findings
    }
}
