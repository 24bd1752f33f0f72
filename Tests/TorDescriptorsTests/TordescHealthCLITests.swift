import Foundation
import Testing
import TestSupport
@testable import TorDescriptors

/// `tordesc health` run as a user would, on the bundled 2018-10-15 00:00 votes and consensus;
/// what it must print is computed with the library from the same files.
@Suite struct TordescHealthCLITests {
    static func run(_ arguments: [String]) throws -> TordescProcess.Run {
        try TordescProcess.run(try #require(TordescCLITests.executable, "tordesc is not built: run swift build first"),
                               ["health"] + arguments, in: ProjectFiles.root)
    }

    static let inputs = ConsensusHealthStemTests.period2018.flatMap { ["--votes", $0] } + ["--consensus", ConsensusHealthTests.consensus2018, "--at", "document"]

    @Test("text: one line per finding under its severity, the flag table, exit 1 for the quorum error")
    func text() throws {
        let (votes, consensus) = try ConsensusHealthTests.period2018()
        let report = ConsensusHealth(votes: votes, consensus: consensus).run(at: try #require(consensus.header.validAfter))
        let run = try Self.run(Self.inputs)
        #expect(run.status == 1, "\(run.stderr)")
        for finding in report.findings { #expect(run.stdout.contains("\(finding.check.rawValue): \(finding.message)")) }
        for severity in HealthSeverity.allCases {
            let count = report.findings.filter { $0.severity == severity }.count
            #expect(run.stdout.contains("\(severity.rawValue) (\(count))") == (count > 0))
        }
        for row in report.comparison.authorities { #expect(run.stdout.contains(row.authority.nickname)) }
    }

    @Test("--json: one object per finding, the same findings as the library")
    func json() throws {
        let (votes, consensus) = try ConsensusHealthTests.period2018()
        let report = ConsensusHealth(votes: votes, consensus: consensus).run(at: try #require(consensus.header.validAfter))
        let run = try Self.run(Self.inputs + ["--json"])
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.map(String.init) == report.findings.map { $0.json.serialized() })
        #expect(!lines.isEmpty)
    }

    @Test("--authorities naming only the four voters: no missing votes, no error, exit 0 even with --fail-on warning when nothing reaches it")
    func authoritySet() throws {
        let votes = try ConsensusHealthTests.votes(ConsensusHealthStemTests.period2018)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("authorities-\(UUID().uuidString)")
        let authors = votes.compactMap(ConsensusHealth.author(of:))
        try authors.map { "\($0.nickname) \($0.identity.hex)" }.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let consensus = try NetworkStatusConsensus(parsing: try ConsensusHealthTests.bytes(ConsensusHealthTests.consensus2018))
        let report = ConsensusHealth(votes: votes, consensus: consensus, expectedAuthorities: authors).run(at: try #require(consensus.header.validAfter))
        let run = try Self.run(Self.inputs + ["--authorities", file.path, "--fail-on", "warning"])
        #expect(!run.stdout.contains("missing-vote"))
        #expect(run.status == ((report.worstSeverity ?? .info) >= .warning ? 1 : 0), "\(run.stdout)")
    }

    @Test("usage errors exit 2", arguments: [
        ["--consensus", "Resources/corpus/consensus/cropped--metrics-web--2018-10-15-00-00-00-consensus.part"],
        inputs + ["--fail-on", "fatal"],
        inputs + ["--at", "yesterday"],
        ["--votes", "no/such/file"],
    ])
    func usage(_ arguments: [String]) throws {
        #expect(try Self.run(arguments).status == 2)
    }

    /// The page is checked to be well nested by Python's HTML parser, self-contained, and to hold
    /// every finding and every authority's row (the rendering test below opens it in chromium).
    @Test("--html writes one self-contained, well-nested page with the findings and the tables",
          .enabled(if: ExternalTool.available("python3"), "needs python3 to check the page's nesting"))
    func html() throws {
        let (votes, consensus) = try ConsensusHealthTests.period2018()
        let report = ConsensusHealth(votes: votes, consensus: consensus).run(at: try #require(consensus.header.validAfter))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("health-\(UUID().uuidString).html")
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try Self.run(Self.inputs + ["--html", file.path])
        #expect(run.status == 1)
        let page = try String(contentsOf: file, encoding: .utf8)
        for finding in report.findings { #expect(page.contains(finding.message.replacingOccurrences(of: "&", with: "&amp;"))) }
        for row in report.comparison.authorities { #expect(page.contains("<td>\(row.authority.nickname)</td>")) }
        for disagreement in report.comparison.minorityFlags { #expect(page.contains(disagreement.relay.hex)) }
        for external in ["<script", "src=", "href=", "url("] { #expect(!page.contains(external)) }
        let checker = """
            import sys
            from html.parser import HTMLParser
            class Nesting(HTMLParser):
                def __init__(self):
                    super().__init__(); self.stack = []; self.errors = []
                def handle_starttag(self, tag, attrs):
                    if tag not in ('meta', 'br'): self.stack.append(tag)
                def handle_endtag(self, tag):
                    if not self.stack or self.stack.pop() != tag: self.errors.append(tag)
            parser = Nesting(); parser.feed(open(sys.argv[1], encoding='utf-8').read()); parser.close()
            sys.exit(0 if not parser.errors and not parser.stack else 1)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try ExternalTool.require("python3"))
        process.arguments = ["-c", checker, file.path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "the page's tags do not nest")
    }

    /// The page in a real browser: Debian's chromium renders it headless to a PNG, which Python
    /// decodes (zlib and the PNG filters, no imaging library) and finds far from blank: many
    /// colours, and dark text pixels over a good share of the picture.
    @Test("--html renders in headless chromium to a screenshot that is not blank",
          .enabled(if: ExternalTool.available("chromium") && ExternalTool.available("python3"), "needs Debian's chromium and python3"))
    func renderedInChromium() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("health-render-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("health.html"), picture = directory.appendingPathComponent("health.png")
        #expect(try Self.run(Self.inputs + ["--html", page.path]).status == 1)
        let browser = Process()
        browser.executableURL = URL(fileURLWithPath: try ExternalTool.require("chromium"))
        // --no-sandbox: CI runs as root, where chromium's sandbox refuses to start.
        browser.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1200,900",
                             "--user-data-dir=\(directory.appendingPathComponent("profile").path)",
                             "--screenshot=\(picture.path)", page.absoluteString]
        browser.standardOutput = FileHandle.nullDevice
        browser.standardError = FileHandle.nullDevice
        try browser.run()
        let deadline = Date().addingTimeInterval(120)
        while browser.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if browser.isRunning { browser.terminate(); Issue.record("chromium did not finish within 120 s"); return }
        #expect(browser.terminationStatus == 0)
        let measure = """
            import struct, sys, zlib
            data = open(sys.argv[1], 'rb').read()
            assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
            pos, idat = 8, b''
            while pos < len(data):
                length, kind = struct.unpack('>I4s', data[pos:pos + 8])
                body = data[pos + 8:pos + 8 + length]
                if kind == b'IHDR': width, height, depth, colour = struct.unpack('>IIBB', body[:10])
                if kind == b'IDAT': idat += body
                pos += 12 + length
            assert depth == 8 and colour in (2, 6)
            bpp = 4 if colour == 6 else 3
            raw, stride, rows, prev, i = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp), 0
            for _ in range(height):
                f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
                for x in range(stride):
                    a = line[x - bpp] if x >= bpp else 0
                    b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
                    if f == 1: line[x] = (line[x] + a) & 255
                    elif f == 2: line[x] = (line[x] + b) & 255
                    elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
                    elif f == 4:
                        p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                        line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
                rows.append(line); prev = line
            colours, dark = set(), 0
            for line in rows:
                for x in range(0, stride, bpp):
                    pixel = bytes(line[x:x + 3]); colours.add(pixel)
                    if sum(pixel) < 300: dark += 1
            print(width, height, len(colours), dark)
            """
        let python = Process()
        python.executableURL = URL(fileURLWithPath: try ExternalTool.require("python3"))
        python.arguments = ["-c", measure, picture.path]
        let output = Pipe()
        python.standardOutput = output
        try python.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        python.waitUntilExit()
        #expect(python.terminationStatus == 0, "the screenshot is not a readable PNG")
        let numbers = text.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        try #require(numbers.count == 4, "\(text)")
        #expect(numbers[0] == 1200 && numbers[1] == 900)
        // A blank page has one colour and no dark pixels; text and tables give hundreds of
        // antialiased shades and thousands of dark pixels.
        #expect(numbers[2] >= 50, "only \(numbers[2]) colours")
        #expect(numbers[3] >= 2_000, "only \(numbers[3]) dark pixels")
    }
}
