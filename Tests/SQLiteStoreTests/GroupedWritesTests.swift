import Foundation
import Testing

@testable import SQLiteStore

private let migrations = ["CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, size BLOB) STRICT;"]

/// Writes run together by `Database.writeTogether`: one transaction, one commit, each write as if alone.
@Suite struct GroupedWritesTests {
    struct Refused: Error {}

    /// The commits in the write-ahead log: frames of the log's current salt whose header gives the database size
    /// after a commit (https://www.sqlite.org/fileformat2.html#walformat).
    private static func commits(inLogOf path: String) throws -> Int {
        let log = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path + "-wal")))
        func word(_ offset: Int) -> UInt32 { log[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) } }
        let pageSize = Int(word(8))
        var commits = 0
        var frame = 32
        while frame + 24 + pageSize <= log.count {
            if word(frame + 8) == word(16), word(frame + 12) == word(20), word(frame + 4) != 0 { commits += 1 }
            frame += 24 + pageSize
        }
        return commits
    }

    @Test("writes run together commit once; each sees the writes before it; one that throws undoes only its own")
    func oneCommit() throws {
        let (database, path) = try scratchDatabase("group", migrations: migrations)
        defer { discard(database, at: path) }
        try database.write { try $0.execute("INSERT INTO items (name) VALUES ('before')") }
        let commitsBefore = try Self.commits(inLogOf: path)
        var seen: [Int] = []
        let outcomes = database.writeTogether(4) { index in
            switch index {
            case 0:
                _ = try? database.write { try $0.execute("INSERT INTO items (name) VALUES ('first')") }
            case 1:
                seen = (try? database.read { try $0.query("SELECT count(*) FROM items") { $0.int(0) } }) ?? []
                _ = try? database.write { try $0.execute("INSERT INTO items (name) VALUES ('second')") }
            case 2:
                _ = try? database.write { connection in
                    try connection.execute("INSERT INTO items (name) VALUES ('refused')")
                    throw Refused()
                }
            default:
                // A constraint violation undoes its own statement; the write goes on and keeps what follows.
                #expect(throws: SQLiteError.self) {
                    try database.write { try $0.execute("INSERT INTO items (name) VALUES ('first')") }
                }
                _ = try? database.write { try $0.execute("INSERT INTO items (name) VALUES ('fourth')") }
            }
        }
        #expect(outcomes.map { "\($0)" } == ["kept", "kept", "kept", "kept"])
        #expect(seen == [2], "the second write reads the first one's row before it is committed")
        #expect(try itemNames(database) == ["before", "first", "second", "fourth"])
        #expect(try Self.commits(inLogOf: path) == commitsBefore + 1)
    }

    @Test("when SQLite ends the group's transaction, the writes before are undone and the rest commit in a new one")
    func transactionEndedBySQLite() throws {
        let (database, path) = try scratchDatabase("group", migrations: migrations)
        defer { discard(database, at: path) }
        let outcomes = database.writeTogether(3) { index in
            switch index {
            case 0:
                _ = try? database.write { try $0.execute("INSERT INTO items (name) VALUES ('undone')") }
            case 1:
                // A full database (here: past max_page_count) makes SQLite roll the whole transaction back.
                #expect(throws: SQLiteError.self) {
                    try database.write { connection in
                        let pages = try connection.queryOne("PRAGMA page_count") { $0.int(0) } ?? 0
                        _ = try connection.execute("PRAGMA max_page_count = \(pages + 1)")
                        try connection.execute("INSERT INTO items (name, size) VALUES ('big', zeroblob(100000))")
                    }
                }
            default:
                _ = try? database.write { connection in
                    _ = try connection.execute("PRAGMA max_page_count = 1073741823")
                    try connection.execute("INSERT INTO items (name) VALUES ('after')")
                }
            }
        }
        #expect(outcomes.map { "\($0)".prefix(6) } == ["undone", "kept", "kept"])
        #expect(try itemNames(database) == ["after"])
    }

    @Test("on a closed database no write of a group runs; inside a group, what takes the writer for itself throws")
    func refusals() throws {
        let (database, path) = try scratchDatabase("group", migrations: migrations)
        defer { discard(database, at: path) }
        let snapshot = try database.snapshot()
        var errors: [String] = []
        let outcomes = database.writeTogether(2) { _ in
            for attempt in [
                { _ = try database.snapshot() }, { try database.restore(snapshot) },
                { try database.writeWithoutForeignKeyChecks { _ in } },
            ] as [() throws -> Void] {
                do { try attempt() } catch { errors.append("\(error)") }
            }
        }
        #expect(outcomes.map { "\($0)" } == ["kept", "kept"])
        #expect(errors.count == 6)
        #expect(errors.allSatisfy { $0.contains("not available inside a group of writes") })
        database.close()
        var ran = false
        #expect(database.writeTogether(2) { _ in ran = true }.map { "\($0)" } == ["notRun", "notRun"])
        #expect(!ran)
    }
}
