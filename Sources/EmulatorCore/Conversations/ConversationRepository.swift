import JSON
import SQLiteStore

/// The SQL behind conversations and messages. Like ``ContactRepository``, it runs inside the caller's transaction.
///
/// A conversation's author and a customer message's sender are identities, so the contact shown is always the
/// identity's current owner: re-association needs no change here (ARCHITECTURE.md, "The data model's one idea").
struct ConversationRepository {
    let connection: Connection
    /// Channels and staff users kept between requests: given for a read transaction only (a write may have changed
    /// them itself), nil to read them from the store.
    var shown: ShownRecords?

    var contacts: ContactRepository { ContactRepository(connection: connection) }

    // MARK: Finding

    /// The conversation of the brand with this slug.
    func conversationID(brandID: Int, slug: String) throws -> Int? {
        try connection.queryOne("SELECT id FROM conversations WHERE brand_id = ? AND slug = ?", [brandID, slug]) {
            $0.int(0)
        }
    }

    /// The id and assignee of the brand's conversation with this slug: what a satisfaction rating takes from it.
    func idAndAssignee(brandID: Int, slug: String) throws -> (id: Int, assigneeID: Int?)? {
        try connection.queryOne(
            "SELECT id, assignee_id FROM conversations WHERE brand_id = ? AND slug = ?", [brandID, slug]
        ) { (id: $0.int(0), assigneeID: $0.optionalInt(1)) }
    }

    /// The conversation of the brand with this internal id.
    func conversationID(brandID: Int, id: Int) throws -> Int? {
        try connection.queryOne("SELECT id FROM conversations WHERE brand_id = ? AND id = ?", [brandID, id]) {
            $0.int(0)
        }
    }

    /// The conversation of the channel whose first message has this origin id (spec §5.5, §5.6).
    func conversationID(channelID: Int, originID: String) throws -> Int? {
        try connection.queryOne(
            """
            SELECT c.id FROM conversations c
            WHERE c.channel_id = ? AND (SELECT m.origin_id FROM messages m WHERE m.conversation_id = c.id
                ORDER BY m.created_at, m.id LIMIT 1) = ?
            ORDER BY c.id LIMIT 1
            """, [channelID, originID]
        ) { $0.int(0) }
    }

    /// Whether the slug is taken in the brand.
    func slugTaken(brandID: Int, slug: String) throws -> Bool {
        try conversationID(brandID: brandID, slug: slug) != nil
    }

    // MARK: Loading

    /// A conversation row with what one statement adds to it: the author's contact (through the author identity),
    /// and the first message's body and the newest regular message of each side, through the ids the row keeps
    /// (with the message count: set by ``insertMessage``, kept right by the schema's triggers when messages go or
    /// change). The same columns serve a page and a single read (which adds two, ``oneConversationSelect``).
    private static let conversationSelect = "\(conversationColumns)\n\(conversationTables)"
    private static let conversationColumns = """
        SELECT c.id, c.brand_id, c.channel_id, c.slug, c.subject, c.status, c.author_staff_id, c.assignee_id,
            c.origin, c.hold_until, c.created_at, c.updated_at,
            (SELECT i.contact_id FROM identities i WHERE i.id = c.author_identity_id) AS author_contact_id,
            c.message_count, fm.body AS first_body, lc.body AS customer_body, lc.created_at AS customer_at,
            ls.body AS staff_body, ls.created_at AS staff_at
        """
    private static let conversationTables = """
        FROM conversations c
        LEFT JOIN messages fm ON fm.id = c.first_message_id
        LEFT JOIN messages lc ON lc.id = c.last_customer_message_id
        LEFT JOIN messages ls ON ls.id = c.last_staff_message_id
        """

