import TorDescriptors

// Where to fetch from, following tor (0.4.x, `feature/nodelist/node_select.c` and `dirlist.c`;
// dir-spec §5 "Downloading"): a client without a consensus bootstraps from the fallback
// directories and the authorities, preferring the fallbacks (tor weighs every authority by
// `DirAuthorityFallbackRate`, 0.1 by default, against 1.0 per fallback) to spare the
// authorities; once it holds a consensus it asks relays with the Running, Valid and V2Dir
// flags, weighted by bandwidth, and falls back to the authorities only when no mirror is left.
// Current tor asks all of them over ORPorts (BEGIN_DIR); fallbacks no longer list a DirPort.
//
// This client keeps the order deterministic and lets `randomizeStart` spread the load: routes
// are listed in tor's preference (fallbacks before authorities; mirrors by descending
// bandwidth, authorities after them), IPv4 before IPv6, ORPorts, and a DirPort only for a
// directory whose ORPort identity is unknown.

extension DirectoryList {
    /// Every fallback's ORPort with its identity: all IPv4 routes, then the IPv6 ones.
    public var fallbackRoutes: [DirectoryRoute] {
        let v4 = fallbacks.map { DirectoryRoute(endpoint: DirectoryEndpoint(host: $0.address, port: $0.orPort), fingerprint: $0.fingerprint) }
        let v6 = fallbacks.compactMap { fallback -> DirectoryRoute? in
            guard let address = fallback.ipv6Address, let port = fallback.ipv6ORPort else { return nil }
            return DirectoryRoute(endpoint: DirectoryEndpoint(host: address, port: port), fingerprint: fallback.fingerprint)
        }
        return v4 + v6
    }

    /// Where a client without a consensus asks, as tor does: the fallbacks' ORPorts, then the
    /// ORPorts of the authorities that serve the directory (not the bridge authority).
    ///
    /// ```swift
    /// let routes = DirectoryList.tor.bootstrapRoutes   // ~200 fallbacks, then the authorities
    /// ```
    public var bootstrapRoutes: [DirectoryRoute] {
        fallbackRoutes + orportRoutes.filter { route in !authorities.contains { $0.isBridgeAuthority && $0.fingerprint == route.fingerprint } }
    }
}

extension DirectoryClient.Configuration {
    /// Asks `routes` over their ORPorts, then `dirPorts` over plain HTTP (for directories whose
    /// identity is unknown).
    public mutating func use(orports routes: [DirectoryRoute], dirPorts: [DirectoryEndpoint]) {
        use(orports: routes)
        endpoints += dirPorts.filter { orportIdentities[$0] == nil }
    }

    /// A configuration that bootstraps like tor: ``DirectoryList/bootstrapRoutes`` over
    /// ORPorts, with the list's authorities verifying the consensus.
    ///
    /// ```swift
    /// let client = DirectoryClient(configuration: .init(bootstrapFrom: .tor))
    /// let consensus = try await client.consensus()
    /// ```
    public init(bootstrapFrom list: DirectoryList) {
        self.init(list: list)
        use(orports: list.bootstrapRoutes)
    }

    /// The same settings, asking the directory mirrors of `consensus` instead (see
    /// ``DirectoryClient/mirrorRoutes(in:authorities:)``): ORPorts of the V2Dir relays, then the
    /// authorities. A consensus with no usable mirror keeps the current endpoints.
    ///
    /// ```swift
    /// let consensus = try await client.consensus()
    /// let mirrors = DirectoryClient(configuration: client.configuration.usingMirrors(of: consensus))
    /// let descriptors = try await mirrors.serverDescriptors(matching: consensus)
    /// ```
    public func usingMirrors(of consensus: NetworkStatusConsensus) -> Self {
        let routes = DirectoryClient.mirrorRoutes(in: consensus, authorities: authorities)
        guard !routes.isEmpty else { return self }
        var configuration = self
        configuration.use(orports: routes)
        return configuration
    }
}

extension DirectoryClient {
    /// The directory mirrors of a consensus, in the order this client asks them: relays with
    /// the Running, Valid and V2Dir flags, by descending bandwidth, each at the ORPort and
    /// identity of its `r` line; authorities (the `Authority` flag or a fingerprint among
    /// `authorities`) come last, as tor asks them only when no mirror is left.
    ///
    /// ```swift
    /// let routes = DirectoryClient.mirrorRoutes(in: consensus)
    /// ```
    public static func mirrorRoutes(in consensus: NetworkStatusConsensus, authorities: [DirectoryAuthority] = []) -> [DirectoryRoute] {
        let required: RelayFlags = [.running, .valid, .v2Dir]
        let authorityIdentities = Set(authorities.map(\.fingerprint))
        let mirrors = consensus.entries.enumerated().filter { $0.element.flags.isSuperset(of: required) && $0.element.orPort != 0 }
        func isAuthority(_ entry: RouterStatusEntry) -> Bool { entry.flags.contains(.authority) || authorityIdentities.contains(entry.fingerprint) }
        // Stable: equal bandwidths keep the consensus order (ascending identity).
        let ordered = mirrors.sorted { a, b in
            let (x, y) = (a.element, b.element)
            if isAuthority(x) != isAuthority(y) { return !isAuthority(x) }
            if (x.bandwidth ?? 0) != (y.bandwidth ?? 0) { return (x.bandwidth ?? 0) > (y.bandwidth ?? 0) }
            return a.offset < b.offset
        }
        return ordered.map { DirectoryRoute(endpoint: DirectoryEndpoint(host: "\($0.element.address)", port: $0.element.orPort, nickname: $0.element.nickname),
                                            fingerprint: $0.element.fingerprint) }
    }
}
