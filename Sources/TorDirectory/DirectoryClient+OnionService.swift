import Crypto
#if canImport(FoundationEssentials)
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
#else
import FoundationEssentials
#endif
import TorDescriptors
import TorWire

/// An onion service's descriptor as a client gets it: fetched from a responsible HSDir,
/// verified for the time period, decrypted.
///
/// ```swift
/// let keys = OnionHashRing.ntorOnionKeys(consensus: consensus, microdescriptors: microdescriptors)
/// let fetched = try await client.onionServiceDescriptor(for: address, ring: ring, ntorOnionKeys: keys)
/// for point in fetched.decrypted.inner.introductionPoints { print(point.linkSpecifiers) }
/// ```
public struct OnionServiceFetch: Sendable {
    /// The outer layer as the HSDir served it.
    public let descriptor: OnionServiceDescriptor
    /// Both inner layers, decrypted.
    public let decrypted: OnionServiceDescriptor.Decrypted
    /// The checks the outer layer passed (certificate, signature, blinded key, lifetime).
    public let report: VerificationReport
    /// The HSDir that answered, and its answer.
    public let hsdir: OnionHashRing.Member
    public let response: DirectoryResponse
    /// The blinded key the descriptor was fetched and checked by.
    public let blindedKey: [UInt8]
}

extension DirectoryClient {
    /// The descriptor of the onion service at `address` for the ring's time period, asked of the
    /// responsible HSDirs in tor's fetch order (`/tor/hs/3/<blinded key>`), each over a two-hop
    /// circuit: CREATE_FAST to another relay of the ring (its identity checked), then EXTEND2
    /// with an ntor handshake to the HSDir, since HSDirs refuse descriptor requests that come
    /// straight from a client. An answer that does not parse, verify for this address and
    /// period, or decrypt counts as a failed attempt, and the next HSDir is asked.
    ///
    /// - Parameters:
    ///   - address: the onion service's address.
    ///   - ring: the HSDir hash ring of the time period to ask in (the period's blinded key and
    ///     the HSDirs responsible for it).
    ///   - ntorOnionKeys: the relays' curve25519 `ntor-onion-key`s by fingerprint (see
    ///     `OnionHashRing.ntorOnionKeys(consensus:microdescriptors:serverDescriptors:)`);
    ///     HSDirs without one, or without an IPv4 address, cannot be reached and are skipped.
    ///   - clientKey: the client's x25519 key when the service requires client authorization.
    ///   - now: the time the descriptor's lifetime and certificates are checked against.
    public func onionServiceDescriptor(for address: OnionAddress, ring: OnionHashRing, ntorOnionKeys: [Fingerprint: [UInt8]],
                                       clientKey: Curve25519.KeyAgreement.PrivateKey? = nil,
                                       now: Date = Date()) async throws(DirectoryClientError) -> OnionServiceFetch {
        let blinded: [UInt8]
        do { blinded = try address.blindedKey(for: ring.period) } catch { throw .invalidRequest("\(address): \(error)") }
        let circuits = HSDirCircuitTransport(hsdirs: ring.responsibleHSDirs(blindedKey: blinded), ring: ring, ntorOnionKeys: ntorOnionKeys)
        guard !circuits.order.isEmpty else { throw .noEndpoints }
        var client = self
        client.configuration.endpoints = circuits.order
        client.configuration.orportIdentities = [:]
        client.configuration.transport = circuits
        client.configuration.maxAttempts = max(client.configuration.maxAttempts, circuits.order.count)
        let path = "/tor/hs/3/" + Base64.encode(blinded, padded: false)
        return try await client.fetch(path: path, randomize: false) { response throws(DirectoryAttempt.Failure) in
            let descriptor: OnionServiceDescriptor
            do { descriptor = try OnionServiceDescriptor(parsing: response.body[...]) } catch { throw .invalidDocument("\(error)") }
            let report = descriptor.verificationReport(at: now, blindedKey: blinded)
            guard report.isValid else { throw .invalidDocument("the descriptor does not verify: \(report)") }
            let decrypted: OnionServiceDescriptor.Decrypted
            do { decrypted = try descriptor.decrypt(address: address, clientKey: clientKey) } catch { throw .invalidDocument("\(error)") }
            guard let member = circuits.routes[response.endpoint]?.hsdir else { throw .invalidDocument("an answer from an HSDir not asked") }
            return OnionServiceFetch(descriptor: descriptor, decrypted: decrypted, report: report, hsdir: member,
                                     response: response, blindedKey: blinded)
        }
    }
}

