import JSON

/// `POST /conversations`'s body (spec §5.6): a channel of the brand, a first message, and who writes it.
struct NewConversation<Lookups: WriteLookups> {
    let subject: String?
    let channel: Lookups.ChannelReference
    let tags: [String]
    let status: ConversationStatus?
    let holdUntil: Timestamp?
    let data: JSONObject?
    let messageBody: String
    let recipients: [String]
    let attachments: [String]
    let originID: String?
    let suppressAutoresolve: Bool
    /// The customer's email or mobile; a staff user when the email is one.
    let author: IdentityKey
    let authorName: String?
    let authorData: JSONObject?

    init(body: JSONObject, lookups: Lookups) throws {
        let object = try body.requiredRoot("conversation")
        var errors = ValidationErrors()
        let reader = FieldReader(object: object)
        subject = reader.string("subject", &errors)
        let categorySlug = reader.string("category", &errors)?.trimmed
        tags = reader.tags("tag_list", &errors) ?? []
        (status, holdUntil) = reader.status(&errors)
        data = reader.data("data", &errors)
        let message = reader.object("message", &errors).map { FieldReader(object: $0, prefix: "message.") }
        let messageBody = message?.string("body", &errors)
        var recipientErrors = ValidationErrors()
        recipients = message?.recipients("message.recipients", &recipientErrors) ?? []
        attachments = message?.attachments("message.attachments", &recipientErrors) ?? []
        originID = message?.stringOrNumber("origin_id", &errors)
        suppressAutoresolve = message?.flag("suppress_autoresolve") ?? false
        let user = reader.object("user", &errors).map { FieldReader(object: $0, prefix: "user.") }
        let email = user?.string("email", &errors).map { $0.trimmed.lowercased() }
        let mobile = user?.string("mobile", &errors).map(\.trimmed)
        authorName = user?.string("name", &errors)
        authorData = user?.data("data", &errors)

        // The rules of §5.6 first, in their order, then the type errors of the fields read above.
        var checked = ValidationErrors()
        var channel: Lookups.ChannelReference?
        if let categorySlug {
            channel = try lookups.channel(in: nil, slug: categorySlug)
            if channel == nil { checked.add("category", "is invalid") }
        } else if !errors.has("category") {
            checked.add("category", "can't be blank")
        }
        if messageBody == nil, !errors.has("message.body") { checked.add("message.body", "can't be blank") }
        if email == nil, mobile == nil, !errors.has("user.email"), !errors.has("user.mobile") {
            checked.add("user", "email or mobile is required")
        }
        if let email, !Formats.isEmail(email) { checked.add("user.email", "is invalid") }
        if email == nil, let mobile, !Formats.isMobile(mobile) { checked.add("user.mobile", "is invalid") }
        checked.append(recipientErrors)
        checked.append(errors)
        // Each nil below recorded an error above.
        guard checked.isEmpty, let channel, let messageBody,
            let author = email.map(IdentityKey.email) ?? mobile.map(IdentityKey.mobile)
        else { throw checked }
        (self.channel, self.messageBody, self.author) = (channel, messageBody, author)
    }
}

/// `PUT /conversations/{slug}`'s body (spec §5.7): what changes; absent fields stay as they are.
struct ConversationChanges<Lookups: WriteLookups> {
    let tags: [String]?
    let status: ConversationStatus?
    let holdUntil: Timestamp?
    let data: JSONObject?
    let assignee: Lookups.StaffReference?
    /// An email channel to move to, in another brand when `brand` names one (nil: the conversation's brand).
    let target: (brand: Lookups.BrandReference?, channel: Lookups.ChannelReference)?