    /// What ``conversationSelect`` reads; the rest of a record (channel, author, assignee, tags, data) is loaded
    /// beside it, one at a time or for a whole page.
    private struct ConversationRow {
        let id: Int
        let brandID: Int
        let channelID: Int
        let slug: String
        let subject: String?
        let status: ConversationStatus
        let authorStaffID: Int?
        let authorContactID: Int?
        let assigneeID: Int?
        let origin: Int
        let holdUntil: Timestamp?
        let createdAt: Timestamp
        let updatedAt: Timestamp
        let messageCount: Int
        let firstMessageBody: String?
        let lastCustomerMessage: MessageSummary?
        let lastStaffMessage: MessageSummary?

        init(row: Row) throws {
            // In the order of `conversationSelect`: a column read where the last one read ends is found at once.
            id = try row.int("id")
            brandID = try row.int("brand_id")
            channelID = try row.int("channel_id")
            slug = try row.string("slug")
            subject = try row.optionalString("subject")
            status = try row.int("status", as: ConversationStatus.self)
            authorStaffID = try row.optionalInt("author_staff_id")
            assigneeID = try row.optionalInt("assignee_id")
            origin = try row.int("origin")
            holdUntil = try row.optionalInt64("hold_until").map(Timestamp.init(milliseconds:))
            createdAt = Timestamp(milliseconds: try row.int64("created_at"))
            updatedAt = Timestamp(milliseconds: try row.int64("updated_at"))
            authorContactID = try row.optionalInt("author_contact_id")
            messageCount = try row.int("message_count")
            firstMessageBody = try row.optionalString("first_body")
            lastCustomerMessage = try Self.summary(row, body: "customer_body", time: "customer_at")
            lastStaffMessage = try Self.summary(row, body: "staff_body", time: "staff_at")
        }

        private static func summary(_ row: Row, body: String, time: String) throws -> MessageSummary? {
            guard let text = try row.optionalString(body), let at = try row.optionalInt64(time) else { return nil }
            return MessageSummary(body: text, createdAt: Timestamp(milliseconds: at))
        }

        /// The record, or nil when its channel or author is gone.
        func record(
            channel: ChannelRecord?, author: Sender?, assignee: StaffRecord?, tags: [String], data: JSONObject
        ) -> ConversationRecord? {
            guard let channel, let author else { return nil }
            return ConversationRecord(
                id: id, brandID: brandID, slug: slug, subject: subject, status: status, createdAt: createdAt,
                updatedAt: updatedAt, tags: tags, firstMessageBody: firstMessageBody,
                lastCustomerMessage: lastCustomerMessage, lastStaffMessage: lastStaffMessage, author: author,
                assignee: assignee, channel: channel, data: data, origin: origin, holdUntil: holdUntil,
                messageCount: messageCount)
        }
    }

    /// The conversation with its author, assignee, channel, tags, data and message summaries.
    func load(conversationID: Int) throws -> ConversationRecord? {
        try load(row: try connection.queryOne(Self.conversationByID, [conversationID], OneConversationRow.init(row:)))
    }

    /// The brand's conversation with this slug, as ``load(conversationID:)`` gives it: found by the statement that
    /// reads its row.
    func load(brandID: Int, slug: String) throws -> ConversationRecord? {
        try load(row: try connection.queryOne(Self.conversationBySlug, [brandID, slug], OneConversationRow.init(row:)))
    }

    /// A single read's row also says whether the conversation has tags and data: a probe of each one's index in the
    /// statement that reads the row costs less than a statement of its own, which most conversations, having
    /// neither, would run for nothing. (A page reads the tags and data of all its rows in one statement each.)
    private static let oneConversationSelect = """
        \(conversationColumns),
            EXISTS (SELECT 1 FROM conversation_tags t WHERE t.conversation_id = c.id) AS has_tags,
            \(CustomDataRepository.Owner.conversation.hasDataColumn(ownerID: "c.id"))
        \(conversationTables)
        """
    private static let conversationByID = "\(oneConversationSelect) WHERE c.id = ?"
    private static let conversationBySlug = "\(oneConversationSelect) WHERE c.brand_id = ? AND c.slug = ?"

    /// What ``oneConversationSelect`` reads.
    private struct OneConversationRow {
        let row: ConversationRow
        let hasTags: Bool
        let hasData: Bool

