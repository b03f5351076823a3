import MicroHTTP

/// `GET/POST /contacts` and `GET/PUT /contacts/{identifier}` (spec §2).
enum ContactsHandlers {
    static let routes: [Route<RequestContext>] = [
        Route("contacts", [(.get, list), (.post, create)]),
        Route("contacts/:identifier", [(.get, show), (.put, update)]),
    ]

    /// `GET /contacts`: the account's contacts, filtered and paged (§2.3).
    static func list(_ context: RequestContext) throws -> HTTPResponse {
        var filter = ContactListFilter()
        filter.query = context.parameters.string("q")
        if let type = context.parameters.string("type") {
            guard let identityType = IdentityType(rawValue: type), identityType == .email || identityType == .mobile
            else { throw ValidationErrors.single("type", "is not included in the list") }
            filter.identityType = identityType
        }
        filter.data = context.parameters.dataFilters
        filter.newestFirst = context.parameters.string("sort") == "date"
        let pageNumber = Page<ContactRecord>.number(from: context.parameters.string("page"))
        let page = try context.database.read { connection in
            try ContactRepository(connection: connection).list(
                accountID: context.accountID, filter: filter, page: pageNumber)
        }
        return JSONResponse.make { $0.page(page, key: "contacts") { writer, contact in writer.contact(contact) } }
    }

    /// `GET /contacts/{identifier}`: one bare contact (§2.4).
    static func show(_ context: RequestContext) throws -> HTTPResponse {
        let contact = try context.database.read { connection in
            try ContactRepository(connection: connection).load(contactID: try context.contactID(in: connection))
        }
        guard let contact else { throw APIError.notFound }
        return JSONResponse.make { $0.contact(contact) }
    }

    /// `POST /contacts`: creates a contact with its email and mobile identities, data and notes (§2.5).
    static func create(_ context: RequestContext) throws -> HTTPResponse {
        guard let body = context.body.root("contact") else {
            throw ValidationErrors.single("contact", "is missing")
        }
        var errors = ValidationErrors()
        let reader = FieldReader(object: body)
        let email = reader.string("email", &errors).map { $0.trimmed.lowercased() }
        let mobile = reader.string("mobile", &errors).map(\.trimmed)
        let externalID = reader.stringOrNumber("id", &errors).map(\.trimmed)
        var fields = ContactFields(externalID: externalID)
        fields.name = reader.string("name", &errors)
        fields.friendlyName = reader.string("friendly_name", &errors)
        fields.externalAvatarURL = reader.string("external_avatar_url", &errors).map(\.trimmed)
        let data = reader.data("data", &errors)
        let notes = reader.stringArray("notes", &errors)

        let contact = try context.database.write { connection in
            let repository = ContactRepository(connection: connection)
            var checked = ValidationErrors()
            if email == nil, mobile == nil, !errors.has("email"), !errors.has("mobile") {
                checked.add("base", "email or mobile is required")
            }
            if let email {
                if !Formats.isEmail(email) {
                    checked.add("email", "is invalid")
                } else if try repository.identityOwner(accountID: context.accountID, type: .email, matchKey: email)
                    != nil
                {
                    checked.add("email", "has already been taken")
                }
            }
            if let mobile {
                if !Formats.isMobile(mobile) {
                    checked.add("mobile", "is invalid")
                } else if try repository.identityOwner(accountID: context.accountID, type: .mobile, matchKey: mobile)
                    != nil
                {
                    checked.add("mobile", "has already been taken")
                }
            }
            if let externalID, try repository.externalIDTaken(accountID: context.accountID, externalID: externalID) {
                checked.add("id", "has already been taken")
            }
            if let avatar = fields.externalAvatarURL, !Formats.isWebURL(avatar) {
                checked.add("external_avatar_url", "is invalid")
            }
            for field in errors.fields { for message in field.messages { checked.add(field.field, message) } }
            try checked.throwIfAny()

            let id = try repository.insertContact(accountID: context.accountID, fields: fields, now: context.now)
            for (type, identifier) in [(IdentityType.email, email), (.mobile, mobile)] {
                guard let identifier else { continue }
                _ = try repository.attach(
                    accountID: context.accountID, contactID: id, type: type, identifier: identifier,
                    matchKey: identifier, now: context.now)
            }
            if let data { _ = try repository.mergeData(contactID: id, changes: data) }
            for note in notes ?? [] where !Formats.isBlank(note) {
                try repository.insertNote(
                    contactID: id, body: note, creatorID: context.staff.id, createdAt: context.now, now: context.now)
            }
            return try repository.load(contactID: id)
        }
        guard let contact else { throw APIError.internalError }
        return JSONResponse.make { $0.contact(contact) }
    }

    /// `PUT /contacts/{identifier}`: changes name, friendly name, avatar and data; adds notes (§2.6).
    static func update(_ context: RequestContext) throws -> HTTPResponse {
        let contact = try context.database.write { connection in
            let repository = ContactRepository(connection: connection)
            let id = try context.contactID(in: connection)
            guard let body = context.body.root("contact") else {
                throw ValidationErrors.single("contact", "is missing")
            }
            var errors = ValidationErrors()
            let reader = FieldReader(object: body)
            let name = reader.string("name", &errors)
            let friendlyName = reader.string("friendly_name", &errors)
            let avatar = reader.string("external_avatar_url", &errors).map(\.trimmed)
            if let avatar, !Formats.isWebURL(avatar) { errors.add("external_avatar_url", "is invalid") }
            let data = reader.data("data", &errors)
            let notes = reader.stringArray("notes", &errors)
            try errors.throwIfAny()

            var changed = try repository.updateContact(
                contactID: id, name: name, friendlyName: friendlyName, externalAvatarURL: avatar)
            if let data { changed = try repository.mergeData(contactID: id, changes: data) || changed }
            for note in notes ?? [] where !Formats.isBlank(note) {
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
