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
        return found.sorted { lhs, rhs in
            if lhs.isIPv6 != rhs.isIPv6 { return !lhs.isIPv6 }
            return lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
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
