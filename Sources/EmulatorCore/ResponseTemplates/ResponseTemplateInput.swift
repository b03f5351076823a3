import JSON

extension FieldReader {
    /// `is_personal`: true as `1`, `true`, `"1"`, `"true"`; false as `0`, `false`, `"0"`, `"false"`; blank is absent.
    func personalFlag(_ errors: inout ValidationErrors) -> Bool? {
        switch object["is_personal"] {
        case nil, .null: return nil
        case .bool(let flag): return flag
        case .number(let text), .string(let text):
            switch text.trimmed.lowercased() {
            case "": return nil
            case "1", "true": return true
            case "0", "false": return false
            default: break
            }
        default: break
        }
        errors.add(prefix + "is_personal", "is invalid")
        return nil
    }
}

/// `POST /response_templates`: a name and a body, shared unless `is_personal`.
struct NewResponseTemplate {
    let name: String
    let body: String
    let isPersonal: Bool

    init(body request: JSONObject) throws(ValidationErrors) {
        let object = try request.requiredRoot("response_template")
        var errors = ValidationErrors()
        let reader = FieldReader(object: object)
        let name = reader.string("name", &errors)
        if name == nil, !errors.has("name") { errors.add("name", "can't be blank") }
        let text = reader.string("body", &errors)
        if text == nil, !errors.has("body") { errors.add("body", "can't be blank") }
        isPersonal = reader.personalFlag(&errors) ?? false
        // Each nil above recorded an error.
        guard errors.isEmpty, let name, let text else { throw errors }
        (self.name, body) = (name, text)
    }
}

/// `PUT /response_templates/{id}`: the fields given change; blank ones stay.
struct ResponseTemplateChanges {
    let name: String?
    let body: String?
    let isPersonal: Bool?

    init(body request: JSONObject) throws(ValidationErrors) {
        let object = try request.requiredRoot("response_template")
        var errors = ValidationErrors()
        let reader = FieldReader(object: object)
        name = reader.string("name", &errors)
        body = reader.string("body", &errors)
        isPersonal = reader.personalFlag(&errors)
        try errors.throwIfAny()
    }
}
