import JSON

extension JSONWriter {
    /// `{"name","slug","email","channel"}`: a conversation's `category` (spec §5.1).
    mutating func category(_ channel: ChannelRecord) {
        object { writer in writer.channelFields(channel, detailed: false) }
    }

    /// The channel object of spec §7.
    mutating func channel(_ channel: ChannelRecord) {
        object { writer in
            writer.channelFields(channel, detailed: true)
            writer.field("updated_at", channel.updatedAt)
            writer.key("brand")
            writer.object { writer in
                writer.field("name", channel.brandName)
                writer.field("url", channel.brandURL)
            }
        }
    }

    /// The fields every channel object starts with; `detailed` adds its visibility and creation time (the channel
    /// object's and the fixtures format's, not a category's).
    mutating func channelFields(_ channel: ChannelRecord, detailed: Bool) {
        field("name", channel.name)
        field("slug", channel.slug)
        field("email", channel.email)
        field("channel", channel.type.rawValue)
        guard detailed else { return }
        field("visibility", channel.visibility)
        field("created_at", channel.createdAt)
    }
}
