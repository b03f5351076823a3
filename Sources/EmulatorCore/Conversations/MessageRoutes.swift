import JSON
import MicroHTTP
import SQLiteStore

/// `GET /messages`, `GET/POST /conversations/{slug}/messages` (spec §6).
enum MessageRoutes {
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
        let query = try MessageListQuery(parameters: context.parameters)
        let page = try context.database.read { connection in
            var filter = query.filter
            if inConversation {
                filter.conversationID = try ConversationRoutes.conversationID(context, connection)
            }
            if let email = query.sentBy {
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
                brandID: context.brand.id, accountID: context.accountID, filter: filter, page: query.page)
        }
        return JSONResponse.make { $0.page(page, key: "messages") { writer, message in writer.message(message) } }
    }

    /// Adds a message from the caller, another staff user, or a customer identity, and applies the status rules of
    /// §6.4. A known `origin_id` answers the existing message and changes nothing.
    static func create(_ context: RequestContext) throws -> HTTPResponse {
        let message = try context.write(
            precheck: { _ = try NewMessage(body: context.body, lookups: BodyOnly()) },
            target: { try ConversationRoutes.conversationID(context, $0) },
            input: { connection, _ in try NewMessage(body: context.body, lookups: context.lookups(connection)) }
        ) { connection, conversationID, input -> MessageRecord? in
            let repository = ConversationRepository(connection: connection)
            if let originID = input.originID,
                let existing = try repository.messageID(conversationID: conversationID, originID: originID)
            {
                return try repository.loadMessage(id: existing, accountID: context.accountID)
            }
            guard let conversation = try repository.load(conversationID: conversationID) else {
                throw APIError.notFound
            }
            let sender: SenderRef
            var isCustomer = false
            switch input.sender {
            case .caller: sender = SenderRef(staffID: context.staff.id)
            case .staff(let staff): sender = SenderRef(staffID: staff.id)
            case .customer(let identity, let name):
                isCustomer = true
                sender = SenderRef(
                    identityID: try MessageSenders.customerIdentity(
                        connection, context, identity, name: name, data: nil))
            }
            let allRecipients = MessageSenders.merged(
                try repository.currentRecipients(conversationID: conversationID), input.recipients)
            let id = try repository.insertMessage(
                conversationID: conversationID, body: input.text, visibility: input.visibility,
                originID: input.originID, sender: sender, recipients: allRecipients, attachments: input.attachments,
                now: context.now)
            var status = conversation.status
            if isCustomer {
                status = .unresolved
            } else if input.visibility == .regular, !input.suppressAutoresolve {
                status = .pending
            }
            try repository.setStatus(conversationID: conversationID, status: status, holdUntil: nil, now: context.now)
            return try repository.loadMessage(id: id, accountID: context.accountID)
        }
        guard let message else { throw APIError.internalError }
        return JSONResponse.make { $0.message(message) }
    }
}

/// How new conversations and messages find their customer sender, and how recipients accumulate.
enum MessageSenders {
    /// The identity a customer writes through: the one an existing contact holds, or a new contact's (§5.6, §6.3).
    /// `data` is merged into the contact's data as PUT /contacts merges it; an existing contact's name is kept.
    static func customerIdentity(
        _ connection: Connection, _ context: RequestContext, _ identity: IdentityKey, name: String?, data: JSONObject?
    ) throws -> Int {
        let contacts = ContactRepository(connection: connection)
        if let owner = try contacts.identityOwner(
            accountID: context.accountID, type: identity.type, matchKey: identity.matchKey)
        {
            if let data, try contacts.mergeData(contactID: owner.contactID, changes: data) {
                try contacts.touch(contactIDs: [owner.contactID], now: context.now)
            }
            return owner.identityID
        }
        let contactID = try contacts.insertContact(
            accountID: context.accountID, fields: ContactFields(name: name), now: context.now)
        let identityID = try contacts.insertIdentity(
            accountID: context.accountID, contactID: contactID, identity: identity, now: context.now)
        if let data { _ = try contacts.mergeData(contactID: contactID, changes: data) }
        return identityID
    }

    /// The conversation's recipients followed by the new ones it did not have yet.
    static func merged(_ current: [String], _ added: [String]) -> [String] {
        var result = current
        for email in added where !result.contains(email) { result.append(email) }
        return result
    }
}
