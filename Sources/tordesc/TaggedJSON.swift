import TorDescriptors

/// `tordesc parse --json --tagged`: every JSON line wrapped with what a consumer reading many
/// files and types from one stream needs to route it (a Spark job, a loader): the document type,
/// the file or archive member it came from, the document's number in this run, and whether the
/// object is a whole document, a container's header, or one entry of that container.
///
/// ```
/// {"type":"network-status-consensus-3","source":"a.tar.xz!c/2024-01-01-00-00-00-consensus","document":0,"part":"header","data":{...}}
/// {"type":"network-status-consensus-3","source":"a.tar.xz!c/2024-01-01-00-00-00-consensus","document":0,"part":"entry","data":{...}}
/// ```
/// `data` is exactly the object `--json` prints alone, so its schema is the untagged one.
enum TaggedJSON {
    /// The tagged lines of one document.
    static func lines(of document: AnyDescriptor, type: DescriptorType, source: String, number: Int) -> [JSONValue] {
        let lines = document.stemJSONLines
        let container = hasEntries(document)
        return lines.enumerated().map { index, data in
            let part = container ? (index == 0 ? "header" : "entry") : "document"
            return .object([("type", .string(type.rawValue)), ("source", .string(source)),
                            ("document", .int(number)), ("part", .string(part)), ("data", data)])
        }
    }

    /// The documents whose `stemJSONLines` are a header followed by one object per entry.
    static func hasEntries(_ document: AnyDescriptor) -> Bool {
        switch document {
        case .consensus, .vote, .bridgeNetworkStatus, .networkStatusV2, .exitList: true
        default: false
        }
    }
}
