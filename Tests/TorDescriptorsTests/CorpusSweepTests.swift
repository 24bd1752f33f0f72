import Foundation
import Testing
@testable import TorDescriptors

/// Parses every server descriptor, extra-info, microdescriptor and consensus file of
/// `../shared/corpus` (when that folder exists beside the project) and checks the document,
/// entry and signature counts that the corpus's own SOURCES.md table gives, that no document
/// fails, and that no byte is dropped.
@Suite("Corpus sweep (../shared/corpus)")
struct CorpusSweepTests {
    struct Expectation: Sendable, CustomTestStringConvertible {
        let path: String
        let type: DescriptorType
        /// Documents in the file.
        let count: Int
        /// Router status entries (consensuses, bridge statuses).
        var entries: Int? = nil
        /// `directory-signature` lines (consensuses, detached signatures; per file for votes).
        var signatures: Int? = nil
        /// `shared-rand-commit` lines over all votes of the file.
        var commits: Int? = nil
        var testDescription: String { "\(path) (\(count))" }
    }

    static let corpus = ProjectFiles.sharedCorpus

    /// Rows of SOURCES.md's per-file table whose content column is "N router descriptors",
    /// "N extra-info descriptors" or "N microdescriptors" (plain files, not archives).
    static let expectations: [Expectation] = {
        guard let table = try? String(contentsOf: corpus.appendingPathComponent("SOURCES.md"), encoding: .utf8) else { return [] }
        var rows: [Expectation] = []
        for line in table.split(separator: "\n") where line.hasPrefix("| ") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count > 4 else { continue }
            let path = cells[1]
            let words = cells[4].split(separator: " ")
            // "consensus, 2993 r entries, 0 SR value lines, 7 sigs": one document, entries and signatures.
            if words.first == "consensus,", words.count >= 9, let entries = Int(words[1]), let sigs = Int(words[8]) {
                rows.append(Expectation(path: path, type: .networkStatusConsensus, count: 1, entries: entries, signatures: sigs))
                continue
            }
            // "vote, 28 r entries, 16 shared-rand-commit, 0 SR value lines, 4 sigs; 4 key certificates":
            // totals over the votes of the file (tor's v3-status-votes holds several).
            if words.first == "vote,", words.count >= 11, let entries = Int(words[1]), let commits = Int(words[4]),
               let sigs = Int(words[10]) {
                rows.append(Expectation(path: path, type: .networkStatusVote, count: sigs, entries: entries,
                                        signatures: sigs, commits: commits))
                continue
            }
            // "v2 network status (obsolete format), 3 r entries"
            if cells[4].hasPrefix("v2 network status"), words.count >= 3, let entries = Int(words[words.count - 3]) {
                rows.append(Expectation(path: path, type: .networkStatusV2, count: 1, entries: entries))
                continue
            }
            // "bridge network status, 1906 r entries"
            if cells[4].hasPrefix("bridge network status,"), words.count >= 4, let entries = Int(words[3]) {
                rows.append(Expectation(path: path, type: .bridgeNetworkStatus, count: 1, entries: entries))
                continue
            }
            // "1 consensus diff (2942 ed commands)"
            if cells[4].hasPrefix("1 consensus diff ("), words.count >= 4, let commands = Int(words[3].dropFirst()) {
                rows.append(Expectation(path: path, type: .consensusDiff, count: 1, entries: commands))
                continue
            }
            // "exit list, 1118 ExitNode entries" / "bandwidth file, 15 relay lines": one document per file.
            if cells[4].hasPrefix("exit list,"), words.count >= 4, let entries = Int(words[2]) {
                rows.append(Expectation(path: path, type: .exitList, count: 1, entries: entries))
                continue
            }
            if cells[4].hasPrefix("bandwidth file,"), words.count >= 4, let entries = Int(words[2]) {
                rows.append(Expectation(path: path, type: .bandwidthFile, count: 1, entries: entries))
                continue
            }
            // "detached signatures, 9 directory-signature"
            if cells[4].hasPrefix("detached signatures,"), words.count >= 3, let sigs = Int(words[2]) {
                rows.append(Expectation(path: path, type: .detachedSignature, count: 1, signatures: sigs))
                continue
            }
            guard words.count >= 2, let count = Int(words[0]) else { continue }
            let kind = words[1...].joined(separator: " ")
            let type: DescriptorType
            switch kind {
            case "router descriptors": type = .serverDescriptor
            case "extra-info descriptors": type = .extraInfo
            case "microdescriptors": type = .microdescriptor
            case "key certificates": type = .keyCertificate
            default: continue
            }
            rows.append(Expectation(path: path, type: type, count: count))
        }
        return rows
    }()

    @Test("every descriptor file in the corpus is in SOURCES.md's table, so the sweep misses none",
          .enabled(if: FileManager.default.fileExists(atPath: corpus.path)))
    func sweepCoversCorpus() throws {
        let listed = Set(Self.expectations.map(\.path))
        #expect(listed.count == Self.expectations.count)
        var found: [String] = []
        let files = FileManager.default.enumerator(atPath: Self.corpus.path)?.allObjects as? [String] ?? []
        for relative in files.sorted() where !relative.hasPrefix("archives/") {
            let url = Self.corpus.appendingPathComponent(relative)
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            let bytes = [UInt8](data)
            if DescriptorType.detect(fileName: url.lastPathComponent, bytes: bytes[...]) != nil { found.append(relative) }
        }
        let unlisted = found.filter { !listed.contains($0) }
        #expect(unlisted.isEmpty, "descriptor files missing from SOURCES.md: \(unlisted)")
        #expect(found.count >= Self.expectations.count - 1)   // archives/stem--compressed_identity is listed but skipped here
    }

    @Test("every document parses leniently, with SOURCES.md's count and no byte dropped",
          .enabled(if: FileManager.default.fileExists(atPath: corpus.path)), arguments: expectations)
    func sweep(_ expectation: Expectation) throws {
        let url = Self.corpus.appendingPathComponent(expectation.path)
        let bytes = [UInt8](try Data(contentsOf: url))
        let detected = DescriptorType.detect(fileName: url.lastPathComponent, bytes: bytes[...]) ?? expectation.type
        #expect(detected.family == expectation.type, "type detected as \(detected)")

        let results = AnyDescriptor.parseAll(bytes[...], as: detected, mode: .lenient)
        let failures = results.compactMap { result -> DescriptorParseError? in
            if case .failure(let error) = result { return error } else { return nil }
        }
        #expect(failures.isEmpty, "\(failures.prefix(3))")
        #expect(results.count == expectation.count)
        if expectation.type == .networkStatusVote {
            let votes = results.compactMap { result -> NetworkStatusVote? in
                if case .vote(let vote)? = try? result.get() { vote } else { nil }
            }
            #expect(votes.map(\.entries.count).reduce(0, +) == expectation.entries)
            #expect(votes.map(\.sharedRandomCommits.count).reduce(0, +) == expectation.commits)
            #expect(votes.map(\.footer.signatures.count).reduce(0, +) == expectation.signatures)
        }
        for result in results {
            switch try result.get() {
            case .consensus(let consensus):
                #expect(consensus.entries.count == expectation.entries)
                #expect(consensus.footer.signatures.count == expectation.signatures)
            case .bridgeNetworkStatus(let status):
                #expect(status.entries.count == expectation.entries)
            case .networkStatusV2(let status):
                #expect(status.entries.count == expectation.entries)
            case .detachedSignatures(let detached):
                #expect(detached.signatures.count == expectation.signatures)
            case .consensusDiff(let diff):
                #expect(diff.commands.count == expectation.entries)
            case .exitList(let list):
                #expect(list.entries.count == expectation.entries)
            case .bandwidthFile(let file):
                #expect(file.relays.count == expectation.entries)
            default:
                break
            }
        }

        // The documents tile the file exactly: nothing is dropped between them (a diff-cache
        // entry's label lines are storage metadata, not part of the diff).
        guard detected != .consensusDiff else { return }
        let covered = results.compactMap { try? $0.get().rawBytes.count }.reduce(0, +)
        #expect(covered == bytes.count)
    }

    /// Real documents that do not meet the strict rules, each for a reason of its own.
    static let strictExceptions: [String: String] = [
        // Stem's sample with a byte ≥ 0x80 in dirreq-v3-reqs: the spec allows none there.
        "malformed/stem--extrainfo_nonascii_v3_reqs": "non-ASCII outside contact/platform",
        // tor's own unsigned drafts of its testnet consensuses: no directory-signature at all.
        "testnet/arti-shadow-chutney-000a/my-consensus-microdesc": "unsigned",
        "testnet/arti-shadow-chutney-000a/my-consensus-ns": "unsigned",
    ]

    @Test("every real document passes strict validation, except the known malformed ones",
          .enabled(if: FileManager.default.fileExists(atPath: corpus.path)), arguments: expectations)
    func strict(_ expectation: Expectation) throws {
        let url = Self.corpus.appendingPathComponent(expectation.path)
        let bytes = [UInt8](try Data(contentsOf: url))
        let type = DescriptorType.detect(fileName: url.lastPathComponent, bytes: bytes[...]) ?? expectation.type
        let failures = AnyDescriptor.parseAll(bytes[...], as: type, mode: .strict).filter {
            if case .failure = $0 { true } else { false }
        }
        if Self.strictExceptions[expectation.path] != nil {
            #expect(!failures.isEmpty, "expected a strict failure")
        } else {
            #expect(failures.isEmpty, "\(failures.prefix(3))")
        }
    }
}
