import SQLiteStore

/// Makes sure the bootstrap login, token and brand exist in the default account (the oldest account), and that
/// every brand has a `support` channel. Runs at every start, after fixtures; changes nothing already right.
struct Bootstrap {
    let connection: Connection
    let now: Timestamp

    func ensure(login: String, token: String, brand label: String) throws {
        try connection.transaction {
            let accounts = AccountRepository(connection: connection)
            let brands = BrandRepository(connection: connection)
            let staff = StaffRepository(connection: connection)
            let accountID = try accounts.oldestID() ?? accounts.insert(name: "Demo")
            let label = label.trimmed.lowercased()
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
