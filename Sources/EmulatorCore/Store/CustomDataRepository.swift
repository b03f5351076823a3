import JSON
import SQLiteStore

/// Custom attributes one level deep (`data` of contacts and conversations), stored a row per key so that
/// `data[key]=value` filters use an index. Keys keep the order they were first set in.
struct CustomDataRepository {
    /// Whose data: the table and the column naming the owner.
    enum Owner: String {
        case contact, conversation

        var table: String { "\(rawValue)_data" }
        var column: String { "\(rawValue)_id" }

        /// The SQL of ``CustomDataRepository/load(_:)``, made once: it runs for every contact or conversation shown.
        var loadSQL: String {
            switch self {
            case .contact: Self.contactLoadSQL
            case .conversation: Self.conversationLoadSQL
            }
        }

        /// A result column, `has_data`, saying whether the owner whose id is `ownerID` (an SQL expression of the
        /// statement it goes in, e.g. `c.id`) has any data: a probe of the `(owner, key)` index in the statement that
        /// reads the owner's row costs less than a statement of its own, which most owners, having none, would run
        /// for nothing.
        func hasDataColumn(ownerID: String) -> String {
            "EXISTS (SELECT 1 FROM \(table) d WHERE d.\(column) = \(ownerID)) AS has_data"
        }

        private static let contactLoadSQL = Owner.contact.makeLoadSQL()
        private static let conversationLoadSQL = Owner.conversation.makeLoadSQL()

        /// Found through the owner's `(owner, key)` index and put in order here: `ORDER BY rowid` had SQLite open
        /// a sorter on every read, most of which find no row (2,600 of a contact read's instructions).
        private func makeLoadSQL() -> String {
            "SELECT rowid AS position, key, value_json FROM \(table) WHERE \(column) = ?"
        }
    }

    let connection: Connection
    let owner: Owner

    /// The owner's attributes in the order they were first set.
    func load(_ ownerID: Int) throws -> JSONObject {
        let members = try connection.query(owner.loadSQL, [ownerID]) { row in
            (position: try row.int64("position"), key: try row.string("key"), json: try row.string("value_json"))
        }
        var object = JSONObject()
        for member in members.sorted(by: { $0.position < $1.position }) {
            object[member.key] = Self.value(member.json)
        }
        return object
    }

    /// The attributes of several owners (a JSON array of ids), each in the order its keys were first set.
    func load(ownerIDs: String) throws -> [Int: JSONObject] {
        let rows = try connection.query(
            """
            SELECT \(owner.column) AS owner_id, key, value_json FROM \(owner.table)
            WHERE \(owner.column) IN (SELECT value FROM json_each(?)) ORDER BY \(owner.column), rowid
            """, [ownerIDs]
        ) { row in (ownerID: try row.int("owner_id"), key: try row.string("key"), json: try row.string("value_json")) }
        var objects: [Int: JSONObject] = [:]
        for row in rows { objects[row.ownerID, default: JSONObject()][row.key] = Self.value(row.json) }
        return objects
    }

    /// A stored value: its JSON, or the text itself if it does not parse.
    private static func value(_ json: String) -> JSONValue {
        (try? JSONParser.parse(Array(json.utf8))) ?? .string(json)
    }

    /// Merges `changes` key by key: a `null` value removes the key. Returns true when anything changed.
    func merge(_ ownerID: Int, _ changes: JSONObject) throws -> Bool {
        var changed = false
        for member in changes.members {
            let rows: Int
            if member.value.isNull {
                rows = try connection.execute(
                    "DELETE FROM \(owner.table) WHERE \(owner.column) = ? AND key = ?", [ownerID, member.key])
            } else {
                let json = String(decoding: JSONWriter.encode { $0.value(member.value) }, as: UTF8.self)
                rows = try connection.execute(
                    """
                    INSERT INTO \(owner.table) (\(owner.column), key, value_json, value_text) VALUES (?, ?, ?, ?)
                    ON CONFLICT (\(owner.column), key) DO UPDATE SET value_json = excluded.value_json,
                        value_text = excluded.value_text
                    WHERE value_json IS NOT excluded.value_json
                    """, [ownerID, member.key, json, Self.stringForm(member.value)])
            }
            changed = rows > 0 || changed
        }
        return changed
    }

    /// SQL conditions (and their values) matching owners whose data holds every pair; `alias` names the owner row.
    func filters(_ pairs: [(key: String, value: String)], alias: String) -> (conditions: [String], values: [String]) {
        let condition =
            "EXISTS (SELECT 1 FROM \(owner.table) d WHERE d.\(owner.column) = \(alias).id AND d.key = ? AND d.value_text = ?)"
        return (Array(repeating: condition, count: pairs.count), pairs.flatMap { [$0.key, $0.value] })
    }

    /// The string a `data[key]=value` filter compares with: `true` → "true", `3` → "3", strings as they are.
    static func stringForm(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .number(let literal): literal
        case .bool(let flag): flag ? "true" : "false"
        case .null, .array, .object: String(decoding: JSONWriter.encode { $0.value(value) }, as: UTF8.self)
        }
    }
}
