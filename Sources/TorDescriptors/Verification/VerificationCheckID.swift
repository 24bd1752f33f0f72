/// Which check a ``VerificationCheck`` records: one case per check the verifiers make, so a
/// caller finds a check by what it is (`report[.quorum(.ns)]`, `report[.routerSignature]`)
/// instead of by its human text, which may carry counts or nicknames.
///
/// ``description`` is the check's name as reports print it (`router-signature`,
/// `fingerprint = SHA-1(signing-key)`); a check may print a longer name
/// (``VerificationCheck/name``: `quorum: 5 of 9 needed, 6 valid`).
///
/// ```swift
/// let report = consensus.verificationReport(certificates: certs, at: TorTimestamp(Date()))
/// if case .failed(let why)? = report[.quorum(.ns)] { print(why) }
/// if report[.signature(authority: moria1)] == .passed { print("moria1 signed") }
/// ```
public enum VerificationCheckID: Sendable, Hashable, CustomStringConvertible {
    // MARK: Relay documents (server descriptors, extra-info)

    /// `fingerprint` = SHA-1 of the RSA `signing-key` (server descriptor, or the extra-info's relay).
    case fingerprint
    /// `router-signature`: the RSA identity's signature over SHA-1 of the document.
    case routerSignature
    /// The `identity-ed25519` certificate (type 4, signed by the master key in its extension).
    case identityEd25519
    /// The `identity-ed25519` certificate not expired.
    case identityEd25519Expiry
    /// `master-key-ed25519` equals the identity certificate's signer.
    case masterKeyEd25519
    /// `router-sig-ed25519` by the certified signing key.
    case routerSigEd25519
    /// `onion-key-crosscert`: the TAP onion key signs the identity digests.
    case onionKeyCrosscert
    /// `ntor-onion-key-crosscert`: the ntor key's Ed25519 form certifies the master key.
    case ntorCrosscert
    /// The `ntor-onion-key-crosscert` certificate not expired.
    case ntorCrosscertExpiry
    /// One `family-cert`, by its family id (`ed25519:` + unpadded base64 of the family key).
    case familyCert(id: String)
    /// One `family-cert` not expired, by its family id.
    case familyCertExpiry(id: String)
    /// The `family-cert` lines as a whole, when there are none to check (or a sanitized bridge).
    case familyCerts
    /// `published` not more than the tolerance ahead of the verification time.
    case published
    /// Extra-info only: its identity certificate names the server descriptor's master key.
    case sameIdentity

    // MARK: Cross-document digests

    /// A document's digest against the one a referencing document names (one reference).
    case digest(DigestReference)
    /// One reference of a ``DigestCrossCheck`` report, by the digest as the reference writes it.
    case referencedDigest(DigestReference, String)
    /// `tordesc verify --consensus`: the document is one the given consensuses list.
    case listedByConsensus(DigestReference)
    /// A document kind that carries no signature (microdescriptors, bridge statuses, diffs).
    case unsignedDocument

    // MARK: Authority documents (key certificates, consensuses, votes, detached signatures)

    /// One check of a key certificate.
    case certificate(KeyCertificateCheck)
    /// A vote's embedded key certificate: one of its checks, or (`nil`) its presence.
    case embeddedCertificate(KeyCertificateCheck?)
    /// A vote's certificate identity is among the trusted authorities.
    case authorityPinned
    /// A `directory-signature` by this authority identity; `nil`: the signatures as a whole
    /// (none there, or none by a vote's own keys).
    case signature(authority: Fingerprint?)
    /// An `additional-signature` of a detached-signature document for `flavor`.
    case additionalSignature(flavor: String, authority: Fingerprint)
    /// More than half of the trusted authorities signed the `flavor` consensus validly.
    case quorum(ConsensusFlavor)
    /// The signed part (`network-status-version` through the first `directory-signature `) exists.
    case signedPart
    /// valid-after − tolerance ≤ time ≤ valid-until + tolerance.
    case validityWindow
    /// A vote's digest equals the `vote-digest` the consensus names for its authority.
    case voteDigest(authority: Fingerprint?)
    /// Detached signatures: `consensus-digest` = SHA-1 of the consensus's signed part.
    case consensusDigest
    /// Detached signatures: their times equal the consensus's.
    case consensusTimes
    /// Detached signatures: an `additional-digest` equals the digest of the `flavor` consensus.
    case additionalDigest(flavor: String)
    /// A vote's `bandwidth-file-digest` equals the SHA-256 of the bandwidth file it was made from.
    case bandwidthFileDigest
    /// Which authority set the signatures were counted against (always passed; its name says
    /// which set: `authorities as of 2012-06-18 21:00:00: 8 identities, source ...`).
    case authoritySet
    /// The document's lines end as tor signed them: in LF, or in CRLF throughout (then the LF
    /// form was verified); a stray CR fails it. See ``LineEndings``.
    case lineEndings

