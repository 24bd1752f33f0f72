import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorDescriptors

/// Prints `error: message` to stderr and returns the exit code to throw: 2 for usage problems
/// (a missing or wrong file is a usage problem: nothing was parsed), 1 for documents that failed.
func reportError(_ message: String, code: Int32 = 2) -> ExitCode {
    StandardStream.error(("error: " + message + "\n"))
    return ExitCode(code)
}

func warn(_ message: String) {
    StandardStream.error(("warning: " + message + "\n"))
}

extension DescriptorType {
    /// The type as people say it, for error messages ("X is a server descriptor file").
    var spokenName: String {
        switch self {
        case .serverDescriptor: "server descriptor"
        case .bridgeServerDescriptor: "bridge server descriptor"
        case .extraInfo: "extra-info descriptor"
        case .bridgeExtraInfo: "bridge extra-info descriptor"
        case .microdescriptor: "microdescriptor"
        case .networkStatusConsensus: "consensus"
        case .networkStatusMicrodescConsensus: "microdesc consensus"
        case .networkStatusVote: "vote"
        case .keyCertificate: "key certificate"
        case .detachedSignature: "detached signature"
        case .bridgeNetworkStatus: "bridge network status"
        case .networkStatusV2: "v2 network status"
        case .relayDirectory: "v1 router directory"
        case .consensusDiff: "consensus diff"
        case .exitList: "exit list"
        case .bandwidthFile: "bandwidth file"
        case .onionServiceDescriptor: "onion-service descriptor"
        case .bridgePoolAssignment: "bridge pool assignment"
        case .webServerAccessLog: "web server access log"
        case .torperf: "Torperf results"
        case .snowflakeStats: "snowflake statistics"
        case .bridgedbMetrics: "BridgeDB metrics"
        }
    }
}

/// The documents the relay commands (`exits`, `relay`, `summary`) read, loaded from the files
/// named by `--consensus`, `--descriptors`, `--microdescriptors` and `--extra-info`.
///
/// Every file's type is checked against the option that named it, so a mix-up is reported as a
/// sentence ("X is a server descriptor file; --consensus wants a consensus") with exit code 2.
/// Documents that fail to parse are counted in ``failures`` (exit code 1 at the end) and the
/// others are used.
struct RelaySources {
    var consensus: NetworkStatusConsensus?
    var consensusPath: String?
    var descriptors: [ServerDescriptor] = []
    var microdescriptors: [Microdescriptor] = []
    var extraInfos: [ExtraInfoDescriptor] = []
    /// Documents that did not parse (already reported on stderr).
    var failures = 0

    var isEmpty: Bool { consensus == nil && descriptors.isEmpty && microdescriptors.isEmpty && extraInfos.isEmpty }

