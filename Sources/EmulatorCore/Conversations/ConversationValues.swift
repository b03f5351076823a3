/// A conversation's status, the integer the API reads and writes (0–9; any of them may be set through the API).
enum ConversationStatus: Int, Sendable, CaseIterable {
    /// Shown as "Open"; a customer message sets it.
    case unresolved = 0
    /// Shown as "Responded"; a staff reply sets it.
    case pending = 1
    /// Shown as "Done".
    case resolved = 2
    case spam = 3
    /// Left out of the default conversation list.
    case archived = 4
    /// Needs a `hold_until`, kept only while the status stays 5.
    case onHold = 5
    case autoResolved = 6
    case chatbotAssigned = 7
    case chatbotResolved = 8
    case aiSpam = 9
}

/// A message's visibility: a regular message, or an internal note only staff see.
enum MessageVisibility: Int, Sendable {
    case regular = 0
    case internalNote = 1
}

/// A channel's type, the integer the API writes (1 Email, 2 Twitter, 3 Facebook, 6 Chat, 8 Instagram, 9 SMS, …).
/// Fixtures may name any integer, so this is an open set with names for the values the emulator acts on.
struct ChannelType: RawRepresentable, Sendable, Hashable {
    let rawValue: Int

    /// Email: the only type a conversation can be moved to with `category`.
    static let email = ChannelType(rawValue: 1)
}
