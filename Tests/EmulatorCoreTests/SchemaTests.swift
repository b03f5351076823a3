import Foundation
import SQLiteStore
import Testing

@testable import EmulatorCore

/// A new database is a copy of `Schema.currentImage` (a database made by the script `Schema.current`) instead of running
/// every migration: the script, the image and the migrations must build the same schema. `make schema` rewrites
/// Schema+Current.swift from the migrations (this suite with `RECORD_SCHEMA=1`).
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

    /// A database made by a schema script, at the last migration's version.
    static func made(by script: String) throws -> Connection {
        let connection = try Connection.open(path: ":memory:", migrations: [])
        try connection.executeScript(script)
        try connection.executeScript("PRAGMA user_version = \(Schema.migrations.count)")
        return connection
    }

    @Test("a new database, made from the current schema's image, has what the migrations build, at the same version")
    func currentSchemaMatchesMigrations() throws {
        let migrated = try Connection.open(path: ":memory:", migrations: Schema.migrations)
        let built = try Self.entries(of: migrated)
        // Recording writes the file this build does not hold yet: `make test` then checks what was written.
        if ProcessInfo.processInfo.environment["RECORD_SCHEMA"] != nil { return try Self.record(built) }
        let fresh = try Connection.open(
            path: ":memory:", migrations: Schema.migrations, newDatabase: Schema.newDatabase)
        #expect(
            try Self.entries(of: fresh) == built,
            "Schema+Current.swift's image is not what the migrations build: run `make schema`")
        #expect(
            try Self.entries(of: Self.made(by: Schema.current)) == built,
            "Schema+Current.swift's script is not what the migrations build: run `make schema`")
        #expect(try fresh.schemaVersion() == Schema.migrations.count)
        #expect(try migrated.schemaVersion() == Schema.migrations.count)
        #expect(try fresh.queryOne("SELECT count(*) FROM accounts") { $0.int(0) } == 0)
    }

    /// Writes Schema+Current.swift: each entry's SQL as stored, one statement after another, and the image of a
    /// database that script made.
    static func record(_ entries: [String]) throws {
        let script = entries.map { $0 + ";" }.joined(separator: "\n\n")
        func indented(_ text: String) -> String {
            text.split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.isEmpty ? "" : "        " + $0 }.joined(separator: "\n")
        }
        let image = try made(by: script).image().encoded(lineLength: 110)
        let source = """
            // Written by `make schema` from a database the migrations built; do not edit. SchemaTests checks it.

            extension Schema {
                /// Everything the migrations build, as one script (most of the migrations, for a database with nothing in
                /// it yet, make tables and triggers that later ones change or drop): what `currentImage` holds, to read.
                static let current = \"\"\"
            \(indented(script))
                    \"\"\"

                /// The bytes of a database that `current` made, at the last migration's version (`DatabaseImage`'s text):
                /// a new database is a copy of it, which takes a fraction of the time the script takes to run.
                static let currentImage = \"\"\"
            \(indented(image))
                    \"\"\"
            }

            """
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/EmulatorCore/Store/Schema+Current.swift").standardized.path
        try source.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
