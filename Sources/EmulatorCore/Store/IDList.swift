import JSON

/// A list of ids (or keys) as one bound value, `[1,2,3]`, read in SQL as `IN (SELECT value FROM json_each(?))`: the
/// statement text, and so its cached preparation, is the same for any number of values (batch loads of a page use
/// it).
enum IDList {
    /// The ids as a JSON array.
    static func json(_ ids: [Int]) -> String { "[" + ids.map(String.init).joined(separator: ",") + "]" }

    /// The strings as a JSON array.
    static func json(_ keys: [String]) -> String {
        String(
            decoding: JSONWriter.encode { $0.array { writer in for key in keys { writer.string(key) } } }, as: UTF8.self
        )
    }
}
