/// A channel of a brand (spec §7).
struct ChannelRecord: Sendable {
    let id: Int
    let brandID: Int
    let name: String
    let slug: String
    let email: String
    /// The channel type: 1 Email, 6 Chat, 9 SMS, …
    let type: ChannelType
    let visibility: Int
    let createdAt: Timestamp
    let updatedAt: Timestamp
    let brandName: String
    let brandURL: String
}

/// A channel's type, the integer the API writes (1 Email, 2 Twitter, 3 Facebook, 6 Chat, 8 Instagram, 9 SMS, …).
/// Fixtures may name any integer, so this is an open set with names for the values the emulator acts on.
struct ChannelType: RawRepresentable, Sendable, Hashable {
    let rawValue: Int

    /// Email: the only type a conversation can be moved to with `category`.
    static let email = ChannelType(rawValue: 1)
}
