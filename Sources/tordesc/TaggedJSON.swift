import TorDescriptors

/// `tordesc parse --json --tagged`: every `--json` line wrapped with what a consumer reading many
/// files from one stream needs to store it with its provenance (a Spark job, a loader): the
/// line's `@type` (its schema, `Resources/schemas/<type>.json`), the file or archive member it
/// came from, the document's number in this run (shared by a consensus and its entries, so a
/// join ties them), and whether the line is a whole document, a container's header or an entry.
///
/// ```
/// {"type":"network-status-consensus-3","source":"a.tar.xz!c/2024-01-01-00-00-00-consensus","document":0,"part":"header","data":{"@type":"network-status-consensus-3",...}}
/// {"type":"network-status-consensus-3-entry","source":"a.tar.xz!c/2024-01-01-00-00-00-consensus","document":0,"part":"entry","data":{...}}
/// ```
/// `data` is exactly the line `--json` prints alone; `data` is last, so a reader can cut it out
/// as text without parsing it.
enum TaggedJSON {
    /// The tagged lines of one document.
    static func lines(of document: AnyDescriptor, type: DescriptorType, source: String, number: Int) -> [JSONValue] {
        document.typedJSONLines(as: type).enumerated().map { index, data in
            let isHeader = index == 0
            let part = type.hasEntryLines ? (isHeader ? "header" : "entry") : "document"
            let lineType = isHeader ? type.rawValue : type.entryTypeName
            return .object([("type", .string(lineType)), ("source", .string(source)),
                            ("document", .int(number)), ("part", .string(part)), ("data", data)])
        }
    }
}
