import Foundation
import Testing

@testable import SQLiteStore

private let migrations = [
    "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE) STRICT;",
    "ALTER TABLE items ADD COLUMN size INTEGER;",
]

@Suite struct SQLiteStoreTests {
    @Test("opening a file runs every migration once, in WAL mode with foreign keys on")
    func openAndMigrate() throws {
        let path = scratchDatabasePath("sqlite")
        defer { removeDatabaseFiles(at: path) }
        do {
            let connection = try Connection.open(path: path, migrations: Array(migrations.prefix(1)))
            #expect(try connection.schemaVersion() == 1)
            #expect(try connection.queryOne("PRAGMA journal_mode") { $0.string(0) } == "wal")
            #expect(try connection.queryOne("PRAGMA foreign_keys") { $0.int(0) } == 1)
            try connection.execute("INSERT INTO items (name) VALUES (?)", ["kept"])
        }
        let reopened = try Connection.open(path: path, migrations: migrations)
        #expect(try reopened.schemaVersion() == 2)
        #expect(
            try reopened.query("SELECT name, size FROM items") { ($0.string(0), $0.optionalInt(1)) }.map(\.0) == [
                "kept"
            ])
    }

    /// The image of a database with the two migrations' table written differently, to tell which of the two made it.
    static func image(version: Int = 2) throws -> (image: DatabaseImage, sql: String) {
        let sql = "CREATE TABLE items (\n  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, size INTEGER\n) STRICT"
        let made = try Connection.open(path: ":memory:", migrations: [])
        try made.executeScript("\(sql); PRAGMA user_version = \(version);")
        return (try made.image(), sql)
    }

    @Test("a new database, in memory or a file, is a copy of the image given for new ones; one with a schema migrates")
    func newDatabaseImage() throws {
        let (image, current) = try Self.image()
        let itemsSQL = "SELECT sql FROM sqlite_schema WHERE name = 'items'"
        let fresh = try Connection.open(path: ":memory:", migrations: migrations, newDatabase: { image })
        #expect(try fresh.schemaVersion() == 2)
        #expect(try fresh.queryOne(itemsSQL) { $0.string(0) } == current, "made from the image, not the migrations")

        let newFile = scratchDatabasePath("sqlite")
        defer { removeDatabaseFiles(at: newFile) }
        do {
            let connection = try Connection.open(path: newFile, migrations: migrations, newDatabase: { image })
            #expect(try connection.queryOne(itemsSQL) { $0.string(0) } == current)
            try connection.execute("INSERT INTO items (name) VALUES (?)", ["in the file"])
        }
        var imagesMade = 0
        let countingImages: () -> DatabaseImage = {
            imagesMade += 1
            return image
        }
        let file = try Connection.open(path: newFile, migrations: migrations, newDatabase: countingImages)
        #expect(imagesMade == 0, "no image is made for a database that has a schema")
        #expect(try file.queryOne("PRAGMA journal_mode") { $0.string(0) } == "wal")
        #expect(try file.query("SELECT name FROM items") { $0.string(0) } == ["in the file"])

        let path = scratchDatabasePath("sqlite")
        defer { removeDatabaseFiles(at: path) }
        do {
            let connection = try Connection.open(path: path, migrations: Array(migrations.prefix(1)))
            try connection.execute("INSERT INTO items (name) VALUES (?)", ["kept"])
        }
        let reopened = try Connection.open(path: path, migrations: migrations, newDatabase: { image })
        #expect(try reopened.schemaVersion() == 2)
        #expect(
            try reopened.queryOne(itemsSQL) { $0.string(0) }
                == "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, size INTEGER) STRICT",
            "altered by the second migration")
        #expect(try reopened.query("SELECT name FROM items") { $0.string(0) } == ["kept"])
    }

    @Test("an image of another schema version than the migrations make is refused")
    func imageOfAnotherVersion() throws {
        let (image, _) = try Self.image(version: 1)
        #expect(throws: SQLiteError.self) {
            try Connection.open(path: ":memory:", migrations: migrations, newDatabase: { image })
        }
    }

    @Test("an image's text gives back its bytes, zero runs and all; text it did not write is refused")
    func imageText() throws {
        let (image, _) = try Self.image()
        let text = image.encoded(lineLength: 40)
        #expect(text.split(separator: "\n").allSatisfy { $0.utf8.count <= 40 })
        #expect(text.utf8.count < image.bytes.count / 4, "zero runs are counted, not written")
        #expect(try DatabaseImage(encoded: text) == image)
        let odd = DatabaseImage(bytes: [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0])
        #expect(try DatabaseImage(encoded: odd.encoded()) == odd)
        for malformed in ["0", "Z12", "Z1x.", "zz", "0g"] {
            #expect(throws: SQLiteError.self) { try DatabaseImage(encoded: malformed) }
        }
    }

    @Test("a database of a newer schema than the migrations make is refused and left as it is")
    func newerSchemaRefused() throws {
        let path = scratchDatabasePath("sqlite")
        defer { removeDatabaseFiles(at: path) }
        do {
            let connection = try Connection.open(path: path, migrations: migrations)
            try connection.execute("INSERT INTO items (name, size) VALUES (?, ?)", ["kept", 3])
        }
        let refusal = #expect(throws: SQLiteError.self) {
            try Connection.open(path: path, migrations: Array(migrations.prefix(1)))
        }
        #expect(
            refusal?.message == "its schema is version 2, newer than this build's 1: it was written by a newer release")
        let reopened = try Connection.open(path: path, migrations: migrations)
        #expect(try reopened.schemaVersion() == 2)
        #expect(
            try reopened.query("SELECT name, size FROM items") { [$0.string(0), String($0.int(1))] } == [["kept", "3"]])
    }

    @Test(":memory: opens in memory journal mode")
    func inMemory() throws {
        let connection = try Connection.open(path: ":memory:", migrations: migrations)
        #expect(try connection.queryOne("PRAGMA journal_mode") { $0.string(0) } == "memory")
    }

    @Test("values are bound, never interpolated: quotes and SQL arrive as text")
    func bindings() throws {
        let connection = try Connection.open(path: ":memory:", migrations: migrations)
        let hostile = "x'); DROP TABLE items; --\u{0}and after a NUL"
        try connection.execute("INSERT INTO items (name, size) VALUES (?, ?)", [hostile, 3])
        try connection.execute("INSERT INTO items (name, size) VALUES (?, ?)", ["none", Int?.none])
        #expect(try connection.query("SELECT name FROM items ORDER BY id") { $0.string(0) } == [hostile, "none"])
        #expect(
            try connection.queryOne("SELECT size FROM items WHERE name = ?", ["none"]) { $0.optionalInt(0) }
                == .some(nil))
    }

    @Test(
        "an insert returns its own row's id, not one its trigger inserted; an enumeration column is read by its raw value, or refused"
    )
    func insertsAndEnumerations() throws {
        enum Size: Int {
            case small = 1
            case large = 2
        }
        let connection = try Connection.open(
            path: ":memory:",
            migrations: migrations + [
                """
                CREATE TABLE log (id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL) STRICT;
                INSERT INTO log (id, item_id) VALUES (1000, 0);
                CREATE TRIGGER log_items AFTER INSERT ON items BEGIN
                    INSERT INTO log (item_id) VALUES (new.id);
                END;
                """
            ])
        let first = try connection.insert("INSERT INTO items (name, size) VALUES (?, ?)", ["a", 2])
        let second = try connection.insert("INSERT INTO items (name, size) VALUES (?, ?)", ["b", 7])
        #expect(first == 1)
        #expect(second == first + 1)
        #expect(
            try connection.query("SELECT id, item_id FROM log WHERE item_id > 0") { [$0.int(0), $0.int(1)] } == [
                [1001, 1], [1002, 2],
            ])
        let size = { (id: Int) in
            try connection.queryOne("SELECT size FROM items WHERE id = ?", [id]) { try $0.int("size", as: Size.self) }
        }
        #expect(try size(first) == .large)
        #expect {
            try size(second)
        } throws: { error in
            (error as? SQLiteError)?.message == "size 7 is no Size"
        }
        #expect(throws: SQLiteError.self) {
            try connection.insert("INSERT INTO items (name) SELECT name FROM items WHERE 0")
        }
    }

    @Test("a transaction that throws leaves nothing behind and rethrows the first error")
    func rollback() throws {
        let database = try Database(path: ":memory:", migrations: migrations)
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try database.write { connection in
                try connection.execute("INSERT INTO items (name) VALUES ('a')")
                throw Boom()
            }
        }
        let count = try database.read { try $0.queryOne("SELECT count(*) FROM items") { $0.int(0) } }
        #expect(count == 0)
        _ = try database.write { try $0.execute("INSERT INTO items (name) VALUES ('b')") }
        #expect(try database.read { try $0.queryOne("SELECT count(*) FROM items") { $0.int(0) } } == 1)
    }

    @Test(
        "the watched tables' generation moves with their changes only, whole-table deletes and restores included",
        arguments: [":memory:", "file"])
    func watchedTablesGeneration(place: String) throws {
        let path = place == "file" ? scratchDatabasePath("sqlite") : place
        defer { if place == "file" { removeDatabaseFiles(at: path) } }
        let database = try Database(
            path: path, migrations: migrations + ["CREATE TABLE others (id INTEGER PRIMARY KEY, note TEXT) STRICT;"],
            watching: ["ITEMS"])
        var seen = database.watchedTablesGeneration
        /// Whether the generation moved since the last call.
        func moved() -> Bool {
            defer { seen = database.watchedTablesGeneration }
            return database.watchedTablesGeneration != seen
        }
        try database.write { try $0.execute("INSERT INTO others (note) VALUES ('x'), ('y')") }
        try database.write { try $0.execute("DELETE FROM others") }
        _ = try database.read { try $0.query("SELECT * FROM items") { $0.int(0) } }
        #expect(!moved(), "neither other tables nor reads")
        try database.write { try $0.execute("INSERT INTO items (name) VALUES ('a'), ('b'), ('c')") }
        #expect(moved(), "an insert")
        try database.write { try $0.execute("UPDATE items SET size = 2 WHERE name = 'a'") }
        #expect(moved(), "an update")
        try database.write { try $0.execute("UPDATE items SET size = 2 WHERE name = 'nobody'") }
        #expect(!moved(), "an update that matched no row")
        try database.write { try $0.execute("DELETE FROM items WHERE name = 'b'") }
        #expect(moved(), "a delete")
        let snapshot = try database.snapshot()
        // SQLite deletes a whole table without visiting its rows, unless told not to.
        #expect(try database.write { try $0.execute("DELETE FROM items") } == 2)
        #expect(moved(), "a whole-table delete")
        try database.restore(snapshot)
        #expect(moved(), "a restore")
        #expect(try database.read { try $0.queryOne("SELECT count(*) FROM items") { $0.int(0) } } == 2)
    }

    @Test("errors keep the extended code, the message and the SQL, but not the bound values")
    func errors() throws {
        let connection = try Connection.open(path: ":memory:", migrations: migrations)
        try connection.execute("INSERT INTO items (name) VALUES (?)", ["secret-value"])
        do {
            try connection.execute("INSERT INTO items (name) VALUES (?)", ["secret-value"])
            Issue.record("a duplicate must fail")
        } catch let error as SQLiteError {
            #expect(error.code == 2067)  // SQLITE_CONSTRAINT_UNIQUE
            #expect(error.isConstraintViolation)
            #expect(error.sql == "INSERT INTO items (name) VALUES (?)")
            #expect(!error.description.contains("secret-value"))
        }
        #expect(throws: SQLiteError.self) { try connection.execute("SELECT * FROM nowhere") }
    }

    @Test("a cached statement is reset and cleared between uses")
    func statementReuse() throws {
        let connection = try Connection.open(path: ":memory:", migrations: migrations)
        for index in 0..<100 {
            try connection.execute("INSERT INTO items (name, size) VALUES (?, ?)", ["n\(index)", index])
        }
        let first = try connection.queryOne("SELECT name FROM items WHERE size = ?", [5]) { $0.string(0) }
        let second = try connection.queryOne("SELECT name FROM items WHERE size = ?", [6]) { $0.string(0) }
        #expect(first == "n5")
        #expect(second == "n6")
    }

    @Test("many threads writing through one Database lose nothing")
    func concurrentWrites() async throws {
        let path = scratchDatabasePath("sqlite")
        defer { removeDatabaseFiles(at: path) }
        let database = try Database(path: path, migrations: migrations)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for index in 0..<50 {
                        _ = try database.write {
                            try $0.execute("INSERT INTO items (name) VALUES (?)", ["\(worker)-\(index)"])
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try database.read { try $0.queryOne("SELECT count(*) FROM items") { $0.int(0) } } == 400)
        database.close()
        #expect(throws: SQLiteError.self) { try database.read { _ in 0 } }
    }

    @Test("a snapshot restores a WAL file database to the copied state")
    func snapshots() throws {
        let path = scratchDatabasePath("sqlite")
        defer { removeDatabaseFiles(at: path) }
        let database = try Database(path: path, migrations: migrations)
        _ = try database.write { try $0.execute("INSERT INTO items (name) VALUES ('before')") }
        let snapshot = try database.snapshot()
        #expect(snapshot.sizeInBytes > 0)
        _ = try database.write { try $0.execute("INSERT INTO items (name) VALUES ('after')") }
        try database.restore(snapshot)
        #expect(try database.read { try $0.query("SELECT name FROM items") { $0.string(0) } } == ["before"])
        #expect(try database.read { try $0.schemaVersion() } == 2, "the schema and its version stay")
        _ = try database.write { try $0.execute("INSERT INTO items (name) VALUES ('again')") }
        #expect(try database.read { try $0.queryOne("PRAGMA integrity_check") { $0.string(0) } } == "ok")
    }

    @Test("a commit never checkpoints the log itself: a checkpoint runs in the background and copies it to the file")
    func backgroundCheckpoints() async throws {
        let path = scratchDatabasePath("sqlite")
        defer { removeDatabaseFiles(at: path) }
        let database = try Database(path: path, migrations: migrations)
        defer { database.close() }
        #expect(try database.write { try $0.queryOne("PRAGMA wal_autocheckpoint") { $0.int(0) } } == 0)
        // About 1,200 pages of 4 KiB in one commit: past the threshold.
        _ = try database.write { connection in
            for index in 0..<1_200 {
                try connection.execute(
                    "INSERT INTO items (name) VALUES (?)", ["\(index)-" + String(repeating: "x", count: 4_000)])
            }
        }
        var waited = 0
        while database.backgroundCheckpoints == 0, waited < 1_000 {
            try await Task.sleep(for: .milliseconds(10))
            waited += 1
        }
        #expect(database.backgroundCheckpoints >= 1)
        // The checkpoint copied the log into the database file, which held a few pages before.
        let fileSize = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(fileSize > 1_200 * 4_000)
        #expect(try database.read { try $0.queryOne("SELECT count(*) FROM items") { $0.int(0) } } == 1_200)
    }

    @Test(
        "under writes that never pause, a read after each or not, the log starts again: within a few catch-up sizes",
        .serialized, arguments: [false, true])
    func logBoundedUnderSustainedWrites(readingAfterEach: Bool) throws {
        let path = scratchDatabasePath("sqlite")
        defer { removeDatabaseFiles(at: path) }
        let database = try Database(path: path, migrations: migrations)
        defer { database.close() }
        // 20,000 commits of about two pages each, back to back: 40,000 pages (160 MiB) of log if it never restarts.
        // The log starts again only at a write that begins with no reader on a snapshot in it: a reader keeps its
        // snapshot after a read, until the next write. (One case at a time: run at once, beside the other suites,
        // the writes-only case failed once in six runs of the whole suite.)
        let filler = String(repeating: "x", count: 6_000)
        for index in 0..<20_000 {
            try database.write { try $0.execute("INSERT INTO items (name) VALUES (?)", ["\(index)-\(filler)"]) }
            if readingAfterEach {
                #expect(try database.read { try $0.queryOne("SELECT max(id) FROM items") { $0.int(0) } } == index + 1)
            }
        }
        let logBytes = try #require(try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int)
        // The log passes the catch-up size by what the writer appends while a background checkpoint still runs.
        let mostPages = 4 * Int(Checkpointer.catchUpPages)
        #expect(logBytes <= mostPages * (4_096 + 24), "the log reached \(logBytes / (4_096 + 24)) pages")
        #expect(try database.read { try $0.queryOne("SELECT count(*) FROM items") { $0.int(0) } } == 20_000)
    }

    @Test(
        "under small writes that never pause, a checkpoint runs once the log has grown by a step, not after every commit"
    )
    func checkpointsPerStepOfGrowth() throws {
        let path = scratchDatabasePath("sqlite")
        defer { removeDatabaseFiles(at: path) }
        let database = try Database(path: path, migrations: migrations)
        defer { database.close() }
        // 20,000 commits of a short row: a table page and an index page each, about 40,000 pages of log. Every
        // checkpoint walks the whole log; scheduled after every commit past the threshold, 20,000 commits ran 279
        // of them (one each time the one before had finished).
        for index in 0..<20_000 {
            try database.write { try $0.execute("INSERT INTO items (name) VALUES (?)", ["item \(index)"]) }
        }
        #expect(database.backgroundCheckpoints <= 40_000 / Int(Checkpointer.stepPages) + 10)
        #expect(try database.read { try $0.queryOne("SELECT count(*) FROM items") { $0.int(0) } } == 20_000)
    }

    @Test("reads of a file database run on their own connections and see every committed write, never a half one")
    func parallelReads() async throws {
        let path = scratchDatabasePath("sqlite")
        defer { removeDatabaseFiles(at: path) }
        let database = try Database(path: path, migrations: migrations)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for index in 0..<200 {
                    try database.write { connection in
                        // Two rows per transaction: a reader sees both or neither.
                        try connection.execute("INSERT INTO items (name) VALUES (?)", ["a\(index)"])
                        try connection.execute("INSERT INTO items (name) VALUES (?)", ["b\(index)"])
                    }
                }
            }
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<200 {
                        let count =
                            try database.read { try $0.queryOne("SELECT count(*) FROM items") { $0.int(0) } } ?? -1
                        #expect(count % 2 == 0)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try database.read { try $0.queryOne("SELECT count(*) FROM items") { $0.int(0) } } == 400)
        database.close()
        #expect(throws: SQLiteError.self) { try database.read { _ in 0 } }
    }

    @Test("a read sees every write finished before it, as a file or in memory, though a reader keeps its snapshot")
    func readsSeeEveryFinishedWrite() throws {
        for onFile in [true, false] {
            let path = onFile ? scratchDatabasePath("sqlite") : ":memory:"
            defer { if onFile { removeDatabaseFiles(at: path) } }
            let database = try Database(path: path, migrations: migrations)
            defer { database.close() }
            // One reader serves these reads one after another, keeping its snapshot from one to the next: were it
            // kept across a commit, the counts would stop moving.
            for count in 1...3 {
                try database.write { try $0.execute("INSERT INTO items (name) VALUES (?)", ["item \(count)"]) }
                for _ in 0..<2 {
                    #expect(try database.read { try $0.queryOne("SELECT count(*) FROM items") { $0.int(0) } } == count)
                }
            }
            // On a file, a write made while a read runs is seen by the next read, not by the running one. (In memory
            // a read holds the writer: a write inside it would wait for itself.)
            if onFile {
                let during = try database.read { connection in
                    try database.write { try $0.execute("INSERT INTO items (name) VALUES ('during')") }
                    return try connection.queryOne("SELECT count(*) FROM items") { $0.int(0) }
                }
                #expect(during == 3)
            } else {
                try database.write { try $0.execute("INSERT INTO items (name) VALUES ('during')") }
            }
            #expect(try database.read { try $0.queryOne("SELECT count(*) FROM items") { $0.int(0) } } == 4)
            // A read that fails (here it tries to write) leaves the next read undisturbed.
            #expect(throws: SQLiteError.self) {
                try database.read { try $0.execute("INSERT INTO items (name) VALUES ('never')") }
            }
            #expect(try database.read { try $0.queryOne("SELECT count(*) FROM items") { $0.int(0) } } == 4)
        }
    }

    @Test("no reader keeps a snapshot older than the last write: a checkpoint copies the whole log")
    func readersGiveUpOldSnapshots() throws {
        let (database, path) = try scratchDatabase("sqlite", migrations: migrations)
        defer { discard(database, at: path) }
        let outsider = try Connection.open(path: path, migrations: [])
        /// A passive checkpoint from a connection of its own: whether it copied every frame of the log. It copies
        /// none past the oldest snapshot a reader holds.
        func checkpointCopiesAll() throws -> Bool {
            let (log, copied) = try #require(
                try outsider.queryOne("PRAGMA wal_checkpoint(PASSIVE)") { ($0.int(1), $0.int(2)) })
            return log > 0 && copied == log
        }
        try database.write { try $0.execute("INSERT INTO items (name) VALUES ('first')") }
        // An idle reader holding a snapshot from before a write gives it up before that write begins.
        _ = try database.read { try $0.queryOne("SELECT count(*) FROM items") { $0.int(0) } }
        try database.write { try $0.execute("INSERT INTO items (name) VALUES ('second')") }
        #expect(try checkpointCopiesAll())
        // A reader that was reading while a write committed gives its snapshot up when it is given back.
        _ = try database.read { connection in
            _ = try connection.queryOne("SELECT count(*) FROM items") { $0.int(0) }
            try database.write { try $0.execute("INSERT INTO items (name) VALUES ('third')") }
        }
        #expect(try checkpointCopiesAll())
        // A reader given back while a write runs, before it commits, gives its snapshot up once the write is done.
        try database.write { connection in
            _ = try database.read { try $0.queryOne("SELECT count(*) FROM items") { $0.int(0) } }
            try connection.execute("INSERT INTO items (name) VALUES ('fourth')")
        }
        #expect(try checkpointCopiesAll())
        #expect(try database.read { try $0.queryOne("SELECT count(*) FROM items") { $0.int(0) } } == 4)
    }

    @Test("a row another connection writes into the file is seen by the next read, though a reader keeps its snapshot")
    func writesOfOthersSeen() throws {
        let (database, path) = try scratchDatabase("sqlite", migrations: migrations)
        defer { discard(database, at: path) }
        let count = { try database.read { try $0.queryOne("SELECT count(*) FROM items") { $0.int(0) } } }
        #expect(try count() == 0)
        let outsider = try Connection.open(path: path, migrations: [])
        try outsider.execute("INSERT INTO items (name) VALUES ('from outside')")
        #expect(try count() == 1)
        try outsider.execute("DELETE FROM items")
        #expect(try count() == 0)
    }

    @Test(
        "a read can never write: a read-only connection for a file, query_only for :memory:", arguments: [true, false])
    func readsCannotWrite(onFile: Bool) throws {
        let path = onFile ? scratchDatabasePath("sqlite") : ":memory:"
        defer { if onFile { removeDatabaseFiles(at: path) } }
        let database = try Database(path: path, migrations: migrations)
        #expect {
            try database.read { try $0.execute("INSERT INTO items (name) VALUES ('sneaky')") }
        } throws: { error in
            (error as? SQLiteError).map { $0.code & 0xff == 8 } ?? false  // SQLITE_READONLY
        }
        try database.write { try $0.execute("INSERT INTO items (name) VALUES ('written')") }
        #expect(try database.read { try $0.query("SELECT name FROM items") { $0.string(0) } } == ["written"])
    }

    @Test("a nested transaction is a savepoint: when it throws, only its own changes are undone")
    func savepoints() throws {
        let database = try Database(path: ":memory:", migrations: migrations)
        struct Refused: Error {}
        try database.write { connection in
            try connection.execute("INSERT INTO items (name) VALUES ('outer')")
            do {
                try connection.transaction {
                    try connection.execute("INSERT INTO items (name) VALUES ('inner')")
                    throw Refused()
                }
            } catch is Refused {}
            try connection.transaction {
                try connection.execute("INSERT INTO items (name) VALUES ('second inner')")
            }
        }
        let names = try database.read { try $0.query("SELECT name FROM items ORDER BY id") { $0.string(0) } }
        #expect(names == ["outer", "second inner"])
        #expect(throws: Refused.self) {
            try database.write { connection in
                try connection.execute("INSERT INTO items (name) VALUES ('gone')")
                try connection.transaction { try connection.execute("INSERT INTO items (name) VALUES ('gone too')") }
                throw Refused()
            }
        }
        #expect(try database.read { try $0.queryOne("SELECT count(*) FROM items") { $0.int(0) } } == 2)
    }

    @Test("fixed SQL stays prepared; one-off SQL is finalized after use; the cache never grows past its bound")
    func statementCache() throws {
        let connection = try Connection.open(path: ":memory:", migrations: migrations)
        let before = connection.cachedStatementCount
        for count in 1...20 {
            let marks = Array(repeating: "?", count: count).joined(separator: ", ")
            _ = try connection.query(
                "SELECT name FROM items WHERE name IN (\(marks))", Array(repeating: "x", count: count),
                caching: .oneOff
            ) { $0.string(0) }
        }
        #expect(connection.cachedStatementCount == before)
        for _ in 0..<3 { _ = try connection.queryOne("SELECT count(*) FROM items") { $0.int(0) } }
        #expect(connection.cachedStatementCount == before + 1)
        for index in 0..<1_000 { _ = try connection.queryOne("SELECT \(index)") { $0.int(0) } }
        #expect(connection.cachedStatementCount <= 256)
        #expect(
            try connection.queryOne("SELECT count(*) FROM items") { $0.int(0) } == 0, "an evicted one prepares again")
    }

    @Test(
        "a cached statement is found by its text wherever the text lives: texts built anew, freed and built again run their own SQL"
    )
    func statementCacheByText() throws {
        let connection = try Connection.open(path: ":memory:", migrations: migrations)
        // Each text is freed after its use, so the next one (of the same length) often lands at the same address.
        for index in 0..<2_000 {
            let sql = "SELECT \(index % 300) AS value_long_enough_to_live_on_the_heap"
            #expect(try connection.queryOne(sql) { $0.int(0) } == index % 300)
        }
        for index in 0..<50 {
            let copy = String(decoding: Array("SELECT count(*) FROM items WHERE name <> 'x'".utf8), as: UTF8.self)
            #expect(
                try connection.queryOne(index % 2 == 0 ? copy : "SELECT 7 AS seven_from_a_literal_text") {
                    $0.int(0)
                } == (index % 2 == 0 ? 0 : 7))
        }
    }

    @Test("rows read by column name; a misspelt name or a NULL where a value is required is an error naming it")
    func columnsByName() throws {
        let connection = try Connection.open(path: ":memory:", migrations: migrations)
        try connection.execute("INSERT INTO items (name, size) VALUES ('a', NULL), ('b', 7)")
        let rows = try connection.query("SELECT id, name, size, size * 2 AS doubled FROM items ORDER BY id") { row in
            (try row.string("name"), try row.optionalInt("size"), try row.optionalInt("doubled"))
        }
        #expect(rows.map(\.0) == ["a", "b"])
        #expect(rows.map(\.1) == [nil, 7])
        #expect(rows.map(\.2) == [nil, 14])
        #expect {
            try connection.query("SELECT name FROM items") { try $0.string("nmae") }
        } throws: { error in
            (error as? SQLiteError)?.message == "no column named nmae"
        }
        #expect {
            try connection.query("SELECT size FROM items ORDER BY id") { try $0.int("size") }
        } throws: { error in
            (error as? SQLiteError)?.message == "column size is NULL"
        }
    }

    @Test("a column name finds its column in any reading order, and a repeated name finds the first of its columns")
    func columnsByNameInAnyOrder() throws {
        let connection = try Connection.open(path: ":memory:", migrations: migrations)
        try connection.execute("INSERT INTO items (name, size) VALUES ('a', 1), ('b', 2)")
        let backwards = try connection.query("SELECT id, name, size FROM items ORDER BY id") { row in
            [try row.string("size"), try row.string("name"), try row.string("id"), try row.string("name")]
        }
        #expect(backwards == [["1", "a", "1", "a"], ["2", "b", "2", "b"]])
        // A read leaves the column after it as the first place the next one looks: after `name` that is the second
        // `size`. The answer is still the first `size`, and the first `name` after it.
        let repeated = try connection.query(
            "SELECT size, name, size * 10 AS size, 'other' AS name FROM items ORDER BY id"
        ) { row in
            [try row.string("size"), try row.string("name"), try row.string("size"), try row.string("name")]
        }
        #expect(repeated == [["1", "a", "1", "a"], ["2", "b", "2", "b"]])
    }
}

