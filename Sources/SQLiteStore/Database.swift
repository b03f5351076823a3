import Glibc
import Synchronization

/// A database shared by many threads: one writer connection used by one thread at a time and, for a file, a pool of
/// read-only connections that read in parallel (write-ahead logging lets readers run beside the writer).
///
/// A reader keeps its read transaction (its snapshot) from one read to the next until a commit has been made, by
/// this database's writer or any other connection: the `BEGIN`, the log's read lock (two `fcntl` calls and an
/// `fstat`) and the `COMMIT` of every read were about a fifth of a contact read's time (bench/analysis.md). Each
/// read compares the log index's header, which every commit changes, with the one its reader's snapshot began
/// under. An idle reader on an old snapshot would keep checkpoints from copying the log past it and the log from
/// starting again, so the idle readers give up their snapshots before the writer begins and once it is done, and a
/// reader given back with an old snapshot gives it up then.
///
/// Measured on this project's machines, one guarded writer keeps p99 low where per-thread writers make SQLite's busy
/// back-off sleep for milliseconds. An in-memory database is private to its connection, so there the writer serves
/// reads too, switched to `query_only` for the duration: a read can never write, whatever the database.
public final class Database: Sendable {
    /// The writer, or nil once closed.
    private let writer: Mutex<Connection?>
    private let readers = Mutex(ReaderPool())
    private let path: String
    private let readsInParallel: Bool
    private let generation = Atomic<UInt64>(0)
    /// Runs a file database's checkpoints off the writer's path; nil for an in-memory database, which has no log.
    private let checkpointer: Checkpointer?
    /// The thread running a group of writes (``writeTogether(_:_:)``), 0 when none: its `write` and `read` calls
    /// run inside the group's transaction, on the writer it holds.
    private let groupThread = Atomic<UInt>(0)
    private let group = GroupWriter()

    /// The writer while a group runs; only the group's thread (``groupThread``) reads it.
    private final class GroupWriter: @unchecked Sendable {
        var connection: Connection?
    }

    /// A number that changes once a write that changed a row of a watched table (see
    /// ``init(path:migrations:newDatabase:watching:)``) has finished, committed or not, and after every
    /// restore, for caches of what those tables hold: a value read when the generation was `g` is current while the
    /// generation is `g`. Read the generation before reading the value, so that a write in between makes the value
    /// look stale, never the other way round. Writes to other tables leave it alone, so such a cache outlives them.
    public var watchedTablesGeneration: UInt64 { generation.load(ordering: .acquiring) }

    private struct ReaderPool {
        var idle: [Connection] = []
        var closed = false
    }

    /// Opens the database at `path` (or `:memory:`) and runs the migrations (for a new database, copies the image
    /// `newDatabase` makes instead, when given: see ``Connection/open(path:migrations:newDatabase:readOnly:)``).
    /// - Parameter watching: the tables whose changes move ``watchedTablesGeneration`` on (rowid tables only).
    /// - Throws: ``SQLiteError`` when opening or migrating fails.
    public init(
        path: String, migrations: [String], newDatabase: (() throws -> DatabaseImage)? = nil,
        watching watchedTables: Set<String> = []
    ) throws {
        let connection = try Connection.open(path: path, migrations: migrations, newDatabase: newDatabase)
        connection.watch(tables: watchedTables)
        self.path = path
        readsInParallel = path != ":memory:" && !path.isEmpty
        checkpointer = readsInParallel ? Checkpointer(path: path) : nil
        if let checkpointer { connection.delegateCheckpoints(to: checkpointer) }
        writer = Mutex(connection)
    }

    /// How many checkpoints of the write-ahead log have run in the background (always 0 in memory).
    public var backgroundCheckpoints: Int { checkpointer?.completedCount ?? 0 }

