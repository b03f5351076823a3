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

    init(code: Int32, message: String, sql: String?) {
        self.code = code
        self.message = message
        self.sql = sql
    }
}
