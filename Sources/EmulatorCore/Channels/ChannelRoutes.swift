import MicroHTTP

/// `GET /channels` and `GET /channels/{slug}` (spec §7).
enum ChannelRoutes {
    static let routes: [Route<RequestContext>] = [
        Route("channels", [(.get, list)]),
        Route("channels/:slug", [(.get, show)]),
    ]

    static func list(_ context: RequestContext) throws -> HTTPResponse {
        let pageNumber = Page<ChannelRecord>.number(from: context.parameters.string("page"))
        let page = try context.database.read { connection in
            try ChannelRepository(connection: connection).list(brandID: context.brand.id, page: pageNumber)
        }
        return JSONResponse.make { $0.page(page, key: "channels") { writer, channel in writer.channel(channel) } }
    }

    static func show(_ context: RequestContext) throws -> HTTPResponse {
        try context.show({ connection in
            try ChannelRepository(connection: connection).channel(
                brandID: context.brand.id, slug: try context.pathParameters.require("slug"))
        }) { $0.channel($1) }
    }
}
