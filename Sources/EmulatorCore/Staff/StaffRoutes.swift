import MicroHTTP

/// `GET /staff` and `POST /staff` (spec §8).
enum StaffRoutes {
    static let routes: [Route<RequestContext>] = [Route("staff", [(.get, list), (.post, create)])]

    static func list(_ context: RequestContext) throws -> HTTPResponse {
        let pageNumber = Page<StaffRecord>.number(from: context.parameters.string("page"))
        let page = try context.database.read { connection in
            try StaffRepository(connection: connection).list(accountID: context.accountID, page: pageNumber)
        }
        return JSONResponse.make { $0.page(page, key: "staff") { writer, staff in writer.staff(staff) } }
    }

    /// Creates a staff user with the role Staff and no API token; no invitation is sent (§8.3).
    static func create(_ context: RequestContext) throws -> HTTPResponse {
        let password = randomPassword()
        let staff = try context.write(
            precheck: { _ = try NewStaff(body: context.body, lookups: BodyOnly()) }, target: { _ in },
            input: { connection, _ in try NewStaff(body: context.body, lookups: context.lookups(connection)) }
        ) { connection, _, input in
            let repository = StaffRepository(connection: connection)
            let id = try repository.insert(
                accountID: context.accountID, name: input.name, email: input.email, token: nil,
                password: input.password ?? password, role: "Staff", isAdmin: false, createdAt: context.now)
            return try repository.staff(id: id)
        }
        guard let staff else { throw APIError.internalError }
        return JSONResponse.make { $0.staff(staff) }
    }

    /// A password nobody is told: the user signs in only once fixtures give them a token.
    private static func randomPassword() -> String {
        String((0..<24).map { _ in "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".randomElement()! })
    }
}