/// Copies for resets and snapshots live in scratch files, not in memory, and never outlive their process.
@Suite struct ScratchCopyTests {
    private static var directory: String {
        ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    }

    @Test("a snapshot is a file of the database's size, deleted when the snapshot is released")
    func snapshotIsAFile() throws {
        let path = scratchDatabasePath("sqlite")
        defer { removeDatabaseFiles(at: path) }
        let database = try Database(path: path, migrations: migrations)
        try database.write { try $0.execute("INSERT INTO items (name) VALUES ('a')") }
        var snapshot: Snapshot? = try database.snapshot()
        let file = try #require(snapshot?.connection.scratchPath)
        #expect(file.hasPrefix("\(Self.directory)/reamaze-emulator-copy-\(getpid())-"))
        let size = try FileManager.default.attributesOfItem(atPath: file)[.size]
        #expect((size as? Int) == snapshot?.sizeInBytes)
        #expect((snapshot?.sizeInBytes ?? 0) > 0)
        try database.write { try $0.execute("DELETE FROM items") }
        try database.restore(try #require(snapshot))
        #expect(try database.read { try $0.queryOne("SELECT count(*) FROM items") { $0.int(0) } } == 1)
        snapshot = nil
        #expect(!FileManager.default.fileExists(atPath: file))
    }

    @Test("scratch files of processes that are gone are deleted; a live process's are kept")
    func abandonedFilesAreRemoved() throws {
        // No process has this id: it is above every Linux pid_max.
        let abandoned = "\(Self.directory)/reamaze-emulator-copy-2147483646-test"
        let live = "\(Self.directory)/reamaze-emulator-copy-\(getpid())-test"
        for path in [abandoned, live] { #expect(FileManager.default.createFile(atPath: path, contents: Data([1]))) }
        defer { try? FileManager.default.removeItem(atPath: live) }
        // Another test making its first copy may run the same sweep at the same moment: the count is not checked.
        Connection.removeAbandonedScratchFiles()
        #expect(!FileManager.default.fileExists(atPath: abandoned))
        #expect(FileManager.default.fileExists(atPath: live))
    }
}
