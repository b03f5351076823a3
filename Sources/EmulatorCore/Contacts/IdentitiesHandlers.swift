import JSON
import MicroHTTP

/// `GET/POST /contacts/{identifier}/identities` (spec §3).
enum IdentitiesHandlers {
    static let routes: [Route<RequestContext>] = [
        Route("contacts/:identifier/identities", [(.get, list), (.post, attach)])
    ]

    /// The types `POST …/identities` accepts; `facebook` has its own refusal (§3.3).
    static let attachableTypes: Set<IdentityType> = [.email, .mobile, .instagram, .igsid, .twitter]

    /// `GET …/identities`: the contact's identities, oldest first (§3.2).
    static func list(_ context: RequestContext) throws -> HTTPResponse {
        let identities = try context.database.read { connection in
            try ContactRepository(connection: connection).identities(contactID: try context.contactID(in: connection))
        }
        return JSONResponse.make { $0.identities(identities) }
    }

    /// `POST …/identities`: attaches an identity, moving it and its history from another contact if needed (§3.3,
    /// §3.4). The move is one transaction.
    static func attach(_ context: RequestContext) throws -> HTTPResponse {
        let identities = try context.database.write { connection in
            let repository = ContactRepository(connection: connection)
            let contactID = try context.contactID(in: connection)
            let identity = try validatedIdentity(context.body)
            _ = try repository.attach(
                accountID: context.accountID, contactID: contactID, type: identity.type,
                identifier: identity.identifier, matchKey: identity.matchKey, now: context.now)
            return try repository.identities(contactID: contactID)
        }
        return JSONResponse.make { $0.identities(identities) }
    }

    /// The identity of the request body, normalised, or the 422 of §3.3.
    static func validatedIdentity(_ body: JSONObject) throws -> (
        type: IdentityType, identifier: String, matchKey: String
    ) {
        guard let identity = body.root("identity") else { throw ValidationErrors.single("identity", "is missing") }
        var errors = ValidationErrors()
        let reader = FieldReader(object: identity)
        let rawType = reader.string("type", &errors)?.trimmed.lowercased()
        let type = rawType.flatMap(IdentityType.init(rawValue:))
        if rawType == IdentityType.facebook.rawValue {
            errors.add("type", "facebook identities cannot be added")
        } else if !errors.has("type"), type.map(attachableTypes.contains) != true {
            errors.add("type", "is not included in the list")
        }
        let rawIdentifier = reader.string("identifier", &errors)
        let normalized = rawIdentifier.flatMap { (type ?? .mobile).normalize($0) }
        if normalized == nil, !errors.has("identifier") {
            errors.add("identifier", "can't be blank")
        }
        if let normalized, let type, attachableTypes.contains(type), !type.isValid(normalized.identifier) {
            errors.add("identifier", "is invalid")
        }
        try errors.throwIfAny()
        guard let type, let normalized else { throw APIError.internalError }
        return (type, normalized.identifier, normalized.matchKey)
    }
}
