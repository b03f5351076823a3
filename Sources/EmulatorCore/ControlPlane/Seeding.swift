import JSON
import MicroHTTP
import SQLiteStore

/// `POST /__emulator/brands/{brand}/{kind}`, `POST /__emulator/accounts/{id}/brands` and
/// `POST /__emulator/accounts/{id}/staff`: add one fixtures entry to a running emulator, for records the API cannot
/// create (topics, systems, ratings, channels, brands, staff with tokens), without re-importing the whole state.
/// Each answers the new record as the API renders it.
struct Seeding {
    let database: Database
    let clock: EmulatorClock

    var routes: [Route<ControlContext>] {
        [
            Route("brands/:brand/:kind", [(.post, seedBrandEntry)]),
            Route("accounts/:id/brands", [(.post, seedBrand)]),
            Route("accounts/:id/staff", [(.post, seedStaff)]),
        ]
    }

    /// One entry of `channels`, `topics`, `response_templates`, `systems` or `satisfaction_ratings` into a brand.
    func seedBrandEntry(_ context: ControlContext) throws -> HTTPResponse {
        let label = try context.pathParameters.require("brand").lowercased()
        guard let kind = BrandEntryKind(rawValue: try context.pathParameters.require("kind")),
            BrandEntryKind.seedable.contains(kind)
        else { throw APIError.notFound }
        let entry = FixtureObject(object: context.body, path: "")
        return try seed { loader in
            // Found inside the write, so that a brand removed a moment before is a 404, not a broken reference.
            guard let brand = try BrandRepository(connection: loader.connection).brand(hostLabel: label) else {
                throw APIError.notFound
            }
            let id = try loader.insert(kind, entry, brandID: brand.id, accountID: brand.accountID)
            return try Self.render(kind, id: id, brandID: brand.id, loader.connection)
        }
    }

    /// A brand `{"name", "host", "url", "channels"?}` of the account; never its default brand.
    func seedBrand(_ context: ControlContext) throws -> HTTPResponse {
        let accountID = try Self.accountID(context)
        let entry = FixtureObject(object: context.body, path: "")
        return try seed { loader in
            try Self.requireAccount(accountID, loader.connection)
            let (_, label) = try loader.insertBrand(entry, accountID: accountID, isDefault: false)
            return try Self.answer(try BrandRepository(connection: loader.connection).brand(hostLabel: label)) {
                writer, brand in
                writer.object { writer in
                    writer.field("name", brand.name)
                    writer.field("host", brand.hostLabel)
                    writer.field("url", brand.url)
                }
            }
        }
    }

    /// A staff user `{"name"?, "email", "token"?, "role"?, "admin"?, "access_reports"?, "created_at"?}`.
    func seedStaff(_ context: ControlContext) throws -> HTTPResponse {
        let accountID = try Self.accountID(context)
        let entry = FixtureObject(object: context.body, path: "")
        return try seed { loader in
            try Self.requireAccount(accountID, loader.connection)
            let id = try loader.insertStaff(entry, accountID: accountID)
            return try Self.answer(try StaffRepository(connection: loader.connection).staff(id: id)) { $0.staff($1) }
        }
    }

    /// Runs one insert in a write transaction and answers what `insert` rendered. An invalid entry is a 422, a taken
    /// unique value a 409, both as `{"error": "<key>: <reason>"}`; nothing is written either way.
    private func seed(_ insert: (FixtureLoader) throws -> HTTPResponse) throws -> HTTPResponse {
        do {
            return try database.write { connection in
                try insert(FixtureLoader(connection: connection, now: clock.now()))
            }
        } catch let error as FixtureError {
            throw ControlError(status: error.isConflict ? 409 : 422, message: error.description)
        }
    }

    /// The account id in the path; a 404 `{"error":"Not Found"}` when it is not a number, as for an unknown account.
    private static func accountID(_ context: ControlContext) throws -> Int {
        guard let id = Int(try context.pathParameters.require("id")) else { throw APIError.notFound }
        return id
    }

    /// Checks, inside the write, that the account exists (so that one deleted a moment before is a 404, not a broken
    /// reference).
    private static func requireAccount(_ accountID: Int, _ connection: Connection) throws {
        guard try AccountRepository(connection: connection).exists(accountID: accountID) else {
            throw APIError.notFound
        }
    }

    /// The new record in the API's shape.
    private static func render(_ kind: BrandEntryKind, id: Int, brandID: Int, _ connection: Connection) throws
        -> HTTPResponse
    {
        switch kind {
        case .channels:
            try answer(try ChannelRepository(connection: connection).channel(id: id)) { $0.channel($1) }
        case .topics:
            try answer(try ArticleRepository(connection: connection).topic(brandID: brandID, id: id)) { $0.topic($1) }
        case .responseTemplates:
            try answer(try ResponseTemplateRepository(connection: connection).template(id: id)) {
                $0.responseTemplate($1)
            }
        case .systems:
            try answer(try StatusPageRepository(connection: connection).system(brandID: brandID, id: id)) {
                $0.system($1)
            }
        case .satisfactionRatings:
            try answer(try SatisfactionRatingRepository(connection: connection).rating(id: id)) {
                $0.satisfactionRating($1)
            }
        case .articles, .incidents:
            // Not seedable: the API writes them.
            throw APIError.internalError
        }
    }

    /// A 200 with the record the same transaction just wrote (reading it back cannot miss).
    private static func answer<Record>(_ record: Record?, _ write: (inout JSONWriter, Record) -> Void) throws
        -> HTTPResponse
    {
        guard let record else { throw APIError.internalError }
        return JSONResponse.make { write(&$0, record) }
    }
}
