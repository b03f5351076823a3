import MicroHTTP
import SQLiteStore

/// `GET/POST /incidents`, `GET/PUT /incidents/{id}` and `GET /systems`: the brand's status page. Systems have no
/// write endpoint: they come from fixtures or the control plane's seeding route.
enum StatusPageRoutes {
    static let routes: [Route<RequestContext>] = [
        Route("incidents", [(.get, list), (.post, create)]),
        Route("incidents/:id", [(.get, show), (.put, update)]),
        Route("systems", [(.get, systems)]),
    ]

    /// A bare array, newest first, 30 a page.
    static func list(_ context: RequestContext) throws -> HTTPResponse {
        let page = Page<IncidentRecord>.number(from: context.parameters.string("page"))
        let incidents = try context.database.read { connection in
            try StatusPageRepository(connection: connection).incidents(brandID: context.brand.id, page: page)
        }
        return JSONResponse.make { writer in writer.array { for incident in incidents { $0.incident(incident) } } }
    }

    static func show(_ context: RequestContext) throws -> HTTPResponse {
        try context.show({ connection in try pathIncident(context, connection) }) { $0.incident($1) }
    }

    /// A titled incident with at least one update, linked to systems of the brand.
    static func create(_ context: RequestContext) throws -> HTTPResponse {
        let incident = try context.write(
            precheck: { _ = try IncidentInput(body: context.body, creating: true, owned: nil, lookups: BodyOnly()) },
            target: { _ in },
            input: { connection, _ in
                try IncidentInput(
                    body: context.body, creating: true, owned: IncidentChildIDs(),
                    lookups: context.lookups(connection))
            }
        ) { connection, _, input -> IncidentRecord? in
            let repository = StatusPageRepository(connection: connection)
            let id = try repository.insertIncident(
                brandID: context.brand.id, title: input.title ?? "", externalURL: nil, createdAt: context.now)
            try apply(input, to: id, at: context.now, repository)
            return try repository.incident(brandID: context.brand.id, id: id)
        }
        guard let incident else { throw APIError.internalError }
        return JSONResponse.make { $0.incident(incident) }
    }

    /// Changes the title, adds or changes updates and system links; `updated_at` moves when anything changed.
    static func update(_ context: RequestContext) throws -> HTTPResponse {
        let incident = try context.write(
            precheck: { _ = try IncidentInput(body: context.body, creating: false, owned: nil, lookups: BodyOnly()) },
            target: { connection in
                guard let found = try pathIncident(context, connection) else { throw APIError.notFound }
                return found
            },
            input: { connection, existing in
                try IncidentInput(
                    body: context.body, creating: false, owned: IncidentChildIDs(existing),
                    lookups: context.lookups(connection))
            }
        ) { connection, existing, input -> IncidentRecord? in
            let repository = StatusPageRepository(connection: connection)
            try apply(input, to: existing.id, at: context.now, repository)
            guard let changed = try repository.incident(brandID: context.brand.id, id: existing.id) else { return nil }
            let title = input.title.flatMap { $0 == existing.title ? nil : $0 }
            guard title != nil || !changed.sameContent(as: existing) else { return changed }
            try repository.touchIncident(id: existing.id, title: title, now: context.now)
            return try repository.incident(brandID: context.brand.id, id: existing.id)
        }
        guard let incident else { throw APIError.notFound }
        return JSONResponse.make { $0.incident(incident) }
    }

    /// A bare array of every system of the brand, oldest first, with its status and active incidents.
    static func systems(_ context: RequestContext) throws -> HTTPResponse {
        let systems = try context.database.read { connection in
            try StatusPageRepository(connection: connection).systems(brandID: context.brand.id)
        }
        return JSONResponse.make { writer in writer.array { for system in systems { $0.system(system) } } }
    }

    /// Writes the nested entries in document order: new updates share the request's time, so their ids decide
    /// which is latest.
    private static func apply(
        _ input: IncidentInput<StoreLookups>, to incidentID: Int, at now: Timestamp, _ repository: StatusPageRepository
    ) throws {
        for update in input.updates {
            switch update {
            case .add(let status, let message):
                try repository.insertUpdate(
                    incidentID: incidentID, status: status, message: message, createdAt: now)
            case .change(let id, let status, let message):
                try repository.changeUpdate(id: id, status: status, message: message)
            }
        }
        for link in input.links {
            switch link {
            case .add(let systemID, let status):
                try repository.link(incidentID: incidentID, systemID: systemID, status: status)
            case .change(let id, let status):
                if let status { try repository.changeLink(id: id, status: status) }
            }
        }
    }

    /// The path's incident, if its id is a decimal id of an incident of the brand.
    private static func pathIncident(_ context: RequestContext, _ connection: Connection) throws -> IncidentRecord? {
        guard let id = try context.pathParameters.decimalID("id") else { return nil }
        return try StatusPageRepository(connection: connection).incident(brandID: context.brand.id, id: id)
    }
}

extension IncidentRecord {
    /// Whether the updates and links hold the same values (titles are compared by the caller).
    func sameContent(as other: IncidentRecord) -> Bool {
        updates.map { [String($0.id), $0.status.rawValue, $0.message] }
            == other.updates.map { [String($0.id), $0.status.rawValue, $0.message] }
            && systems.map { [$0.id, $0.systemID, $0.status.severity] }
                == other.systems.map { [$0.id, $0.systemID, $0.status.severity] }
    }
}
