import Glibc

/// A database shared by many threads: one writer connection used by one thread at a time and, for a file, a pool of
/// read connections that read in parallel (write-ahead logging lets readers run beside the writer).
///
/// Measured on this project's machines, one guarded writer keeps p99 low where per-thread writers make SQLite's busy
/// back-off sleep for milliseconds. An in-memory database is private to its connection, so there the writer serves
/// reads too.
public final class Database: @unchecked Sendable {
    private var connection: Connection?
    private var mutex = pthread_mutex_t()
    private let path: String
    private let readsInParallel: Bool
    // Idle read connections, and whether the database was closed; guarded by readersMutex.
    private var readers: [Connection] = []
    private var closed = false
    private var readersMutex = pthread_mutex_t()

    /// Opens the database at `path` (or `:memory:`) and runs the migrations.
    /// - Throws: ``SQLiteError`` when opening or migrating fails.
    public init(path: String, migrations: [String]) throws {
        connection = try Connection.open(path: path, migrations: migrations)
        self.path = path
        readsInParallel = path != ":memory:" && !path.isEmpty
        pthread_mutex_init(&mutex, nil)
        pthread_mutex_init(&readersMutex, nil)
    }

    deinit {
        pthread_mutex_destroy(&mutex)
        pthread_mutex_destroy(&readersMutex)
    }

    /// Runs `body` in one read transaction on a read connection (the writer, for an in-memory database): every
    /// statement in it sees the same committed state.
    /// - Throws: ``SQLiteError`` from the body, or when the database was closed.
    public func read<T>(_ body: (Connection) throws -> T) throws -> T {
        guard readsInParallel else { return try withConnection(body) }
        let reader = try checkOutReader()
        defer { checkIn(reader) }
        return try reader.readTransaction { try body(reader) }
    }

    private func checkOutReader() throws -> Connection {
        pthread_mutex_lock(&readersMutex)
        if closed {
            pthread_mutex_unlock(&readersMutex)
            throw SQLiteError(code: 21, message: "database is closed", sql: nil)
        }
        let idle = readers.popLast()
        pthread_mutex_unlock(&readersMutex)
        return try idle ?? Connection.open(path: path, migrations: [])
    }

    private func checkIn(_ reader: Connection) {
        pthread_mutex_lock(&readersMutex)
        if !closed { readers.append(reader) }
        pthread_mutex_unlock(&readersMutex)
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction; nothing it wrote stays if it throws.
    /// - Throws: the first error `body` or the commit threw.
    @discardableResult
    public func write<T>(_ body: (Connection) throws -> T) throws -> T {
        try withConnection { connection in try connection.transaction { try body(connection) } }
    }

    /// A consistent copy of the whole database, held in memory until released.
    /// - Throws: ``SQLiteError`` when the copy fails.
    public func snapshot() throws -> Snapshot {
        Snapshot(connection: try withConnection { try $0.snapshot() })
    }

    /// Replaces the whole database with a snapshot's content, in one step that no request observes half done.
    /// - Throws: ``SQLiteError`` when the copy fails; the database is then unchanged.
    public func restore(_ snapshot: Snapshot) throws {
        try withConnection { connection in try snapshot.connection.copy(into: connection) }
    }

    /// Like ``write(_:)`` with foreign keys not enforced, for bulk deletes that remove children before parents
    /// themselves: SQLite then skips a child lookup per deleted row. The body must leave no dangling reference.
    /// - Throws: the first error `body` or the commit threw.
    @discardableResult
    public func writeWithoutForeignKeyChecks<T>(_ body: (Connection) throws -> T) throws -> T {
        try withConnection { connection in
            // The pragma is a no-op inside a transaction, so it is switched around it, under the lock.
            try connection.executeScript("PRAGMA foreign_keys=OFF;")
            defer { try? connection.executeScript("PRAGMA foreign_keys=ON;") }
            return try connection.transaction { try body(connection) }
        }
    }

    /// Closes the connections; later calls throw.
    public func close() {
        pthread_mutex_lock(&readersMutex)
        closed = true
        readers.removeAll()
        pthread_mutex_unlock(&readersMutex)
        pthread_mutex_lock(&mutex)
        connection = nil
        pthread_mutex_unlock(&mutex)
    }

    private func withConnection<T>(_ body: (Connection) throws -> T) throws -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        guard let connection else { throw SQLiteError(code: 21, message: "database is closed", sql: nil) }
        return try body(connection)
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
