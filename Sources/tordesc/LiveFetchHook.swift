import Foundation

/// The hook through which `exits`, `relay` and `summary` will read the live network when no file
/// is named. `tordesc fetch` (issue #7, built separately) replaces the body of
/// ``fetchVerifiedConsensus()`` with a download from the directory authorities and a signature
/// check; until then it returns `nil` and the commands ask for a file instead.
enum LiveFetchHook {
    /// The bytes of the current, verified ns-flavor consensus, or `nil` when live fetching is
    /// not available in this build.
    static func fetchVerifiedConsensus() throws -> [UInt8]? { nil }

    /// The sentence the commands print when no input was named and ``fetchVerifiedConsensus()``
    /// has nothing to offer.
    static func unavailableMessage(command: String) -> String {
        "no input: reading the live network needs `tordesc fetch`, which this build does not have yet; "
            + "name a file instead, for example: tordesc \(command) --consensus Resources/corpus/consensus/2012-06-18-21-00-00-cached-consensus"
    }
}
