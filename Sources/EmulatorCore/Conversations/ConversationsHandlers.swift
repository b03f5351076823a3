import MicroHTTP
import SQLiteStore

/// `GET/POST /conversations` and `GET/PUT /conversations/{slug}` (spec §5).
enum ConversationsHandlers {
    static let routes: [Route<RequestContext>] = [
        Route("conversations", [(.get, list), (.post, create)]),
        Route("conversations/:slug", [(.get, show), (.put, update)]),
    ]

    // MARK: GET /conversations

    /// The brand's conversations, filtered and paged (§5.4).
    static func list(_ context: RequestContext) throws -> HTTPResponse {
        let parameters = context.parameters
        var filter = ConversationListFilter()
        var errors = ValidationErrors()
        switch parameters.string("filter") {
        case nil: filter.status = .notArchived
        case "archived": filter.status = .archived
        case "open": filter.status = .open
        case "unassigned": filter.status = .unassigned
        case "all": filter.status = .all
        default: errors.add("filter", "is not included in the list")
        }
        for (field, isEnd) in [("start_date", false), ("end_date", true)] {
            guard let text = parameters.string(field) else { continue }
            guard let day = Timestamp.parseDate(text.trimmed) else {
                errors.add(field, "is invalid")
                continue
            }
            if isEnd {
                filter.createdBefore = Timestamp(milliseconds: day.milliseconds + 86_400_000)
            } else {
                filter.createdFrom = day
            }
        }
        try errors.throwIfAny()
        switch parameters.string("sort") {
        case "updated": filter.sort = .customerActivity
        case "changed": filter.sort = .changed
        default: filter.sort = .created
        }
        filter.tags = commaSeparated(parameters.string("tag"))
        filter.data = parameters.dataFilters
        let pageNumber = Page<ConversationRecord>.number(from: parameters.string("page"))

        let page = try context.database.read { connection -> Page<ConversationRecord> in
            let contacts = ContactRepository(connection: connection)
            let empty = Page<ConversationRecord>(totalCount: 0, items: [])
            var authors: Set<Int> = []
            if let email = parameters.string("for") {
                guard let id = try contacts.contactID(accountID: context.accountID, type: .email, identifier: email)
                else { return empty }
                authors.insert(id)
            }
            if let externalID = parameters.string("for_id") {
                guard let id = try contacts.contactID(accountID: context.accountID, externalID: externalID.trimmed)
                else { return empty }
                authors.insert(id)
            }
            guard authors.count <= 1 else { return empty }
            filter.authorContactID = authors.first
            if let slug = parameters.string("category") {
                guard
                    let channel = try ChannelRepository(connection: connection).channel(
                        brandID: context.brand.id, slug: slug.trimmed)
                else { return empty }
                filter.channelID = channel.id
            }
            return try ConversationRepository(connection: connection).list(
                brandID: context.brand.id, filter: filter, page: pageNumber)
        }
        let base = context.permaBase
        return JSONResponse.make {
            $0.page(page, key: "conversations") { writer, conversation in
                writer.conversation(conversation, permaBase: base)
            }
        }
    }

    /// A comma-separated parameter as trimmed, non-empty parts.
    static func commaSeparated(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { String($0).trimmed }.filter { !$0.isEmpty }
    }

    // MARK: GET /conversations/{slug}

