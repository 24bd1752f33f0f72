/// PostgreSQL's COPY text format: one line per row, columns separated by tabs, `\N` for NULL,
/// and backslash, tab, newline and carriage return escaped with a backslash. PostgreSQL text
/// cannot hold a NUL character, so one is written as U+FFFD (documents are untrusted bytes).
///
/// ```swift
/// PostgresCopyText.row(["a\tb", nil, "c\\d"])   // "a\\tb\t\\N\tc\\\\d"
/// ```
public enum PostgresCopyText {
    /// One field, escaped; `nil` is `\N`.
    public static func field(_ value: String?) -> String {
        guard let value else { return "\\N" }
        guard value.utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0x00 }) else { return value }
        var escaped = ""
        escaped.reserveCapacity(value.utf8.count + 8)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "\t": escaped += "\\t"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\u{0}": escaped += "\u{FFFD}"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// One row, without the line's newline.
    public static func row(_ values: [String?]) -> String { values.map(field).joined(separator: "\t") }
}