    /// Runs `body` on a read-only connection: for a file, a reader in a read transaction that has seen every commit
    /// made before the call (the one it kept since the last commit, see above); in memory, the writer in
    /// `query_only` mode, under its lock. Every statement in it sees the same committed state, and none can write.
    /// On the thread of a group of writes (``writeTogether(_:_:)``) it runs on the group's writer, `query_only` too,
    /// and sees what the group's earlier writes wrote, not yet committed.
    /// - Throws: ``SQLiteError`` from the body (`SQLITE_READONLY` for a write), or when the database was closed.
    public func read<T>(_ body: (Connection) throws -> T) throws -> T {
        if let connection = groupConnection() { return try Self.readOnly(connection, body) }
        guard readsInParallel else { return try withWriter { connection in try Self.readOnly(connection, body) } }
        let reader = try checkOutReader()
        defer { checkIn(reader) }
        try reader.holdSnapshot()
        return try body(reader)
    }

    /// `body` on the writer, which it cannot write through meanwhile.
    private static func readOnly<T>(_ connection: Connection, _ body: (Connection) throws -> T) throws -> T {
        try connection.execute("PRAGMA query_only = 1")
        defer { _ = try? connection.execute("PRAGMA query_only = 0") }
        return try body(connection)
    }

    private func checkOutReader() throws -> Connection {
        let idle = try readers.withLock { pool -> Connection? in
            if pool.closed { throw SQLiteError.closed }
            return pool.idle.popLast()
        }
        return try idle ?? Connection.open(path: path, migrations: [], readOnly: true)
    }

    /// Gives a reader back; its snapshot goes if a commit made it old. (Told under the pool's lock, under which the
    /// writer ends the idle readers' snapshots once it is done: a snapshot made old by its commit is either ended
    /// there or found old here.)
    private func checkIn(_ reader: Connection) {
        readers.withLock { pool in
            if reader.holdsOldSnapshot { reader.endSnapshot() }
            if !pool.closed { pool.idle.append(reader) }
        }
    }

