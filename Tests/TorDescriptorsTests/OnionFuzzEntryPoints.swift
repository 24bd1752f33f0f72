import TorDescriptors

/// The `onion-address` fuzz target (symlinked into Fuzz/Sources/FuzzTargets like
/// FuzzEntryPoints.swift): decoding untrusted address text, and the point arithmetic behind it
/// on arbitrary keys.
extension FuzzEntryPoints {
    static func onionAddress(_ data: [UInt8]) {
        if let address = try? OnionAddress(utf8: data) {
            // A decoded address re-encodes to the input's 56 characters in lower case.
            let lowered = data.prefix(OnionAddress.encodedLength).map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }
            guard Array(address.encoded.utf8) == lowered else { violated("encoding differs from the decoded text", data) }
            guard (try? OnionAddress(address.hostname)) == address else { violated("hostname does not decode to itself", data) }
            guard (try? address.blindedKey(for: OnionTimePeriod(number: UInt64(data.count))))?.count == 32 else {
                violated("a valid address has no blinded key", data)
            }
        }
        // The first 32 bytes as an identity key: point decoding and the torsion check.
        guard data.count >= 32, let address = try? OnionAddress(identityKey: data.prefix(32)) else { return }
        guard (try? OnionAddress(address.hostname)) == address else { violated("an accepted key's address does not decode", data) }
        guard let blinded = try? address.blindedKey(for: OnionTimePeriod(number: 19_000)), blinded.count == 32 else {
            violated("an accepted key has no blinded key", data)
        }
    }
}