    /// One bare conversation, by slug, numeric id, reference id or origin id (§5.5).
    static func show(_ context: RequestContext) throws -> HTTPResponse {
        let conversation = try context.database.read { connection in
            let repository = ConversationRepository(connection: connection)
            return try repository.load(conversationID: try conversationID(context, connection))
        }
        guard let conversation else { throw APIError.notFound }
        return JSONResponse.make { $0.conversation(conversation, permaBase: context.permaBase) }
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
        guard let body = context.body.root("conversation") else {
            throw ValidationErrors.single("conversation", "is missing")
        }
        var errors = ValidationErrors()
        let reader = FieldReader(object: body)
        let subject = reader.string("subject", &errors)
        let categorySlug = reader.string("category", &errors)?.trimmed
        let tags = reader.tags("tag_list", &errors) ?? []
        let (status, holdUntil) = reader.status(&errors)
        let data = reader.data("data", &errors)
        let message = reader.object("message", &errors).map { FieldReader(object: $0, prefix: "message.") }
        let messageBody = message?.string("body", &errors)
        var recipientErrors = ValidationErrors()
        let recipients = message?.recipients("message.recipients", &recipientErrors) ?? []
        let attachments = message?.attachments("message.attachments", &recipientErrors) ?? []
        let originID = message?.stringOrNumber("origin_id", &errors)
        let suppressAutoresolve = message?.flag("suppress_autoresolve") ?? false
        let user = reader.object("user", &errors).map { FieldReader(object: $0, prefix: "user.") }
        let userEmail = user?.string("email", &errors).map { $0.trimmed.lowercased() }
        let userMobile = user?.string("mobile", &errors).map(\.trimmed)
        let userName = user?.string("name", &errors)
        let userData = user?.data("data", &errors)

        let conversation = try context.database.write { connection -> ConversationRecord? in
            let repository = ConversationRepository(connection: connection)
            var checked = ValidationErrors()
            var channel: ChannelRecord?
            if let categorySlug {
                channel = try ChannelRepository(connection: connection).channel(
                    brandID: context.brand.id, slug: categorySlug)
                if channel == nil { checked.add("category", "is invalid") }
            } else if !errors.has("category") {
                checked.add("category", "can't be blank")
            }
            if messageBody == nil, !errors.has("message.body") { checked.add("message.body", "can't be blank") }
            if userEmail == nil, userMobile == nil, !errors.has("user.email"), !errors.has("user.mobile") {
                checked.add("user", "email or mobile is required")
            }
            if let userEmail, !Formats.isEmail(userEmail) { checked.add("user.email", "is invalid") }
            if userEmail == nil, let userMobile, !Formats.isMobile(userMobile) {
                checked.add("user.mobile", "is invalid")
            }
            for failure in recipientErrors.fields + errors.fields {
                for text in failure.messages { checked.add(failure.field, text) }
            }
            try checked.throwIfAny()
            guard let channel, let messageBody else { throw APIError.internalError }

            if let originID, let existing = try repository.conversationID(channelID: channel.id, originID: originID) {
                return try repository.load(conversationID: existing)
            }
            let staff = try userEmail.flatMap {
                try StaffRepository(connection: connection).staff(accountID: context.accountID, email: $0)
            }
            let author: SenderRef
            let initialStatus: ConversationStatus
            if let staff {
                author = SenderRef(staffID: staff.id)
                initialStatus = status ?? (suppressAutoresolve ? .unresolved : .pending)
            } else {
                let identity: (type: IdentityType, value: String) =
                    userEmail.map { (.email, $0) } ?? (.mobile, userMobile ?? "")
                author = SenderRef(
                    identityID: try MessageSenders.customerIdentity(
                        connection, context, type: identity.type, identifier: identity.value, name: userName,
                        data: userData))
                initialStatus = status ?? .unresolved
            }
            let slug = try Slug.unique(for: subject) { try repository.slugTaken(brandID: context.brand.id, slug: $0) }
            let id = try repository.insertConversation(
                brandID: context.brand.id, channel: channel, slug: slug, subject: subject, status: initialStatus,
                author: author, holdUntil: holdUntil, now: context.now)
            try repository.replaceTags(conversationID: id, tags: tags)
            if let data { _ = try CustomData(connection: connection, owner: .conversation).merge(id, data) }
            _ = try repository.insertMessage(
                conversationID: id, body: messageBody, visibility: .regular, originID: originID, sender: author,
                recipients: MessageSenders.merged([], recipients), attachments: attachments, now: context.now)
            return try repository.load(conversationID: id)
        }
        guard let conversation else { throw APIError.internalError }
        return JSONResponse.make { $0.conversation(conversation, permaBase: context.permaBase) }
    }

