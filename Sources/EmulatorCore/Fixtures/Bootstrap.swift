import SQLiteStore

/// Makes sure the bootstrap login, token and brand exist in the default account (the oldest account), and that
/// every brand has a `support` channel. Runs at every start, after fixtures; changes nothing already right.
struct Bootstrap {
    let connection: Connection
    let now: Timestamp

    func ensure(login: String, token: String, brand label: String) throws {
        try connection.transaction {
            let accountID =
                try connection.queryOne("SELECT id FROM accounts ORDER BY id LIMIT 1") { $0.int(0) }
                ?? connection.queryOne("INSERT INTO accounts (name) VALUES ('Demo') RETURNING id") { $0.int(0) } ?? 0
            let label = label.trimmed.lowercased()
            let hasBrand = try connection.queryOne("SELECT 1 FROM brands WHERE host_label = ?", [label]) { _ in true }
            if hasBrand == nil {
                let isFirst =
                    try connection.queryOne("SELECT 1 FROM brands WHERE account_id = ?", [accountID]) { _ in true }
                    == nil
                try connection.execute(
                    "INSERT INTO brands (account_id, name, host_label, url, is_default) VALUES (?, ?, ?, ?, ?)",
                    [
                        accountID, label.prefix(1).uppercased() + label.dropFirst(), label, "\(label).example.com",
                        isFirst,
                    ])
            }
            let email = login.trimmed.lowercased()
            let updated = try connection.execute("UPDATE staff SET api_token = ? WHERE email = ?", [token, email])
            if updated == 0 {
                let name = email.prefix { $0 != "@" }.capitalized
                try connection.execute(
                    """
                    INSERT INTO staff (account_id, name, email, api_token, role_name, is_admin, created_at)
                    VALUES (?, ?, ?, ?, 'Administrator', 1, ?)
                    """, [accountID, name, email, token, now.milliseconds])
            }
            try connection.execute(
                """
                INSERT INTO channels (brand_id, name, slug, email, channel_type, visibility, created_at, updated_at)
                SELECT b.id, 'Support', 'support', 'support@' || b.url, 1, 1, ?1, ?1 FROM brands b
                WHERE NOT EXISTS (SELECT 1 FROM channels c WHERE c.brand_id = b.id AND c.slug = 'support')
                """, [now.milliseconds])
        }
    }
}
