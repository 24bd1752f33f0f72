extension VerificationCheck {
    /// An authority's signature over the SHA-1 of a document's signed part, as the v1 directory
    /// and the v2 network status carry it: PKCS#1 v1.5 over the bare digest, by the key the
    /// document names as its `dir-signing-key` (the authority's identity key then).
    static func signedPart(key: RSAPublicKey, identity: Fingerprint?, signature: [UInt8],
                           signed: ArraySlice<UInt8>) -> VerificationCheck {
        do throws(SignatureError) {
            try key.verify(signature, for: Digest.sha1(signed))
            return VerificationCheck(.signature(authority: identity), .passed)
        } catch .digestMismatch {
            return VerificationCheck(.signature(authority: identity), .failed("the signature covers a different digest"))
        } catch {
            return VerificationCheck(.signature(authority: identity), .failed("\(error)"))
        }
    }
}
