import JSON
import SQLiteStore

/// The SQL behind contacts, identities, contact data and notes. Every method runs on a connection the caller holds,
/// inside the caller's transaction, so a handler's checks and writes commit or roll back together.
struct ContactRepository {
    let connection: Connection

    // MARK: Lookup

    /// The contact in `accountID` that holds the identity, if any (spec §2.2).
    func contactID(accountID: Int, type: IdentityType, identifier: String) throws -> Int? {
        guard let values = Self.heldBy(accountID, type, identifier) else { return nil }
        return try connection.queryOne(Self.contactIDByIdentity, values) { $0.int(0) }
    }

    /// The condition that finds, as `owner`, the identity naming a contact, with ``heldBy(_:_:_:)``'s values: each
    /// read of a contact named by its identity finds it in the statement that reads what it shows.
    private static let heldByCondition = "owner.account_id = ? AND owner.type = ? AND owner.match_key = ?"

    /// The values of ``heldByCondition`` for an identity of `accountID`; nil when the identifier normalizes to
    /// nothing, which no contact holds.
    private static func heldBy(_ accountID: Int, _ type: IdentityType, _ identifier: String) -> [any SQLiteBindable]? {
        type.normalize(identifier).map { [accountID, type.rawValue, $0.matchKey] }
    }

    // The SQL is made once: a statement is found in the cache by the address of its text.
    private static let contactIDByIdentity = "SELECT owner.contact_id FROM identities owner WHERE \(heldByCondition)"
    private static let contactByIdentity = """
        SELECT \(contactColumns.split(separator: ", ").map { "c.\($0)" }.joined(separator: ", ")), \(hasDataColumn)
        FROM identities owner JOIN contacts c ON c.id = owner.contact_id WHERE \(heldByCondition)
        """
    private static let identitiesByIdentity = """
        SELECT i.type, i.identifier FROM identities owner JOIN identities i ON i.contact_id = owner.contact_id
        WHERE \(heldByCondition) ORDER BY i.attached_seq
        """
    private static let notesByIdentity = """
        SELECT \(noteColumns) FROM identities owner
        LEFT JOIN notes n ON n.contact_id = owner.contact_id AND n.creator_id IN (SELECT id FROM staff)
        LEFT JOIN staff s ON s.id = n.creator_id
        WHERE \(heldByCondition) ORDER BY n.created_at, n.id
        """

    /// The contact of the account with this external `id`.
    func contactID(accountID: Int, externalID: String) throws -> Int? {
        try connection.queryOne(
            "SELECT id FROM contacts WHERE account_id = ? AND external_id = ?", [accountID, externalID]
        ) { $0.int(0) }
    }

    /// The contact with its identities, data and notes (`notes` empty unless `withNotes`: a conversation's author and
    /// a message's sender do not show them, and lists of those would load every author's notes for nothing). A
    /// caller that knows the contact has no data (one it has just created without any) passes `withData: false`
    /// and spares the read.
    func load(contactID: Int, withNotes: Bool = true, withData: Bool = true) throws -> ContactRecord? {
        try completed(try connection.queryOne(Self.contactByID, [contactID], Self.rowSayingData), withNotes, withData)
    }

    /// The contact in `accountID` holding the identity, with its identities, data and notes, as
    /// ``load(contactID:withNotes:withData:)`` reads them; nil when none holds it. The identity is looked up by the
    /// statement that reads the contact's row: one statement fewer than finding the contact first.
    func load(accountID: Int, type: IdentityType, identifier: String) throws -> ContactRecord? {
        guard let values = Self.heldBy(accountID, type, identifier) else { return nil }
        return try completed(try connection.queryOne(Self.contactByIdentity, values, Self.rowSayingData), true, true)
    }

    /// The contact row with its data (when `withData` and the row says it has any), identities and notes (when
    /// `withNotes`).
    private func completed(_ row: (contact: ContactRecord, hasData: Bool)?, _ withNotes: Bool, _ withData: Bool)
        throws -> ContactRecord?
    {
        guard let row else { return nil }
        var contact = row.contact
        if withData, row.hasData {
            contact.data = try CustomDataRepository(connection: connection, owner: .contact).load(contact.id)
        }
        contact.identities = try identities(contactID: contact.id)
        if withNotes { contact.notes = try notes(contactID: contact.id) }
        return contact
    }

