// What the benchmark does with each document after parsing it (`--mode`):
//   parse   nothing (the document is parsed and dropped);
//   access  reads the fields users commonly read (see `touch`) and sums them, so the
//           optimiser cannot drop the work;
//   verify  the library's full verification: server descriptors `verificationReport(at:)`
//           (RSA and Ed25519 signatures, cross-certificates, digests); extra-infos
//           `verificationReport(signingKey: nil, at:)` (Ed25519 where present: the RSA key is in
//           the relay's server descriptor, not in the extra-info); consensuses
//           `verificationReport(certificates:authorities:at:)` with the key certificates of the
//           corpus and the consensus's own dir-sources as authorities (signatures and
//           certificates checked, authority pinning off: the corpus spans many years); votes
//           `verificationReport(authorities:at:)` with the vote's own identity trusted;
//           microdescriptors carry no signature: their SHA-256 digest (what a consensus `m`
//           line names) is computed instead.
import Dispatch
import Foundation
import TorDescriptors

enum Workload: String, CaseIterable {
    case parse, access, verify
}

/// Everything verification needs besides the document, loaded before timing.
struct VerificationContext: @unchecked Sendable {
    var certificates: [KeyCertificate] = []
    /// Remembers certificate checks across documents, as a long-running verifier would.
    let verifier = AuthorityVerifier()

    init(certificateDirectories: [String]) {
        for directory in certificateDirectories {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { continue }
            for name in names.sorted() {
                guard let data = FileManager.default.contents(atPath: directory + "/" + name) else { continue }
                certificates += KeyCertificate.parseAll([UInt8](data)[...]).compactMap { try? $0.get() }
            }
        }
    }
}

/// Reads the commonly used fields of one document; returns a number depending on all of them.
func touch(_ document: AnyDescriptor, cores: Int) -> Int {
    switch document {
    case .serverDescriptor(let d):
        var sum = d.nickname.utf8.count &+ d.address.hashValue &+ Int(d.orPort) &+ Int(d.dirPort ?? 0) &+ Int(d.socksPort ?? 0)
        sum &+= d.fingerprint?.hashValue ?? 0
        sum &+= d.platformString?.utf8.count ?? 0
        sum &+= (d.averageBandwidth ?? 0) &+ (d.burstBandwidth ?? 0) &+ (d.observedBandwidth ?? 0)
        sum &+= d.exitPolicy?.canExit(port: 443) == true ? 1 : 0
        sum &+= Int(d.published?.secondsSince1970 ?? 0)
        sum &+= d.family.count &+ d.orAddresses.count &+ (d.uptime ?? 0)
        sum &+= d.contactString?.utf8.count ?? 0
        return sum
    case .extraInfo(let d):
        var sum = d.nickname.utf8.count &+ d.fingerprint.hashValue &+ Int(d.published?.secondsSince1970 ?? 0)
        for history in [d.readHistory, d.writeHistory, d.dirReadHistory, d.dirWriteHistory] {
            sum &+= history?.values.reduce(0, &+) ?? 0
        }
        sum &+= d.transports.count &+ (d.geoipClientOrigins?.count ?? 0)
        return sum
    case .microdescriptor(let d):
        var sum = d.onionKey?.count ?? 0
        sum &+= d.ntorOnionKey?.count ?? 0
        sum &+= d.exitPolicy.canExit(port: 443) ? 1 : 0
        sum &+= d.familyStrings.count &+ d.orAddresses.count &+ (d.ed25519Identity?.count ?? 0)
        return sum
    case .consensus(let c):
        var sum = Int(c.validAfter?.secondsSince1970 ?? 0) &+ c.footer.signatures.count
        let entries = c.entries
        guard cores > 1, entries.count >= 1024 else { return sum &+ touchEntries(entries[...]) }
        let chunks = cores * 2
        let sums = UnsafeMutableBufferPointer<Int>.allocate(capacity: chunks)
        defer { sums.deallocate() }
        let base = SendablePointer(sums.baseAddress!)
        DispatchQueue.concurrentPerform(iterations: chunks) { i in
            let range = (entries.count * i / chunks)..<(entries.count * (i + 1) / chunks)
            base.pointer[i] = touchEntries(entries[range])
        }
        for value in sums { sum &+= value }
        return sum
    case .vote(let v):
        var sum = Int(v.published?.secondsSince1970 ?? 0)
        for item in v.entries { sum &+= touchEntry(item.entry) &+ item.microdescriptorLines.count }
        return sum
    default:
        return document.rawBytes.count
    }
}

struct SendablePointer: @unchecked Sendable { let pointer: UnsafeMutablePointer<Int>; init(_ p: UnsafeMutablePointer<Int>) { pointer = p } }

@inline(__always)
func touchEntry(_ e: RouterStatusEntry) -> Int {
    var sum = e.nickname.utf8.count &+ e.fingerprint.hashValue &+ Int(e.flags.rawValue) &+ (e.bandwidth ?? 0)
    sum &+= e.address.hashValue &+ Int(e.orPort) &+ Int(e.dirPort ?? 0) &+ e.orAddresses.count
    sum &+= e.microdescriptorDigest?.hashValue ?? e.descriptorDigest?.hashValue ?? 0
    return sum
}

func touchEntries(_ entries: ArraySlice<RouterStatusEntry>) -> Int {
    var sum = 0
    for entry in entries { sum &+= touchEntry(entry) }
    return sum
}

/// Runs the full verification of one document; 1 when it verified (or, for
/// microdescriptors, a digest byte), else 0.
func verify(_ document: AnyDescriptor, context: VerificationContext) -> Int {
    switch document {
    case .serverDescriptor(let d):
        return d.verificationReport(at: d.published?.date ?? Date()).isValid ? 1 : 0
    case .extraInfo(let d):
        return d.verificationReport(signingKey: nil, at: d.published?.date ?? Date()).isValid ? 1 : 0
    case .microdescriptor(let d):
        return Int(d.digest.bytes[0] & 1)
    case .consensus(let c):
        guard let time = c.validAfter else { return 0 }
        let verifier = context.verifier.with(authorities: .unpinnedDirSources(of: c.header))
        return verifier.report(for: c, certificates: context.certificates, at: time).isValid ? 1 : 0
    case .vote(let v):
        guard let time = v.validAfter, let identity = v.keyCertificate?.fingerprint else { return 0 }
        return context.verifier.with(authorities: TrustedAuthorities(identities: [identity])).report(for: v, at: time).isValid ? 1 : 0
    default:
        return 0
    }
}

/// Applies `workload` to a batch of documents, on `cores` threads when more than one.
func process(_ documents: [AnyDescriptor], _ workload: Workload, cores: Int, context: VerificationContext) -> Int {
    switch workload {
    case .parse: return documents.count
    case .access, .verify:
        @Sendable func one(_ document: AnyDescriptor, innerCores: Int) -> Int {
            workload == .access ? touch(document, cores: innerCores) : verify(document, context: context)
        }
        guard cores > 1, documents.count > 1 else { return documents.reduce(0) { $0 &+ one($1, innerCores: cores) } }
        let sums = UnsafeMutableBufferPointer<Int>.allocate(capacity: cores)
        defer { sums.deallocate() }
        let base = SendablePointer(sums.baseAddress!)
        let count = documents.count
        DispatchQueue.concurrentPerform(iterations: cores) { worker in
            var sum = 0
            for index in stride(from: worker, to: count, by: cores) { sum &+= one(documents[index], innerCores: 1) }
            base.pointer[worker] = sum
        }
        return sums.reduce(0, &+)
    }
}
