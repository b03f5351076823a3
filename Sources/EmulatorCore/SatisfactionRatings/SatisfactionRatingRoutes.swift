import MicroHTTP

/// `GET /satisfaction_ratings`: the brand's ratings, for staff users with the `access_reports` permission. Ratings
/// have no write endpoint: they come from fixtures.
enum SatisfactionRatingRoutes {
    static let routes: [Route<RequestContext>] = [
        Route("satisfaction_ratings", [(.get, list)], options: .needsReportAccess)
    ]

    /// Newest first; filters combine with AND.
    static func list(_ context: RequestContext) throws -> HTTPResponse {
        let query = try SatisfactionRatingQuery(parameters: context.parameters)
        let page = try context.database.read { connection in
            try SatisfactionRatingRepository(connection: connection).list(
                brandID: context.brand.id, filter: query.filter, page: query.page)
        }
        return JSONResponse.make {
            $0.page(page, key: "satisfaction_ratings") { writer, rating in writer.satisfactionRating(rating) }
        }
    }
}
