import JSON

/// The wire shapes of conversations and messages, with Re:amaze's field names in the spec's order.
extension JSONWriter {
    /// The conversation object of spec §5.1; `permaBase` is `{scheme}://{host}` of the request.
    mutating func conversation(_ conversation: ConversationRecord, permaBase: String) {
        object { writer in
            writer.field("subject", conversation.subject)
            writer.field("slug", conversation.slug)
            writer.field("status", conversation.status.rawValue)
            writer.field("created_at", conversation.createdAt)
            writer.field("updated_at", conversation.updatedAt)
            writer.key("tag_list")
            writer.array { writer in for tag in conversation.tags { writer.string(tag) } }
            writer.key("message")
            writer.object { writer in writer.field("body", conversation.firstMessageBody) }
            writer.key("last_customer_message")
            writer.messageSummary(conversation.lastCustomerMessage)
            writer.key("last_staff_message")
            writer.messageSummary(conversation.lastStaffMessage)
            writer.key("author")
            writer.author(conversation.author)
            writer.key("assignee")
            if let assignee = conversation.assignee {
                writer.object { writer in
                    writer.field("name", assignee.name)
                    writer.field("email", assignee.email)
                    writer.field("display_name", assignee.displayName)
                }
            } else {
                writer.null()
            }
            writer.key("category")
            writer.category(conversation.channel)
            writer.key("followers")
            writer.array { _ in }
            writer.key("data")
            writer.value(.object(conversation.data))
            writer.field("origin", conversation.origin)
            writer.field("hold_until", conversation.holdUntil)
            writer.field("perma_url", "\(permaBase)/admin/conversations/\(conversation.slug)")
            writer.field("message_count", conversation.messageCount)
        }
    }

    private mutating func messageSummary(_ summary: MessageSummary?) {
        guard let summary else { return null() }
        object { writer in
            writer.field("body", summary.body)
            writer.field("created_at", summary.createdAt)
        }
    }

    /// The embedded user of a conversation's `author` (spec §5.1).
    mutating func author(_ author: Sender) {
        object { writer in
            switch author {
            case .contact(let contact):
                writer.field("id", contact.id)
                writer.field("name", contact.name)
                writer.field("email", contact.first(.email))
                writer.field("mobile", contact.first(.mobile))
                writer.field("twitter", contact.first(.twitter))
                writer.field("instagram", contact.first(.instagram))
                writer.field("facebook", contact.first(.facebook))
                writer.field("friendly_name", contact.friendlyName)
                writer.field("display_name", contact.displayName)
                writer.key("data")
                writer.value(.object(contact.data))
            case .staff(let staff):
                writer.field("id", staff.id)
                writer.field("name", staff.name)
                writer.field("email", staff.email)
                for field in ["mobile", "twitter", "instagram", "facebook", "friendly_name"] {
                    writer.field(field, String?.none)
                }
                writer.field("display_name", staff.displayName)
                writer.key("data")
                writer.object { _ in }
            }
        }
    }

    /// The message object of spec §6.1.
    mutating func message(_ message: MessageRecord) {
        object { writer in
            writer.field("body", message.body)
            writer.field("visibility", message.visibility.rawValue)
            writer.field("origin", message.origin)
            writer.field("origin_id", message.originID)
            writer.field("created_at", message.createdAt)
            writer.key("user")
            writer.object { writer in
                switch message.sender {
                case .contact(let contact):
                    writer.field("name", contact.name)
                    writer.field("email", contact.first(.email))
                    writer.field("mobile", contact.first(.mobile))
                    writer.key("staff?")
                    writer.bool(false)
                case .staff(let staff):
                    writer.field("name", staff.name)
                    writer.field("email", staff.email)
                    writer.field("mobile", String?.none)
                    writer.key("staff?")
                    writer.bool(true)
                }
            }
            writer.key("recipients")
            writer.array { writer in
                for recipient in message.recipients {
                    writer.object { writer in
                        writer.field("name", recipient.name)
                        writer.field("email", recipient.email)
                    }
                }
            }
            writer.key("attachments")
            writer.array { writer in for url in message.attachments { writer.attachment(url) } }
            writer.key("conversation")
            writer.object { writer in
                writer.field("subject", message.conversationSubject)
                writer.field("slug", message.conversationSlug)
                writer.field("created_at", message.conversationCreatedAt)
                writer.key("category")
                writer.category(message.channel)
            }
        }
    }

    /// An attachment described from its URL alone; the emulator never fetches it (spec §6.1).
    private mutating func attachment(_ url: String) {
        let path = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        let fileName = path.split(separator: "/").last.map(String.init) ?? ""
        let fileExtension = fileName.contains(".") ? fileName.split(separator: ".").last?.lowercased() ?? "" : ""
        let contentType =
            switch fileExtension {
            case "png": "image/png"
            case "jpg", "jpeg": "image/jpeg"
            case "gif": "image/gif"
            case "webp": "image/webp"
            case "pdf": "application/pdf"
            case "txt": "text/plain"
            default: "application/octet-stream"
            }
        let isImage = contentType.hasPrefix("image/")
        object { writer in
            writer.field("file_file_name", fileName)
            writer.field("file_content_type", contentType)
            writer.field("file_file_size", 0)
            writer.field("thumb_url", isImage ? url : nil)
            writer.field("url", url)
            writer.key("image?")
            writer.bool(isImage)
        }
    }
}
