import TorDescriptors
import TorWire

/// The directory documents a running tor holds, asked with `GETINFO` and parsed (control-spec
/// §3.9): the consensus of either flavor, router status entries, server descriptors,
/// microdescriptors and extra-info descriptors. A document that does not parse throws
/// ``ControlSessionError/document(key:_:)``; a key tor does not know (552, e.g. a relay it has
/// no descriptor for) gives nil for the one-relay questions.
///
/// ```swift
/// let (entries, micros) = try await ControlSession.withSession(host: "127.0.0.1", port: 9051) { session in
///     (try await session.routerStatusEntries(), try await session.microdescriptors())
/// }
/// ```
extension ControlSession {
    /// `GETINFO key`, or nil when tor answers 552 (it knows no such key: no such relay, or a
    /// document it has not fetched).
    public mutating func getInfoIfPresent(_ key: String) async throws -> [UInt8]? {
        do {
            return try await getInfo(key)
        } catch ControlSessionError.rejected(let status, _) where status == 552 {
            return nil
        }
    }

    /// `GETINFO dir/status-vote/current/consensus` (ns) or `.../consensus-microdesc`: the
    /// consensus tor uses. A client tor holds the ns flavor only with `FetchUselessDescriptors 1`.
    public mutating func consensus(flavor: ConsensusFlavor = .ns, mode: ValidationMode = .lenient) async throws -> NetworkStatusConsensus {
        let key = flavor == .microdesc ? "dir/status-vote/current/consensus-microdesc" : "dir/status-vote/current/consensus"
        let bytes = try await getInfo(key)
        return try Self.parsed(key) { () throws(DescriptorParseError) in try NetworkStatusConsensus(parsing: bytes[...], mode: mode) }
    }

    /// `GETINFO ns/all`: a router status entry for every relay of tor's current consensus (in the
    /// ns form, without `p` lines: tor writes the ControlPort form).
    public mutating func routerStatusEntries(mode: ValidationMode = .lenient) async throws -> [RouterStatusEntry] {
        let bytes = try await getInfo("ns/all")
        return try Self.parsed("ns/all") { () throws(DescriptorParseError) in try RouterStatusEntryList(parsing: bytes[...], mode: mode).entries }
    }

    /// `GETINFO ns/id/<fingerprint>`: one relay's router status entry, nil when tor's consensus
    /// does not list it.
    public mutating func routerStatusEntry(for fingerprint: Fingerprint, mode: ValidationMode = .lenient) async throws -> RouterStatusEntry? {
        let key = "ns/id/" + fingerprint.hex
        guard let bytes = try await getInfoIfPresent(key) else { return nil }
        return try Self.parsed(key) { () throws(DescriptorParseError) in try RouterStatusEntryList(parsing: bytes[...], mode: mode).entries.first }
    }

    /// `GETINFO md/all`: every microdescriptor tor holds.
    public mutating func microdescriptors(mode: ValidationMode = .lenient) async throws -> [Microdescriptor] {
        try Self.all("md/all", Microdescriptor.parseAll(try await getInfo("md/all")[...], mode: mode))
    }

    /// `GETINFO md/id/<fingerprint>`: one relay's microdescriptor, nil when tor has none.
    public mutating func microdescriptor(for fingerprint: Fingerprint, mode: ValidationMode = .lenient) async throws -> Microdescriptor? {
        try await one("md/id/" + fingerprint.hex) { Microdescriptor.parseAll($0, mode: mode) }
    }

    /// `GETINFO desc/all-recent`: every server descriptor tor holds (a client tor fetches them
    /// only with `FetchUselessDescriptors 1`; otherwise the list is empty).
    public mutating func serverDescriptors(mode: ValidationMode = .lenient) async throws -> [ServerDescriptor] {
        try Self.all("desc/all-recent", ServerDescriptor.parseAll(try await getInfo("desc/all-recent")[...], mode: mode))
    }

    /// `GETINFO desc/id/<fingerprint>`: one relay's newest server descriptor, nil when tor has none.
    public mutating func serverDescriptor(for fingerprint: Fingerprint, mode: ValidationMode = .lenient) async throws -> ServerDescriptor? {
        try await one("desc/id/" + fingerprint.hex) { ServerDescriptor.parseAll($0, mode: mode) }
    }

    /// `GETINFO extra-info/digest/<digest>`: the extra-info descriptor a server descriptor's
    /// `extraInfoDigest` names, nil when tor has none (a client tor fetches
    /// them only with `DownloadExtraInfo 1`). From text: `SHA1DigestValue(hex:)`.
    public mutating func extraInfo(digest: SHA1DigestValue, mode: ValidationMode = .lenient) async throws -> ExtraInfoDescriptor? {
        try await one("extra-info/digest/" + digest.hex) { ExtraInfoDescriptor.parseAll($0, mode: mode) }
    }

    /// The extra-info descriptors of `descriptors`, one `GETINFO` each, leaving out those tor
    /// does not hold.
    public mutating func extraInfos(of descriptors: [ServerDescriptor], mode: ValidationMode = .lenient) async throws -> [ExtraInfoDescriptor] {
        var found: [ExtraInfoDescriptor] = []
        for digest in descriptors.compactMap(\.extraInfoDigest) {
            if let extraInfo = try await extraInfo(digest: digest, mode: mode) { found.append(extraInfo) }
        }
        return found
    }

    // MARK: Parsing what tor sent

    private mutating func one<Document>(_ key: String, _ parse: (ArraySlice<UInt8>) -> [Result<Document, DescriptorParseError>]) async throws -> Document? {
        guard let bytes = try await getInfoIfPresent(key) else { return nil }
        return try Self.all(key, parse(bytes[...])).first
    }

    static func all<Document>(_ key: String, _ results: [Result<Document, DescriptorParseError>]) throws(ControlSessionError) -> [Document] {
        var documents: [Document] = []
        documents.reserveCapacity(results.count)
        for result in results {
            switch result {
            case .success(let document): documents.append(document)
            case .failure(let error): throw .document(key: key, error)
            }
        }
        return documents
    }

    static func parsed<Value>(_ key: String, _ parse: () throws(DescriptorParseError) -> Value) throws(ControlSessionError) -> Value {
        do { return try parse() } catch { throw .document(key: key, error) }
    }
}