    // MARK: Onion-service descriptors (rend-spec-v3)

    /// One check of a v3 onion-service descriptor or of one of its introduction points.
    case onionService(OnionServiceCheck)

    public var description: String {
        switch self {
        case .fingerprint: "fingerprint = SHA-1(signing-key)"
        case .routerSignature: "router-signature"
        case .identityEd25519: "identity-ed25519"
        case .identityEd25519Expiry: "identity-ed25519 expiry"
        case .masterKeyEd25519: "master-key-ed25519 = identity-ed25519 signer"
        case .routerSigEd25519: "router-sig-ed25519"
        case .onionKeyCrosscert: "onion-key-crosscert"
        case .ntorCrosscert: "ntor-onion-key-crosscert"
        case .ntorCrosscertExpiry: "ntor-onion-key-crosscert expiry"
        case .familyCert(let id): "family-cert \(id)"
        case .familyCertExpiry(let id): "family-cert \(id) expiry"
        case .familyCerts: "family-cert"
        case .published: "published not in the future"
        case .sameIdentity: "identity-ed25519 = server descriptor's"
        case .digest(let reference): reference.description
        case .referencedDigest(let reference, let digest): "\(reference) \(digest)"
        case .listedByConsensus(let reference): "listed by consensus \(reference.consensusLine) line"
        case .unsignedDocument: "signature"
        case .certificate(let check): check.rawValue
        case .embeddedCertificate(let check?): "key certificate: \(check.rawValue)"
        case .embeddedCertificate(nil): "key certificate"
        case .authorityPinned: "authority pinned"
        case .signature(let authority?): "directory-signature \(authority.hex)"
        case .signature(nil): "directory-signature"
        case .additionalSignature(let flavor, let authority): "additional-signature \(flavor) \(authority.hex)"
        case .quorum(.ns): "quorum"
        case .quorum(let flavor): "quorum (\(flavor))"
        case .signedPart: "signed part"
        case .validityWindow: "valid-after ≤ time ≤ valid-until"
        case .voteDigest(let authority?): "vote-digest \(authority.hex)"
        case .voteDigest(nil): "vote-digest"
        case .consensusDigest: "consensus-digest = SHA-1(consensus signed part)"
        case .consensusTimes: "times = consensus times"
        case .additionalDigest(let flavor): "additional-digest \(flavor) = digest(\(flavor) consensus)"
        case .bandwidthFileDigest: "bandwidth-file-digest"
        case .lineEndings: "line endings"
        case .authoritySet: "authority set"
        case .onionService(let check): check.description
        }
    }
}

/// The checks made on a directory key certificate (dir-spec §3.1).
///
/// ```swift
/// #expect(certificate.verificationReport(at: now)[.certificate(.crosscert)] == .passed)
/// ```
public enum KeyCertificateCheck: String, Sendable, Hashable, CaseIterable {
    /// `dir-identity-key` is a usable RSA key.
    case identityKey = "dir-identity-key"
    /// `dir-signing-key` is a usable RSA key.
    case signingKey = "dir-signing-key"
    /// The identity key has at least ``KeyCertificate/minimumIdentityKeyBits`` bits.
    case identityKeySize = "dir-identity-key size"
    /// `fingerprint` = SHA-1 of the identity key.
    case fingerprint = "fingerprint = SHA-1(dir-identity-key)"
    /// `dir-key-certification`: the identity key signs the certificate.
    case certification = "dir-key-certification"
    /// `dir-key-crosscert`: the signing key signs the identity key's digest.
    case crosscert = "dir-key-crosscert"
    /// `dir-key-expires` not passed.
    case expires = "dir-key-expires"
}

/// A digest one document names for another, and which one it is.
///
/// ```swift
/// let check = entry.descriptorDigestCheck(descriptor)
/// #expect(check.id == .digest(.serverDescriptor))
/// ```
public enum DigestReference: Sendable, Hashable, CustomStringConvertible {
    /// A consensus or vote `r` line: SHA-1 of the server descriptor.
    case serverDescriptor
    /// A microdesc consensus `m` line: SHA-256 of the microdescriptor.
    case microdescriptor
    /// A server descriptor's `extra-info-digest`: SHA-1 of the extra-info document.
    case extraInfo
    /// The SHA-256 form on the `extra-info-digest` line.
    case extraInfoSHA256

    public var description: String {
        switch self {
        case .serverDescriptor: "r descriptor digest = SHA-1(server descriptor)"
        case .microdescriptor: "m digest = SHA-256(microdescriptor)"
        case .extraInfo: "extra-info-digest = SHA-1(extra-info)"
        case .extraInfoSHA256: "extra-info-digest sha256 = SHA-256(extra-info)"
        }
    }

    /// The consensus line that lists this kind of digest (`r` or `m`).
    var consensusLine: String { self == .microdescriptor ? "m" : "r" }
}
