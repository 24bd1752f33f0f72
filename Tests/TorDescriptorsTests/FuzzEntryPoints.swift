import Foundation
@_spi(Fuzzing) import TorDescriptors

/// The fuzz targets' entry points, shared by the libFuzzer executables in `Fuzz/` (this file is
/// symlinked there) and by `FuzzRegressionTests`, which replays every saved crashing input
/// through the same function.
///
/// Beyond "does not crash", each entry point checks invariants a crash-only fuzzer would miss;
/// a broken invariant traps through ``violated(_:_:)`` so libFuzzer keeps the input.
///
/// ```swift
/// FuzzEntryPoints.targets["microdescriptor"]!(Array("onion-key\n".utf8))
/// ```
enum FuzzEntryPoints {
    /// Every target by the name `scripts/fuzz.sh` and the executables use (`fuzz-<name>`).
    static let targets: [String: @Sendable ([UInt8]) -> Void] = [
        "tokenizer": tokenizer,
        "server-descriptor": { documents($0, ServerDescriptor.self, as: .serverDescriptor) },
        "extra-info": { documents($0, ExtraInfoDescriptor.self, as: .extraInfo) },
        "microdescriptor": { documents($0, Microdescriptor.self, as: .microdescriptor) },
        "consensus": { documents($0, NetworkStatusConsensus.self, as: .networkStatusConsensus); consensusParseAllAgrees($0) },
        "microdesc-consensus": { documents($0, NetworkStatusConsensus.self, as: .networkStatusMicrodescConsensus); consensusParseAllAgrees($0) },
        "vote": { documents($0, NetworkStatusVote.self, as: .networkStatusVote) },
        "key-certificate": { documents($0, KeyCertificate.self, as: .keyCertificate) },
        "detached-signatures": { documents($0, DetachedSignatures.self, as: .detachedSignature) },
        "bridge-network-status": { documents($0, BridgeNetworkStatus.self, as: .bridgeNetworkStatus) },
        "network-status-2": { documents($0, NetworkStatusV2.self, as: .networkStatusV2) },
        "directory": { documents($0, RelayDirectory.self, as: .relayDirectory) },
        "consensus-diff": consensusDiff,
        "exit-policy": exitPolicy,
        "ed25519-certificate": ed25519Certificate,
        "rsa-public-key": rsaPublicKey,
        "any-descriptor": anyDescriptor,
        "exit-list": exitList,
        "bandwidth-file": bandwidthFile,
        "onion-address": onionAddress,
        "onion-service-descriptor": onionServiceDescriptor,
        "onion-service-decrypt": onionServiceDecrypt,
        "line-endings": lineEndings,
        "authority-history": authorityHistory,
        "bridge-pool-assignment": bridgePoolAssignment,
        "webstats": webServerAccessLog,
        "torperf": torperf,
        "snowflake-stats": snowflakeStats,
        "bridgedb-metrics": bridgedbMetrics,
        "geoip": geoip,
        "lookup-index": lookupIndex,
        "digest-text": digestText,
    ]

    /// Target names in a stable order.
    static var names: [String] { targets.keys.sorted() }

    /// Reports a broken invariant: a trap, so libFuzzer saves the input and the test fails loudly.
    static func violated(_ message: @autoclosure () -> String, _ bytes: [UInt8]) -> Never {
        fatalError("fuzz invariant violated: \(message()) (input of \(bytes.count) bytes)")
    }

    // MARK: - Tokenizer

    static func tokenizer(_ data: [UInt8]) {
        let bytes = data[...]
        let lenient = try? Tokenizer.tokenize(bytes, kind: .serverDescriptor, mode: .lenient)
        let strict = try? Tokenizer.tokenize(bytes, kind: .serverDescriptor, mode: .strict,
                                             nonASCIIAllowed: ["contact", "platform"])
        if let strict {
            guard let lenient else { violated("strict tokenizing accepted what lenient rejected", data) }
            // Only the non-ASCII flag may differ: strict tracks it, lenient does not look.
            let same = lenient.items.count == strict.items.count && zip(lenient.items, strict.items).allSatisfy {
                $0.range == $1.range && $0.keyword == $1.keyword && $0.arguments == $1.arguments && $0.object == $1.object
            }
            guard same else { violated("strict and lenient tokenizing disagree on the items", data) }
        }
        for document in [lenient, strict].compactMap({ $0 }) {
            checkItems(document, data)
        }
    }

