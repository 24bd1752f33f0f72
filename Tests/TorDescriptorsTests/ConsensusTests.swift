import Foundation
import Testing
@testable import TorDescriptors

// Expected values below were read from the files and cross-checked with Stem 1.8.2
// (`stem.descriptor.parse_file(path, 'network-status-consensus-3 1.0' / 'network-status-microdesc-consensus-3 1.0',
// document_handler=DOCUMENT)`); digests with Python's hashlib over the same byte ranges.

private func hex(_ text: String) -> Fingerprint { Fingerprint(hex: text)! }

@Test func consensusNsFull2012() throws {
    let bytes = try ProjectFiles.corpus("consensus/2012-06-18-21-00-00-cached-consensus")
    for mode in [ValidationMode.lenient, .strict] {
        let consensus = try NetworkStatusConsensus(parsing: bytes, mode: mode)
        #expect(consensus.flavor == .ns)
        #expect(consensus.entries.count == 2993)
        #expect(consensus.warnings.isEmpty)
        #expect(consensus.consensusMethod == 12)
        #expect(consensus.validAfter?.description == "2012-06-18 21:00:00")
        #expect(consensus.freshUntil?.description == "2012-06-18 22:00:00")
        #expect(consensus.validUntil?.description == "2012-06-19 00:00:00")
        #expect(consensus.voteDelay == 300 && consensus.distDelay == 300)
        #expect(consensus.knownFlags == ["Authority", "BadExit", "Exit", "Fast", "Guard", "HSDir", "Named", "Running", "Stable", "Unnamed", "V2Dir", "Valid"])
        #expect(consensus.params["CircuitPriorityHalflifeMsec"] == 30000)
        #expect(consensus.params["bwauthpid"] == 1)
        #expect(consensus.sharedRandomCurrent == nil)
        #expect(consensus.authorities.count == 7)
        let tor26 = consensus.authorities[0]
        #expect(tor26.nickname == "tor26" && tor26.identity == hex("14C131DFC5C6F93646BE72FA1401C02A8DF2E8B4"))
        #expect(tor26.hostname == "86.59.21.38" && tor26.dirPort == 80 && tor26.orPort == 443 && tor26.line == 12)
        #expect(tor26.contact == "Peter Palfrader")
        #expect(tor26.voteDigest?.hex == "3647C75A88808A9B70F26F2F10D23EA49FBEF74A")

        let first = consensus.entries[0]
        #expect(first.line == 33)
        #expect(first.nickname == "Unnamed")
        #expect(first.fingerprint == hex("0028DBB079E445EC040D7CFD9AA4B4C09C8BC293"))
        #expect(first.descriptorDigest?.hex == "DD1F1DD1424FFB4D2AAEF72661BC56FADD7B49F2")
        #expect(first.published.description == "2012-06-18 20:17:16")
        #expect(first.address.description == "178.52.17.39" && first.orPort == 443 && first.dirPort == 9030)
        #expect(first.flags == [.badExit, .fast, .running, .v2Dir, .valid])
        #expect(first.versionLine == "Tor 0.2.2.35")
        #expect(first.bandwidth == 43 && !first.isUnmeasured)
        #expect(first.exitPolicySummary == "reject 1-65535")
        #expect(first.microdescriptorDigest == nil)
        #expect(String(decoding: first.rawBytes.prefix(10), as: UTF8.self) == "r Unnamed ")

        let last = try #require(consensus.entries.last)
        #expect(last.nickname == "Beaver" && last.dirPort == nil && last.versionLine == "Tor 0.2.3.16-alpha-dev")
        #expect(consensus.entries.filter { $0.flags.contains(.exit) }.count == 887)

        #expect(consensus.footer.hasFooterLine)
        #expect(consensus.footer.bandwidthWeights.entries.count == 19)
        #expect(consensus.footer.bandwidthWeights["Wbd"] == 2498)
        #expect(consensus.footer.signatures.count == 7)
        let signature = consensus.footer.signatures[0]
        #expect(signature.algorithm == .sha1 && !signature.algorithmWasExplicit && signature.line == 15000)
        #expect(signature.identity == hex("14C131DFC5C6F93646BE72FA1401C02A8DF2E8B4"))
        #expect(signature.signingKeyDigest == hex("BF112F1C6D5543CFD0A32215ACABD4197B5279AD"))
        #expect(signature.signature.count == 128)
        #expect(consensus.footer.signatures.last?.identity == hex("ED03BB616EB2F60BEC80151114BB25CEF515B226"))

        #expect(consensus.signedDigestSHA1?.hex == "709D5839CCA5BB064A08847BBABC7E5AE8A8EEBE")
        #expect(consensus.signedDigestSHA256?.hex == "FFB875BC69ACD119B8BA9DE0BD2110C2086333FC0787E5E926DF9E373A0A2C86")
        let signed = try #require(consensus.signedRange)
        #expect(String(decoding: bytes[signed].suffix(21), as: UTF8.self) == "\ndirectory-signature ")
    }
}

