import CSQLite
import CSQLiteWALBatch
import Dispatch
import Glibc

/// One SQLite connection with its prepared-statement cache.
///
/// Not thread-safe by itself: ``Database`` hands it to one thread at a time under a `Mutex` (hence the unchecked
/// `Sendable`, which only lets it live inside those mutexes).
public final class Connection: @unchecked Sendable {
    /// Whether a statement is kept prepared for the next use of the same SQL text.
    public enum Caching: Sendable {
        /// Fixed SQL, run again and again: prepared once, kept (`SQLITE_PREPARE_PERSISTENT`), reset after each use.
        case cached
        /// SQL built at run time from a variable number of parts (a list of tags, of data filters): prepared for
        /// this one use and finalized, so that no combination stays in memory for good.
        case oneOff
    }

    /// The most statements kept prepared; past it the least recently used is finalized. The fixed SQL of the whole
    /// emulator fits with room to spare, so in practice this bound only catches SQL that should have been one-off.
    static let statementCacheCapacity = 256

    let handle: OpaquePointer
    private var statements: [String: CachedStatement] = [:]
    /// The same entries, found again without hashing their text (a few hundred bytes, hashed twice per statement
    /// before): the hot SQL is one string kept for good (a literal or a `static let`), so where its bytes live
    /// picks the slot; a text short enough to live inside its own value (`BEGIN`, `COMMIT`) has no lasting
    /// address, so its bytes pick it. A slot is only a guess: the text is compared before it is used. 512 slots
    /// for the hundred-odd statements of the emulator: with 64, two statements of one read could share a slot and
    /// push each other out, and then each of them was hashed on every request.
    private var recentStatements = [CachedStatement?](repeating: nil, count: 1 << Connection.recentSlotBits)
    private static let recentSlotBits = 9
    private var uses: UInt64 = 0
    /// Open transactions: 0 none, 1 the outer `BEGIN IMMEDIATE`, more for nested savepoints.
    private var transactionDepth = 0

    private final class CachedStatement {
        let sql: String
        let statement: OpaquePointer
        let columns: ColumnIndex
        var lastUse: UInt64

        init(sql: String, statement: OpaquePointer, columns: ColumnIndex, lastUse: UInt64) {
            self.sql = sql
            self.statement = statement
            self.columns = columns
            self.lastUse = lastUse
        }
    }

    private init(handle: OpaquePointer) { self.handle = handle }

    /// A scratch file this connection alone uses, deleted when it closes.
    private(set) var scratchPath: String?

    deinit {
        for cached in statements.values { sqlite3_finalize(cached.statement) }
        sqlite3_close_v2(handle)
        if let scratchPath { unlink(scratchPath) }
    }

    /// How many statements are kept prepared now.
    public var cachedStatementCount: Int { statements.count }

    /// The tables ``watch(tables:)`` named and whether a row of one changed; nil while nothing is watched. Kept
    /// alive by the connection for SQLite's hooks, which point at it.
    private var watched: WatchedTables?

    /// From now on, notes every row a statement of this connection inserts, updates or deletes in one of `tables`
    /// (SQLite's update hook: https://www.sqlite.org/c3ref/update_hook.html); ``takeWatchedChange()`` tells and
    /// forgets. A `DELETE` of a whole watched table is made to delete row by row, which the hook sees, through the
    /// authorizer's documented `SQLITE_IGNORE` (https://www.sqlite.org/c3ref/set_authorizer.html): SQLite's
    /// truncate optimization would skip the hook. Unseen by SQLite's design: pages copied in by ``copy(into:)``, rows
    /// of WITHOUT ROWID tables and rows a REPLACE conflict deletes; so watch no WITHOUT ROWID table and never
    /// `REPLACE` into a watched one. Call before preparing statements.
    public func watch(tables: Set<String>) {
        let watched = WatchedTables(names: tables)
        self.watched = watched
        let context = Unmanaged.passUnretained(watched).toOpaque()
        sqlite3_update_hook(
            handle,
            { context, _, _, table, _ in
                guard let context, let table else { return }
                let watched = Unmanaged<WatchedTables>.fromOpaque(context).takeUnretainedValue()
                if !watched.changed, watched.contains(table) { watched.changed = true }
            }, context)
        sqlite3_set_authorizer(
            handle,
            { context, action, table, _, _, _ in
                guard action == SQLITE_DELETE, let context, let table else { return SQLITE_OK }
                let watched = Unmanaged<WatchedTables>.fromOpaque(context).takeUnretainedValue()
                return watched.contains(table) ? SQLITE_IGNORE : SQLITE_OK
            }, context)
    }

