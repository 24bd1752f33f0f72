/// Cross-document digests: a consensus or vote references each relay's server descriptor by
/// SHA-1 (`r` line) or its microdescriptor by SHA-256 (`m` line), and a server descriptor
/// references its extra-info document (`extra-info-digest`). These functions check such
/// references one by one, or a whole consensus against a set of documents.
///
/// ```swift
/// let result = DigestCrossCheck.serverDescriptors(consensus.entries, descriptors)
/// print(result.matched.count, result.mismatched.count, result.missing.count)
/// ```
public struct DigestCrossCheck: Sendable {
    /// A reference whose target was found and whose digest differed.
    public struct Mismatch: Sendable, Hashable {
        /// Nickname of the referencing entry or descriptor.
        public let nickname: String
        /// The referencing side's digest, as written (hex or base64).
        public let expected: String
        /// The digest computed from the document found (for server descriptors: the one found
        /// for the same fingerprint; more than one may exist, all differ).
        public let found: [String]
    }

    /// Referenced digests that some document matched, as written by the referencing side.
    public internal(set) var matched: [String] = []
    /// References whose target (same fingerprint) exists in another version.
    public internal(set) var mismatched: [Mismatch] = []
    /// Referenced digests with no document at all, as written (for a fetcher to download).
    public internal(set) var missing: [String] = []
    /// Documents no reference pointed to.
    public internal(set) var unreferenced = 0

    /// A report listing one check per reference: passed, failed (mismatch) or not applicable (missing).
    /// Each check is ``VerificationCheckID/referencedDigest(_:_:)`` of `reference` and the digest.
    public func report(document: DocumentKind, firstLine: Int = 1, reference: DigestReference) -> VerificationReport {
        var report = VerificationReport(document: document, firstLine: firstLine)
        for digest in matched { report.record(.referencedDigest(reference, digest), .passed) }
        for item in mismatched {
            report.record(.referencedDigest(reference, item.expected), .failed("\(item.nickname): document digest \(item.found.joined(separator: ", "))"))
        }
        for digest in missing { report.record(.referencedDigest(reference, digest), .notApplicable("document not provided")) }
        return report
    }

    /// Matches consensus (ns flavor) or vote entries with server descriptors: by fingerprint,
    /// then by descriptor digest. Entries without an `r` digest (microdesc flavor) are skipped.
    public static func serverDescriptors(_ entries: [RouterStatusEntry], _ descriptors: [ServerDescriptor]) -> DigestCrossCheck {
        var byIndex: [Fingerprint: [Int]] = [:]
        var digests: [SHA1DigestValue] = []
        var used: [Bool] = []
        for descriptor in descriptors {
            guard let identity = descriptor.identityFingerprint, let digest = descriptor.digest else { continue }
            byIndex[identity, default: []].append(digests.count)
            digests.append(digest)
            used.append(false)
        }
        var result = DigestCrossCheck()
        for entry in entries {
            guard let expected = entry.descriptorDigest else { continue }
            let candidates = byIndex[entry.fingerprint] ?? []
            if let hit = candidates.first(where: { digests[$0] == expected }) {
                used[hit] = true
                result.matched.append(expected.hex)
            } else if candidates.isEmpty {
                result.missing.append(expected.hex)
            } else {
                result.mismatched.append(Mismatch(nickname: entry.nickname, expected: expected.hex,
                                                  found: candidates.map { digests[$0].hex }))
            }
        }
        result.unreferenced = used.filter { !$0 }.count
        return result
    }

    /// Matches microdesc-consensus `m` digests with microdescriptors (SHA-256 of each, without
    /// annotations). Microdescriptors carry no RSA identity, so there are no mismatches: a
    /// digest is matched or missing.
    public static func microdescriptors(_ entries: [RouterStatusEntry], _ microdescriptors: [Microdescriptor]) -> DigestCrossCheck {
        var known: [SHA256DigestValue: Bool] = [:]
        for micro in microdescriptors { known[micro.digest] = false }
        var result = DigestCrossCheck()
        for entry in entries {
            guard let expected = entry.microdescriptorDigest else { continue }
            if known[expected] != nil {
                known[expected] = true
                result.matched.append(expected.base64)
            } else {
                result.missing.append(expected.base64)
            }
        }
        result.unreferenced = known.values.filter { !$0 }.count
        return result
    }