    /// Several contacts, in the order of `contactIDs` (unknown ids left out), each with its identities, data and
    /// notes: four statements whatever their number, so a list page costs the same as one contact, not thirty.
    func load(contactIDs: [Int], withNotes: Bool = true) throws -> [ContactRecord] {
        guard !contactIDs.isEmpty else { return [] }
        // The ids travel as one JSON array bound to `json_each(?)`: the SQL stays the same for any number of ids.
        let ids = IDList.json(contactIDs)
        let rows = try connection.query(
            "SELECT \(Self.contactColumns) FROM contacts WHERE id IN (SELECT value FROM json_each(?))", [ids], Self.row)
        let identities = Dictionary(
            grouping: try connection.query(
                """
                SELECT contact_id, type, identifier FROM identities
                WHERE contact_id IN (SELECT value FROM json_each(?)) ORDER BY contact_id, attached_seq
                """, [ids]
            ) { row in (contactID: try row.int("contact_id"), identity: try Self.identity(row)) }, by: \.contactID)
        let notes =
            withNotes
            ? Dictionary(
                grouping: try connection.query(
                    """
                    SELECT n.contact_id, \(Self.noteColumns) FROM notes n JOIN staff s ON s.id = n.creator_id
                    WHERE n.contact_id IN (SELECT value FROM json_each(?)) ORDER BY n.contact_id, n.created_at, n.id
                    """, [ids]
                ) { row in (contactID: try row.int("contact_id"), note: try Self.noteRecord(row)) }, by: \.contactID)
            : [:]
        let data = try CustomDataRepository(connection: connection, owner: .contact).load(ownerIDs: ids)
        let byID = Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return contactIDs.compactMap { id in
            guard var contact = byID[id] else { return nil }
            contact.data = data[id] ?? JSONObject()
            contact.identities = identities[id]?.map(\.identity) ?? []
            contact.notes = notes[id]?.map(\.note) ?? []
            return contact
        }
    }

    private static let contactColumns =
        "id, external_id, name, friendly_name, external_avatar_url, created_at, updated_at"
    // The SQL of the reads every contact shown runs, made once rather than per read.
    private static let contactByID = "SELECT \(contactColumns), \(hasDataColumn) FROM contacts c WHERE id = ?"
    /// Whether the contact `c` has custom data (read only when it has).
    private static let hasDataColumn = CustomDataRepository.Owner.contact.hasDataColumn(ownerID: "c.id")
    private static let notesOfContact = """
        SELECT \(noteColumns) FROM notes n JOIN staff s ON s.id = n.creator_id
        WHERE n.contact_id = ? ORDER BY n.created_at, n.id
        """

    /// A contact row, without its data, identities and notes yet.
    private static func row(_ row: Row) throws -> ContactRecord {
        ContactRecord(
            id: try row.int("id"), externalID: try row.optionalString("external_id"),
            name: try row.optionalString("name"),
            friendlyName: try row.optionalString("friendly_name"),
            externalAvatarURL: try row.optionalString("external_avatar_url"),
            createdAt: Timestamp(milliseconds: try row.int64("created_at")),
            updatedAt: Timestamp(milliseconds: try row.int64("updated_at")))
    }

    /// A contact row read with ``hasDataColumn``.
    private static func rowSayingData(_ row: Row) throws -> (contact: ContactRecord, hasData: Bool) {
        (try Self.row(row), try row.bool("has_data"))
    }

    private static func identity(_ row: Row) throws -> Identity {
        Identity(
            type: IdentityType(rawValue: try row.string("type")) ?? .email, identifier: try row.string("identifier"))
    }

    /// The contact's identities, oldest first.
    func identities(contactID: Int) throws -> [Identity] {
        try connection.query(
            "SELECT type, identifier FROM identities WHERE contact_id = ? ORDER BY attached_seq", [contactID],
            Self.identity)
    }

    /// The contact's notes, oldest first (by `created_at`, then id).
    func notes(contactID: Int) throws -> [NoteRecord] {
        try connection.query(Self.notesOfContact, [contactID], Self.noteRecord)
    }

    // MARK: Reads finding the contact in the statement that reads what they show

    /// The identities of the contact in `accountID` holding the identity, oldest first; nil when none holds it. One
    /// statement finds the contact and reads its identities: a contact found by one of its identities has at least
    /// that one, so no row means no contact.
    func identities(accountID: Int, type: IdentityType, identifier: String) throws -> [Identity]? {
        guard let values = Self.heldBy(accountID, type, identifier) else { return nil }
        let identities = try connection.query(Self.identitiesByIdentity, values, Self.identity)
        return identities.isEmpty ? nil : identities
    }

