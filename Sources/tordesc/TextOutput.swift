#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials

/// Whether to colour standard output: only on a terminal, never with `--no-color` or when the
/// `NO_COLOR` environment variable is set (https://no-color.org).
struct ColorChoice {
    let enabled: Bool

    init(noColor: Bool) {
        let environment = ProcessInfo.processInfo.environment
        let noColorSet = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        enabled = !noColor && !noColorSet && isatty(STDOUT_FILENO) == 1 && environment["TERM"] != "dumb"
    }

    func bold(_ text: String) -> String { enabled ? "\u{1B}[1m" + text + "\u{1B}[0m" : text }
    func green(_ text: String) -> String { enabled ? "\u{1B}[32m" + text + "\u{1B}[0m" : text }
    func red(_ text: String) -> String { enabled ? "\u{1B}[31m" + text + "\u{1B}[0m" : text }
    func dim(_ text: String) -> String { enabled ? "\u{1B}[2m" + text + "\u{1B}[0m" : text }
}

/// Left-aligned text columns (numbers right-aligned), padded by their visible width so that
/// colour codes do not break the alignment.
struct TextTable {
    var headers: [String]
    var rightAligned: Set<Int> = []
    var rows: [[String]] = []
    /// Colour applied to a cell after padding, per column (plain text is measured).
    var styles: [Int: (String) -> String] = [:]

    init(headers: [String]) { self.headers = headers }

    mutating func add(_ row: [String]) { rows.append(row) }

    func render(color: ColorChoice) -> [String] {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String], header: Bool) -> String {
            var parts: [String] = []
            for (index, cell) in cells.enumerated() {
                let padding = String(repeating: " ", count: max(0, widths[index] - cell.count))
                let last = index == cells.count - 1
                var text = rightAligned.contains(index) ? padding + cell : cell + (last ? "" : padding)
                if header { text = color.bold(text) } else if let style = styles[index] { text = style(text) }
                parts.append(text)
            }
            return parts.joined(separator: "  ")
        }
        return [line(headers, header: true)] + rows.map { line($0, header: false) }
    }
}

enum Formatting {
    /// 1234567 → "1,234,567".
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return value < 0 ? "-" + out : out
    }

    /// Bytes per second as people read them: "12.3 MB/s".
    static func rate(_ bytesPerSecond: Int) -> String {
        let units = ["B/s", "KB/s", "MB/s", "GB/s"]
        var value = Double(bytesPerSecond)
        var unit = 0
        while value >= 1000, unit < units.count - 1 { value /= 1000; unit += 1 }
        return unit == 0 ? "\(bytesPerSecond) B/s" : Formatting.fixed(value, digits: 1) + " " + units[unit]
    }

    /// `value` rounded to `digits` decimals, as `%.Nf` prints it ("12.3", "-0.5", "3.00").
    static func fixed(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (value.magnitude * scale).rounded(.toNearestOrEven)
        guard scaled < 9e18 else { return String(value) }
        let units = UInt64(scaled), divisor = UInt64(scale)
        var text = String(units / divisor)
        if digits > 0 {
            let fraction = String(units % divisor)
            text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        return value < 0 && units > 0 ? "-" + text : text
    }

    /// Cuts long text for a table cell; JSON output keeps the whole value.
    static func truncated(_ text: String, to width: Int) -> String {
        text.count <= width ? text : String(text.prefix(width - 1)) + "…"
    }

    static func percent(_ part: Int, of whole: Int) -> String {
        whole == 0 ? "-" : Formatting.fixed(Double(part) * 100 / Double(whole), digits: 1) + "%"
    }
}

/// Writing to the standard streams without Foundation's `FileHandle` (the executable links
/// FoundationEssentials only, #15): `write(2)` until every byte is out.
enum StandardStream {
    static func error(_ text: String) { write(Array(text.utf8), to: STDERR_FILENO) }
    static func output(_ bytes: [UInt8]) { write(bytes, to: STDOUT_FILENO) }

    private static func write(_ bytes: [UInt8], to descriptor: Int32) {
        bytes.withUnsafeBytes { buffer in
            var done = 0
            while done < buffer.count {
                #if canImport(Glibc)
                let n = Glibc.write(descriptor, buffer.baseAddress! + done, buffer.count - done)
                #else
                let n = Darwin.write(descriptor, buffer.baseAddress! + done, buffer.count - done)
                #endif
                if n < 0 { if errno == EINTR { continue }; return }
                done += n
            }
        }
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces, tabs, CRs and newlines (ASCII whitespace: the inputs
    /// are command-line values and tor's text files).
    var trimmed: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }

    /// Padded with spaces on the right to `width` characters (longer text is left as is).
    func padded(to width: Int) -> String {
        count >= width ? String(self) : String(self) + String(repeating: " ", count: width - count)
    }
}