    /// Matches server descriptors' `extra-info-digest` (SHA-1, and SHA-256 when given) with
    /// extra-info documents, by fingerprint then digest.
    public static func extraInfos(_ descriptors: [ServerDescriptor], _ extraInfos: [ExtraInfoDescriptor]) -> DigestCrossCheck {
        var byFingerprint: [Fingerprint: [Int]] = [:]
        for (index, extraInfo) in extraInfos.enumerated() { byFingerprint[extraInfo.fingerprint, default: []].append(index) }
        var used = [Bool](repeating: false, count: extraInfos.count)
        var result = DigestCrossCheck()
        for descriptor in descriptors {
            guard let expected = descriptor.extraInfoDigest else { continue }
            let candidates = descriptor.identityFingerprint.flatMap { byFingerprint[$0] } ?? []
            if let hit = candidates.first(where: { extraInfos[$0].digest == expected }) {
                used[hit] = true
                let checks = descriptor.extraInfoDigestChecks(extraInfos[hit])
                if checks.allSatisfy({ !$0.failed }) {
                    result.matched.append(expected.hex)
                } else {
                    result.mismatched.append(Mismatch(nickname: descriptor.nickname, expected: descriptor.extraInfoDigestSHA256?.base64 ?? expected.hex,
                                                      found: [extraInfos[hit].sha256Digest?.base64 ?? "-"]))
                }
            } else if candidates.isEmpty {
                result.missing.append(expected.hex)
            } else {
                result.mismatched.append(Mismatch(nickname: descriptor.nickname, expected: expected.hex,
                                                  found: candidates.map { extraInfos[$0].digest?.hex ?? "-" }))
            }
        }
        result.unreferenced = used.filter { !$0 }.count
        return result
    }
}

extension RouterStatusEntry {
    /// The `r` line's descriptor digest against SHA-1 of `descriptor` (and the same identity).
    ///
    /// ```swift
    /// let check = entry.descriptorDigestCheck(descriptor)   // check.passed
    /// ```
    public func descriptorDigestCheck(_ descriptor: ServerDescriptor) -> VerificationCheck {
        let id = VerificationCheckID.digest(.serverDescriptor)
        guard let expected = descriptorDigest else { return VerificationCheck(id, .notApplicable("no descriptor digest on the r line (microdesc flavor)")) }
        guard let actual = descriptor.digest else { return VerificationCheck(id, .failed("the descriptor has no signed content to digest")) }
        guard descriptor.identityFingerprint == fingerprint else {
            return VerificationCheck(id, .failed("the descriptor is for \(descriptor.identityFingerprint?.hex ?? "an unknown relay"), the entry for \(fingerprint.hex)"))
        }
        return VerificationCheck(id, expected == actual ? .passed : .failed("r line says \(expected.hex), descriptor digest is \(actual.hex)"))
    }

    /// The `m` line's digest against SHA-256 of `microdescriptor`.
    public func microdescriptorDigestCheck(_ microdescriptor: Microdescriptor) -> VerificationCheck {
        let id = VerificationCheckID.digest(.microdescriptor)
        guard let expected = microdescriptorDigest else { return VerificationCheck(id, .notApplicable("no m line (ns flavor)")) }
        let actual = microdescriptor.digest
        return VerificationCheck(id, expected == actual ? .passed : .failed("m line says \(expected.base64), microdescriptor digest is \(actual.base64)"))
    }
}

extension ServerDescriptor {
    /// `extra-info-digest` (SHA-1, and the SHA-256 form when present) against `extraInfo`.
    public func extraInfoDigestChecks(_ extraInfo: ExtraInfoDescriptor) -> [VerificationCheck] {
        guard let expected = extraInfoDigest else {
            return [VerificationCheck(.digest(.extraInfo), .notApplicable("no extra-info-digest line"))]
        }
        var checks = [VerificationCheck(.digest(.extraInfo), extraInfo.digest == expected
            ? .passed : .failed("extra-info-digest \(expected.hex), extra-info digest \(extraInfo.digest?.hex ?? "-")"))]
        if let expected256 = extraInfoDigestSHA256 {
            let actual = extraInfo.sha256Digest
            checks.append(VerificationCheck(.digest(.extraInfoSHA256), actual == expected256
                ? .passed : .failed("extra-info-digest sha256 \(expected256.base64), extra-info \(actual?.base64 ?? "-")")))
        } else {
            checks.append(VerificationCheck(.digest(.extraInfoSHA256), .notApplicable("no SHA-256 on the extra-info-digest line")))
        }
        return checks
    }

    /// The relay's identity: the `fingerprint` line, else SHA-1 of the signing key.
    public var identityFingerprint: Fingerprint? {
        fingerprint ?? signingKey.flatMap { Fingerprint(bytes: Digest.sha1($0)) }
    }
}