    /// Whether a row of a watched table changed since the last call (or since ``watch(tables:)``), then forgets it.
    public func takeWatchedChange() -> Bool {
        guard let watched, watched.changed else { return false }
        watched.changed = false
        return true
    }

    /// Opens a connection the one way this project opens SQLite, then brings the schema up to date.
    ///
    /// Busy timeout first, write-ahead logging (verified), `synchronous=NORMAL`, foreign keys on, then every
    /// migration whose version is above `PRAGMA user_version`; a database whose version is above the last
    /// migration's is refused.
    /// - Parameters:
    ///   - path: a file path, or `:memory:` for a private in-memory database.
    ///   - migrations: the schema's SQL in order; migration `i` brings the schema to version `i + 1`.
    ///   - newDatabase: makes the image of a database holding what all the migrations build, at the last one's
    ///     version, copied in instead of running them when the database is new (no schema, version 0): the end state
    ///     without the steps, which for a new database are mostly tables made and then changed, and indexes made and
    ///     then dropped. Called only for a new database (an image is decoded from text: no work for an existing
    ///     one). The caller keeps it equal to what the migrations build.
    ///   - readOnly: open an existing database for reading only (no migrations, no journal-mode change; the
    ///     database must already be in write-ahead-logging mode): every write through it fails with
    ///     `SQLITE_READONLY`.
    /// - Throws: ``SQLiteError`` when the file cannot be opened, a migration fails, or the database is of a newer
    ///   schema than `migrations` make.
    public static func open(
        path: String, migrations: [String], newDatabase: (() throws -> DatabaseImage)? = nil, readOnly: Bool = false
    ) throws -> Connection {
        let connection = try opened(
            path, access: readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        sqlite3_busy_timeout(connection.handle, 5_000)
        // A reader only checks the mode the writer set; the writer sets it.
        let journalSQL = readOnly ? "PRAGMA journal_mode" : "PRAGMA journal_mode=WAL"
        let journalMode = try connection.queryOne(journalSQL) { $0.string(0) }
        let expected = path == ":memory:" ? "memory" : "wal"
        guard journalMode == expected else {
            throw SQLiteError(
                code: SQLITE_ERROR, message: "journal_mode is \(journalMode ?? "unknown"), expected \(expected)",
                sql: journalSQL)
        }
        if readOnly {
            // Readers map the file instead of copying each page they read into their own cache with a system call:
            // every reader shares the operating system's copy (BENCHMARKS.md, "Where the time goes").
            try connection.executeScript("PRAGMA mmap_size=\(readerMapBytes);")
            return connection
        }
        try connection.executeScript("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")
        try connection.migrate(migrations, newDatabase: newDatabase)
        return connection
    }

    /// How much of a database file each reader maps: enough for a few million contacts.
    static let readerMapBytes = 1 << 30

    /// SQLite's process-wide settings, made once before the first connection opens (SQLite ignores them after).
    /// Memory statistics off: this project never reads them, and keeping them costs a mutex shared by every thread
    /// on every allocation SQLite makes (BENCHMARKS.md, "Where the time goes").
    private static let processConfigured: Void = { _ = csqlite_disable_memory_statistics() }()

    /// The VFS every connection opens its files with: the default one, but a commit's write-ahead-log frames reach
    /// the file in one system call rather than two a page (`wal_batch.c` says why that is safe; BENCHMARKS.md, "Where
    /// the time goes", what it saves). Nil, the default VFS, should SQLite refuse to register it.
    private static let fileSystem: String? = wal_batch_vfs_name().map { String(cString: $0) }

    /// A connection to `path` opened with `access` (no mutex: ``Database`` serialises use; extended result codes).
    /// - Throws: ``SQLiteError`` when SQLite cannot open it.
    private static func opened(_ path: String, access: Int32) throws -> Connection {
        _ = processConfigured
        var handle: OpaquePointer?
        let result = sqlite3_open_v2(path, &handle, access | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, fileSystem)
        guard result == SQLITE_OK, let handle else {
            let error = SQLiteError(code: result, connection: handle, sql: nil)
            sqlite3_close_v2(handle)
            throw error
        }
        return Connection(handle: handle)
    }

    /// The schema version stored in the database header.
    public func schemaVersion() throws -> Int {
        try queryOne("PRAGMA user_version") { $0.int(0) } ?? 0
    }

    private func migrate(_ migrations: [String], newDatabase: (() throws -> DatabaseImage)?) throws {
        let current = try schemaVersion()
        // A newer build's database (a downgrade): this build does not know what its later migrations changed, and
        // its SQL could run slowly or wrongly against that schema (an index it relies on dropped).
        if !migrations.isEmpty, current > migrations.count {
            throw SQLiteError(
                code: SQLITE_ERROR,
                message: "its schema is version \(current), newer than this build's \(migrations.count): "
                    + "it was written by a newer release",
                sql: nil)
        }
        if current == 0, !migrations.isEmpty, let newDatabase,
            try queryOne("SELECT count(*) FROM sqlite_schema", [], { $0.int(0) }) == 0
        {
            try Connection.loaded(newDatabase()).copy(into: self)
            let version = try schemaVersion()
            guard version == migrations.count else {
                throw SQLiteError(
                    code: SQLITE_ERROR,
                    message: "the new database's image is of schema version \(version), not \(migrations.count)",
                    sql: nil)
            }
            return
        }
        for (index, sql) in migrations.enumerated() where index + 1 > current {
            try transaction {
                try executeScript(sql)
                try executeScript("PRAGMA user_version = \(index + 1)")
            }
        }
    }

    /// Copies this whole database into `destination`, replacing what it held, with SQLite's online backup.
    ///
    /// https://www.sqlite.org/backup.html — one step copies every page, so the copy is a consistent image.
    /// - Throws: ``SQLiteError`` when the destination is busy or the page sizes cannot be reconciled.
    public func copy(into destination: Connection) throws {
        guard let backup = sqlite3_backup_init(destination.handle, "main", handle, "main") else {
            throw SQLiteError(
                code: sqlite3_extended_errcode(destination.handle), connection: destination.handle, sql: nil)
        }
        let stepResult = sqlite3_backup_step(backup, -1)
        let finishResult = sqlite3_backup_finish(backup)
        guard stepResult == SQLITE_DONE, finishResult == SQLITE_OK else {
            throw SQLiteError(
                code: stepResult == SQLITE_DONE ? finishResult : stepResult, connection: destination.handle,
                sql: nil)
        }
    }

    /// A private copy of this database, for snapshots and resets, kept in a scratch file (``openScratch()``) so
    /// that a copy of a large store costs disk, not memory; in memory when no scratch file can be made (a read-only
    /// container without a writable temporary directory), as before scratch files.
    /// - Throws: ``SQLiteError`` when the copy fails.
    public func snapshot() throws -> Connection {
        let copy = try (try? Connection.openScratch()) ?? Connection.open(path: ":memory:", migrations: [])
        try self.copy(into: copy)
        return copy
    }

    private static let scratchPrefix = "reamaze-emulator-copy-"
    private static let scratchDirectory =
        getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"

    /// Deletes, once per process and on a thread of its own, the scratch files of processes that are gone (killed
    /// before they could close their copies): each file's name holds the id of the process that made it. Off the
    /// caller's path because it reads the whole temporary directory: 2 ms of the first copy, a start-up's, with the
    /// 4,800 entries of a build machine's /tmp. It never removes a file of a live process, this one's included.
    private static let abandonedScratchFilesSweep: Void = {
        DispatchQueue.global(qos: .utility).async { removeAbandonedScratchFiles() }
    }()

    /// Deletes the scratch files whose process is gone; returns how many.
    @discardableResult
    static func removeAbandonedScratchFiles() -> Int {
        guard let directory = opendir(scratchDirectory) else { return 0 }
        var removed = 0
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name.hasPrefix(scratchPrefix),
                let pid = pid_t(name.dropFirst(scratchPrefix.count).prefix { $0 != "-" }),
                kill(pid, 0) == -1, errno == ESRCH
            else { continue }
            if unlink("\(scratchDirectory)/\(name)") == 0 { removed += 1 }
        }
        return removed
    }

