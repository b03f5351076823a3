import CSQLite

/// The current row of a stepping statement; valid only inside the closure that receives it.
public struct Row {
    let statement: OpaquePointer

    /// The column as an integer (0 for NULL).
    public func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(statement, column)) }

    /// The column as a 64-bit integer (0 for NULL).
    public func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }

    /// The column as an integer, or nil for NULL.
    public func optionalInt(_ column: Int32) -> Int? {
        isNull(column) ? nil : int(column)
    }

    /// The column as a 64-bit integer, or nil for NULL.
    public func optionalInt64(_ column: Int32) -> Int64? {
        isNull(column) ? nil : int64(column)
    }

    /// The column as text ("" for NULL).
    public func string(_ column: Int32) -> String { optionalString(column) ?? "" }

    /// The column as text, or nil for NULL.
    public func optionalString(_ column: Int32) -> String? {
        guard let text = sqlite3_column_text(statement, column) else { return nil }
        let count = Int(sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// The column as a Boolean (non-zero is true).
    public func bool(_ column: Int32) -> Bool { sqlite3_column_int64(statement, column) != 0 }

    /// True when the column is NULL.
    public func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }
}
