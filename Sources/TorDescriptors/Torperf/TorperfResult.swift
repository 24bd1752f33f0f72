/// One Torperf or OnionPerf measurement: a `.tpf` line of `KEY=VALUE` words (CollecTor
/// `@type torperf 1.0` and `1.1`, the `torperf/` and `onionperf/` folders).
///
/// metrics-lib's fields are typed here as it types them: times (`START`, `SOCKET`, `CONNECT`,
/// `NEGOTIATE`, `REQUEST`, `RESPONSE`, `DATAREQUEST`, `DATARESPONSE`, `DATACOMPLETE`, `LAUNCH`,
/// `USED_AT`, `DATAPERCnn`, the `BUILDTIMES` list) as milliseconds since 1970 from the file's
/// `seconds.fraction`, counts and sizes as integers, `DIDTIMEOUT` as a flag, `QUANTILE` as a
/// number, `PATH` as fingerprints; every other key is kept in ``unrecognizedKeys``. Stem does
/// not read this type; ``stemJSON`` uses metrics-lib's names in snake_case.
///
/// ```swift
/// for result in TorperfResult.parseAll(bytes[...]) {
///     if case .success(let r) = result, let start = r.startMillis, let done = r.dataCompleteMillis {
///         print(r.source ?? "-", r.fileSize ?? 0, done - start, "ms")
///     }
/// }
/// ```
public struct TorperfResult: Sendable {
    /// A typed value of one key.
    ///
    /// ```swift
    /// if case .milliseconds(let ms)? = result.value(for: "START") { print(ms) }
    /// ```
    public enum Value: Sendable, Hashable {
        case text(String)
        case integer(Int)
        case milliseconds(Int)
        case millisecondsList([Int])
        case flag(Bool)
        case number(Double)
        case path([Fingerprint])
    }

    /// The result's bytes (its annotations and its line).
    public internal(set) var rawBytes: ArraySlice<UInt8>
    /// 1-based line of the measurement line.
    public internal(set) var line: Int
    /// `@type` and other annotation lines before the measurement line.
    public internal(set) var annotations: [Annotation] = []
    /// The keys metrics-lib reads, typed, in line order.
    public internal(set) var values: [(key: String, value: Value)] = []
    /// `DATAPERCnn`: when `nn` percent of the data had arrived, by `nn` (0 to 100).
    public internal(set) var dataPercentiles: [(percent: Int, milliseconds: Int)] = []
    /// Keys metrics-lib does not read, with their values as written.
    public internal(set) var unrecognizedKeys: [KeyValueText] = []
    /// Problems lenient parsing stepped over.
    public internal(set) var warnings: [DescriptorParseError] = []

    /// The typed value of `key` (as written, e.g. `START`).
    public func value(for key: String) -> Value? { values.first { $0.key == key }?.value }

    private func text(_ key: String) -> String? { if case .text(let v)? = value(for: key) { v } else { nil } }
    private func integer(_ key: String) -> Int? { if case .integer(let v)? = value(for: key) { v } else { nil } }
    private func millis(_ key: String) -> Int? { if case .milliseconds(let v)? = value(for: key) { v } else { nil } }

    /// `SOURCE`: the measuring host's name.
    public var source: String? { text("SOURCE") }
    /// `FILESIZE`: bytes requested.
    public var fileSize: Int? { integer("FILESIZE") }
    /// `START`: when the measurement began.
    public var startMillis: Int? { millis("START") }
    /// `DATACOMPLETE`: when the last byte arrived.
    public var dataCompleteMillis: Int? { millis("DATACOMPLETE") }
    /// `READBYTES`: bytes read.
    public var readBytes: Int? { integer("READBYTES") }
    /// `DIDTIMEOUT`: whether the download timed out.
    public var didTimeout: Bool? { if case .flag(let v)? = value(for: "DIDTIMEOUT") { v } else { nil } }
    /// `PATH`: the circuit's relays.
    public var path: [Fingerprint]? { if case .path(let v)? = value(for: "PATH") { v } else { nil } }
}

extension TorperfResult: StemJSONRepresentable {
    /// metrics-lib's `TorperfResult` in snake_case (`start_millis`, `file_size`, `data_percentiles`,
    /// `unrecognized_keys`, ...). Every key metrics-lib reads is printed, `null` when the result
    /// lacks it, so each key has one place and one type (`Resources/schemas/torperf.json`);
    /// `data_percentiles` and `unrecognized_keys` are `null` when the result has none.
    public var stemJSON: JSONValue {
        var pairs: [(String, JSONValue)] = [("type", .string("torperf"))]
        for key in TorperfKey.allCases {
            let json: JSONValue = switch value(for: key.rawValue) {
            case .text(let v): .string(v)
            case .integer(let v), .milliseconds(let v): .int(v)
            case .millisecondsList(let v): .array(v.map(JSONValue.int))
            case .flag(let v): .bool(v)
            case .number(let v): .double(v)
            case .path(let v): .array(v.map { .string($0.hex) })
            case nil: .null
            }
            pairs.append((key.jsonName, json))
        }
        pairs.append(("data_percentiles", dataPercentiles.isEmpty ? .null : .object(dataPercentiles.map { (String($0.percent), .int($0.milliseconds)) })))
        pairs.append(("unrecognized_keys", unrecognizedKeys.isEmpty ? .null : .object(unrecognizedKeys.map { ($0.key, .string($0.value)) })))
        return .object(pairs)
    }
}
