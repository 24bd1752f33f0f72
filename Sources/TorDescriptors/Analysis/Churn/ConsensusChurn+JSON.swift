extension ConsensusChurn {
    /// The series as one JSON object: `consensuses` (one object per step, oldest first) and
    /// `skipped` (labels of consensuses whose valid-after was already in the series).
    ///
    /// ```swift
    /// print(ConsensusChurn(snapshots).json(listRelays: false).serialized())
    /// ```
    public func json(listRelays: Bool = true) -> JSONValue {
        .object([
            ("consensuses", .array(steps.map { $0.json(listRelays: listRelays) })),
            ("skipped", .array(skipped.map { .string($0.label) })),
        ])
    }
}

extension ConsensusChurn.Step {
    /// One step: counts always, the relay lists when `listRelays` (they can run to thousands).
    public func json(listRelays: Bool = true) -> JSONValue {
        func relay(_ relay: ChurnSnapshot.Relay) -> JSONValue {
            .object([("fingerprint", .string(relay.fingerprint.hex)), ("nickname", .string(relay.nickname)), ("address", .string(relay.address.description))])
        }
        func reuse(_ item: ConsensusChurn.Reuse) -> JSONValue {
            .object([("relay", relay(item.relay)), ("place", .string(item.place)), ("earlier_count", .int(item.earlierCount)),
                     ("earlier", .array(item.earlier.map { .string($0.hex) }))])
        }
        func groups(_ list: [ConsensusChurn.Group]) -> JSONValue {
            .array(list.map { .object([("key", .string($0.key)), ("count", .int($0.relays.count)), ("relays", .array($0.relays.map(relay)))]) })
        }
        var fields: [(String, JSONValue)] = [
            ("valid_after", .string(validAfter.description)),
            ("previous_valid_after", .optional(previousValidAfter) { .string($0.description) }),
            ("source", .string(label)),
            ("flavor", .string(flavor == .microdesc ? "microdesc" : "ns")),
            ("relays", .int(relays)),
            ("joined", .int(joined.count)),
            ("left", .int(left.count)),
            ("new_fingerprints", .int(newFingerprints)),
            ("address_reuse", .int(addressReuse.count)),
            ("subnet_reuse", .int(subnetReuse.count)),
        ]
        if listRelays {
            fields += [
                ("joined_relays", .array(joined.map(relay))),
                ("left_relays", .array(left.map(relay))),
                ("address_reuse_relays", .array(addressReuse.map(reuse))),
                ("subnet_reuse_relays", .array(subnetReuse.map(reuse))),
            ]
        }
        fields += [("subnet_groups", groups(subnetGroups)), ("nickname_groups", groups(nicknameGroups)), ("country_groups", groups(countryGroups))]
        return .object(fields)
    }
}
