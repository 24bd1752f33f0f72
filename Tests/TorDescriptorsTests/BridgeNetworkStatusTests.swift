import Foundation
import Testing
@testable import TorDescriptors

/// Bridge network statuses in the three CollecTor forms. Expected values were read from the
/// file text (`grep -c '^r '`, summed `w` lines) and, for entries, from Stem 1.8.2
/// (`parse_file(..., 'bridge-network-status 1.0', document_handler='DOCUMENT')`).
///
/// Stem reads the 1.0 sample only: with `validate=True` it rejects every 1.1/1.2 status
/// ("Router status entries (v2) must have a 'r' line" at `flag-thresholds`); with
/// `validate=False` it turns the `flag-thresholds` line into a bogus extra entry (1,907 routers
/// for 1,906 `r` lines). Its v2 entries drop `a`, `w` and `p` lines into unrecognized lines.
struct BridgeNetworkStatusTests {
    static func status(_ name: String, mode: ValidationMode = .lenient) throws -> BridgeNetworkStatus {
        try BridgeNetworkStatus(parsing: ProjectFiles.corpus("bridge/" + name), mode: mode)
    }

    static let files: [(name: String, entries: Int, bandwidth: Int, running: Int, orAddresses: Int)] = [
        ("stem--bridge_network_status", 4, 198, 3, 0),
        ("cropped--metrics-lib--20170717-170645-1D8F3A91C37C5D1C4C19B1AD1D0CFBE8BF72D8E1", 53, 24_406, 48, 0),
        ("20160920-063816-1D8F3A91C37C5D1C4C19B1AD1D0CFBE8BF72D8E1", 1_906, 594_462, 1_837, 0),
        ("stem--20190501-002857-BA44A889E64B93FAA2B114E02C2A279A8555C533", 1_297, 790_139, 988, 198),
    ]

    @Test("every bundled status parses in both modes with the file's counts", arguments: 0..<4)
    func counts(_ index: Int) throws {
        let expected = Self.files[index]
        for mode in [ValidationMode.lenient, .strict] {
            let status = try Self.status(expected.name, mode: mode)
            #expect(status.entries.count == expected.entries)
            #expect(status.warnings.isEmpty, "\(status.warnings.prefix(2))")
            #expect(status.unrecognizedLines.isEmpty)
            #expect(status.entries.reduce(0) { $0 + ($1.bandwidth ?? 0) } == expected.bandwidth)
            #expect(status.entries.filter { $0.flags.contains(.running) }.count == expected.running)
            #expect(status.entries.reduce(0) { $0 + $1.orAddresses.count } == expected.orAddresses)
            #expect(status.entries.allSatisfy { $0.exitPolicySummary != nil && $0.descriptorDigest != nil })
            // Entries tile the content after the header exactly.
            let entryBytes = status.entries.reduce(0) { $0 + $1.rawBytes.count }
            #expect(entryBytes == status.rawBytes.endIndex - status.entries[0].rawBytes.startIndex)
        }
    }

    @Test func version10() throws {
        let status = try Self.status("stem--bridge_network_status")
        #expect(status.annotations.map(\.value) == ["bridge-network-status 1.0"])
        #expect(status.published.description == "2012-06-01 04:07:04")
        #expect(status.flagThresholds.isEmpty)
        #expect(status.authorityFingerprint == nil)
        let first = status.entries[0]
        #expect(first.nickname == "Unnamed")
        #expect(first.line == 3)   // after the @type annotation and `published`
        #expect(status.entries[3].line == 15)
        #expect(first.fingerprint.hex == "0014A2055278DB3EB0E59EA701741416AF185558")
        #expect(first.descriptorDigest?.hex == "148EF8685B8D259650AE0967D1FF8E6A870C7743")
        #expect(first.published.description == "2012-05-31 15:57:00")
        #expect(first.address.description == "10.97.236.247")
        #expect(first.orPort == 443)
        #expect(first.dirPort == nil)
        #expect(first.flagNames == ["Valid"])
        #expect(first.bandwidth == 55)
        #expect(first.exitPolicySummary == "reject 1-65535")
        #expect(status.entries[3].nickname == "AntoniusBlock")
        #expect(status.entry(for: Fingerprint(hex: "0059FD4EF7988DDB5912C821ED0B16A77A82E645")!)?.nickname == "TolFuin")
        #expect(status.stemJSON.serialized().hasPrefix(#"{"published":"2012-06-01 04:07:04""#))
    }

