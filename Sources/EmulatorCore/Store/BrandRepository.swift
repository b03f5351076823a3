import SQLiteStore

/// The SQL behind brands, for tenants, bootstrap and fixtures alike.
struct BrandRepository {
    let connection: Connection

    /// Inserts a brand and returns its id.
    func insert(accountID: Int, name: String, hostLabel: String, url: String, isDefault: Bool) throws -> Int {
        try connection.queryOne(
            "INSERT INTO brands (account_id, name, host_label, url, is_default) VALUES (?, ?, ?, ?, ?) RETURNING id",
            [accountID, name, hostLabel, url, isDefault]
        ) { $0.int(0) } ?? 0
    }

    /// True when some brand, of any account, has this host label (labels are unique across the emulator).
    func hostLabelTaken(_ label: String) throws -> Bool {
        try connection.queryOne("SELECT 1 FROM brands WHERE host_label = ?", [label]) { _ in true } ?? false
    }

    /// The account's brand named by its url (case-insensitive) or its host label, as `PUT /conversations` takes it.
    func brandID(accountID: Int, urlOrHostLabel name: String) throws -> Int? {
        try connection.queryOne(
            "SELECT id FROM brands WHERE account_id = ? AND (lower(url) = ? OR host_label = ?)",
            [accountID, name, name]
        ) { $0.int(0) }
    }

    /// True when the account has at least one brand.
    func accountHasBrand(accountID: Int) throws -> Bool {
        try connection.queryOne("SELECT 1 FROM brands WHERE account_id = ?", [accountID]) { _ in true } ?? false
    }
}