    /// The notes of the contact in `accountID` holding the identity, as ``notes(contactID:)`` reads them; nil when
    /// none holds it. One statement: the contact's row comes with a null note when it has none. (A note joins its
    /// creator inside the `ON` of the outer join, as the plain read's inner join keeps only notes with a creator.)
    func notes(accountID: Int, type: IdentityType, identifier: String) throws -> [NoteRecord]? {
        guard let values = Self.heldBy(accountID, type, identifier) else { return nil }
        let rows = try connection.query(Self.notesByIdentity, values) { row in
            try row.optionalInt("id") == nil ? nil : try Self.noteRecord(row)
        }
        return rows.isEmpty ? nil : rows.compactMap { $0 }
    }

    /// One note of the contact, or nil when the id is another contact's or unknown.
    func note(id: Int, contactID: Int) throws -> NoteRecord? {
        try connection.queryOne(
            """
            SELECT \(Self.noteColumns) FROM notes n JOIN staff s ON s.id = n.creator_id
            WHERE n.id = ? AND n.contact_id = ?
            """, [id, contactID], Self.noteRecord)
    }

    private static let noteColumns =
        "n.id, n.body, n.created_at, n.updated_at, s.name AS creator_name, s.email AS creator_email"

    private static func noteRecord(_ row: Row) throws -> NoteRecord {
        NoteRecord(
            id: try row.int("id"), body: try row.string("body"),
            createdAt: Timestamp(milliseconds: try row.int64("created_at")),
            updatedAt: Timestamp(milliseconds: try row.int64("updated_at")),
            creatorName: try row.optionalString("creator_name"), creatorEmail: try row.string("creator_email"))
    }

    /// Sets a note's `updated_at` (fixtures give it explicitly).
    func setNoteUpdatedAt(noteID: Int, _ time: Timestamp) throws {
        try connection.execute("UPDATE notes SET updated_at = ? WHERE id = ?", [time.milliseconds, noteID])
    }

    // MARK: Listing

