import JSON

/// The ids of an incident's updates and system links, which nested entries with an `id` may change. Nil when only
/// the body is being checked (before the transaction), where any id passes.
struct IncidentChildIDs {
    var updates: Set<Int> = []
    var links: Set<Int> = []

    /// The ids an existing incident owns; none for a new one.
    init(_ incident: IncidentRecord? = nil) {
        updates = Set(incident?.updates.map(\.id) ?? [])
        links = Set(incident?.systems.map(\.id) ?? [])
    }
}

/// The body of `POST /incidents` and `PUT /incidents/{id}`: a title and the nested `updates_attributes` and
/// `incidents_systems_attributes`, read as Rails' `accepts_nested_attributes_for` reads them (without destroy).
struct IncidentInput<Lookups: WriteLookups> {
    /// One entry of `updates_attributes`.
    enum UpdateEntry {
        /// No `id`: a new update.
        case add(status: IncidentStatus, message: String)
        /// With an `id`: the fields given replace that update's.
        case change(id: Int, status: IncidentStatus?, message: String?)
    }

    /// One entry of `incidents_systems_attributes`.
    enum LinkEntry {
        /// No `id`: link the system (or change the status of the link the incident already has to it).
        case add(system: Lookups.SystemReference, status: SystemStatus)
        /// With an `id`: change that link's status, when one is given.
        case change(id: Int, status: SystemStatus?)
    }

    let title: String?
    let updates: [UpdateEntry]
    let links: [LinkEntry]

    /// Whether the request adds at least one update.
    var addsUpdate: Bool { updates.contains { if case .add = $0 { true } else { false } } }

    /// Reads the body. `creating`: POST, where `title` and a new update are required. `owned`: the ids the path's
    /// incident owns (nil: not checked yet).
    init(body request: JSONObject, creating: Bool, owned: IncidentChildIDs?, lookups: Lookups) throws {
        let object = try request.requiredRoot("incident")
        var errors = ValidationErrors()
        let reader = FieldReader(object: object)
        title = reader.string("title", &errors)
        if creating, title == nil, !errors.has("title") { errors.add("title", "can't be blank") }

        let updateObjects = Self.entries(object["updates_attributes"], key: "updates_attributes", &errors)
        if creating, updateObjects?.isEmpty ?? true, !errors.has("updates_attributes") {
            errors.add("updates", "can't be blank")
        }
        var updates: [UpdateEntry] = []
        for entry in updateObjects ?? [] {
            let fields = FieldReader(object: entry, prefix: "updates.")
            let status = Self.status(IncidentStatus.self, fields, "updates.status", &errors)
            let message = fields.string("message", &errors)
            switch Self.id(entry["id"]) {
            case .absent:
                if status == nil, !errors.has("updates.status") {
                    errors.add("updates.status", "is not included in the list")
                }
                if message == nil, !errors.has("updates.message") { errors.add("updates.message", "can't be blank") }
                if let status, let message { updates.append(.add(status: status, message: message)) }
            case .given(let id) where owned.map({ $0.updates.contains(id) }) ?? true:
                updates.append(.change(id: id, status: status, message: message))
            case .given, .invalid:
                errors.add("updates.id", "is invalid")
            }
        }
        self.updates = updates

        var links: [LinkEntry] = []
        let linkObjects = Self.entries(
            object["incidents_systems_attributes"], key: "incidents_systems_attributes", &errors)
        for entry in linkObjects ?? [] {
            let fields = FieldReader(object: entry, prefix: "incidents_systems.")
            let status = Self.status(SystemStatus.self, fields, "incidents_systems.status", &errors)
            switch Self.id(entry["id"]) {
            case .absent:
                if status == nil, !errors.has("incidents_systems.status") {
                    errors.add("incidents_systems.status", "is not included in the list")
                }
                var system: Lookups.SystemReference?
                switch Self.id(entry["system_id"]) {
                case .absent: errors.add("incidents_systems.system_id", "can't be blank")
                case .invalid: errors.add("incidents_systems.system_id", "is invalid")
                case .given(let id):
                    system = try lookups.system(id: id)
                    if system == nil { errors.add("incidents_systems.system_id", "is invalid") }
                }
                if let system, let status { links.append(.add(system: system, status: status)) }
            case .given(let id) where owned.map({ $0.links.contains(id) }) ?? true:
                links.append(.change(id: id, status: status))
            case .given, .invalid:
                errors.add("incidents_systems.id", "is invalid")
            }
        }
        self.links = links
        try errors.throwIfAny()
    }

    /// Nested attributes: an array of objects, or an object whose values are all objects (Rails' `{"0": {…}}`
    /// form, in document order). Nil when absent; anything else records `is invalid` on `key`.
    private static func entries(_ value: JSONValue?, key: String, _ errors: inout ValidationErrors) -> [JSONObject]? {
        let elements: [JSONValue]
        switch value {
        case nil, .null: return nil
        case .array(let values): elements = values
        case .object(let object): elements = object.members.map(\.value)
        default: elements = [.null]
        }
        let objects = elements.compactMap(\.objectValue)
        guard objects.count == elements.count else {
            errors.add(key, "is invalid")
            return nil
        }
        return objects
    }

    /// A nested `status`: nil when blank; a value outside `Status` records `is not included in the list`.
    private static func status<Status: RawRepresentable>(
        _ type: Status.Type, _ fields: FieldReader, _ key: String, _ errors: inout ValidationErrors
    ) -> Status? where Status.RawValue == String {
        let text: String?
        switch fields.object["status"] {
        case nil, .null: text = nil
        case .string(let value): text = Formats.isBlank(value) ? nil : value
        default: text = ""
        }
        guard let text else { return nil }
        guard let status = Status(rawValue: text) else {
            errors.add(key, "is not included in the list")
            return nil
        }
        return status
    }

    private enum NestedID {
        case absent, invalid
        case given(Int)
    }

    /// A nested `id` or `system_id`: a decimal string or an integer; blank is absent.
    private static func id(_ value: JSONValue?) -> NestedID {
        switch value {
        case nil, .null: return .absent
        case .string(let text) where Formats.isBlank(text): return .absent
        case .string(let text), .number(let text):
            let trimmed = text.trimmed
            guard !trimmed.isEmpty, trimmed.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let id = Int(trimmed) else {
                return .invalid
            }
            return .given(id)
        default: return .invalid
        }
    }
}
