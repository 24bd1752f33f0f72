/// The status flags of an `s` line, as a bit set; flags this library does not know are kept by
/// name in ``RouterStatusEntry/unknownFlags``.
///
/// ```swift
/// if entry.flags.contains([.guard, .stable]) { print(entry.nickname, "is a stable guard") }
/// print(entry.flags.names)   // ["Fast", "Guard", "Running", "Stable", "Valid"]
/// ```
public struct RelayFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let authority = RelayFlags(rawValue: 1 << 0)
    public static let badExit = RelayFlags(rawValue: 1 << 1)
    public static let badDirectory = RelayFlags(rawValue: 1 << 2)
    public static let exit = RelayFlags(rawValue: 1 << 3)
    public static let fast = RelayFlags(rawValue: 1 << 4)
    public static let `guard` = RelayFlags(rawValue: 1 << 5)
    public static let hsDir = RelayFlags(rawValue: 1 << 6)
    public static let middleOnly = RelayFlags(rawValue: 1 << 7)
    public static let named = RelayFlags(rawValue: 1 << 8)
    public static let noEdConsensus = RelayFlags(rawValue: 1 << 9)
    public static let running = RelayFlags(rawValue: 1 << 10)
    public static let stable = RelayFlags(rawValue: 1 << 11)
    public static let staleDesc = RelayFlags(rawValue: 1 << 12)
    public static let sybil = RelayFlags(rawValue: 1 << 13)
    public static let unnamed = RelayFlags(rawValue: 1 << 14)
    public static let v2Dir = RelayFlags(rawValue: 1 << 15)
    public static let valid = RelayFlags(rawValue: 1 << 16)

    /// Every known flag with its spelling in documents, in lexical (ASCII) order.
    public static let known: [(name: String, flag: RelayFlags)] = [
        ("Authority", .authority), ("BadDirectory", .badDirectory), ("BadExit", .badExit), ("Exit", .exit),
        ("Fast", .fast), ("Guard", .guard), ("HSDir", .hsDir), ("MiddleOnly", .middleOnly), ("Named", .named),
        ("NoEdConsensus", .noEdConsensus), ("Running", .running), ("Stable", .stable), ("StaleDesc", .staleDesc),
        ("Sybil", .sybil), ("Unnamed", .unnamed), ("V2Dir", .v2Dir), ("Valid", .valid),
    ]

    /// The known flags in this set, by name, in lexical order.
    public var names: [String] { Self.known.filter { contains($0.flag) }.map(\.name) }

    /// The flag for a name as written in documents (case-sensitive), if known.
    public init?(name: some StringProtocol) {
        guard let match = Self.known.first(where: { $0.name == name }) else { return nil }
        self = match.flag
    }

    /// Decodes one flag word without creating a string: a switch on length and first byte, then
    /// one comparison, because `s` lines are read for every entry.
    @inline(__always)
    static func lookup(_ p: UnsafePointer<UInt8>, _ count: Int) -> RelayFlags? {
        @inline(__always) func eq(_ word: StaticString) -> Bool {
            word.utf8CodeUnitCount == count && memcmpEqual(p, word.utf8Start, count)
        }
        switch (count, p[0]) {
        case (4, UInt8(ascii: "E")): return eq("Exit") ? .exit : nil
        case (4, UInt8(ascii: "F")): return eq("Fast") ? .fast : nil
        case (5, UInt8(ascii: "G")): return eq("Guard") ? .guard : nil
        case (5, UInt8(ascii: "H")): return eq("HSDir") ? .hsDir : nil
        case (5, UInt8(ascii: "N")): return eq("Named") ? .named : nil
        case (5, UInt8(ascii: "S")): return eq("Sybil") ? .sybil : nil
        case (5, UInt8(ascii: "V")): return eq("V2Dir") ? .v2Dir : (eq("Valid") ? .valid : nil)
        case (6, UInt8(ascii: "S")): return eq("Stable") ? .stable : nil
        case (7, UInt8(ascii: "B")): return eq("BadExit") ? .badExit : nil
        case (7, UInt8(ascii: "R")): return eq("Running") ? .running : nil
        case (7, UInt8(ascii: "U")): return eq("Unnamed") ? .unnamed : nil
        case (9, UInt8(ascii: "A")): return eq("Authority") ? .authority : nil
        case (9, UInt8(ascii: "S")): return eq("StaleDesc") ? .staleDesc : nil
        case (10, UInt8(ascii: "M")): return eq("MiddleOnly") ? .middleOnly : nil
        case (12, UInt8(ascii: "B")): return eq("BadDirectory") ? .badDirectory : nil
        case (13, UInt8(ascii: "N")): return eq("NoEdConsensus") ? .noEdConsensus : nil
        default: return nil
        }
    }
}

@inline(__always)
func memcmpEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var index = 0
    while index < count {
        if a[index] != b[index] { return false }
        index += 1
    }
    return true
}
