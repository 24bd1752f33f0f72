import Foundation
import Testing
import TorDescriptors
import TorNetwork
import TorWire

/// ORPort peers on loopback that misbehave (Tests/HostileORPort/server.py, a Python TLS server
/// with an identity made by openssl at test time): each misbehaviour is a typed error, within
/// the deadline, never a crash or a hang.
@Suite(.enabled(if: HostileORPort.isAvailable, "needs python3 and openssl"), .serialized)
struct HostileORPortTests {
    @Test func aGarbageFirstCellIsRefused() async throws {
        let error = try await HostileORPort.run("garbage")
        #expect(error == .link(.unexpectedCell("netinfo", state: "before VERSIONS")))
    }

    @Test func linkProtocol3OnlyIsRefused() async throws {
        #expect(try await HostileORPort.run("version3") == .link(.noCommonVersion(offered: [3])))
    }

    @Test func aSpoiledIdentitySignatureIsRefused() async throws {
        let error = try await HostileORPort.run("badsig")
        guard case .link(.certificates(let why)) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(why.contains("X.509 signature"))
    }

    @Test func anotherIdentityIsRefusedNamingBoth() async throws {
        let wanted = Fingerprint(hex: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")!
        let error = try await HostileORPort.run("silent", expected: wanted)
        guard case .link(.identityMismatch(let expected, let actual)) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(expected == wanted && actual != wanted)
    }

    @Test func destroyInsteadOfCreatedFastIsItsReason() async throws {
        #expect(try await HostileORPort.run("destroy") == .link(.destroyed(.resourceLimit)))
    }

    @Test func aWrongKeyHashIsRefused() async throws {
        #expect(try await HostileORPort.run("badkh") == .link(.keyHashMismatch))
    }

    @Test func aSilentRelayMeetsTheDeadline() async throws {
        let started = ContinuousClock.now
        #expect(try await HostileORPort.run("silent", deadline: .seconds(2)) == .deadlineExceeded)
        // Generous: the deadline fires on the event loop at 2 s, but this test resumes on the
        // cooperative pool, which the rest of the suite under a sanitizer can hold for minutes.
        #expect(ContinuousClock.now - started < .seconds(300))
    }

    @Test func aConnectionClosedMidHandshakeIsReported() async throws {
        let error = try await HostileORPort.run("close")
        guard case .connectionClosed = error else { Issue.record("got \(String(describing: error))"); return }
    }

    @Test func cancellationEndsTheExchange() async throws {
        let server = try HostileORPort.start("silent")
        defer { server.stop() }
        let task = Task {
            try await ORPortDirectoryConnection.fetch(host: "127.0.0.1", port: server.port, fingerprint: server.fingerprint,
                                                      path: "/tor/keys/all", deadline: .now + .seconds(30))
        }
        try await Task.sleep(for: .milliseconds(500))
        task.cancel()
        do { _ = try await task.value; Issue.record("a silent relay answered") } catch let error as ORPortError {
            #expect(error == .cancelled)
        }
    }
}

/// Runs Tests/HostileORPort/server.py in one mode.
struct HostileORPort {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("HostileORPort/server.py")
    static let isAvailable: Bool = ["python3", "openssl"].allSatisfy { tool in
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["which", tool]
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    let process: Process
    let work: URL
    let port: Int
    let fingerprint: Fingerprint

    static func start(_ mode: String) throws -> HostileORPort {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-orport-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, mode, work.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        // The first line: "PORT FINGERPRINT" (after openssl made the keys, well under a second).
        var line: [UInt8] = []
        while true {
            let byte = pipe.fileHandleForReading.readData(ofLength: 1)
            guard let first = byte.first else { break }
            if first == 0x0A { break }
            line.append(first)
        }
        let parts = String(decoding: line, as: UTF8.self).split(separator: " ")
        guard parts.count == 2, let port = Int(parts[0]), let fingerprint = Fingerprint(hex: parts[1]) else {
            process.terminate()
            throw ServerError.noPort(String(decoding: line, as: UTF8.self))
        }
        return HostileORPort(process: process, work: work, port: port, fingerprint: fingerprint)
    }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: work)
    }

    /// The error a fetch from a server in `mode` ends with (nil when it somehow succeeded).
    static func run(_ mode: String, expected: Fingerprint? = nil, deadline: Duration = .seconds(15)) async throws -> ORPortError? {
        let server = try start(mode)
        defer { server.stop() }
        do {
            _ = try await ORPortDirectoryConnection.fetch(host: "127.0.0.1", port: server.port, fingerprint: expected ?? server.fingerprint,
                                                          path: "/tor/keys/all", deadline: .now + deadline)
            return nil
        } catch {
            return error
        }
    }

    enum ServerError: Error { case noPort(String) }
}
