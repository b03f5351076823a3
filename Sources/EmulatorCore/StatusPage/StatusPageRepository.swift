import SQLiteStore

/// The SQL behind a brand's status page: systems, incidents, their updates and links.
struct StatusPageRepository {
    let connection: Connection

    // MARK: Incidents

    private static let incidentColumns =
        "i.id, i.title, b.account_id, i.brand_id, i.external_url, i.created_at, i.updated_at"
    private static let incidentJoin = "FROM incidents i JOIN brands b ON b.id = i.brand_id"

    /// One page of the brand's incidents, newest first.
    func incidents(brandID: Int, page: Int) throws -> [IncidentRecord] {
        let ids = try connection.query(
            "SELECT id FROM incidents WHERE brand_id = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
            [brandID, Page<IncidentRecord>.size, Page<IncidentRecord>.offset(of: page)]
        ) { $0.int(0) }
        return try incidents(ids: ids)
    }

    /// The brand's incident with this internal id.
    func incident(brandID: Int, id: Int) throws -> IncidentRecord? {
        let found = try connection.queryOne("SELECT id FROM incidents WHERE id = ? AND brand_id = ?", [id, brandID]) {
            $0.int(0)
        }
        guard let found else { return nil }
        return try incidents(ids: [found]).first
    }

    /// The incidents with these ids, in this order, each with its updates (newest first) and links (oldest first):
    /// three statements whatever the number of incidents.
    func incidents(ids: [Int]) throws -> [IncidentRecord] {
        guard !ids.isEmpty else { return [] }
        let list = IDList.json(ids)
        let updates = Dictionary(
            grouping: try connection.query(
                """
                SELECT incident_id, id, status, message, created_at FROM incident_updates
                WHERE incident_id IN (SELECT value FROM json_each(?)) ORDER BY incident_id, created_at DESC, id DESC
                """, [list]
            ) { row in
                (
                    incident: try row.int("incident_id"),
                    update: IncidentUpdateRecord(
                        id: try row.int("id"),
                        status: try row.string("status", as: IncidentStatus.self),
                        message: try row.string("message"),
                        createdAt: Timestamp(milliseconds: try row.int64("created_at")))
                )
            }, by: \.incident
        ).mapValues { $0.map(\.update) }
        let links = Dictionary(
            grouping: try connection.query(
                """
                SELECT l.incident_id, l.id, l.system_id, l.status, s.title FROM incidents_systems l
                    JOIN systems s ON s.id = l.system_id
                WHERE l.incident_id IN (SELECT value FROM json_each(?)) ORDER BY l.incident_id, l.id
                """, [list]
            ) { row in
                (
                    incident: try row.int("incident_id"),
                    link: IncidentSystemRecord(
                        id: try row.int("id"), systemID: try row.int("system_id"),
                        status: try row.string("status", as: SystemStatus.self),
                        systemTitle: try row.string("title"))
                )
            }, by: \.incident
        ).mapValues { $0.map(\.link) }
        let rows = try connection.query(
            "SELECT \(Self.incidentColumns) \(Self.incidentJoin) WHERE i.id IN (SELECT value FROM json_each(?))", [list]
        ) { row in
            let id = try row.int("id")
            return IncidentRecord(
                id: id, title: try row.string("title"), accountID: try row.int("account_id"),
                brandID: try row.int("brand_id"), createdAt: Timestamp(milliseconds: try row.int64("created_at")),
                updatedAt: Timestamp(milliseconds: try row.int64("updated_at")),
                externalURL: try row.optionalString("external_url"), updates: updates[id] ?? [],
                systems: links[id] ?? [])
        }
        let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0.id, $0) })
        return ids.compactMap { byID[$0] }
    }

    /// Inserts an incident and returns its id.
    func insertIncident(brandID: Int, title: String, externalURL: String?, createdAt: Timestamp) throws -> Int {
        try connection.insert(
            """
            INSERT INTO incidents (brand_id, title, external_url, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
            """, [brandID, title, externalURL, createdAt.milliseconds, createdAt.milliseconds])
    }

    /// Sets the title (when given) and `updated_at`.
    func touchIncident(id: Int, title: String?, now: Timestamp) throws {
        try connection.execute(
            "UPDATE incidents SET title = coalesce(?, title), updated_at = ? WHERE id = ?",
            [title, now.milliseconds, id])
    }

    /// Adds an update to an incident.
    func insertUpdate(incidentID: Int, status: IncidentStatus, message: String, createdAt: Timestamp) throws {
        _ = try connection.insert(
            "INSERT INTO incident_updates (incident_id, status, message, created_at) VALUES (?, ?, ?, ?)",
            [incidentID, status.rawValue, message, createdAt.milliseconds])
    }

    /// Replaces an update's status and message where given; its time stays.
    func changeUpdate(id: Int, status: IncidentStatus?, message: String?) throws {
        try connection.execute(
            "UPDATE incident_updates SET status = coalesce(?, status), message = coalesce(?, message) WHERE id = ?",
            [status?.rawValue, message, id])
    }

    /// Links a system to an incident, or changes the status of the link they already have.
    func link(incidentID: Int, systemID: Int, status: SystemStatus) throws {
        // Not an upsert: SQLite spends an id on an upsert that only updates, and ids here follow the entries.
        let changed = try connection.execute(
            "UPDATE incidents_systems SET status = ? WHERE incident_id = ? AND system_id = ?",
            [status.rawValue, incidentID, systemID])
        guard changed == 0 else { return }
        _ = try connection.insert(
            "INSERT INTO incidents_systems (incident_id, system_id, status) VALUES (?, ?, ?)",
            [incidentID, systemID, status.rawValue])
    }

    /// Changes a link's status.
    func changeLink(id: Int, status: SystemStatus) throws {
        try connection.execute("UPDATE incidents_systems SET status = ? WHERE id = ?", [status.rawValue, id])
    }

    /// Every incident of the brand, oldest first, for the fixtures format.
    func allIncidents(brandID: Int) throws -> [IncidentRecord] {
        try incidents(
            ids: try connection.query(
                "SELECT id FROM incidents WHERE brand_id = ? ORDER BY created_at, id", [brandID]
            ) { $0.int(0) })
    }

    // MARK: Systems

    private static let systemColumns = "s.id, s.title, b.account_id, s.brand_id, s.created_at, s.updated_at"

    /// Every system of the brand, oldest first, each with its active incidents newest first.
    func systems(brandID: Int) throws -> [SystemRecord] {
        // The brand's incidents whose latest update is not `resolved`, newest first.
        let activeIDs = try connection.query(
            """
            SELECT i.id FROM incidents i
            WHERE i.brand_id = ? AND (SELECT u.status FROM incident_updates u WHERE u.incident_id = i.id
                ORDER BY u.created_at DESC, u.id DESC LIMIT 1) <> 'resolved'
            ORDER BY i.created_at DESC, i.id DESC
            """, [brandID]
        ) { $0.int(0) }
        let active = try incidents(ids: activeIDs)
        return try connection.query(
            """
            SELECT \(Self.systemColumns) FROM systems s JOIN brands b ON b.id = s.brand_id
            WHERE s.brand_id = ? ORDER BY s.created_at, s.id
            """, [brandID]
        ) { row in
            let id = try row.int("id")
            return SystemRecord(
                id: id, title: try row.string("title"), accountID: try row.int("account_id"),
                brandID: try row.int("brand_id"), createdAt: Timestamp(milliseconds: try row.int64("created_at")),
                updatedAt: Timestamp(milliseconds: try row.int64("updated_at")),
                activeIncidents: active.filter { incident in incident.systems.contains { $0.systemID == id } })
        }
    }

    /// The brand's system with this internal id (or title), without its incidents.
    func systemID(brandID: Int, id: Int) throws -> Int? {
        try connection.queryOne("SELECT id FROM systems WHERE id = ? AND brand_id = ?", [id, brandID]) { $0.int(0) }
    }

    /// The brand's system with this title.
    func systemID(brandID: Int, title: String) throws -> Int? {
        try connection.queryOne("SELECT id FROM systems WHERE brand_id = ? AND title = ?", [brandID, title]) {
            $0.int(0)
        }
    }

    /// The brand's system with this id, with its active incidents, as `GET /systems` shows it.
    func system(brandID: Int, id: Int) throws -> SystemRecord? {
        try systems(brandID: brandID).first { $0.id == id }
    }

    /// Inserts a system and returns its id.
    func insertSystem(brandID: Int, title: String, createdAt: Timestamp, updatedAt: Timestamp) throws -> Int {
        try connection.insert(
            "INSERT INTO systems (brand_id, title, created_at, updated_at) VALUES (?, ?, ?, ?)",
            [brandID, title, createdAt.milliseconds, updatedAt.milliseconds])
    }
}