        init(row: Row) throws {
            self.row = try ConversationRow(row: row)
            hasTags = try row.bool("has_tags")
            hasData = try row.bool("has_data")
        }
    }

    /// A conversation row with the rest of its record.
    private func load(row one: OneConversationRow?) throws -> ConversationRecord? {
        guard let one else { return nil }
        let row = one.row
        return row.record(
            channel: try channel(id: row.channelID),
            author: try sender(contactID: row.authorContactID, staffID: row.authorStaffID),
            assignee: try row.assigneeID.flatMap { try staff(id: $0) },
            tags: one.hasTags ? try tags(conversationID: row.id) : [],
            data: one.hasData
                ? try CustomDataRepository(connection: connection, owner: .conversation).load(row.id) : JSONObject())
    }

    /// Several conversations, in the order of `conversationIDs` (unknown ids left out), loaded in a fixed number of
    /// statements whatever their number: the rows, then the channels, authors, staff, tags and data of them all.
    func load(conversationIDs: [Int]) throws -> [ConversationRecord] {
        guard !conversationIDs.isEmpty else { return [] }
        let ids = IDList.json(conversationIDs)
        let rows = try connection.query(
            "\(Self.conversationSelect) WHERE c.id IN (SELECT value FROM json_each(?))", [ids],
            ConversationRow.init(row:))
        let channels = try ChannelRepository(connection: connection).channels(ids: rows.map(\.channelID))
        let senders = try Senders(
            connection, contactIDs: rows.compactMap(\.authorContactID),
            staffIDs: rows.compactMap(\.authorStaffID) + rows.compactMap(\.assigneeID))
        let tags = Dictionary(
            grouping: try connection.query(
                """
                SELECT conversation_id, tag FROM conversation_tags
                WHERE conversation_id IN (SELECT value FROM json_each(?)) ORDER BY conversation_id, position
                """, [ids]
            ) { (id: try $0.int("conversation_id"), tag: try $0.string("tag")) }, by: \.id)
        let data = try CustomDataRepository(connection: connection, owner: .conversation).load(ownerIDs: ids)
        let byID = Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return conversationIDs.compactMap { id in
            guard let row = byID[id] else { return nil }
            return row.record(
                channel: channels[row.channelID],
                author: senders.sender(contactID: row.authorContactID, staffID: row.authorStaffID),
                assignee: row.assigneeID.flatMap { senders.staff[$0] }, tags: tags[id]?.map(\.tag) ?? [],
                data: data[id] ?? JSONObject())
        }
    }

    /// The contacts (without notes) and staff users a page of conversations or messages shows, loaded together.
    private struct Senders {
        let contacts: [Int: ContactRecord]
        let staff: [Int: StaffRecord]

        init(_ connection: Connection, contactIDs: [Int], staffIDs: [Int]) throws {
            let loaded = try ContactRepository(connection: connection).load(
                contactIDs: Array(Set(contactIDs)), withNotes: false)
            contacts = Dictionary(loaded.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            staff =
                staffIDs.isEmpty ? [:] : try StaffRepository(connection: connection).staff(ids: Array(Set(staffIDs)))
        }

        /// As ``ConversationRepository/sender(contactID:staffID:)`` answers for one.
        func sender(contactID: Int?, staffID: Int?) -> Sender? {
            if let contactID, let contact = contacts[contactID] { return .contact(contact) }
            if let staffID, let staff = staff[staffID] { return .staff(staff) }
            return nil
        }
    }

    private func sender(contactID: Int?, staffID: Int?) throws -> Sender? {
        if let contactID, let contact = try contacts.load(contactID: contactID, withNotes: false) {
            return .contact(contact)
        }
        if let staffID, let staff = try staff(id: staffID) { return .staff(staff) }
        return nil
    }

    /// A channel by id, kept (``shown``) or read.
    private func channel(id: Int) throws -> ChannelRecord? {
        let read = { try ChannelRepository(connection: connection).channel(id: id) }
        return try shown.map { try $0.channel(id, read) } ?? read()
    }

