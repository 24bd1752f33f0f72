#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a running tor listens for controllers: its `ControlPort` (TCP) or its `ControlSocket`
/// (a Unix-domain stream socket, as Stem's `Controller.from_socket_file` opens). Both speak the
/// same protocol and offer the same authentication.
///
/// ```swift
/// let port = ControlEndpoint("127.0.0.1:9051")            // .tcp(host: "127.0.0.1", port: 9051)
/// let socket = ControlEndpoint("/var/run/tor/control")    // .unixSocket(path: "/var/run/tor/control")
/// try await ControlSession.withSession(endpoint: socket!) { session in try await session.getInfo("version") }
/// ```
public enum ControlEndpoint: Sendable, Hashable, CustomStringConvertible {
    case tcp(host: String, port: Int)
    case unixSocket(path: String)

    /// `HOST:PORT` or `[IPv6]:PORT` for TCP; a path (anything with a `/`, or tor's own
    /// `unix:PATH` spelling) for a Unix socket. Nil for anything else (a bare name is ambiguous:
    /// write `./name` for a socket in the current directory).
    public init?(_ text: String) {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst(5))
            guard !path.isEmpty else { return nil }
            self = .unixSocket(path: path)
            return
        }
        if text.contains("/") {
            self = .unixSocket(path: text)
            return
        }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains(":") || text.hasPrefix("[") else { return nil }
        self = .tcp(host: host, port: port)
    }

    /// `HOST:PORT` (IPv6 in brackets) or the socket's path.
    public var description: String {
        switch self {
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unixSocket(let path): path
        }
    }
}

/// Why tor's ControlSocket could not be opened; ``ControlSessionError/socket(path:_:)`` names
/// the path with it.
///
/// ```swift
/// catch ControlSessionError.socket(let path, .missing) { print("no socket at \(path): is ControlSocket set?") }
/// ```
public enum ControlSocketFailure: Sendable, Equatable, CustomStringConvertible {
    /// No file at the path (tor is not running, or its ControlSocket is elsewhere).
    case missing
    /// A file that is not a socket.
    case notASocket
    /// The socket or a directory above it is not open to this user (tor makes them private to
    /// its own user unless `ControlSocketsGroupWritable` is set).
    case permissionDenied
    /// The connect failed (no tor listens on a socket file left behind, for one): the reason.
    case connectFailed(String)

    public var description: String {
        switch self {
        case .missing: "no such file (is tor running with ControlSocket set to this path?)"
        case .notASocket: "not a Unix-domain socket"
        case .permissionDenied: "permission denied (tor's ControlSocket is private to its user and group)"
        case .connectFailed(let why): "cannot connect: \(why)"
        }
    }

    /// What the file system says of `path` before a connect: nil when it is a socket this user
    /// may open.
    static func check(_ path: String) -> ControlSocketFailure? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            switch errno {
            case EACCES: return .permissionDenied
            case ENOENT, ENOTDIR: return .missing
            default: return .connectFailed(String(cString: strerror(errno)))
            }
        }
        guard info.st_mode & S_IFMT == S_IFSOCK else { return .notASocket }
        // Connecting to a Unix socket needs write permission on it.
        guard access(path, R_OK | W_OK) == 0 else { return errno == EACCES ? .permissionDenied : .connectFailed(String(cString: strerror(errno))) }
        return nil
    }
}
