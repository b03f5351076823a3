import CSQLite

/// A failure reported by SQLite: the extended result code, SQLite's message and the SQL text (never bound values).
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// The extended result code, e.g. `SQLITE_CONSTRAINT_UNIQUE` (2067).
    public let code: Int32
    /// SQLite's message for the failure.
    public let message: String
    /// The statement that failed, if any; bound values are never part of it.
    public let sql: String?

    /// True for any constraint violation (unique, foreign key, check, not null).
    public var isConstraintViolation: Bool { code & 0xff == SQLITE_CONSTRAINT }

    /// True when another connection held the lock past the busy timeout (`SQLITE_BUSY`, `SQLITE_LOCKED`): the same
    /// call may succeed later.
    public var isBusy: Bool { code & 0xff == SQLITE_BUSY || code & 0xff == SQLITE_LOCKED }

    /// For a violated UNIQUE or PRIMARY KEY constraint, the last column SQLite names (`UNIQUE constraint failed:
    /// channels.brand_id, channels.slug` → `slug`): the value that is taken.
    public var takenColumn: String? {
        // The extended codes SQLITE_CONSTRAINT_PRIMARYKEY and SQLITE_CONSTRAINT_UNIQUE (macros Swift does not import).
        let primaryKey = SQLITE_CONSTRAINT | (6 << 8)
        let unique = SQLITE_CONSTRAINT | (8 << 8)
        guard code == primaryKey || code == unique,
            let columns = message.split(separator: ":", maxSplits: 1).last,
            let column = columns.split(separator: ",").last?.split(separator: ".").last?.filter({ $0 != " " }),
            !column.isEmpty
        else { return nil }
        return column
    }

    /// A line for logs.
    public var description: String {
        "SQLite error \(code): \(message)" + (sql.map { " in: \($0)" } ?? "")
    }

    init(code: Int32, connection: OpaquePointer?, sql: String?) {
        self.code = code
        self.message =
            connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            ?? String(cString: sqlite3_errstr(code))
        self.sql = sql
    }

    /// A stored value the reader cannot accept (SQLITE_MISMATCH), e.g. a status outside its range.
    public static func mismatch(_ message: String) -> SQLiteError {
        SQLiteError(code: SQLITE_MISMATCH, message: message, sql: nil)
    }

    /// The database was closed (SQLITE_MISUSE): the emulator is stopping.
    static let closed = SQLiteError(code: SQLITE_MISUSE, message: "database is closed", sql: nil)

    /// SQLite ended a group's transaction by itself (SQLITE_ABORT): the writes run in it before were undone.
    static let transactionEnded = SQLiteError(
        code: SQLITE_ABORT, message: "the transaction was rolled back by an earlier error", sql: nil)

    /// A call that takes the writer for itself, made from inside a group of writes (SQLITE_MISUSE).
    static let insideGroup = SQLiteError(
        code: SQLITE_MISUSE, message: "not available inside a group of writes", sql: nil)

    init(code: Int32, message: String, sql: String?) {
        self.code = code
        self.message = message
        self.sql = sql
    }
}