@Test func consensusLookupAndClock() throws {
    let consensus = try NetworkStatusConsensus(parsing: try ProjectFiles.corpus("consensus/2012-06-18-21-00-00-cached-consensus"))
    let beaver = consensus.entry(for: hex("FFDE9B2A8E2CA32B2894C80A9F91DEC769F21526"))
    #expect(beaver?.nickname == "Beaver")
    #expect(consensus.entry(for: hex("0000000000000000000000000000000000000001")) == nil)
    // Every entry is found by its own fingerprint (binary search over the sorted entries).
    #expect(consensus.entries.allSatisfy { consensus.entry(for: $0.fingerprint)?.line == $0.line })

    let validAfter = consensus.validAfter!.date
    #expect(consensus.isValid(at: validAfter) && consensus.isFresh(at: validAfter))
    #expect(consensus.isValid(at: validAfter.addingTimeInterval(3 * 3600)))        // = valid-until
    #expect(!consensus.isFresh(at: validAfter.addingTimeInterval(3600)))            // = fresh-until
    #expect(!consensus.isValid(at: validAfter.addingTimeInterval(3 * 3600 + 1)))
    #expect(!consensus.isValid(at: validAfter.addingTimeInterval(-1)))
}

@Test func consensusMicrodescFull2015() throws {
    let bytes = try ProjectFiles.corpus("microdesc-consensus/2015-11-10-05-00-00-cached-microdesc-consensus")
    let consensus = try NetworkStatusConsensus(parsing: bytes, mode: .strict)
    #expect(consensus.flavor == .microdesc && consensus.isMicrodescriptorFlavor)
    #expect(consensus.entries.count == 6626)
    #expect(consensus.consensusMethod == 20)
    #expect(consensus.params.entries.count == 11 && consensus.params["cbttestfreq"] == 1000)
    #expect(consensus.authorities.count == 8)
    #expect(consensus.authorities[0].voteDigest?.hex == "A779407C10198F1600C7A3125A5C23276174BA49")
    let first = consensus.entries[0]
    #expect(first.nickname == "PDrelay1" && first.fingerprint == hex("000149E6EF7102AACA9690D6E8DD2932124B94AB"))
    #expect(first.descriptorDigest == nil)
    #expect(first.microdescriptorDigest?.base64 == "QicO/OGPfdTkLbCB9nPM9dmcQ8r2D/0fBm3eqWcIs9c")
    #expect(first.microdescriptorDigest?.hex == "42270EFCE18F7DD4E42DB081F673CCF5D99C43CAF60FFD1F066DDEA96708B3D7")
    #expect(first.published.description == "2015-11-09 10:54:03" && first.orPort == 8080 && first.dirPort == nil)
    #expect(first.bandwidth == 377 && first.exitPolicySummary == nil)
    #expect(consensus.entries.last?.microdescriptorDigest?.base64 == "G0pIFnWAQjGPafgUlUIVpRepNVCqSvihKKTOCcEtjtA")
    #expect(consensus.entries.filter { $0.flags.contains(.exit) }.count == 922)
    #expect(consensus.entries.filter(\.isUnmeasured).count == 135)
    #expect(consensus.footer.signatures.count == 8)
    #expect(consensus.footer.signatures.allSatisfy { $0.algorithm == .sha256 && $0.algorithmWasExplicit })
    #expect(consensus.footer.signatures[0].signingKeyDigest == hex("6B927B1652524EE77C98EEA4160DA00B943C7568"))
    #expect(consensus.signedDigestSHA256?.hex == "FB96C9573F31A64F6B4DABD125CF7A337CE69545FECB17073A5FDD8BCC7B1E46")
    #if !canImport(Darwin)
    #expect(consensus.sha3Digest.map { Hex.encode($0).prefix(16) } == "F48362EA1EF1A99B")
    #endif
}

