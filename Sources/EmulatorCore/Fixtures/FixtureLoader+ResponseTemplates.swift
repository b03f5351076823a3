/// The fixtures format's `response_templates` in each account entry: `{"name", "body", "group"?, "is_personal"?,
/// "owner"?, "brand"?}`, loaded after the knowledge base. Groups are made per brand by name.
extension FixtureLoader {
    func loadResponseTemplates(
        _ account: FixtureObject, accountID: Int, brandIDs: [String: Int], defaultBrand: FixtureNode
    ) throws {
        let repository = ResponseTemplateRepository(connection: connection)
        for node in try account.optional("response_templates")?.array() ?? [] {
            let entry = try node.object()
            let brandID = try brandID(of: entry, at: node, brandIDs: brandIDs, defaultBrand: defaultBrand)
            let groupID = try entry.optional("group").map {
                try repository.groupID(brandID: brandID, name: $0.string())
            }
            let ownerID = try staffID(named: try entry.optional("owner"), orFirstOf: accountID, for: node, as: "owner")
            _ = try repository.insert(
                brandID: brandID, groupID: groupID, ownerID: ownerID, name: try entry.required("name").string(),
                body: try entry.required("body").string(),
                isPersonal: try entry.optional("is_personal")?.bool() ?? false)
        }
    }
}
