#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorDirectory

/// How `exits`, `relay` and `summary` read the live network when no file is named: the current
/// ns consensus from the directory authorities' ORPorts (their identities checked), verified
/// against the pinned authorities (the client's default), as `tordesc fetch consensus` gets it.
enum LiveFetchHook {
    /// The bytes of the current, verified ns-flavor consensus. Throws the client's error (which
    /// lists every endpoint tried) when no authority answered with a consensus that verifies.
    static func fetchVerifiedConsensus(authoritiesFile: String? = nil) async throws -> [UInt8]? {
        let client = try client(authoritiesFile: authoritiesFile)
        do {
            return Array(try await client.consensus(flavor: .ns).rawBytes)
        } catch {
            StandardStream.error("error: could not fetch a verified consensus: \(error)\n")
            return nil
        }
    }

    /// A client that asks the authorities of `authoritiesFile` (torrc DirAuthority lines, a
    /// private network's) or the public network's over their ORPorts, at most 4 endpoints.
    static func client(authoritiesFile: String?, timeout: Double? = nil) throws -> DirectoryClient {
        var list = DirectoryList.tor
        if let authoritiesFile {
            guard let data = FileManager.default.contents(atPath: authoritiesFile) else {
                throw reportError("no such file: \(authoritiesFile) (--authorities wants torrc DirAuthority lines)")
            }
            do { list = try DirectoryList(parsing: String(decoding: data, as: UTF8.self)) } catch {
                throw reportError("\(authoritiesFile): \(error)")
            }
        }
        var configuration = DirectoryClient.Configuration(list: list)
        configuration.use(orports: list.orportRoutes)
        configuration.maxAttempts = 4
        if let timeout { configuration.requestTimeout = .milliseconds(Int64(timeout * 1000)) }
        return DirectoryClient(configuration: configuration)
    }

    /// The sentence the commands print when the live consensus could not be had.
    static func unavailableMessage(command: String) -> String {
        "no input and no verified live consensus (see above); name a file instead, for example: tordesc \(command) --consensus Resources/corpus/consensus/2012-06-18-21-00-00-cached-consensus"
    }
}
