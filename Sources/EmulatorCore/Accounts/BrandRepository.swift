import SQLiteStore

/// The SQL behind brands, for tenants, bootstrap and fixtures alike.
struct BrandRepository {
    let connection: Connection

    private static let columns = "SELECT id, account_id, name, url, host_label FROM brands"

    private static func brand(_ row: Row) throws -> Brand {
        Brand(
            id: try row.int("id"), accountID: try row.int("account_id"), name: try row.string("name"),
            url: try row.string("url"), hostLabel: try row.string("host_label"))
    }

    /// The brand with this host label, of any account.
    func brand(hostLabel: String) throws -> Brand? {
        try connection.queryOne("\(Self.columns) WHERE host_label = ?", [hostLabel], Self.brand)
    }

    /// The account's default brand (its oldest when none is marked default).
    func defaultBrand(accountID: Int) throws -> Brand? {
        try connection.queryOne(
            "\(Self.columns) WHERE account_id = ? ORDER BY is_default DESC, id LIMIT 1", [accountID], Self.brand)
    }

    /// Inserts a brand and returns its id.
    func insert(accountID: Int, name: String, hostLabel: String, url: String, isDefault: Bool) throws -> Int {
        try connection.insert(
            "INSERT INTO brands (account_id, name, host_label, url, is_default) VALUES (?, ?, ?, ?, ?)",
            [accountID, name, hostLabel, url, isDefault]
        )
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

    /// The account's brands, oldest first, each with whether it is the default.
    func brands(accountID: Int) throws -> [(brand: Brand, isDefault: Bool)] {
        try connection.query(
            "SELECT id, account_id, name, url, host_label, is_default FROM brands WHERE account_id = ? ORDER BY id",
            [accountID]
        ) { (try Self.brand($0), try $0.bool("is_default")) }
    }
}