    /// A private database in a new temporary file (under `TMPDIR`, else `/tmp`), deleted when the connection
    /// closes, or by the next process to make one if this one is killed first. (Not unlinked while open: SQLite's
    /// Unix layer then fails with `SQLITE_IOERR_FSTAT`.) It is only ever written whole by the backup API and read
    /// whole, so it never syncs and its page cache is small: the operating system's file cache serves it. (A backup
    /// copies the source's header, and with it write-ahead logging: `-wal` and `-shm` files appear beside it, named
    /// like it, and go with it.)
    /// - Throws: ``SQLiteError`` when the file cannot be made or opened.
    static func openScratch() throws -> Connection {
        let directory = scratchDirectory
        _ = abandonedScratchFilesSweep
        var template = Array("\(directory)/\(scratchPrefix)\(getpid())-XXXXXX".utf8CString)
        let descriptor = mkstemp(&template)
        guard descriptor >= 0 else {
            throw SQLiteError(code: SQLITE_CANTOPEN, message: "cannot make a scratch file in \(directory)", sql: nil)
        }
        // Closed before SQLite opens the file: closing another descriptor of a file drops the process's POSIX locks
        // on it, SQLite's included.
        close(descriptor)
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let connection: Connection
        do {
            connection = try opened(path, access: SQLITE_OPEN_READWRITE)
        } catch {
            unlink(path)
            throw error
        }
        connection.scratchPath = path
        try connection.executeScript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-256;")
        return connection
    }

