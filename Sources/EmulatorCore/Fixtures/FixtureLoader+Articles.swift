/// The fixtures format's knowledge base: `topics` and `articles` in each account entry, each naming its brand by host
/// label (the account's first by default), loaded after the conversations.
extension FixtureLoader {
    func loadKnowledgeBase(
        _ account: FixtureObject, accountID: Int, brandIDs: [String: Int], defaultBrand: FixtureNode
    ) throws {
        let repository = ArticleRepository(connection: connection)
        for node in try account.optional("topics")?.array() ?? [] {
            let topic = try node.object()
            let brandID = try brandID(of: topic, at: node, brandIDs: brandIDs, defaultBrand: defaultBrand)
            let name = try topic.required("name").string()
            let created = try topic.optional("created_at")?.timestamp() ?? now
            let slug: String
            if let given = try topic.optional("slug") {
                slug = try given.string()
                if try repository.topicSlugTaken(brandID: brandID, slug: slug) {
                    throw FixtureError(path: given.path, message: "\"\(slug)\" is taken in the brand")
                }
            } else {
                slug = try Slug.unique(for: nil, base: Slug.base(for: name, empty: "topic")) {
                    try repository.topicSlugTaken(brandID: brandID, slug: $0)
                }
            }
            _ = try repository.insertTopic(
                brandID: brandID, name: name, slug: slug, createdAt: created,
                updatedAt: try topic.optional("updated_at")?.timestamp() ?? created)
        }
        for node in try account.optional("articles")?.array() ?? [] {
            let article = try node.object()
            let brandID = try brandID(of: article, at: node, brandIDs: brandIDs, defaultBrand: defaultBrand)
            let title = try article.required("title").string()
            let body = try article.required("body").string()
            var status = ArticleStatus.published
            if let statusNode = try article.optional("status") {
                guard let parsed = ArticleStatus(parameter: try statusNode.string()) else {
                    throw FixtureError(
                        path: statusNode.path, message: "must be 0 (published), 1 (draft) or 2 (internal)")
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
                named: try article.optional("author"), orFirstOf: accountID, for: node, as: "author")
            let created = try article.optional("created_at")?.timestamp() ?? now
            let slug: String
            if let given = try article.optional("slug") {
                slug = try given.string()
                if try repository.articleSlugTaken(brandID: brandID, slug: slug) {
                    throw FixtureError(path: given.path, message: "\"\(slug)\" is taken in the brand")
                }
            } else {
                slug = try Slug.unique(for: nil, base: Slug.base(for: title, empty: "article")) {
                    try repository.articleSlugTaken(brandID: brandID, slug: $0)
                }
            }
            _ = try repository.insertArticle(
                brandID: brandID, topicID: topicID, authorID: authorID, title: title, body: body, slug: slug,
                status: status, createdAt: created,
                updatedAt: try article.optional("updated_at")?.timestamp() ?? created)
        }
    }
}
