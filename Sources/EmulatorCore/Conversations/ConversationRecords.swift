import JSON

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

/// A recipient of a message: an email and the name of the staff user or contact that owns it, if any.
struct Recipient: Sendable {
    let name: String?
    let email: String
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
