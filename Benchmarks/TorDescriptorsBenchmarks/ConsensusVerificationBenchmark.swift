// Consensus signature check, separate from the parse: the consensus and its certificates are
// parsed once, then an `AuthorityVerifier`'s `report(for:certificates:at:)` runs in repeated rounds
// (every signature's digest, RSA check and certificate verification). Its parts are timed too:
// hashing the signed part, the RSA signature checks alone, the certificates' own checks alone.
import Foundation
import TorDescriptors

private func best(_ rounds: Int, _ body: () -> Void) -> Double {
    var fastest = Double.infinity
    for _ in 0..<max(rounds, 3) {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        fastest = min(fastest, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3)
    }
    return fastest
}

func reportConsensusVerification(rounds: Int) {
    let pairs = [
        ("Resources/corpus/consensus/2012-06-18-21-00-00-cached-consensus", "Resources/corpus/key-certs/2012-06-cached-certs"),
        ("Resources/corpus/microdesc-consensus/2015-11-10-05-00-00-cached-microdesc-consensus", "Resources/corpus/key-certs/2015-11-cached-certs"),
    ]
    for (consensusPath, certsPath) in pairs {
        guard let consensusData = FileManager.default.contents(atPath: consensusPath),
              let certData = FileManager.default.contents(atPath: certsPath) else { continue }
        let bytes = [UInt8](consensusData)
        let certificates = KeyCertificate.parseAll([UInt8](certData)[...]).compactMap { try? $0.get() }
        guard let consensus = try? NetworkStatusConsensus(parsing: bytes), let time = consensus.validAfter,
              let signed = consensus.signedRange else { continue }
        let verifier = AuthorityVerifier(authorities: .unpinnedDirSources(of: consensus.header))
        let parse = best(rounds) { _ = try? NetworkStatusConsensus(parsing: bytes) }
        // The first check verifies the certificates (3072-bit RSA); their outcome is then cached
        // by the verifier, so the repeated rounds measure what every later consensus costs.
        let coldStart = DispatchTime.now().uptimeNanoseconds
        var report = verifier.report(for: consensus, certificates: certificates, at: time)
        let cold = Double(DispatchTime.now().uptimeNanoseconds - coldStart) / 1e3
        let full = best(rounds) { report = verifier.report(for: consensus, certificates: certificates, at: time) }
        let signatures = consensus.footer.signatures
        let hash = best(rounds) {
            if signatures.contains(where: { $0.algorithm == .sha1 }) { _ = Digest.sha1(consensus.rawBytes[signed]) }
            if signatures.contains(where: { $0.algorithm == .sha256 }) { _ = Digest.sha256(consensus.rawBytes[signed]) }
        }
        let keys = signatures.compactMap { signature in
            certificates.first { $0.fingerprint == signature.identity && $0.signingKeyDigest == signature.signingKeyDigest }
                .flatMap { $0.signingKey }.flatMap { try? RSAPublicKey(der: $0) }
        }
        let digest1 = consensus.signedDigestSHA1?.bytes ?? [], digest256 = consensus.signedDigestSHA256?.bytes ?? []
        let rsa = best(rounds) {
            for (key, signature) in zip(keys, signatures) {
                _ = key.isValidSignature(signature.signature, for: signature.algorithm == .sha1 ? digest1 : digest256)
            }
        }
        let used = certificates.filter { certificate in signatures.contains { $0.signingKeyDigest == certificate.signingKeyDigest } }
        let certs = best(rounds) { for certificate in used { _ = verifier.report(for: certificate, at: time) } }
        let name = (consensusPath as NSString).lastPathComponent
        print("consensus verify \(name): \(signatures.count) signatures, \(report.isValid ? "valid" : "NOT valid"), "
              + "\(bytes.count / 1000) kB; parse \(format(parse / 1e3, 2)) ms; first signature check (certificates uncached) "
              + "\(format(cold / 1e3, 2)) ms; repeated signature check \(format(full / 1e3, 2)) ms "
              + "= hash \(format(hash / 1e3, 2)) ms + \(keys.count) RSA \(format(rsa / 1e3, 2)) ms + \(used.count) cached certificate checks "
              + "\(format(certs / 1e3, 2)) ms (best of \(max(rounds, 3)))")
    }
}