    /// A staff user by id, kept (``shown``) or read.
    private func staff(id: Int) throws -> StaffRecord? {
        let read = { try StaffRepository(connection: connection).staff(id: id) }
        return try shown.map { try $0.staff(id, read) } ?? read()
    }

    /// The conversation's tags in the order given.
    func tags(conversationID: Int) throws -> [String] {
        try connection.query(
            "SELECT tag FROM conversation_tags WHERE conversation_id = ? ORDER BY position", [conversationID]
        ) { $0.string(0) }
    }

    /// A message row with its conversation's fields and its sender's contact (through the sender identity): the
    /// same columns serve a single read and a page.
    private static let messageSelect = """
        SELECT m.id, m.body, m.visibility, m.origin_id, m.sender_staff_id, m.recipients, m.attachments,
            m.created_at, c.origin, c.subject, c.slug, c.created_at AS conversation_created_at, c.channel_id,
            (SELECT i.contact_id FROM identities i WHERE i.id = m.sender_identity_id) AS sender_contact_id
        FROM messages m JOIN conversations c ON c.id = m.conversation_id
        """

    /// What ``messageSelect`` reads; the channel, the sender and the recipients' names are loaded beside it.
    private struct MessageRow {
        let id: Int
        let body: String
        let visibility: MessageVisibility
        let originID: String?
        let senderStaffID: Int?
        let senderContactID: Int?
        let recipients: [String]
        let attachments: [String]
        let createdAt: Timestamp
        let origin: Int
        let subject: String?
        let slug: String
        let conversationCreatedAt: Timestamp
        let channelID: Int

        init(row: Row) throws {
            // In the order of `messageSelect`, as ``ConversationRow`` reads its own.
            id = try row.int("id")
            body = try row.string("body")
            visibility = try row.int("visibility", as: MessageVisibility.self)
            originID = try row.optionalString("origin_id")
            senderStaffID = try row.optionalInt("sender_staff_id")
            recipients = ConversationRepository.strings(fromJSON: try row.string("recipients"))
            attachments = ConversationRepository.strings(fromJSON: try row.string("attachments"))
            createdAt = Timestamp(milliseconds: try row.int64("created_at"))
            origin = try row.int("origin")
            subject = try row.optionalString("subject")
            slug = try row.string("slug")
            conversationCreatedAt = Timestamp(milliseconds: try row.int64("conversation_created_at"))
            channelID = try row.int("channel_id")
            senderContactID = try row.optionalInt("sender_contact_id")
        }

        /// The record, or nil when its channel or sender is gone; `name` names a recipient's email.
        func record(channel: ChannelRecord?, sender: Sender?, name: (String) throws -> String?) rethrows
            -> MessageRecord?
        {
            guard let channel, let sender else { return nil }
            return MessageRecord(
                id: id, body: body, visibility: visibility, origin: origin, originID: originID, createdAt: createdAt,
                sender: sender, recipients: try recipients.map { Recipient(name: try name($0), email: $0) },
                attachments: attachments, conversationSubject: subject, conversationSlug: slug,
                conversationCreatedAt: conversationCreatedAt, channel: channel)
        }
    }

    /// A message with its sender, recipients and conversation.
    func loadMessage(id: Int, accountID: Int) throws -> MessageRecord? {
        guard let row = try connection.queryOne("\(Self.messageSelect) WHERE m.id = ?", [id], MessageRow.init(row:))
        else { return nil }
        return try row.record(
            channel: try channel(id: row.channelID),
            sender: try sender(contactID: row.senderContactID, staffID: row.senderStaffID)
        ) { try recipientName($0, accountID: accountID) }
    }