    /// Items lie inside the content, in order, without overlap; keyword, arguments and object
    /// lie inside their item.
    static func checkItems(_ document: TokenizedDocument, _ data: [UInt8]) {
        let bytes = document.bytes
        guard document.content.lowerBound >= bytes.startIndex, document.content.upperBound == bytes.endIndex else {
            violated("content range \(document.content) outside \(bytes.indices)", data)
        }
        var previousEnd = document.content.lowerBound
        var previousLine = 0
        for item in document.items {
            guard item.range.lowerBound >= previousEnd, item.range.upperBound <= bytes.endIndex,
                  !item.range.isEmpty else { violated("item range \(item.range) after \(previousEnd)", data) }
            guard item.line > previousLine else { violated("item lines not increasing", data) }
            guard item.keyword.lowerBound >= item.range.lowerBound, item.keyword.upperBound <= item.arguments.lowerBound,
                  item.arguments.upperBound <= item.range.upperBound else {
                violated("keyword/arguments outside item \(item.range)", data)
            }
            if let object = item.object {
                guard object.range.lowerBound >= item.arguments.upperBound, object.range.upperBound == item.range.upperBound,
                      object.body.lowerBound >= object.range.lowerBound, object.body.upperBound <= object.range.upperBound,
                      object.name.lowerBound >= object.range.lowerBound, object.name.upperBound <= object.body.lowerBound else {
                    violated("object ranges inconsistent in \(item.range)", data)
                }
                _ = object.decodedBytes(in: bytes)
                _ = object.name(in: bytes)
            }
            var cursor = item.argumentCursor(in: bytes)
            while let argument = cursor.next() {
                guard argument.lowerBound >= item.arguments.lowerBound, argument.upperBound <= item.arguments.upperBound,
                      !argument.isEmpty else { violated("argument \(argument) outside \(item.arguments)", data) }
            }
            previousEnd = item.range.upperBound
            previousLine = item.line
        }
        for annotation in document.annotations where annotation.line >= (document.items.first?.line ?? Int.max) {
            violated("annotation after the first item", data)
        }
    }

    // MARK: - Documents

    /// `parseAll` in both modes, with the splitter's and the results' invariants.
    /// `NetworkStatusConsensus.parseAll` (the buffer parsed as one while the entry scanner watches
    /// for a second start line) gives what the general path gives: split first, then parse each.
    static func consensusParseAllAgrees(_ data: [UInt8]) {
        for mode in [ValidationMode.lenient, .strict] {
            let fast = NetworkStatusConsensus.parseAll(data[...], mode: mode)
            let general = generalParseAll(NetworkStatusConsensus.self, data[...], mode: mode)
            guard fast.count == general.count else { violated("parseAll gave \(fast.count) results, splitting first \(general.count)", data) }
            for (one, other) in zip(fast, general) {
                switch (one, other) {
                case (.success(let a), .success(let b)):
                    guard a.rawBytes.indices == b.rawBytes.indices, a.entries.count == b.entries.count, a.warnings == b.warnings,
                          a.footer.signatures.count == b.footer.signatures.count else {
                        violated("parseAll and splitting first parsed different consensuses", data)
                    }
                case (.failure(let a), .failure(let b)):
                    guard a == b else { violated("parseAll failed with \(a), splitting first with \(b)", data) }
                default:
                    violated("parseAll and splitting first disagree on success", data)
                }
            }
        }
    }

    /// `ParsableDocument.parseAll`, the protocol's own: called in a generic context, so a type's
    /// own `parseAll` does not stand in for it.
    static func generalParseAll<T: ParsableDocument>(_ type: T.Type, _ bytes: ArraySlice<UInt8>, mode: ValidationMode) -> [Result<T, DescriptorParseError>] {
        T.parseAll(bytes, mode: mode)
    }

