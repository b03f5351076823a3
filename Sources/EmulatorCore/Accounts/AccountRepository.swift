import SQLiteStore

/// The SQL behind accounts: creating, naming and emptying one (for a tenant reset and for a state import into that
/// account), inside the caller's transaction.
struct AccountRepository {
    let connection: Connection

    /// What emptying an account leaves in place.
    enum Keep {
        /// Staff, brands and channels stay (a tenant reset): only contacts and conversations go.
        case staffBrandsAndChannels
        /// Only the account row stays (an import into the account replaces everything below it).
        case accountOnly
    }

    /// True when an account with this id exists.
    func exists(accountID: Int) throws -> Bool {
        try connection.queryOne("SELECT 1 FROM accounts WHERE id = ?", [accountID]) { _ in true } ?? false
    }

    /// The default account: the oldest one, if any.
    func oldestID() throws -> Int? {
        try connection.queryOne("SELECT id FROM accounts ORDER BY id LIMIT 1") { $0.int(0) }
    }

    /// Inserts an account and returns its id.
    func insert(name: String) throws -> Int {
        try connection.insert("INSERT INTO accounts (name) VALUES (?)", [name])
    }

    /// Renames an account.
    func rename(accountID: Int, to name: String) throws {
        try connection.execute("UPDATE accounts SET name = ? WHERE id = ?", [name, accountID])
    }

    /// Every table, children before parents, so deleting in this order never breaks a foreign key.
    private static let tablesChildFirst = [
        "satisfaction_ratings", "incidents_systems", "incident_updates", "incidents", "systems", "response_templates",
        "response_template_groups", "articles", "topics", "messages", "conversation_tags", "conversation_data",
        "conversations", "notes",
        "contact_data", "identities", "contacts", "channels", "staff", "brands", "accounts",
    ]

    /// Deletes every row of every account and restarts the id sequences (a state import without `?account=`).
    func deleteEverything() throws {
        for table in Self.tablesChildFirst { try connection.execute("DELETE FROM \(table)") }
        try connection.execute("DELETE FROM sqlite_sequence")
    }

    /// Every account with its default brand and the first administrator that has an API token (the tenant list).
    func tenants() throws -> [TenantSummary] {
        try connection.query(
            """
            SELECT a.id, a.name,
                (SELECT host_label FROM brands WHERE account_id = a.id ORDER BY is_default DESC, id LIMIT 1) AS brand,
                s.email AS login, s.api_token AS token
            FROM accounts a LEFT JOIN staff s ON s.id = (SELECT id FROM staff WHERE account_id = a.id
                AND api_token IS NOT NULL ORDER BY is_admin DESC, id LIMIT 1)
            ORDER BY a.id
            """
        ) { row in
            TenantSummary(
                id: try row.int("id"), name: try row.string("name"), brand: try row.optionalString("brand"),
                login: try row.optionalString("login"), token: try row.optionalString("token"))
        }
    }

    /// Deletes an account and, by cascade, everything it holds.
    func delete(accountID: Int) throws {
        try connection.execute("DELETE FROM accounts WHERE id = ?", [accountID])
    }

    /// Deletes what the account holds, children before parents, so that no reference dangles and no cascade has
    /// work left to do (SQLite can then skip its per-row foreign-key lookups, a third of the time for 10,000
    /// contacts). Returns the number of contacts removed.
    @discardableResult
    func empty(accountID: Int, keeping keep: Keep) throws -> Int {
        let brands = "SELECT id FROM brands WHERE account_id = ?1"
        let conversations = "SELECT id FROM conversations WHERE brand_id IN (\(brands))"
        let contacts = "SELECT id FROM contacts WHERE account_id = ?1"
        for statement in [
            "DELETE FROM satisfaction_ratings WHERE conversation_id IN (\(conversations))",
            "DELETE FROM incidents_systems WHERE incident_id IN (SELECT id FROM incidents WHERE brand_id IN (\(brands)))",
            "DELETE FROM incident_updates WHERE incident_id IN (SELECT id FROM incidents WHERE brand_id IN (\(brands)))",
            "DELETE FROM incidents WHERE brand_id IN (\(brands))",
            "DELETE FROM systems WHERE brand_id IN (\(brands))",
            "DELETE FROM response_templates WHERE brand_id IN (\(brands))",
            "DELETE FROM response_template_groups WHERE brand_id IN (\(brands))",
            "DELETE FROM articles WHERE brand_id IN (\(brands))",
            "DELETE FROM topics WHERE brand_id IN (\(brands))",
            "DELETE FROM messages WHERE conversation_id IN (\(conversations))",
            "DELETE FROM conversation_tags WHERE conversation_id IN (\(conversations))",
            "DELETE FROM conversation_data WHERE conversation_id IN (\(conversations))",
            "DELETE FROM conversations WHERE brand_id IN (\(brands))",
            "DELETE FROM notes WHERE contact_id IN (\(contacts))",
            "DELETE FROM contact_data WHERE contact_id IN (\(contacts))",
        ] {
            try connection.execute(statement, [accountID])
        }
        // Each removed contact and email identity takes its own row of the search indexes with it (triggers).
        let removed = try connection.execute("DELETE FROM contacts WHERE account_id = ?1", [accountID])
        try connection.execute("DELETE FROM identities WHERE account_id = ?1", [accountID])
        if keep == .accountOnly {
            for statement in [
                "DELETE FROM channels WHERE brand_id IN (\(brands))",
                "DELETE FROM staff WHERE account_id = ?1",
                "DELETE FROM brands WHERE account_id = ?1",
            ] {
                try connection.execute(statement, [accountID])
            }
        }
        return removed
    }

    /// Every account, or only `accountID`'s, oldest first.
    func accounts(onlyID accountID: Int?) throws -> [AccountRecord] {
        try connection.query("SELECT id, name FROM accounts WHERE ?1 IS NULL OR id = ?1 ORDER BY id", [accountID]) {
            AccountRecord(id: try $0.int("id"), name: try $0.string("name"))
        }
    }
}
