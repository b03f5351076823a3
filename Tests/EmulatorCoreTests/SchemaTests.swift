import Foundation
import SQLiteStore
import Testing

@testable import EmulatorCore

/// A new database gets `Schema.current` instead of running every migration: the two must build the same schema.
/// `make schema` rewrites Schema+Current.swift from the migrations (this suite with `RECORD_SCHEMA=1`).
@Suite struct SchemaTests {
    /// What a database's schema is: every entry of `sqlite_schema` that is not SQLite's own or a virtual table's
    /// shadow, in the order they were made, with its SQL as stored.
    static func entries(of connection: Connection) throws -> [String] {
        let shadows = Set(
            try connection.query("SELECT name, type FROM pragma_table_list", []) { row in
                try row.string("type") == "shadow" ? try row.string("name") : nil
            }.compactMap { $0 })
        return try connection.query(
            "SELECT name, sql FROM sqlite_schema WHERE sql IS NOT NULL AND name <> 'sqlite_sequence' ORDER BY rowid", []
        ) { row in try shadows.contains(row.string("name")) ? nil : try row.string("sql") }.compactMap { $0 }
    }

    @Test("a new database made from the current schema has what the migrations build, at the same version")
    func currentSchemaMatchesMigrations() throws {
        let migrated = try Connection.open(path: ":memory:", migrations: Schema.migrations)
        let fresh = try Connection.open(
            path: ":memory:", migrations: Schema.migrations, newDatabaseSchema: Schema.current)
        let built = try Self.entries(of: migrated)
        // Recording writes the file this build does not hold yet: `make test` then checks what was written.
        if ProcessInfo.processInfo.environment["RECORD_SCHEMA"] != nil { return try Self.record(built) }
        #expect(
            try Self.entries(of: fresh) == built,
            "Schema+Current.swift is not what the migrations build: run `make schema`")
        #expect(try fresh.schemaVersion() == Schema.migrations.count)
        #expect(try migrated.schemaVersion() == Schema.migrations.count)
    }

    /// Writes Schema+Current.swift: each entry's SQL as stored, one statement after another.
    static func record(_ entries: [String]) throws {
        let indented = entries.map { sql in
            sql.split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.isEmpty ? "" : "        " + $0 }.joined(separator: "\n") + ";"
        }
        let source = """
            // Written by `make schema` from a database the migrations built; do not edit. SchemaTests checks it.

            extension Schema {
                /// Everything the migrations build, as one script: a new database runs this instead of every migration
                /// (most of which, for a database with nothing in it yet, make tables and triggers that later ones change
                /// or drop), then takes the last migration's version.
                static let current = \"\"\"
            \(indented.joined(separator: "\n\n"))
                    \"\"\"
            }

            """
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/EmulatorCore/Store/Schema+Current.swift").standardized.path
        try source.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
