import MicroHTTP
import SQLiteStore

/// Isolated tenants: `POST /__emulator/accounts`, `DELETE /__emulator/accounts/{id}`,
/// `POST /__emulator/accounts/{id}/reset`.
struct Tenants {
    let database: Database
    let clock: EmulatorClock
    /// `host:port` for the `base_url` of a new tenant when the request carried no Host header.
    let listeningHost: String

    var routes: [Route<ControlContext>] {
        [
            Route("accounts", [(.get, list), (.post, create)]),
            Route("accounts/:id", [(.delete, delete)]),
            Route("accounts/:id/reset", [(.post, reset)]),
        ]
    }

    /// Creates an account with a brand, a `support` channel and an administrator with an API token.
    func create(_ context: ControlContext) throws -> HTTPResponse {
        let body = context.body
        let name = try body.controlString("name")
        let brand = try body.controlString("brand")?.lowercased()
        let login = try body.controlString("login")?.lowercased()
        let token = try body.controlString("token") ?? Self.randomToken()
        if let brand, !Self.isHostLabel(brand) {
            throw ControlError.badRequest("brand must be a host label: lower-case letters, digits and '-'")
        }
        if let login, !Formats.isEmail(login) { throw ControlError.badRequest("login must be an email address") }
        let now = clock.now()
        let created = try database.write { connection in
            let (accounts, brands, staff) = (
                AccountRepository(connection: connection), BrandRepository(connection: connection),
                StaffRepository(connection: connection)
            )
            if let brand, try brands.hostLabelTaken(brand) { throw ControlError.conflict("brand \(brand) is taken") }
            if let login, try staff.emailTaken(login) { throw ControlError.conflict("login \(login) is taken") }
            let accountID = try accounts.insert(name: name ?? "Tenant")
            if name == nil { try accounts.rename(accountID: accountID, to: "Tenant \(accountID)") }
            // A generated name may already be in use (an imported state can hold `tenant-7`): take the first free
            // one of tenant-<id>, tenant-<id>-2, … for the brand and the login alike.
            let generated = try Slug.unique(for: nil, base: "tenant-\(accountID)") { candidate in
                try (brand == nil && brands.hostLabelTaken(candidate))
                    || (login == nil && staff.emailTaken("\(candidate)@example.com"))
            }
            let label = brand ?? generated
            let email = login ?? "\(generated)@example.com"
            let brandID = try brands.insert(
                accountID: accountID, name: name ?? "Tenant \(accountID)", hostLabel: label,
                url: "\(label).example.com",
                isDefault: true)
            _ = try ChannelRepository(connection: connection).insert(
                brandID: brandID, name: "Support", slug: "support", email: "support@\(label).example.com", type: .email,
                visibility: 1, createdAt: now)
            _ = try staff.insert(
                accountID: accountID, name: "Tenant Admin", email: email, token: token, password: nil,
                role: "Administrator", isAdmin: true, createdAt: now)
            return (accountID: accountID, login: email, brand: label)
        }
        return JSONResponse.make { writer in
            writer.object { writer in
                writer.field("account_id", created.accountID)
                writer.field("login", created.login)
                writer.field("token", token)
                writer.field("brand", created.brand)
                writer.field("base_url", "\(baseURL(context))/api/v1")
            }
        }
    }

    /// Every account with its default brand and the first administrator that has an API token, so a console or a
    /// test can pick a tenant and sign in as it (the control plane is the operator's: it shows tokens, as export does).
    func list(_ context: ControlContext) throws -> HTTPResponse {
        let accounts = try database.read { try AccountRepository(connection: $0).tenants() }
        return JSONResponse.make { writer in
            writer.object { writer in
                writer.key("accounts")
                writer.array { writer in
                    for account in accounts {
                        writer.object { writer in
                            writer.field("account_id", account.id)
                            writer.field("name", account.name)
                            writer.field("brand", account.brand)
                            writer.field("login", account.login)
                            writer.field("token", account.token)
                        }
                    }
                }
            }
        }
    }

    /// Removes an account and everything it holds.
    func delete(_ context: ControlContext) throws -> HTTPResponse {
        let accountID = try accountID(context)
        try database.write { connection in
            try AccountRepository(connection: connection).delete(accountID: accountID)
        }
        return JSONResponse.make { $0.object { $0.field("deleted", accountID) } }
    }

    /// Empties an account: contacts, conversations and messages go; staff, brands and channels stay.
    func reset(_ context: ControlContext) throws -> HTTPResponse {
        let accountID = try accountID(context)
        let removed = try database.writeWithoutForeignKeyChecks { connection in
            try AccountRepository(connection: connection).empty(accountID: accountID, keeping: .staffBrandsAndChannels)
        }
        return JSONResponse.make { writer in
            writer.object { writer in
                writer.field("account_id", accountID)
                writer.field("contacts_removed", removed)
            }
        }
    }

    private func accountID(_ context: ControlContext) throws -> Int {
        let given = try context.pathParameters.require("id")
        guard let id = Int(given),
            try database.read({ try AccountRepository(connection: $0).exists(accountID: id) })
        else { throw ControlError.notFound("no account \(given)") }
        return id
    }

    /// `http://{Host}` as the caller reached the emulator.
    private func baseURL(_ context: ControlContext) -> String {
        let host = context.exchange.request.header("Host").map(\.trimmed).flatMap { $0.isEmpty ? nil : $0 }
        return "http://" + (host ?? listeningHost)
    }

    private static func isHostLabel(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 63 && !text.hasPrefix("-") && !text.hasSuffix("-")
            && text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// 32 random hex digits: unguessable, so tenants cannot reach each other's data.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let value = generator.next() as UInt32
            let hex = String(value, radix: 16)
            return String(repeating: "0", count: 8 - hex.count) + hex
        }.joined()
    }
}
