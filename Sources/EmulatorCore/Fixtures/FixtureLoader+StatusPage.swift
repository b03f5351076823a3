extension FixtureLoader {
    /// `{"title" (unique in the brand), "created_at"?, "updated_at"?}`.
    func insertSystem(_ system: FixtureObject, brandID: Int) throws -> Int {
        let titleNode = try system.required("title")
        let title = try titleNode.string()
        let repository = StatusPageRepository(connection: connection)
        if try repository.systemID(brandID: brandID, title: title) != nil { throw FixtureError.taken(titleNode.path) }
        let created = try system.optional("created_at")?.timestamp() ?? now
        return try repository.insertSystem(
            brandID: brandID, title: title, createdAt: created,
            updatedAt: try system.optional("updated_at")?.timestamp() ?? created)
    }

    /// `{"title", "external_url"?, "created_at"?, "updated_at"?, "updates": [{"status", "message", "created_at"?}]
    /// (at least one), "systems"?: [{"system" (a system title), "status"}]}`. An update's time defaults to the
    /// incident's; the incident's `updated_at` to the latest of its own and its updates' times.
    func insertIncident(_ incident: FixtureObject, brandID: Int) throws -> Int {
        let repository = StatusPageRepository(connection: connection)
        let created = try incident.optional("created_at")?.timestamp() ?? now
        let updatesNode = try incident.required("updates")
        let updates = try updatesNode.array()
        guard !updates.isEmpty else { throw FixtureError(path: updatesNode.path, message: "needs an update") }
        let id = try repository.insertIncident(
            brandID: brandID, title: try incident.required("title").string(),
            externalURL: try incident.optional("external_url")?.string(), createdAt: created)
        var latest = created
        for node in updates {
            let update = try node.object()
            let status = try update.required("status").oneOf(IncidentStatus.self)
            let time = try update.optional("created_at")?.timestamp() ?? created
            latest = max(latest, time)
            try repository.insertUpdate(
                incidentID: id, status: status, message: try update.required("message").string(), createdAt: time)
        }
        for node in try incident.optional("systems")?.array() ?? [] {
            let link = try node.object()
            let systemNode = try link.required("system")
            let title = try systemNode.string()
            guard let systemID = try repository.systemID(brandID: brandID, title: title) else {
                throw FixtureError(path: systemNode.path, message: "\"\(title)\" is not a system of the brand")
            }
            let status = try link.required("status").oneOf(SystemStatus.self)
            try repository.link(incidentID: id, systemID: systemID, status: status)
        }
        try repository.touchIncident(
            id: id, title: nil, now: try incident.optional("updated_at")?.timestamp() ?? latest)
        return id
    }
}
