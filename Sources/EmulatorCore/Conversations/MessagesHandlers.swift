import JSON
import MicroHTTP
import SQLiteStore

/// How new conversations and messages find their customer sender, and how recipients accumulate.
enum MessageSenders {
    /// The identity a customer writes through: the one an existing contact holds, or a new contact's (§5.6, §6.3).
    /// `data` is merged into the contact's data as PUT /contacts merges it; an existing contact's name is kept.
    static func customerIdentity(
        _ connection: Connection, _ context: RequestContext, type: IdentityType, identifier: String, name: String?,
        data: JSONObject?
    ) throws -> Int {
        let contacts = ContactRepository(connection: connection)
        guard let normalized = type.normalize(identifier) else { throw APIError.internalError }
        if let owner = try contacts.identityOwner(
            accountID: context.accountID, type: type, matchKey: normalized.matchKey)
        {
            if let data, try contacts.mergeData(contactID: owner.contactID, changes: data) {
                try contacts.touch(contactIDs: [owner.contactID], now: context.now)
            }
            return owner.identityID
        }
        let contactID = try contacts.insertContact(
            accountID: context.accountID, fields: ContactFields(name: name), now: context.now)
        _ = try contacts.attach(
            accountID: context.accountID, contactID: contactID, type: type, identifier: normalized.identifier,
            matchKey: normalized.matchKey, now: context.now)
        if let data { _ = try contacts.mergeData(contactID: contactID, changes: data) }
        guard
            let identity = try contacts.identityOwner(
                accountID: context.accountID, type: type, matchKey: normalized.matchKey)
        else { throw APIError.internalError }
        return identity.identityID
    }

    /// The conversation's recipients followed by the new ones it did not have yet.
    static func merged(_ current: [String], _ added: [String]) -> [String] {
        var result = current
        for email in added where !result.contains(email) { result.append(email) }
        return result
    }
}

/// `GET /messages`, `GET/POST /conversations/{slug}/messages` (spec §6).
enum MessagesHandlers {
    static let routes: [Route<RequestContext>] = [
        Route("messages", [(.get, listAll)]),
        Route("conversations/:slug/messages", [(.get, listInConversation), (.post, create)]),
    ]

    /// Every message of the brand, newest first.
    static func listAll(_ context: RequestContext) throws -> HTTPResponse {
        try list(context, inConversation: false)
    }

    /// One conversation's messages, newest first.
    static func listInConversation(_ context: RequestContext) throws -> HTTPResponse {
        try list(context, inConversation: true)
    }

    private static func list(_ context: RequestContext, inConversation: Bool) throws -> HTTPResponse {
        let parameters = context.parameters
        var filter = MessageListFilter()
        var errors = ValidationErrors()
        switch parameters.string("filter") {
        case nil: break
        case "staff": filter.senderKind = .staff
        case "customer": filter.senderKind = .customer
        default: errors.add("filter", "is not included in the list")
        }
        if let origin = parameters.string("origin") {
            if let value = Int(origin.trimmed) { filter.origin = value } else { errors.add("origin", "is invalid") }
        }
        try errors.throwIfAny()
        filter.tags = ConversationsHandlers.commaSeparated(parameters.string("tag"))
        let pageNumber = Page<MessageRecord>.number(from: parameters.string("page"))
        let page = try context.database.read { connection in
            if inConversation {
                filter.conversationID = try ConversationsHandlers.conversationID(context, connection)
            }
            if let email = parameters.string("sent_by") {
                if let staff = try StaffRepository(connection: connection).staff(
                    accountID: context.accountID, email: email)
                {
                    filter.sentBy = .staff(staff.id)
                } else if let contactID = try ContactRepository(connection: connection).contactID(
                    accountID: context.accountID, type: .email, identifier: email)
                {
                    filter.sentBy = .contact(contactID)
                } else {
                    filter.sentBy = .nobody
                }
            }
            return try ConversationRepository(connection: connection).listMessages(
                brandID: context.brand.id, accountID: context.accountID, filter: filter, page: pageNumber)
        }
        return JSONResponse.make { $0.page(page, key: "messages") { writer, message in writer.message(message) } }
    }

    /// Adds a message from the caller, another staff user, or a customer identity, and applies the status rules of
    /// §6.4. A known `origin_id` answers the existing message and changes nothing.
    static func create(_ context: RequestContext) throws -> HTTPResponse {
        let message = try context.database.write { connection -> MessageRecord? in
            let repository = ConversationRepository(connection: connection)
            let conversationID = try ConversationsHandlers.conversationID(context, connection)
            guard let body = context.body.root("message") else {
                throw ValidationErrors.single("message", "is missing")
            }
            var errors = ValidationErrors()
            let reader = FieldReader(object: body)
            let text = reader.string("body", &errors)
            if text == nil, !errors.has("body") { errors.add("body", "can't be blank") }
            var visibility = MessageVisibility.regular
            switch body["visibility"] {
            case nil, .null: break
            case .number(let literal) where literal == "0" || literal == "1":
                visibility = Int(literal).flatMap(MessageVisibility.init(rawValue:)) ?? .regular
            default: errors.add("visibility", "is not included in the list")
            }
            let user = reader.object("user", &errors).map { FieldReader(object: $0, prefix: "user.") }
            let userEmail = user?.string("email", &errors).map { $0.trimmed.lowercased() }
            let userName = user?.string("name", &errors)
            if let userEmail, !Formats.isEmail(userEmail) { errors.add("user.email", "is invalid") }
            let originID = reader.stringOrNumber("origin_id", &errors)
            let recipients = reader.recipients("recipients", &errors)
            let attachments = reader.attachments("attachments", &errors)
            let suppressAutoresolve = reader.flag("suppress_autoresolve")

            let staffSender: StaffRecord?
            if let userEmail, !errors.has("user.email") {
                staffSender = try StaffRepository(connection: connection).staff(
                    accountID: context.accountID, email: userEmail)
            } else {
                staffSender = try StaffRepository(connection: connection).staff(id: context.staff.id)
            }
            let isCustomer = staffSender == nil && userEmail != nil
            if isCustomer, visibility == .internalNote, !errors.has("visibility") {
                errors.add("visibility", "is invalid")
            }
            try errors.throwIfAny()
            guard let text else { throw APIError.internalError }

            if let originID, let existing = try repository.messageID(conversationID: conversationID, originID: originID)
            {
                return try repository.loadMessage(id: existing, accountID: context.accountID)
            }
            guard let conversation = try repository.load(conversationID: conversationID) else {
                throw APIError.notFound
            }
            let sender: SenderRef
            if let staffSender {
                sender = SenderRef(staffID: staffSender.id)
            } else {
                sender = SenderRef(
                    identityID: try MessageSenders.customerIdentity(
                        connection, context, type: .email, identifier: userEmail ?? "", name: userName, data: nil))
            }
            let allRecipients = MessageSenders.merged(
                try repository.currentRecipients(conversationID: conversationID), recipients)
            let id = try repository.insertMessage(
                conversationID: conversationID, body: text, visibility: visibility, originID: originID,
                sender: sender, recipients: allRecipients, attachments: attachments, now: context.now)
            var status = conversation.status
            if isCustomer {
                status = .unresolved
            } else if visibility == .regular, !suppressAutoresolve {
                status = .pending
            }
            try repository.setStatus(conversationID: conversationID, status: status, holdUntil: nil, now: context.now)
            return try repository.loadMessage(id: id, accountID: context.accountID)
        }
        guard let message else { throw APIError.internalError }
        return JSONResponse.make { $0.message(message) }
    }
}