@Test func consensusCroppedLive2026() throws {
    let ns = try NetworkStatusConsensus(parsing: try ProjectFiles.corpus("consensus/cropped--2026-07-27-10-00-00-consensus-arti-live"), mode: .strict)
    let md = try NetworkStatusConsensus(parsing: try ProjectFiles.corpus("microdesc-consensus/cropped--2026-07-27-10-00-00-consensus-microdesc-arti-live"), mode: .strict)
    for consensus in [ns, md] {
        #expect(consensus.consensusMethod == 35 && consensus.entries.count == 5 && consensus.footer.signatures.count == 9)
        #expect(consensus.sharedRandomPrevious?.revealCount == 9)
        #expect(consensus.sharedRandomPrevious?.base64 == "B7WEEFCA6Jb1/tqV05207vqC/eJUlBPr7QemYm5FCCU=")
        #expect(consensus.sharedRandomCurrent?.revealCount == 9)
        #expect(consensus.sharedRandomCurrent?.base64 == "zwbAmnMGie00x5rmWGk+lP2rTXK2n0OmkF/1Ih4LcAI=")
        #expect(consensus.sharedRandomCurrent?.value.count == 32)
        #expect(consensus.params.entries.count == 45)
        #expect(consensus.params["AuthDirMaxServersPerAddr"] == 8 && consensus.params["overload_onionskin_ntor_period_secs"] == 10800)
        #expect(consensus.params.entries.last?.name == "sendme_accept_min_version")
        #expect(consensus.knownFlags.contains("MiddleOnly") && consensus.knownFlags.count == 14)
        let required = try #require(consensus.requiredClientProtocols)
        #expect(required.description == "Cons=2 Desc=2 FlowCtrl=1 Link=4 Microdesc=2 Relay=2")
        #expect(required["Link"] == [4...4] && required.supports("FlowCtrl", version: 1) && !required.supports("Relay", version: 3))
        #expect(consensus.authorities[0].hostname == "dannenberg.torauth.de")
        #expect(consensus.footer.signatures.last?.identity == hex("F533C81CEF0BC0267857C99B2F471ADF249FA232"))

        let lisdex = consensus.entries[0]
        #expect(lisdex.nickname == "lisdex" && lisdex.fingerprint == hex("000004ACBB9D29BCBA17256BB35928DDBFC8ABA9"))
        #expect(lisdex.orAddresses == [ORAddress(address: IPAddress("2a0a:4cc0:c1:2aac::1")!, port: 8443)])
        #expect(lisdex.flags.names == ["Fast", "Guard", "Running", "Stable", "V2Dir", "Valid"])
        #expect(lisdex.bandwidth == 53000 && lisdex.versionLine == "Tor 0.4.9.9")
        let protocols = try #require(lisdex.protocols)
        #expect(protocols["Relay"] == [2...6] && protocols["Desc"] == [1...4] && protocols.entries.count == 13)
        #expect(lisdex.protocolsLine?.hasPrefix("Conflux=1 Cons=1-2 ") == true)
        let moria1 = try #require(consensus.entries.first { $0.nickname == "moria1" })
        #expect(moria1.isUnmeasured && moria1.bandwidth == 20 && moria1.flags.contains(.authority))
        #expect(consensus.entries.filter { !$0.orAddresses.isEmpty }.count == 4)
    }
    #expect(ns.entries[0].descriptorDigest?.hex == "489611573712985CC29B6774CF467D0AFACF873B")
    #expect(ns.footer.signatures[0].algorithm == .sha1)
    #expect(md.entries[0].published.description == "2038-01-01 00:00:00")
    #expect(md.entries[0].microdescriptorDigest?.base64 == "vtKpzB+Vw6LlETW6txvAH+1G6gJIl6x1D/N3NZdPK24")
    #expect(md.footer.signatures[0].algorithm == .sha256)
}