    static func documents<T: ParsableDocument & FuzzRawBytes>(_ data: [UInt8], _ type: T.Type, as descriptorType: DescriptorType) {
        let bytes = data[...]
        // The slices tile the input: nothing dropped, nothing doubled, in order.
        let slices = Array(T.slices(in: bytes))
        var expectedStart = bytes.startIndex
        for slice in slices {
            guard slice.bytes.startIndex == expectedStart, !slice.bytes.isEmpty else {
                violated("slice starts at \(slice.bytes.startIndex), expected \(expectedStart)", data)
            }
            expectedStart = slice.bytes.endIndex
        }
        guard expectedStart == bytes.endIndex else { violated("slices stop at \(expectedStart) of \(bytes.count)", data) }

        let lenient = T.parseAll(bytes, mode: .lenient)
        let strict = T.parseAll(bytes, mode: .strict)
        guard lenient.count == slices.count, strict.count == slices.count else {
            violated("parseAll gave \(lenient.count)/\(strict.count) results for \(slices.count) slices", data)
        }
        for index in slices.indices {
            let slice = slices[index].bytes
            for result in [lenient[index], strict[index]] {
                guard case .success(let document) = result else { continue }
                let raw = document.fuzzRawBytes
                guard raw.startIndex >= slice.startIndex, raw.endIndex <= slice.endIndex else {
                    violated("rawBytes \(raw.indices) outside its slice \(slice.indices)", data)
                }
            }
            if case .success = strict[index], case .failure(let error) = lenient[index] {
                violated("lenient rejected what strict accepted: \(error)", data)
            }
            if case .failure(let error) = strict[index] { _ = error.description }
        }
        // The generic path the CLI takes, with JSON output.
        for result in AnyDescriptor.parseAll(bytes, as: descriptorType) {
            if case .success(let document) = result { _ = document.stemJSON.serialized() }
        }
    }

    // MARK: - Exit lists and bandwidth files (one document per file)

    /// CRLF normalization: a normalized file holds no CR and classifies as LF; anything else is
    /// returned untouched; a stray CR names a line that exists.
    static func lineEndings(_ data: [UInt8]) {
        let (bytes, endings) = LineEndings.normalizing(data)
        switch endings {
        case .lf:
            guard bytes == data, !data.contains(0x0D) else { violated("an LF file was changed or holds a CR", data) }
        case .crlfNormalized:
            guard !bytes.contains(0x0D), LineEndings.classify(bytes[...]) == .lf,
                  bytes.count == data.count - data.filter({ $0 == 0x0D }).count else { violated("CRLF normalization left a CR or lost a byte", data) }
        case .strayCarriageReturn(let line):
            let lines = data.filter { $0 == 0x0A }.count + 1
            guard bytes == data, line >= 1, line <= lines else { violated("stray CR on line \(line) of \(lines)", data) }
        }
    }

    /// The dated authority history's parser: any text parses or throws; a parsed history
    /// answers for any time without trapping, and only with identities it lists.
    static func authorityHistory(_ data: [UInt8]) {
        guard let history = try? AuthorityHistory(parsing: String(decoding: data, as: UTF8.self), source: "fuzz") else { return }
        let listed = Set(history.periods.map(\.identity))
        for seconds: Int64 in [0, 1_100_000_000, 1_700_000_000, 4_000_000_000] {
            let set = history.authorities(at: TorTimestamp(secondsSince1970: seconds))
            guard set.authorities.allSatisfy({ listed.contains($0.identity) }) else { violated("an identity not in the history", data) }
        }
    }

    static func exitList(_ data: [UInt8]) {
        let bytes = data[...]
        let lenient = try? ExitList(parsing: bytes, mode: .lenient)
        if let strict = try? ExitList(parsing: bytes, mode: .strict) {
            guard let lenient else { violated("lenient rejected an exit list strict accepted", data) }
            guard lenient.entries == strict.entries else { violated("strict and lenient disagree on the entries", data) }
        }
        guard let list = lenient else { return }
        guard list.rawBytes.indices == bytes.indices else { violated("rawBytes is not the input", data) }
        // Blocks are in order, inside the input, and never overlap.
        var previousEnd = bytes.startIndex
        for entry in list.entries {
            guard entry.rawBytes.startIndex >= previousEnd, entry.rawBytes.endIndex <= bytes.endIndex else {
                violated("entry at line \(entry.line) outside the input or overlapping", data)
            }
            previousEnd = entry.rawBytes.endIndex
        }
        _ = AnyDescriptor.exitList(list).stemJSONLines.map { $0.serialized() }
    }