    @Test func version11FlagThresholds() throws {
        let status = try Self.status("20160920-063816-1D8F3A91C37C5D1C4C19B1AD1D0CFBE8BF72D8E1")
        #expect(status.annotations.map(\.value) == ["bridge-network-status 1.1"])
        #expect(status.published.description == "2016-09-20 06:38:16")
        #expect(status.flagThresholds.map(\.key) == ["stable-uptime", "stable-mtbf", "fast-speed", "guard-wfu", "guard-tk",
                                                     "guard-bw-inc-exits", "guard-bw-exc-exits", "enough-mtbf", "ignoring-advertised-bws"])
        #expect(status.flagThreshold("stable-uptime") == "1293451")
        #expect(status.flagThreshold("guard-wfu") == "98.000%")
        #expect(status.numericFlagThreshold("guard-wfu") == 98.0)
        #expect(status.numericFlagThreshold("guard-bw-exc-exits") == 337_000)
        #expect(status.authorityFingerprint == nil)
        #expect(status.entries[0].bandwidth == 790)
        #expect(status.entries[0].flagNames == ["Fast", "HSDir", "Running", "Stable", "V2Dir", "Valid"])
        // Eight bridges allow some exits (file text); the rest say `reject 1-65535`.
        #expect(status.entries.filter { $0.exitPolicySummary != "reject 1-65535" }.count == 8)
    }

    @Test func version12FingerprintAndAddresses() throws {
        let status = try Self.status("stem--20190501-002857-BA44A889E64B93FAA2B114E02C2A279A8555C533")
        #expect(status.annotations.map(\.value) == ["bridge-network-status 1.2"])
        #expect(status.authorityFingerprint?.hex == "BA44A889E64B93FAA2B114E02C2A279A8555C533")
        #expect(status.flagThreshold("fast-speed") == "54000")
        // 198 entries have one IPv6 `a` line each; none has two.
        #expect(status.entries.filter { $0.orAddresses.count == 1 }.count == 198)
        let withAddress = try #require(status.entries.first { !$0.orAddresses.isEmpty })
        // r line identity AZqCvizs5XgF01Ngy8+7PoSaIKI, decoded to hex with Python.
        #expect(withAddress.fingerprint == Fingerprint(hex: "019A82BE2CECE57805D35360CBCFBB3E849A20A2"))
        #expect(withAddress.orAddresses.map(\.description) == ["[fd9f:2e19:3bcf::ba:907d]:51370"])
        let last = try #require(status.entries.last)
        #expect(last.orAddresses.map(\.description) == ["[fd9f:2e19:3bcf::2f:1c42]:64006"])
        #expect(last.bandwidth == 859)
        #expect(last.flagNames == ["Fast", "Running", "V2Dir", "Valid"])
        #expect(last.nickname == "LetFreedomRing")
        #expect(last.fingerprint.hex == "FFD817FAAA36F185F43474F74C446EA8D95EC38F")
        #expect(last.descriptorDigest?.hex == "0B0361D61557CFBF39A1DEAC965260665CEE557F")

        let cropped = try Self.status("cropped--metrics-lib--20170717-170645-1D8F3A91C37C5D1C4C19B1AD1D0CFBE8BF72D8E1")
        #expect(cropped.authorityFingerprint?.hex == "1D8F3A91C37C5D1C4C19B1AD1D0CFBE8BF72D8E1")
        #expect(cropped.numericFlagThreshold("guard-wfu") == 46.159)
    }

    @Test("parseAll finds the one status of a file") func parseAll() throws {
        let bytes = try ProjectFiles.corpus("bridge/stem--bridge_network_status")
        let results = BridgeNetworkStatus.parseAll(bytes[...])
        #expect(results.count == 1)
        #expect(try results[0].get().entries.count == 4)
    }

    // MARK: - Synthetic documents (hand-written for edge cases, not real data)

    static let syntheticEntry = "r Unnamed ABSiBVJ42z6w5Z6nAXQUFq8YVVg FI74aFuNJZZQrgln0f+OaocMd0M 2012-05-31 15:57:00 10.97.236.247 443 0\ns Valid\nw Bandwidth=55\np reject 1-65535\n"

    @Test func syntheticMalformedHeaderValues() throws {
        // Synthetic: a bad threshold item and a short fingerprint.
        let text = "published 2019-05-01 00:28:57\nflag-thresholds stable-uptime\nfingerprint ABCD\nfoo bar\n" + Self.syntheticEntry
        let lenient = try BridgeNetworkStatus(parsing: Array(text.utf8))
        #expect(lenient.warnings.map(\.keyword) == ["flag-thresholds", "fingerprint"])
        #expect(lenient.warnings.map(\.line) == [2, 3])
        #expect(lenient.flagThresholds.isEmpty)
        #expect(lenient.authorityFingerprint == nil)
        #expect(lenient.unrecognizedLines.map(\.keyword) == ["foo"])
        #expect(lenient.entries.count == 1)
        #expect(throws: DescriptorParseError.self) { try BridgeNetworkStatus(parsing: Array(text.utf8), mode: .strict) }
    }

    @Test func syntheticMissingOrBadPublishedThrows() throws {
        // Synthetic: without a usable first line the document cannot be identified.
        for text in ["flag-thresholds a=1\n" + Self.syntheticEntry, "published yesterday\n" + Self.syntheticEntry, ""] {
            #expect(throws: DescriptorParseError.self) { try BridgeNetworkStatus(parsing: Array(text.utf8)) }
        }
    }

    @Test func syntheticBadEntryIsSkippedLeniently() throws {
        // Synthetic: the second entry's identity is not base64.
        let bad = "r Broken !!!! FI74aFuNJZZQrgln0f+OaocMd0M 2012-05-31 15:57:00 10.0.0.1 443 0\ns Valid\n"
        let text = "published 2012-06-01 04:07:04\n" + Self.syntheticEntry + bad + Self.syntheticEntry
        let status = try BridgeNetworkStatus(parsing: Array(text.utf8))
        #expect(status.entries.count == 2)
        #expect(status.warnings.map(\.line) == [6])
        let error = try #require(throws: DescriptorParseError.self) { try BridgeNetworkStatus(parsing: Array(text.utf8), mode: .strict) }
        #expect(error.line == 6 && error.keyword == "r")
    }

    @Test func syntheticCRLF() throws {
        // Synthetic: the 1.0 layout with Windows line ends, which tor's text-mode writes produce.
        let text = ("published 2012-06-01 04:07:04\n" + Self.syntheticEntry).replacingOccurrences(of: "\n", with: "\r\n")
        let status = try BridgeNetworkStatus(parsing: Array(text.utf8), mode: .strict)
        #expect(status.published.description == "2012-06-01 04:07:04")
        #expect(status.entries.map(\.bandwidth) == [55])
        #expect(status.entries.first?.exitPolicySummary == "reject 1-65535")
    }

    @Test func syntheticStrictRules() throws {
        // Synthetic: a repeated `published` and a footer a bridge status never has.
        let twice = "published 2012-06-01 04:07:04\npublished 2012-06-01 04:07:04\n" + Self.syntheticEntry
        #expect(throws: DescriptorParseError.self) { try BridgeNetworkStatus(parsing: Array(twice.utf8), mode: .strict) }
        let footer = "published 2012-06-01 04:07:04\n" + Self.syntheticEntry + "directory-footer\n"
        let lenient = try BridgeNetworkStatus(parsing: Array(footer.utf8))
        #expect(lenient.entries.count == 1)
        #expect(lenient.unrecognizedLines.map(\.keyword) == ["directory-footer"])
        #expect(lenient.warnings.count == 1)
        #expect(throws: DescriptorParseError.self) { try BridgeNetworkStatus(parsing: Array(footer.utf8), mode: .strict) }
    }
}

