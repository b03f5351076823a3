/// The per-brand keys of the fixtures format that load one entry at a time: by the whole document (each entry naming
/// its brand by host label, the account's first by default) and by the control plane's seeding route.
enum BrandEntryKind: String, CaseIterable {
    case channels, topics, articles
    case responseTemplates = "response_templates"
    case systems, incidents
    case satisfactionRatings = "satisfaction_ratings"

    /// The account-level keys, in the order they load after the conversations (each may refer to the ones before).
    static let loadedAfterConversations: [BrandEntryKind] = [
        .topics, .articles, .responseTemplates, .systems, .incidents, .satisfactionRatings,
    ]

    /// The kinds the seeding route adds: those without a write endpoint in the API.
    static let seedable: [BrandEntryKind] = [.channels, .topics, .responseTemplates, .systems, .satisfactionRatings]
}

extension FixtureLoader {
    /// Validates and inserts one entry of `kind` into a brand; returns the new record's id.
    func insert(_ kind: BrandEntryKind, _ entry: FixtureObject, brandID: Int, accountID: Int) throws -> Int {
        switch kind {
        case .channels: try insertChannel(entry, brandID: brandID)
        case .topics: try insertTopic(entry, brandID: brandID)
        case .articles: try insertArticle(entry, brandID: brandID, accountID: accountID)
        case .responseTemplates: try insertResponseTemplate(entry, brandID: brandID, accountID: accountID)
        case .systems: try insertSystem(entry, brandID: brandID)
        case .incidents: try insertIncident(entry, brandID: brandID)
        case .satisfactionRatings: try insertSatisfactionRating(entry, brandID: brandID, accountID: accountID)
        }
    }

    /// `{"name", "slug"?, "created_at"?, "updated_at"?}`: a slug given must be free; one made from the name takes the
    /// first free `-2`, `-3` … suffix.
    func insertTopic(_ topic: FixtureObject, brandID: Int) throws -> Int {
        let repository = ArticleRepository(connection: connection)
        let name = try topic.required("name").string()
        let created = try topic.optional("created_at")?.timestamp() ?? now
        let slug = try slug(given: topic.optional("slug"), madeFrom: name, empty: "topic") {
            try repository.topicSlugTaken(brandID: brandID, slug: $0)
        }
        return try repository.insertTopic(
            brandID: brandID, name: name, slug: slug, createdAt: created,
            updatedAt: try topic.optional("updated_at")?.timestamp() ?? created)
    }

    /// `{"title", "body", "status"?, "topic"? (a topic slug), "author"? (a staff email), "slug"?, "created_at"?,
    /// "updated_at"?}`.
    func insertArticle(_ article: FixtureObject, brandID: Int, accountID: Int) throws -> Int {
        let repository = ArticleRepository(connection: connection)
        let title = try article.required("title").string()
        let body = try article.required("body").string()
        var status = ArticleStatus.published
        if let statusNode = try article.optional("status") {
            guard let parsed = ArticleStatus(parameter: try statusNode.string()) else {
                throw FixtureError(path: statusNode.path, message: "must be 0 (published), 1 (draft) or 2 (internal)")
            }
            status = parsed
        }
        var topicID: Int?
        if let topicNode = try article.optional("topic") {
            let slug = try topicNode.string()
            guard let topic = try repository.topic(brandID: brandID, slug: slug) else {
                throw FixtureError(path: topicNode.path, message: "\"\(slug)\" is not a topic of the brand")
            }
            topicID = topic.id
        }
        let authorID = try staffID(
            named: try article.optional("author"), orFirstOf: accountID, for: article, as: "author")
        let created = try article.optional("created_at")?.timestamp() ?? now
        let slug = try slug(given: article.optional("slug"), madeFrom: title, empty: "article") {
            try repository.articleSlugTaken(brandID: brandID, slug: $0)
        }
        return try repository.insertArticle(
            brandID: brandID, topicID: topicID, authorID: authorID, title: title, body: body, slug: slug,
            status: status, createdAt: created, updatedAt: try article.optional("updated_at")?.timestamp() ?? created)
    }

    /// A slug given in the entry, which must be free (taken is a conflict), or one made from `text` with the first
    /// free `-2`, `-3` … suffix (`empty` when nothing of the text is left).
    private func slug(given: FixtureNode?, madeFrom text: String, empty: String, taken: (String) throws -> Bool)
        throws -> String
    {
        guard let given else {
            return try Slug.unique(for: nil, base: Slug.base(for: text, empty: empty), isTaken: taken)
        }
        let slug = try given.string()
        if try taken(slug) { throw FixtureError.taken(given.path) }
        return slug
    }
}
