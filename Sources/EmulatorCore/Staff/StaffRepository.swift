import SQLiteStore

/// The SQL behind staff users.
struct StaffRepository {
    let connection: Connection

    private static let selected = "id, name, email, created_at, role_name, is_admin"
    private static let columns = "SELECT \(selected) FROM staff"

    static func record(_ row: Row) throws -> StaffRecord {
        StaffRecord(
            id: try row.int("id"), name: try row.optionalString("name"), email: try row.string("email"),
            createdAt: Timestamp(milliseconds: try row.int64("created_at")), roleName: try row.string("role_name"),
            isAdmin: try row.bool("is_admin"))
    }

    /// The staff user of the account with this email (case-insensitive).
    func staff(accountID: Int, email: String) throws -> StaffRecord? {
        try connection.queryOne(
            "\(Self.columns) WHERE email = ? AND account_id = ?", [email.trimmed.lowercased(), accountID]
        ) { try Self.record($0) }
    }

    /// A staff user by id.
    func staff(id: Int) throws -> StaffRecord? {
        try connection.queryOne("\(Self.columns) WHERE id = ?", [id]) { try Self.record($0) }
    }

    /// The staff user with this login and its API token (nil when it has none), for authentication.
    func credentials(login: String) throws -> (StaffUser, token: String?)? {
        try connection.queryOne(
            """
            SELECT id, account_id, name, email, api_token, coalesce(access_reports, is_admin) AS access_reports
            FROM staff WHERE email = ?
            """, [login]
        ) { row in
            (
                StaffUser(
                    id: try row.int("id"), accountID: try row.int("account_id"), name: try row.optionalString("name"),
                    email: try row.string("email"), accessReports: try row.bool("access_reports")),
                try row.optionalString("api_token")
            )
        }
    }

    /// Inserts a staff user and returns its id. Without a token the user cannot call the API.
    func insert(
        accountID: Int, name: String?, email: String, token: String?, password: String?, role: String, isAdmin: Bool,
        createdAt: Timestamp
    ) throws -> Int {
        try connection.insert(
            """
            INSERT INTO staff (account_id, name, email, api_token, password, role_name, is_admin, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [accountID, name, email, token, password, role, isAdmin, createdAt.milliseconds]
        )
    }

    /// True when some staff user, of any account, has this login (logins are unique across the emulator).
    func emailTaken(_ email: String) throws -> Bool {
        try connection.queryOne("SELECT 1 FROM staff WHERE email = ?", [email]) { _ in true } ?? false
    }

    /// Gives the staff user with this login a new API token; false when there is none.
    func setToken(_ token: String, email: String) throws -> Bool {
        try connection.execute("UPDATE staff SET api_token = ? WHERE email = ?", [token, email]) > 0
    }

    /// One page of the account's staff, oldest first.
    func list(accountID: Int, page: Int) throws -> Page<StaffRecord> {
        try Page.fetch(
            connection, select: Self.selected, from: "FROM staff WHERE account_id = ?", values: [accountID],
            order: "created_at, id", page: page, map: Self.record)
    }

    /// Every staff user of the account, in the order of `GET /staff`.
    func all(accountID: Int) throws -> [StaffRecord] {
        try connection.query(
            "SELECT \(Self.selected) FROM staff WHERE account_id = ? ORDER BY created_at, id", [accountID], Self.record)
    }

    /// The account's staff users as the fixtures format holds them, secrets included, oldest first.
    func fixtures(accountID: Int) throws -> [StaffFixture] {
        try connection.query(
            """
            SELECT name, email, api_token, password, role_name, is_admin, created_at,
                coalesce(access_reports, is_admin) AS access_reports
            FROM staff WHERE account_id = ? ORDER BY id
            """, [accountID]
        ) { row in
            StaffFixture(
                name: try row.optionalString("name"), email: try row.string("email"),
                token: try row.optionalString("api_token"), password: try row.optionalString("password"),
                role: try row.string("role_name"), isAdmin: try row.bool("is_admin"),
                accessReports: try row.bool("access_reports"),
                createdAt: Timestamp(milliseconds: try row.int64("created_at")))
        }
    }

    /// The staff users with these ids, by id: one statement for a page's authors, assignees and senders.
    func staff(ids: [Int]) throws -> [Int: StaffRecord] {
        let staff = try connection.query(
            "\(Self.columns) WHERE id IN (SELECT value FROM json_each(?))", [IDList.json(ids)], Self.record)
        return Dictionary(staff.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The names of the account's staff users with these emails (lower-cased), by email; a user without a name
    /// is there with nil.
    func names(accountID: Int, emails: [String]) throws -> [String: String?] {
        let rows = try connection.query(
            "SELECT email, name FROM staff WHERE account_id = ? AND email IN (SELECT value FROM json_each(?))",
            [accountID, IDList.json(emails)]
        ) { (try $0.string("email"), try $0.optionalString("name")) }
        return Dictionary(rows, uniquingKeysWith: { first, _ in first })
    }

    /// The account's first staff user (the fixtures' default author).
    func firstStaffID(accountID: Int) throws -> Int? {
        try connection.queryOne("SELECT id FROM staff WHERE account_id = ? ORDER BY id LIMIT 1", [accountID]) {
            $0.int(0)
        }
    }

    /// Sets whether the staff user may read ratings and reports (nil: as an administrator does).
    func setAccessReports(staffID: Int, _ allowed: Bool?) throws {
        try connection.execute("UPDATE staff SET access_reports = ? WHERE id = ?", [allowed, staffID])
    }
}