/// Every entry against Stem 1.8.2 where Stem is installed: nickname, identity, digest,
/// published, address, ports and flags (the fields Stem's v2 entries have).
@Suite(.enabled(if: StemOracle.available, "Stem is not installed"))
struct BridgeNetworkStatusStemTests {
    static let script = """
    import sys, stem.descriptor
    d = list(stem.descriptor.parse_file(sys.argv[1], 'bridge-network-status 1.0', document_handler='DOCUMENT', validate=False))[0]
    print(d.published.strftime('%Y-%m-%d %H:%M:%S'))
    for e in d.routers.values():
        if e.nickname is None: continue  # the 1.1/1.2 header lines Stem mistakes for an entry
        print(e.nickname, e.fingerprint, e.digest, e.published.strftime('%Y-%m-%d %H:%M:%S'), e.address, e.or_port, e.dir_port, ','.join(sorted(e.flags)))
    """

    @Test(arguments: BridgeNetworkStatusTests.files.map(\.name))
    func entriesMatchStem(_ name: String) throws {
        let path = ProjectFiles.root.path + "/Resources/corpus/bridge/" + name
        let stem = try StemOracle.python(["-c", Self.script, path])
        #expect(stem.status == 0)
        let status = try BridgeNetworkStatusTests.status(name)
        var ours = [status.published.description]
        ours += status.entries.map { entry in
            [entry.nickname, entry.fingerprint.hex, entry.descriptorDigest?.hex ?? "None", entry.published.description,
             entry.address.description, String(entry.orPort), entry.dirPort.map(String.init) ?? "None",
             (entry.flagNames + entry.unknownFlags).sorted().joined(separator: ",")].joined(separator: " ")
        }
        let theirs = String(decoding: stem.output, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(theirs.count == ours.count)
        for (mine, stems) in zip(ours, theirs) where mine != stems {
            Issue.record("ours: \(mine)\nStem: \(stems)")
            break
        }
    }
}