    // MARK: PUT /conversations/{slug}

    /// Changes tags, status, data, assignee and channel (§5.7).
    static func update(_ context: RequestContext) throws -> HTTPResponse {
        let conversation = try context.database.write { connection -> ConversationRecord? in
            let repository = ConversationRepository(connection: connection)
            let id = try conversationID(context, connection)
            guard let body = context.body.root("conversation") else {
                throw ValidationErrors.single("conversation", "is missing")
            }
            guard let current = try repository.load(conversationID: id) else { throw APIError.notFound }
            var errors = ValidationErrors()
            let reader = FieldReader(object: body)
            let tags = reader.tags("tag_list", &errors)
            let (status, holdUntil) = reader.status(&errors)
            let data = reader.data("data", &errors)

            var assigneeID: Int?
            let assigneeEmail: String?
            switch body["assignee"] {
            case .object(let object): assigneeEmail = FieldReader(object: object).string("email", &errors)
            case .string(let text): assigneeEmail = Formats.isBlank(text) ? nil : text
            case nil, .null: assigneeEmail = nil
            default:
                assigneeEmail = nil
                errors.add("assignee", "is not a staff user")
            }
            if let assigneeEmail {
                assigneeID = try StaffRepository(connection: connection).staff(
                    accountID: context.accountID, email: assigneeEmail)?.id
                if assigneeID == nil { errors.add("assignee", "is not a staff user") }
            }

            var target: (brandID: Int, channel: ChannelRecord)?
            var targetBrandID = current.brandID
            if let brandText = reader.string("brand", &errors)?.trimmed.lowercased() {
                let brandID = try BrandRepository(connection: connection).brandID(
                    accountID: context.accountID, urlOrHostLabel: brandText)
                if let brandID { targetBrandID = brandID } else { errors.add("brand", "is invalid") }
            }
            if let slug = reader.string("category", &errors)?.trimmed, !errors.has("brand") {
                let channel = try ChannelRepository(connection: connection).channel(brandID: targetBrandID, slug: slug)
                if let channel, channel.type == .email {
                    target = (targetBrandID, channel)
                } else {
                    errors.add("category", "is invalid")
                }
            }
            try errors.throwIfAny()

            var changed = false
            if let tags, tags != current.tags {
                try repository.replaceTags(conversationID: id, tags: tags)
                changed = true
            }
            if let data {
                changed = try CustomData(connection: connection, owner: .conversation).merge(id, data) || changed
            }
            if let assigneeID, assigneeID != current.assignee?.id {
                try repository.setAssignee(conversationID: id, staffID: assigneeID)
                changed = true
            }
            let newStatus = status ?? current.status
            let newHold = newStatus == .onHold ? (holdUntil ?? current.holdUntil) : nil
            if newStatus != current.status || newHold != current.holdUntil {
                try repository.setStatus(conversationID: id, status: newStatus, holdUntil: newHold, now: context.now)
                changed = true
            }
            if let target, target.channel.id != current.channel.id {
                var slug = current.slug
                if target.brandID != current.brandID {
                    slug = try Slug.unique(for: nil, base: current.slug) {
                        try repository.slugTaken(brandID: target.brandID, slug: $0)
                    }
                }
                try repository.move(
                    conversationID: id, brandID: target.brandID, channelID: target.channel.id, slug: slug)
                changed = true
            }
            if changed { try repository.touch(conversationID: id, now: context.now) }
            return try repository.load(conversationID: id)
        }
        guard let conversation else { throw APIError.notFound }
        return JSONResponse.make { $0.conversation(conversation, permaBase: context.permaBase) }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
