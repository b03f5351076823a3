import JSON
import SQLiteStore

/// Writes the store in the fixtures format (README, "Fixtures format"), so `GET /__emulator/state` can be loaded again
/// with `--fixtures` or `PUT /__emulator/state`. Internal ids are not part of the format.
struct FixtureExporter {
    let connection: Connection

    /// Every account, or only `accountID`'s.
    func export(accountID: Int?) throws -> [UInt8] {
        let accounts = try connection.query(
            "SELECT id, name FROM accounts WHERE ?1 IS NULL OR id = ?1 ORDER BY id", [accountID]
        ) { (id: try $0.int("id"), name: try $0.string("name")) }
        var writer = JSONWriter()
        try writer.objectThrowing { writer in
            writer.key("accounts")
            try writer.arrayThrowing { writer in
                for account in accounts { try self.account(account.id, name: account.name, into: &writer) }
            }
        }
        return writer.bytes
    }

    private func account(_ id: Int, name: String, into writer: inout JSONWriter) throws {
        let brands = try connection.query(
            "SELECT id, name, host_label, url, is_default FROM brands WHERE account_id = ? ORDER BY id", [id]
        ) { row in
            (
                id: try row.int("id"), name: try row.string("name"), host: try row.string("host_label"),
                url: try row.string("url"), isDefault: try row.bool("is_default")
            )
        }
        let staff = try connection.query(
            """
            SELECT name, email, api_token, password, role_name, is_admin, created_at FROM staff
            WHERE account_id = ? ORDER BY id
            """, [id]
        ) { row in
            (
                name: try row.optionalString("name"), email: try row.string("email"),
                token: try row.optionalString("api_token"), password: try row.optionalString("password"),
                role: try row.string("role_name"), admin: try row.bool("is_admin"),
                createdAt: try row.int64("created_at")
            )
        }
        let contactIDs = try connection.query("SELECT id FROM contacts WHERE account_id = ? ORDER BY id", [id]) {
            $0.int(0)
        }
        let conversationIDs = try connection.query(
            "SELECT c.id FROM conversations c JOIN brands b ON b.id = c.brand_id WHERE b.account_id = ? ORDER BY c.id",
            [id]
        ) { $0.int(0) }
        try writer.objectThrowing { writer in
            writer.field("name", name)
            writer.key("brands")
            try writer.arrayThrowing { writer in
                for brand in brands {
                    let channels = try ChannelRepository(connection: connection).all(brandID: brand.id)
                    writer.object { writer in
                        writer.field("name", brand.name)
                        writer.field("host", brand.host)
                        writer.field("url", brand.url)
                        writer.key("default")
                        writer.bool(brand.isDefault)
                        writer.key("channels")
                        writer.array { writer in
                            for channel in channels {
                                writer.object { writer in
                                    writer.field("name", channel.name)
                                    writer.field("slug", channel.slug)
                                    writer.field("email", channel.email)
                                    writer.field("channel", channel.type.rawValue)
                                    writer.field("visibility", channel.visibility)
                                    writer.field("created_at", channel.createdAt.iso8601)
                                }
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
                        writer.bool(member.admin)
                        writer.field("created_at", Timestamp(milliseconds: member.createdAt).iso8601)
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
                        writer.field("created_at", note.createdAt.iso8601)
                        writer.field("updated_at", note.updatedAt.iso8601)
                    }
                }
            }
            writer.field("created_at", contact.createdAt.iso8601)
            writer.field("updated_at", contact.updatedAt.iso8601)
        }
    }

    private func conversation(_ id: Int, into writer: inout JSONWriter) throws {
        guard
            let row = try connection.queryOne(
                """
                SELECT b.host_label, ch.slug AS category, c.slug, c.subject, c.status, s.email AS assignee,
                    c.hold_until, c.created_at, c.updated_at, c.author_identity_id, c.author_staff_id
                FROM conversations c JOIN brands b ON b.id = c.brand_id JOIN channels ch ON ch.id = c.channel_id
                LEFT JOIN staff s ON s.id = c.assignee_id WHERE c.id = ?
                """, [id],
                { row in
                    (
                        brand: try row.string("host_label"), category: try row.string("category"),
                        slug: try row.string("slug"), subject: try row.optionalString("subject"),
                        status: try row.int("status"), assignee: try row.optionalString("assignee"),
                        holdUntil: try row.optionalInt64("hold_until"), createdAt: try row.int64("created_at"),
                        updatedAt: try row.int64("updated_at"),
                        authorIdentity: try row.optionalInt("author_identity_id"),
                        authorStaff: try row.optionalInt("author_staff_id")
                    )
                })
        else { return }
        let repository = ConversationRepository(connection: connection)
        let messages = try connection.query(
            """
            SELECT body, visibility, origin_id, sender_identity_id, sender_staff_id, recipients, attachments, created_at
            FROM messages WHERE conversation_id = ? ORDER BY created_at, id
            """, [id]
        ) { row in
            (
                body: try row.string("body"), visibility: try row.int("visibility"),
                originID: try row.optionalString("origin_id"), identity: try row.optionalInt("sender_identity_id"),
                staff: try row.optionalInt("sender_staff_id"), recipients: try row.string("recipients"),
                attachments: try row.string("attachments"), createdAt: try row.int64("created_at")
            )
        }
        let author = try sender(identityID: row.authorIdentity, staffID: row.authorStaff)
        let senders = try messages.map { try sender(identityID: $0.identity, staffID: $0.staff) }
        let tags = try repository.tags(conversationID: id)
        let data = try CustomData(connection: connection, owner: .conversation).load(id)
        writer.object { writer in
            writer.field("brand", row.brand)
            writer.field("category", row.category)
            writer.field("slug", row.slug)
            writer.field("subject", row.subject)
            writer.field("status", row.status)
            writer.key("tag_list")
            writer.array { writer in for tag in tags { writer.string(tag) } }
            writer.key("data")
            writer.value(.object(data))
            writer.key("author")
            writer.value(author)
            writer.field("assignee", row.assignee)
            writer.field("hold_until", row.holdUntil.map { Timestamp(milliseconds: $0).iso8601 })
            writer.field("created_at", Timestamp(milliseconds: row.createdAt).iso8601)
            writer.field("updated_at", Timestamp(milliseconds: row.updatedAt).iso8601)
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
                        writer.value((try? JSONParser.parse(Array(message.recipients.utf8))) ?? .array([]))
                        writer.key("attachments")
                        writer.value((try? JSONParser.parse(Array(message.attachments.utf8))) ?? .array([]))
                        writer.field("created_at", Timestamp(milliseconds: message.createdAt).iso8601)
                    }
                }
            }
        }
    }

    /// `{"staff": email}` or `{"type", "identifier"}` of the identity.
    private func sender(identityID: Int?, staffID: Int?) throws -> JSONValue {
        if let identityID,
            let identity = try connection.queryOne(
                "SELECT type, identifier FROM identities WHERE id = ?", [identityID],
                { (try $0.string("type"), try $0.string("identifier")) })
        {
            return .object(JSONObject([("type", .string(identity.0)), ("identifier", .string(identity.1))]))
        }
        let email = try staffID.flatMap { id in
            try connection.queryOne("SELECT email FROM staff WHERE id = ?", [id]) { $0.string(0) }
        }
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
