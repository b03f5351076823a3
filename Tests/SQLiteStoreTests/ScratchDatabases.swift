import Foundation

@testable import SQLiteStore

/// A path of its own in the temporary directory for a test's database file; `kind` begins the file's name.
func scratchDatabasePath(_ kind: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("\(kind)-\(UUID().uuidString).sqlite").path
}

/// A fresh file database at a scratch path, and the path; ``discard(_:at:)`` deletes it.
func scratchDatabase(_ kind: String, migrations: [String]) throws -> (Database, String) {
    let path = scratchDatabasePath(kind)
    return (try Database(path: path, migrations: migrations), path)
}

/// Deletes a database's file, its log and its shared-memory index: a database still open when its file goes leaves
/// the other two behind.
func removeDatabaseFiles(at path: String) {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}

/// Closes a database and deletes its files.
func discard(_ database: Database, at path: String) {
    database.close()
    removeDatabaseFiles(at: path)
}

/// The `name` column of the `items` table the suites' schemas share, in insertion order.
func itemNames(_ database: Database) throws -> [String] {
    try database.read { try $0.query("SELECT name FROM items ORDER BY id") { $0.string(0) } }
}
