import JSON

/// `GET /contacts`' query (spec §2.3).
struct ContactListQuery {
    var filter = ContactListFilter()
    let page: Int

    init(parameters: Parameters) throws(ValidationErrors) {
        filter.query = parameters.string("q")
        if let type = parameters.string("type") {
            guard let identityType = IdentityType(rawValue: type), identityType == .email || identityType == .mobile
            else { throw .single("type", "is not included in the list") }
            filter.identityType = identityType
        }
        filter.data = parameters.dataFilters
        filter.newestFirst = parameters.string("sort") == "date"
        page = Page<ContactRecord>.number(from: parameters.string("page"))
    }
}

/// `POST /contacts`'s body (spec §2.5): at least an email or a mobile, each valid and not yet in the account, an
/// external id not yet used, an http(s) avatar URL, one-level data, notes as strings.
struct NewContact<Lookups: WriteLookups> {
    /// The email, then the mobile, whichever were given.
    let identities: [IdentityKey]
    let fields: ContactFields
    let data: JSONObject?
    /// The non-blank notes, in order.
    let notes: [String]

    init(body: JSONObject, lookups: Lookups) throws {
        let object = try body.requiredRoot("contact")
        var errors = ValidationErrors()
        let reader = FieldReader(object: object)
        let email = reader.string("email", &errors).map { $0.trimmed.lowercased() }
        let mobile = reader.string("mobile", &errors).map(\.trimmed)
        let externalID = reader.stringOrNumber("id", &errors).map(\.trimmed)
        var fields = ContactFields(externalID: externalID)
        fields.name = reader.string("name", &errors)
        fields.friendlyName = reader.string("friendly_name", &errors)
        fields.externalAvatarURL = reader.string("external_avatar_url", &errors).map(\.trimmed)
        data = reader.data("data", &errors)
        notes = (reader.stringArray("notes", &errors) ?? []).filter { !Formats.isBlank($0) }

        // The rules of §2.5 first, in their order, then the type errors of the fields read above.
        var checked = ValidationErrors()
        if email == nil, mobile == nil, !errors.has("email"), !errors.has("mobile") {
            checked.add("base", "email or mobile is required")
        }
        for (type, value, field) in [(IdentityType.email, email, "email"), (.mobile, mobile, "mobile")] {
            guard let value else { continue }
            if !type.isValid(value) {
                checked.add(field, "is invalid")
            } else if try lookups.identityTaken(type, matchKey: value) {
                checked.add(field, "has already been taken")
            }
        }
        if let externalID, try lookups.externalIDTaken(externalID) { checked.add("id", "has already been taken") }
        if let avatar = fields.externalAvatarURL, !Formats.isWebURL(avatar) {
            checked.add("external_avatar_url", "is invalid")
        }
        checked.append(errors)
        try checked.throwIfAny()
        identities = [email.map(IdentityKey.email), mobile.map(IdentityKey.mobile)].compactMap { $0 }
        self.fields = fields
    }
}

/// `PUT /contacts/{identifier}`'s body (spec §2.6): what changes; absent fields stay as they are.
struct ContactChanges {
    let name: String?
    let friendlyName: String?
    let externalAvatarURL: String?
    let data: JSONObject?
    /// The non-blank notes to add, in order.
    let notes: [String]

    init(body: JSONObject) throws(ValidationErrors) {
        let object = try body.requiredRoot("contact")
        var errors = ValidationErrors()
        let reader = FieldReader(object: object)
        name = reader.string("name", &errors)
        friendlyName = reader.string("friendly_name", &errors)
        externalAvatarURL = reader.string("external_avatar_url", &errors).map(\.trimmed)
        if let externalAvatarURL, !Formats.isWebURL(externalAvatarURL) {
            errors.add("external_avatar_url", "is invalid")
        }
        data = reader.data("data", &errors)
        notes = (reader.stringArray("notes", &errors) ?? []).filter { !Formats.isBlank($0) }
        try errors.throwIfAny()
    }
}

/// `POST /contacts/{identifier}/identities`'s body (spec §3.3): a type the endpoint attaches and an identifier of
/// that type's format, normalised.
struct NewIdentity {
    /// The types this endpoint attaches; `facebook` has its own refusal.
    static let attachableTypes: Set<IdentityType> = [.email, .mobile, .instagram, .igsid, .twitter]

    let key: IdentityKey

    init(body: JSONObject) throws(ValidationErrors) {
        let identity = try body.requiredRoot("identity")
        var errors = ValidationErrors()
        let reader = FieldReader(object: identity)
        let rawType = reader.string("type", &errors)?.trimmed.lowercased()
        let type = rawType.flatMap(IdentityType.init(rawValue:))
        if rawType == IdentityType.facebook.rawValue {
            errors.add("type", "facebook identities cannot be added")
        } else if !errors.has("type"), type.map(Self.attachableTypes.contains) != true {
            errors.add("type", "is not included in the list")
        }
        let rawIdentifier = reader.string("identifier", &errors)
        let normalized = rawIdentifier.flatMap { IdentityKey(type ?? .mobile, $0) }
        if normalized == nil, !errors.has("identifier") {
            errors.add("identifier", "can't be blank")
        }
        if let normalized, let type, Self.attachableTypes.contains(type), !type.isValid(normalized.identifier) {
            errors.add("identifier", "is invalid")
        }
        // Each nil above recorded an error, so past this line the type is known and the key is of that type.
        guard errors.isEmpty, type != nil, let normalized else { throw errors }
        key = normalized
    }
}

/// The fields of a note write (spec §4.3, §4.4), read from a `note` object if the body has one, else from the top
/// level. Absent fields are nil (an update keeps them); a blank body is refused.
struct NoteFields<Lookups: WriteLookups> {
    let body: String?
    /// The staff user named by `creator_email`.
    let creator: Lookups.StaffReference?
    let createdAt: Timestamp?

    init(body request: JSONObject, lookups: Lookups) throws {
        let source = request.root("note") ?? request
        var errors = ValidationErrors()
        switch source["body"] {
        case nil, .null: body = nil
        case .string(let text) where !Formats.isBlank(text): body = text
        case .string:
            body = nil
            errors.add("body", "can't be blank")
        default:
            body = nil
            errors.add("body", "is invalid")
        }
        let reader = FieldReader(object: source)
        if let email = reader.string("creator_email", &errors) {
            creator = try lookups.staff(email: email)
            if creator == nil { errors.add("creator_email", "is not a staff user") }
        } else {
            creator = nil
        }
        if let text = reader.string("created_at", &errors) {
            createdAt = Timestamp.parse(text.trimmed)
            if createdAt == nil { errors.add("created_at", "is invalid") }
        } else {
            createdAt = nil
        }
        try errors.throwIfAny()
    }
}

/// `POST …/notes`: the note fields with a body, which a new note must have.
struct NewNote<Lookups: WriteLookups> {
    let body: String
    let fields: NoteFields<Lookups>

    init(body request: JSONObject, lookups: Lookups) throws {
        fields = try NoteFields(body: request, lookups: lookups)
        guard let body = fields.body else { throw ValidationErrors.single("body", "can't be blank") }
        self.body = body
    }
}
