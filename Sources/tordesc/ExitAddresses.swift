import FoundationEssentials
import TorDescriptors

/// `tordesc exits --ips`: the addresses traffic from the listed exits comes from, one per
/// line for a firewall, as the bulk exit list gives them: each relay's OR addresses (the `r`
/// line's IPv4 and `a` lines' IPv6, or a descriptor's `router` and `or-address` lines) and,
/// from exit lists (`--exit-list`, TorDNSEL), the addresses it was seen exiting from, which
/// can differ. Deduplicated, IPv4 first, each family in numeric order.
enum ExitAddresses {
    static func addresses(of rows: [ExitRow], exitLists: [ExitList]) -> [IPAddress] {
        var found = Set<IPAddress>()
        for row in rows {
            if let address = row.address { found.insert(address) }
            found.formUnion(row.otherAddresses)
        }
        let listed = Set(rows.compactMap(\.fingerprint))
        for list in exitLists {
            for entry in list.entries where listed.contains(entry.fingerprint) {
                found.formUnion(entry.exitAddresses.map(\.address))
            }
        }
        return sorted(found)
    }

    /// IPv4 first, each family in numeric order.
    static func sorted(_ addresses: Set<IPAddress>) -> [IPAddress] {
        addresses.sorted { lhs, rhs in
            if lhs.isIPv6 != rhs.isIPv6 { return !lhs.isIPv6 }
            return lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
        }
    }

    /// Fills each row's ``ExitRow/exitAddresses`` from the exit lists: the table's and JSON's
    /// form of the same observations `--ips` prints.
    static func annotate(_ rows: inout [ExitRow], exitLists: [ExitList]) {
        var observed: [Fingerprint: Set<IPAddress>] = [:]
        for list in exitLists {
            for entry in list.entries { observed[entry.fingerprint, default: []].formUnion(entry.exitAddresses.map(\.address)) }
        }
        for index in rows.indices {
            rows[index].exitAddresses = rows[index].fingerprint.map { sorted(observed[$0] ?? []) } ?? []
        }
    }

    /// The exit lists named by `--exit-list`; a file that is not one is a usage error (exit 2).
    static func load(_ paths: [String], into sources: inout RelaySources) throws -> [ExitList] {
        var lists: [ExitList] = []
        for path in paths {
            let (bytes, _) = try RelaySources.read(path, option: "--exit-list", accepted: [.exitList], wants: "an exit list (TorDNSEL)")
            lists += sources.collect(ExitList.parseAll(bytes[...]), path: path)
        }
        return lists
    }
}
