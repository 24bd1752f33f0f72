/// Key blinding for v3 onion services (rend-spec-v3 appendix A.2, [KEYBLIND]).
extension OnionAddress {
    /// The service's blinded public key for `period`: the identity key A multiplied by the
    /// clamped blinding factor h = SHA3-256("Derive temporary signing key" NUL | A |
    /// the base point as decimal text | "key-blind" | INT_8(period number) | INT_8(period length)).
    /// It names the service's descriptor for that period (`/tor/hs/3/<base64 of it>`) and signs
    /// the descriptor's signing-key certificate.
    ///
    /// ```swift
    /// let address = try OnionAddress("pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion")
    /// let blinded = try address.blindedKey(for: OnionTimePeriod(containing: TorTimestamp(Date())))
    /// print(Base64.encode(blinded, padded: false))
    /// ```
    public func blindedKey(for period: OnionTimePeriod) throws(OnionAddressError) -> [UInt8] {
        let factor = try Self.blindingFactor(identityKey: identityKey, period: period)
        return try Self.blind(identityKey, by: factor)
    }

    /// The 32-byte blinding factor h before clamping.
    static func blindingFactor(identityKey: [UInt8], period: OnionTimePeriod) throws(OnionAddressError) -> [UInt8] {
        let nonce = Array("key-blind".utf8) + OnionSHA3.int8(period.number) + OnionSHA3.int8(period.lengthMinutes)
        guard let h = OnionSHA3.hash(Array("Derive temporary signing key".utf8) + [0], identityKey,
                                     Array(basePointText.utf8), nonce) else { throw .sha3Unavailable }
        return h
    }

    /// h·A with h clamped as an Ed25519 secret scalar (low 3 bits cleared, bit 254 set,
    /// bit 255 cleared), as tor's `ed25519_public_blind` does.
    static func blind(_ key: [UInt8], by factor: [UInt8]) throws(OnionAddressError) -> [UInt8] {
        guard key.count == 32 else { throw .keyLength(key.count) }
        guard factor.count == 32 else { throw .keyLength(factor.count) }
        guard let point = EdwardsPoint25519(encoded: key) else { throw .notACurvePoint }
        var scalar = factor
        scalar[0] &= 248
        scalar[31] &= 63
        scalar[31] |= 64
        return point.multiplied(byLittleEndian: scalar).encoded
    }

    /// The Ed25519 base point's coordinates as tor writes them into the blinding hash.
    static let basePointText = "(15112221349535400772501151409588531511454012693041857206046113283949847762202, "
        + "46316835694926478169428394003475163141307993866256225615783033603165251855960)"
}
