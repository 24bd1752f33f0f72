#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Why one HTTP exchange with one endpoint failed below the HTTP layer.
enum SocketFailure: Error, Sendable {
    case resolve(String)
    case connectTimeout
    case connect(String)
    case deadline
    case io(String)
    case tooLarge(Int)
    case cancelled
}

/// Shared flag that lets `withTaskCancellationHandler` stop a blocking exchange: the socket loop
/// polls in short slices and checks it between them.
final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    func set() { lock.lock(); value = true; lock.unlock() }
}

/// One blocking request/response over a POSIX TCP socket with deadlines.
///
/// DirPorts speak HTTP/1.0 and close the connection after the body, so the whole exchange is:
/// non-blocking connect (bounded by the connect timeout and the overall deadline), write the
/// request, read until EOF or `Content-Length`, never past the deadline or the size cap. Every
/// wait is a `poll` of at most 50 ms, so a cancelled task stops within that slice.
enum SocketExchange {
    static let pollSlice: Int32 = 50

    /// Performs the exchange; `stopAfter` inspects the bytes read so far and returns the total
    /// length at which the response is complete (from `Content-Length`), or nil to read to EOF.
    static func run(host: String, port: UInt16, request: [UInt8], connectTimeout: Duration, deadline: ContinuousClock.Instant,
                    maxBytes: Int, cancel: CancellationFlag, stopAfter: ([UInt8]) -> Int?) throws(SocketFailure) -> [UInt8] {
        let address = try resolve(host: host, port: port)
        let fd = socket(Int32(address.family), socketStreamType, 0)
        guard fd >= 0 else { throw .connect("socket(): \(errnoText())") }
        defer { close(fd) }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK)
        #if canImport(Darwin)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif

        let connectDeadline = min(deadline, ContinuousClock.now.advanced(by: connectTimeout))
        let started = address.storage.withUnsafeBytes { raw in
            connect(fd, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), address.length)
        }
        if started != 0 {
            guard errno == EINPROGRESS else { throw .connect(errnoText()) }
            try wait(fd, for: Int16(POLLOUT), until: connectDeadline, cancel: cancel, timeout: connectDeadline < deadline ? .connectTimeout : .deadline)
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            if error != 0 { throw .connect(String(cString: strerror(error))) }
        }

        var sent = 0
        while sent < request.count {
            try wait(fd, for: Int16(POLLOUT), until: deadline, cancel: cancel, timeout: .deadline)
            let n = request.withUnsafeBytes { raw in
                send(fd, raw.baseAddress! + sent, raw.count - sent, sendFlags)
            }
            if n < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                throw .io("send: \(errnoText())")
            }
            sent += n
        }

        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var expectedTotal: Int?
        while true {
            if let expectedTotal, response.count >= expectedTotal { break }
            try wait(fd, for: Int16(POLLIN), until: deadline, cancel: cancel, timeout: .deadline)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                // A reset after a complete body is still a complete body for HTTP/1.0.
                if errno == ECONNRESET, !response.isEmpty { break }
                throw .io("recv: \(errnoText())")
            }
            if n == 0 { break }
            response.append(contentsOf: chunk[0..<n])
            if response.count > maxBytes { throw .tooLarge(maxBytes) }
            if expectedTotal == nil { expectedTotal = stopAfter(response) }
        }
        return response
    }

    private static func wait(_ fd: Int32, for events: Int16, until limit: ContinuousClock.Instant, cancel: CancellationFlag,
                             timeout: SocketFailure) throws(SocketFailure) {
        while true {
            if cancel.isSet { throw .cancelled }
            let remaining = ContinuousClock.now.duration(to: limit)
            if remaining <= .zero { throw timeout }
            let (seconds, attoseconds) = remaining.components
            let millis = min(Int64(pollSlice), seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
            var entry = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&entry, 1, Int32(millis))
            if ready > 0 { return }
            if ready < 0, errno != EINTR { throw .io("poll: \(errnoText())") }
        }
    }

    struct Address {
        var storage: [UInt8]
        var length: socklen_t
        var family: Int32
    }

    /// Numeric IPv4/IPv6 literals without DNS; other names go through `getaddrinfo`.
    static func resolve(host: String, port: UInt16) throws(SocketFailure) -> Address {
        var bare = host
        if bare.hasPrefix("["), bare.hasSuffix("]") { bare = String(bare.dropFirst().dropLast()) }
        var v4 = sockaddr_in()
        if inet_pton(AF_INET, bare, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = port.bigEndian
            return Address(storage: withUnsafeBytes(of: v4) { Array($0) }, length: socklen_t(MemoryLayout<sockaddr_in>.size), family: AF_INET)
        }
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET6, bare, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = port.bigEndian
            return Address(storage: withUnsafeBytes(of: v6) { Array($0) }, length: socklen_t(MemoryLayout<sockaddr_in6>.size), family: AF_INET6)
        }
        var hints = addrinfo()
        hints.ai_socktype = socketStreamType
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(bare, String(port), &hints, &result)
        guard status == 0, let first = result else { throw .resolve("cannot resolve \(host): \(String(cString: gai_strerror(status)))") }
        defer { freeaddrinfo(result) }
        let bytes = Array(UnsafeRawBufferPointer(start: first.pointee.ai_addr, count: Int(first.pointee.ai_addrlen)))
        return Address(storage: bytes, length: first.pointee.ai_addrlen, family: first.pointee.ai_family)
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }

    #if canImport(Darwin)
    static let socketStreamType = SOCK_STREAM
    static let sendFlags: Int32 = 0
    #else
    static let socketStreamType = Int32(SOCK_STREAM.rawValue)
    static let sendFlags = Int32(MSG_NOSIGNAL)
    #endif
}
