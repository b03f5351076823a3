import JSON
import SQLiteStore

/// Writes the store in the fixtures format (README, "Fixtures format"), so `GET /__emulator/state` can be loaded again
/// with `--fixtures` or `PUT /__emulator/state`. Internal ids are not part of the format.
struct FixtureExporter {
    let connection: Connection

    /// Every account, or only `accountID`'s.
    func export(accountID: Int?) throws -> [UInt8] {
        let accounts = try AccountRepository(connection: connection).accounts(onlyID: accountID)
        var writer = JSONWriter()
        try writer.objectThrowing { writer in
            writer.key("accounts")
            try writer.arrayThrowing { writer in
                for account in accounts { try self.account(account, into: &writer) }
            }
        }
        return writer.bytes
    }

    private func account(_ account: AccountRecord, into writer: inout JSONWriter) throws {
        let brands = try BrandRepository(connection: connection).brands(accountID: account.id)
        let staff = try StaffRepository(connection: connection).fixtures(accountID: account.id)
        let contactIDs = try ContactRepository(connection: connection).contactIDs(accountID: account.id)
        let conversationIDs = try ConversationRepository(connection: connection).conversationIDs(accountID: account.id)
        try writer.objectThrowing { writer in
            writer.field("name", account.name)
            writer.key("brands")
            try writer.arrayThrowing { writer in
                for (brand, isDefault) in brands {
                    let channels = try ChannelRepository(connection: connection).all(brandID: brand.id)
                    writer.object { writer in
                        writer.field("name", brand.name)
                        writer.field("host", brand.hostLabel)
                        writer.field("url", brand.url)
                        writer.key("default")
                        writer.bool(isDefault)
                        writer.key("channels")
                        writer.array { writer in
                            for channel in channels {
                                writer.object { writer in writer.channelFields(channel, detailed: true) }
                            }
                        }
                    }
                }
            }
            writer.key("staff")
            writer.array { writer in
                for member in staff {
                    writer.object { writer in
                        writer.field("name", member.name)
                        writer.field("email", member.email)
                        writer.field("token", member.token)
                        writer.field("password", member.password)
                        writer.field("role", member.role)
                        writer.key("admin")
                        writer.bool(member.isAdmin)
                        writer.key("access_reports")
                        writer.bool(member.accessReports)
                        writer.field("created_at", member.createdAt)
                    }
                }
            }
            writer.key("contacts")
            try writer.arrayThrowing { writer in
                for contactID in contactIDs { try contact(contactID, into: &writer) }
            }
            writer.key("conversations")
            try writer.arrayThrowing { writer in
                for conversationID in conversationIDs { try conversation(conversationID, into: &writer) }
            }
            try brandContents(brands: brands.map(\.brand), into: &writer)
        }
    }

    private func contact(_ id: Int, into writer: inout JSONWriter) throws {
        guard let contact = try ContactRepository(connection: connection).load(contactID: id) else { return }
        writer.object { writer in
            writer.field("id", contact.externalID)
            writer.field("name", contact.name)
            writer.field("friendly_name", contact.friendlyName)
            writer.field("external_avatar_url", contact.externalAvatarURL)
            writer.key("data")
            writer.value(.object(contact.data))
            writer.key("identities")
            writer.array { writer in for identity in contact.identities { writer.identity(identity) } }
            writer.key("notes")
            writer.array { writer in
                for note in contact.notes {
                    writer.object { writer in
                        writer.field("body", note.body)
                        writer.field("creator_email", note.creatorEmail)
                        writer.field("created_at", note.createdAt)
                        writer.field("updated_at", note.updatedAt)
                    }
                }
            }
            writer.field("created_at", contact.createdAt)
            writer.field("updated_at", contact.updatedAt)
        }
    }

    private func conversation(_ id: Int, into writer: inout JSONWriter) throws {
        let repository = ConversationRepository(connection: connection)
        guard let conversation = try repository.fixture(conversationID: id) else { return }
        let messages = try repository.messageFixtures(conversationID: id)
        let author = try sender(conversation.author)
        let senders = try messages.map { try sender($0.sender) }
        let tags = try repository.tags(conversationID: id)
        let data = try CustomDataRepository(connection: connection, owner: .conversation).load(id)
        writer.object { writer in
            writer.field("brand", conversation.brand)
            writer.field("category", conversation.category)
            writer.field("slug", conversation.slug)
            writer.field("subject", conversation.subject)
            writer.field("status", conversation.status)
            writer.key("tag_list")
            writer.array { writer in for tag in tags { writer.string(tag) } }
            writer.key("data")
            writer.value(.object(data))
            writer.key("author")
            writer.value(author)
            writer.field("assignee", conversation.assignee)
            writer.field("hold_until", conversation.holdUntil)
            writer.field("created_at", conversation.createdAt)
            writer.field("updated_at", conversation.updatedAt)
            writer.key("messages")
            writer.array { writer in
                for (message, from) in zip(messages, senders) {
                    writer.object { writer in
                        writer.field("body", message.body)
                        writer.field("visibility", message.visibility)
                        writer.field("origin_id", message.originID)
                        writer.key("from")
                        writer.value(from)
                        writer.key("recipients")
                        writer.value((try? JSONParser.parse(Array(message.recipientsJSON.utf8))) ?? .array([]))
                        writer.key("attachments")
                        writer.value((try? JSONParser.parse(Array(message.attachmentsJSON.utf8))) ?? .array([]))
                        writer.field("created_at", message.createdAt)
                    }
                }
            }
        }
    }

