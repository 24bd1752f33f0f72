// Relay verification benchmark: per server descriptor, the parse, the full
// `verificationReport(at:)`, and the sum of the primitive operations that verification cannot
// avoid, measured in the same run on the same descriptors: RSA key decode + signature recovery
// (router-signature, onion-key-crosscert), Ed25519 verifies (identity-ed25519,
// router-sig-ed25519, ntor-onion-key-crosscert, family-cert) and hashes (SHA-1 of the signed
// content and of the signing key, SHA-256 of prefix + content). Inputs of the primitives are
// decoded before timing; the curve25519 → Ed25519 key map is reported on its own line.
import Foundation
import TorDescriptors

/// Inputs of one descriptor's primitive operations, decoded ahead of timing.
struct RelayPrimitiveInputs {
    var signingKey: [UInt8], signature: [UInt8], signedContent: [UInt8]
    var onionKey: [UInt8]?, crosscert: [UInt8]?
    var ed25519: [(signature: [UInt8], message: [UInt8], key: [UInt8])] = []
    var ed25519Content: [UInt8]?
    var ntorKey: [UInt8]?, ntorSign: Int = 0
}

func relayPrimitiveInputs(_ descriptor: ServerDescriptor) -> RelayPrimitiveInputs? {
    guard let signingKey = descriptor.signingKey, let signature = descriptor.signature,
          let content = descriptor.signedContent else { return nil }
    var inputs = RelayPrimitiveInputs(signingKey: signingKey, signature: signature, signedContent: Array(content),
                                      onionKey: descriptor.onionKey, crosscert: descriptor.onionKeyCrosscert)
    if let identity = descriptor.identityCertificate, let master = identity.signingKey,
       let edContent = descriptor.ed25519SignedContent, let edSignature = descriptor.ed25519Signature {
        inputs.ed25519.append((identity.signature, Array(identity.signedBytes), master))
        inputs.ed25519Content = Array("Tor router descriptor signature v1".utf8) + edContent
        inputs.ed25519.append((edSignature, Digest.sha256(inputs.ed25519Content!), identity.certifiedKey))
        if let ntor = descriptor.ntorOnionKeyCrosscert, let key = descriptor.ntorOnionKey, let sign = descriptor.ntorOnionKeyCrosscertSign,
           let derived = Ed25519KeyConversion.ed25519PublicKey(fromCurve25519: key, signBit: sign) {
            inputs.ed25519.append((ntor.signature, Array(ntor.signedBytes), derived))
            inputs.ntorKey = key
            inputs.ntorSign = sign
        }
        for family in descriptor.familyCertificates {
            if let key = family.signingKey { inputs.ed25519.append((family.signature, Array(family.signedBytes), key)) }
        }
    }
    return inputs
}

/// Runs the primitives once; returns a count so the work cannot be optimized away.
@inline(never)
func runRelayPrimitives(_ inputs: RelayPrimitiveInputs) -> Int {
    var ok = 0
    ok += Digest.sha1(inputs.signingKey).count
    if let key = try? RSAPublicKey(der: inputs.signingKey),
       key.isValidSignature(inputs.signature, for: Digest.sha1(inputs.signedContent)) { ok += 1 }
    if let onion = inputs.onionKey, let crosscert = inputs.crosscert, let key = try? RSAPublicKey(der: onion),
       (try? key.recoverMessage(from: crosscert)) != nil { ok += 1 }
    if let content = inputs.ed25519Content { ok += Digest.sha256(content).count }
    for check in inputs.ed25519 where Ed25519Signature.isValid(check.signature, of: check.message, by: check.key) { ok += 1 }
    return ok
}

func threadCPUSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

func reportRelayVerification() {
    let inputs = files(of: .serverDescriptor, under: options.roots)
    var slices: [DocumentSlice] = []
    for input in inputs { slices += ServerDescriptor.slices(in: input.bytes[...]) }
    let descriptors = slices.compactMap { try? ServerDescriptor(parsing: $0, mode: .lenient) }.filter { $0.signature != nil }
    let primitiveInputs = descriptors.compactMap(relayPrimitiveInputs)
    guard !descriptors.isEmpty, primitiveInputs.count == descriptors.count else { return print("relay verification: no signed descriptors") }
    let rounds = max(3, options.rounds / 3)
    // Wall time and this thread's CPU time, best round of each: on a shared, loaded machine the
    // CPU time is the steadier figure.
    func best(_ body: () -> Int) -> (seconds: Double, cpu: Double, check: Int) {
        var bestTime = Double.infinity, bestCPU = Double.infinity, check = 0
        for _ in 0..<rounds {
            let cpuStart = threadCPUSeconds()
            let start = DispatchTime.now().uptimeNanoseconds
            check = body()
            bestTime = min(bestTime, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            bestCPU = min(bestCPU, threadCPUSeconds() - cpuStart)
        }
        return (bestTime, bestCPU, check)
    }
    let signedSlices = slices.filter { slice in descriptors.contains { $0.firstLine == slice.firstLine } }
    let parse = best { signedSlices.reduce(0) { count, slice in count + ((try? ServerDescriptor(parsing: slice, mode: .lenient)) == nil ? 0 : 1) } }
    let verify = best { descriptors.reduce(0) { $0 + ($1.verificationReport(at: $1.published?.date ?? Date()).isValid ? 1 : 0) } }
    let primitives = best { primitiveInputs.reduce(0) { $0 + runRelayPrimitives($1) } }
    let conversions = best {
        primitiveInputs.reduce(0) { count, input in
            count + (input.ntorKey.flatMap { Ed25519KeyConversion.ed25519PublicKey(fromCurve25519: $0, signBit: input.ntorSign) }?.count ?? 0)
        }
    }
    let n = Double(descriptors.count)
    let withEd = primitiveInputs.filter { !$0.ed25519.isEmpty }.count
    let edCount = primitiveInputs.reduce(0) { $0 + $1.ed25519.count }
    print("relay verification: \(descriptors.count) signed server descriptors (\(withEd) with Ed25519, \(edCount) Ed25519 signatures), \(verify.check) valid, best of \(rounds) rounds")
    func line(_ label: String, _ value: (seconds: Double, cpu: Double, check: Int)) {
        print("  \(label.padding(toLength: 16, withPad: " ", startingAt: 0)) wall \(format(value.seconds * 1e6 / n, 1).leftPad(8)) µs/descriptor   cpu \(format(value.cpu * 1e6 / n, 1).leftPad(8)) µs/descriptor")
    }
    line("parse", parse)
    line("full verify", verify)
    line("primitives sum", primitives)
    print("  full verify / primitives: wall \(format(verify.seconds / primitives.seconds, 3)), cpu \(format(verify.cpu / primitives.cpu, 3))  (target ≤ 1.25)")
    print("  curve25519→Ed25519 key map \(format(conversions.cpu * 1e6 / Double(max(1, primitiveInputs.filter { $0.ntorKey != nil }.count)), 2)) µs each (inside full verify, not in the primitive sum)")
}
