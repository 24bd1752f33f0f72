#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorDescriptors
import TorDirectory

/// `tordesc health` without files: asks every authority of the list for its vote, timing each
/// request and keeping its HTTP `Date`, then fetches one verified consensus and the key
/// certificates. Only bytes move here; the checks are ``ConsensusHealth``'s.
enum HealthLive {
    struct Collected: Sendable {
        var votes: [NetworkStatusVote] = []
        var consensus: NetworkStatusConsensus?
        var certificates: [KeyCertificate] = []
        var fetches: [ConsensusHealth.AuthorityFetch] = []
        var clocks: [ConsensusHealth.ClockObservation] = []
        var problems: [String] = []
        /// Live mode: the list's authorities; offline, `nil` (the consensus's or --authorities).
        var expected: [DirectoryAuthorityIdentity]?
    }

    static let votePath = "/tor/status-vote/current/authority"

    static func collect(list: DirectoryList, timeout: Duration) async -> Collected {
        var collected = Collected()
        let authorities = list.authorities.filter { !$0.isBridgeAuthority }
        await withTaskGroup(of: (Int, NetworkStatusVote?, ConsensusHealth.AuthorityFetch, ConsensusHealth.ClockObservation?).self) { group in
            for (index, authority) in authorities.enumerated() {
                group.addTask {
                    let (vote, fetch, clock) = await fetchVote(authority, list: list, timeout: timeout)
                    return (index, vote, fetch, clock)
                }
            }
            var results: [(Int, NetworkStatusVote?, ConsensusHealth.AuthorityFetch, ConsensusHealth.ClockObservation?)] = []
            for await result in group { results.append(result) }
            for (_, vote, fetch, clock) in results.sorted(by: { $0.0 < $1.0 }) {
                if let vote { collected.votes.append(vote) }
                collected.fetches.append(fetch)
                if let clock { collected.clocks.append(clock) }
            }
        }
        var configuration = DirectoryClient.Configuration(list: list)
        configuration.requestTimeout = timeout
        configuration.maxAttempts = max(1, authorities.count)
        let client = DirectoryClient(configuration: configuration)
        do { collected.certificates = try await client.keyCertificates() } catch { collected.problems.append("key certificates: \(error)") }
        do { collected.consensus = try await client.consensus() } catch { collected.problems.append("consensus: \(error)") }
        return collected
    }

    static func identity(of authority: DirectoryAuthority) -> DirectoryAuthorityIdentity {
        DirectoryAuthorityIdentity(nickname: authority.nickname, identity: authority.v3Identity ?? authority.fingerprint)
    }

    private static func fetchVote(_ authority: DirectoryAuthority, list: DirectoryList, timeout: Duration)
        async -> (NetworkStatusVote?, ConsensusHealth.AuthorityFetch, ConsensusHealth.ClockObservation?) {
        var configuration = DirectoryClient.Configuration(list: list)
        configuration.endpoints = [authority.dirEndpoint]
        configuration.maxAttempts = 1
        configuration.randomizeStart = false
        configuration.requestTimeout = timeout
        configuration.connectTimeout = min(timeout, .seconds(5))
        let client = DirectoryClient(configuration: configuration)
        let who = identity(of: authority)
        let start = ContinuousClock.now
        func seconds() -> Double {
            let elapsed = ContinuousClock.now - start
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }
        do {
            let response = try await client.query(path: votePath)
            let took = seconds()
            let clock = response.headers.first { $0.name.lowercased() == "date" }.flatMap { httpDate($0.value) }.map {
                ConsensusHealth.ClockObservation(authority: who, httpDate: $0, localTime: TorTimestamp(Date()))
            }
            do {
                let vote = try NetworkStatusVote(parsing: response.body)
                return (vote, .init(authority: who, request: votePath, seconds: took, failure: nil), clock)
            } catch {
                return (nil, .init(authority: who, request: votePath, seconds: took, failure: "unusable vote: \(error)"), clock)
            }
        } catch {
            // The client's error lists each attempt on its own line; a finding is one line.
            let reason = "\(error)".split(whereSeparator: \.isNewline).map(\.trimmed).joined(separator: " ")
            return (nil, .init(authority: who, request: votePath, seconds: seconds(), failure: reason), nil)
        }
    }

    /// An HTTP `Date` (RFC 9110 IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`), `nil` otherwise.
    static func httpDate(_ text: String) -> TorTimestamp? {
        let words = text.split(separator: " ")
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard words.count == 6, words[5] == "GMT", let month = months.firstIndex(of: String(words[2])), words[1].count == 2,
              words[3].count == 4, words[4].count == 8 else { return nil }
        return TorTimestamp(parsing: "\(words[3])-\(month < 9 ? "0" : "")\(month + 1)-\(words[1]) \(words[4])")
    }
}
