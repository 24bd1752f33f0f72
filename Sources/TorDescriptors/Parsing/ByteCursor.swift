#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Unchecked reads of one contiguous buffer, indexed like the `ArraySlice` it came from: the one
/// place the parsers scan raw memory (the tokenizer, the document splitter, the consensus entry
/// scanner, argument cursors).
///
/// Every read goes through `base + (index - start)` with `index` in `start..<end`, so no pointer
/// is ever formed outside the buffer (unlike `baseAddress! - startIndex`, which points before the
/// allocation for a slice not starting at 0), and an empty buffer has no base at all. Reads are
/// checked with `assert` in debug builds (the tests) and unchecked in release builds; callers
/// keep indices in range by construction (line ends come from `memchr`).
///
/// Valid only inside the ``with(_:_:)`` call that made it.
///
/// ```swift
/// let lines = ByteCursor.with(bytes) { cursor in
///     var position = cursor.start, count = 0
///     while position < cursor.end { position = cursor.lineBounds(position).next; count += 1 }
///     return count
/// }
/// ```
struct ByteCursor {
    /// The byte at `start`; `nil` only when the buffer is empty.
    private let base: UnsafePointer<UInt8>?
    /// The first index (the slice's `startIndex`).
    let start: Int
    /// One past the last index (the slice's `endIndex`).
    let end: Int

    init(_ buffer: UnsafeBufferPointer<UInt8>, startIndex: Int) {
        base = buffer.isEmpty ? nil : buffer.baseAddress
        start = startIndex
        end = startIndex + (base == nil ? 0 : buffer.count)
    }

    /// Runs `body` with a cursor over `bytes` (empty slices included).
    @inline(__always)
    static func with<R>(_ bytes: ArraySlice<UInt8>, _ body: (ByteCursor) -> R) -> R {
        bytes.withUnsafeBufferPointer { body(ByteCursor($0, startIndex: bytes.startIndex)) }
    }

    /// Runs a throwing `body` with a cursor over `bytes`, keeping its error type. (Not through a
    /// `Result`: each `Result<R, Failure>` type is instantiated at run time on first use, a scan of
    /// the binary's conformance records for `Failure: Error`, about 0.1 M instructions.)
    @inline(__always)
    static func with<R, Failure: Error>(_ bytes: ArraySlice<UInt8>,
                                        throwing body: (ByteCursor) throws(Failure) -> R) throws(Failure) -> R {
        try bytes.withUnsafeBufferPointer { (buffer) throws(Failure) -> R in
            try body(ByteCursor(buffer, startIndex: bytes.startIndex))
        }
    }

    var isEmpty: Bool { start == end }

    @inline(__always)
    subscript(index: Int) -> UInt8 {
        assert(index >= start && index < end, "ByteCursor read outside its buffer")
        return base.unsafelyUnwrapped[index &- start]
    }

    /// A pointer to `index` for `count` readable bytes (`index + count ≤ end`); `nil` when
    /// `count` is 0, so an empty range never needs an address.
    @inline(__always)
    func pointer(_ index: Int, count: Int) -> UnsafePointer<UInt8>? {
        assert(index >= start && count >= 0 && index + count <= end, "ByteCursor range outside its buffer")
        return count == 0 ? nil : base.unsafelyUnwrapped + (index &- start)
    }

