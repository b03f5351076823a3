import SQLiteStore

/// The configured login, token and brand, made sure of in the default account (the oldest account), with a
/// `support` channel in every brand. Runs at every start, after fixtures, and after every state import; changes
/// nothing already right.
struct Bootstrap: Sendable {
    let login: String
    let token: String
    let brand: String

    func ensure(_ connection: Connection, now: Timestamp) throws {
        try connection.transaction {
            let accounts = AccountRepository(connection: connection)
            let brands = BrandRepository(connection: connection)
            let staff = StaffRepository(connection: connection)
            let accountID = try accounts.oldestID() ?? accounts.insert(name: "Demo")
            let label = brand.trimmed.lowercased()
            if try !brands.hostLabelTaken(label) {
                _ = try brands.insert(
                    accountID: accountID, name: label.prefix(1).uppercased() + label.dropFirst(), hostLabel: label,
                    url: "\(label).example.com", isDefault: !(try brands.accountHasBrand(accountID: accountID)))
            }
            let email = login.trimmed.lowercased()
            if try !staff.setToken(token, email: email) {
                _ = try staff.insert(
                    accountID: accountID, name: String(email.prefix { $0 != "@" }.capitalized), email: email,
                    token: token, password: nil, role: "Administrator", isAdmin: true, createdAt: now)
            }
            try ChannelRepository(connection: connection).ensureSupportChannels(now: now)
        }
    }
}
