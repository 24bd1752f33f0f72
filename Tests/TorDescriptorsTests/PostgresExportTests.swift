import Foundation
import Testing
@testable import TorDescriptors

/// The COPY text the SQL export writes, decoded here by a reader written from PostgreSQL's
/// description of the text format (the real server test is scripts/test-postgres.sh).
@Suite struct PostgresExportTests {
    /// PostgreSQL's text-format field decoding: `\N` alone is NULL; `\\`, `\t`, `\n`, `\r`
    /// (and `\b`, `\f`, `\v`) are escapes; any other backslashed character stands for itself.
    static func decodeRow(_ line: String) -> [String?] {
        line.split(separator: "\t", omittingEmptySubsequences: false).map { field -> String? in
            if field == "\\N" { return nil }
            var out = "", escaping = false
            for character in field {
                if escaping {
                    switch character {
                    case "t": out.append("\t")
                    case "n": out.append("\n")
                    case "r": out.append("\r")
                    case "b": out.append("\u{8}")
                    case "f": out.append("\u{C}")
                    case "v": out.append("\u{B}")
                    default: out.append(character)
                    }
                    escaping = false
                } else if character == "\\" {
                    escaping = true
                } else {
                    out.append(character)
                }
            }
            return out
        }
    }

    @Test("fields with backslash, tab, newline, carriage return, a literal \\N and \\. round-trip; NULL is \\N; NUL becomes U+FFFD")
    func escaping() {
        let values: [String?] = ["plain", "tab\there", "two\nlines", "cr\r\n", "back\\slash", "\\N", "\\.", nil, "", "ünïcödé", "nul\u{0}byte"]
        let line = PostgresCopyText.row(values)
        #expect(!line.contains("\n") && !line.contains("\r"))
        #expect(line.split(separator: "\t", omittingEmptySubsequences: false).count == values.count)
        var expected = values
        expected[10] = "nul\u{FFFD}byte"
        #expect(Self.decodeRow(line) == expected)
        #expect(PostgresCopyText.field(nil) == "\\N")
        #expect(PostgresCopyText.field("\\N") == "\\\\N")
    }

    /// The COPY blocks of a script, table name -> decoded rows.
    static func copyBlocks(_ text: String) -> [String: [[String?]]] {
        var blocks: [String: [[String?]]] = [:]
        var table: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if let current = table {
                if line == "\\." { table = nil } else { blocks[current, default: []].append(decodeRow(line)) }
            } else if line.hasPrefix("COPY staging_") {
                table = String(line.dropFirst("COPY staging_".count).prefix { $0 != " " })
            }
        }
        return blocks
    }

    @Test("a consensus becomes one consensuses row, an entry row per router status entry and a flag row per flag, all keyed by the document's SHA-256")
    func consensusRows() throws {
        let bytes = try ProjectFiles.corpus("consensus/2012-06-18-21-00-00-cached-consensus")
        let consensus = try NetworkStatusConsensus(parsing: bytes)
        let text = try #require(PostgresExport.copyBlocks(for: .consensus(consensus), source: "x\ty"))
        let blocks = Self.copyBlocks(text)
        let digest = Hex.encode(Digest.sha256(consensus.rawBytes))
        #expect(blocks["documents"]?.first == [digest, "consensus", "x\ty"])
        #expect(blocks["consensuses"]?.first?[2] == "2012-06-18 21:00:00")
        let entries = try #require(blocks["consensus_entries"])
        #expect(entries.count == consensus.entries.count)
        #expect(entries.allSatisfy { $0.count == PostgresSchema.table("consensus_entries").columns.count && $0[0] == digest })
        #expect(Set(entries.map { $0[1]! }) == Set(consensus.entries.map(\.fingerprint.hex)))
        let flags = try #require(blocks["entry_flags"])
        #expect(flags.count == consensus.entries.reduce(0) { $0 + $1.flagNames.count })
        #expect(flags.filter { $0[2] == "Exit" }.count == consensus.entries.filter { $0.flags.contains(.exit) }.count)
    }

    @Test("server descriptors: tor's policy summary and the family as declared, split into fingerprint and nickname")
    func serverDescriptorRows() throws {
        let bytes = try ProjectFiles.corpus("server-descriptors/2020-02-29-10-05-00-server-descriptors")
        let descriptors = ServerDescriptor.parseAll(bytes[...]).compactMap { try? $0.get() }
        let declaring = try #require(descriptors.first { $0.family.count > 1 })
        let blocks = Self.copyBlocks(try #require(PostgresExport.copyBlocks(for: .serverDescriptor(declaring), source: "f")))
        let row = try #require(blocks["server_descriptors"]?.first)
        #expect(row[1] == declaring.digest?.hex && row[2] == declaring.fingerprint?.hex)
        #expect(row[13] == declaring.exitPolicy?.summary)
        let family = try #require(blocks["declared_families"])
        #expect(family.map { $0[1]! } == declaring.family)
        for member in family where member[1]!.hasPrefix("$") {
            #expect(member[2] == String(member[1]!.dropFirst().prefix(40)).uppercased())
        }
        #expect(FamilyMemberText("$0123456789abcdef0123456789ABCDEF01234567~nick").fingerprint == "0123456789ABCDEF0123456789ABCDEF01234567")
        #expect(FamilyMemberText("$0123456789abcdef0123456789ABCDEF01234567=nick").nickname == "nick")
        #expect(FamilyMemberText("someNick").nickname == "someNick" && FamilyMemberText("someNick").fingerprint == nil)
        #expect(FamilyMemberText("$nothex").fingerprint == nil && FamilyMemberText("$nothex").nickname == nil)
    }

    @Test("the script opens one transaction, stages every table, and inserts each with ON CONFLICT DO NOTHING before COMMIT")
    func scriptShape() throws {
        let prologue = PostgresExport.prologue, epilogue = PostgresExport.epilogue
        for table in PostgresSchema.tables {
            #expect(prologue.contains("CREATE TABLE IF NOT EXISTS \(table.name) ("))
            #expect(prologue.contains("CREATE TEMP TABLE staging_\(table.name) (LIKE \(table.name)) ON COMMIT DROP;"))
            #expect(epilogue.contains("INSERT INTO \(table.name) (") && epilogue.contains("FROM staging_\(table.name) ON CONFLICT DO NOTHING;"))
            #expect(table.primaryKey.allSatisfy { key in table.columns.contains { $0.name == key } })
        }
        #expect(prologue.components(separatedBy: "BEGIN;").count == 2 && epilogue.hasSuffix("COMMIT;\n"))
        let micro = try #require(Microdescriptor.parseAll(try ProjectFiles.corpus("microdescs/2017-03-cached-microdescs.new")[...]).first.flatMap { try? $0.get() })
        #expect(PostgresExport.copyBlocks(for: .microdescriptor(micro), source: "m") == nil, "no table for microdescriptors")
    }
}
