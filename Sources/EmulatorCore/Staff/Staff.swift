import JSON
import MicroHTTP
import SQLiteStore

/// A staff user as the API shows it (spec §8.1).
struct StaffRecord: Sendable {
    let id: Int
    let name: String?
    let email: String
    let createdAt: Timestamp
    let roleName: String
    let isAdmin: Bool

    /// `name` if non-blank, else `email`.
    var displayName: String { Formats.isBlank(name) ? email : name ?? email }
}

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
        try connection.queryOne("SELECT id, account_id, name, email, api_token FROM staff WHERE email = ?", [login]) {
            row in
            (
                StaffUser(
                    id: try row.int("id"), accountID: try row.int("account_id"), name: try row.optionalString("name"),
                    email: try row.string("email")),
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
            VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
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
}

extension JSONWriter {
    /// The staff object of spec §8.1; passwords and tokens are never written.
    mutating func staff(_ staff: StaffRecord) {
        object { writer in
            writer.field("name", staff.name)
            writer.field("email", staff.email)
            writer.field("display_name", staff.displayName)
            writer.field("created_at", staff.createdAt.iso8601)
            writer.key("role")
            writer.object { writer in
                writer.field("name", staff.roleName)
                writer.key("admin?")
                writer.bool(staff.isAdmin)
            }
        }
    }
}

/// `GET /staff` and `POST /staff` (spec §8).
enum StaffHandlers {
    static let routes: [Route<RequestContext>] = [Route("staff", [(.get, list), (.post, create)])]

    static func list(_ context: RequestContext) throws -> HTTPResponse {
        let pageNumber = Page<StaffRecord>.number(from: context.parameters.string("page"))
        let page = try context.database.read { connection in
            try StaffRepository(connection: connection).list(accountID: context.accountID, page: pageNumber)
        }
        return JSONResponse.make { $0.page(page, key: "staff") { writer, staff in writer.staff(staff) } }
    }

    /// Creates a staff user with the role Staff and no API token; no invitation is sent (§8.3).
    static func create(_ context: RequestContext) throws -> HTTPResponse {
        let password = randomPassword()
        let staff = try context.write(
            precheck: { _ = try NewStaff(body: context.body, lookups: BodyOnly()) }, target: { _ in },
            input: { connection, _ in try NewStaff(body: context.body, lookups: context.lookups(connection)) }
        ) { connection, _, input in
            let repository = StaffRepository(connection: connection)
            let id = try repository.insert(
                accountID: context.accountID, name: input.name, email: input.email, token: nil,
                password: input.password ?? password, role: "Staff", isAdmin: false, createdAt: context.now)
            return try repository.staff(id: id)
        }
        guard let staff else { throw APIError.internalError }
        return JSONResponse.make { $0.staff(staff) }
    }

    /// A password nobody is told: the user signs in only once fixtures give them a token.
    private static func randomPassword() -> String {
        String((0..<24).map { _ in "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".randomElement()! })
    }
}

/// `POST /staff`'s body (spec §8.3): a login email not used by any staff user yet.
struct NewStaff<Lookups: WriteLookups> {
    let name: String?
    /// Lower-cased.
    let email: String
    /// Nil: a random one nobody is told.
    let password: String?

    init(body: JSONObject, lookups: Lookups) throws {
        let object = try body.requiredRoot("staff")
        var errors = ValidationErrors()
        let reader = FieldReader(object: object)
        name = reader.string("name", &errors)
        let email = reader.string("email", &errors).map { $0.trimmed.lowercased() }
        password = reader.string("password", &errors)
        if email == nil, !errors.has("email") { errors.add("email", "can't be blank") }
        if let email {
            if !Formats.isEmail(email) {
                errors.add("email", "is invalid")
            } else if try lookups.staffEmailTaken(email) {
                errors.add("email", "has already been taken")
            }
        }
        // Without an email the errors hold "can't be blank" or its type error.
        guard errors.isEmpty, let email else { throw errors }
        self.email = email
    }
}