    static func bandwidthFile(_ data: [UInt8]) {
        let bytes = data[...]
        let lenient = try? BandwidthFile(parsing: bytes, mode: .lenient)
        if let strict = try? BandwidthFile(parsing: bytes, mode: .strict) {
            guard let lenient else { violated("lenient rejected a bandwidth file strict accepted", data) }
            guard lenient.relays.count == strict.relays.count, lenient.header == strict.header else {
                violated("strict and lenient disagree", data)
            }
        }
        guard let file = lenient else { return }
        guard file.rawBytes.indices == bytes.indices, file.content.endIndex == bytes.endIndex else { violated("rawBytes is not the input", data) }
        for relay in file.relays {
            guard relay.rawBytes.startIndex >= bytes.startIndex, relay.rawBytes.endIndex <= bytes.endIndex else {
                violated("relay line \(relay.line) outside the input", data)
            }
            // Every pair is one word of its line: at most as many pairs as `=` signs.
            guard relay.keyValues.count <= relay.rawBytes.count(where: { $0 == UInt8(ascii: "=") }) else {
                violated("more pairs than words in line \(relay.line)", data)
            }
        }
        _ = (file.sha256.base64, file.stemJSON.serialized(), file.destinationsCountries, file.fileCreated)
    }

    // MARK: - Consensus diff

    /// A real base consensus (bundled) the fuzzed diffs are applied to.
    static let diffBase: [UInt8] = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let url = root.appendingPathComponent("Resources/corpus/consensus/cropped--2026-07-27-10-00-00-consensus-arti-live")
        return (try? [UInt8](Data(contentsOf: url))) ?? []
    }()

    static func consensusDiff(_ data: [UInt8]) {
        documents(data, ConsensusDiff.self, as: .consensusDiff)
        for case .success(let diff) in ConsensusDiff.parseAll(data[...], mode: .lenient) {
            let base = diffBase[...]
            if let result = try? diff.apply(to: base, verifyingHashes: false) {
                _ = result.count
            }
            _ = try? diff.apply(to: base, verifyingHashes: true)
            // A diff applied to its own bytes: arbitrary line counts against arbitrary commands.
            if data.last == 0x0A { _ = try? diff.apply(to: data[...], verifyingHashes: false) }
            for command in diff.commands { _ = diff.insertedLines(of: command) }
        }
        if let entry = try? ConsensusDiffCacheEntry(parsing: data[...]) { _ = try? entry.diff(mode: .strict) }
    }

    // MARK: - Values

    static func exitPolicy(_ data: [UInt8]) {
        let text = String(decoding: data, as: UTF8.self)
        let destinations: [(IPAddress?, Int?)] = [(nil, nil), (nil, 80), (IPAddress("1.2.3.4"), 443),
                                                  (IPAddress("::1"), 65535), (IPAddress("10.0.0.1"), 0)]
        if let policy = try? ExitPolicy(text) {
            for (address, port) in destinations {
                let loose = address.map { policy.canExit(to: $0, port: port) } ?? policy.canExit(port: port)
                let strict = address.map { policy.canExit(to: $0, port: port, strict: true) } ?? policy.canExit(port: port, strict: true)
                _ = (loose, strict)
            }
        }
        if let micro = try? MicroExitPolicy(text) {
            for (_, port) in destinations { _ = micro.canExit(port: port); _ = micro.canExit(port: port, strict: true) }
        }
        if let rule = try? ExitPolicyRule(text) { for (address, port) in destinations { _ = rule.matches(address, port: port) } }
        // As the rule lines of a document.
        var lines: [Range<Int>] = []
        var start = 0
        for index in data.indices where data[index] == 0x0A {
            lines.append(start..<index)
            start = index + 1
        }
        if start < data.count { lines.append(start..<data.count) }
        if let policy = try? ExitPolicy(parsing: data[...], lines: lines) { _ = policy.canExit(port: 443) }
    }

    static func ed25519Certificate(_ data: [UInt8]) {
        if let certificate = try? Ed25519Certificate(bytes: data) {
            guard let again = try? Ed25519Certificate(bytes: data) else { violated("certificate parse not repeatable", data) }
            _ = (certificate, again)
        }
        _ = try? Ed25519Certificate(base64: data)
    }

    /// First two bytes: DER length; the DER follows, then the signature.
    static func rsaPublicKey(_ data: [UInt8]) {
        guard data.count >= 2 else { return }
        let length = min(Int(data[0]) << 8 | Int(data[1]), data.count - 2)
        let der = data[2..<(2 + length)]
        let signature = data[(2 + length)...]
        _ = try? RSAPublicKey(pemBody: der)
        guard let key = try? RSAPublicKey(der: der) else { return }
        _ = try? key.recoverMessage(from: signature)
        _ = key.isValidSignature(signature, for: der)
    }

    // MARK: - Type detection

    static func anyDescriptor(_ data: [UInt8]) {
        let bytes = data[...]
        _ = DescriptorType.sniff(bytes)
        _ = DescriptorType.collectorAnnotation(in: bytes)
        _ = DescriptorType.isDiffCacheEntry(bytes)
        guard let type = DescriptorType.detect(fileName: nil, bytes: bytes) else { return }
        for mode in [ValidationMode.lenient, .strict] {
            for result in AnyDescriptor.parseAll(bytes, as: type, mode: mode) {
                switch result {
                case .success(let document):
                    let raw = document.rawBytes
                    guard raw.startIndex >= bytes.startIndex, raw.endIndex <= bytes.endIndex else {
                        violated("rawBytes outside the input", data)
                    }
                    _ = document.stemJSON.serialized()
                    if let script = PostgresExport.copyBlocks(for: document, source: "fuzz\tinput") { copyRows(script, data) }
                case .failure(let error):
                    _ = error.description
                }
            }
        }
    }

    /// The SQL export of a parsed document (the family-entry split included): every COPY row
    /// has exactly one field per column of its table, so no value broke out of its field or line.
    static func copyRows(_ script: String, _ data: [UInt8]) {
        // On bytes: as Characters, "\r\n" is one and would hide a carriage return left unescaped.
        let prefix = Array("COPY staging_".utf8)
        var columns: Int?
        for line in Array(script.utf8).split(separator: 0x0A, omittingEmptySubsequences: false) {
            if let expected = columns {
                if line.elementsEqual([0x5C, 0x2E]) { columns = nil; continue }
                if line.contains(0x0D) { violated("a raw carriage return in a COPY row", data) }
                let fields = line.split(separator: 0x09, omittingEmptySubsequences: false).count
                if fields != expected { violated("a COPY row has \(fields) fields for \(expected) columns", data) }
            } else if line.starts(with: prefix) {
                let name = String(decoding: line.dropFirst(prefix.count).prefix { $0 != 0x20 }, as: UTF8.self)
                guard let table = PostgresSchema.tables.first(where: { $0.name == name }) else { violated("COPY into unknown table \(name)", data) }
                columns = table.columns.count
            }
        }
        if columns != nil { violated("a COPY block without its \\. terminator", data) }
    }
}

