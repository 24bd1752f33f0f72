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

extension OnionServiceDescriptor {
    /// Both decrypted layers of a descriptor.
    ///
    /// ```swift
    /// let decrypted = try descriptor.decrypt(subcredential: subcredential)
    /// print(decrypted.inner.introductionPoints.count, decrypted.usedClientAuthorization)
    /// ```
    public struct Decrypted: Sendable, Hashable {
        /// The first layer: client-authorization lines and the inner ciphertext.
        public let middle: OnionServiceMiddleLayer
        /// The second layer: formats and introduction points.
        public let inner: OnionServiceInnerLayer
        /// Whether a descriptor cookie from an `auth-client` line decrypted the inner layer.
        public let usedClientAuthorization: Bool
        /// The descriptor signing key, which signs the introduction points' certificates.
        public let signingKey: [UInt8]
    }

    /// Decrypts the first layer with the service's subcredential (32 bytes, from its identity
    /// key and this descriptor's blinded key) and parses it. The MAC is checked first.
    ///
    /// ```swift
    /// let middle = try descriptor.decryptMiddleLayer(subcredential: subcredential)
    /// ```
    public func decryptMiddleLayer(subcredential: [UInt8], mode: ValidationMode = .lenient) throws(OnionServiceDecryptionError) -> OnionServiceMiddleLayer {
        guard subcredential.count == 32 else { throw .badSubcredential(length: subcredential.count) }
        guard let blindedKey else { throw .missingBlindedKey }
        let plaintext = try OnionServiceLayerCipher.decrypt(superencrypted, layer: .superencrypted, secretData: blindedKey,
                                                            subcredential: subcredential, revisionCounter: revisionCounter)
        do { return try OnionServiceMiddleLayer(parsing: plaintext, mode: mode) } catch { throw .malformedLayer(error) }
    }

    /// Decrypts and parses both layers.
    ///
    /// With `clientKey` (the client's x25519 authorization key), the descriptor cookie is
    /// taken from the `auth-client` line whose CLIENT-ID matches; none matching throws
    /// ``OnionServiceDecryptionError/clientNotAuthorized``. Without it, the inner layer is
    /// decrypted as a service without client authorization writes it (no cookie).
    ///
    /// ```swift
    /// let decrypted = try descriptor.decrypt(subcredential: subcredential, clientKey: myAuthKey)
    /// ```
    public func decrypt(subcredential: [UInt8], clientKey: Curve25519.KeyAgreement.PrivateKey? = nil,
                        mode: ValidationMode = .lenient) throws(OnionServiceDecryptionError) -> Decrypted {
        let middle = try decryptMiddleLayer(subcredential: subcredential, mode: mode)
        guard let blindedKey else { throw .missingBlindedKey }
        var cookie: [UInt8] = []
        if let clientKey {
            cookie = try Self.descriptorCookie(middle, clientKey: clientKey, subcredential: subcredential)
        }
        let plaintext = try OnionServiceLayerCipher.decrypt(middle.encrypted, layer: .encrypted, secretData: blindedKey + cookie,
                                                            subcredential: subcredential, revisionCounter: revisionCounter)
        let inner: OnionServiceInnerLayer
        do { inner = try OnionServiceInnerLayer(parsing: plaintext, mode: mode) } catch { throw .malformedLayer(error) }
        return Decrypted(middle: middle, inner: inner, usedClientAuthorization: !cookie.isEmpty, signingKey: signingKey)
    }

    /// Decrypts with the subcredential of `address` for this descriptor's blinded key, as
    /// Stem's `decrypt(onion_address)` does. The blinded key is the certificate's signer, so
    /// this trusts the descriptor for which period it is; check it first with
    /// ``verificationReport(at:blindedKey:)`` and `address.blindedKey(for:)` when the period matters.
    ///
    /// ```swift
    /// let address = try OnionAddress("sltib6sxkuxh2scmtuvd5w2g7pahnzkovefxpo4e4ptnkzl5kkq5h2ad.onion")
    /// let decrypted = try descriptor.decrypt(address: address)
    /// ```
    public func decrypt(address: OnionAddress, clientKey: Curve25519.KeyAgreement.PrivateKey? = nil,
                        mode: ValidationMode = .lenient) throws(OnionServiceDecryptionError) -> Decrypted {
        guard let blindedKey else { throw .missingBlindedKey }
        let subcredential: [UInt8]
        do { subcredential = try address.subcredential(blindedKey: blindedKey) } catch {
            throw .subcredentialUnavailable(error.description)
        }
        return try decrypt(subcredential: subcredential, clientKey: clientKey, mode: mode)
    }

    /// The descriptor cookie (`N_hs_desc_enc`) the service encrypted to `clientKey`.
    static func descriptorCookie(_ middle: OnionServiceMiddleLayer, clientKey: Curve25519.KeyAgreement.PrivateKey,
                                 subcredential: [UInt8]) throws(OnionServiceDecryptionError) -> [UInt8] {
        let seed: [UInt8]
        do {
            let ephemeral = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: middle.ephemeralKey)
            let secret = try clientKey.sharedSecretFromKeyAgreement(with: ephemeral)
            seed = secret.withUnsafeBytes { Array($0) }
        } catch {
            throw .clientAuthorizationFailed("x25519 with desc-auth-ephemeral-key failed")
        }
        let (id, cookieKey) = OnionServiceLayerCipher.clientKeys(secretSeed: seed, subcredential: subcredential)
        guard let client = middle.clients.first(where: { $0.id == id }) else { throw .clientNotAuthorized }
        guard client.encryptedCookie.count == 32 else {
            throw .clientAuthorizationFailed("encrypted cookie is \(client.encryptedCookie.count) bytes, not 32")
        }
        return OnionServiceLayerCipher.stream(client.encryptedCookie, key: cookieKey, iv: client.iv)
    }
}

extension OnionServiceDescriptor.Decrypted {
    /// The introduction points' certificates: each `auth-key` (type 09) and `enc-key-cert`
    /// (type 0B) signed by the descriptor signing key and not expired at `time` (tor's
    /// `decode_introduction_point`).
    ///
    /// ```swift
    /// let report = decrypted.verificationReport(at: .now)
    /// ```
    public func verificationReport(at time: Date) -> VerificationReport {
        var report = VerificationReport(document: .onionServiceInnerLayer, firstLine: 1)
        for (index, point) in inner.introductionPoints.enumerated() {
            let checks: [(OnionServiceCheck, Ed25519Certificate, UInt8)] = [
                (.introductionAuthKey(index: index), point.authKeyCertificate, Ed25519Certificate.CertType.hsIntroductionAuthentication),
                (.introductionEncKeyCert(index: index), point.encKeyCertificate, Ed25519Certificate.CertType.hsIntroductionEncryption),
            ]
            for (check, certificate, type) in checks {
                var outcome = certificate.signatureOutcome(expectedType: type, signedBy: signingKey)
                if outcome == .passed { outcome = certificate.expiryOutcome(at: time) }
                report.record(.onionService(check), outcome)
            }
        }
        return report
    }
}

extension OnionServiceDescriptor.Decrypted: StemJSONRepresentable {
    /// The inner layer's Stem attributes, with the middle layer's under `outer_layer`.
    public var stemJSON: JSONValue {
        guard case .object(var fields) = inner.stemJSON else { return inner.stemJSON }
        fields.append(("outer_layer", middle.stemJSON))
        return .object(fields)
    }
}