/// Tor on Windows writes CRLF line endings; Stem 1.8.2 misreads this file (flavor `microdesc\r`,
/// one entry with no fields). We read all four entries cleanly.
@Test func consensusWithCarriageReturns() throws {
    let bytes = try ProjectFiles.corpus("malformed/stem--cached-microdesc-consensus_with_carriage_returns")
    for mode in [ValidationMode.lenient, .strict] {
        let consensus = try NetworkStatusConsensus(parsing: bytes, mode: mode)
        #expect(consensus.flavor == .microdesc)
        #expect(consensus.consensusMethod == 20 && consensus.validAfter?.description == "2015-09-15 18:00:00")
        #expect(consensus.entries.count == 4 && consensus.footer.signatures.count == 9)
        let first = consensus.entries[0]
        #expect(first.nickname == "PDrelay1" && first.line == 39 && first.dirPort == nil)
        #expect(first.microdescriptorDigest?.base64 == "iH2s4cVPTmThmmx1phnjDd6oGpHAEP7FDK38AFYRV74")
        #expect(first.flags.names == ["Fast", "Running", "Stable", "Valid"] && first.unknownFlags.isEmpty)
        #expect(consensus.entries[1].nickname == "seele" && consensus.entries[1].line == 44)
        #expect(consensus.warnings.isEmpty)
    }
}

@Test func consensusStreamingMatchesWholeDocument() throws {
    let bytes = try ProjectFiles.corpus("microdesc-consensus/2015-11-10-05-00-00-cached-microdesc-consensus")
    let whole = try NetworkStatusConsensus(parsing: bytes)
    var reader = try ConsensusReader(bytes[...])
    #expect(reader.header.validAfter == whole.validAfter && reader.header.authorities.count == 8)
    var count = 0
    while let entry = try reader.nextEntry() {
        #expect(entry.fingerprint == whole.entries[count].fingerprint && entry.line == whole.entries[count].line)
        count += 1
    }
    #expect(count == 6626)
    let footer = try reader.footer()
    #expect(footer.footer.signatures.count == 8 && footer.signedRange == whole.signedRange)

    // A `for` loop iterates a copy of the reader (value semantics), starting after the header.
    let forLoop = try ConsensusReader(bytes[...])
    var exits = 0
    for entry in forLoop where entry.flags.contains(.exit) { exits += 1 }
    #expect(exits == 922 && forLoop.failure == nil)
}

@Test func consensusStemJSONNames() throws {
    let consensus = try NetworkStatusConsensus(parsing: try ProjectFiles.corpus("consensus/cropped--2026-07-27-10-00-00-consensus-arti-live"))
    let header = consensus.stemJSON.serialized()
    #expect(header.contains("\"valid_after\":\"2026-07-27 10:00:00\""))
    #expect(header.contains("\"shared_randomness_current_reveal_count\":9"))
    #expect(header.contains("\"consensus_method\":35"))
    let entry = consensus.entries[0].stemJSON.serialized()
    #expect(entry.hasPrefix("{\"nickname\":\"lisdex\",\"fingerprint\":\"000004ACBB9D29BCBA17256BB35928DDBFC8ABA9\",\"digest\":\"489611573712985CC29B6774CF467D0AFACF873B\""))
    #expect(entry.contains("\"or_addresses\":[[\"2a0a:4cc0:c1:2aac::1\",8443,true]]"))
    #expect(entry.contains("\"Relay\":[2,3,4,5,6]"))
}
