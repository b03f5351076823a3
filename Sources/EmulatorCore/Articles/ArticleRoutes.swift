import MicroHTTP
import SQLiteStore

/// `GET/POST /articles`, `GET/PUT /articles/{slug}`, `GET /topics`, `GET/POST /topics/{topic_slug}/articles`: the
/// brand's knowledge base. Another brand's host never sees these articles and topics.
enum ArticleRoutes {
    static let routes: [Route<RequestContext>] = [
        Route("articles", [(.get, list), (.post, create)]),
        Route("articles/:slug", [(.get, show), (.put, update)]),
        Route("topics", [(.get, topics)]),
        Route("topics/:topic_slug/articles", [(.get, listInTopic), (.post, createInTopic)]),
    ]

    /// Newest first; `q`, `status`, `topic` and paging.
    static func list(_ context: RequestContext) throws -> HTTPResponse {
        try list(context, nested: false)
    }

    /// The articles of the path's topic; 404 for a topic the brand does not have.
    static func listInTopic(_ context: RequestContext) throws -> HTTPResponse {
        try list(context, nested: true)
    }

    private static func list(_ context: RequestContext, nested: Bool) throws -> HTTPResponse {
        let query = try ArticleListQuery(parameters: context.parameters, nested: nested)
        let page = try context.database.read { connection in
            let repository = ArticleRepository(connection: connection)
            var filter = query.filter
            if nested {
                filter.topicID = try pathTopic(context, connection).id
            } else if let slug = query.topicSlug {
                let topic = try repository.topic(brandID: context.brand.id, slug: slug)
                filter.topicID = topic?.id
                filter.unknownTopic = topic == nil
            }
            return try repository.articles(brandID: context.brand.id, filter: filter, page: query.page)
        }
        return JSONResponse.make { $0.page(page, key: "articles") { writer, article in writer.article(article) } }
    }

    /// One bare article by slug (exact, case-sensitive).
    static func show(_ context: RequestContext) throws -> HTTPResponse {
        try context.show({ connection in
            try ArticleRepository(connection: connection).article(
                brandID: context.brand.id, slug: try context.pathParameters.require("slug"))
        }) { $0.article($1) }
    }

    /// The brand's topics, oldest first.
    static func topics(_ context: RequestContext) throws -> HTTPResponse {
        let pageNumber = Page<TopicRecord>.number(from: context.parameters.string("page"))
        let page = try context.database.read { connection in
            try ArticleRepository(connection: connection).topics(brandID: context.brand.id, page: pageNumber)
        }
        return JSONResponse.make { $0.page(page, key: "topics") { writer, topic in writer.topic(topic) } }
    }

    static func create(_ context: RequestContext) throws -> HTTPResponse {
        try create(context, nested: false)
    }

    static func createInTopic(_ context: RequestContext) throws -> HTTPResponse {
        try create(context, nested: true)
    }

    /// Credited to the caller; the slug comes from the title and never changes.
    private static func create(_ context: RequestContext, nested: Bool) throws -> HTTPResponse {
        let article = try context.write(
            precheck: { _ = try NewArticle(body: context.body, nested: nested, lookups: BodyOnly()) },
            target: { connection in nested ? try pathTopic(context, connection) : nil },
            input: { connection, _ in
                try NewArticle(body: context.body, nested: nested, lookups: context.lookups(connection))
            }
        ) { connection, pathTopic, input -> ArticleRecord? in
            let repository = ArticleRepository(connection: connection)
            let slug = try Slug.unique(for: nil, base: Slug.base(for: input.title, empty: "article")) {
                try repository.articleSlugTaken(brandID: context.brand.id, slug: $0)
            }
            let id = try repository.insertArticle(
                brandID: context.brand.id, topicID: (pathTopic ?? input.topic)?.id, authorID: context.staff.id,
                title: input.title, body: input.body, slug: slug, status: input.status, createdAt: context.now,
                updatedAt: context.now)
            return try repository.article(id: id)
        }
        guard let article else { throw APIError.internalError }
        return JSONResponse.make { $0.article(article) }
    }

    /// Changes title, body, status and topic; blank fields stay; the slug stays.
    static func update(_ context: RequestContext) throws -> HTTPResponse {
        let article = try context.write(
            precheck: { _ = try ArticleChanges(body: context.body, lookups: BodyOnly()) },
            target: { connection in
                guard
                    let key = try ArticleRepository(connection: connection).articleKey(
                        brandID: context.brand.id, slug: try context.pathParameters.require("slug"))
                else { throw APIError.notFound }
                return key.id
            },
            input: { connection, _ in try ArticleChanges(body: context.body, lookups: context.lookups(connection)) }
        ) { connection, id, changes -> ArticleRecord? in
            let repository = ArticleRepository(connection: connection)
            _ = try repository.updateArticle(
                id: id, title: changes.title, body: changes.body, status: changes.status, topicID: changes.topic?.id,
                now: context.now)
            return try repository.article(id: id)
        }
        guard let article else { throw APIError.notFound }
        return JSONResponse.make { $0.article(article) }
    }

    /// The topic the path names; 404 when the brand has none of that slug.
    private static func pathTopic(_ context: RequestContext, _ connection: Connection) throws -> TopicRecord {
        guard
            let topic = try ArticleRepository(connection: connection).topic(
                brandID: context.brand.id, slug: try context.pathParameters.require("topic_slug"))
        else { throw APIError.notFound }
        return topic
    }
}
