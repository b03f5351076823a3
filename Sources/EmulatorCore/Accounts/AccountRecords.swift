/// A brand of an account (spec §1.1).
struct Brand: Sendable {
    let id: Int
    let accountID: Int
    let name: String
    let url: String
    let hostLabel: String
}

/// An account as the tenant list shows it: the brand and credentials to reach it with.
struct TenantSummary: Sendable {
    let id: Int
    let name: String
    let brand: String?
    let login: String?
    let token: String?
}

/// An account: what the fixtures format keeps of it besides its contents.
struct AccountRecord: Sendable {
    let id: Int
    let name: String
}
