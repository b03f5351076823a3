import SQLiteStore

/// The SQL behind satisfaction ratings. A rating belongs to the brand of its conversation, read through the join, so
/// it follows a conversation moved to another brand.
struct SatisfactionRatingRepository {
    let connection: Connection

    private static let columns = """
        r.id, r.rating, r.comment, r.assignee_id, r.conversation_id, r.created_at, r.updated_at,
            (SELECT i.contact_id FROM identities i WHERE i.id = c.author_identity_id) AS user_id
        """

    private static func rating(_ row: Row) throws -> SatisfactionRatingRecord {
        SatisfactionRatingRecord(
            id: try row.int("id"), rating: try row.int("rating"), comment: try row.optionalString("comment"),
            userID: try row.optionalInt("user_id"), assigneeID: try row.optionalInt("assignee_id"),
            conversationID: try row.int("conversation_id"),
            createdAt: Timestamp(milliseconds: try row.int64("created_at")),
            updatedAt: Timestamp(milliseconds: try row.int64("updated_at")))
    }

    /// One page of the brand's ratings, newest first.
    func list(brandID: Int, filter: SatisfactionRatingFilter, page: Int) throws -> Page<SatisfactionRatingRecord> {
        guard !filter.noAssigneeMatches else { return Page(totalCount: 0, items: []) }
        var conditions = ["c.brand_id = ?"]
        var values: [any SQLiteBindable] = [brandID]
        let bounds: [(String, Int64?)] = [
            ("r.rating = ?", filter.rating.map(Int64.init)), ("r.assignee_id = ?", filter.assigneeID.map(Int64.init)),
            ("r.created_at >= ?", filter.createdAfter?.milliseconds),
            ("r.created_at <= ?", filter.createdBefore?.milliseconds),
            ("r.updated_at >= ?", filter.updatedAfter?.milliseconds),
            ("r.updated_at <= ?", filter.updatedBefore?.milliseconds),
        ]
        for (condition, value) in bounds {
            guard let value else { continue }
            conditions.append(condition)
            values.append(value)
        }
        return try Page.fetch(
            connection, select: Self.columns,
            from: "FROM satisfaction_ratings r JOIN conversations c ON c.id = r.conversation_id WHERE "
                + conditions.joined(separator: " AND "),
            values: values, order: "r.created_at DESC, r.id DESC", caching: .oneOff, page: page, map: Self.rating)
    }

    /// The rating with this id.
    func rating(id: Int) throws -> SatisfactionRatingRecord? {
        try connection.queryOne(
            """
            SELECT \(Self.columns) FROM satisfaction_ratings r JOIN conversations c ON c.id = r.conversation_id
            WHERE r.id = ?
            """, [id], Self.rating)
    }

    /// Inserts a rating and returns its id.
    func insert(
        conversationID: Int, rating: Int, comment: String?, assigneeID: Int?, createdAt: Timestamp, updatedAt: Timestamp
    ) throws -> Int {
        try connection.insert(
            """
            INSERT INTO satisfaction_ratings (conversation_id, rating, comment, assignee_id, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """,
            [conversationID, rating, comment, assigneeID, createdAt.milliseconds, updatedAt.milliseconds])
    }

    /// The brand's ratings, oldest first, with the conversation slug and the assignee's email, for the fixtures.
    func all(brandID: Int) throws -> [(rating: SatisfactionRatingRecord, conversation: String, assignee: String?)] {
        try connection.query(
            """
            SELECT \(Self.columns), c.slug, s.email AS assignee_email
            FROM satisfaction_ratings r JOIN conversations c ON c.id = r.conversation_id
                LEFT JOIN staff s ON s.id = r.assignee_id
            WHERE c.brand_id = ? ORDER BY r.created_at, r.id
            """, [brandID]
        ) { (try Self.rating($0), try $0.string("slug"), try $0.optionalString("assignee_email")) }
    }
}
