/// The `.tpf` keys metrics-lib reads, each spelled once with its value type and JSON name.
enum TorperfKey: String, CaseIterable, Sendable {
    case source = "SOURCE", fileSize = "FILESIZE", start = "START", socket = "SOCKET", connect = "CONNECT"
    case negotiate = "NEGOTIATE", request = "REQUEST", response = "RESPONSE", dataRequest = "DATAREQUEST"
    case dataResponse = "DATARESPONSE", dataComplete = "DATACOMPLETE", writeBytes = "WRITEBYTES", readBytes = "READBYTES"
    case didTimeout = "DIDTIMEOUT", launch = "LAUNCH", usedAt = "USED_AT", path = "PATH", buildTimes = "BUILDTIMES"
    case timeout = "TIMEOUT", quantile = "QUANTILE", circID = "CIRC_ID", usedBy = "USED_BY"
    case endpointLocal = "ENDPOINTLOCAL", endpointProxy = "ENDPOINTPROXY", endpointRemote = "ENDPOINTREMOTE"
    case hostnameLocal = "HOSTNAMELOCAL", hostnameRemote = "HOSTNAMEREMOTE", sourceAddress = "SOURCEADDRESS"

    enum ValueType: Sendable { case text, integer, milliseconds, millisecondsList, flag, number, path }

    var type: ValueType {
        switch self {
        case .source, .endpointLocal, .endpointProxy, .endpointRemote, .hostnameLocal, .hostnameRemote, .sourceAddress: .text
        case .fileSize, .writeBytes, .readBytes, .timeout, .circID, .usedBy: .integer
        case .start, .socket, .connect, .negotiate, .request, .response, .dataRequest, .dataResponse, .dataComplete, .launch, .usedAt: .milliseconds
        case .buildTimes: .millisecondsList
        case .didTimeout: .flag
        case .quantile: .number
        case .path: .path
        }
    }

    /// metrics-lib requires these in every result.
    var isRequired: Bool {
        switch self {
        case .source, .fileSize, .start, .socket, .connect, .negotiate, .request, .response, .dataRequest, .dataResponse,
             .dataComplete, .writeBytes, .readBytes: true
        default: false
        }
    }

    /// metrics-lib's getter name in snake_case (`getStartMillis` gives `start_millis`).
    var jsonName: String {
        switch self {
        case .source: "source"
        case .fileSize: "file_size"
        case .start: "start_millis"
        case .socket: "socket_millis"
        case .connect: "connect_millis"
        case .negotiate: "negotiate_millis"
        case .request: "request_millis"
        case .response: "response_millis"
        case .dataRequest: "data_request_millis"
        case .dataResponse: "data_response_millis"
        case .dataComplete: "data_complete_millis"
        case .writeBytes: "write_bytes"
        case .readBytes: "read_bytes"
        case .didTimeout: "did_timeout"
        case .launch: "launch_millis"
        case .usedAt: "used_at_millis"
        case .path: "path"
        case .buildTimes: "build_times"
        case .timeout: "timeout"
        case .quantile: "quantile"
        case .circID: "circ_id"
        case .usedBy: "used_by"
        case .endpointLocal: "endpoint_local"
        case .endpointProxy: "endpoint_proxy"
        case .endpointRemote: "endpoint_remote"
        case .hostnameLocal: "hostname_local"
        case .hostnameRemote: "hostname_remote"
        case .sourceAddress: "source_address"
        }
    }

    private static let table = KeywordTable<TorperfKey>(allCases.map { ($0.rawValue, $0) })

    static func lookup(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> TorperfKey? { table.lookup(bytes, range) }
}
