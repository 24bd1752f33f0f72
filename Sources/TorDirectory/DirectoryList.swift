import TorDescriptors

/// A host and port that serves tor's directory protocol over plain HTTP (a DirPort).
///
/// ```swift
/// let endpoint = DirectoryEndpoint("[::1]:7001")!   // or DirectoryEndpoint(host: "127.0.0.1", port: 7001)
/// ```
public struct DirectoryEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// An IPv4 or IPv6 literal (IPv6 without brackets) or a host name.
    public var host: String
    public var port: UInt16
    /// The authority's nickname when known, for messages.
    public var nickname: String?

    public init(host: String, port: UInt16, nickname: String? = nil) {
        var bare = host
        if bare.hasPrefix("["), bare.hasSuffix("]") { bare = String(bare.dropFirst().dropLast()) }
        self.host = bare
        self.port = port
        self.nickname = nickname
    }

    /// Parses `HOST:PORT`, `[IPv6]:PORT`; nil when malformed.
    public init?(_ text: String) {
        let text = text.trimmingSpaces
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]), port > 0 else { return nil }
        let host = String(text[..<colon])
        guard !host.isEmpty, host.contains(":") == (host.hasPrefix("[") && host.hasSuffix("]")) else { return nil }
        self.init(host: host, port: port)
    }

    /// `host:port`, IPv6 in brackets, with the nickname when known.
    public var description: String {
        let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        return nickname.map { "\($0) \(address)" } ?? address
    }
}

/// A directory authority as tor's `DirAuthority` line describes it.
///
/// ```swift
/// let moria1 = DirectoryList.tor.authorities.first { $0.nickname == "moria1" }!
/// print(moria1.v3Identity?.hex ?? "-", moria1.dirEndpoint)
/// ```
public struct DirectoryAuthority: Sendable, Hashable {
    public var nickname: String
    /// IPv4 address (tor's authority lines carry one).
    public var address: String
    public var dirPort: UInt16
    public var orPort: UInt16
    /// RSA identity fingerprint (the relay identity).
    public var fingerprint: Fingerprint
    /// Fingerprint of the v3 authority identity key, which signs votes and consensuses; nil for
    /// the bridge authority.
    public var v3Identity: Fingerprint?
    /// IPv6 ORPort address (without brackets) and port, where published.
    public var ipv6Address: String?
    public var ipv6ORPort: UInt16?
    /// The flags of the line (`bridge`, `no-v2`, ...), in order.
    public var flags: [String]

    /// True for the bridge authority (`bridge` flag), which signs no consensus.
    public var isBridgeAuthority: Bool { flags.contains("bridge") }
    /// The DirPort this client talks to.
    public var dirEndpoint: DirectoryEndpoint { DirectoryEndpoint(host: address, port: dirPort, nickname: nickname) }
}

/// A fallback directory mirror from tor's `FallbackDir` list.
///
/// ```swift
/// let usable = DirectoryList.tor.fallbacks.compactMap(\.dirEndpoint)   // empty today: ORPort only
/// ```
public struct FallbackDirectory: Sendable, Hashable {
    public var address: String
    /// nil when the list gives none (tor's lists since 0.4.8 are ORPort-only).
    public var dirPort: UInt16?
    public var orPort: UInt16
    public var fingerprint: Fingerprint
    public var ipv6Address: String?
    public var ipv6ORPort: UInt16?
    /// A DirPort endpoint when the fallback has one.
    public var dirEndpoint: DirectoryEndpoint? { dirPort.map { DirectoryEndpoint(host: address, port: $0) } }
}

/// Directory authorities and fallbacks: tor's bundled list or a custom one in torrc syntax.
///
/// ```swift
/// let public = DirectoryList.tor
/// let mine = try DirectoryList(parsing: """
///     DirAuthority auth0 orport=5000 no-v2 v3ident=0123...ABCD 127.0.0.1:7000 4567...CDEF
///     """)
/// ```
public struct DirectoryList: Sendable, Hashable {
    public var authorities: [DirectoryAuthority]
    public var fallbacks: [FallbackDirectory]
    /// The `# Source:` comment of the bundled list (tor version and date), if any.
    public var source: String?

    public init(authorities: [DirectoryAuthority], fallbacks: [FallbackDirectory] = [], source: String? = nil) {
        self.authorities = authorities
        self.fallbacks = fallbacks
        self.source = source
    }

    /// The public Tor network's authorities and fallbacks, as compiled into tor (see
    /// `Resources/directory/` and `scripts/refresh-directory-list.sh`).
    public static let tor: DirectoryList = {
        // The bundled text is generated and checked by tests; a failure here is a build defect.
        let authorities = try! DirectoryList(parsing: bundledAuthorities)
        let fallbacks = try! DirectoryList(parsing: bundledFallbacks)
        return DirectoryList(authorities: authorities.authorities, fallbacks: fallbacks.fallbacks, source: authorities.source)
    }()

    /// DirPorts to ask: voting authorities first (they hold every document), then fallbacks
    /// that have a DirPort.
    public var dirEndpoints: [DirectoryEndpoint] {
        authorities.filter { !$0.isBridgeAuthority }.map(\.dirEndpoint) + fallbacks.compactMap(\.dirEndpoint)
    }

    /// The v3 identities whose signatures count toward a consensus.
    public var v3Identities: [Fingerprint] { authorities.compactMap(\.v3Identity) }