/// The parsed document's bytes, for the containment invariant.
protocol FuzzRawBytes { var fuzzRawBytes: ArraySlice<UInt8> { get } }
extension ServerDescriptor: FuzzRawBytes { var fuzzRawBytes: ArraySlice<UInt8> { rawBytes } }
extension ExtraInfoDescriptor: FuzzRawBytes { var fuzzRawBytes: ArraySlice<UInt8> { rawBytes } }
extension Microdescriptor: FuzzRawBytes { var fuzzRawBytes: ArraySlice<UInt8> { rawBytes } }
extension NetworkStatusV2: FuzzRawBytes { var fuzzRawBytes: ArraySlice<UInt8> { rawBytes } }
extension RelayDirectory: FuzzRawBytes { var fuzzRawBytes: ArraySlice<UInt8> { rawBytes } }
extension NetworkStatusConsensus: FuzzRawBytes { var fuzzRawBytes: ArraySlice<UInt8> { rawBytes } }
extension NetworkStatusVote: FuzzRawBytes { var fuzzRawBytes: ArraySlice<UInt8> { rawBytes } }
extension KeyCertificate: FuzzRawBytes { var fuzzRawBytes: ArraySlice<UInt8> { rawBytes } }
extension DetachedSignatures: FuzzRawBytes { var fuzzRawBytes: ArraySlice<UInt8> { rawBytes } }
extension BridgeNetworkStatus: FuzzRawBytes { var fuzzRawBytes: ArraySlice<UInt8> { rawBytes } }
extension ConsensusDiff: FuzzRawBytes { var fuzzRawBytes: ArraySlice<UInt8> { rawBytes } }
