extension FixtureLoader {
    /// `{"name", "body", "group"? (made per brand by name), "is_personal"?, "owner"? (a staff email; default the
    /// account's first staff user)}`.
    func insertResponseTemplate(_ entry: FixtureObject, brandID: Int, accountID: Int) throws -> Int {
        let repository = ResponseTemplateRepository(connection: connection)
        let groupID = try entry.optional("group").map { try repository.groupID(brandID: brandID, name: $0.string()) }
        let ownerID = try staffID(named: try entry.optional("owner"), orFirstOf: accountID, for: entry, as: "owner")
        return try repository.insert(
            brandID: brandID, groupID: groupID, ownerID: ownerID, name: try entry.required("name").string(),
            body: try entry.required("body").string(), isPersonal: try entry.optional("is_personal")?.bool() ?? false)
    }
}
