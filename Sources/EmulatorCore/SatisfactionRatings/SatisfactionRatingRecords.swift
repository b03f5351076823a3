/// A satisfaction rating of a conversation; its ids are sent as decimal strings.
struct SatisfactionRatingRecord: Sendable {
    let id: Int
    let rating: Int
    let comment: String?
    /// The conversation author's current contact (nil when a staff user started the conversation).
    let userID: Int?
    /// The staff user assigned to the conversation when the rating was made.
    let assigneeID: Int?
    let conversationID: Int
    let createdAt: Timestamp
    let updatedAt: Timestamp
}

/// The filters of `GET /satisfaction_ratings`, all inclusive and combined with AND.
struct SatisfactionRatingFilter: Sendable {
    var rating: Int?
    /// nil: any; an id nobody has gives an empty list.
    var assigneeID: Int?
    var noAssigneeMatches = false
    var createdAfter: Timestamp?
    var createdBefore: Timestamp?
    var updatedAfter: Timestamp?
    var updatedBefore: Timestamp?
}
