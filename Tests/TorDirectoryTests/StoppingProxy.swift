#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A loopback TCP relay in front of a tor ORPort that passes at most `limit()` bytes of each
/// connection's answer, then calls `onLimit()` once (the test stops the relay there, SIGSTOP
/// by PID) and passes nothing more. Holding back the rest matters: the private network's
/// bodies fit in loopback socket buffers, so a relay has written its whole answer before any
/// signal could stop it, and only a hold at the same point shows the client what a relay
/// stopped mid-body looks like. TLS stays end to end: the client still checks the relay's
/// identity.
/// One thread per direction; `stop()` closes every socket.
final class StoppingProxy: @unchecked Sendable {
    let port: UInt16
    private let listener: Int32
    private let lock = NSLock()
    private var sockets: [Int32] = []
    private var stopped = false
    private var answered = 0
    /// Bytes of the last answer passed whole (-1 when it was held).
    var lastAnswerSize: Int { lock.lock(); defer { lock.unlock() }; return answered }

    init(targetPort: UInt16, limit: @escaping @Sendable () -> Int, onLimit: @escaping @Sendable () -> Void) throws {
        let fd = socket(AF_INET, Self.streamType, 0)
        listener = fd
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(fd, 4) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        port = UInt16(bigEndian: address.sin_port)
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(fd, nil, nil)
                guard client >= 0 else { return }
                let upstream = socket(AF_INET, Self.streamType, 0)
                var target = Self.loopback(port: targetPort)
                let connected = withUnsafePointer(to: &target) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
                guard track([client, upstream]), connected == 0 else { close(client); close(upstream); continue }
                Thread.detachNewThread { _ = Self.copy(from: client, to: upstream, limit: Int.max, onLimit: {}) }
                Thread.detachNewThread { [self] in
                    let total = Self.copy(from: upstream, to: client, limit: limit(), onLimit: onLimit)
                    lock.lock(); answered = total; lock.unlock()
                }
            }
        }
    }

    private func track(_ fds: [Int32]) -> Bool {
        lock.lock(); defer { lock.unlock() }
        sockets += fds
        return !stopped
    }

    func stop() {
        lock.lock()
        stopped = true
        let all = sockets + [listener]
        lock.unlock()
        for fd in all { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }
    }

    /// Copies until EOF (returns the bytes passed) or until `limit` bytes have passed (calls
    /// `onLimit`, then holds everything else until `stop()` closes the sockets; returns -1).
    private static func copy(from source: Int32, to destination: Int32, limit: Int, onLimit: () -> Void) -> Int {
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        var total = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            guard count > 0 else { shutdown(destination, Int32(SHUT_WR)); return total }
            let passing = min(count, limit - total)
            var sent = 0
            while sent < passing {
                let n = buffer.withUnsafeBytes { write(destination, $0.baseAddress! + sent, passing - sent) }
                guard n > 0 else { return total }
                sent += n
            }
            total += passing
            if total >= limit {
                onLimit()
                while buffer.withUnsafeMutableBytes({ read(source, $0.baseAddress, $0.count) }) > 0 {}
                return -1
            }
        }
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        address.sin_port = port.bigEndian
        return address
    }

    private static var streamType: Int32 { LoopbackServer.streamType }
}
