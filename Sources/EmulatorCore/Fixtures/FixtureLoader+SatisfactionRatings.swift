extension FixtureLoader {
    /// `{"conversation" (a slug of the brand), "rating" (1 to 5), "comment"?, "assignee"? (a staff email; default the
    /// conversation's assignee), "created_at"?, "updated_at"? (default created_at)}`.
    func insertSatisfactionRating(_ entry: FixtureObject, brandID: Int, accountID: Int) throws -> Int {
        let conversationNode = try entry.required("conversation")
        let slug = try conversationNode.string()
        guard
            let conversation = try ConversationRepository(connection: connection).idAndAssignee(
                brandID: brandID, slug: slug)
        else {
            throw FixtureError(path: conversationNode.path, message: "\"\(slug)\" is not a conversation of the brand")
        }
        let ratingNode = try entry.required("rating")
        let rating = try ratingNode.int()
        guard (1...5).contains(rating) else { throw FixtureError(path: ratingNode.path, message: "must be 1 to 5") }
        let assigneeID =
            try entry.optional("assignee").map { try staffID(try $0.email(), accountID: accountID, at: $0) }
            ?? conversation.assigneeID
        let created = try entry.optional("created_at")?.timestamp() ?? now
        return try SatisfactionRatingRepository(connection: connection).insert(
            conversationID: conversation.id, rating: rating, comment: try entry.optional("comment")?.string(),
            assigneeID: assigneeID, createdAt: created,
            updatedAt: try entry.optional("updated_at")?.timestamp() ?? created)
    }
}
