import SQLiteStore

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
        let type = try identifierType()
        guard
            let id = try ContactRepository(connection: connection).contactID(
                accountID: accountID, type: type, identifier: try pathParameters.require("identifier"))
        else { throw APIError.notFound }
        return id
    }

    /// Reads the contact named by the path and renders what `render` picks of it, in one consistent read.
    func readContact(_ render: (ContactRepository, Int) throws -> [UInt8]) throws -> [UInt8] {
        try database.read { connection in
            try render(ContactRepository(connection: connection), try contactID(in: connection))
        }
    }
}