    /// Several messages, in the order of `ids` (unknown ids left out), loaded in a fixed number of statements
    /// whatever their number: the rows, then the channels, senders and recipients' names of them all.
    func loadMessages(ids messageIDs: [Int], accountID: Int) throws -> [MessageRecord] {
        guard !messageIDs.isEmpty else { return [] }
        let rows = try connection.query(
            "\(Self.messageSelect) WHERE m.id IN (SELECT value FROM json_each(?))", [IDList.json(messageIDs)],
            MessageRow.init(row:))
        let channels = try ChannelRepository(connection: connection).channels(ids: rows.map(\.channelID))
        let senders = try Senders(
            connection, contactIDs: rows.compactMap(\.senderContactID), staffIDs: rows.compactMap(\.senderStaffID))
        let emails = Array(Set(rows.flatMap(\.recipients).map { $0.trimmed.lowercased() }))
        let (staffNames, contactNames) =
            emails.isEmpty
            ? ([:], [:])
            : (
                try StaffRepository(connection: connection).names(accountID: accountID, emails: emails),
                try contacts.names(accountID: accountID, emails: emails)
            )
        let byID = Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return messageIDs.compactMap { id in
            guard let row = byID[id] else { return nil }
            return row.record(
                channel: channels[row.channelID],
                sender: senders.sender(contactID: row.senderContactID, staffID: row.senderStaffID)
            ) { email in
                // As ``recipientName(_:accountID:)``: the staff user's name when a staff user has the email.
                let key = email.trimmed.lowercased()
                if let staffName = staffNames[key] { return staffName }
                return contactNames[key] ?? nil
            }
        }
    }

    /// The name of the staff user or contact of the account owning an email, else nil (spec §6.1).
    private func recipientName(_ email: String, accountID: Int) throws -> String? {
        if let staff = try StaffRepository(connection: connection).staff(accountID: accountID, email: email) {
            return staff.name
        }
        guard let contactID = try contacts.contactID(accountID: accountID, type: .email, identifier: email) else {
            return nil
        }
        return try connection.queryOne("SELECT name FROM contacts WHERE id = ?", [contactID]) { $0.optionalString(0) }
            ?? nil
    }

    /// The recipients of the conversation so far: the snapshot on its newest message.
    func currentRecipients(conversationID: Int) throws -> [String] {
        let json = try connection.queryOne(
            "SELECT recipients FROM messages WHERE conversation_id = ? ORDER BY created_at DESC, id DESC LIMIT 1",
            [conversationID]
        ) { $0.string(0) }
        return Self.strings(fromJSON: json ?? "[]")
    }

    /// The message of the conversation with this origin id, if any.
    func messageID(conversationID: Int, originID: String) throws -> Int? {
        try connection.queryOne(
            "SELECT id FROM messages WHERE conversation_id = ? AND origin_id = ? ORDER BY id LIMIT 1",
            [conversationID, originID]
        ) { $0.int(0) }
    }

    // MARK: Listing

    /// One page of the brand's conversations (spec §5.4).
    func list(brandID: Int, filter: ConversationListFilter, page: Int) throws -> Page<ConversationRecord> {
        var conditions = ["c.brand_id = ?"]
        var values: [any SQLiteBindable] = [brandID]
        switch filter.status {
        case .notArchived: conditions.append("c.status <> \(ConversationStatus.archived.rawValue)")
        case .archived: conditions.append("c.status = \(ConversationStatus.archived.rawValue)")
        case .open: conditions.append("c.status = \(ConversationStatus.unresolved.rawValue)")
        case .unassigned:
            conditions.append("c.assignee_id IS NULL AND c.status <> \(ConversationStatus.archived.rawValue)")
        case .all: break
        }
        if let contactID = filter.authorContactID {
            conditions.append("c.author_identity_id IN (SELECT id FROM identities WHERE contact_id = ?)")
            values.append(contactID)
        }
        if !filter.tags.isEmpty {
            conditions.append(Self.anyTagCondition(count: filter.tags.count))
            values += filter.tags as [any SQLiteBindable]
        }
        if let channelID = filter.channelID {
            conditions.append("c.channel_id = ?")
            values.append(channelID)
        }
        let dataFilters = CustomDataRepository(connection: connection, owner: .conversation).filters(
            filter.data, alias: "c")
        conditions += dataFilters.conditions
        values += dataFilters.values as [any SQLiteBindable]
        if let start = filter.createdFrom {
            conditions.append("c.created_at >= ?")
            values.append(start.milliseconds)
        }
        if let end = filter.createdBefore {
            conditions.append("c.created_at < ?")
            values.append(end.milliseconds)
        }
        let order: String
        switch filter.sort {
        case .created: order = "c.created_at DESC, c.id DESC"
        case .changed: order = "c.updated_at DESC, c.id DESC"
        case .customerActivity:
            order = """
                coalesce((SELECT max(m.created_at) FROM messages m WHERE m.conversation_id = c.id \
                AND m.sender_identity_id IS NOT NULL AND m.visibility = \(MessageVisibility.regular.rawValue)), \
                c.created_at) DESC, c.id DESC
                """
        }
        return try Page.fetch(
            connection, select: "c.id", from: "FROM conversations c WHERE \(conditions.joined(separator: " AND "))",
            values: values, order: order,
            caching: filter.tags.isEmpty && dataFilters.conditions.isEmpty ? .cached : .oneOff, page: page
        ) { $0.int(0) }.batch { try load(conversationIDs: $0) }
    }

