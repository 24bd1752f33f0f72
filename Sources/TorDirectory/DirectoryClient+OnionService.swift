import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TorDescriptors

/// An onion service's descriptor as a client gets it: fetched from a responsible HSDir,
/// verified for the time period, decrypted.
///
/// ```swift
/// let fetched = try await client.onionServiceDescriptor(for: address, ring: ring)
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
    /// responsible HSDirs over their ORPorts (identities checked) in tor's fetch order
    /// (`/tor/hs/3/<blinded key>`). An answer that does not parse, verify for this address and
    /// period, or decrypt counts as a failed attempt, and the next HSDir is asked.
    ///
    /// - Parameter clientKey: the client's x25519 key when the service requires client
    ///   authorization.
    public func onionServiceDescriptor(for address: OnionAddress, ring: OnionHashRing,
                                       clientKey: Curve25519.KeyAgreement.PrivateKey? = nil,
                                       now: Date = Date()) async throws(DirectoryClientError) -> OnionServiceFetch {
        let blinded: [UInt8]
        do { blinded = try address.blindedKey(for: ring.period) } catch { throw .invalidRequest("\(address): \(error)") }
        let hsdirs = ring.responsibleHSDirs(blindedKey: blinded)
        guard !hsdirs.isEmpty else { throw .noEndpoints }
        var client = self
        let routes = hsdirs.map { member in
            DirectoryRoute(endpoint: DirectoryEndpoint(host: member.address.description, port: member.orPort, nickname: member.nickname),
                           fingerprint: member.fingerprint)
        }
        client.configuration.use(orports: routes)
        client.configuration.maxAttempts = max(client.configuration.maxAttempts, routes.count)
        let byEndpoint = Dictionary(zip(routes.map(\.endpoint), hsdirs), uniquingKeysWith: { first, _ in first })
        let path = "/tor/hs/3/" + Base64.encode(blinded, padded: false)
        return try await client.fetch(path: path, randomize: false) { response throws(DirectoryAttempt.Failure) in
            let descriptor: OnionServiceDescriptor
            do { descriptor = try OnionServiceDescriptor(parsing: response.body[...]) } catch { throw .invalidDocument("\(error)") }
            let report = descriptor.verificationReport(at: now, blindedKey: blinded)
            guard report.isValid else { throw .invalidDocument("the descriptor does not verify: \(report)") }
            let decrypted: OnionServiceDescriptor.Decrypted
            do { decrypted = try descriptor.decrypt(address: address, clientKey: clientKey) } catch { throw .invalidDocument("\(error)") }
            guard let member = byEndpoint[response.endpoint] else { throw .invalidDocument("an answer from an HSDir not asked") }
            return OnionServiceFetch(descriptor: descriptor, decrypted: decrypted, report: report, hsdir: member,
                                     response: response, blindedKey: blinded)
        }
    }
}