    /// Ends every idle reader's snapshot: before the writer begins, so that none keeps the log from starting again
    /// at this write, and once it is done, so that none made old by it keeps a checkpoint from copying past it.
    private func releaseIdleSnapshots() {
        guard readsInParallel else { return }
        readers.withLock { pool in
            for reader in pool.idle { reader.endSnapshot() }
        }
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction; nothing it wrote stays if it throws. Within a group of
    /// writes (``writeTogether(_:_:)``), on the group's thread, it runs in a savepoint of the group's transaction.
    /// - Throws: the first error `body` or the commit threw.
    @discardableResult
    public func write<T>(_ body: (Connection) throws -> T) throws -> T {
        if let connection = groupConnection() { return try connection.transaction { try body(connection) } }
        return try withWriter { connection in try connection.transaction { try body(connection) } }
    }

    /// What became of one write of a group run by ``writeTogether(_:_:)``.
    public enum GroupedWrite: Sendable {
        /// Its answer stands: what it wrote is committed (or it wrote nothing, or it answered the error that ended
        /// the transaction).
        case kept
        /// It ran, but what it wrote was undone with the group's transaction, for this reason.
        case undone(any Error)
        /// It did not run: the group's transaction could not begin. Run it alone.
        case notRun
    }

    /// Runs `count` writes, `run(0)` to `run(count - 1)` in order on this thread, in one transaction committed once:
    /// each `write` they call is a savepoint of it (a write that throws undoes only its own changes) and each `read`
    /// sees what the writes before it wrote. A commit writes every page the transaction changed to the log once, so
    /// writes committed together share the pages they both change (indexes, the tables' last pages).
    ///
    /// When SQLite ends the transaction by itself (it rolls back on some errors, such as a full disk), the writes
    /// run before in the group are undone (``GroupedWrite/undone(_:)``), the write that was running keeps what it
    /// answered, and the rest start a new transaction. Nothing else may use the database from the writes' thread
    /// meanwhile: ``snapshot()``, ``restore(_:)`` and ``writeWithoutForeignKeyChecks(_:)`` throw there.
    /// - Returns: each write's outcome, in order.
    public func writeTogether(_ count: Int, _ run: (Int) -> Void) -> [GroupedWrite] {
        var outcomes = [GroupedWrite](repeating: .notRun, count: count)
        try? withWriter { connection in
            var next = 0
            while next < count {
                let first = next
                do {
                    try connection.transaction {
                        group.connection = connection
                        groupThread.store(UInt(pthread_self()), ordering: .relaxed)
                        defer {
                            groupThread.store(0, ordering: .relaxed)
                            group.connection = nil
                        }
                        while next < count {
                            run(next)
                            next += 1
                            if !connection.isInTransaction { throw SQLiteError.transactionEnded }
                        }
                    }
                    for index in first..<next { outcomes[index] = .kept }
                } catch {
                    if next == first { return }  // The transaction did not begin: the rest run alone.
                    let ended = (error as? SQLiteError)?.code == SQLiteError.transactionEnded.code
                    for index in first..<next { outcomes[index] = .undone(error) }
                    // The write that was running when the transaction ended saw its own error and answered it.
                    if ended { outcomes[next - 1] = .kept }
                }
            }
        }
        return outcomes
    }

    /// The writer, when this thread runs a group of writes.
    private func groupConnection() -> Connection? {
        groupThread.load(ordering: .relaxed) == UInt(pthread_self()) ? group.connection : nil
    }

    /// A consistent copy of the whole database, kept in a scratch file until released (in memory when no scratch
    /// file can be made).
    /// - Throws: ``SQLiteError`` when the copy fails.
    public func snapshot() throws -> Snapshot {
        Snapshot(connection: try withWriter { try $0.snapshot() })
    }

    /// Replaces the whole database with a snapshot's content, in one step that no request observes half done.
    /// - Throws: ``SQLiteError`` when the copy fails; the database is then unchanged.
    public func restore(_ snapshot: Snapshot) throws {
        try withWriter(restoring: true) { connection in try snapshot.connection.copy(into: connection) }
    }

    /// Like ``write(_:)`` with foreign keys not enforced, for bulk deletes that remove children before parents
    /// themselves: SQLite then skips a child lookup per deleted row. The body must leave no dangling reference.
    /// - Throws: the first error `body` or the commit threw.
    @discardableResult
    public func writeWithoutForeignKeyChecks<T>(_ body: (Connection) throws -> T) throws -> T {
        try withWriter { connection in
            // The pragma is a no-op inside a transaction, so it is switched around it, under the lock.
            try connection.executeScript("PRAGMA foreign_keys=OFF;")
            defer { try? connection.executeScript("PRAGMA foreign_keys=ON;") }
            return try connection.transaction { try body(connection) }
        }
    }

    /// Closes the connections; later calls throw.
    public func close() {
        readers.withLock { pool in
            pool.closed = true
            pool.idle.removeAll()
        }
        writer.withLock { $0 = nil }
        checkpointer?.close()
    }

    /// Runs `body` on the writer under its lock, the idle readers' snapshots ended before it begins and once it is
    /// done. When it changed a row of a watched table, or `restoring` (a copy of pages, which no hook sees), the
    /// generation moves on once it is done, still under the lock.
    private func withWriter<T>(restoring: Bool = false, _ body: (Connection) throws -> T) throws -> T {
        // The group's thread holds the lock already; taking it again would never return.
        if groupConnection() != nil { throw SQLiteError.insideGroup }
        return try writer.withLock { connection in
            guard let connection else { throw SQLiteError.closed }
            releaseIdleSnapshots()
            defer {
                if connection.takeWatchedChange() || restoring { generation.add(1, ordering: .releasing) }
                releaseIdleSnapshots()
            }
            return try body(connection)
        }
    }
}

/// A copy of a whole database, made by ``Database/snapshot()`` and put back by ``Database/restore(_:)``.
public final class Snapshot: @unchecked Sendable {
    // Only ever read by copy(into:) under the owning Database's lock; never changed after creation.
    let connection: Connection
    /// The size of the copy in bytes (pages × page size).
    public let sizeInBytes: Int

    init(connection: Connection) {
        self.connection = connection
        let pages = (try? connection.queryOne("PRAGMA page_count") { $0.int(0) }) ?? nil
        let pageSize = (try? connection.queryOne("PRAGMA page_size") { $0.int(0) }) ?? nil
        sizeInBytes = (pages ?? 0) * (pageSize ?? 0)
    }
}
