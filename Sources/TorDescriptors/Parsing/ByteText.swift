/// Small byte-level helpers shared by every parser: comparisons against ASCII literals and
/// decimal number decoding, without going through `String`.
enum ByteText {
    static let newline: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09

    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool { byte == space || byte == tab }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

    /// `A-Z`, `a-z` or `0-9` (setting bit 5 maps upper case onto lower case, and nothing else
    /// onto it).
    @inline(__always)
    static func isAlphanumeric(_ byte: UInt8) -> Bool { (byte | 0x20) &- 0x61 < 26 || byte &- 0x30 < 10 }

    /// Whether `bytes[range]` equals the ASCII literal.
    static func equals(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>, _ word: StaticString) -> Bool {
        guard range.count == word.utf8CodeUnitCount else { return false }
        return word.withUTF8Buffer { literal in
            var index = range.lowerBound
            for byte in literal {
                if bytes[index] != byte { return false }
                index += 1
            }
            return true
        }
    }

    /// Whether `bytes[range]` starts with the ASCII literal.
    static func hasPrefix(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>, _ word: StaticString) -> Bool {
        guard range.count >= word.utf8CodeUnitCount else { return false }
        return equals(bytes, range.lowerBound..<(range.lowerBound + word.utf8CodeUnitCount), word)
    }

    /// A non-negative decimal integer of at most 18 digits, no sign, no leading `+`.
    static func unsigned(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Int? {
        guard !range.isEmpty, range.count <= 18 else { return nil }
        var value = 0
        for index in range {
            let digit = bytes[index] &- 0x30
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        return value
    }

    /// A decimal integer with an optional leading `-`.
    static func signed(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Int? {
        guard !range.isEmpty else { return nil }
        if bytes[range.lowerBound] == UInt8(ascii: "-") {
            return unsigned(bytes, (range.lowerBound + 1)..<range.upperBound).map { -$0 }
        }
        return unsigned(bytes, range)
    }

    /// The bytes as a string; invalid UTF-8 is replaced with U+FFFD.
    @inline(__always)
    static func string(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    /// A line with control and non-ASCII bytes escaped (`\xNN`, `\t`, `\r`), for error messages.
    static func escaped(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> String {
        var text = ""
        for byte in bytes[range] {
            switch byte {
            case tab: text += "\\t"
            case carriageReturn: text += "\\r"
            case 0x20..<0x7F: text.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                text += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return text
    }
}

/// Walks the whitespace-separated arguments of a keyword line.
///
/// ```swift
/// var args = item.argumentCursor(in: bytes)
/// while let word = args.next() { print(ByteText.string(bytes, word)) }
/// ```
@_spi(Fuzzing) public struct ArgumentCursor: Sendable {
    let bytes: ArraySlice<UInt8>
    /// The part of the line not yet consumed.
    package private(set) var remaining: Range<Int>

    init(bytes: ArraySlice<UInt8>, range: Range<Int>) {
        self.bytes = bytes
        self.remaining = range
    }

    /// The next argument's byte range, or `nil` at the end of the line.
    public mutating func next() -> Range<Int>? {
        let end = remaining.upperBound
        let start0 = remaining.lowerBound
        guard start0 < end, start0 >= bytes.startIndex, end <= bytes.endIndex else {
            remaining = end..<end
            return nil
        }
        // Raw memory instead of slice subscripts: this runs for every argument of every line.
        let word: Range<Int>? = ByteCursor.with(bytes) { cursor in
            var position = start0
            return cursor.word(&position, end)
        }
        guard let word else {
            remaining = end..<end
            return nil
        }
        remaining = word.upperBound..<end
        return word
    }

    /// The rest of the line with leading whitespace skipped.
    package mutating func rest() -> Range<Int> {
        var start = remaining.lowerBound
        while start < remaining.upperBound, ByteText.isSpace(bytes[start]) { start += 1 }
        let rest = start..<remaining.upperBound
        remaining = remaining.upperBound..<remaining.upperBound
        return rest
    }

    /// All remaining arguments.
    package mutating func all() -> [Range<Int>] {
        var words: [Range<Int>] = []
        while let word = next() { words.append(word) }
        return words
    }

    /// Whether no argument is left.
    package var isAtEnd: Bool {
        var copy = self
        return copy.next() == nil
    }
}

extension String {
    /// The text without the spaces and tabs at either end: for header values and list items
    /// already made into text (HTTP headers, bandwidth-file country lists, fallback lists),
    /// never for a parser's hot path, which trims byte ranges.
    package var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return String(text)
    }
}