    /// One page of the account's contacts matching `filter` (spec §2.3).
    func list(accountID: Int, filter: ContactListFilter, page: Int) throws -> Page<ContactRecord> {
        var source = "contacts c"
        var conditions = ["c.account_id = ?"]
        var values: [any SQLiteBindable] = [accountID]
        if let query = filter.query?.lowercased() {
            if query.count >= 3, !query.contains("\0") {
                // The trigram indexes answer substrings of three characters or more (a phrase is a substring): the
                // contacts whose name matches, with those holding a matching email. The CROSS JOIN makes SQLite start
                // from their few matches instead of walking every contact in name order. FTS5's query parser stops
                // at a NUL: such queries take the scan below.
                source = Self.searchMatches + " CROSS JOIN contacts c ON c.id = m.id"
                let phrase = "\"" + query.replacing("\"", with: "\"\"") + "\""
                values.insert(contentsOf: [phrase, phrase, query], at: 0)
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
        let dataFilters = CustomDataRepository(connection: connection, owner: .contact).filters(filter.data, alias: "c")
        conditions += dataFilters.conditions
        values += dataFilters.values as [any SQLiteBindable]
        let order = filter.newestFirst ? "c.created_at DESC, c.id DESC" : "c.sort_name IS NULL, c.sort_name, c.id"
        let ids = try Page.fetch(
            connection, select: "c.id", from: "FROM \(source) WHERE \(conditions.joined(separator: " AND "))",
            values: values, order: order, caching: dataFilters.conditions.isEmpty ? .cached : .oneOff, page: page
        ) { $0.int(0) }
        return Page(totalCount: ids.totalCount, items: try load(contactIDs: ids.items))
    }

    /// The ids of the contacts whose name, or one of whose email identities, contains the text: bound as an FTS5
    /// phrase for each index, then as itself for the rows still waiting to go into them (migration 9).
    private static let searchMatches = """
        (SELECT rowid AS id FROM contact_name_search WHERE contact_name_search MATCH ? \
        UNION SELECT i.contact_id FROM email_search e JOIN identities i ON i.id = e.rowid \
        WHERE e.email_search MATCH ? \
        UNION SELECT CASE p.kind WHEN 0 THEN p.id ELSE (SELECT contact_id FROM identities WHERE id = p.id) END \
        FROM contact_search_pending p WHERE instr(p.text, ?) > 0) m
        """

    // MARK: Writes

    /// Inserts a contact row, queues its name for the search index, and returns its internal id.
    func insertContact(accountID: Int, fields: ContactFields, now: Timestamp) throws -> Int {
        let sortName = fields.name?.lowercased()
        let id = try connection.insert(
            """
            INSERT INTO contacts (account_id, external_id, name, sort_name, friendly_name, external_avatar_url,
                created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                accountID, fields.externalID, fields.name, sortName, fields.friendlyName, fields.externalAvatarURL,
                now.milliseconds, now.milliseconds,
            ]
        )
        if let sortName { try queueSearchText(.contactName, id: id, text: sortName) }
        return id
    }

    /// Sets the changed fields of a contact; returns true when anything changed.
    func updateContact(contactID: Int, name: String?, friendlyName: String?, externalAvatarURL: String?) throws -> Bool
    {
        let changed =
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
        // A new name was queued for the search index by the update's trigger (which took the old one out).
        if changed, name != nil { try foldSearchTextIfFull() }
        return changed
    }

    /// Merges `changes` into the contact's data (`null` removes a key); true when anything changed.
    func mergeData(contactID: Int, changes: JSONObject) throws -> Bool {
        try CustomDataRepository(connection: connection, owner: .contact).merge(contactID, changes)
    }

    /// Sets `updated_at` of the contacts to `now`.
    func touch(contactIDs: [Int], now: Timestamp) throws {
        // One single-row update per contact: a third of the cost of one `id IN (...)` update of one or two rows
        // (SQLite plans a single-row update without a statement journal or a list to walk).
        // Each id once, without building a set: callers pass one or two.
        for (position, contactID) in contactIDs.enumerated() where !contactIDs[..<position].contains(contactID) {
            try connection.execute("UPDATE contacts SET updated_at = ? WHERE id = ?", [now.milliseconds, contactID])
        }
    }

    /// Whether an email or mobile identity or an external id is already used in the account.
    func identityOwner(accountID: Int, type: IdentityType, matchKey: String) throws -> (
        identityID: Int, contactID: Int
    )? {
        try connection.queryOne(
            "SELECT id, contact_id FROM identities WHERE account_id = ? AND type = ? AND match_key = ?",
            [accountID, type.rawValue, matchKey]
        ) { (identityID: try $0.int("id"), contactID: try $0.int("contact_id")) }
    }

    /// Whether an external `id` is taken in the account.
    func externalIDTaken(accountID: Int, externalID: String) throws -> Bool {
        try contactID(accountID: accountID, externalID: externalID) != nil
    }

    /// Attaches an identity to a contact, moving it from another contact of the account if one holds it (§3.4).
    ///
    /// Conversations and messages point at the identity, so moving it is one row update whatever the history's size.
    /// The contacts it changes get `updated_at` = `now`. A caller that inserted the contact in the same write, with
    /// `updated_at` = `now` already, passes `touching: false` to leave out that update for a new identity (it would
    /// change nothing); a moved identity still touches both contacts.
    /// - Returns: the identity's id.
    @discardableResult
    func attach(accountID: Int, contactID: Int, identity: IdentityKey, now: Timestamp, touching: Bool = true) throws
        -> Int
    {
        if let owner = try identityOwner(accountID: accountID, type: identity.type, matchKey: identity.matchKey) {
            if owner.contactID == contactID { return owner.identityID }
            try connection.execute(Self.moveIdentity, [contactID, owner.identityID])
            try touch(contactIDs: [owner.contactID, contactID], now: now)
            return owner.identityID
        }
        return try insertIdentity(
            accountID: accountID, contactID: contactID, identity: identity, now: now, touching: touching)
    }

    /// Gives a contact an identity that no contact of the account holds: `attach` without looking for an owner,
    /// for a caller that has just looked in the same transaction (a new contact's body is checked against the
    /// store before it is written). An identity held after all is refused by the table's unique key, not moved.
    /// - Returns: the identity's id.
    @discardableResult
    func insertIdentity(accountID: Int, contactID: Int, identity: IdentityKey, now: Timestamp, touching: Bool = true)
        throws -> Int
    {
        let id = try connection.insert(
            Self.insertIdentity,
            [contactID, accountID, identity.type.rawValue, identity.identifier, identity.matchKey])
        if identity.type == .email { try queueSearchText(.email, id: id, text: identity.matchKey) }
        if touching { try touch(contactIDs: [contactID], now: now) }
        return id
    }

    // The SQL of every identity move and attachment, made once (a statement is found fastest by its text's address).
    // An attached identity takes the position after its new contact's others: it becomes its contact's newest
    // (§3.3, §3.4). Positions order one contact's identities only, so the largest is looked for among that
    // contact's (`identities_by_contact`): a position larger than every identity's needed an index of its own,
    // which every move and attachment rewrote (migration 11).
    private static let nextPosition =
        "(SELECT coalesce(max(attached_seq), 0) + 1 FROM identities WHERE contact_id = ?1)"
    private static let moveIdentity =
        "UPDATE identities SET contact_id = ?1, attached_seq = \(nextPosition) WHERE id = ?2"
    private static let insertIdentity = """
        INSERT INTO identities (account_id, contact_id, type, identifier, match_key, attached_seq)
        VALUES (?2, ?1, ?3, ?4, ?5, \(nextPosition))
        """

    // MARK: Search text

    /// What a row of `contact_search_pending` holds: its `kind`.
    private enum SearchText: Int {
        case contactName = 0
        case email = 1
    }

    /// How many queued texts make a fold: FTS5 writes an index segment for every statement that adds to an index, so
    /// texts go in together (migration 9).
    private static let searchFoldSize = 64

    /// Queues a new contact's name or a new email identity's address for the search indexes, and folds the queue
    /// into them once it is full. A search reads the queue too, so a queued text is found at once.
    ///
    /// The program does it rather than triggers on the inserts (migration 12): such a trigger gave each contact and
    /// identity insert a statement journal, and one that could reach an index made FTS5 join every statement of the
    /// transaction; a `POST /contacts` ran about 4.5 % more instructions for them (BENCHMARKS.md). Renames and deletes
    /// keep their triggers: they take the old text out of whichever place holds it.
    private func queueSearchText(_ kind: SearchText, id: Int, text: String) throws {
        try connection.execute(
            "INSERT INTO contact_search_pending (kind, id, text) VALUES (?, ?, ?)", [kind.rawValue, id, text])
        try foldSearchTextIfFull()
    }

    /// Moves every queued text into the search indexes once ``searchFoldSize`` wait.
    private func foldSearchTextIfFull() throws {
        let waiting = try connection.queryOne("SELECT count(*) FROM contact_search_pending") { $0.int(0) } ?? 0
        guard waiting >= Self.searchFoldSize else { return }
        try connection.execute(
            "INSERT INTO contact_name_search (rowid, empty, name) SELECT id, '', text FROM contact_search_pending WHERE kind = 0"
        )
        try connection.execute(
            "INSERT INTO email_search (rowid, empty, email) SELECT id, '', text FROM contact_search_pending WHERE kind = 1"
        )
        try connection.execute("DELETE FROM contact_search_pending")
    }

    /// Adds a note and returns its id; the contact gets `updated_at` = `now` but for `touching: false` (as for
    /// ``attach(accountID:contactID:identity:now:touching:)``).
    @discardableResult
    func insertNote(
        contactID: Int, body: String, creatorID: Int, createdAt: Timestamp, now: Timestamp, touching: Bool = true
    ) throws -> Int {
        let id =
            try connection.insert(
                """
                INSERT INTO notes (contact_id, body, creator_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
                """, [contactID, body, creatorID, createdAt.milliseconds, createdAt.milliseconds]
            )
        if touching { try touch(contactIDs: [contactID], now: now) }
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

    /// The ids of the account's contacts, oldest first.
    func contactIDs(accountID: Int) throws -> [Int] {
        try connection.query("SELECT id FROM contacts WHERE account_id = ? ORDER BY id", [accountID]) { $0.int(0) }
    }

    /// One identity by id.
    func identity(id: Int) throws -> Identity? {
        try connection.queryOne("SELECT type, identifier FROM identities WHERE id = ?", [id], Self.identity)
    }

    /// The names of the account's contacts holding these email identities (lower-cased), by email; a contact
    /// without a name is there with nil.
    func names(accountID: Int, emails: [String]) throws -> [String: String?] {
        let rows = try connection.query(
            """
            SELECT i.match_key, c.name FROM identities i JOIN contacts c ON c.id = i.contact_id
            WHERE i.account_id = ? AND i.type = 'email' AND i.match_key IN (SELECT value FROM json_each(?))
            """, [accountID, IDList.json(emails)]
        ) { (try $0.string("match_key"), try $0.optionalString("name")) }
        return Dictionary(rows, uniquingKeysWith: { first, _ in first })
    }
}
