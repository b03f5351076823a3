import JSON

/// `POST /staff`'s body (spec §8.3): a login email not used by any staff user yet.
struct NewStaff<Lookups: WriteLookups> {
    let name: String?
    /// Lower-cased.
    let email: String
    /// Nil: a random one nobody is told.
    let password: String?

    init(body: JSONObject, lookups: Lookups) throws {
        let object = try body.requiredRoot("staff")
        var errors = ValidationErrors()
        let reader = FieldReader(object: object)
        name = reader.string("name", &errors)
        let email = reader.string("email", &errors).map { $0.trimmed.lowercased() }
        password = reader.string("password", &errors)
        if email == nil, !errors.has("email") { errors.add("email", "can't be blank") }
        if let email {
            if !Formats.isEmail(email) {
                errors.add("email", "is invalid")
            } else if try lookups.staffEmailTaken(email) {
                errors.add("email", "has already been taken")
            }
        }
        // Without an email the errors hold "can't be blank" or its type error.
        guard errors.isEmpty, let email else { throw errors }
        self.email = email
    }
}
