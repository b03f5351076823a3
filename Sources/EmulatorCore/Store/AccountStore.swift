import SQLiteStore

/// Statements over one account as a whole: whether it exists, and emptying it (for a tenant reset and for a state
/// import into that account), inside the caller's transaction.
enum AccountStore {
    /// What emptying an account leaves in place.
    enum Keep {
        /// Staff, brands and channels stay (a tenant reset): only contacts and conversations go.
        case staffBrandsAndChannels
        /// Only the account row stays (an import into the account replaces everything below it).
        case accountOnly
    }

    /// True when an account with this id exists.
    static func exists(_ connection: Connection, accountID: Int) throws -> Bool {
        try connection.queryOne("SELECT 1 FROM accounts WHERE id = ?", [accountID]) { _ in true } ?? false
    }

    /// Deletes what the account holds, children before parents, so that no reference dangles and no cascade has
    /// work left to do (SQLite can then skip its per-row foreign-key lookups, a third of the time for 10,000
    /// contacts). Returns the number of contacts removed.
    @discardableResult
    static func empty(_ connection: Connection, accountID: Int, keeping keep: Keep) throws -> Int {
        let brands = "SELECT id FROM brands WHERE account_id = ?1"
        let conversations = "SELECT id FROM conversations WHERE brand_id IN (\(brands))"
        let contacts = "SELECT id FROM contacts WHERE account_id = ?1"
        for statement in [
            "DELETE FROM messages WHERE conversation_id IN (\(conversations))",
            "DELETE FROM conversation_tags WHERE conversation_id IN (\(conversations))",
            "DELETE FROM conversation_data WHERE conversation_id IN (\(conversations))",
            "DELETE FROM conversations WHERE brand_id IN (\(brands))",
            "DELETE FROM notes WHERE contact_id IN (\(contacts))",
            "DELETE FROM contact_data WHERE contact_id IN (\(contacts))",
        ] {
            try connection.execute(statement, [accountID])
        }
        // Contacts before their identities: the search index rows go with the contacts, so the identity triggers
        // find nothing left to update.
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
}