extension OnionHashRing {
    /// Each relay's curve25519 `ntor-onion-key`, by fingerprint, from the microdescriptors the
    /// consensus names (by digest) and from server descriptors: what EXTEND2 needs to reach it.
    ///
    /// ```swift
    /// let keys = OnionHashRing.ntorOnionKeys(consensus: consensus, microdescriptors: microdescriptors)
    /// ```
    public static func ntorOnionKeys(consensus: NetworkStatusConsensus, microdescriptors: [Microdescriptor] = [],
                                     serverDescriptors: [ServerDescriptor] = []) -> [Fingerprint: [UInt8]] {
        var byDigest: [SHA256DigestValue: [UInt8]] = [:]
        for micro in microdescriptors { if let key = micro.ntorOnionKey, key.count == 32 { byDigest[micro.digest] = key } }
        var keys: [Fingerprint: [UInt8]] = [:]
        for entry in consensus.entries {
            if let digest = entry.microdescriptorDigest, let key = byDigest[digest] { keys[entry.fingerprint] = key }
        }
        for descriptor in serverDescriptors {
            if let fingerprint = descriptor.fingerprint, let key = descriptor.ntorOnionKey, key.count == 32 { keys[fingerprint] = key }
        }
        return keys
    }
}

/// Reaches each responsible HSDir over a two-hop circuit: the first hop is another member of
/// the ring (connected to directly, CREATE_FAST), the HSDir the second (EXTEND2, ntor).
struct HSDirCircuitTransport: DirectoryTransport {
    struct Route: Sendable {
        let hsdir: OnionHashRing.Member
        let firstHop: OnionHashRing.Member
        let target: CircuitExtension
    }

    /// The HSDirs' endpoints in fetch order, and the route to each.
    let order: [DirectoryEndpoint]
    let routes: [DirectoryEndpoint: Route]

    init(hsdirs: [OnionHashRing.Member], ring: OnionHashRing, ntorOnionKeys: [Fingerprint: [UInt8]]) {
        var order: [DirectoryEndpoint] = [], routes: [DirectoryEndpoint: Route] = [:]
        for hsdir in hsdirs {
            guard let key = ntorOnionKeys[hsdir.fingerprint], !hsdir.address.isIPv6,
                  let first = ring.members.filter({ $0.fingerprint != hsdir.fingerprint }).randomElement() else { continue }
            let endpoint = Self.endpoint(hsdir)
            guard routes[endpoint] == nil else { continue }
            order.append(endpoint)
            routes[endpoint] = Route(hsdir: hsdir, firstHop: first,
                                     target: CircuitExtension(address: hsdir.address.bytes, port: hsdir.orPort, fingerprint: hsdir.fingerprint,
                                                              ed25519Identity: hsdir.ed25519Identity, ntorOnionKey: key))
        }
        self.order = order
        self.routes = routes
    }

    static func endpoint(_ member: OnionHashRing.Member) -> DirectoryEndpoint {
        DirectoryEndpoint(host: member.address.description, port: member.orPort, nickname: member.nickname)
    }

    func exchange(_ request: HTTPRequest, with endpoint: DirectoryEndpoint, limits: DirectoryExchangeLimits) async throws(DirectoryAttempt.Failure) -> HTTPResponse {
        guard let route = routes[endpoint] else { throw .connectFailed("no circuit route to \(endpoint)") }
        return try await ORPortTransport(fingerprint: route.firstHop.fingerprint, extendingTo: route.target)
            .exchange(request, with: Self.endpoint(route.firstHop), limits: limits)
    }
}
