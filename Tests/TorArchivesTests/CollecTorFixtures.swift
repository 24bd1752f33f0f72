import Foundation
import TestSupport
import TorArchives
import TorDescriptors

/// A CollecTor-shaped tree built at test time from files in Resources/corpus (so it works on a
/// fresh clone), with an `index/index.json` (and `.xz`, `.gz`, `.bz2` copies) whose sizes and
/// SHA-256 are computed from the files. Publication times are the first and last `published`
/// (or `valid-after`) lines of each file, read from the file text.
enum CollecTorFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func corpusPath(_ relative: String) -> String { root.appendingPathComponent("Resources/corpus/" + relative).path }

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("collector-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Runs a command-line tool (through env, so PATH finds it) in `directory`; throws when it fails.
    static func run(_ arguments: [String], in directory: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = directory
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
    }

    struct Entry {
        /// Path in the served tree.
        let path: String
        /// Source files (one: copied as is; several: packed with tar and xz, like CollecTor's archives).
        let sources: [String]
        let type: String
        let first: String
        let last: String
    }

    static let entries: [Entry] = [
        Entry(path: "recent/relay-descriptors/server-descriptors/2017-07-17-17-20-00-server-descriptors",
              sources: ["server-descriptors/metrics-lib--2017-07-17-17-20-00-server-descriptors"],
              type: "server-descriptor 1.0", first: "2017-07-17 16:15", last: "2017-07-17 16:48"),
        Entry(path: "recent/relay-descriptors/server-descriptors/2016-10-02-16-05-00-server-descriptors",
              sources: ["server-descriptors/relay-2016-10-02-16-05-00-server-descriptors"],
              type: "server-descriptor 1.0", first: "2016-10-02 14:58", last: "2016-10-02 15:01"),
        Entry(path: "recent/relay-descriptors/extra-infos/2017-07-17-17-20-00-extra-infos",
              sources: ["extra-info/metrics-lib--2017-07-17-17-20-00-extra-infos"],
              type: "extra-info 1.0", first: "2017-07-17 15:53", last: "2017-07-17 16:38"),
        Entry(path: "recent/relay-descriptors/consensuses/2012-06-18-21-00-00-consensus",
              sources: ["consensus/2012-06-18-21-00-00-cached-consensus"],
              type: "network-status-consensus-3 1.0", first: "2012-06-18 21:00", last: "2012-06-18 21:00"),
        Entry(path: "archive/relay-descriptors/server-descriptors/server-descriptors-2016-10.tar.xz",
              sources: ["server-descriptors/relay-2016-10-02-16-05-00-server-descriptors"],
              type: "server-descriptor 1.0", first: "2016-10-02 14:58", last: "2016-10-02 15:01"),
        Entry(path: "archive/relay-descriptors/extra-infos/extra-infos-2016-10.tar.xz",
              sources: ["extra-info/relay-2016-10-02-08-05-00-extra-infos"],
              type: "extra-info 1.0", first: "2016-10-02 07:01", last: "2016-10-02 07:01"),
    ]

    /// The large file used for resume tests (701,186 bytes).
    static let consensusPath = "recent/relay-descriptors/consensuses/2012-06-18-21-00-00-consensus"

    /// Builds the served tree under a fresh temporary directory and returns it (`served/` holds
    /// the tree; `mirror/` is free for downloads). `extra` adds index entries for files that are
    /// not served (to provoke 404s).
    static func makeTree(extra: [CollecTorFile] = []) throws -> URL {
        let dir = try temporaryDirectory()
        let served = dir.appendingPathComponent("served")
        var files: [CollecTorFile] = []
        for entry in entries {
            let target = served.appendingPathComponent(entry.path)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            if entry.path.hasSuffix(".tar.xz") {
                let staging = dir.appendingPathComponent("staging-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
                for source in entry.sources {
                    try FileManager.default.copyItem(atPath: corpusPath(source),
                                                     toPath: staging.appendingPathComponent((source as NSString).lastPathComponent).path)
                }
                let tarName = String(entry.path.split(separator: "/").last!.dropLast(3))
                try run(["tar", "-cf", staging.appendingPathComponent(tarName).path, "-C", staging.path]
                                        + entry.sources.map { ($0 as NSString).lastPathComponent }, in: staging)
                try run(["xz", "-z", tarName], in: staging)
                try FileManager.default.moveItem(at: staging.appendingPathComponent(tarName + ".xz"), to: target)
                try FileManager.default.removeItem(at: staging)
            } else {
                try FileManager.default.copyItem(atPath: corpusPath(entry.sources[0]), toPath: target.path)
            }
            let bytes = Array(try Data(contentsOf: target))
            files.append(CollecTorFile(path: entry.path, size: bytes.count, lastModified: nil,
                                       firstPublished: TorTimestamp(parsing: entry.first + ":00"),
                                       lastPublished: TorTimestamp(parsing: entry.last + ":00"),
                                       types: [CollecTorDescriptorType(entry.type)],
                                       sha256: Base64.encode(Digest.sha256(bytes))))
        }
        try writeIndex(files + extra, to: served)
        return dir
    }

    /// Writes `index/index.json` in CollecTor's nesting, plus compressed copies.
    static func writeIndex(_ files: [CollecTorFile], to served: URL) throws {
        final class Node {
            var files: [[String: Any]] = []
            var children: [(String, Node)] = []
            func child(_ name: String) -> Node {
                if let found = children.first(where: { $0.0 == name }) { return found.1 }
                let node = Node()
                children.append((name, node))
                return node
            }
            func json(path: String) -> [String: Any] {
                var object: [String: Any] = ["path": path]
                if !files.isEmpty { object["files"] = files }
                if !children.isEmpty { object["directories"] = children.map { $0.1.json(path: $0.0) } }
                return object
            }
        }
        let top = Node()
        for file in files {
            let parts = file.path.split(separator: "/").map(String.init)
            let node = parts.dropLast().reduce(top) { $0.child($1) }
            var object: [String: Any] = ["path": parts.last!, "size": file.size, "last_modified": "2019-11-30 22:00",
                                         "types": file.types.map(\.description)]
            if let first = file.firstPublished { object["first_published"] = String(first.description.prefix(16)) }
            if let last = file.lastPublished { object["last_published"] = String(last.description.prefix(16)) }
            if let sha = file.sha256 { object["sha256"] = sha }
            node.files.append(object)
        }
        var index = top.json(path: "http://127.0.0.1")
        index["index_created"] = "2019-11-30 22:26"
        index["build_revision"] = "synthetic"
        let data = try JSONSerialization.data(withJSONObject: index)
        let indexDir = served.appendingPathComponent("index")
        try FileManager.default.createDirectory(at: indexDir, withIntermediateDirectories: true)
        try data.write(to: indexDir.appendingPathComponent("index.json"))
        for (tool, ext) in [("xz", "xz"), ("gzip", "gz"), ("bzip2", "bz2")] {
            for stale in [indexDir.appendingPathComponent("index.json." + ext)] { try? FileManager.default.removeItem(at: stale) }
            try run([tool, "-k", "index.json"], in: indexDir)
        }
    }
}

/// A loopback HTTP server (python3, 127.0.0.1 only) over a directory, with switches the
/// resume tests need: `Range` support on or off, and a one-shot cut of a file's body in the
/// middle. It logs `METHOD path range` per request, exits on its own after two minutes, and is
/// stopped by its PID.
final class CollecTorTestServer {
    static let python: String? = ExternalTool.path("python3")

    static let script = #"""
    import http.server, os, signal, sys, threading, urllib.parse
    signal.signal(signal.SIGTERM, signal.SIG_DFL)   # the test runner may start children with SIGTERM ignored
    root, control, ranges = sys.argv[1], sys.argv[2], sys.argv[3] == "range"
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        def log_message(self, *args): pass
        def do_GET(self):
            rel = urllib.parse.unquote(self.path.split("?")[0]).lstrip("/")
            with open(os.path.join(control, "requests.log"), "a") as log:
                log.write("GET %s %s\n" % (rel, self.headers.get("Range", "-")))
            full = os.path.join(root, rel)
            if ".." in rel.split("/") or not os.path.isfile(full):
                self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers(); return
            data = open(full, "rb").read()
            wanted = self.headers.get("Range", "")
            if ranges and wanted.startswith("bytes=") and wanted.endswith("-"):
                start = int(wanted[6:-1])
                if start >= len(data):
                    self.send_response(416); self.send_header("Content-Length", "0"); self.end_headers(); return
                self.send_response(206)
                self.send_header("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))
                body = data[start:]
            else:
                self.send_response(200)
                body = data
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            cut = os.path.join(control, rel.replace("/", "_") + ".cut")
            if os.path.exists(cut):
                os.remove(cut)
                self.wfile.write(body[: len(body) // 2]); self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(2)
                return
            self.wfile.write(body)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if len(sys.argv) > 5:   # HTTPS: certificate chain and key made by the test
        import ssl
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[4], sys.argv[5])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    # A safety net for a server the test failed to stop by its PID, not a test bound: under a
    # sanitizer with the whole suite in parallel, a test's tasks can wait minutes for the pool.
    threading.Timer(900, lambda: os._exit(0)).start()
    server.serve_forever()
    """#

    let process = Process()
    let port: Int
    let control: URL
    let https: Bool

    /// Starts serving `directory` (over HTTPS with `tls`); `control` receives the request log and
    /// cut markers.
    init(serving directory: URL, ranges: Bool = true, tls: TestCertificates? = nil) throws {
        guard let python = Self.python else { throw CocoaError(.executableNotLoadable) }
        control = directory.deletingLastPathComponent().appendingPathComponent("control-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: control, withIntermediateDirectories: true)
        let scriptURL = control.appendingPathComponent("server.py")
        try Self.script.write(to: scriptURL, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [scriptURL.path, directory.path, control.path, ranges ? "range" : "norange"]
            + (tls.map { [$0.serverChain.path, $0.serverKey.path] } ?? [])
        https = tls != nil
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        var line = Data()
        while !line.contains(0x0A) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw CocoaError(.executableLoad)
        }
        self.port = port
    }

    /// HTTPS goes to `localhost`, the name in the test certificate (which may resolve to ::1
    /// first: the server listens on 127.0.0.1 only).
    var baseURL: URL { URL(string: https ? "https://localhost:\(port)" : "http://127.0.0.1:\(port)")! }

    /// The next request for `path` sends half its body, then drops the connection.
    func cutOnce(_ path: String) throws {
        try Data().write(to: control.appendingPathComponent(path.replacingOccurrences(of: "/", with: "_") + ".cut"))
    }

    /// `GET path range` lines, in arrival order.
    var requests: [String] {
        guard let text = try? String(contentsOf: control.appendingPathComponent("requests.log"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map(String.init)
    }

    func stop() {
        if process.isRunning {
            // SIGKILL: the server holds no state worth a clean exit, and a test runner may hand
            // its children an ignored SIGTERM.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}

/// A throwaway CA and a server certificate for `localhost` / 127.0.0.1 signed by it, made with
/// the openssl command-line tool in a temporary directory.
struct TestCertificates {
    static let openssl: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return (path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"])
            .map { $0 + "/openssl" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    let directory: URL
    var caCertificate: URL { directory.appendingPathComponent("ca.pem") }
    var serverChain: URL { directory.appendingPathComponent("server.pem") }
    var serverKey: URL { directory.appendingPathComponent("server.key") }

    /// `name` keeps two CAs of one test apart.
    init(in parent: URL, name: String = "tls") throws {
        guard let openssl = Self.openssl else { throw CocoaError(.executableNotLoadable) }
        directory = parent.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
            .write(to: directory.appendingPathComponent("server.ext"), atomically: true, encoding: .utf8)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        for arguments in [
            ["req", "-x509"] + ec + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=TorDescriptors test CA \(name)",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
            ["req"] + ec + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"],
            ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem",
             "-days", "2", "-extfile", "server.ext"],
        ] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: openssl)
            process.arguments = arguments
            process.currentDirectoryURL = directory
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad, userInfo: ["openssl": arguments.joined(separator: " ")]) }
        }
    }
}
