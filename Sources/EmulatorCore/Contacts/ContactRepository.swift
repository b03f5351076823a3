import JSON
import SQLiteStore

/// The SQL behind contacts, identities, contact data and notes. Every method runs on a connection the caller holds,
/// inside the caller's transaction, so a handler's checks and writes commit or roll back together.
struct ContactRepository {
    let connection: Connection

    // MARK: Lookup

    /// The contact in `accountID` that holds the identity, if any (spec §2.2).
    func contactID(accountID: Int, type: IdentityType, identifier: String) throws -> Int? {
        guard let normalized = type.normalize(identifier) else { return nil }
        return try connection.queryOne(
            "SELECT contact_id FROM identities WHERE account_id = ? AND type = ? AND match_key = ?",
            [accountID, type.rawValue, normalized.matchKey]
        ) { $0.int(0) }
    }

    /// The contact of the account with this external `id`.
    func contactID(accountID: Int, externalID: String) throws -> Int? {
        try connection.queryOne(
            "SELECT id FROM contacts WHERE account_id = ? AND external_id = ?", [accountID, externalID]
        ) { $0.int(0) }
    }

    /// The contact with its identities, data and notes (`notes` empty unless `withNotes`: a conversation's author and
    /// a message's sender do not show them, and lists of those would load every author's notes for nothing).
    func load(contactID: Int, withNotes: Bool = true) throws -> ContactRecord? {
        try connection.queryOne(
            """
            SELECT id, external_id, name, friendly_name, external_avatar_url, created_at, updated_at
            FROM contacts WHERE id = ?
            """, [contactID]
        ) { row in
            (
                id: row.int(0), externalID: row.optionalString(1), name: row.optionalString(2),
                friendlyName: row.optionalString(3), avatar: row.optionalString(4),
                createdAt: Timestamp(milliseconds: row.int64(5)), updatedAt: Timestamp(milliseconds: row.int64(6))
            )
        }.map { base in
            ContactRecord(
                id: base.id, externalID: base.externalID, name: base.name, friendlyName: base.friendlyName,
                externalAvatarURL: base.avatar,
                data: try CustomData(connection: connection, owner: .contact).load(base.id),
                identities: try identities(contactID: base.id),
                notes: withNotes ? try notes(contactID: base.id) : [],
                createdAt: base.createdAt, updatedAt: base.updatedAt)
        }
    }

    /// The contact's identities, oldest first.
    func identities(contactID: Int) throws -> [Identity] {
        try connection.query(
            "SELECT type, identifier FROM identities WHERE contact_id = ? ORDER BY attached_seq", [contactID]
        ) { row in
            Identity(type: IdentityType(rawValue: row.string(0)) ?? .email, identifier: row.string(1))
        }
    }

    /// The contact's notes, oldest first (by `created_at`, then id).
    func notes(contactID: Int) throws -> [NoteRecord] {
        try connection.query(
            """
            SELECT n.id, n.body, n.created_at, n.updated_at, s.name, s.email
            FROM notes n JOIN staff s ON s.id = n.creator_id
            WHERE n.contact_id = ? ORDER BY n.created_at, n.id
            """, [contactID], Self.noteRecord)
    }

    /// One note of the contact, or nil when the id is another contact's or unknown.
    func note(id: Int, contactID: Int) throws -> NoteRecord? {
        try connection.queryOne(
            """
            SELECT n.id, n.body, n.created_at, n.updated_at, s.name, s.email
            FROM notes n JOIN staff s ON s.id = n.creator_id
            WHERE n.id = ? AND n.contact_id = ?
            """, [id, contactID], Self.noteRecord)
    }

    private static func noteRecord(_ row: Row) -> NoteRecord {
        NoteRecord(
            id: row.int(0), body: row.string(1), createdAt: Timestamp(milliseconds: row.int64(2)),
            updatedAt: Timestamp(milliseconds: row.int64(3)), creatorName: row.optionalString(4),
            creatorEmail: row.string(5))
    }

    // MARK: Listing

