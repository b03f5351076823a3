import MicroHTTP
import SQLiteStore

/// `GET/POST /conversations` and `GET/PUT /conversations/{slug}` (spec §5).
enum ConversationRoutes {
    static let routes: [Route<RequestContext>] = [
        Route("conversations", [(.get, list), (.post, create)]),
        Route("conversations/:slug", [(.get, show), (.put, update)]),
    ]

    // MARK: GET /conversations

    /// The brand's conversations, filtered and paged (§5.4).
    static func list(_ context: RequestContext) throws -> HTTPResponse {
        let query = try ConversationListQuery(parameters: context.parameters)
        let page = try context.database.read { connection -> Page<ConversationRecord> in
            let contacts = ContactRepository(connection: connection)
            let empty = Page<ConversationRecord>(totalCount: 0, items: [])
            var filter = query.filter
            var authors: Set<Int> = []
            if let email = query.authorEmail {
                guard let id = try contacts.contactID(accountID: context.accountID, type: .email, identifier: email)
                else { return empty }
                authors.insert(id)
            }
            if let externalID = query.authorExternalID {
                guard let id = try contacts.contactID(accountID: context.accountID, externalID: externalID)
                else { return empty }
                authors.insert(id)
            }
            guard authors.count <= 1 else { return empty }
            filter.authorContactID = authors.first
            if let slug = query.category {
                guard
                    let channel = try ChannelRepository(connection: connection).channel(
                        brandID: context.brand.id, slug: slug)
                else { return empty }
                filter.channelID = channel.id
            }
            return try ConversationRepository(connection: connection).list(
                brandID: context.brand.id, filter: filter, page: query.page)
        }
        let base = context.permaBase
        return JSONResponse.make {
            $0.page(page, key: "conversations") { writer, conversation in
                writer.conversation(conversation, permaBase: base)
            }
        }
    }

    // MARK: GET /conversations/{slug}

    /// One bare conversation, by slug, numeric id, reference id or origin id (§5.5).
    static func show(_ context: RequestContext) throws -> HTTPResponse {
        let base = context.permaBase
        return try context.show({ connection in
            let repository = ConversationRepository(connection: connection, shown: context.shownRecords)
            // A slug, the usual key, is looked up by the statement that reads the row; anything else is resolved
            // first (the slug is then looked up again: a number may be an internal id).
            if context.parameters.string("id_type") == nil,
                let conversation = try repository.load(
                    brandID: context.brand.id, slug: try context.pathParameters.require("slug"))
            {
                return conversation
            }
            return try repository.load(conversationID: try conversationID(context, connection))
        }) { $0.conversation($1, permaBase: base) }
    }

    /// Resolves the path's conversation (§5.5); `id_type` is honoured on every conversation route.
    /// - Throws: a 422 for a bad `id_type` or a missing `category`, else ``APIError/notFound``.
    static func conversationID(_ context: RequestContext, _ connection: Connection) throws -> Int {
        let key = try context.pathParameters.require("slug")
        let repository = ConversationRepository(connection: connection)
        let parameters = context.parameters
        var found: Int?
        switch parameters.string("id_type")?.trimmed {
        case nil:
            found = try repository.conversationID(brandID: context.brand.id, slug: key)
            if found == nil, !key.isEmpty, key.allSatisfy(\.isASCIIDigit), let id = Int(key) {
                found = try repository.conversationID(brandID: context.brand.id, id: id)
            }
        case "ref":
            if let id = Int(key) { found = try repository.conversationID(brandID: context.brand.id, id: id) }
        case "origin":
            guard let category = parameters.string("category") else {
                throw ValidationErrors.single("category", "can't be blank")
            }
            let channel = try ChannelRepository(connection: connection).channel(
                brandID: context.brand.id, slug: category.trimmed)
            if let channel, parameters.string("channel").map({ Int($0.trimmed) == channel.type.rawValue }) ?? true {
                found = try repository.conversationID(channelID: channel.id, originID: key)
            }
        default:
            throw ValidationErrors.single("id_type", "is not included in the list")
        }
        guard let found else { throw APIError.notFound }
        return found
    }

    // MARK: POST /conversations

