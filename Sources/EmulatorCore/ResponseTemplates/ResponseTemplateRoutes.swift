import MicroHTTP
import SQLiteStore

/// `GET/POST /response_templates` and `GET/PUT /response_templates/{id}`: the brand's templates as the caller sees
/// them (the shared ones and their own personal ones).
enum ResponseTemplateRoutes {
    static let routes: [Route<RequestContext>] = [
        Route("response_templates", [(.get, list), (.post, create)]),
        Route("response_templates/:id", [(.get, show), (.put, update)]),
    ]

    /// By name (case-insensitive); `q` over name and body; paged.
    static func list(_ context: RequestContext) throws -> HTTPResponse {
        let query = context.parameters.string("q")
        let pageNumber = Page<ResponseTemplateRecord>.number(from: context.parameters.string("page"))
        let page = try context.database.read { connection in
            try ResponseTemplateRepository(connection: connection).list(
                brandID: context.brand.id, viewerID: context.staff.id, query: query, page: pageNumber)
        }
        return JSONResponse.make {
            $0.page(page, key: "response_templates") { writer, template in writer.responseTemplate(template) }
        }
    }

    static func show(_ context: RequestContext) throws -> HTTPResponse {
        try context.show({ connection in try visibleTemplate(context, connection) }) { $0.responseTemplate($1) }
    }

    /// Owned by the caller; no group.
    static func create(_ context: RequestContext) throws -> HTTPResponse {
        let template = try context.write(
            body: { try NewResponseTemplate(body: context.body) }, target: { _ in }
        ) { connection, _, input -> ResponseTemplateRecord? in
            let repository = ResponseTemplateRepository(connection: connection)
            let id = try repository.insert(
                brandID: context.brand.id, groupID: nil, ownerID: context.staff.id, name: input.name,
                body: input.body, isPersonal: input.isPersonal)
            return try repository.template(id: id)
        }
        guard let template else { throw APIError.internalError }
        return JSONResponse.make { $0.responseTemplate(template) }
    }

    /// Changes name, body and the personal flag; the owner stays.
    static func update(_ context: RequestContext) throws -> HTTPResponse {
        let template = try context.write(
            body: { try ResponseTemplateChanges(body: context.body) },
            target: { connection in
                guard let found = try visibleTemplate(context, connection) else { throw APIError.notFound }
                return found.id
            }
        ) { connection, id, changes -> ResponseTemplateRecord? in
            let repository = ResponseTemplateRepository(connection: connection)
            try repository.update(id: id, name: changes.name, body: changes.body, isPersonal: changes.isPersonal)
            return try repository.template(id: id)
        }
        guard let template else { throw APIError.notFound }
        return JSONResponse.make { $0.responseTemplate(template) }
    }

    /// The path's template, if it is a decimal id of a template of the brand the caller sees.
    private static func visibleTemplate(_ context: RequestContext, _ connection: Connection) throws
        -> ResponseTemplateRecord?
    {
        guard let id = try context.pathParameters.decimalID("id") else { return nil }
        return try ResponseTemplateRepository(connection: connection).template(
            id: id, brandID: context.brand.id, viewerID: context.staff.id)
    }
}