    /// One page of the account's contacts matching `filter` (spec §2.3).
    func list(accountID: Int, filter: ContactListFilter, page: Int) throws -> Page<ContactRecord> {
        var source = "contacts c"
        var conditions = ["c.account_id = ?"]
        var values: [any SQLiteBindable] = [accountID]
        if let query = filter.query?.lowercased() {
            if query.count >= 3, !query.contains("\n"), !query.contains("\0") {
                // The trigram index answers substrings of three characters or more (a phrase is a substring). The
                // CROSS JOIN makes SQLite start from its few matches instead of walking every contact in name order.
                // FTS5's query parser stops at a NUL, and emails are joined by newlines in the index: such queries
                // take the scan below.
                source = "contact_search s CROSS JOIN contacts c ON c.id = s.rowid"
                conditions.insert("s.contact_search MATCH ?", at: 0)
                values.insert("\"" + query.replacing("\"", with: "\"\"") + "\"", at: 0)
            } else {
                conditions.append(
                    """
                    (instr(c.sort_name, ?) > 0 OR EXISTS (SELECT 1 FROM identities i WHERE i.contact_id = c.id \
                    AND i.type = 'email' AND instr(i.match_key, ?) > 0))
                    """)
                values.append(contentsOf: [query, query])
            }
        }
        if let type = filter.identityType {
            conditions.append("EXISTS (SELECT 1 FROM identities i WHERE i.contact_id = c.id AND i.type = ?)")
            values.append(type.rawValue)
        }
        let dataFilters = CustomData(connection: connection, owner: .contact).filters(filter.data, alias: "c")
        conditions += dataFilters.conditions
        values += dataFilters.values as [any SQLiteBindable]
        let order = filter.newestFirst ? "c.created_at DESC, c.id DESC" : "c.sort_name IS NULL, c.sort_name, c.id"
        return try Page.fetch(
            connection, select: "c.id", from: "FROM \(source) WHERE \(conditions.joined(separator: " AND "))",
            values: values, order: order, caching: dataFilters.conditions.isEmpty ? .cached : .oneOff, page: page
        ) { $0.int(0) }.compactMap { try load(contactID: $0) }
    }

    // MARK: Writes

    /// Inserts a contact row and returns its internal id.
    func insertContact(accountID: Int, fields: ContactFields, now: Timestamp) throws -> Int {
        try connection.queryOne(
            """
            INSERT INTO contacts (account_id, external_id, name, sort_name, friendly_name, external_avatar_url,
                created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
            """,
            [
                accountID, fields.externalID, fields.name, fields.name?.lowercased(), fields.friendlyName,
                fields.externalAvatarURL, now.milliseconds, now.milliseconds,
            ]
        ) { $0.int(0) } ?? 0
    }

    /// Sets the changed fields of a contact; returns true when anything changed.
    func updateContact(contactID: Int, name: String?, friendlyName: String?, externalAvatarURL: String?) throws -> Bool
    {
        try connection.execute(
            """
            UPDATE contacts SET
                name = coalesce(?1, name), sort_name = coalesce(lower(?1), sort_name),
                friendly_name = coalesce(?2, friendly_name),
                external_avatar_url = coalesce(?3, external_avatar_url)
            WHERE id = ?4 AND (
                (?1 IS NOT NULL AND ?1 IS NOT name) OR (?2 IS NOT NULL AND ?2 IS NOT friendly_name)
                OR (?3 IS NOT NULL AND ?3 IS NOT external_avatar_url))
            """, [name, friendlyName, externalAvatarURL, contactID]) > 0
    }

    /// Merges `changes` into the contact's data (`null` removes a key); true when anything changed.
    func mergeData(contactID: Int, changes: JSONObject) throws -> Bool {
        try CustomData(connection: connection, owner: .contact).merge(contactID, changes)
    }

    /// Sets `updated_at` of the contacts to `now`.
    func touch(contactIDs: [Int], now: Timestamp) throws {
        for id in contactIDs {
            try connection.execute("UPDATE contacts SET updated_at = ? WHERE id = ?", [now.milliseconds, id])
        }
    }