    /// One page of the brand's messages, or of one conversation's, newest first (spec §6.2).
    func listMessages(brandID: Int, accountID: Int, filter: MessageListFilter, page: Int) throws -> Page<MessageRecord>
    {
        // `+` keeps SQLite from starting at the brand's conversations, which would gather and sort every message of
        // the brand for one page (50 ms for 350,000 messages); it walks the messages newest first instead, looking
        // up each one's conversation, and stops at the page (BENCHMARKS.md).
        var conditions = ["+c.brand_id = ?"]
        var values: [any SQLiteBindable] = [brandID]
        if let conversationID = filter.conversationID {
            conditions.append("m.conversation_id = ?")
            values.append(conversationID)
        }
        switch filter.senderKind {
        case .staff?: conditions.append("m.sender_staff_id IS NOT NULL")
        case .customer?: conditions.append("m.sender_identity_id IS NOT NULL")
        case nil: break
        }
        if !filter.tags.isEmpty {
            conditions.append(Self.anyTagCondition(count: filter.tags.count))
            values += filter.tags as [any SQLiteBindable]
        }
        if let origin = filter.origin {
            conditions.append("c.origin = ?")
            values.append(origin)
        }
        switch filter.sentBy {
        case .staff(let staffID)?:
            conditions.append("m.sender_staff_id = ?")
            values.append(staffID)
        case .contact(let contactID)?:
            conditions.append("m.sender_identity_id IN (SELECT id FROM identities WHERE contact_id = ?)")
            values.append(contactID)
        case .nobody?: conditions.append("0")
        case nil: break
        }
        return try Page.fetch(
            connection, select: "m.id",
            from: "FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE "
                + conditions.joined(separator: " AND "),
            values: values, order: "m.created_at DESC, m.id DESC", caching: filter.tags.isEmpty ? .cached : .oneOff,
            page: page
        ) { $0.int(0) }.batch { try loadMessages(ids: $0, accountID: accountID) }
    }

    /// Matches conversations `c` holding any of `count` tags, case-insensitively.
    private static func anyTagCondition(count: Int) -> String {
        let marks = Array(repeating: "?", count: count).joined(separator: ", ")
        return "EXISTS (SELECT 1 FROM conversation_tags t WHERE t.conversation_id = c.id "
            + "AND t.tag COLLATE NOCASE IN (\(marks)))"
    }

    // MARK: Writes

