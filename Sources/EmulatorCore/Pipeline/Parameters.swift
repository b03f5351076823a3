import JSON

/// The request's parameters as Rails would see them: the query string, then the top-level keys of a JSON object
/// body, the body winning (spec §1.5).
struct Parameters {
    private var values: [String: JSONValue] = [:]
    /// `data[key]=value` pairs, from the query or from a `data` object in the body.
    private(set) var dataFilters: [(key: String, value: String)] = []

    /// No parameters at all.
    static let none = Parameters()

    private init() {}

    init(query: [(name: String, value: String)], body: JSONObject?) {
        var queryData: [(key: String, value: String)] = []
        for pair in query {
            if pair.name.hasPrefix("data["), pair.name.hasSuffix("]"), pair.name.count > 6 {
                let key = String(pair.name.dropFirst(5).dropLast())
                queryData.removeAll { $0.key == key }
                queryData.append((key, pair.value))
            } else {
                values[pair.name] = .string(pair.value)
            }
        }
        dataFilters = queryData
        guard let body else { return }
        for member in body.members {
            if member.key == "data", let object = member.value.objectValue {
                dataFilters = object.members.map { ($0.key, CustomDataRepository.stringForm($0.value)) }
            } else {
                values[member.key] = member.value
            }
        }
    }

    /// The parameter as text: strings as sent, numbers as their literal, Booleans as `true`/`false`. Blank is nil.
    func string(_ name: String) -> String? {
        let text: String
        switch values[name] {
        case .string(let value): text = value
        case .number(let literal): text = literal
        case .bool(let flag): text = flag ? "true" : "false"
        default: return nil
        }
        return Formats.isBlank(text) ? nil : text
    }
}

/// Typed reads of a JSON object's fields, recording a 422 entry for a known key with the wrong JSON type.
struct FieldReader {
    let object: JSONObject
    /// Prepended to field names in errors, e.g. `user.` for `user.email`.
    var prefix = ""

    /// A string field: absent, `null` or blank is nil (spec §1.5); another type is `is invalid`.
    func string(_ key: String, _ errors: inout ValidationErrors) -> String? {
        switch object[key] {
        case nil, .null: return nil
        case .string(let text): return Formats.isBlank(text) ? nil : text
        default:
            errors.add(prefix + key, "is invalid")
            return nil
        }
    }

    /// A string that may arrive as a JSON number (an external id): the number becomes its decimal literal.
    func stringOrNumber(_ key: String, _ errors: inout ValidationErrors) -> String? {
        if case .number(let literal) = object[key] { return literal }
        return string(key, &errors)
    }

    /// An object field; `[]` counts as `{}` (PHP clients), `null` as absent, another type is `is invalid`.
    func object(_ key: String, _ errors: inout ValidationErrors) -> JSONObject? {
        switch object[key] {
        case nil, .null: return nil
        case .object(let value): return value
        case .array(let elements) where elements.isEmpty: return JSONObject()
        default:
            errors.add(prefix + key, "is invalid")
            return nil
        }
    }

    /// Custom attributes one level deep (spec §2.5): scalar values only; `null` values are kept for merges to read.
    func data(_ key: String, _ errors: inout ValidationErrors) -> JSONObject? {
        guard let data = object(key, &errors) else { return nil }
        if data.members.contains(where: { if case .array = $0.value { true } else { $0.value.objectValue != nil } }) {
            errors.add(prefix + key, "must be one level deep")
            return nil
        }
        return data
    }

    /// An array of strings; `null` is absent; anything else is `is invalid`.
    func stringArray(_ key: String, _ errors: inout ValidationErrors) -> [String]? {
        switch object[key] {
        case nil, .null: return nil
        case .array(let elements):
            var strings: [String] = []
            for element in elements {
                guard case .string(let text) = element else {
                    errors.add(prefix + key, "is invalid")
                    return nil
                }
                strings.append(text)
            }
            return strings
        default:
            errors.add(prefix + key, "is invalid")
            return nil
        }
    }
}

extension JSONObject {
    /// The object under a write's root key; a 422 `{"<key>": ["is missing"]}` when it is absent or not an object.
    func requiredRoot(_ key: String) throws(ValidationErrors) -> JSONObject {
        guard let object = root(key) else { throw .single(key, "is missing") }
        return object
    }

    /// The object under a root key (`contact`, `identity`, …); `[]` counts as `{}`. Nil when absent or not an object.
    func root(_ key: String) -> JSONObject? {
        switch self[key] {
        case .object(let object): object
        case .array(let elements) where elements.isEmpty: JSONObject()
        default: nil
        }
    }
}
