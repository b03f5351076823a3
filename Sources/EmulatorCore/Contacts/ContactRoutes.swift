import MicroHTTP
import SQLiteStore

/// `GET/POST /contacts` and `GET/PUT /contacts/{identifier}` (spec §2).
enum ContactRoutes {
    static let routes: [Route<RequestContext>] = [
        Route("contacts", [(.get, list), (.post, create)]),
        Route("contacts/:identifier", [(.get, show), (.put, update)]),
    ]

    /// `GET /contacts`: the account's contacts, filtered and paged (§2.3).
    static func list(_ context: RequestContext) throws -> HTTPResponse {
        let query = try ContactListQuery(parameters: context.parameters)
        let page = try context.database.read { connection in
            try ContactRepository(connection: connection).list(
                accountID: context.accountID, filter: query.filter, page: query.page)
        }
        return JSONResponse.make { $0.page(page, key: "contacts") { writer, contact in writer.contact(contact) } }
    }

    /// `GET /contacts/{identifier}`: one bare contact (§2.4).
    static func show(_ context: RequestContext) throws -> HTTPResponse {
        let contact = try context.database.read { connection in
            try context.readOfPathContact(in: connection) { $0.load(accountID:type:identifier:) }
        }
        return JSONResponse.make { $0.contact(contact) }
    }

    /// `POST /contacts`: creates a contact with its email and mobile identities, data and notes (§2.5).
    static func create(_ context: RequestContext) throws -> HTTPResponse {
        let contact = try context.write(
            precheck: { _ = try NewContact(body: context.body, lookups: BodyOnly()) }, target: { _ in },
            input: { connection, _ in try NewContact(body: context.body, lookups: context.lookups(connection)) }
        ) { connection, _, input in
            // The contact is inserted with `updated_at` = now: what follows need not touch it, and the answer need
            // not read data or notes the body did not give. Its identities were found free by `input`, in this
            // transaction, so none is looked for again.
            let repository = ContactRepository(connection: connection)
            let id = try repository.insertContact(accountID: context.accountID, fields: input.fields, now: context.now)
            for identity in input.identities {
                try repository.insertIdentity(
                    accountID: context.accountID, contactID: id, identity: identity, now: context.now, touching: false)
            }
            if let data = input.data { _ = try repository.mergeData(contactID: id, changes: data) }
            for note in input.notes {
                try repository.insertNote(
                    contactID: id, body: note, creatorID: context.staff.id, createdAt: context.now, now: context.now,
                    touching: false)
            }
            return try repository.load(contactID: id, withNotes: !input.notes.isEmpty, withData: input.data != nil)
        }
        guard let contact else { throw APIError.internalError }
        return JSONResponse.make { $0.contact(contact) }
    }

    /// `PUT /contacts/{identifier}`: changes name, friendly name, avatar and data; adds notes (§2.6).
    static func update(_ context: RequestContext) throws -> HTTPResponse {
        let contact = try context.write(
            body: { try ContactChanges(body: context.body) }, target: context.contactID(in:)
        ) { connection, id, changes in
            let repository = ContactRepository(connection: connection)
            var changed = try repository.updateContact(
                contactID: id, name: changes.name, friendlyName: changes.friendlyName,
                externalAvatarURL: changes.externalAvatarURL)
            if let data = changes.data { changed = try repository.mergeData(contactID: id, changes: data) || changed }
            for note in changes.notes {
                try repository.insertNote(
                    contactID: id, body: note, creatorID: context.staff.id, createdAt: context.now, now: context.now)
            }
            if changed { try repository.touch(contactIDs: [id], now: context.now) }
            return try repository.load(contactID: id)
        }
        guard let contact else { throw APIError.notFound }
        return JSONResponse.make { $0.contact(contact) }
    }
}

extension RequestContext {
    /// The `identifier_type` of the request (spec §2.2), `email` by default.
    /// - Throws: a 422 on `identifier_type` for any other value.
    func identifierType() throws -> IdentityType {
        guard let raw = parameters.string("identifier_type") else { return .email }
        guard let type = IdentityType(rawValue: raw.trimmed.lowercased()) else {
            throw ValidationErrors.single("identifier_type", "is not included in the list")
        }
        return type
    }

    /// Validates `identifier_type` and finds the contact named by the `identifier` path parameter (spec §2.2).
    /// - Throws: a 422 for a bad `identifier_type`, ``APIError/notFound`` when no contact holds the identity.
    func contactID(in connection: Connection) throws -> Int {
        try readOfPathContact(in: connection) { $0.contactID(accountID:type:identifier:) }
    }

    /// What `read` finds of the contact named by the `identifier` path parameter, after `identifier_type` is checked.
    /// - Throws: a 422 for a bad `identifier_type`, ``APIError/notFound`` when `read` finds nothing.
    func readOfPathContact<Found>(
        in connection: Connection,
        _ read: (ContactRepository) -> (_ accountID: Int, _ type: IdentityType, _ identifier: String) throws -> Found?
    ) throws -> Found {
        let type = try identifierType()
        guard
            let found = try read(ContactRepository(connection: connection))(
                accountID, type, try pathParameters.require("identifier"))
        else { throw APIError.notFound }
        return found
    }
}