    /// `lookups` resolve channel slugs in the conversation's own brand when the body names no other.
    init(body: JSONObject, lookups: Lookups) throws {
        let object = try body.requiredRoot("conversation")
        var errors = ValidationErrors()
        let reader = FieldReader(object: object)
        tags = reader.tags("tag_list", &errors)
        (status, holdUntil) = reader.status(&errors)
        data = reader.data("data", &errors)

        let assigneeEmail: String?
        switch object["assignee"] {
        case .object(let assignee): assigneeEmail = FieldReader(object: assignee).string("email", &errors)
        case .string(let text): assigneeEmail = Formats.isBlank(text) ? nil : text
        case nil, .null: assigneeEmail = nil
        default:
            assigneeEmail = nil
            errors.add("assignee", "is not a staff user")
        }
        var assignee: Lookups.StaffReference?
        if let assigneeEmail {
            assignee = try lookups.staff(email: assigneeEmail)
            if assignee == nil { errors.add("assignee", "is not a staff user") }
        }
        self.assignee = assignee

        var brand: Lookups.BrandReference?
        if let brandText = reader.string("brand", &errors)?.trimmed.lowercased() {
            brand = try lookups.brand(urlOrHostLabel: brandText)
            if brand == nil { errors.add("brand", "is invalid") }
        }
        var target: (brand: Lookups.BrandReference?, channel: Lookups.ChannelReference)?
        if let slug = reader.string("category", &errors)?.trimmed, !errors.has("brand") {
            if let channel = try lookups.channel(in: brand, slug: slug), lookups.isEmailChannel(channel) {
                target = (brand, channel)
            } else {
                errors.add("category", "is invalid")
            }
        }
        self.target = target
        try errors.throwIfAny()
    }
}

/// Who a new message is from (spec §6.3): the caller, another staff user, or a customer by email.
enum MessageSender<StaffReference> {
    case caller
    case staff(StaffReference)
    case customer(IdentityKey, name: String?)
}

/// `POST /conversations/{slug}/messages`'s body (spec §6.3).
struct NewMessage<Lookups: WriteLookups> {
    let text: String
    let visibility: MessageVisibility
    let sender: MessageSender<Lookups.StaffReference>
    let originID: String?
    let recipients: [String]
    let attachments: [String]
    let suppressAutoresolve: Bool

    init(body: JSONObject, lookups: Lookups) throws {
        let object = try body.requiredRoot("message")
        var errors = ValidationErrors()
        let reader = FieldReader(object: object)
        let text = reader.string("body", &errors)
        if text == nil, !errors.has("body") { errors.add("body", "can't be blank") }
        var visibility = MessageVisibility.regular
        switch object["visibility"] {
        case nil, .null: break
        case .number(let literal) where literal == "0" || literal == "1":
            visibility = Int(literal).flatMap(MessageVisibility.init(rawValue:)) ?? .regular
        default: errors.add("visibility", "is not included in the list")
        }
        self.visibility = visibility
        let user = reader.object("user", &errors).map { FieldReader(object: $0, prefix: "user.") }
        let email = user?.string("email", &errors).map { $0.trimmed.lowercased() }
        let name = user?.string("name", &errors)
        if let email, !Formats.isEmail(email) { errors.add("user.email", "is invalid") }
        originID = reader.stringOrNumber("origin_id", &errors)
        recipients = reader.recipients("recipients", &errors)
        attachments = reader.attachments("attachments", &errors)
        suppressAutoresolve = reader.flag("suppress_autoresolve")

        if let email, !errors.has("user.email") {
            sender =
                try lookups.staff(email: email).map(MessageSender.staff)
                ?? .customer(.email(email), name: name)
        } else {
            sender = .caller
        }
        // A customer cannot write an internal note.
        if case .customer = sender, visibility == .internalNote, !errors.has("visibility") {
            errors.add("visibility", "is invalid")
        }
        guard errors.isEmpty, let text else { throw errors }
        self.text = text
    }
}

/// `GET /conversations`' query (spec §5.4): the filters, the page, and the references resolved when it is read.
struct ConversationListQuery {
    var filter = ConversationListFilter()
    let page: Int
    /// `for`: the customer's email.
    let authorEmail: String?
    /// `for_id`: the customer's external id.
    let authorExternalID: String?
    /// `category`: a channel slug of the brand.
    let category: String?

    init(parameters: Parameters) throws(ValidationErrors) {
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
        filter.tags = Self.commaSeparated(parameters.string("tag"))
        filter.data = parameters.dataFilters
        page = Page<ConversationRecord>.number(from: parameters.string("page"))
        authorEmail = parameters.string("for")
        authorExternalID = parameters.string("for_id")?.trimmed
        category = parameters.string("category")?.trimmed
    }

