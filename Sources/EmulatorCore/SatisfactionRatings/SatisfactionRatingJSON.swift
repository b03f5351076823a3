import JSON

extension JSONWriter {
    /// The rating object: every id a decimal string.
    mutating func satisfactionRating(_ rating: SatisfactionRatingRecord) {
        object { writer in
            writer.field("id", String(rating.id))
            writer.field("rating", rating.rating)
            writer.field("comment", rating.comment)
            writer.field("user_id", rating.userID.map(String.init))
            writer.field("assignee_id", rating.assigneeID.map(String.init))
            writer.field("conversation_id", String(rating.conversationID))
            writer.field("created_at", rating.createdAt)
            writer.field("updated_at", rating.updatedAt)
        }
    }
}