    /// Runs SQL text that may hold several statements and no parameters (schema, pragmas).
    public func executeScript(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let result = sqlite3_exec(handle, sql, nil, nil, &message)
        if result != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(result))
            sqlite3_free(message)
            throw SQLiteError(code: sqlite3_extended_errcode(handle), message: text, sql: sql)
        }
    }

    /// Runs one statement to completion with bound values.
    /// - Returns: the number of rows the statement changed.
    @discardableResult
    public func execute(_ sql: String, _ values: [any SQLiteBindable] = []) throws -> Int {
        try withStatement(sql, values) { statement, _ in
            while try step(statement, sql) {}
        }
        return Int(sqlite3_changes64(handle))
    }

    /// Runs an `INSERT` of one row and returns the new row's id.
    ///
    /// Write it without a `RETURNING` clause: the id is SQLite's last inserted rowid (the statement's own row, not
    /// one its triggers inserted). SQLite runs an insert with `RETURNING` as it runs one with a trigger, and inside
    /// a transaction that takes a statement journal: a copy of every page the insert touches, kept to undo that
    /// statement alone. A message insert cost 18.6 µs with `RETURNING id` and 8.5 µs without (Python's sqlite3 on
    /// this project's schema), and the demo data's start-up spent about a tenth of its instructions on those copies.
    /// - Throws: ``SQLiteError`` from SQLite, or `SQLITE_MISUSE` when the statement inserted no row, or several.
    public func insert(_ sql: String, _ values: [any SQLiteBindable] = []) throws -> Int {
        let inserted = try execute(sql, values)
        guard inserted == 1 else {
            throw SQLiteError(code: SQLITE_MISUSE, message: "the insert added \(inserted) rows, not one", sql: sql)
        }
        return Int(sqlite3_last_insert_rowid(handle))
    }

    /// Runs a query and maps every row.
    ///
    /// `query` and `queryOne` are inlinable so that every caller gets them specialized for its row type: unspecialized
    /// across the module boundary, each call had the Swift runtime look up the metadata of `[T]` or `T?` in its
    /// shared hash table (about nine look-ups and 4,000 instructions of a contact read).
    @inlinable
    public func query<T>(
        _ sql: String, _ values: [any SQLiteBindable] = [], caching: Caching = .cached, _ map: (Row) throws -> T
    ) throws -> [T] {
        try withStatement(sql, values, caching) { statement, row in
            var rows: [T] = []
            while try step(statement, sql) { rows.append(try map(row)) }
            return rows
        }
    }

    /// Runs a query and hands its rows to `body` one at a time until `body` returns false or the rows run out: for
    /// a walk along an index that stops at the first row it is looking for.
    public func scan(
        _ sql: String, _ values: [any SQLiteBindable] = [], caching: Caching = .cached, _ body: (Row) throws -> Bool
    ) throws {
        try withStatement(sql, values, caching) { statement, row in
            while try step(statement, sql), try body(row) {}
        }
    }

    /// Runs a query and maps its first row, if any.
    @inlinable
    public func queryOne<T>(
        _ sql: String, _ values: [any SQLiteBindable] = [], caching: Caching = .cached, _ map: (Row) throws -> T
    ) throws -> T? {
        try withStatement(sql, values, caching) { statement, row in
            try step(statement, sql) ? try map(row) : nil
        }
    }

    /// Runs `body` inside `BEGIN IMMEDIATE` … `COMMIT`; rolls back when it throws and rethrows the first error.
    /// A nested call runs in a savepoint of the open transaction: if it throws, only its own changes are undone,
    /// and the caller may catch the error and carry on.
    @discardableResult
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        let depth = transactionDepth
        // The outer transaction, on every write, uses fixed SQL; only a nested one names its savepoint.
        let savepoint = depth == 0 ? nil : "nested_\(depth)"
        try execute(savepoint.map { "SAVEPOINT \($0)" } ?? "BEGIN IMMEDIATE")
        transactionDepth += 1
        defer { transactionDepth = depth }
        do {
            let result = try body()
            try execute(savepoint.map { "RELEASE \($0)" } ?? "COMMIT")
            return result
        } catch {
            if let savepoint {
                _ = try? execute("ROLLBACK TO \(savepoint)")
                _ = try? execute("RELEASE \(savepoint)")
            } else {
                _ = try? execute("ROLLBACK")
            }
            throw error
        }
    }

    /// Whether a transaction is open: SQLite ends one by itself after some errors.
    var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// For a reader of a ``Database``: the log index's header when its open read transaction began, nil when it
    /// holds none. ``Database`` keeps a reader's transaction open from one read to the next while no commit has
    /// changed the header since.
    private var snapshotHeader: csqlite_log_header?

    /// The log index's header now; nil when the database has none (then no snapshot is kept).
    private var logHeader: csqlite_log_header? {
        var header = csqlite_log_header()
        return csqlite_read_log_header(handle, &header) == 0 ? nil : header
    }

    /// Whether a read transaction is held that a commit has made old (or whose age cannot be told).
    var holdsOldSnapshot: Bool {
        guard let held = snapshotHeader else { return isInTransaction }
        return logHeader.map { $0.words != held.words } ?? true
    }

    /// Keeps the read transaction held while no commit has been made since it began, or ends it and begins another.
    func holdSnapshot() throws {
        // The header is read before the snapshot begins (at the first statement): a commit in between is in the
        // snapshot, and the next read begins another for nothing, never the other way round.
        let now = logHeader
        // SQLite ends a transaction by itself after some errors: then a new one begins whatever the header says.
        if let now, let held = snapshotHeader, now.words == held.words, isInTransaction { return }
        endSnapshot()
        try execute("BEGIN")
        snapshotHeader = now
    }

    /// Ends the read transaction held, if any. (A read transaction has nothing to commit or undo: this cannot fail
    /// in a way that leaves it open.)
    func endSnapshot() {
        if isInTransaction { _ = try? execute("ROLLBACK") }
        snapshotHeader = nil
    }

    @usableFromInline
    func withStatement<T>(
        _ sql: String, _ values: [any SQLiteBindable], _ caching: Caching = .cached,
        _ body: (OpaquePointer, Row) throws -> T
    ) throws -> T {
        let (statement, columns) = try prepared(sql, caching)
        defer {
            if caching == .cached {
                sqlite3_reset(statement)
                sqlite3_clear_bindings(statement)
            } else {
                sqlite3_finalize(statement)
            }
        }
        for (index, value) in values.enumerated() {
            try bind(value.sqliteValue, at: Int32(index + 1), in: statement, sql)
        }
        // One `Row` serves every step: it reads whichever row the statement is on. Its cursor lives on this stack
        // frame, which outlives every use of the row (a row is valid only inside the closure that receives it).
        var nextColumn: Int32 = 0
        return try withUnsafeMutablePointer(to: &nextColumn) { cursor in
            try body(statement, Row(statement: statement, columns: columns, nextColumn: cursor))
        }
    }

    private func prepared(_ sql: String, _ caching: Caching) throws -> (OpaquePointer, ColumnIndex) {
        uses += 1
        guard caching == .cached else { return try prepare(sql, flags: 0) }
        let slot = Self.slot(of: sql)
        // Comparing the text is one pointer compare when it is the same string as the entry's, as it is for the
        // fixed SQL; a different text that happens to sit at the same address is caught here.
        if let recent = recentStatements[slot], recent.sql == sql {
            recent.lastUse = uses
            return (recent.statement, recent.columns)
        }
        if let cached = statements[sql] {
            cached.lastUse = uses
            recentStatements[slot] = cached
            return (cached.statement, cached.columns)
        }
        let (statement, columns) = try prepare(sql, flags: UInt32(SQLITE_PREPARE_PERSISTENT))
        if statements.count >= Self.statementCacheCapacity,
            let oldest = statements.min(by: { $0.value.lastUse < $1.value.lastUse })
        {
            sqlite3_finalize(oldest.value.statement)
            statements[oldest.key] = nil
            for index in recentStatements.indices where recentStatements[index] === oldest.value {
                recentStatements[index] = nil
            }
        }
        let cached = CachedStatement(sql: sql, statement: statement, columns: columns, lastUse: uses)
        statements[sql] = cached
        recentStatements[slot] = cached
        return (statement, columns)
    }

    private func prepare(_ sql: String, flags: UInt32) throws -> (OpaquePointer, ColumnIndex) {
        var statement: OpaquePointer?
        let result = sqlite3_prepare_v3(handle, sql, -1, flags, &statement, nil)
        guard result == SQLITE_OK, let statement else {
            throw SQLiteError(code: sqlite3_extended_errcode(handle), connection: handle, sql: sql)
        }
        return (statement, ColumnIndex(statement: statement))
    }

    /// The slot of ``recentStatements`` for `sql`: from the address of its UTF-8 bytes when they live in a buffer
    /// of their own, from the bytes themselves for a text of 15 bytes or fewer (stored inside the `String` value).
    private static func slot(of sql: String) -> Int {
        let key: UInt64
        if sql.utf8.count > 15,
            let address = sql.utf8.withContiguousStorageIfAvailable({ UInt(bitPattern: $0.baseAddress) })
        {
            key = UInt64(address)
        } else {
            // FNV-1a over the bytes: at most 15 of them for the SQL that gets here.
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            var text = sql
            text.withUTF8 { bytes in
                for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            }
            key = hash
        }
        // Fibonacci hashing: the high bits of the product mix every bit of the key, aligned addresses included.
        return Int(truncatingIfNeeded: (key &* 0x9e37_79b9_7f4a_7c15) >> (64 - recentSlotBits))
    }

    private func bind(_ value: SQLiteValue, at index: Int32, in statement: OpaquePointer, _ sql: String) throws {
        let result: Int32
        switch value {
        case .null: result = sqlite3_bind_null(statement, index)
        case .integer(let number): result = sqlite3_bind_int64(statement, index, number)
        case .real(let number): result = sqlite3_bind_double(statement, index, number)
        case .text(let text):
            // The length in bytes, not -1: a string may hold NUL characters, and all of it must be bound.
            result =
                text.utf8.withContiguousStorageIfAvailable { bytes in
                    bytes.withMemoryRebound(to: CChar.self) { chars in
                        sqlite3_bind_text(statement, index, chars.baseAddress, Int32(chars.count), csqlite_transient())
                    }
                } ?? sqlite3_bind_text(statement, index, text, Int32(text.utf8.count), csqlite_transient())
        }
        guard result == SQLITE_OK else { throw SQLiteError(code: result, connection: handle, sql: sql) }
    }

    @usableFromInline
    func step(_ statement: OpaquePointer, _ sql: String) throws -> Bool {
        switch sqlite3_step(statement) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw SQLiteError(code: sqlite3_extended_errcode(handle), connection: handle, sql: sql)
        }
    }
}

/// What ``Connection/watch(tables:)`` set up: the names, NUL-terminated for comparing with SQLite's, and the flag its
/// update hook raises. Used only by its connection's thread (under ``Database``'s lock), like the connection.
private final class WatchedTables: @unchecked Sendable {
    private let names: [[CChar]]
    var changed = false

    init(names: Set<String>) { self.names = names.map { Array($0.utf8CString) } }

    /// Whether `table` is one of the names, ignoring ASCII case as SQLite does.
    func contains(_ table: UnsafePointer<CChar>) -> Bool {
        names.contains { name in name.withUnsafeBufferPointer { strcasecmp($0.baseAddress!, table) == 0 } }
    }
}
