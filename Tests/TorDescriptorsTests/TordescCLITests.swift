import Foundation
import Testing
import TestSupport
import TorDescriptors

/// Runs the built `tordesc` executable as a user would (it is built by `swift build`, which
/// `swift test` and `.ci/run` do first) and checks output and exit codes.
@Suite struct TordescCLITests {
    typealias Run = TordescProcess.Run
    static let executable = TordescProcess.executable(projectRoot: ProjectFiles.root)

    static func run(_ arguments: [String]) throws -> Run {
        try TordescProcess.run(try #require(executable, "tordesc is not built: run swift build first"), arguments, in: ProjectFiles.root)
    }

    @Test("parse --json prints Stem's attribute names and values (values checked against Stem 1.8.2)")
    func parseJSON() throws {
        let run = try Self.run(["parse", "--json", "Resources/corpus/server-descriptors/stem--example_descriptor"])
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(object["nickname"] as? String == "caerSidi")
        #expect(object["fingerprint"] as? String == "A7569A83B5706AB1B1A9CB52EFF7D2D32E4553EB")
        #expect(object["published"] as? String == "2012-03-01 17:15:27")
        #expect(object["or_port"] as? Int == 9001)
        #expect(object["exit_policy"] as? String == "reject *:*")
        #expect(object["digest"] as? String == "2C7B27BEAB04B4E2459D89CA6D5CD1CC5F95A689")
    }

    @Test("--version alone (answered before ArgumentParser) prints what ArgumentParser prints for it")
    func versionFastPath() throws {
        let fast = try Self.run(["--version"])
        let parsed = try Self.run(["parse", "--version"])   // goes through ArgumentParser
        #expect(fast.status == 0 && parsed.status == 0)
        #expect(!fast.stdout.isEmpty)
        #expect(fast.stdout == parsed.stdout && fast.stderr == parsed.stderr)
    }

    @Test("the README's main job parses every bundled document and exits 0")
    func mainJob() throws {
        let run = try Self.run(["parse", "--quiet", "Resources/corpus"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("failed: 0"))
    }

    /// `--jobs` parses batches of files, and the 2012 consensus in chunks, on several threads
    /// (DescriptorReaderOptions.parallelism): the same lines in the same order as one thread.
    @Test("parse --jobs 2 and --jobs 0 print what one thread prints, in the same order")
    func parseJobs() throws {
        let inputs = ["Resources/corpus/consensus", "Resources/corpus/server-descriptors", "Resources/corpus/microdescs"]
        let one = try Self.run(["parse", "--json"] + inputs)
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stdout.split(separator: "\n").count > 2_000)
        for jobs in ["2", "0"] {
            let many = try Self.run(["parse", "--json", "--jobs", jobs] + inputs)
            #expect(many.status == 0, "\(many.stderr)")
            #expect(many.stdout == one.stdout, "--jobs \(jobs)")
            #expect(many.stderr == one.stderr, "--jobs \(jobs)")
        }
        #expect(try Self.run(["parse", "--jobs=-1", "Resources/corpus/consensus"]).status == 2)
        #expect(try Self.run(["parse", "--jobs", "two", "Resources/corpus/consensus"]).status == 2)
    }

    @Test("a broken document gives exit 1 with file and line on stderr; the others still print")
    func brokenDocument() throws {
        // Synthetic file: two real microdescriptors around a synthetic broken one.
        let real = try String(contentsOf: ProjectFiles.root.appendingPathComponent("Resources/corpus/microdescs/2026-07-arti-live--moria1"), encoding: .utf8)
        let broken = "onion-key\n-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END WRONG-----\n"
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("synthetic-\(UUID().uuidString)")
        try (real + broken + real).write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let run = try Self.run(["parse", "--type", "microdescriptor", url.path])
        #expect(run.status == 1)
        #expect(run.stdout.split(separator: "\n").count == 2)
        // The error names the mismatched END line: the 4th line of the broken document.
        let realLines = real.split(separator: "\n", omittingEmptySubsequences: false).count - 1
        #expect(run.stderr.contains("\(url.path):\(realLines + 4):"), "\(run.stderr)")
        #expect(run.stderr.contains("keyword 'onion-key'"))
    }

    /// tordesc lists enum option values by their raw values itself (ArgumentValues.swift), not
    /// through ArgumentParser's per-case interpolation: the usage error still names every type,
    /// in declaration order, each once.
    @Test("an unknown --type lists every document type's name")
    func unknownTypeListsEveryType() throws {
        let run = try Self.run(["parse", "--type", "no-such-type", "x"])
        #expect(run.status == 2)
        let listed = run.stderr.split(separator: "\n").compactMap { line -> String? in
            line.hasPrefix("  - ") ? String(line.dropFirst(4)) : nil
        }
        #expect(listed == DescriptorType.allCases.map(\.rawValue), "\(run.stderr)")
    }

    @Test("usage errors exit with 2")
    func usageError() throws {
        #expect(try Self.run(["parse", "--no-such-option", "x"]).status == 2)
        #expect(try Self.run(["parse", "/no/such/file"]).status == 2)
    }

    @Test("policy evaluates probes like Stem's can_exit_to")
    func policy() throws {
        let run = try Self.run(["policy", "accept *:80, accept *:443, reject *:*", "1.2.3.4:443", "1.2.3.4:22", "*:80"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("summary: accept 80,443"))
        #expect(run.stdout.contains("1.2.3.4:443\taccept"))
        #expect(run.stdout.contains("1.2.3.4:22\treject"))
        #expect(run.stdout.contains("*:80\taccept"))
    }

    @Test("diff apply refuses a base whose SHA3-256 is not the diff's (bundled files), exit 1")
    func diffApplyWrongBase() throws {
        let run = try Self.run(["diff", "apply", "Resources/corpus/consensus/2012-06-18-21-00-00-cached-consensus",
                                "Resources/corpus/consensus-diffs/diff-cache-1028--md-2021-08-29T17-to-2021-08-29T19"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("the diff expects ED4942C91560A740AAFC53927A0144A2216CDDBEE4CE41F0C6FCDCC8E86FA1ED"))
    }

    @Test("diff apply rebuilds the 2021-08-29 microdesc consensus byte for byte (../shared/corpus)",
          .enabled(if: ProjectFiles.hasSharedCorpus))
    func diffApplyRealPair() throws {
        let corpus = ProjectFiles.sharedCorpus.path
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("diff-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let run = try Self.run(["diff", "apply", corpus + "/microdesc-consensus/2021-08-26-19-00-00-unverified-microdesc-consensus",
                                corpus + "/consensus-diffs/diff-cache-1048--md-2021-08-26T19-to-2021-08-29T19", "-o", output.path])
        #expect(run.status == 0, "\(run.stderr)")
        let expected = try Data(contentsOf: URL(fileURLWithPath: corpus + "/microdesc-consensus/2021-08-29-19-00-00-cached-microdesc-consensus"))
        #expect(try Data(contentsOf: output) == expected)
    }
}
