import Foundation
import Testing

@testable import SQLiteStore

private let migrations = ["CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, payload BLOB) STRICT;"]

/// The write-ahead log's frames are kept back until their commit is complete and then written in one system call
/// (`wal_batch.c`): nothing a write has returned from may still be only in memory, whatever the size of the commit.
///
/// Each test copies the database file and its log while the database is open, as a crash would leave them, and opens
/// the copy: SQLite then rebuilds its index of the log from the file alone, keeping only whole commits whose
/// checksums chain. The writes stay under the log's checkpoint threshold, so no checkpoint changes the files midway.
@Suite struct WALBatchTests {
    /// What a crash now would leave: the database file and its log, copied as they are on disk, opened anew.
    private static func reopenedCopy(of path: String) throws -> (Database, String) {
        let copy = scratchDatabasePath("copy")
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        try FileManager.default.copyItem(atPath: path + "-wal", toPath: copy + "-wal")
        return (try Database(path: copy, migrations: migrations), copy)
    }

    private static func integrity(_ database: Database) throws -> String? {
        try database.read { try $0.queryOne("PRAGMA integrity_check") { $0.string(0) } }
    }

    @Test("every commit is in the log file when its write returns")
    func commitWrittenOnReturn() throws {
        let (database, path) = try scratchDatabase("batch", migrations: migrations)
        defer { discard(database, at: path) }
        for index in 1...5 {
            try database.write { try $0.execute("INSERT INTO items (name) VALUES (?)", ["item \(index)"]) }
            let (copy, copyPath) = try Self.reopenedCopy(of: path)
            defer { discard(copy, at: copyPath) }
            #expect(try itemNames(copy) == (1...index).map { "item \($0)" })
        }
    }

    @Test("a commit larger than the buffer (128 KiB of frames) is written whole, in order")
    func largeCommit() throws {
        let (database, path) = try scratchDatabase("batch", migrations: migrations)
        defer { discard(database, at: path) }
        // 160 rows of 8 KiB: some 330 pages, ten times the buffer, under the 1,000 pages of a checkpoint.
        try database.write { connection in
            for index in 0..<160 {
                try connection.execute(
                    "INSERT INTO items (name, payload) VALUES (?, randomblob(8192))", ["row \(index)"])
            }
        }
        try database.write { try $0.execute("INSERT INTO items (name) VALUES ('after')") }
        let (copy, copyPath) = try Self.reopenedCopy(of: path)
        defer { discard(copy, at: copyPath) }
        #expect(try Self.integrity(copy) == "ok")
        #expect(try itemNames(copy) == (0..<160).map { "row \($0)" } + ["after"])
        let payloadBytes = try copy.read { try $0.queryOne("SELECT sum(length(payload)) FROM items") { $0.int(0) } }
        #expect(payloadBytes == 160 * 8192)
    }

    @Test("frames spilled by a transaction that then rolls back are never taken for a commit")
    func spilledThenRolledBack() throws {
        struct Refused: Error {}
        let (database, path) = try scratchDatabase("batch", migrations: migrations)
        defer { discard(database, at: path) }
        try database.write { try $0.execute("INSERT INTO items (name) VALUES ('kept')") }
        // A cache of a few pages makes SQLite write the transaction's pages to the log before it ends.
        #expect(throws: Refused.self) {
            try database.write { connection in
                try connection.executeScript("PRAGMA cache_size = 5;")
                for index in 0..<200 {
                    try connection.execute(
                        "INSERT INTO items (name, payload) VALUES (?, randomblob(4096))", ["undone \(index)"])
                }
                throw Refused()
            }
        }
        try database.write { connection in
            try connection.executeScript("PRAGMA cache_size = -2000;")
            try connection.execute("INSERT INTO items (name) VALUES ('after')")
        }
        #expect(try itemNames(database) == ["kept", "after"])
        let (copy, copyPath) = try Self.reopenedCopy(of: path)
        defer { discard(copy, at: copyPath) }
        #expect(try Self.integrity(copy) == "ok")
        #expect(try itemNames(copy) == ["kept", "after"])
    }
}