    /// Reads a file, or throws exit code 2 after saying why not.
    static func read(_ path: String) throws -> [UInt8] {
        var isDirectory = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw reportError("no such file: \(path)")
        }
        if isDirectory { throw reportError("\(path) is a directory; name the document files inside it") }
        guard let data = FileManager.default.contents(atPath: path) else { throw reportError("cannot read \(path) (permissions?)") }
        return [UInt8](data)
    }

    /// Reads `path` and checks that its detected type is one of `accepted`.
    static func read(_ path: String, option: String, accepted: Set<DescriptorType>, wants: String) throws -> (bytes: [UInt8], type: DescriptorType) {
        let bytes = try read(path)
        let name = InputFiles.lastPathComponent(path)
        guard let type = DescriptorType.detect(fileName: name, bytes: bytes[...]) else {
            throw reportError("\(path) is not a Tor directory document this tool recognises; \(option) wants \(wants)")
        }
        guard accepted.contains(type) else {
            throw reportError("\(path) is a \(type.spokenName) file; \(option) wants \(wants)")
        }
        return (bytes, type)
    }

    mutating func loadConsensus(_ path: String, option: String = "--consensus") throws {
        let (bytes, _) = try Self.read(path, option: option, accepted: [.networkStatusConsensus, .networkStatusMicrodescConsensus],
                                       wants: "a consensus (ns or microdesc flavor)")
        do {
            consensus = try NetworkStatusConsensus(parsing: bytes)
            consensusPath = path
        } catch {
            throw reportError("\(path):\(error.line): the consensus does not parse: \(error)", code: 1)
        }
        for warning in consensus?.warnings.prefix(5) ?? [] { warn("\(path):\(warning.line): \(warning)") }
    }

    mutating func loadDescriptors(_ paths: [String]) throws {
        for path in paths {
            let (bytes, _) = try Self.read(path, option: "--descriptors", accepted: [.serverDescriptor, .bridgeServerDescriptor],
                                           wants: "server descriptors")
            descriptors += collect(ServerDescriptor.parseAll(bytes[...]), path: path)
        }
    }

    mutating func loadMicrodescriptors(_ paths: [String]) throws {
        for path in paths {
            let (bytes, _) = try Self.read(path, option: "--microdescriptors", accepted: [.microdescriptor], wants: "microdescriptors")
            microdescriptors += collect(Microdescriptor.parseAll(bytes[...]), path: path)
        }
    }

    mutating func loadExtraInfos(_ paths: [String]) throws {
        for path in paths {
            let (bytes, _) = try Self.read(path, option: "--extra-info", accepted: [.extraInfo, .bridgeExtraInfo],
                                           wants: "extra-info descriptors")
            extraInfos += collect(ExtraInfoDescriptor.parseAll(bytes[...]), path: path)
        }
    }

    /// The documents that parsed; each failure is counted in ``failures`` and printed.
    mutating func collect<Document>(_ results: [Result<Document, DescriptorParseError>], path: String) -> [Document] {
        var list: [Document] = []
        for result in results {
            switch result {
            case .success(let document): list.append(document)
            case .failure(let error):
                failures += 1
                StandardStream.error("error: \(path):\(error.line): \(error)\n")
            }
        }
        return list
    }

    /// The newest server descriptor per relay identity (a file may hold several per relay).
    var latestDescriptors: [Fingerprint: ServerDescriptor] {
        var latest: [Fingerprint: ServerDescriptor] = [:]
        for descriptor in descriptors {
            guard let fingerprint = descriptor.fingerprint else { continue }
            if let known = latest[fingerprint], (known.published ?? .init(secondsSince1970: 0)) >= (descriptor.published ?? .init(secondsSince1970: 0)) { continue }
            latest[fingerprint] = descriptor
        }
        return latest
    }

    /// Microdescriptors by their SHA-256 digest, the value `m` lines name.
    var microdescriptorsByDigest: [SHA256DigestValue: Microdescriptor] {
        var byDigest: [SHA256DigestValue: Microdescriptor] = [:]
        for micro in microdescriptors { byDigest[micro.digest] = micro }
        return byDigest
    }
}

/// The options every relay command shares for naming its input files.
struct SourceOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A consensus file (ns or microdesc flavor).", valueName: "file"))
    var consensus: String?

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Server descriptor files (the exact exit policies).", valueName: "file"))
    var descriptors: [String] = []

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Microdescriptor files (their p and p6 policy summaries).", valueName: "file"))
    var microdescriptors: [String] = []

    @Option(help: ArgumentHelp("With no file: torrc DirAuthority lines of the authorities to fetch the live consensus from and verify it with (default: the public network's).", valueName: "file"))
    var authorities: String?

    @OptionGroup var control: ControlPortOptions

    func validate() throws {
        if control.isSet, !isEmpty || authorities != nil {
            throw ValidationError("--control reads every document from tor; it does not mix with --consensus, --descriptors, --microdescriptors or --authorities")
        }
    }

    func load(extraInfo: [String] = []) throws -> RelaySources {
        var sources = RelaySources()
        if let consensus { try sources.loadConsensus(consensus) }
        try sources.loadDescriptors(descriptors)
        try sources.loadMicrodescriptors(microdescriptors)
        try sources.loadExtraInfos(extraInfo)
        return sources
    }

    var isEmpty: Bool { consensus == nil && descriptors.isEmpty && microdescriptors.isEmpty }
}
