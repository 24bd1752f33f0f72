/// Reading ``SHA1DigestValue`` and ``SHA256DigestValue`` from the text forms documents use:
/// hex (either case) and base64 (padded or not). Byte-level, no Foundation, no allocation.

extension SHA1DigestValue {
    /// From exactly 40 hex digits, upper or lower case; `nil` for any other length or character.
    ///
    /// ```swift
    /// let digest = SHA1DigestValue(hex: "244E0760BB0B1E5418A4A014822F804AFE0CC3D6")
    /// ```
    public init?(hex text: String) { self.init(hex: text.utf8) }

    /// From exactly 40 hex digits given as bytes (e.g. a slice of a document).
    public init?(hex bytes: some Collection<UInt8>) {
        var words = DigestWords()
        guard DigestText.hex(bytes, byteCount: 20, into: &words) else { return nil }
        self.init(words)
    }

    /// From base64 of 20 bytes: 27 characters, or 28 with the `=` padding.
    ///
    /// ```swift
    /// let digest = SHA1DigestValue(base64: "JE4HYLsLHlQYpKAUgi+ASv4Mw9Y")   // as on an r line
    /// ```
    public init?(base64 text: String) { self.init(base64: text.utf8) }

    /// From base64 of 20 bytes given as bytes (e.g. a slice of a document).
    public init?(base64 bytes: some Collection<UInt8>) {
        var words = DigestWords()
        guard DigestText.base64(bytes, byteCount: 20, into: &words) else { return nil }
        self.init(words)
    }

    init(_ words: DigestWords) {
        // 20 bytes shifted in: the last four sit in the low half of the third word.
        self.init(a: words.w0, b: words.w1, c: UInt32(truncatingIfNeeded: words.w2))
    }
}

extension SHA256DigestValue {
    /// From exactly 64 hex digits, upper or lower case; `nil` for any other length or character.
    ///
    /// ```swift
    /// let digest = SHA256DigestValue(hex: String(repeating: "ab", count: 32))
    /// ```
    public init?(hex text: String) { self.init(hex: text.utf8) }

    /// From exactly 64 hex digits given as bytes (e.g. a slice of a document).
    public init?(hex bytes: some Collection<UInt8>) {
        var words = DigestWords()
        guard DigestText.hex(bytes, byteCount: 32, into: &words) else { return nil }
        self.init(words)
    }

    /// From base64 of 32 bytes: 43 characters, or 44 with the `=` padding.
    ///
    /// ```swift
    /// let digest = SHA256DigestValue(base64: "UPBrN0HDguw7sN45oxlMa5p4NzQtFGoi69Lj4GGFJYc")   // as on an m line
    /// ```
    public init?(base64 text: String) { self.init(base64: text.utf8) }

    /// From base64 of 32 bytes given as bytes (e.g. a slice of a document).
    public init?(base64 bytes: some Collection<UInt8>) {
        var words = DigestWords()
        guard DigestText.base64(bytes, byteCount: 32, into: &words) else { return nil }
        self.init(words)
    }

    init(_ words: DigestWords) { self.init(a: words.w0, b: words.w1, c: words.w2, d: words.w3) }
}

/// Up to 32 bytes shifted into four big-endian words, eight bytes a word: the fixed-size buffer
/// the digest values are built from without an array.
struct DigestWords {
    var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0
    var count = 0

    /// Appends a byte; callers never pass more than 32.
    @inline(__always)
    mutating func append(_ byte: UInt8) {
        switch count >> 3 {
        case 0: w0 = w0 << 8 | UInt64(byte)
        case 1: w1 = w1 << 8 | UInt64(byte)
        case 2: w2 = w2 << 8 | UInt64(byte)
        default: w3 = w3 << 8 | UInt64(byte)
        }
        count += 1
    }
}

/// The hex and base64 readers behind the digest values' text initialisers.
enum DigestText {
    /// Exactly `byteCount * 2` hex digits of either case.
    static func hex(_ text: some Collection<UInt8>, byteCount: Int, into words: inout DigestWords) -> Bool {
        guard text.count == byteCount * 2 else { return false }
        var high: UInt8? = nil
        for character in text {
            guard let nibble = Hex.nibble(character) else { return false }
            if let h = high {
                words.append(h << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return true
    }

    /// Base64 of exactly `byteCount` bytes, with or without its `=` padding; no whitespace.
    static func base64(_ text: some Collection<UInt8>, byteCount: Int, into words: inout DigestWords) -> Bool {
        let characters = (byteCount * 8 + 5) / 6
        let padded = (characters + 3) / 4 * 4
        guard text.count == characters || text.count == padded else { return false }
        var accumulator: UInt32 = 0
        var pending = 0
        for (index, character) in text.enumerated() {
            if index >= characters {
                guard character == UInt8(ascii: "=") else { return false }
                continue
            }
            let sextet = Base64.value(character)
            guard sextet != 0xFF else { return false }
            accumulator = accumulator << 6 | UInt32(sextet)
            pending += 1
            if pending == 4 {
                words.append(UInt8(truncatingIfNeeded: accumulator >> 16))
                words.append(UInt8(truncatingIfNeeded: accumulator >> 8))
                words.append(UInt8(truncatingIfNeeded: accumulator))
                (accumulator, pending) = (0, 0)
            }
        }
        // The last group: 2 characters give one byte, 3 give two (the spare low bits are dropped,
        // as the document decoders drop them).
        switch pending {
        case 2: words.append(UInt8(truncatingIfNeeded: accumulator >> 4))
        case 3:
            words.append(UInt8(truncatingIfNeeded: accumulator >> 10))
            words.append(UInt8(truncatingIfNeeded: accumulator >> 2))
        default: break
        }
        return words.count == byteCount
    }
}
