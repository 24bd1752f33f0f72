import Foundation
import Testing
import TorDescriptors

/// `tordesc exits --ips`: a firewall list from the bundled 2012 consensus, with a
/// synthetic exit list whose ExitAddress lines name addresses no consensus line has.
@Suite struct TordescExitAddressesCLITests {
    static let consensusPath = TordescExitsCLITests.consensus2012

    static func consensus() throws -> NetworkStatusConsensus {
        try NetworkStatusConsensus(parsing: Array(try Data(contentsOf: ProjectFiles.root.appendingPathComponent(consensusPath))))
    }

    static func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    @Test func theExitsOrAddressesOncePerLine() throws {
        let consensus = try Self.consensus()
        let exits = consensus.entries.filter { $0.flags.contains(.exit) && !$0.flags.contains(.badExit) }
        let expected = Set(exits.map(\.address.description) + exits.flatMap { $0.orAddresses.map(\.address.description) })
        let run = try TordescExitsCLITests.run(["exits", "--ips", "--consensus", Self.consensusPath])
        #expect(run.status == 0, "\(run.stderr)")
        let printed = Self.lines(run.stdout)
        #expect(printed.count == Set(printed).count, "duplicates in the list")
        #expect(Set(printed) == expected)
        // Shared addresses make the list shorter than the exits.
        #expect(printed.count < exits.count)
        let asAddresses = printed.compactMap(IPAddress.init)
        #expect(asAddresses.count == printed.count)
        #expect(asAddresses.map(\.bytes).elementsEqual(asAddresses.map(\.bytes).sorted { $0.lexicographicallyPrecedes($1) }))
    }

    @Test func aPortNarrowsTheList() throws {
        let consensus = try Self.consensus()
        let allowing = consensus.entries.filter { !$0.flags.contains(.badExit) && $0.exitPolicy.canExit(port: 6667) }
        let run = try TordescExitsCLITests.run(["exits", "--ips", "--port", "6667", "--consensus", Self.consensusPath])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(Set(Self.lines(run.stdout)) == Set(allowing.map(\.address.description)))
    }

    @Test func exitListAddressesOfListedRelaysOnly() throws {
        let consensus = try Self.consensus()
        let exit = try #require(consensus.entries.first { $0.flags.contains(.exit) && !$0.flags.contains(.badExit) })
        let notExit = try #require(consensus.entries.first { !$0.flags.contains(.exit) && !$0.exitPolicy.isExitingAllowed })
        let list = """
            @type tordnsel 1.0
            Downloaded 2012-06-18 21:02:00
            ExitNode \(exit.fingerprint.hex)
            Published 2012-06-18 20:00:00
            LastStatus 2012-06-18 21:00:00
            ExitAddress 203.0.113.9 2012-06-18 21:01:00
            ExitAddress 2001:db8::9 2012-06-18 21:01:30
            ExitNode \(notExit.fingerprint.hex)
            Published 2012-06-18 20:00:00
            LastStatus 2012-06-18 21:00:00
            ExitAddress 203.0.113.10 2012-06-18 21:01:00

            """
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("exit-addresses-\(UUID().uuidString)")
        try Data(list.utf8).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let plain = try TordescExitsCLITests.run(["exits", "--ips", "--consensus", Self.consensusPath])
        let run = try TordescExitsCLITests.run(["exits", "--ips", "--consensus", Self.consensusPath, "--exit-list", path.path])
        #expect(run.status == 0, "\(run.stderr)")
        let printed = Self.lines(run.stdout)
        #expect(Set(printed) == Set(Self.lines(plain.stdout)).union(["203.0.113.9", "2001:db8::9"]))
        // IPv6 last.
        #expect(printed.last == "2001:db8::9")
    }

    @Test func misuseIsAUsageError() throws {
        let mixed = try TordescExitsCLITests.run(["exits", "--ips", "--json", "--consensus", Self.consensusPath])
        #expect(mixed.status == 2 && mixed.stderr.contains("--ips"), "\(mixed.status) \(mixed.stderr)")
        let wrongFile = try TordescExitsCLITests.run(["exits", "--ips", "--exit-list", Self.consensusPath, "--consensus", Self.consensusPath])
        #expect(wrongFile.status == 2 && wrongFile.stderr.contains("--exit-list wants an exit list"), "\(wrongFile.stderr)")
    }

    /// Without --ips, --exit-list annotates each relay: real exit list (2018-11-01, Stem's test
    /// data) over a real consensus (2018-10-15, cropped): every relay the list names gets
    /// exactly the list's ExitAddress lines, every other relay an empty list, and the table
    /// gains the column.
    @Test func exitListAddressesAnnotateTheTableAndJSON() throws {
        let consensusPath = "Resources/corpus/consensus/cropped--metrics-web--2018-10-15-00-00-00-consensus.part"
        let listPath = "Resources/corpus/exit-lists/stem--2018-11-01-00-02-01"
        let list = try #require(try ExitList.parseAll(ProjectFiles.corpus("exit-lists/stem--2018-11-01-00-02-01")[...]).first?.get())
        var expected: [String: Set<String>] = [:]
        for entry in list.entries { expected[entry.fingerprint.hex, default: []].formUnion(entry.exitAddresses.map(\.address.description)) }

        let run = try TordescExitsCLITests.run(["exits", "--json", "--consensus", consensusPath, "--exit-list", listPath])
        #expect(run.status == 0, "\(run.stderr)")
        var named = 0
        for line in Self.lines(run.stdout) {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let fingerprint = try #require(object["fingerprint"] as? String)
            let addresses = try #require(object["exit_addresses"] as? [String], "\(line)")
            #expect(Set(addresses) == expected[fingerprint] ?? [], "\(fingerprint)")
            if expected[fingerprint] != nil { named += 1 }
        }
        #expect(named > 0, "the consensus and the exit list share no relay")

        let without = try TordescExitsCLITests.run(["exits", "--json", "--consensus", consensusPath])
        #expect(Self.lines(without.stdout).allSatisfy { $0.contains("\"exit_addresses\":null") })
        let table = try TordescExitsCLITests.run(["exits", "--consensus", consensusPath, "--exit-list", listPath])
        #expect(table.stdout.contains("EXIT-ADDRESSES"), "\(table.stdout.prefix(300))")
    }
}
