#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import TorDirectory

/// A scripted HTTP server on loopback for fault tests: each accepted connection reads the
/// request head, then runs `respond` with the request and a writer (or, with `waitForClose`,
/// only waits for the client to close and counts it). Runs on its own thread until `stop()`.
final class LoopbackServer: @unchecked Sendable {
    let port: UInt16
    let host: String
    private let fd: Int32
    private let lock = NSLock()
    private var stopped = false
    private(set) var requests: [String] = []
    private var accepted = 0
    private var closedByClient = 0

    /// `respond(request, send)`: `send` writes bytes and returns false once the client is gone.
    init(ipv6: Bool = false, waitForClose: Bool = false, respond: @escaping @Sendable (String, (ArraySlice<UInt8>) -> Bool) -> Void = { _, _ in }) throws {
        host = ipv6 ? "::1" : "127.0.0.1"
        let family = ipv6 ? AF_INET6 : AF_INET
        let listener = socket(family, Self.streamType, 0)
        fd = listener
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var v4 = sockaddr_in()
        v4.sin_family = sa_family_t(AF_INET)
        v4.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var v6 = sockaddr_in6()
        v6.sin6_family = sa_family_t(AF_INET6)
        v6.sin6_addr = in6addr_loopback
        let bound = ipv6
            ? withUnsafePointer(to: &v6) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
            : withUnsafePointer(to: &v4) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(listener, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        port = withUnsafeBytes(of: storage) { raw in UInt16(bigEndian: raw.load(fromByteOffset: 2, as: UInt16.self)) }
        let thread = Thread { [self] in
            while true {
                let client = accept(listener, nil, nil)
                if client < 0 { return }
                if self.isStopped { close(client); return }
                self.lock.lock(); self.accepted += 1; self.lock.unlock()
                Thread.detachNewThread { [self] in
                    var head: [UInt8] = []
                    var byte: UInt8 = 0
                    while recv(client, &byte, 1, 0) == 1 {
                        head.append(byte)
                        if head.suffix(4) == [13, 10, 13, 10] { break }
                    }
                    let request = String(decoding: head, as: UTF8.self)
                    self.record(request)
                    if waitForClose {
                        while recv(client, &byte, 1, 0) == 1 {}
                        self.lock.lock(); self.closedByClient += 1; self.lock.unlock()
                    } else {
                        respond(request) { bytes in
                            bytes.withUnsafeBytes { raw in send(client, raw.baseAddress, raw.count, Self.sendFlags) == raw.count }
                        }
                    }
                    close(client)
                }
            }
        }
        thread.start()
    }

    var endpoint: DirectoryEndpoint { DirectoryEndpoint(host: host, port: port) }
    private var isStopped: Bool { lock.lock(); defer { lock.unlock() }; return stopped }
    private func record(_ request: String) { lock.lock(); requests.append(request); lock.unlock() }
    var requestCount: Int { lock.lock(); defer { lock.unlock() }; return requests.count }
    /// Connections accepted, and connections the client closed (only counted with `waitForClose`).
    var acceptedCount: Int { lock.lock(); defer { lock.unlock() }; return accepted }
    var closedByClientCount: Int { lock.lock(); defer { lock.unlock() }; return closedByClient }

    #if canImport(Darwin)
    static let streamType = SOCK_STREAM
    static let sendFlags: Int32 = 0
    #else
    static let streamType = Int32(SOCK_STREAM.rawValue)
    static let sendFlags = Int32(MSG_NOSIGNAL)
    #endif

    func stop() {
        lock.lock(); stopped = true; lock.unlock()
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    deinit { if !isStopped { stop() } }

    /// A complete HTTP/1.0 response, as tor's DirPort writes it.
    static func response(status: String = "200 OK", encoding: String = "identity", body: [UInt8], contentLength: Bool = false) -> [UInt8] {
        var head = "HTTP/1.0 \(status)\r\nDate: Fri, 27 Nov 2026 01:00:00 GMT\r\nContent-Type: text/plain\r\nContent-Encoding: \(encoding)\r\n"
        if contentLength { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        return Array(head.utf8) + body
    }
}