    /// Inserts a conversation row and returns its id: created at `now`, updated at `updatedAt` (`now` when nil),
    /// assigned when `assigneeID` is given (one statement where an update after the insert would be a second).
    func insertConversation(
        brandID: Int, channel: ChannelRecord, slug: String, subject: String?, status: ConversationStatus,
        author: SenderRef, assigneeID: Int? = nil, holdUntil: Timestamp?, now: Timestamp, updatedAt: Timestamp? = nil
    ) throws -> Int {
        try connection.insert(
            """
            INSERT INTO conversations (brand_id, channel_id, slug, subject, status, author_identity_id,
                author_staff_id, assignee_id, origin, hold_until, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                brandID, channel.id, slug, subject, status.rawValue, author.identityID, author.staffID, assigneeID,
                channel.type.rawValue, status == .onHold ? holdUntil?.milliseconds : nil, now.milliseconds,
                (updatedAt ?? now).milliseconds,
            ]
        )
    }

    /// Replaces the conversation's tags.
    func replaceTags(conversationID: Int, tags: [String]) throws {
        try connection.execute("DELETE FROM conversation_tags WHERE conversation_id = ?", [conversationID])
        try insertTags(conversationID: conversationID, tags: tags)
    }

    /// Gives a new conversation, which has none yet, its tags.
    func insertTags(conversationID: Int, tags: [String]) throws {
        for (position, tag) in tags.enumerated() {
            try connection.execute(
                "INSERT INTO conversation_tags (conversation_id, tag, position) VALUES (?, ?, ?)",
                [conversationID, tag, position])
        }
    }

    /// Inserts a message and returns its id; it updates the conversation's summaries (its row's message count and
    /// summary message ids) and, at visibility 0, the response times it changes.
    func insertMessage(
        conversationID: Int, body: String, visibility: MessageVisibility, originID: String?, sender: SenderRef,
        recipients: [String], attachments: [String], now: Timestamp
    ) throws -> Int {
        let id = try connection.insert(
            """
            INSERT INTO messages (conversation_id, body, visibility, origin_id, sender_identity_id, sender_staff_id,
                recipients, attachments, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                conversationID, body, visibility.rawValue, originID, sender.identityID, sender.staffID,
                Self.jsonArray(recipients), Self.jsonArray(attachments), now.milliseconds,
            ]
        )
        let regular = visibility == .regular
        try connection.execute(
            Self.summarizeNewMessage,
            [
                conversationID, id, now.milliseconds, regular && sender.identityID != nil ? 1 : 0,
                regular && sender.staffID != nil ? 1 : 0,
            ])
        if visibility == .regular {
            try ResponseTimes(connection: connection).messageAdded(
                id: id, conversationID: conversationID, createdAt: now, byStaff: sender.staffID != nil)
        }
        return id
    }

    /// A new message (?2, created at ?3) in the conversation's summaries (?1), as the schema's
    /// `conversation_summaries` view defines them: counted; the first message if it comes before the first; the
    /// newest regular message of its side (?4: a customer's, ?5: staff's) if it comes after it. Here rather than in a
    /// trigger, which would give every message insert a statement journal (migration 13); deletes and changes are
    /// the triggers'.
    private static let summarizeNewMessage = """
        UPDATE conversations SET
            message_count = message_count + 1,
            first_message_id = CASE
                WHEN first_message_id IS NULL
                    OR (SELECT (m.created_at, m.id) > (?3, ?2) FROM messages m WHERE m.id = first_message_id) THEN ?2
                ELSE first_message_id END,
            last_customer_message_id = CASE
                WHEN ?4 AND (last_customer_message_id IS NULL
                    OR (SELECT (m.created_at, m.id) < (?3, ?2) FROM messages m WHERE m.id = last_customer_message_id))
                THEN ?2
                ELSE last_customer_message_id END,
            last_staff_message_id = CASE
                WHEN ?5 AND (last_staff_message_id IS NULL
                    OR (SELECT (m.created_at, m.id) < (?3, ?2) FROM messages m WHERE m.id = last_staff_message_id))
                THEN ?2
                ELSE last_staff_message_id END
        WHERE id = ?1
        """

    /// Assigns the conversation to a staff user.
    func setAssignee(conversationID: Int, staffID: Int) throws {
        try connection.execute("UPDATE conversations SET assignee_id = ? WHERE id = ?", [staffID, conversationID])
    }

    /// Moves the conversation to another channel (of this brand or another of the account) under `slug`.
    func move(conversationID: Int, brandID: Int, channelID: Int, slug: String) throws {
        try connection.execute(
            "UPDATE conversations SET brand_id = ?, channel_id = ?, slug = ? WHERE id = ?",
            [brandID, channelID, slug, conversationID])
    }

