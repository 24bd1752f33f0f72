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

/// What relay-side verification (server descriptors, extra-info) shares: the Ed25519 signature
/// prefix, the publication-time tolerance, and the reasons printed for checks that do not apply.
/// The checks themselves are named by ``VerificationCheckID``.
///
/// ```swift
/// let report = descriptor.verificationReport(at: .now, publishedTolerance: RelayCheck.defaultPublishedTolerance)
/// if case .failed(let why)? = report[.ntorCrosscert] { print(why) }
/// ```
public enum RelayCheck {
    /// The prefix tor hashes before a descriptor's content for `router-sig-ed25519`, in
    /// server descriptors and extra-info documents alike.
    static let ed25519SignaturePrefix = Array("Tor router descriptor signature v1".utf8)

    /// SHA-256(prefix ‖ content): the 32 bytes `router-sig-ed25519` signs.
    static func ed25519SignedDigest(_ content: ArraySlice<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: ed25519SignaturePrefix)
        content.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return Array(hasher.finalize())
    }

    /// Tor refuses descriptors published more than this far ahead of its clock (ROUTER_ALLOW_SKEW).
    public static let defaultPublishedTolerance: TimeInterval = 12 * 3600

    public static let sanitizedBridge = "sanitized bridge descriptor: CollecTor removed the keys and signatures"
    static let noEd25519 = "no Ed25519 identity (descriptor older than tor 0.2.7 or identity-ed25519 absent)"

    /// `published` against `at`: failed when more than `tolerance` ahead.
    static func publishedOutcome(_ published: TorTimestamp?, at time: Date, tolerance: TimeInterval) -> VerificationCheck.Outcome {
        guard let published else { return .failed("no published time") }
        let limit = TorTimestamp(time.addingTimeInterval(tolerance))
        return published > limit
            ? .failed("published \(published), more than \(Int(tolerance)) s after \(TorTimestamp(time))")
            : .passed
    }

    static func outcome(_ body: () throws(SignatureError) -> Void) -> VerificationCheck.Outcome {
        do throws(SignatureError) {
            try body()
            return .passed
        } catch {
            return .failed(error.description)
        }
    }

    /// `ed25519:` and the unpadded base64 of a family key, as microdescriptors' `family-ids` write it.
    static func familyID(_ key: [UInt8]) -> String { "ed25519:" + Base64.encode(key, padded: false) }
}