    /// A comma-separated parameter as trimmed, non-empty parts.
    static func commaSeparated(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { String($0).trimmed }.filter { !$0.isEmpty }
    }
}

/// The query of `GET /messages` and `GET /conversations/{slug}/messages` (spec §6.2).
struct MessageListQuery {
    var filter = MessageListFilter()
    let page: Int
    /// `sent_by`: a staff user's or a customer's email, resolved when it is read.
    let sentBy: String?

    init(parameters: Parameters) throws(ValidationErrors) {
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
        filter.tags = ConversationListQuery.commaSeparated(parameters.string("tag"))
        page = Page<MessageRecord>.number(from: parameters.string("page"))
        sentBy = parameters.string("sent_by")
    }
}

/// Reads of the conversation and message fields that several requests share (spec §5.2, §5.6, §6.3).
extension FieldReader {
    /// `tag_list`: an array of strings or one comma-separated string; trimmed, blanks and duplicates dropped.
    func tags(_ key: String, _ errors: inout ValidationErrors) -> [String]? {
        let raw: [String]
        switch object[key] {
        case nil, .null: return nil
        case .string(let text): raw = text.split(separator: ",").map(String.init)
        case .array:
            guard let strings = stringArray(key, &errors) else { return nil }
            raw = strings
        default:
            errors.add(prefix + key, "is invalid")
            return nil
        }
        var seen: Set<String> = []
        return raw.map(\.trimmed).filter { !$0.isEmpty && seen.insert($0.lowercased()).inserted }
    }

    /// `status` 0–9 and its `hold_until` (§5.2): 5 needs a `hold_until` in the same request.
    func status(_ errors: inout ValidationErrors) -> (status: ConversationStatus?, holdUntil: Timestamp?) {
        var status: ConversationStatus?
        switch object["status"] {
        case nil, .null: status = nil
        case .number(let literal):
            if let value = Int(literal).flatMap(ConversationStatus.init(rawValue:)) {
                status = value
            } else {
                errors.add(prefix + "status", "is not included in the list")
            }
        case .string(let text) where Formats.isBlank(text): status = nil
        default: errors.add(prefix + "status", "is not included in the list")
        }
        var holdUntil: Timestamp?
        if let text = string("hold_until", &errors) {
            holdUntil = Timestamp.parse(text.trimmed)
            if holdUntil == nil { errors.add(prefix + "hold_until", "is invalid") }
        }
        if status == .onHold, holdUntil == nil, !errors.has(prefix + "hold_until") {
            errors.add(prefix + "hold_until", "can't be blank")
        }
        return (status, holdUntil)
    }

    /// `recipients`: an array of email addresses, lower-cased.
    func recipients(_ errorField: String, _ errors: inout ValidationErrors) -> [String] {
        var ignored = ValidationErrors()
        switch object["recipients"] {
        case nil, .null: return []
        case .array:
            guard let strings = stringArray("recipients", &ignored) else {
                errors.add(errorField, "is invalid")
                return []
            }
            let emails = strings.map { $0.trimmed.lowercased() }
            if !emails.allSatisfy(Formats.isEmail) { errors.add(errorField, "is invalid") }
            return emails
        default:
            errors.add(errorField, "is invalid")
            return []
        }
    }

    /// `attachment` (one URL) and `attachments` (an array of URLs), each an absolute http(s) URL.
    func attachments(_ errorField: String, _ errors: inout ValidationErrors) -> [String] {
        var urls: [String] = []
        var valid = true
        for key in ["attachment", "attachments"] {
            switch object[key] {
            case nil, .null: continue
            case .string(let text): urls.append(text.trimmed)
            case .array(let elements):
                for element in elements {
                    if case .string(let text) = element { urls.append(text.trimmed) } else { valid = false }
                }
            default: valid = false
            }
        }
        if !valid || !urls.allSatisfy(Formats.isWebURL) { errors.add(errorField, "is invalid") }
        return urls
    }

    /// A Boolean flag; anything but `true` is false.
    func flag(_ key: String) -> Bool { object[key] == .bool(true) }
}
