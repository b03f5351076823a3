import JSON

/// A conversation with everything its JSON shows (spec §5.1).
struct ConversationRecord: Sendable {
    let id: Int
    let brandID: Int
    let slug: String
    let subject: String?
    let status: ConversationStatus
    let createdAt: Timestamp
    let updatedAt: Timestamp
    let tags: [String]
    let firstMessageBody: String?
    let lastCustomerMessage: MessageSummary?
    let lastStaffMessage: MessageSummary?
    let author: Sender
    let assignee: StaffRecord?
    let channel: ChannelRecord
    let data: JSONObject
    let origin: Int
    let holdUntil: Timestamp?
    let messageCount: Int
}

/// A message with everything its JSON shows (spec §6.1).
struct MessageRecord: Sendable {
    let id: Int
    let body: String
    let visibility: MessageVisibility
    let origin: Int
    let originID: String?
    let createdAt: Timestamp
    let sender: Sender
    let recipients: [Recipient]
    let attachments: [String]
    let conversationSubject: String?
    let conversationSlug: String
    let conversationCreatedAt: Timestamp
    let channel: ChannelRecord
}

/// Who wrote a conversation or a message: a customer contact (through one of its identities) or a staff user.
enum Sender: Sendable {
    case contact(ContactRecord)
    case staff(StaffRecord)
}

/// A message's body and time, for `last_customer_message` and `last_staff_message`.
struct MessageSummary: Sendable {
    let body: String
    let createdAt: Timestamp
}

/// A recipient of a message: an email and the name of the staff user or contact that owns it, if any.
struct Recipient: Sendable {
    let name: String?
    let email: String
}

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

/// The author or sender of a new conversation or message: an identity of a contact, or a staff user.
struct SenderRef: Sendable {
    var identityID: Int?
    var staffID: Int?
}

/// The filters of `GET /conversations` (spec §5.4), already validated.
struct ConversationListFilter {
    enum StatusFilter { case notArchived, archived, open, unassigned, all }
    enum Sort { case created, changed, customerActivity }

    var status = StatusFilter.notArchived
    var authorContactID: Int?
    var tags: [String] = []
    var channelID: Int?
    var data: [(key: String, value: String)] = []
    var createdFrom: Timestamp?
    var createdBefore: Timestamp?
    var sort = Sort.created
}

/// The filters of the message lists (spec §6.2), already validated.
struct MessageListFilter {
    enum SenderKind { case staff, customer }
    enum SentBy {
        case staff(Int)
        case contact(Int)
        case nobody
    }

    var conversationID: Int?
    var senderKind: SenderKind?
    var tags: [String] = []
    var origin: Int?
    var sentBy: SentBy?
}

/// A conversation's own fields as the fixtures format holds them (its tags, data and messages are read apart).
struct ConversationFixture: Sendable {
    let brand: String
    let category: String
    let slug: String
    let subject: String?
    let status: Int
    let assignee: String?
    let holdUntil: Timestamp?
    let createdAt: Timestamp
    let updatedAt: Timestamp
    let author: SenderRef
}

/// A message as the fixtures format holds it; recipients and attachments as their stored JSON arrays.
struct MessageFixture: Sendable {
    let body: String
    let visibility: Int
    let originID: String?
    let sender: SenderRef
    let recipientsJSON: String
    let attachmentsJSON: String
    let createdAt: Timestamp
}
