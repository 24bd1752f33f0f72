import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorArchives
import TorDescriptors
import TorDirectory

/// `tordesc verify`: check signatures, certificates, digests and quorum of every document.
struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify the signatures, certificates and digests of Tor documents.",
        discussion: """
            Prints one line per document: `ok`, `not verifiable` (unsigned documents such as
            microdescriptors, or sanitized bridge descriptors), or the checks that failed.
            A consensus needs the authorities' key certificates (--certs, or key certificates among
            the inputs) and is valid only when more than half of the trusted authorities signed it.
            The trusted authorities are those tor trusted at the time checked (see --at), from the
            history in Resources/directory/authority-history.txt; the report names the set used.
            --authorities FILE trusts a fixed set instead.
            Extra-info descriptors are RSA-checked with the signing key of a server descriptor of
            the same relay found among the inputs.

            Times: --at now (default) checks validity today; --at document checks each document
            at its own time (a consensus at valid-after, a descriptor at published), which is
            what archived documents need; --at "YYYY-MM-DD HH:MM:SS" checks at that UTC time.

            Examples:
              tordesc verify Resources/corpus/server-descriptors --at document
              tordesc verify --certs Resources/corpus/key-certs/2012-06-cached-certs --at document \\
                Resources/corpus/consensus/2012-06-18-21-00-00-cached-consensus
              tordesc verify --certs cached-certs ~/.tor/cached-consensus
            """
    )

    @Option(name: .customLong("certs"), help: "File (or archive/directory) of directory key certificates; repeatable.")
    var certificateFiles: [String] = []

    @Option(name: .customLong("consensus"), help: "Consensus whose r and m lines server descriptors and microdescriptors are checked against; repeatable.")
    var consensusFiles: [String] = []

    @Option(name: .customLong("bandwidth-file"), help: "Bandwidth file whose SHA-256 a vote's bandwidth-file-digest must name; repeatable (a vote passes when one matches).")
    var bandwidthFiles: [String] = []

    @Option(help: "Trusted authorities: `nickname v3ident` lines or torrc `DirAuthority ... v3ident=...` lines. Default: the public network's authorities in force at the time checked (--at).")
    var authorities: String?

    @Flag(help: "Trust the authorities a consensus names in its own dir-source lines. Weaker: only for archives whose certificates you trust.")
    var unpinnedDirSources = false

    @Option(help: "When to check validity: now, document, or \"YYYY-MM-DD HH:MM:SS\" (UTC).")
    var at: String = "now"

    @Flag(help: "Print every check, not only failures.")
    var verbose = false

    @Flag(help: "Print one JSON object per document.")
    var json = false

    @Argument(help: "Files, directories or archives to verify.")
    var paths: [String]

    func validate() throws {
        if at != "now", at != "document", TorTimestamp(parsing: at) == nil {
            throw ValidationError("--at wants now, document, or a UTC time like \"2012-06-18 21:00:00\"; got \"\(at)\"")
        }
    }

    func run() throws {
        try InputFiles.validate(paths + certificateFiles + consensusFiles + bandwidthFiles)
        if let authorities { try InputFiles.validate([authorities]) }
        let trusted = try loadAuthorities()
        // First pass: what other documents need (certificates, relays' signing keys).
        var certificates: [KeyCertificate] = []
        var signingKeys: [Fingerprint: RSAPublicKey] = [:]
        for item in DescriptorReader(paths: certificateFiles + paths) {
            if case .keyCertificate? = item.document, case .strayCarriageReturn(let line) = item.lineEndings {
                warn("\(item.source): a key certificate has a stray CR (carriage return) on its line \(line); "
                    + "its signature covers the CR and will not verify: convert the file to LF line endings")
            }
            switch item.document {
            case .keyCertificate(let certificate)?: certificates.append(certificate)
            case .serverDescriptor(let descriptor)?:
                if let fingerprint = descriptor.fingerprint, let der = descriptor.signingKey, let key = try? RSAPublicKey(der: der) { signingKeys[fingerprint] = key }
            case .vote(let vote)?: if let certificate = vote.keyCertificate { certificates.append(certificate) }
            default: break
            }
        }
        var listed = Listed()
        // Digests the given consensuses list: a descriptor listed there is the one the network uses.
        for item in DescriptorReader(paths: consensusFiles) {
            guard case .consensus(let consensus)? = item.document else {
                throw ValidationError("\(item.source) is not a consensus; --consensus wants an ns or microdesc consensus")
            }
            for entry in consensus.entries {
                if let digest = entry.descriptorDigest { listed.descriptors.insert(digest) }
                if let digest = entry.microdescriptorDigest { listed.microdescriptors.insert(digest) }
            }
            listed.consensuses += 1
        }
        // One verifier for the whole run: each certificate's RSA checks are made once, however
        // many consensuses, votes and detached signatures use it.
        let verifier = trusted.map { AuthorityVerifier(authorities: $0) } ?? AuthorityVerifier(history: .tor)
        var bandwidth: [BandwidthFile] = []
        for item in DescriptorReader(paths: bandwidthFiles) {
            guard case .bandwidthFile(let file)? = item.document else {
                throw ValidationError("\(item.source) is not a bandwidth file; --bandwidth-file wants one")
            }
            bandwidth.append(file)
        }
        var totals = (ok: 0, failed: 0, unverifiable: 0)
        var output = BufferedOutput()
        for item in DescriptorReader(paths: paths) {
            let document: AnyDescriptor
            switch item.result {
            case .success(let parsed): document = parsed
            case .failure(.unknownType) where !(item.source.isNamedPath && item.source.member == nil): continue
            case .failure(let error):
                totals.failed += 1
                output.write("\(item.source): FAILED to parse: \(error)")
                continue
            }
            var report = verificationReport(document, certificates: certificates, signingKeys: signingKeys, verifier: verifier, listed: listed)
            if let check = Self.lineEndingsCheck(item.lineEndings, documentLine: report.firstLine) { report.checks.append(check) }
            if case .vote(let vote) = document, !bandwidth.isEmpty {
                let checks = bandwidth.map { $0.digestCheck(against: vote) }
                report.checks.append(checks.first { $0.outcome == .passed } ?? checks[0])
            }
            let verifiable = report.checks.contains { $0.outcome == .passed || $0.failed }
            if !report.isValid { totals.failed += 1 } else if verifiable { totals.ok += 1 } else { totals.unverifiable += 1 }
            output.write(json ? jsonLine(item.source, document, report) : textLine(item.source, document, report, verifiable))
            if verbose && !json {
                for check in report.checks { output.write("    \(check)") }
            }
        }
        output.flush()
        StandardStream.error("verified: \(totals.ok) ok, \(totals.failed) failed, \(totals.unverifiable) not verifiable\n")
        if totals.failed > 0 { throw ExitCode.failure }
    }

    /// The report's line-endings check: passed and named for a CRLF file verified in its LF
    /// form, failed (naming the CR and its line in the file) for a stray CR, none for LF.
    static func lineEndingsCheck(_ endings: LineEndings, documentLine: Int) -> VerificationCheck? {
        switch endings {
        case .lf: return nil
        case .crlfNormalized: return VerificationCheck(.lineEndings, .passed, name: "line endings: CRLF normalized")
        case .strayCarriageReturn(let line):
            return VerificationCheck(.lineEndings, .failed(
                "stray CR (carriage return) on line \(documentLine + line - 1): the lines do not all end in CRLF, so the CR bytes "
                + "stay in the signed part and its digest cannot match; convert the file to LF line endings"))
        }
    }

    /// Digests listed by the `--consensus` files.
    private struct Listed {
        var consensuses = 0
        var descriptors = Set<SHA1DigestValue>()
        var microdescriptors = Set<SHA256DigestValue>()
    }
    /// Membership, not equality: a file may hold older descriptors of a relay than the one the
    /// consensus lists, and those are not forgeries.
    private func listedCheck<Value: Hashable>(_ reference: DigestReference, _ digest: Value?, in set: Set<Value>, kind: String, _ listed: Listed) -> VerificationCheck {
        let id = VerificationCheckID.listedByConsensus(reference)
        guard listed.consensuses > 0 else {
            return VerificationCheck(id, .notApplicable("no --consensus given to check the \(kind) digest against"))
        }
        guard let digest else { return VerificationCheck(id, .failed("no digest")) }
        return VerificationCheck(id, set.contains(digest) ? .passed : .notApplicable("not the \(kind) the given consensus lists"))
    }

    /// The fixed set `--authorities` names, or nil: then the history picks the set by time.
    private func loadAuthorities() throws -> TrustedAuthorities? {
        guard let path = authorities else { return nil }
        var set = try AuthorityFile.load(path)
        set.origin = "authorities from \(path): \(set.count) identities"
        return set
    }

    private func time(for document: AnyDescriptor) -> TorTimestamp {
        if at == "now" { return TorTimestamp(Date()) }
        if let fixed = TorTimestamp(parsing: at) { return fixed }
        let own: TorTimestamp? = switch document {
        case .serverDescriptor(let d): d.published
        case .extraInfo(let d): d.published
        case .consensus(let d): d.validAfter
        case .vote(let d): d.published
        case .keyCertificate(let d): d.published
        case .detachedSignatures(let d): d.validAfter
        default: nil
        }
        return own ?? TorTimestamp(Date())
    }

    private func verificationReport(_ document: AnyDescriptor, certificates: [KeyCertificate],
                                    signingKeys: [Fingerprint: RSAPublicKey], verifier: AuthorityVerifier,
                                    listed: Listed) -> VerificationReport {
        let when = time(for: document)
        switch document {
        case .serverDescriptor(let d):
            var report = d.verificationReport(at: when.date)
            report.checks.append(listedCheck(.serverDescriptor, d.digest, in: listed.descriptors, kind: "descriptor", listed))
            return report
        case .extraInfo(let d):
            return d.verificationReport(signingKey: signingKeys[d.fingerprint], at: when.date)
        case .keyCertificate(let d):
            return verifier.report(for: d, at: when)
        case .consensus(let d):
            var unpinned = TrustedAuthorities.unpinnedDirSources(of: d.header)
            unpinned.origin = "unpinned: the consensus's own \(unpinned.count) dir-source identities"
            let consensusVerifier = unpinnedDirSources ? verifier.with(authorities: unpinned) : verifier
            return consensusVerifier.report(for: d, certificates: certificates, at: when)
        case .vote(let d):
            return verifier.report(for: d, at: when)
        case .detachedSignatures(let d):
            return verifier.report(for: d, certificates: certificates, at: when)
        case .microdescriptor(let d):
            return VerificationReport(document: .microdescriptor, firstLine: d.firstLine, checks: [
                VerificationCheck(.unsignedDocument, .notApplicable("microdescriptors are unsigned; their SHA-256 is checked against a consensus m line")),
                listedCheck(.microdescriptor, d.digest, in: listed.microdescriptors, kind: "microdescriptor", listed),
            ])
        case .networkStatusV2(let d):
            return d.verificationReport()
        case .relayDirectory(let d):
            // The directory's own signature; each server descriptor inside verifies on its own
            // when read as one (`tordesc verify` of the descriptors).
            return d.verificationReport()
        case .bridgeNetworkStatus(let d):
            return VerificationReport(document: .bridgeNetworkStatus, firstLine: d.firstLine, checks: [
                VerificationCheck(.unsignedDocument, .notApplicable("bridge network statuses are published unsigned by CollecTor")),
            ])
        case .consensusDiff(let d):
            return VerificationReport(document: .consensusDiff, firstLine: d.firstLine, checks: [
                VerificationCheck(.unsignedDocument, .notApplicable("diffs are unsigned; `tordesc diff apply` checks both SHA3-256 hashes, then verify the result")),
            ])
        case .exitList:
            return VerificationReport(document: .exitList, firstLine: 1, checks: [
                VerificationCheck(.unsignedDocument, .notApplicable("exit lists are published unsigned by CollecTor")),
            ])
        case .bandwidthFile:
            return VerificationReport(document: .bandwidthFile, firstLine: 1, checks: [
                VerificationCheck(.unsignedDocument, .notApplicable("bandwidth files are unsigned; --bandwidth-file checks a vote's bandwidth-file-digest against one")),
            ])
        case .onionServiceDescriptor(let d):
            // The outer layer only: decrypting needs the onion address (`tordesc onion`).
            return d.verificationReport(at: when.date)
        case .bridgePoolAssignment(let d):
            return VerificationReport(document: .bridgePoolAssignment, firstLine: d.firstLine, checks: [
                VerificationCheck(.unsignedDocument, .notApplicable("bridge pool assignments are published unsigned by CollecTor")),
            ])
        case .webServerAccessLog:
            return VerificationReport(document: .webServerAccessLog, firstLine: 1, checks: [
                VerificationCheck(.unsignedDocument, .notApplicable("web server logs are published unsigned by CollecTor")),
            ])
        case .torperf(let d):
            return VerificationReport(document: .torperf, firstLine: d.line, checks: [
                VerificationCheck(.unsignedDocument, .notApplicable("Torperf results are published unsigned by CollecTor")),
            ])
        case .snowflakeStats(let d):
            return VerificationReport(document: .snowflakeStats, firstLine: d.firstLine, checks: [
                VerificationCheck(.unsignedDocument, .notApplicable("snowflake statistics are published unsigned by CollecTor")),
            ])
        case .bridgedbMetrics(let d):
            return VerificationReport(document: .bridgedbMetrics, firstLine: d.firstLine, checks: [
                VerificationCheck(.unsignedDocument, .notApplicable("BridgeDB metrics are published unsigned by CollecTor")),
            ])
        }
    }

    private func name(of document: AnyDescriptor) -> String {
        switch document {
        case .serverDescriptor(let d): "\(d.nickname) \(d.fingerprint?.hex ?? "?")"
        case .extraInfo(let d): "\(d.nickname) \(d.fingerprint.hex)"
        case .keyCertificate(let d): d.fingerprint?.hex ?? "?"
        case .consensus(let d): d.validAfter.map { "valid-after \($0)" } ?? ""
        case .vote(let d): d.published.map { "published \($0)" } ?? ""
        case .detachedSignatures(let d): d.validAfter.map { "valid-after \($0)" } ?? ""
        case .microdescriptor(let d): d.digest.base64
        default: ""
        }
    }

    private func textLine(_ source: DescriptorSource, _ document: AnyDescriptor, _ report: VerificationReport, _ verifiable: Bool) -> String {
        let head = "\(source):\(report.firstLine): \(report.document.rawValue) \(name(of: document))"
        let authoritySet = report.check(.authoritySet).map { "; " + $0.name } ?? ""
        if !report.isValid {
            return head + ": FAILED: " + report.failures.map(\.description).joined(separator: "; ") + authoritySet
        }
        if !verifiable {
            let reasons = report.checks.compactMap { check -> String? in
                if case .notApplicable(let why) = check.outcome { return why } else { return nil }
            }
            return head + ": not verifiable (" + reasons.joined(separator: "; ") + ")"
        }
        let normalized = report[.lineEndings] == .passed ? "; line endings: CRLF normalized" : ""
        return head + ": ok (\(report.checks.filter(\.passed).count) checks\(normalized)\(authoritySet))"
    }

    private func jsonLine(_ source: DescriptorSource, _ document: AnyDescriptor, _ report: VerificationReport) -> String {
        let checks: [JSONValue] = report.checks.map { check in
            switch check.outcome {
            case .passed: .object([("check", .string(check.name)), ("outcome", .string("passed"))])
            case .failed(let why): .object([("check", .string(check.name)), ("outcome", .string("failed")), ("reason", .string(why))])
            case .notApplicable(let why): .object([("check", .string(check.name)), ("outcome", .string("not_applicable")), ("reason", .string(why))])
            }
        }
        return JSONValue.object([
            ("source", .string(source.description)), ("line", .int(report.firstLine)),
            ("type", .string(report.document.rawValue)), ("name", .string(name(of: document))),
            ("valid", .bool(report.isValid)), ("checks", .array(checks)),
        ]).serialized()
    }
}