    /// Creates a conversation for a customer (found or created by identity) or from a staff user (§5.6).
    static func create(_ context: RequestContext) throws -> HTTPResponse {
        let conversation = try context.write(
            precheck: { _ = try NewConversation(body: context.body, lookups: BodyOnly()) }, target: { _ in },
            input: { connection, _ in try NewConversation(body: context.body, lookups: context.lookups(connection)) }
        ) { connection, _, input -> ConversationRecord? in
            let repository = ConversationRepository(connection: connection)
            let channel = input.channel
            if let originID = input.originID,
                let existing = try repository.conversationID(channelID: channel.id, originID: originID)
            {
                return try repository.load(conversationID: existing)
            }
            let sender: SenderRef
            let initialStatus: ConversationStatus
            if input.author.type == .email,
                let staff = try StaffRepository(connection: connection).staff(
                    accountID: context.accountID, email: input.author.identifier)
            {
                sender = SenderRef(staffID: staff.id)
                initialStatus = input.status ?? (input.suppressAutoresolve ? .unresolved : .pending)
            } else {
                sender = SenderRef(
                    identityID: try MessageSenders.customerIdentity(
                        connection, context, input.author, name: input.authorName, data: input.authorData))
                initialStatus = input.status ?? .unresolved
            }
            let slug = try Slug.unique(for: input.subject) {
                try repository.slugTaken(brandID: context.brand.id, slug: $0)
            }
            let id = try repository.insertConversation(
                brandID: context.brand.id, channel: channel, slug: slug, subject: input.subject, status: initialStatus,
                author: sender, holdUntil: input.holdUntil, now: context.now)
            try repository.insertTags(conversationID: id, tags: input.tags)
            if let data = input.data {
                _ = try CustomDataRepository(connection: connection, owner: .conversation).merge(id, data)
            }
            _ = try repository.insertMessage(
                conversationID: id, body: input.messageBody, visibility: .regular, originID: input.originID,
                sender: sender, recipients: MessageSenders.merged([], input.recipients),
                attachments: input.attachments, now: context.now)
            return try repository.load(conversationID: id)
        }
        guard let conversation else { throw APIError.internalError }
        return JSONResponse.make { $0.conversation(conversation, permaBase: context.permaBase) }
    }

    // MARK: PUT /conversations/{slug}

    /// Changes tags, status, data, assignee and channel (§5.7).
    static func update(_ context: RequestContext) throws -> HTTPResponse {
        let conversation = try context.write(
            precheck: { _ = try ConversationChanges(body: context.body, lookups: BodyOnly()) },
            target: { connection in
                let id = try conversationID(context, connection)
                guard let current = try ConversationRepository(connection: connection).load(conversationID: id)
                else { throw APIError.notFound }
                return current
            },
            input: { connection, current in
                try ConversationChanges(
                    body: context.body, lookups: context.lookups(connection, brandID: current.brandID))
            }
        ) { connection, current, changes -> ConversationRecord? in
            let repository = ConversationRepository(connection: connection)
            let id = current.id
            var changed = false
            if let tags = changes.tags, tags != current.tags {
                try repository.replaceTags(conversationID: id, tags: tags)
                changed = true
            }
            if let data = changes.data {
                changed =
                    try CustomDataRepository(connection: connection, owner: .conversation).merge(id, data) || changed
            }
            if let assignee = changes.assignee, assignee.id != current.assignee?.id {
                try repository.setAssignee(conversationID: id, staffID: assignee.id)
                changed = true
            }
            let newStatus = changes.status ?? current.status
            let newHold = newStatus == .onHold ? (changes.holdUntil ?? current.holdUntil) : nil
            if newStatus != current.status || newHold != current.holdUntil {
                try repository.setStatus(conversationID: id, status: newStatus, holdUntil: newHold, now: context.now)
                changed = true
            }
            if let target = changes.target, target.channel.id != current.channel.id {
                let brandID = target.brand ?? current.brandID
                var slug = current.slug
                if brandID != current.brandID {
                    slug = try Slug.unique(for: nil, base: current.slug) {
                        try repository.slugTaken(brandID: brandID, slug: $0)
                    }
                }
                try repository.move(conversationID: id, brandID: brandID, channelID: target.channel.id, slug: slug)
                changed = true
            }
            if changed { try repository.touch(conversationID: id, now: context.now) }
            return try repository.load(conversationID: id)
        }
        guard let conversation else { throw APIError.notFound }
        return JSONResponse.make { $0.conversation(conversation, permaBase: context.permaBase) }
    }
}

extension RequestContext {
    /// `{scheme}://{Host}` of this request, for `perma_url` (§5.1): https over TLS and on Re:amaze's own host
    /// names, which clients only ever reach over TLS, else http; the brand's Re:amaze host when no Host was sent.
    var permaBase: String {
        guard let host = requestHost?.trimmed, !host.isEmpty else { return "https://\(brand.hostLabel).reamaze.io" }
        let secure = isSecure || Self.isReamazeHost(host)
        return "\(secure ? "https" : "http")://\(host)"
    }

    /// Whether the host's name (before any `:port`) ends in `.reamaze.io` or `.reamaze.com`, in any letter case.
    private static func isReamazeHost(_ host: String) -> Bool {
        let suffixes = [".reamaze.io", ".reamaze.com"]
        guard host.utf8.allSatisfy({ $0 < 0x80 }) else {
            let name = host.lowercased().split(separator: ":").first.map(String.init) ?? host
            return suffixes.contains { name.hasSuffix($0) }
        }
        // In ASCII every byte is a character, so the bytes give the same answer without walking characters (the
        // split by characters was two thirds of this getter's cost): the first run of bytes without a colon, its
        // letters compared lower-cased.
        let colon = UInt8(ascii: ":")
        let name = host.utf8.drop { $0 == colon }.prefix { $0 != colon }
        return suffixes.contains { suffix in
            name.count >= suffix.utf8.count
                && zip(name.suffix(suffix.utf8.count), suffix.utf8).allSatisfy { byte, expected in
                    (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte) == expected
                }
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