    /// The bytes of `range` (within the buffer).
    @inline(__always)
    func buffer(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: pointer(range.lowerBound, count: range.count), count: range.count)
    }

    // MARK: - Lines

    /// The index of the first `byte` in `position..<limit`, or `nil`.
    @inline(__always)
    func firstIndex(of byte: UInt8, from position: Int, to limit: Int) -> Int? {
        guard position < limit, let from = pointer(position, count: limit - position),
              let found = memchr(from, Int32(byte), limit - position) else { return nil }
        return position + (UnsafeRawPointer(found) - UnsafeRawPointer(from))
    }

    /// The end of the line at `position` (before CR LF or LF) and the start of the next one,
    /// looking no further than `limit` (default: the end of the buffer). A lone CR is content.
    @inline(__always)
    func lineBounds(_ position: Int, limit: Int? = nil) -> (end: Int, next: Int) {
        let limit = limit ?? end
        guard let newline = firstIndex(of: ByteText.newline, from: position, to: limit) else { return (limit, limit) }
        if newline > position, self[newline - 1] == ByteText.carriageReturn { return (newline - 1, newline + 1) }
        return (newline, newline + 1)
    }

    // MARK: - Words

    /// The first space or tab at or after `position`, or `lineEnd`: a line's keyword end.
    @inline(__always)
    func keywordEnd(_ position: Int, _ lineEnd: Int) -> Int {
        var index = position
        while index < lineEnd, !ByteText.isSpace(self[index]) { index += 1 }
        return index
    }

    /// The first byte at or after `position` that is not a space or tab, or `lineEnd`.
    @inline(__always)
    func skipSpaces(_ position: Int, _ lineEnd: Int) -> Int {
        var index = position
        while index < lineEnd, ByteText.isSpace(self[index]) { index += 1 }
        return index
    }

    /// `end` moved back over trailing spaces and tabs, not before `start`.
    @inline(__always)
    func trimTrailingSpaces(_ start: Int, _ end: Int) -> Int {
        var index = end
        while index > start, ByteText.isSpace(self[index - 1]) { index -= 1 }
        return index
    }

    /// The next space- or tab-separated word at or after `position` before `lineEnd`; moves
    /// `position` past it (to `lineEnd` when there is none).
    @inline(__always)
    func word(_ position: inout Int, _ lineEnd: Int) -> Range<Int>? {
        let wordStart = skipSpaces(position, lineEnd)
        guard wordStart < lineEnd else { position = lineEnd; return nil }
        let stop = keywordEnd(wordStart + 1, lineEnd)
        position = stop
        return wordStart..<stop
    }

    /// A line's keyword, skipping tor's obsolete `opt ` prefix, and where its arguments start.
    @inline(__always)
    func keyword(_ lineStart: Int, _ lineEnd: Int) -> (keyword: Range<Int>, arguments: Int, hadOpt: Bool) {
        let keywordEnd = keywordEnd(lineStart, lineEnd)
        let argumentsStart = skipSpaces(keywordEnd, lineEnd)
        if keywordEnd - lineStart == 3, argumentsStart < lineEnd, equals(lineStart..<keywordEnd, "opt") {
            let realEnd = self.keywordEnd(argumentsStart, lineEnd)
            return (argumentsStart..<realEnd, skipSpaces(realEnd, lineEnd), true)
        }
        return (lineStart..<keywordEnd, argumentsStart, false)
    }

    // MARK: - Comparisons

    /// Whether `range` holds exactly the ASCII literal.
    @inline(__always)
    func equals(_ range: Range<Int>, _ word: StaticString) -> Bool {
        word.utf8CodeUnitCount == range.count && hasPrefix(range, word)
    }

    /// Whether `range` starts with the ASCII literal.
    @inline(__always)
    func hasPrefix(_ range: Range<Int>, _ word: StaticString) -> Bool {
        let size = word.utf8CodeUnitCount
        guard size <= range.count else { return false }
        guard let from = pointer(range.lowerBound, count: size) else { return true }
        // Literals are short: an inline loop beats a call to memcmp.
        return memcmpEqual(from, word.utf8Start, size)
    }

    /// Whether `range` holds exactly `word`.
    @inline(__always)
    func equals(_ range: Range<Int>, _ word: [UInt8]) -> Bool {
        guard range.count == word.count else { return false }
        guard let from = pointer(range.lowerBound, count: word.count) else { return true }
        return from[0] == word[0] && word.withUnsafeBufferPointer { memcmp(from, $0.baseAddress!, word.count) == 0 }
    }

    /// Whether two ranges of the buffer hold the same bytes.
    @inline(__always)
    func equals(_ range: Range<Int>, _ other: Range<Int>) -> Bool {
        guard range.count == other.count else { return false }
        guard let a = pointer(range.lowerBound, count: range.count) else { return true }
        return memcmp(a, pointer(other.lowerBound, count: other.count)!, range.count) == 0
    }

    // MARK: - Values

    /// A non-negative decimal integer of at most 18 digits, no sign.
    @inline(__always)
    func unsigned(_ range: Range<Int>) -> Int? {
        guard !range.isEmpty, range.count <= 18 else { return nil }
        var value = 0
        for index in range {
            let digit = self[index] &- 0x30
            guard digit < 10 else { return nil }
            value = value &* 10 &+ Int(digit)
        }
        return value
    }

    /// Whether any byte of `range` is ≥ 0x80 or a control character other than tab and CR.
    func containsNonASCII(_ range: Range<Int>) -> Bool {
        // Strict mode asks this of every line: eight bytes at a time, and byte by byte only for
        // a word holding a byte ≥ 0x80 or < 0x20 (tab and CR are allowed, so they are rechecked).
        var index = range.lowerBound
        if range.count >= 8, let from = pointer(range.lowerBound, count: range.count) {
            let raw = UnsafeRawPointer(from)
            let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
            var offset = 0
            while offset + 8 <= range.count {
                let word = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                if (word | ((word &- ones &* 0x20) & ~word)) & highs != 0 { break }
                offset += 8
            }
            index += offset
        }
        for index in index..<range.upperBound {
            let byte = self[index]
            if byte >= 0x80 || (byte < 0x20 && byte != ByteText.tab && byte != ByteText.carriageReturn) { return true }
        }
        return false
    }

    /// The bytes as a string; invalid UTF-8 is replaced with U+FFFD.
    @inline(__always)
    func string(_ range: Range<Int>) -> String {
        String(decoding: buffer(range), as: UTF8.self)
    }
}
