import JSON

/// A staff user as the handlers and note creators see it.
struct StaffUser: Sendable {
    let id: Int
    let accountID: Int
    let name: String?
    let email: String
}

/// A contact note with its creator (spec §4.1).
struct NoteRecord: Sendable {
    let id: Int
    let body: String
    let createdAt: Timestamp
    let updatedAt: Timestamp
    let creatorName: String?
    let creatorEmail: String
}

/// A contact with everything its JSON shows (spec §2.1).
struct ContactRecord: Sendable {
    let id: Int
    let externalID: String?
    let name: String?
    let friendlyName: String?
    let externalAvatarURL: String?
    /// Set by the repository after the contact row, like `identities` and `notes`.
    var data = JSONObject()
    /// Oldest first: the first of each type is the contact field of that type.
    var identities: [Identity] = []
    var notes: [NoteRecord] = []
    let createdAt: Timestamp
    let updatedAt: Timestamp

    /// The oldest identity of `type`, if any.
    func first(_ type: IdentityType) -> String? {
        identities.first { $0.type == type }?.identifier
    }

    /// The first non-blank of `friendly_name`, `name`, `email`, `mobile` (spec §2.1).
    var displayName: String? {
        [friendlyName, name, first(.email), first(.mobile)].lazy.compactMap { $0 }.first { !Formats.isBlank($0) }
    }
}
