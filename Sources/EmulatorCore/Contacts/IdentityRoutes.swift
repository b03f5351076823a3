import MicroHTTP

/// `GET/POST /contacts/{identifier}/identities` (spec §3).
enum IdentityRoutes {
    static let routes: [Route<RequestContext>] = [
        Route("contacts/:identifier/identities", [(.get, list), (.post, attach)])
    ]

    /// `GET …/identities`: the contact's identities, oldest first (§3.2).
    static func list(_ context: RequestContext) throws -> HTTPResponse {
        let identities = try context.database.read { connection in
            try context.readOfPathContact(in: connection) { $0.identities(accountID:type:identifier:) }
        }
        return JSONResponse.make { $0.identities(identities) }
    }

    /// `POST …/identities`: attaches an identity, moving it and its history from another contact if needed (§3.3,
    /// §3.4). The move is one transaction.
    static func attach(_ context: RequestContext) throws -> HTTPResponse {
        let identities = try context.write(
            body: { try NewIdentity(body: context.body) }, target: context.contactID(in:)
        ) { connection, contactID, identity in
            let repository = ContactRepository(connection: connection)
            try repository.attach(
                accountID: context.accountID, contactID: contactID, identity: identity.key, now: context.now)
            return try repository.identities(contactID: contactID)
        }
        return JSONResponse.make { $0.identities(identities) }
    }
}
