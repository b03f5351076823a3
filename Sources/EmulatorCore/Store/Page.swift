import SQLiteStore

/// One page of a list (spec §1.9): 30 items a page, 1-based.
struct Page<Item> {
    /// Always 30: no request parameter changes it.
    static var size: Int { 30 }

    let totalCount: Int
    let items: [Item]

    /// ceil(total / 30), and 0 for an empty list.
    var pageCount: Int { (totalCount + Self.size - 1) / Self.size }

    /// The 1-based page number of a `page` parameter: missing, zero, negative or not a base-10 integer means 1.
    static func number(from parameter: String?) -> Int {
        guard let parameter, let number = Int(parameter.trimmed), number > 0 else { return 1 }
        // Pages past any real list answer empty; the clamp keeps the SQL offset from overflowing.
        return min(number, 1 << 40)
    }

    /// The SQL offset of a 1-based page number.
    static func offset(of number: Int) -> Int { (number - 1) * size }
}

extension Page {
    /// Counts the rows of `from` (a `FROM … WHERE …` clause) and reads one page of them in `order`: the one way every
    /// list is paged. `caching` is `.oneOff` when the clause was built from a variable number of parts (tags, data
    /// filters), so that each combination does not stay prepared for good.
    static func fetch(
        _ connection: Connection, select: String, from: String, values: [any SQLiteBindable], order: String,
        caching: Connection.Caching = .cached, page number: Int, map: (Row) throws -> Item
    ) throws -> Page<Item> {
        let total = try connection.queryOne("SELECT count(*) \(from)", values, caching: caching) { $0.int(0) } ?? 0
        let items = try connection.query(
            "SELECT \(select) \(from) ORDER BY \(order) LIMIT ? OFFSET ?", values + [size, offset(of: number)],
            caching: caching, map)
        return Page(totalCount: total, items: items)
    }

    /// The same page with its items replaced by what `load` makes of them all at once (a batch load).
    func batch<Other>(_ load: ([Item]) throws -> [Other]) rethrows -> Page<Other> {
        Page<Other>(totalCount: totalCount, items: try load(items))
    }
}
