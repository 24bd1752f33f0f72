import Foundation
import Testing
@testable import TorDescriptors

/// Verifies every relay document in /work/shared/corpus when it is present (skipped otherwise).
/// Expected counts come from `grep -c '^router '`, `grep -c '^identity-ed25519'` and, for digests,
/// an independent Python hashlib computation over the same files.
struct RelayVerificationSweepTests {
    static let shared = URL(fileURLWithPath: "/work/shared/corpus")
    static var available: Bool { FileManager.default.fileExists(atPath: shared.path) }

    static func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: shared.appendingPathComponent(relative)))
    }

    static func files(in folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: shared.appendingPathComponent(folder).path)) ?? []
        return names.sorted().map { folder + "/" + $0 }
    }

    @Test("every server descriptor of the shared corpus verifies at its published time", .enabled(if: available))
    func serverDescriptors() throws {
        var relays = 0, bridges = 0, withEd25519 = 0, familyCerts = 0
        var failures: [String] = []
        for file in Self.files(in: "server-descriptors") + Self.files(in: "bridge") + Self.files(in: "testnet")
            + Self.files(in: "testnet/arti-shadow-chutney-000a") {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: Self.shared.appendingPathComponent(file).path, isDirectory: &isDirectory),
                  !isDirectory.boolValue else { continue }
            let bytes = try Self.bytes(file)
            let type = DescriptorType.detect(fileName: (file as NSString).lastPathComponent, bytes: bytes[...])
            guard type == .serverDescriptor || type == .bridgeServerDescriptor else { continue }
            for result in ServerDescriptor.parseAll(bytes[...]) {
                let descriptor = try result.get()
                let report = descriptor.verificationReport(at: descriptor.published!.date)
                if !report.isValid { failures.append("\(file): \(report)") }
                if descriptor.isBridge { bridges += 1 } else { relays += 1 }
                if report[.ntorCrosscert] == .passed, report[.routerSigEd25519] == .passed { withEd25519 += 1 }
                familyCerts += report.checks.filter { if case .familyCert = $0.id { $0.passed } else { false } }.count
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))" as Comment)
        // server-descriptors/: 4,370 relay descriptors, 592 with identity-ed25519; testnet/: 36, all with it.
        #expect(relays == 4_370 + 36)
        #expect(withEd25519 == 592 + 36)
        // bridge/: 26 sanitized bridge descriptors.
        #expect(bridges == 26)
        // Akka, Ukko, lisdex (grep -l family-cert).
        #expect(familyCerts == 3)
    }

    @Test("every extra-info of the shared corpus verifies; testnet ones with their relays' keys", .enabled(if: available))
    func extraInfos() throws {
        var total = 0, rsaVerified = 0
        var failures: [String] = []
        let testnetDescriptors = try ServerDescriptor.parseAll(try Self.bytes("testnet/arti-shadow-chutney-000a/cached-descriptors.new")[...]).map { try $0.get() }
        for file in Self.files(in: "extra-info") + Self.files(in: "bridge") + Self.files(in: "testnet/arti-shadow-chutney-000a") {
            let bytes = try Self.bytes(file)
            let type = DescriptorType.detect(fileName: (file as NSString).lastPathComponent, bytes: bytes[...])
            guard type == .extraInfo || type == .bridgeExtraInfo else { continue }
            for result in ExtraInfoDescriptor.parseAll(bytes[...]) {
                let extraInfo = try result.get()
                total += 1
                let report: VerificationReport
                if let descriptor = testnetDescriptors.first(where: { $0.fingerprint == extraInfo.fingerprint }), file.hasPrefix("testnet") {
                    report = extraInfo.verificationReport(serverDescriptor: descriptor, at: extraInfo.published!.date)
                    if report[.routerSignature] == .passed { rsaVerified += 1 }
                } else {
                    report = extraInfo.verificationReport(signingKey: nil, at: extraInfo.published!.date)
                }
                if !report.isValid { failures.append("\(file): \(report)") }
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))" as Comment)
        // extra-info/: 17, bridge/: 24, testnet cached-extrainfo.new: 20.
        #expect(total == 17 + 24 + 20)
        #expect(rsaVerified == 20)
    }

    @Test("consensus r digests against the shared server descriptors", .enabled(if: available), arguments: [
        ("consensus/2020-02-29-10-00-00-consensus", ["server-descriptors/2020-02-29-10-05-00-server-descriptors"], 6_433, 343),
        ("consensus/2020-02-29-11-00-00-consensus", ["server-descriptors/2020-02-29-10-05-00-server-descriptors"], 6_463, 381),
        ("consensus/2012-06-18-21-00-00-cached-consensus",
         ["server-descriptors/2012-06-18-cached-descriptors", "server-descriptors/2012-06-18-cached-descriptors.new"], 2_993, 2_887),
        ("testnet/arti-shadow-chutney-000a/cached-consensus", ["testnet/arti-shadow-chutney-000a/cached-descriptors.new"], 7, 7),
        ("testnet/sbws-chutney-2019-03-25-cached-consensus", ["testnet/sbws-chutney-2019-03-cached-descriptors"], 15, 13),
    ])
    func descriptorDigests(consensusFile: String, descriptorFiles: [String], entries: Int, matched: Int) throws {
        let consensus = try NetworkStatusConsensus(parsing: try Self.bytes(consensusFile))
        let descriptors = try descriptorFiles.flatMap { try ServerDescriptor.parseAll(try Self.bytes($0)[...]).map { try $0.get() } }
        let result = DigestCrossCheck.serverDescriptors(consensus.entries, descriptors)
        #expect(consensus.entries.count == entries)
        #expect(result.matched.count == matched)
        #expect(result.matched.count + result.mismatched.count + result.missing.count == entries)
    }

    @Test("microdesc consensus m digests against the shared microdescriptor caches", .enabled(if: available), arguments: [
        ("microdesc-consensus/2017-03-10-10-00-00-cached-microdesc-consensus", ["microdescs/2017-03-cached-microdescs", "microdescs/2017-03-cached-microdescs.new"], 7_326, 9_492),
        ("microdesc-consensus/2015-11-10-05-00-00-cached-microdesc-consensus", ["microdescs/2015-11-cached-microdescs", "microdescs/2015-11-cached-microdescs.new"], 6_626, 8_553),
    ])
    func microdescriptorDigests(consensusFile: String, microFiles: [String], entries: Int, distinct: Int) throws {
        let consensus = try NetworkStatusConsensus(parsing: try Self.bytes(consensusFile))
        let micros = try microFiles.flatMap { try Microdescriptor.parseAll(try Self.bytes($0)[...]).map { try $0.get() } }
        let result = DigestCrossCheck.microdescriptors(consensus.entries, micros)
        #expect(result.matched.count == entries && result.missing.isEmpty)
        #expect(Set(micros.map(\.digest)).count == distinct)
    }
}
