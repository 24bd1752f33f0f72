/// Writes parsed documents as a PostgreSQL load script that `psql -v ON_ERROR_STOP=1 -f` runs:
/// the schema (``PostgresSchema``, `CREATE TABLE IF NOT EXISTS`), then in one transaction
/// `COPY ... FROM stdin` blocks into temporary staging tables, then `INSERT ... ON CONFLICT DO
/// NOTHING` into the real tables. Every primary key starts with the document's SHA-256, so a
/// document loaded twice (in two scripts or twice in one) adds its rows once.
///
/// Sans-I/O: it turns values into text; the caller writes ``prologue``, each document's
/// ``copyBlocks(for:source:)`` and ``epilogue`` wherever the script goes.
///
/// Consensuses (entries and flags), server descriptors (with tor's summary of the exit policy
/// and the family as declared), bandwidth files and exit lists have tables; other documents
/// give `nil`.
///
/// ```swift
/// var script = PostgresExport.prologue
/// script += PostgresExport.copyBlocks(for: .consensus(consensus), source: "cached-consensus") ?? ""
/// script += PostgresExport.epilogue
/// ```
public enum PostgresExport {
    /// The schema and the opening of the load transaction with its staging tables.
    public static var prologue: String {
        var lines = ["-- Written by tordesc export --sql. Load with: psql -v ON_ERROR_STOP=1 -f load.sql",
                     "SET client_encoding = 'UTF8';", "SET client_min_messages = warning;", ""]
        lines += PostgresSchema.tables.map { $0.createStatement + "\n" }
        lines.append("BEGIN;")
        // ON COMMIT DROP: a script loaded twice in one session finds no staging left over.
        lines += PostgresSchema.tables.map { "CREATE TEMP TABLE \($0.stagingName) (LIKE \($0.name)) ON COMMIT DROP;" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Moves the staged rows into the tables, skipping any whose key is already there, and commits.
    public static var epilogue: String {
        let inserts = PostgresSchema.tables.map {
            "INSERT INTO \($0.name) (\($0.columnList)) SELECT \($0.columnList) FROM \($0.stagingName) ON CONFLICT DO NOTHING;"
        }
        return (inserts + ["COMMIT;"]).joined(separator: "\n") + "\n"
    }

    /// The COPY blocks that stage `document`'s rows, or `nil` for a type the schema has no table for.
    public static func copyBlocks(for document: AnyDescriptor, source: String) -> String? {
        guard let rows = rows(for: document, source: source) else { return nil }
        var text = ""
        for table in PostgresSchema.tables {
            guard let tableRows = rows[table.name], !tableRows.isEmpty else { continue }
            text += "COPY \(table.stagingName) (\(table.columnList)) FROM stdin;\n"
            for row in tableRows {
                precondition(row.count == table.columns.count, "\(table.name): \(row.count) values for \(table.columns.count) columns")
                text += PostgresCopyText.row(row) + "\n"
            }
            text += "\\.\n"
        }
        return text
    }

    /// Rows by table name, each in the table's column order.
    static func rows(for document: AnyDescriptor, source: String) -> [String: [[String?]]]? {
        let digest = Hex.encode(Digest.sha256(document.rawBytes))
        var rows: [String: [[String?]]]
        let kind: String
        switch document {
        case .consensus(let consensus):
            kind = consensus.header.flavor == .microdesc ? "microdesc-consensus" : "consensus"
            rows = consensusRows(consensus, digest: digest)
        case .serverDescriptor(let descriptor):
            kind = descriptor.isBridge ? "bridge-server-descriptor" : "server-descriptor"
            rows = serverDescriptorRows(descriptor, digest: digest)
        case .bandwidthFile(let file):
            kind = "bandwidth-file"
            rows = ["bandwidth_files": [[digest, timestamp(file.timestamp), file.version, file.software, String(file.relays.count)]],
                    "bandwidth_entries": file.relays.map {
                        [digest, String($0.line), $0.nodeID?.hex, $0.nickname, $0.bandwidth.map(String.init), boolean($0.unmeasured), boolean($0.vote)]
                    }]
        case .exitList(let list):
            kind = "exit-list"
            rows = ["exit_lists": [[digest, list.downloaded.map(timestamp), String(list.entries.count)]],
                    "exit_list_entries": list.entries.map { [digest, String($0.line), $0.fingerprint.hex, $0.published.map(timestamp), $0.lastStatus.map(timestamp)] },
                    "exit_list_addresses": list.entries.flatMap { entry in
                        entry.exitAddresses.map { [digest, String(entry.line), $0.address.description, timestamp($0.seen)] }
                    }]
        default:
            return nil
        }
        rows["documents"] = [[digest, kind, source]]
        return rows
    }

    static func consensusRows(_ consensus: NetworkStatusConsensus, digest: String) -> [String: [[String?]]] {
        let header = consensus.header
        var entries: [[String?]] = []
        var flags: [[String?]] = []
        entries.reserveCapacity(consensus.entries.count)
        for entry in consensus.entries {
            let fingerprint = entry.fingerprint.hex
            entries.append([digest, fingerprint, entry.nickname, entry.address.description, String(entry.orPort), entry.dirPort.map { String($0) },
                            entry.bandwidth.map(String.init), boolean(entry.isUnmeasured), entry.versionLine, entry.exitPolicySummary,
                            entry.descriptorDigest?.hex, entry.microdescriptorDigest?.base64])
            for flag in entry.flagNames { flags.append([digest, fingerprint, flag]) }
        }
        return [
            "consensuses": [[digest, header.flavor == .microdesc ? "microdesc" : "ns", header.validAfter.map(timestamp), header.freshUntil.map(timestamp),
                             header.validUntil.map(timestamp), header.consensusMethod.map(String.init), String(consensus.entries.count)]],
            "consensus_entries": entries,
            "entry_flags": flags,
        ]
    }

    static func serverDescriptorRows(_ descriptor: ServerDescriptor, digest: String) -> [String: [[String?]]] {
        let policy = descriptor.exitPolicy
        let row: [String?] = [
            digest, descriptor.digest?.hex, descriptor.fingerprint?.hex, descriptor.nickname, descriptor.address.description,
            String(descriptor.orPort), descriptor.dirPort.map { String($0) }, descriptor.published.map(timestamp), descriptor.platformString,
            descriptor.contactString, descriptor.averageBandwidth.map(String.init), descriptor.burstBandwidth.map(String.init),
            descriptor.observedBandwidth.map(String.init), policy?.summary, descriptor.ipv6Policy, policy.map { boolean($0.isExitingAllowed) },
            boolean(descriptor.isBridge),
        ]
        let family = descriptor.family.map { member -> [String?] in
            let parts = FamilyMemberText(member)
            return [digest, member, parts.fingerprint, parts.nickname]
        }
        return ["server_descriptors": [row], "declared_families": family]
    }

    static func timestamp(_ value: TorTimestamp) -> String { value.description }
    static func boolean(_ value: Bool) -> String { value ? "t" : "f" }
    static func boolean(_ value: Bool?) -> String? { value.map { $0 ? "t" : "f" } }
}

/// A `family` entry split into its parts: `$HEX`, `$HEX=nick`, `$HEX~nick` (dir-spec §2.1.1)
/// or a bare nickname. The fingerprint is upper-cased; an entry that starts with `$` but is not
/// 40 hex digits keeps neither part.
struct FamilyMemberText {
    var fingerprint: String?
    var nickname: String?

    init(_ member: String) {
        let bytes = Array(member.utf8)
        guard bytes.first == UInt8(ascii: "$") else {
            nickname = member
            return
        }
        let separator = bytes.firstIndex { $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "~") } ?? bytes.count
        if let parsed = Fingerprint(hex: String(decoding: bytes[1..<separator], as: UTF8.self)) { fingerprint = parsed.hex } else { return }
        if separator < bytes.count { nickname = String(decoding: bytes[(separator + 1)...], as: UTF8.self) }
    }
}
