import Testing
@testable import TorDescriptors

// Synthetic documents: hand-written for edge cases, not edited real documents. The signature
// object is a placeholder (base64 of "synthetic"), never a real signature.

private func syntheticConsensus(params: String = "params a=1 b=-2",
                                entry: String = "r relay1 AAAErLudKby6FyVrs1ko3b/Iq6k SJYRVzcSmFzCm2d0z0Z9CvrPhzs 2026-07-26 23:17:14 192.0.2.1 9001 0\ns Fast Running Valid\nw Bandwidth=10\np reject 1-65535\n",
                                extraHeader: String = "") -> [UInt8] {
    let text = """
    network-status-version 3
    vote-status consensus
    consensus-method 35
    valid-after 2026-01-01 00:00:00
    fresh-until 2026-01-01 01:00:00
    valid-until 2026-01-01 03:00:00
    voting-delay 300 300
    known-flags Fast Running Valid
    \(params)
    \(extraHeader)dir-source auth1 0232AF901C31A04EE9848595AF9BB7620D4C5B2E auth.example 192.0.2.9 80 443
    contact someone
    vote-digest F750CD57D34E46E486118D50313438763DCF4177
    \(entry)directory-footer
    bandwidth-weights Wbd=1 Wbe=2
    directory-signature 0232AF901C31A04EE9848595AF9BB7620D4C5B2E 79ABAEE942F8F0F6E5FEB989D2539B05AB86DD8B
    -----BEGIN SIGNATURE-----
    c3ludGhldGlj
    -----END SIGNATURE-----

    """
    return Array(text.utf8)
}

@Test func syntheticConsensusParsesInBothModes() throws {
    for mode in [ValidationMode.lenient, .strict] {
        let consensus = try NetworkStatusConsensus(parsing: syntheticConsensus(), mode: mode)
        #expect(consensus.params.entries == [NamedInt32(name: "a", value: 1), NamedInt32(name: "b", value: -2)])
        #expect(consensus.entries.count == 1 && consensus.entries[0].line == 13)
        #expect(consensus.footer.bandwidthWeights["Wbe"] == 2)
        #expect(consensus.footer.signatures[0].signature == Array("synthetic".utf8))
    }
}

@Test func syntheticUnsortedParamsFailOnlyInStrictMode() throws {
    let bytes = syntheticConsensus(params: "params b=1 a=2")
    let lenient = try NetworkStatusConsensus(parsing: bytes)
    #expect(lenient.params["a"] == 2 && lenient.warnings.isEmpty)
    let error = #expect(throws: DescriptorParseError.self) { try NetworkStatusConsensus(parsing: bytes, mode: .strict) }
    #expect(error?.line == 9 && error?.keyword == "params")
}

@Test func syntheticParamOutOfInt32Range() throws {
    let bytes = syntheticConsensus(params: "params a=2147483648")
    let lenient = try NetworkStatusConsensus(parsing: bytes)
    #expect(lenient.params.isEmpty && lenient.warnings.count == 1 && lenient.warnings[0].line == 9)
    #expect(throws: DescriptorParseError.self) { try NetworkStatusConsensus(parsing: bytes, mode: .strict) }
}

@Test func syntheticBadRLineIsSkippedWithWarning() throws {
    let bad = "r relay0 not-base64 2026-07-26 23:17:14 192.0.2.1 9001 0\ns Fast\n"
    let good = "r relay1 AAAErLudKby6FyVrs1ko3b/Iq6k SJYRVzcSmFzCm2d0z0Z9CvrPhzs 2026-07-26 23:17:14 192.0.2.1 9001 0\ns Fast\n"
    let bytes = syntheticConsensus(entry: bad + good)
    let consensus = try NetworkStatusConsensus(parsing: bytes)
    #expect(consensus.entries.map(\.nickname) == ["relay1"])
    #expect(consensus.entries[0].line == 15)
    #expect(consensus.warnings.count == 1 && consensus.warnings[0].line == 13 && consensus.warnings[0].keyword == "r")
    let error = #expect(throws: DescriptorParseError.self) { try NetworkStatusConsensus(parsing: bytes, mode: .strict) }
    #expect(error?.line == 13)
}

@Test func syntheticEntryUnknownLinesFlagsAndWeights() throws {
    let entry = """
    r relay1 AAAErLudKby6FyVrs1ko3b/Iq6k SJYRVzcSmFzCm2d0z0Z9CvrPhzs 2026-07-26 23:17:14 192.0.2.1 9001 9030
    s Fast NewFlag Running
    w Bandwidth=10 Measured=7 Extra=3
    future-line with args
    -----BEGIN FUTURE-----
    AAAA
    -----END FUTURE-----

    """
    let consensus = try NetworkStatusConsensus(parsing: syntheticConsensus(entry: entry))
    let relay = consensus.entries[0]
    #expect(relay.flags == [.fast, .running] && relay.unknownFlags == ["NewFlag"] && relay.hasFlag("NewFlag"))
    #expect(relay.flagNames == ["Fast", "NewFlag", "Running"])
    #expect(relay.bandwidth == 10 && relay.measured == 7 && relay.unrecognizedBandwidthEntries == ["Extra=3"])
    #expect(relay.unrecognizedLines.count == 1)
    #expect(relay.unrecognizedLines[0].keyword == "future-line" && relay.unrecognizedLines[0].line == 16)
    #expect(relay.unrecognizedLines[0].object == "-----BEGIN FUTURE-----\nAAAA\n-----END FUTURE-----\n")
    #expect(relay.dirPort == 9030)
    #expect(consensus.footer.signatures.count == 1)   // the entry's object did not swallow the footer
}

