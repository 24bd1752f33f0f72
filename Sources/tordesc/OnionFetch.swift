import ArgumentParser
import Crypto
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorDescriptors
import TorDirectory
import TorNetwork

extension Onion {
    /// The current microdesc consensus (verified against the authorities) and its
    /// microdescriptors, for the relays' ed25519 identities on the HSDir ring.
    static func fetchDirectory(authorities: String?, timeout: Double) async throws -> RelaySources {
        let client = try LiveFetchHook.client(authoritiesFile: authorities, timeout: timeout)
        do {
            let consensus = try await client.consensus(flavor: .microdesc)
            var sources = RelaySources()
            sources.consensus = consensus
            sources.microdescriptors = try await client.microdescriptors(for: consensus)
            return sources
        } catch {
            throw reportError("could not fetch a verified microdesc consensus and its microdescriptors: \(error)", code: 1)
        }
    }

    /// tor's ClientOnionAuthDir line (`ADDRESS:descriptor:x25519:BASE32KEY`) or a bare base32 key.
    static func readClientKey(_ path: String) throws -> Curve25519.KeyAgreement.PrivateKey {
        guard let data = FileManager.default.contents(atPath: path) else { throw reportError("no such file: \(path)") }
        let text = String(decoding: data, as: UTF8.self).trimmed
        let encoded = text.split(separator: ":").last.map(String.init) ?? text
        do {
            let bytes = try OnionAddress.base32Decode(Array(encoded.lowercased().utf8)[...])
            guard bytes.count >= 32 else { throw reportError("\(path): the key is \(bytes.count) bytes, not 32") }
            return try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: bytes.prefix(32))
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw reportError("\(path): not an x25519 private key in base32 (\(error))")
        }
    }
}

/// The fetched descriptor as `tordesc onion` prints it, whoever fetched it: tordesc itself
/// over two-hop circuits, or a running tor (`HSFETCH` through `--control`).
struct OnionDescriptorReport {
    var descriptor: OnionServiceDescriptor
    var decrypted: OnionServiceDescriptor.Decrypted
    var report: VerificationReport
    /// The HSDir that served it: nickname (when known) and fingerprint.
    var hsdirNickname: String
    var hsdirFingerprint: Fingerprint?
    /// How it came: the HSDir's endpoint, or the tor that fetched it.
    var via: String

    init(fetch: OnionServiceFetch) {
        descriptor = fetch.descriptor
        decrypted = fetch.decrypted
        report = fetch.report
        hsdirNickname = fetch.hsdir.nickname
        hsdirFingerprint = fetch.hsdir.fingerprint
        via = "\(fetch.response.endpoint)"
    }

    init(control fetch: ControlOnionServiceFetch, decrypted: OnionServiceDescriptor.Decrypted, report: VerificationReport, via: String) {
        descriptor = fetch.descriptor
        self.decrypted = decrypted
        self.report = report
        hsdirNickname = fetch.hsDir?.nickname ?? "-"
        hsdirFingerprint = fetch.hsDir?.fingerprint
        self.via = via
    }

    static func describe(_ specifier: LinkSpecifier) -> String {
        switch specifier {
        case .ipv4(let address, let port): "\(address):\(port)"
        case .ipv6(let address, let port): "[\(address)]:\(port)"
        case .legacyID(let fingerprint): "legacy-id \(fingerprint.hex)"
        case .ed25519ID(let key): "ed25519-id \(Base64.encode(key, padded: false))"
        case .unknown(let type, let data): "type \(type): \(data.count) bytes"
        }
    }

    var textLines: [String] {
        let inner = decrypted.inner
        var lines = [
            "fetched from     \(hsdirNickname) \(hsdirFingerprint.map { "\($0)" } ?? "-") (\(via))",
            "verified         \(report.checks.filter(\.passed).count) checks passed (certificate, signature, blinded key, lifetime)",
            "revision         \(descriptor.revisionCounter)",
            "lifetime         \(descriptor.lifetimeMinutes) minutes",
            "signing key      \(Base64.encode(descriptor.signingKey, padded: false))",
            "client auth      \(decrypted.usedClientAuthorization ? "yes (decrypted with --client-key)" : "no")",
            "create2 formats  \(inner.create2Formats.map(String.init).joined(separator: " "))",
        ]
        if inner.isSingleOnionService { lines.append("single onion     yes") }
        lines.append("introduction points: \(inner.introductionPoints.count)")
        for (index, point) in inner.introductionPoints.enumerated() {
            lines.append("  \(index + 1). \(point.linkSpecifiers.map(Self.describe).joined(separator: ", "))")
            lines.append("     onion key \(Base64.encode(point.onionKey, padded: false))  auth key \(Base64.encode(point.authKey, padded: false))  enc key \(Base64.encode(point.encKey, padded: false))")
        }
        return lines
    }

    var json: JSONValue {
        let inner = decrypted.inner
        return .object([
            ("hsdir", .object([("nickname", .string(hsdirNickname)), ("fingerprint", .optional(hsdirFingerprint) { .string($0.hex) })])),
            ("revision_counter", .string(String(descriptor.revisionCounter))),
            ("lifetime_minutes", .int(descriptor.lifetimeMinutes)),
            ("signing_key", .string(Base64.encode(descriptor.signingKey, padded: false))),
            ("client_authorization", .bool(decrypted.usedClientAuthorization)),
            ("create2_formats", .array(inner.create2Formats.map(JSONValue.int))),
            ("single_onion_service", .bool(inner.isSingleOnionService)),
            ("introduction_points", .array(inner.introductionPoints.map { point in
                .object([("link_specifiers", .array(point.linkSpecifiers.map { .string(Self.describe($0)) })),
                         ("onion_key", .string(Base64.encode(point.onionKey, padded: false))),
                         ("auth_key", .string(Base64.encode(point.authKey, padded: false))),
                         ("enc_key", .string(Base64.encode(point.encKey, padded: false)))])
            })),
        ])
    }
}

extension Onion {
    /// `HSFETCH` through the tor at --control (it picks the HSDirs and builds the circuits),
    /// then the checks tordesc's own fetch makes: the descriptor verifies for the blinded key of
    /// the period (certificate, signature, lifetime) and decrypts.
    func fetchThroughControl(_ onion: OnionAddress, blindedKey: [UInt8], clientKey: Curve25519.KeyAgreement.PrivateKey?) async throws -> OnionDescriptorReport {
        let limits = ConnectionLimits(connectTimeout: .seconds(10), deadline: .now + .milliseconds(Int(timeout * 1000)))
        let fetched = try await sources.control.session(limits: limits) { session in
            try await session.fetchOnionServiceDescriptor(onion.encoded)
        }
        let report = fetched.descriptor.verificationReport(at: Date(), blindedKey: blindedKey)
        guard report.isValid else {
            throw reportError("the descriptor \(sources.control.label) fetched does not verify: \(report)", code: 1)
        }
        do {
            let decrypted = try fetched.descriptor.decrypt(address: onion, clientKey: clientKey)
            return OnionDescriptorReport(control: fetched, decrypted: decrypted, report: report, via: "HSFETCH through \(sources.control.label)")
        } catch {
            throw reportError("the descriptor \(sources.control.label) fetched does not decrypt: \(error)", code: 1)
        }
    }
}
