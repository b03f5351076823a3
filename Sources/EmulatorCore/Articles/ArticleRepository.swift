import SQLiteStore

/// The SQL behind topics and articles, both per brand.
struct ArticleRepository {
    let connection: Connection

    // MARK: Topics

    private static let topicColumns = "id, name, slug, created_at, updated_at"

    private static func topic(_ row: Row) throws -> TopicRecord {
        TopicRecord(
            id: try row.int("id"), name: try row.string("name"), slug: try row.string("slug"),
            createdAt: Timestamp(milliseconds: try row.int64("created_at")),
            updatedAt: Timestamp(milliseconds: try row.int64("updated_at")))
    }

    /// One page of the brand's topics, oldest first.
    func topics(brandID: Int, page: Int) throws -> Page<TopicRecord> {
        try Page.fetch(
            connection, select: Self.topicColumns, from: "FROM topics WHERE brand_id = ?", values: [brandID],
            order: "created_at, id", page: page, map: Self.topic)
    }

    /// The brand's topic with this slug.
    func topic(brandID: Int, slug: String) throws -> TopicRecord? {
        try connection.queryOne(
            "SELECT \(Self.topicColumns) FROM topics WHERE brand_id = ? AND slug = ?", [brandID, slug], Self.topic)
    }

    /// The brand's topic with this internal id.
    func topic(brandID: Int, id: Int) throws -> TopicRecord? {
        try connection.queryOne(
            "SELECT \(Self.topicColumns) FROM topics WHERE brand_id = ? AND id = ?", [brandID, id], Self.topic)
    }

    /// Whether the brand has a topic with this slug.
    func topicSlugTaken(brandID: Int, slug: String) throws -> Bool {
        try topic(brandID: brandID, slug: slug) != nil
    }

    /// Inserts a topic and returns its id.
    func insertTopic(brandID: Int, name: String, slug: String, createdAt: Timestamp, updatedAt: Timestamp) throws
        -> Int
    {
        try connection.insert(
            "INSERT INTO topics (brand_id, name, slug, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
            [brandID, name, slug, createdAt.milliseconds, updatedAt.milliseconds])
    }

    /// The brand's topics, oldest first, for the fixtures format.
    func allTopics(brandID: Int) throws -> [TopicRecord] {
        try connection.query(
            "SELECT \(Self.topicColumns) FROM topics WHERE brand_id = ? ORDER BY created_at, id", [brandID], Self.topic)
    }

    // MARK: Articles

    private static let articleColumns = """
        a.id, a.title, a.body, a.slug, a.status, a.created_at, a.updated_at, t.name AS topic_name,
            t.slug AS topic_slug, b.host_label, s.id AS staff_id, s.name AS staff_name, s.email AS staff_email,
            s.created_at AS staff_created_at, s.role_name, s.is_admin
        """
    private static let articleJoins = """
        FROM articles a JOIN brands b ON b.id = a.brand_id JOIN staff s ON s.id = a.author_id
            LEFT JOIN topics t ON t.id = a.topic_id
        """

    private static func article(_ row: Row) throws -> ArticleRecord {
        let topicName = try row.optionalString("topic_name")
        let topicSlug = try row.optionalString("topic_slug")
        return ArticleRecord(
            id: try row.int("id"), title: try row.string("title"), body: try row.string("body"),
            slug: try row.string("slug"), status: try row.int("status", as: ArticleStatus.self),
            createdAt: Timestamp(milliseconds: try row.int64("created_at")),
            updatedAt: Timestamp(milliseconds: try row.int64("updated_at")),
            author: StaffRecord(
                id: try row.int("staff_id"), name: try row.optionalString("staff_name"),
                email: try row.string("staff_email"),
                createdAt: Timestamp(milliseconds: try row.int64("staff_created_at")),
                roleName: try row.string("role_name"), isAdmin: try row.bool("is_admin")),
            topic: topicName.flatMap { name in topicSlug.map { (name, $0) } }, brandLabel: try row.string("host_label"))
    }

