import CSQLite

/// The current row of a stepping statement; valid only inside the closure that receives it.
///
/// Read columns by name (`try row.string("slug")`): a misspelt name or a NULL where a value is required is an error
/// naming the column, never a silent `""` or `0`. The positional readers remain for single-column queries
/// (`SELECT count(*)`, `SELECT id`).
public struct Row {
    let statement: OpaquePointer
    let columns: ColumnIndex
    /// The column after the last one found by name: the first place the next by-name read looks, since a row is
    /// mostly read in the order of its `SELECT`. Shared by every row of one query (see `Connection.withStatement`).
    let nextColumn: UnsafeMutablePointer<Int32>

    // MARK: By name

    /// The integer in the named column.
    /// - Throws: ``SQLiteError`` when there is no such column or it is NULL.
    public func int(_ name: String) throws -> Int { int(try value(name)) }

    /// The named integer column as a value of an enumeration stored by its raw value (a status, a visibility).
    /// - Throws: ``SQLiteError`` when there is no such column, it is NULL, or it holds no case of `type`
    ///   (`SQLITE_MISMATCH`).
    public func int<Value: RawRepresentable>(_ name: String, as type: Value.Type) throws -> Value
    where Value.RawValue == Int {
        let raw = try int(name)
        guard let value = Value(rawValue: raw) else { throw SQLiteError.mismatch("\(name) \(raw) is no \(type)") }
        return value
    }

    /// The named text column as a value of an enumeration stored by its raw value (an incident or system status).
    /// - Throws: ``SQLiteError`` when there is no such column, it is NULL, or it holds no case of `type`
    ///   (`SQLITE_MISMATCH`).
    public func string<Value: RawRepresentable>(_ name: String, as type: Value.Type) throws -> Value
    where Value.RawValue == String {
        let raw = try string(name)
        guard let value = Value(rawValue: raw) else { throw SQLiteError.mismatch("\(name) \(raw) is no \(type)") }
        return value
    }

    /// The integer in the named column, or nil for NULL.
    public func optionalInt(_ name: String) throws -> Int? { optionalInt(try index(name)) }

    /// The 64-bit integer in the named column.
    public func int64(_ name: String) throws -> Int64 { int64(try value(name)) }

    /// The 64-bit integer in the named column, or nil for NULL.
    public func optionalInt64(_ name: String) throws -> Int64? { optionalInt64(try index(name)) }

    /// The text in the named column.
    public func string(_ name: String) throws -> String { string(try value(name)) }

    /// The text in the named column, or nil for NULL.
    public func optionalString(_ name: String) throws -> String? { optionalString(try index(name)) }

    /// The named column as a Boolean (non-zero is true).
    public func bool(_ name: String) throws -> Bool { bool(try value(name)) }

    private func index(_ name: String) throws -> Int32 {
        guard !name.isEmpty, let index = columns.position(of: name, lookingFirstAt: nextColumn.pointee) else {
            throw SQLiteError(code: SQLITE_RANGE, message: "no column named \(name)", sql: nil)
        }
        nextColumn.pointee = index + 1
        return index
    }

    /// The column's index, checked to hold a value.
    private func value(_ name: String) throws -> Int32 {
        let index = try index(name)
        guard !isNull(index) else {
            throw SQLiteError(code: SQLITE_MISMATCH, message: "column \(name) is NULL", sql: nil)
        }
        return index
    }

    // MARK: By position

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

/// The result columns of a prepared statement by name (the `AS` alias, or the column's own name), worked out once
/// per prepared statement and shared by every row it yields.
final class ColumnIndex: Sendable {
    /// The names in column order; a name is found by comparing it with each (a few short strings compare faster
    /// than one is hashed, and this runs for every column of every row read).
    let names: [String]

    /// Whether no earlier column has the same name, position by position: a guess at a later duplicate is no answer.
    let isFirstOfItsName: [Bool]

    init(statement: OpaquePointer) {
        let names = (0..<sqlite3_column_count(statement)).map { column in
            sqlite3_column_name(statement, column).map { String(cString: $0) } ?? ""
        }
        self.names = names
        isFirstOfItsName = names.indices.map { names.firstIndex(of: names[$0]) == $0 }
    }

    /// The position of the first column with this name (give a second column of the same name an alias to read it).
    /// `guess` is checked first: a match there is one compare of equal strings, which is cheaper than the unequal
    /// ones a scan from the start makes (a 30-column conversation row read in order made about 400 of those).
    func position(of name: String, lookingFirstAt guess: Int32) -> Int32? {
        if names.indices.contains(Int(guess)), isFirstOfItsName[Int(guess)], names[Int(guess)] == name { return guess }
        return names.firstIndex(of: name).map { Int32($0) }
    }
}
