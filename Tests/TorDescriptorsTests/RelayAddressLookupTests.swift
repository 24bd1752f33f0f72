import Foundation
import Testing
import TestSupport
@testable import TorDescriptors

/// "Was this address a relay / an exit then?" on bundled real documents: the 2012-06-18 21:00
/// consensus and Stem's 2018-11-01 exit list. Expected values are read from the files' text
/// here (r lines, ExitAddress lines), not from the parser under test.
@Suite struct RelayAddressLookupTests {
    static let consensusPath = "Resources/corpus/consensus/2012-06-18-21-00-00-cached-consensus"
    static let exitListPath = "Resources/corpus/exit-lists/stem--2018-11-01-00-02-01"

    static func text(_ path: String) throws -> String {
        try String(contentsOf: ProjectFiles.root.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func everyRelayOfTheConsensusIsFoundByItsAddress() throws {
        let text = try Self.text(Self.consensusPath)
        let consensus = try NetworkStatusConsensus(parsing: Array(text.utf8))
        // r nickname identity digest date time ADDRESS orport dirport
        let rLines = text.split(separator: "\n").filter { $0.hasPrefix("r ") }.map { $0.split(separator: " ") }
        var perAddress: [String: Int] = [:]
        for fields in rLines { perAddress[String(fields[6]), default: 0] += 1 }
        for (address, count) in perAddress.prefix(200) {
            let hits = RelayAddressLookup.matches(of: try #require(IPAddress(address)), in: consensus)
            #expect(hits.count == count, "\(address)")
            #expect(hits.allSatisfy { $0.validAfter == consensus.header.validAfter && $0.matchedAddress.address.description == address })
        }
        #expect(RelayAddressLookup.matches(of: IPAddress("192.0.2.1")!, in: consensus).isEmpty)   // TEST-NET-1, never a relay
    }

    @Test func badExitIsNotAnExitAndTheExitFlagIs() throws {
        let text = try Self.text(Self.consensusPath)
        let consensus = try NetworkStatusConsensus(parsing: Array(text.utf8))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var checked = (badExit: 0, exit: 0)
        for (index, line) in lines.enumerated() where line.hasPrefix("r ") && checked.exit < 20 {
            let flags = lines[(index + 1)...].first { $0.hasPrefix("s ") }!.split(separator: " ").dropFirst()
            let address = IPAddress(String(line.split(separator: " ")[6]))!
            let fingerprintBase64 = String(line.split(separator: " ")[2])
            guard let hit = RelayAddressLookup.matches(of: address, in: consensus).first(where: { Base64.encode($0.fingerprint.bytes, padded: false) == fingerprintBase64 }) else {
                Issue.record("no match for \(line)"); continue
            }
            if flags.contains("BadExit") { #expect(!hit.isExit); checked.badExit += 1 }
            else if flags.contains("Exit") { #expect(hit.isExit); checked.exit += 1 }
        }
        #expect(checked.badExit > 0 && checked.exit == 20)
    }

    @Test func exitListObservationsInsideTheWindowOnly() throws {
        let text = try Self.text(Self.exitListPath)
        let list = try ExitList(parsing: Array(text.utf8)[...])
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("ExitAddress ") })
        let fields = line.split(separator: " ")
        let address = try #require(IPAddress(String(fields[1])))
        let seen = try #require(TorTimestamp(parsing: "\(fields[2]) \(fields[3])"))
        let sameAddress = text.split(separator: "\n").filter { $0.hasPrefix("ExitAddress \(fields[1]) ") }.count
        #expect(RelayAddressLookup.matches(of: address, in: list, within: RelayAddressLookup.window(around: seen)).count == sameAddress)
        let later = TorTimestamp(secondsSince1970: seen.secondsSince1970 + 3 * 86_400)
        #expect(RelayAddressLookup.matches(of: address, in: list, within: RelayAddressLookup.window(around: later)).isEmpty)
    }

    static let executable = TordescProcess.executable(projectRoot: ProjectFiles.root)

    /// A fresh index directory of this test's own (the default is the user's cache).
    static func indexDirectory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lookup-index-\(UUID().uuidString)").path
        return path
    }

    @Test func lookupExitCodesAreGrepsAndUsageIsTwo() throws {
        let binary = try #require(Self.executable, "tordesc is not built: run swift build first")
        let index = Self.indexDirectory()
        defer { try? FileManager.default.removeItem(atPath: index) }
        let found = try TordescProcess.run(binary, ["lookup", "178.52.17.39", "--at", "2012-06-18 20:00:00", "--index", index, Self.consensusPath], in: ProjectFiles.root)
        #expect(found.status == 0 && found.stdout.contains("0028DBB079E445EC040D7CFD9AA4B4C09C8BC293"), "\(found)")
        #expect(found.stdout.contains("BadExit") && found.stdout.contains("not an exit"))
        #expect(found.stdout.contains("first seen 2012-06-18 21:00:00, last seen 2012-06-18 21:00:00"))
        // `exonerate` stays as an alias.
        let elsewhen = try TordescProcess.run(binary, ["exonerate", "178.52.17.39", "--at", "2013-06-18", "--index", index, Self.consensusPath], in: ProjectFiles.root)
        #expect(elsewhen.status == 1 && elsewhen.stdout.contains("no consensus in the window: unknown"))
        let nobody = try TordescProcess.run(binary, ["lookup", "192.0.2.1", "--at", "2012-06-18", "--no-index", Self.consensusPath], in: ProjectFiles.root)
        #expect(nobody.status == 1 && nobody.stdout.contains("not a Tor relay in any of 1 consensuses"))
        let usage = try TordescProcess.run(binary, ["lookup", "1.2.3", "--at", "2012-06-18", Self.consensusPath], in: ProjectFiles.root)
        #expect(usage.status == 2)
        let both = try TordescProcess.run(binary, ["lookup", "192.0.2.1", "--collector", Self.consensusPath], in: ProjectFiles.root)
        #expect(both.status == 2)
    }

    /// The first run writes one index per input file; the second answers from them alike; a
    /// changed input or a damaged index is parsed again (and the answer stays the same).
    @Test func theIndexIsWrittenReusedAndRebuilt() throws {
        let binary = try #require(Self.executable, "tordesc is not built: run swift build first")
        let index = Self.indexDirectory()
        let inputs = FileManager.default.temporaryDirectory.appendingPathComponent("lookup-inputs-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: index); try? FileManager.default.removeItem(atPath: inputs) }
        try FileManager.default.createDirectory(atPath: inputs, withIntermediateDirectories: true)
        for path in [Self.consensusPath, Self.exitListPath] {
            try FileManager.default.copyItem(atPath: ProjectFiles.root.appendingPathComponent(path).path,
                                             toPath: inputs + "/" + (path as NSString).lastPathComponent)
        }
        let arguments = ["lookup", "178.52.17.39", "--at", "2012-06-18 20:00:00", "--json", "--index", index, inputs]
        let first = try TordescProcess.run(binary, arguments, in: ProjectFiles.root)
        #expect(first.status == 0 && first.stderr.isEmpty, "\(first)")
        let files = try FileManager.default.contentsOfDirectory(atPath: index).sorted()
        #expect(files.count == 2 && files.allSatisfy { $0.hasSuffix(".idx") })
        // Each index is named by FNV-1a 64 of its input's absolute path (hex, 16 digits), so
        // indexes written by earlier versions are found again: computed here independently.
        let expectedNames = try FileManager.default.contentsOfDirectory(atPath: inputs).map { name -> String in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in (inputs + "/" + name).utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            return String(format: "%016llx.idx", hash)
        }
        #expect(files == expectedNames.sorted())
        let second = try TordescProcess.run(binary, arguments, in: ProjectFiles.root)
        #expect(second.stdout == first.stdout && second.stderr.isEmpty)
        let unindexed = try TordescProcess.run(binary, ["lookup", "178.52.17.39", "--at", "2012-06-18 20:00:00", "--json", "--no-index", inputs], in: ProjectFiles.root)
        #expect(unindexed.stdout == first.stdout)

        // Damage every index: each is reported, rebuilt, and the answer is unchanged.
        for file in files {
            let path = index + "/" + file
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            bytes[20] ^= 0xFF
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }
        let damaged = try TordescProcess.run(binary, arguments, in: ProjectFiles.root)
        #expect(damaged.stdout == first.stdout && damaged.stderr.components(separatedBy: "rebuilding").count == 3, "\(damaged.stderr)")
        let repaired = try TordescProcess.run(binary, arguments, in: ProjectFiles.root)
        #expect(repaired.stdout == first.stdout && repaired.stderr.isEmpty)

        // A changed input (its size and time) is read again, not answered from the old index.
        let consensusCopy = inputs + "/" + (Self.consensusPath as NSString).lastPathComponent
        let text = try String(contentsOfFile: consensusCopy, encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("r ") && $0.contains(" 178.52.17.39 ") })
        try text.replacingOccurrences(of: String(line), with: String(line).replacingOccurrences(of: " 178.52.17.39 ", with: " 178.52.17.40 "))
            .write(toFile: consensusCopy, atomically: false, encoding: .utf8)
        let changed = try TordescProcess.run(binary, arguments, in: ProjectFiles.root)
        #expect(changed.status == 1 && changed.stdout.contains(#""relay":false"#), "\(changed)")
    }
}