    /// `key`: the records `load` finds in each brand of the account, each entry naming its brand first.
    private func perBrand<Record>(
        _ key: String, _ brands: [Brand], into writer: inout JSONWriter, load: (Int) throws -> [Record],
        write: (inout JSONWriter, Record) -> Void
    ) throws {
        let lists = try brands.map { (label: $0.hostLabel, records: try load($0.id)) }
        writer.key(key)
        writer.array { writer in
            for (label, records) in lists {
                for record in records {
                    writer.object { writer in
                        writer.field("brand", label)
                        write(&writer, record)
                    }
                }
            }
        }
    }

    /// `topics`, `articles`, `response_templates`, `systems`, `incidents` and `satisfaction_ratings` of every brand of
    /// the account.
    private func brandContents(brands: [Brand], into writer: inout JSONWriter) throws {
        let articles = ArticleRepository(connection: connection)
        try perBrand("topics", brands, into: &writer, load: articles.allTopics(brandID:)) { writer, topic in
            writer.field("name", topic.name)
            writer.field("slug", topic.slug)
            writer.field("created_at", topic.createdAt)
            writer.field("updated_at", topic.updatedAt)
        }
        try perBrand("articles", brands, into: &writer, load: articles.allArticles(brandID:)) { writer, article in
            writer.field("title", article.title)
            writer.field("body", article.body)
            writer.field("status", article.status.rawValue)
            writer.field("topic", article.topic?.slug)
            writer.field("author", article.author.email)
            writer.field("slug", article.slug)
            writer.field("created_at", article.createdAt)
            writer.field("updated_at", article.updatedAt)
        }
        try perBrand(
            "response_templates", brands, into: &writer,
            load: ResponseTemplateRepository(connection: connection).all(brandID:)
        ) { writer, entry in
            writer.field("name", entry.template.name)
            writer.field("body", entry.template.body)
            writer.field("group", entry.template.group?.name)
            writer.key("is_personal")
            writer.bool(entry.template.isPersonal)
            writer.field("owner", entry.ownerEmail)
        }
        let statusPage = StatusPageRepository(connection: connection)
        try perBrand("systems", brands, into: &writer, load: statusPage.systems(brandID:)) { writer, system in
            writer.field("title", system.title)
            writer.field("created_at", system.createdAt)
            writer.field("updated_at", system.updatedAt)
        }
        try perBrand("incidents", brands, into: &writer, load: statusPage.allIncidents(brandID:)) { writer, incident in
            writer.field("title", incident.title)
            writer.field("external_url", incident.externalURL)
            writer.field("created_at", incident.createdAt)
            writer.field("updated_at", incident.updatedAt)
            writer.key("updates")
            // Oldest first, so that loading them again gives them ids in the same order.
            writer.array { writer in
                for update in incident.updates.reversed() {
                    writer.object { writer in
                        writer.field("status", update.status.rawValue)
                        writer.field("message", update.message)
                        writer.field("created_at", update.createdAt)
                    }
                }
            }
            writer.key("systems")
            writer.array { writer in
                for link in incident.systems {
                    writer.object { writer in
                        writer.field("system", link.systemTitle)
                        writer.field("status", link.status.rawValue)
                    }
                }
            }
        }
        try perBrand(
            "satisfaction_ratings", brands, into: &writer,
            load: SatisfactionRatingRepository(connection: connection).all(brandID:)
        ) { writer, entry in
            writer.field("conversation", entry.conversation)
            writer.field("rating", entry.rating.rating)
            writer.field("comment", entry.rating.comment)
            writer.field("assignee", entry.assignee)
            writer.field("created_at", entry.rating.createdAt)
            writer.field("updated_at", entry.rating.updatedAt)
        }
    }

    /// `{"staff": email}` or `{"type", "identifier"}` of the identity.
    private func sender(_ sender: SenderRef) throws -> JSONValue {
        if let identityID = sender.identityID,
            let identity = try ContactRepository(connection: connection).identity(id: identityID)
        {
            return .object(
                JSONObject([("type", .string(identity.type.rawValue)), ("identifier", .string(identity.identifier))]))
        }
        let email = try sender.staffID.flatMap { try StaffRepository(connection: connection).staff(id: $0)?.email }
        return .object(JSONObject([("staff", email.map(JSONValue.string) ?? .null)]))
    }
}

extension JSONWriter {
    /// `{"type","identifier"}`.
    mutating func identity(_ identity: Identity) {
        object { writer in
            writer.field("type", identity.type.rawValue)
            writer.field("identifier", identity.identifier)
        }
    }

    /// ``object(_:)`` for a body that throws.
    mutating func objectThrowing(_ body: (inout JSONWriter) throws -> Void) throws {
        var failure: (any Error)?
        object { writer in
            do { try body(&writer) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// ``array(_:)`` for a body that throws.
    mutating func arrayThrowing(_ body: (inout JSONWriter) throws -> Void) throws {
        var failure: (any Error)?
        array { writer in
            do { try body(&writer) } catch { failure = error }
        }
        if let failure { throw failure }
    }
}
