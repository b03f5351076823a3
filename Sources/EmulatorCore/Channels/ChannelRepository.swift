import SQLiteStore

/// The SQL behind channels.
struct ChannelRepository {
    let connection: Connection

    private static let selected = """
        ch.id, ch.brand_id, ch.name, ch.slug, ch.email, ch.channel_type, ch.visibility, ch.created_at, ch.updated_at,
            b.name AS brand_name, b.url AS brand_url
        """
    private static let joined = "FROM channels ch JOIN brands b ON b.id = ch.brand_id"
    private static let columns = "SELECT \(selected) \(joined)"

    /// The brand's channel with this slug.
    func channel(brandID: Int, slug: String) throws -> ChannelRecord? {
        try connection.queryOne("\(Self.columns) WHERE ch.brand_id = ? AND ch.slug = ?", [brandID, slug]) {
            try ChannelRecord(row: $0)
        }
    }

    /// A channel by id.
    func channel(id: Int) throws -> ChannelRecord? {
        try connection.queryOne("\(Self.columns) WHERE ch.id = ?", [id]) { try ChannelRecord(row: $0) }
    }

    /// All of the brand's channels, oldest first.
    func all(brandID: Int) throws -> [ChannelRecord] {
        try connection.query("\(Self.columns) WHERE ch.brand_id = ? ORDER BY ch.created_at, ch.id", [brandID]) {
            try ChannelRecord(row: $0)
        }
    }

    /// Inserts a channel and returns its id; `type` is the channel type (1 Email, …).
    func insert(
        brandID: Int, name: String, slug: String, email: String, type: ChannelType, visibility: Int,
        createdAt: Timestamp
    ) throws -> Int {
        try connection.insert(
            """
            INSERT INTO channels (brand_id, name, slug, email, channel_type, visibility, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [brandID, name, slug, email, type.rawValue, visibility, createdAt.milliseconds, createdAt.milliseconds]
        )
    }

    /// Gives every brand that has none a `support` email channel at `support@{brand url}`.
    func ensureSupportChannels(now: Timestamp) throws {
        try connection.execute(
            """
            INSERT INTO channels (brand_id, name, slug, email, channel_type, visibility, created_at, updated_at)
            SELECT b.id, 'Support', 'support', 'support@' || b.url, \(ChannelType.email.rawValue), 1, ?1, ?1 FROM brands b
            WHERE NOT EXISTS (SELECT 1 FROM channels c WHERE c.brand_id = b.id AND c.slug = 'support')
            """, [now.milliseconds])
    }

    /// One page of the brand's channels, oldest first.
    func list(brandID: Int, page: Int) throws -> Page<ChannelRecord> {
        try Page.fetch(
            connection, select: Self.selected, from: "\(Self.joined) WHERE ch.brand_id = ?", values: [brandID],
            order: "ch.created_at, ch.id", page: page
        ) { try ChannelRecord(row: $0) }
    }

    /// The channels with these ids, by id: one statement for a page's channels.
    func channels(ids: [Int]) throws -> [Int: ChannelRecord] {
        let channels = try connection.query(
            "\(Self.columns) WHERE ch.id IN (SELECT value FROM json_each(?))", [IDList.json(ids)]
        ) { try ChannelRecord(row: $0) }
        return Dictionary(channels.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

extension ChannelRecord {
    /// A row of ``ChannelRepository``'s channel columns, read by name.
    init(row: Row) throws {
        self.init(
            id: try row.int("id"), brandID: try row.int("brand_id"), name: try row.string("name"),
            slug: try row.string("slug"), email: try row.string("email"),
            type: ChannelType(rawValue: try row.int("channel_type")),
            visibility: try row.int("visibility"), createdAt: Timestamp(milliseconds: try row.int64("created_at")),
            updatedAt: Timestamp(milliseconds: try row.int64("updated_at")), brandName: try row.string("brand_name"),
            brandURL: try row.string("brand_url"))
    }
}