@Test func syntheticMalformedWeightIsAWarning() throws {
    let entry = "r relay1 AAAErLudKby6FyVrs1ko3b/Iq6k SJYRVzcSmFzCm2d0z0Z9CvrPhzs 2026-07-26 23:17:14 192.0.2.1 9001 0\ns Fast\nw Bandwidth=ten\n"
    let bytes = syntheticConsensus(entry: entry)
    let consensus = try NetworkStatusConsensus(parsing: bytes)
    #expect(consensus.entries[0].bandwidth == nil)
    #expect(consensus.warnings.map(\.line) == [15] && consensus.entries[0].warnings.first?.keyword == "w")
    let error = #expect(throws: DescriptorParseError.self) { try NetworkStatusConsensus(parsing: bytes, mode: .strict) }
    #expect(error?.line == 15 && error?.keyword == "w")
}

@Test func syntheticStrictEntryRules() throws {
    let noS = "r relay1 AAAErLudKby6FyVrs1ko3b/Iq6k SJYRVzcSmFzCm2d0z0Z9CvrPhzs 2026-07-26 23:17:14 192.0.2.1 9001 0\nv Tor 0.4.9.9\n"
    var error = #expect(throws: DescriptorParseError.self) { try NetworkStatusConsensus(parsing: syntheticConsensus(entry: noS), mode: .strict) }
    #expect(error?.failure == .missingKeyword && error?.keyword == "s" && error?.line == 13)
    let twoV = noS + "s Fast\nv Tor 0.4.9.8\n"
    error = #expect(throws: DescriptorParseError.self) { try NetworkStatusConsensus(parsing: syntheticConsensus(entry: twoV), mode: .strict) }
    #expect(error?.failure == .duplicateKeyword && error?.line == 16)
    let lenient = try NetworkStatusConsensus(parsing: syntheticConsensus(entry: twoV))
    #expect(lenient.entries[0].versionLine == "Tor 0.4.9.9")   // the first one wins
    let unsortedFlags = "r relay1 AAAErLudKby6FyVrs1ko3b/Iq6k SJYRVzcSmFzCm2d0z0Z9CvrPhzs 2026-07-26 23:17:14 192.0.2.1 9001 0\ns Running Fast\n"
    #expect(throws: DescriptorParseError.self) { try NetworkStatusConsensus(parsing: syntheticConsensus(entry: unsortedFlags), mode: .strict) }
    #expect(try NetworkStatusConsensus(parsing: syntheticConsensus(entry: unsortedFlags)).entries[0].flags == [.fast, .running])
}

@Test func syntheticHeaderRules() throws {
    let duplicate = syntheticConsensus(extraHeader: "known-flags Fast\n")
    let error = #expect(throws: DescriptorParseError.self) { try NetworkStatusConsensus(parsing: duplicate, mode: .strict) }
    #expect(error?.failure == .duplicateKeyword && error?.line == 10)
    #expect(try NetworkStatusConsensus(parsing: duplicate).entries.count == 1)

    let unknown = try NetworkStatusConsensus(parsing: syntheticConsensus(extraHeader: "future-header 1 2\n"), mode: .strict)
    #expect(unknown.header.unrecognizedLines.map(\.keyword) == ["future-header"])

    let voteOnly = syntheticConsensus(extraHeader: "published 2026-01-01 00:00:00\n")
    #expect(throws: DescriptorParseError.self) { try NetworkStatusConsensus(parsing: voteOnly, mode: .strict) }
    #expect(try NetworkStatusConsensus(parsing: voteOnly).warnings.count == 1)
}

@Test func syntheticUnidentifiableDocumentsThrowInLenientMode() {
    let v2 = Array("network-status-version 2\ndir-source a 1.2.3.4 80\n".utf8)
    let error = #expect(throws: DescriptorParseError.self) { try NetworkStatusConsensus(parsing: v2) }
    #expect(error?.line == 1 && error?.keyword == "network-status-version")
    let other = Array("router x 1.2.3.4 9001 0 0\n".utf8)
    #expect(throws: DescriptorParseError.self) { try NetworkStatusConsensus(parsing: other) }
    #expect(throws: DescriptorParseError.self) { try NetworkStatusConsensus(parsing: [UInt8]()) }
}

@Test func relayFlagsAndProtocolValues() {
    #expect(RelayFlags(name: "HSDir") == .hsDir && RelayFlags(name: "hsdir") == nil)
    #expect(RelayFlags([.valid, .authority, .exit]).names == ["Authority", "Exit", "Valid"])
    let protocols = ProtocolVersions(parsing: "Link=1-5 LinkAuth=1,3 Padding=")
    #expect(protocols?["LinkAuth"] == [1...1, 3...3] && protocols?["Padding"] == [])
    #expect(protocols?.supports("Link", version: 5) == true && protocols?.supports("LinkAuth", version: 2) == false)
    #expect(ProtocolVersions(parsing: "Link=5-1") == nil && ProtocolVersions(parsing: "Link=1,") == nil && ProtocolVersions(parsing: "=1") == nil)
}
