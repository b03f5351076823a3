import JSON

/// The wire shapes of contacts, identities and notes, with Re:amaze's field names in the spec's order.
extension JSONWriter {
    mutating func contact(_ contact: ContactRecord) {
        object { writer in
            writer.field("id", contact.externalID)
            writer.field("_id", contact.id)
            writer.field("name", contact.name)
            writer.field("friendly_name", contact.friendlyName)
            writer.field("display_name", contact.displayName)
            writer.field("email", contact.first(.email))
            writer.field("mobile", contact.first(.mobile))
            writer.field("twitter", contact.first(.twitter))
            writer.field("instagram", contact.first(.instagram))
            writer.field("facebook", contact.first(.facebook))
            writer.field("external_avatar_url", contact.externalAvatarURL)
            writer.key("data")
            writer.value(.object(contact.data))
            writer.key("notes")
            writer.notes(contact.notes)
            writer.field("created_at", contact.createdAt)
            writer.field("updated_at", contact.updatedAt)
        }
    }

    mutating func note(_ note: NoteRecord) {
        object { writer in
            writer.field("id", note.id)
            writer.field("note", note.body)
            writer.field("created_at", note.createdAt)
            writer.field("updated_at", note.updatedAt)
            writer.key("creator")
            writer.object { writer in
                writer.field("name", note.creatorName)
                writer.field("email", note.creatorEmail)
            }
        }
    }

    mutating func notes(_ notes: [NoteRecord]) {
        array { writer in for note in notes { writer.note(note) } }
    }

    /// `{"identities":[{"type","identifier"}, …]}` (spec §3.2).
    mutating func identities(_ identities: [Identity]) {
        object { writer in
            writer.key("identities")
            writer.array { writer in
                for identity in identities { writer.identity(identity) }
            }
        }
    }

    /// The pagination envelope of spec §1.9: `page_size`, `page_count`, `total_count`, then the plural key.
    mutating func page<Item>(
        _ page: Page<Item>, key pluralKey: String, item: (inout JSONWriter, Item) -> Void
    ) {
        object { writer in
            writer.field("page_size", Page<Item>.size)
            writer.field("page_count", page.pageCount)
            writer.field("total_count", page.totalCount)
            writer.key(pluralKey)
            writer.array { writer in for element in page.items { item(&writer, element) } }
        }
    }
}
