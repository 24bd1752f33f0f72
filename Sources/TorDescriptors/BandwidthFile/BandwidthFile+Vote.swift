extension BandwidthFile {
    /// Checks a vote's `bandwidth-file-digest sha256=DIGEST` against this file: the vote was
    /// made from it when the digests are equal (dir-spec: SHA-256 of the file as the authority
    /// read it, base64 without padding; CollecTor's annotations are not part of it).
    ///
    /// ```swift
    /// let check = file.digestCheck(against: vote)
    /// print(check)   // "bandwidth-file-digest: passed"
    /// ```
    public func digestCheck(against vote: NetworkStatusVote) -> VerificationCheck {
        let digests = vote.header.bandwidthFileDigests.filter { $0.key == "sha256" }
        guard !digests.isEmpty else {
            return VerificationCheck(.bandwidthFileDigest, .notApplicable("the vote has no bandwidth-file-digest sha256= line"))
        }
        let ours = sha256
        if digests.contains(where: { SHA256DigestValue(base64: $0.value) == ours }) { return VerificationCheck(.bandwidthFileDigest, .passed) }
        return VerificationCheck(.bandwidthFileDigest, .failed("the vote's sha256=\(digests[0].value) is not this file's \(ours.base64)"))
    }
}
