import Foundation
import TorDescriptors

/// Fuzz entry points for v3 onion-service descriptors (symlinked into `Fuzz/`, replayed by
/// `FuzzRegressionTests` through ``FuzzEntryPoints/targets``).
extension FuzzEntryPoints {
    /// The outer layer: both modes, strict ⊆ lenient, raw bytes kept, the signed range inside
    /// the input, verification and JSON never trap.
    static func onionServiceDescriptor(_ data: [UInt8]) {
        let bytes = data[...]
        let lenient = try? OnionServiceDescriptor(parsing: bytes, mode: .lenient)
        if let strict = try? OnionServiceDescriptor(parsing: bytes, mode: .strict) {
            guard let lenient else { violated("lenient rejected an onion-service descriptor strict accepted", data) }
            guard lenient.revisionCounter == strict.revisionCounter, lenient.superencrypted == strict.superencrypted,
                  lenient.signature == strict.signature else { violated("strict and lenient disagree", data) }
        }
        guard let descriptor = lenient else { return }
        guard descriptor.rawBytes.indices == bytes.indices else { violated("rawBytes is not the input", data) }
        guard descriptor.signedRange.lowerBound >= bytes.startIndex, descriptor.signedRange.upperBound <= bytes.endIndex else {
            violated("signed range outside the input", data)
        }
        _ = descriptor.verificationReport(at: Date(timeIntervalSince1970: 1_700_000_000))
        _ = AnyDescriptor.onionServiceDescriptor(descriptor).stemJSON.serialized()
    }

    /// What decryption reads: the MAC path on a parsed descriptor (a fixed subcredential, so
    /// almost every input stops at the MAC), then the decrypted layers' parsers and the link
    /// specifier decoder on the raw input, which is what a service that holds the keys could
    /// make them read.
    static func onionServiceDecrypt(_ data: [UInt8]) {
        if let descriptor = try? OnionServiceDescriptor(parsing: data[...], mode: .lenient) {
            _ = try? descriptor.decrypt(subcredential: [UInt8](repeating: 7, count: 32))
        }
        for mode in [ValidationMode.lenient, .strict] {
            if let middle = try? OnionServiceMiddleLayer(parsing: data, mode: mode) {
                guard middle.ephemeralKey.count == 32 else { violated("ephemeral key is not 32 bytes", data) }
                _ = middle.stemJSON.serialized()
            }
            if let inner = try? OnionServiceInnerLayer(parsing: data, mode: mode) {
                for point in inner.introductionPoints {
                    guard (try? LinkSpecifier.decodeList(point.rawLinkSpecifiers)) == point.linkSpecifiers else {
                        violated("link specifiers do not decode to what the parser kept", data)
                    }
                }
                _ = inner.stemJSON.serialized()
            }
        }
        _ = try? LinkSpecifier.decodeList(data)
    }
}