    /// One page of the brand's articles, newest first.
    func articles(brandID: Int, filter: ArticleListFilter, page: Int) throws -> Page<ArticleRecord> {
        guard !filter.unknownTopic else { return Page(totalCount: 0, items: []) }
        var conditions = ["a.brand_id = ?"]
        var values: [any SQLiteBindable] = [brandID]
        if let query = filter.query {
            conditions.append("instr(a.search_text, ?) > 0")
            values.append(query.lowercased())
        }
        if let status = filter.status {
            conditions.append("a.status = ?")
            values.append(status.rawValue)
        }
        if let topicID = filter.topicID {
            conditions.append("a.topic_id = ?")
            values.append(topicID)
        }
        return try Page.fetch(
            connection, select: Self.articleColumns,
            from: "\(Self.articleJoins) WHERE \(conditions.joined(separator: " AND "))", values: values,
            order: "a.created_at DESC, a.id DESC", page: page, map: Self.article)
    }

    /// The brand's article with this slug.
    func article(brandID: Int, slug: String) throws -> ArticleRecord? {
        try connection.queryOne(
            "SELECT \(Self.articleColumns) \(Self.articleJoins) WHERE a.brand_id = ? AND a.slug = ?", [brandID, slug],
            Self.article)
    }

    /// An article by internal id.
    func article(id: Int) throws -> ArticleRecord? {
        try connection.queryOne("SELECT \(Self.articleColumns) \(Self.articleJoins) WHERE a.id = ?", [id], Self.article)
    }

    /// The article's internal id and topic, by slug in the brand.
    func articleKey(brandID: Int, slug: String) throws -> (id: Int, topicID: Int?)? {
        try connection.queryOne("SELECT id, topic_id FROM articles WHERE brand_id = ? AND slug = ?", [brandID, slug]) {
            (try $0.int("id"), try $0.optionalInt("topic_id"))
        }
    }

    /// Whether the brand has an article with this slug.
    func articleSlugTaken(brandID: Int, slug: String) throws -> Bool {
        try articleKey(brandID: brandID, slug: slug) != nil
    }

    /// Inserts an article and returns its id.
    func insertArticle(
        brandID: Int, topicID: Int?, authorID: Int, title: String, body: String, slug: String,
        status: ArticleStatus, createdAt: Timestamp, updatedAt: Timestamp
    ) throws -> Int {
        try connection.insert(
            """
            INSERT INTO articles (brand_id, topic_id, author_id, title, body, slug, status, search_text, created_at,
                updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                brandID, topicID, authorID, title, body, slug, status.rawValue, Self.searchText(title, body),
                createdAt.milliseconds, updatedAt.milliseconds,
            ])
    }

    /// Sets an article's fields; `updated_at` moves only when something changed. Returns whether it did.
    func updateArticle(
        id: Int, title: String?, body: String?, status: ArticleStatus?, topicID: Int?, now: Timestamp
    ) throws -> Bool {
        try connection.execute(
            """
            UPDATE articles SET title = coalesce(?1, title), body = coalesce(?2, body), status = coalesce(?3, status),
                topic_id = coalesce(?4, topic_id), updated_at = ?5
            WHERE id = ?6 AND (title IS NOT coalesce(?1, title) OR body IS NOT coalesce(?2, body)
                OR status IS NOT coalesce(?3, status) OR topic_id IS NOT coalesce(?4, topic_id))
            """, [title, body, status?.rawValue, topicID, now.milliseconds, id]) > 0
            ? try refreshSearchText(id: id) : false
    }

    private func refreshSearchText(id: Int) throws -> Bool {
        guard
            let (title, body) = try connection.queryOne(
                "SELECT title, body FROM articles WHERE id = ?", [id],
                {
                    (try $0.string("title"), try $0.string("body"))
                })
        else { return false }
        try connection.execute("UPDATE articles SET search_text = ? WHERE id = ?", [Self.searchText(title, body), id])
        return true
    }

    /// What `q` searches: title and body, lower-cased with Unicode rules.
    private static func searchText(_ title: String, _ body: String) -> String { (title + "\n" + body).lowercased() }

    /// The brand's articles, oldest first, for the fixtures format.
    func allArticles(brandID: Int) throws -> [ArticleRecord] {
        try connection.query(
            "SELECT \(Self.articleColumns) \(Self.articleJoins) WHERE a.brand_id = ? ORDER BY a.created_at, a.id",
            [brandID], Self.article)
    }
}