    /// Sets status (clearing `hold_until` unless it is On Hold) and `updated_at`.
    func setStatus(conversationID: Int, status: ConversationStatus, holdUntil: Timestamp?, now: Timestamp) throws {
        try connection.execute(
            """
            UPDATE conversations SET status = ?1,
                hold_until = CASE WHEN ?1 = \(ConversationStatus.onHold.rawValue) THEN coalesce(?2, hold_until) ELSE NULL END,
                updated_at = ?3
            WHERE id = ?4
            """, [status.rawValue, holdUntil?.milliseconds, now.milliseconds, conversationID])
    }

    /// Sets `updated_at`.
    func touch(conversationID: Int, now: Timestamp) throws {
        try connection.execute(
            "UPDATE conversations SET updated_at = ? WHERE id = ?", [now.milliseconds, conversationID])
    }

    private static func jsonArray(_ strings: [String]) -> String {
        String(
            decoding: JSONWriter.encode { writer in writer.array { for text in strings { $0.string(text) } } },
            as: UTF8.self)
    }

    static func strings(fromJSON json: String) -> [String] {
        guard case .array(let elements)? = try? JSONParser.parse(Array(json.utf8)) else { return [] }
        return elements.compactMap { if case .string(let text) = $0 { text } else { nil } }
    }

    // MARK: Fixtures

    /// The ids of the account's conversations, in every brand, oldest first.
    func conversationIDs(accountID: Int) throws -> [Int] {
        try connection.query(
            "SELECT c.id FROM conversations c JOIN brands b ON b.id = c.brand_id WHERE b.account_id = ? ORDER BY c.id",
            [accountID]
        ) { $0.int(0) }
    }

    /// A conversation's own fields as the fixtures format holds them.
    func fixture(conversationID: Int) throws -> ConversationFixture? {
        try connection.queryOne(
            """
            SELECT b.host_label, ch.slug AS category, c.slug, c.subject, c.status, s.email AS assignee,
                c.hold_until, c.created_at, c.updated_at, c.author_identity_id, c.author_staff_id
            FROM conversations c JOIN brands b ON b.id = c.brand_id JOIN channels ch ON ch.id = c.channel_id
            LEFT JOIN staff s ON s.id = c.assignee_id WHERE c.id = ?
            """, [conversationID]
        ) { row in
            ConversationFixture(
                brand: try row.string("host_label"), category: try row.string("category"),
                slug: try row.string("slug"), subject: try row.optionalString("subject"),
                status: try row.int("status"), assignee: try row.optionalString("assignee"),
                holdUntil: try row.optionalInt64("hold_until").map(Timestamp.init(milliseconds:)),
                createdAt: Timestamp(milliseconds: try row.int64("created_at")),
                updatedAt: Timestamp(milliseconds: try row.int64("updated_at")),
                author: SenderRef(
                    identityID: try row.optionalInt("author_identity_id"),
                    staffID: try row.optionalInt("author_staff_id")))
        }
    }

    /// A conversation's messages as the fixtures format holds them, oldest first.
    func messageFixtures(conversationID: Int) throws -> [MessageFixture] {
        try connection.query(
            """
            SELECT body, visibility, origin_id, sender_identity_id, sender_staff_id, recipients, attachments, created_at
            FROM messages WHERE conversation_id = ? ORDER BY created_at, id
            """, [conversationID]
        ) { row in
            MessageFixture(
                body: try row.string("body"), visibility: try row.int("visibility"),
                originID: try row.optionalString("origin_id"),
                sender: SenderRef(
                    identityID: try row.optionalInt("sender_identity_id"),
                    staffID: try row.optionalInt("sender_staff_id")),
                recipientsJSON: try row.string("recipients"), attachmentsJSON: try row.string("attachments"),
                createdAt: Timestamp(milliseconds: try row.int64("created_at")))
        }
    }
}
