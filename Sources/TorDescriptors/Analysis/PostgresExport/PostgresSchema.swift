/// The normalized PostgreSQL schema ``PostgresExport`` writes, as data: every statement of the
/// load script (CREATE TABLE, the staging tables, COPY column lists, the final INSERTs) is
/// generated from this one list, so they cannot disagree.
///
/// Every table's primary key starts with the SHA-256 of the document a row came from, which is
/// what makes a load idempotent: rows are copied into temporary staging tables and moved with
/// `INSERT ... ON CONFLICT DO NOTHING`, so loading a document a second time adds nothing.
///
/// ```swift
/// for table in PostgresSchema.tables { print(table.createStatement) }
/// ```
public enum PostgresSchema {
    /// One table: its columns with PostgreSQL types, and its primary key.
    public struct Table: Sendable {
        public let name: String
        public let columns: [(name: String, type: String)]
        public let primaryKey: [String]
        /// What a row is, for the schema's comments.
        public let comment: String

        /// `CREATE TABLE IF NOT EXISTS ...`.
        public var createStatement: String {
            let lines = columns.map { "    \($0.name) \($0.type)" } + ["    PRIMARY KEY (\(primaryKey.joined(separator: ", ")))"]
            return "-- \(comment)\nCREATE TABLE IF NOT EXISTS \(name) (\n" + lines.joined(separator: ",\n") + "\n);"
        }

        var stagingName: String { "staging_" + name }
        var columnList: String { columns.map(\.name).joined(separator: ", ") }
    }

    /// The tables in load order.
    public static let tables: [Table] = [
        Table(name: "documents", columns: [("digest", "text NOT NULL"), ("kind", "text NOT NULL"), ("source", "text")],
              primaryKey: ["digest"], comment: "Every document loaded, by the SHA-256 (hex) of its bytes; source is the file it was first loaded from."),
        Table(name: "consensuses", columns: [
            ("digest", "text NOT NULL"), ("flavor", "text NOT NULL"), ("valid_after", "timestamp"), ("fresh_until", "timestamp"),
            ("valid_until", "timestamp"), ("consensus_method", "integer"), ("relays", "integer NOT NULL"),
        ], primaryKey: ["digest"], comment: "Consensuses (ns and microdesc flavor); times are UTC."),
        Table(name: "consensus_entries", columns: [
            ("consensus_digest", "text NOT NULL"), ("fingerprint", "text NOT NULL"), ("nickname", "text NOT NULL"), ("address", "inet NOT NULL"),
            ("or_port", "integer NOT NULL"), ("dir_port", "integer"), ("bandwidth", "bigint"), ("unmeasured", "boolean NOT NULL"),
            ("version", "text"), ("exit_policy_summary", "text"), ("descriptor_digest", "text"), ("microdescriptor_digest", "text"),
        ], primaryKey: ["consensus_digest", "fingerprint"], comment: "Router status entries; bandwidth is the w Bandwidth= weight."),
        Table(name: "entry_flags", columns: [("consensus_digest", "text NOT NULL"), ("fingerprint", "text NOT NULL"), ("flag", "text NOT NULL")],
              primaryKey: ["consensus_digest", "fingerprint", "flag"], comment: "One row per flag of an entry's s line."),
        Table(name: "server_descriptors", columns: [
            ("digest", "text NOT NULL"), ("descriptor_digest", "text"), ("fingerprint", "text"), ("nickname", "text NOT NULL"),
            ("address", "inet NOT NULL"), ("or_port", "integer NOT NULL"), ("dir_port", "integer"), ("published", "timestamp"),
            ("platform", "text"), ("contact", "text"), ("bandwidth_average", "bigint"), ("bandwidth_burst", "bigint"),
            ("bandwidth_observed", "bigint"), ("exit_policy_summary", "text"), ("ipv6_policy", "text"), ("allows_exit", "boolean"),
            ("is_bridge", "boolean NOT NULL"),
        ], primaryKey: ["digest"], comment: "Server descriptors; descriptor_digest is the SHA-1 a consensus entry names, exit_policy_summary tor's p-line summary of the IPv4 policy."),
        Table(name: "declared_families", columns: [
            ("descriptor", "text NOT NULL"), ("member", "text NOT NULL"), ("member_fingerprint", "text"), ("member_nickname", "text"),
        ], primaryKey: ["descriptor", "member"], comment: "family line entries as declared (not verified as mutual): $FINGERPRINT[=~nick] or a nickname."),
        Table(name: "bandwidth_files", columns: [
            ("digest", "text NOT NULL"), ("timestamp", "timestamp NOT NULL"), ("version", "text NOT NULL"), ("software", "text"), ("relays", "integer NOT NULL"),
        ], primaryKey: ["digest"], comment: "Bandwidth files (sbws, torflow)."),
        Table(name: "bandwidth_entries", columns: [
            ("file_digest", "text NOT NULL"), ("line", "integer NOT NULL"), ("fingerprint", "text"), ("nickname", "text"), ("bandwidth", "bigint"),
            ("unmeasured", "boolean"), ("vote", "boolean"),
        ], primaryKey: ["file_digest", "line"], comment: "One relay line of a bandwidth file, by its line number."),
        Table(name: "exit_lists", columns: [("digest", "text NOT NULL"), ("downloaded", "timestamp"), ("relays", "integer NOT NULL")],
              primaryKey: ["digest"], comment: "TorDNSEL exit lists."),
        Table(name: "exit_list_entries", columns: [
            ("list_digest", "text NOT NULL"), ("line", "integer NOT NULL"), ("fingerprint", "text NOT NULL"), ("published", "timestamp"),
            ("last_status", "timestamp"),
        ], primaryKey: ["list_digest", "line"], comment: "One ExitNode entry of an exit list, by its line number."),
        Table(name: "exit_list_addresses", columns: [
            ("list_digest", "text NOT NULL"), ("line", "integer NOT NULL"), ("address", "inet NOT NULL"), ("seen", "timestamp NOT NULL"),
        ], primaryKey: ["list_digest", "line", "address", "seen"], comment: "ExitAddress lines of an exit list entry (line is the entry's)."),
    ]

    /// The table named `name` (a programming error if there is none).
    static func table(_ name: String) -> Table {
        guard let table = tables.first(where: { $0.name == name }) else { preconditionFailure("no table \(name) in PostgresSchema") }
        return table
    }
}
