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
        ) { (id: $0.int(0), name: $0.string(1)) }
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
        ) { (id: $0.int(0), name: $0.string(1), host: $0.string(2), url: $0.string(3), isDefault: $0.bool(4)) }
        let staff = try connection.query(
            """
            SELECT name, email, api_token, password, role_name, is_admin, created_at FROM staff
            WHERE account_id = ? ORDER BY id
            """, [id]
        ) { row in
            (
                name: row.optionalString(0), email: row.string(1), token: row.optionalString(2),
                password: row.optionalString(3), role: row.string(4), admin: row.bool(5), createdAt: row.int64(6)
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
                SELECT b.host_label, ch.slug, c.slug, c.subject, c.status, s.email, c.hold_until, c.created_at,
                    c.updated_at, c.author_identity_id, c.author_staff_id
                FROM conversations c JOIN brands b ON b.id = c.brand_id JOIN channels ch ON ch.id = c.channel_id
                LEFT JOIN staff s ON s.id = c.assignee_id WHERE c.id = ?
                """, [id],
                { row in
                    (
                        brand: row.string(0), category: row.string(1), slug: row.string(2),
                        subject: row.optionalString(3), status: row.int(4), assignee: row.optionalString(5),
                        holdUntil: row.optionalInt64(6), createdAt: row.int64(7), updatedAt: row.int64(8),
                        authorIdentity: row.optionalInt(9), authorStaff: row.optionalInt(10)
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
                body: row.string(0), visibility: row.int(1), originID: row.optionalString(2),
                identity: row.optionalInt(3), staff: row.optionalInt(4), recipients: row.string(5),
                attachments: row.string(6), createdAt: row.int64(7)
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
                "SELECT type, identifier FROM identities WHERE id = ?", [identityID], { ($0.string(0), $0.string(1)) })
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