    /// Parses torrc-style lines: `DirAuthority [NICK] [flags] [orport=P] [v3ident=HEX]
    /// [ipv6=[A]:P] ADDRESS:DIRPORT FINGERPRINT` (fingerprint may contain spaces) and
    /// `FallbackDir ADDRESS:DIRPORT orport=P id=HEX [ipv6=[A]:P] [weight=W]`. Blank lines and
    /// `#` comments are skipped; the first `# Source:` comment is kept as ``source``. Lines end
    /// in LF or CRLF (a file that went through a Windows checkout); a CR anywhere else is an error.
    public init(parsing text: String) throws(DirectoryListError) {
        var authorities: [DirectoryAuthority] = []
        var fallbacks: [FallbackDirectory] = []
        var source: String?
        // Split the bytes, not the Characters: in Swift "\r\n" is one Character, which a
        // split on "\n" never matches, so a CRLF file used to be read as a single line.
        for (index, rawLine) in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let bytes = rawLine.last == UInt8(ascii: "\r") ? rawLine.dropLast() : rawLine
            if bytes.contains(UInt8(ascii: "\r")) {
                throw DirectoryListError(line: index + 1, message: "stray carriage return (CR) inside the line")
            }
            let line = String(decoding: bytes, as: UTF8.self).trimmingSpaces
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                if source == nil, line.hasPrefix("# Source:") { source = String(line.dropFirst(9)).trimmingSpaces }
                continue
            }
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            switch words[0].lowercased() {
            case "dirauthority": authorities.append(try Self.authority(words.dropFirst(), line: index + 1))
            case "fallbackdir": fallbacks.append(try Self.fallback(words.dropFirst(), line: index + 1))
            default: throw DirectoryListError(line: index + 1, message: "expected DirAuthority or FallbackDir, found \(words[0])")
            }
        }
        self.init(authorities: authorities, fallbacks: fallbacks, source: source)
    }

    private static func authority(_ words: ArraySlice<String>, line: Int) throws(DirectoryListError) -> DirectoryAuthority {
        func fail(_ message: String) -> DirectoryListError { DirectoryListError(line: line, message: message) }
        guard let addressIndex = words.firstIndex(where: { isIPv4Port($0) }) else { throw fail("no ADDRESS:DIRPORT") }
        let fingerprintText = words[(addressIndex + 1)...].joined()
        guard let fingerprint = Fingerprint(hex: fingerprintText) else { throw fail("bad fingerprint \(fingerprintText)") }
        let (address, dirPort) = splitHostPort(words[addressIndex])!
        var nickname = ""
        var orPort: UInt16?
        var v3: Fingerprint?
        var ipv6: (String, UInt16)?
        var flags: [String] = []
        for (position, word) in words[..<addressIndex].enumerated() {
            if let value = option(word, "orport") {
                guard let port = UInt16(value) else { throw fail("bad orport \(value)") }
                orPort = port
            } else if let value = option(word, "v3ident") {
                guard let identity = Fingerprint(hex: value) else { throw fail("bad v3ident \(value)") }
                v3 = identity
            } else if let value = option(word, "ipv6") {
                guard let parsed = splitHostPort(value), parsed.0.contains(":") else { throw fail("bad ipv6 \(value)") }
                ipv6 = parsed
            } else if position == 0, !word.contains("=") {
                nickname = word
            } else {
                flags.append(word)
            }
        }
        guard let orPort else { throw fail("no orport=") }
        return DirectoryAuthority(nickname: nickname, address: address, dirPort: dirPort, orPort: orPort, fingerprint: fingerprint,
                                  v3Identity: v3, ipv6Address: ipv6?.0, ipv6ORPort: ipv6?.1, flags: flags)
    }

    private static func fallback(_ words: ArraySlice<String>, line: Int) throws(DirectoryListError) -> FallbackDirectory {
        func fail(_ message: String) -> DirectoryListError { DirectoryListError(line: line, message: message) }
        let first = words.first ?? ""
        let bare = first.hasSuffix(":0") ? String(first.dropLast(2)) : first   // ":0": no DirPort
        guard let (address, dirPort) = splitHostPort(first) ?? (isIPv4(bare) ? (bare, 0) : nil) else {
            throw fail("no ADDRESS:DIRPORT")
        }
        var orPort: UInt16?
        var id: Fingerprint?
        var ipv6: (String, UInt16)?
        for word in words.dropFirst() {
            if let value = option(word, "orport") { orPort = UInt16(value) }
            else if let value = option(word, "id") { id = Fingerprint(hex: value) }
            else if let value = option(word, "ipv6") { ipv6 = splitHostPort(value) }
        }
        guard let orPort, let id else { throw fail("FallbackDir needs orport= and id=") }
        return FallbackDirectory(address: address, dirPort: dirPort == 0 ? nil : dirPort, orPort: orPort, fingerprint: id,
                                 ipv6Address: ipv6?.0, ipv6ORPort: ipv6?.1)
    }

    private static func option(_ word: String, _ name: String) -> String? {
        word.lowercased().hasPrefix(name + "=") ? String(word.dropFirst(name.count + 1)) : nil
    }

    private static func isIPv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil }
    }

    private static func isIPv4Port(_ text: String) -> Bool {
        guard let (host, _) = splitHostPort(text) else { return false }
        return isIPv4(host)
    }

    private static func splitHostPort(_ text: String) -> (String, UInt16)? {
        guard let endpoint = DirectoryEndpoint(text) else { return nil }
        return (endpoint.host, endpoint.port)
    }
}

/// A line of a directory list that could not be read.
///
/// ```swift
/// do { _ = try DirectoryList(parsing: text) } catch { print(error.line, error.message) }
/// ```
public struct DirectoryListError: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var message: String
    public var description: String { "directory list line \(line): \(message)" }
}
