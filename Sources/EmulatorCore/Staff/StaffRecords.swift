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

/// A staff user as the handlers and note creators see it.
struct StaffUser: Sendable {
    let id: Int
    let accountID: Int
    let name: String?
    let email: String
    /// May read satisfaction ratings and reports: administrators, unless the fixtures said otherwise.
    let accessReports: Bool
}

/// A staff user as the fixtures format holds it: with the secrets the API never shows.
struct StaffFixture: Sendable {
    let name: String?
    let email: String
    let token: String?
    let password: String?
    let role: String
    let isAdmin: Bool
    let accessReports: Bool
    let createdAt: Timestamp
}
