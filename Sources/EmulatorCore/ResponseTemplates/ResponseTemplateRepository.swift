import SQLiteStore

/// The SQL behind response templates and their groups, per brand. A personal template is seen by its owner only, so
/// every read names the staff user who asks.
struct ResponseTemplateRepository {
    let connection: Connection

    private static let columns = """
        r.id, r.name, r.body, r.owner_id, r.is_personal, g.id AS group_id, g.name AS group_name
        """
    private static let joins = "FROM response_templates r LEFT JOIN response_template_groups g ON g.id = r.group_id"
    /// The templates a staff user sees: the brand's shared ones and their own personal ones.
    private static let visible = "r.brand_id = ? AND (r.is_personal = 0 OR r.owner_id = ?)"

    private static func template(_ row: Row) throws -> ResponseTemplateRecord {
        let groupID = try row.optionalInt("group_id")
        let groupName = try row.optionalString("group_name")
        return ResponseTemplateRecord(
            id: try row.int("id"), name: try row.string("name"), body: try row.string("body"),
            group: groupID.flatMap { id in groupName.map { (id, $0) } }, ownerID: try row.int("owner_id"),
            isPersonal: try row.bool("is_personal"))
    }

    /// One page of what the staff user sees in the brand, by name (case-insensitive), then id.
    func list(brandID: Int, viewerID: Int, query: String?, page: Int) throws -> Page<ResponseTemplateRecord> {
        var conditions = [Self.visible]
        var values: [any SQLiteBindable] = [brandID, viewerID]
        if let query {
            conditions.append("instr(r.search_text, ?) > 0")
            values.append(query.lowercased())
        }
        return try Page.fetch(
            connection, select: Self.columns,
            from: "\(Self.joins) WHERE \(conditions.joined(separator: " AND "))", values: values,
            order: "r.sort_name, r.id", page: page, map: Self.template)
    }

    /// The template with this id, if the staff user sees it in the brand.
    func template(id: Int, brandID: Int, viewerID: Int) throws -> ResponseTemplateRecord? {
        try connection.queryOne(
            "SELECT \(Self.columns) \(Self.joins) WHERE r.id = ? AND \(Self.visible)", [id, brandID, viewerID],
            Self.template)
    }

    /// A template by id, whoever owns it: the answer to the write that just changed it (a shared template made
    /// personal by another staff user is still shown to them once, in that answer).
    func template(id: Int) throws -> ResponseTemplateRecord? {
        try connection.queryOne("SELECT \(Self.columns) \(Self.joins) WHERE r.id = ?", [id], Self.template)
    }

    /// Inserts a template and returns its id.
    func insert(brandID: Int, groupID: Int?, ownerID: Int, name: String, body: String, isPersonal: Bool) throws
        -> Int
    {
        try connection.insert(
            """
            INSERT INTO response_templates (brand_id, group_id, owner_id, name, sort_name, body, search_text,
                is_personal)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [brandID, groupID, ownerID, name, name.lowercased(), body, Self.searchText(name, body), isPersonal])
    }

    /// Sets the fields given; the owner never changes.
    func update(id: Int, name: String?, body: String?, isPersonal: Bool?) throws {
        try connection.execute(
            """
            UPDATE response_templates SET name = coalesce(?1, name), body = coalesce(?2, body),
                is_personal = coalesce(?3, is_personal)
            WHERE id = ?4
            """, [name, body, isPersonal, id])
        guard
            let (newName, newBody) = try connection.queryOne(
                "SELECT name, body FROM response_templates WHERE id = ?", [id],
                { (try $0.string("name"), try $0.string("body")) })
        else { return }
        try connection.execute(
            "UPDATE response_templates SET sort_name = ?, search_text = ? WHERE id = ?",
            [newName.lowercased(), Self.searchText(newName, newBody), id])
    }

    /// What `q` searches: name and body, lower-cased with Unicode rules.
    private static func searchText(_ name: String, _ body: String) -> String { (name + "\n" + body).lowercased() }

    /// The brand's group of this name, made when it does not exist yet (fixtures name groups, the API cannot).
    func groupID(brandID: Int, name: String) throws -> Int {
        if let id = try connection.queryOne(
            "SELECT id FROM response_template_groups WHERE brand_id = ? AND name = ?", [brandID, name], { $0.int(0) })
        {
            return id
        }
        return try connection.insert(
            "INSERT INTO response_template_groups (brand_id, name) VALUES (?, ?)", [brandID, name])
    }

    /// The brand's templates in id order, with their owners' emails, for the fixtures format.
    func all(brandID: Int) throws -> [(template: ResponseTemplateRecord, ownerEmail: String)] {
        try connection.query(
            """
            SELECT \(Self.columns), s.email AS owner_email \(Self.joins) JOIN staff s ON s.id = r.owner_id
            WHERE r.brand_id = ? ORDER BY r.id
            """, [brandID]
        ) { (try Self.template($0), try $0.string("owner_email")) }
    }
}
