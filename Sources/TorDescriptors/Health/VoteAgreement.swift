/// The header checks: whether the votes agree on what they state once per document
/// (`known-flags`, `consensus-methods`, recommended versions, protocols, `params`) and on shared
/// randomness.
struct VoteAgreement {
    let voted: [(author: DirectoryAuthorityIdentity, vote: NetworkStatusVote)]
    let consensus: NetworkStatusConsensus?

    func headerFindings() -> [HealthFinding] {
        var findings: [HealthFinding] = []
        func compare(_ check: HealthCheckID, _ severity: HealthSeverity, _ what: String, _ value: (NetworkStatusVote) -> String?) {
            let statements = voted.map { Statement(authority: $0.author, value: value($0.vote)) }
            if let finding = disagreement(check, severity, what, statements) { findings.append(finding) }
        }
        compare(.knownFlags, .info, "known-flags") { $0.header.knownFlags.joined(separator: " ") }
        compare(.consensusMethods, .info, "consensus-methods") { $0.consensusMethods.map(String.init).joined(separator: " ") }
        compare(.clientVersions, .warning, "client-versions") { $0.header.clientVersions.isEmpty ? nil : $0.header.clientVersions.joined(separator: ",") }
        compare(.serverVersions, .warning, "server-versions") { $0.header.serverVersions.isEmpty ? nil : $0.header.serverVersions.joined(separator: ",") }
        compare(.protocols, .warning, "recommended-client-protocols") { $0.header.recommendedClientProtocols?.description }
        compare(.protocols, .warning, "recommended-relay-protocols") { $0.header.recommendedRelayProtocols?.description }
        compare(.protocols, .warning, "required-client-protocols") { $0.header.requiredClientProtocols?.description }
        compare(.protocols, .warning, "required-relay-protocols") { $0.header.requiredRelayProtocols?.description }
        var keys: [String] = []
        for (_, vote) in voted {
            for entry in vote.header.params.entries where !keys.contains(entry.name) { keys.append(entry.name) }
        }
        for key in keys.sorted() {
            compare(.params, .info, "params \(key)") { $0.header.params[key].map { String($0) } }
        }
        if let method = consensus?.header.consensusMethod {
            for (author, vote) in voted where !vote.consensusMethods.isEmpty && !vote.consensusMethods.contains(method) {
                findings.append(HealthFinding(.consensusMethodUnsupported, .warning, authorities: [author],
                                              message: "the consensus uses method \(method), which \(ConsensusHealth.name(author)) does not list",
                                              evidence: [KeyValueText(key: "consensus-method", value: "\(method)"),
                                                         KeyValueText(key: "consensus-methods", value: vote.consensusMethods.map(String.init).joined(separator: " "))]))
            }
        }
        return findings
    }

    /// Who states a value: an authority's vote, or the consensus (named in the evidence only).
    private struct Statement {
        let authority: DirectoryAuthorityIdentity?
        let value: String?
        var name: String { authority.map(ConsensusHealth.name) ?? "consensus" }
    }

    /// Groups the statements by value (authorities that state none do not vote on it); one
    /// finding when more than one value is stated, naming the authorities outside the largest group.
    private func disagreement(_ check: HealthCheckID, _ severity: HealthSeverity, _ what: String,
                              _ statements: [Statement]) -> HealthFinding? {
        var groups: [(value: String, members: [Statement])] = []
        for statement in statements {
            guard let value = statement.value else { continue }
            if let index = groups.firstIndex(where: { $0.value == value }) { groups[index].members.append(statement) } else { groups.append((value, [statement])) }
        }
        guard groups.count > 1 else { return nil }
        // Largest first; on a tie the value stated first stays first, so the output is stable.
        groups = groups.enumerated().sorted { ($0.element.members.count, $1.offset) > ($1.element.members.count, $0.offset) }.map(\.element)
        let silent = statements.filter { $0.value == nil }.map(\.name)
        var evidence = [KeyValueText(key: "item", value: what)]
        evidence += groups.map { KeyValueText(key: $0.members.map(\.name).joined(separator: ","), value: $0.value) }
        if !silent.isEmpty { evidence.append(KeyValueText(key: "not stated by", value: silent.joined(separator: ","))) }
        return HealthFinding(check, severity, authorities: groups.dropFirst().flatMap { $0.members.compactMap(\.authority) },
                             message: "the votes state \(groups.count) different \(what) values", evidence: evidence)
    }

    func sharedRandomFindings() -> [HealthFinding] {
        guard voted.contains(where: { $0.vote.sharedRandomParticipate || !$0.vote.sharedRandomCommits.isEmpty }) else { return [] }
        var findings: [HealthFinding] = []
        let revealPhase = voted.contains { $0.vote.sharedRandomCommits.contains { $0.reveal != nil } }
        for (author, vote) in voted {
            guard vote.sharedRandomParticipate else {
                findings.append(HealthFinding(.sharedRandomParticipation, .info, authorities: [author],
                                              message: "\(ConsensusHealth.name(author)) votes without shared-rand-participate"))
                continue
            }
            guard let own = vote.sharedRandomCommits.first(where: { $0.identity == author.identity }) else {
                findings.append(HealthFinding(.sharedRandomCommit, .warning, authorities: [author],
                                              message: "\(ConsensusHealth.name(author)) participates but its vote has no commit of its own",
                                              evidence: [KeyValueText(key: "commits", value: "\(vote.sharedRandomCommits.count)")]))
                continue
            }
            if revealPhase, own.reveal == nil {
                findings.append(HealthFinding(.sharedRandomReveal, .warning, authorities: [author],
                                              message: "\(ConsensusHealth.name(author)) did not reveal its commit in the reveal phase"))
            }
        }
        for (label, value) in [("shared-rand-current-value", \ConsensusHeader.sharedRandomCurrent),
                               ("shared-rand-previous-value", \ConsensusHeader.sharedRandomPrevious)] {
            var stated = voted.map { Statement(authority: $0.author, value: $0.vote.header[keyPath: value]?.base64) }
            if let consensus { stated.append(Statement(authority: nil, value: consensus.header[keyPath: value]?.base64)) }
            if let finding = disagreement(.sharedRandomValue, .warning, label, stated) { findings.append(finding) }
        }
        return findings
    }
}