    /// Whether an email or mobile identity or an external id is already used in the account.
    func identityOwner(accountID: Int, type: IdentityType, matchKey: String) throws -> (
        identityID: Int, contactID: Int
    )? {
        try connection.queryOne(
            "SELECT id, contact_id FROM identities WHERE account_id = ? AND type = ? AND match_key = ?",
            [accountID, type.rawValue, matchKey]
        ) { (identityID: $0.int(0), contactID: $0.int(1)) }
    }

    /// Whether an external `id` is taken in the account.
    func externalIDTaken(accountID: Int, externalID: String) throws -> Bool {
        try contactID(accountID: accountID, externalID: externalID) != nil
    }

    /// What attaching an identity did.
    enum AttachOutcome: Equatable {
        case alreadyAttached
        case added
        case moved(fromContactID: Int)
    }

    /// Attaches an identity to a contact, moving it from another contact of the account if one holds it (§3.4).
    ///
    /// Conversations and messages point at the identity, so moving it is one row update whatever the history's size.
    func attach(
        accountID: Int, contactID: Int, type: IdentityType, identifier: String, matchKey: String, now: Timestamp
    ) throws -> AttachOutcome {
        // The newest position of all: the identity becomes the contact's newest (§3.3, §3.4).
        let nextPosition = "(SELECT coalesce(max(attached_seq), 0) + 1 FROM identities)"
        if let owner = try identityOwner(accountID: accountID, type: type, matchKey: matchKey) {
            if owner.contactID == contactID { return .alreadyAttached }
            try connection.execute(
                "UPDATE identities SET contact_id = ?, attached_seq = \(nextPosition) WHERE id = ?",
                [contactID, owner.identityID])
            try touch(contactIDs: [owner.contactID, contactID], now: now)
            return .moved(fromContactID: owner.contactID)
        }
        try connection.execute(
            """
            INSERT INTO identities (account_id, contact_id, type, identifier, match_key, attached_seq)
            VALUES (?, ?, ?, ?, ?, \(nextPosition))
            """, [accountID, contactID, type.rawValue, identifier, matchKey])
        try touch(contactIDs: [contactID], now: now)
        return .added
    }

    /// Adds a note and returns its id.
    @discardableResult
    func insertNote(contactID: Int, body: String, creatorID: Int, createdAt: Timestamp, now: Timestamp) throws -> Int {
        let id =
            try connection.queryOne(
                """
                INSERT INTO notes (contact_id, body, creator_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
                RETURNING id
                """, [contactID, body, creatorID, createdAt.milliseconds, createdAt.milliseconds]
            ) { $0.int(0) } ?? 0
        try touch(contactIDs: [contactID], now: now)
        return id
    }

    /// Changes the given fields of a note; `updated_at` becomes `now`.
    func updateNote(id: Int, contactID: Int, body: String?, creatorID: Int?, createdAt: Timestamp?, now: Timestamp)
        throws
    {
        try connection.execute(
            """
            UPDATE notes SET body = coalesce(?, body), creator_id = coalesce(?, creator_id),
                created_at = coalesce(?, created_at), updated_at = ?
            WHERE id = ?
            """, [body, creatorID, createdAt?.milliseconds, now.milliseconds, id])
        try touch(contactIDs: [contactID], now: now)
    }

    /// Deletes a note.
    func deleteNote(id: Int, contactID: Int, now: Timestamp) throws {
        try connection.execute("DELETE FROM notes WHERE id = ?", [id])
        try touch(contactIDs: [contactID], now: now)
    }
}

/// The filters of `GET /contacts` (spec §2.3), already validated.
struct ContactListFilter {
    var query: String?
    var identityType: IdentityType?
    var data: [(key: String, value: String)] = []
    var newestFirst = false
}

/// The scalar fields of a new contact, already validated and normalised.
struct ContactFields {
    var externalID: String?
    var name: String?
    var friendlyName: String?
    var externalAvatarURL: String?
}
