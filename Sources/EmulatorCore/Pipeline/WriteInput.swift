import SQLiteStore

/// What validating a write asks of the store: whether a value is taken, what a reference names. A write's typed input
/// (`NewContact`, `ConversationChanges`, …) is decoded twice with one validation function: first against
/// ``BodyOnly``, before the write transaction, so a bad body never waits for or holds the writer; then against
/// ``StoreLookups`` inside the transaction, where the store's rules cannot race with another write and where the
/// references resolve to the records the write needs.
protocol WriteLookups {
    /// What a staff user's email resolves to.
    associatedtype StaffReference
    /// What a channel's slug resolves to.
    associatedtype ChannelReference
    /// What a brand's URL or host label resolves to.
    associatedtype BrandReference
    /// What a topic's id or slug resolves to.
    associatedtype TopicReference
    /// What a status-page system's id resolves to.
    associatedtype SystemReference

    /// The staff user of the request's account with this email.
    func staff(email: String) throws -> StaffReference?
    /// Whether a staff user anywhere has this login email (logins are unique across accounts).
    func staffEmailTaken(_ email: String) throws -> Bool
    /// Whether an identity of the account already has this match key.
    func identityTaken(_ type: IdentityType, matchKey: String) throws -> Bool
    /// Whether a contact of the account already has this external id.
    func externalIDTaken(_ externalID: String) throws -> Bool
    /// The account's brand with this URL or host label.
    func brand(urlOrHostLabel: String) throws -> BrandReference?
    /// The channel with this slug in a brand (nil: the brand the write is in).
    func channel(in brand: BrandReference?, slug: String) throws -> ChannelReference?
    /// Whether a channel is an email channel (the only kind a conversation can be moved into).
    func isEmailChannel(_ channel: ChannelReference) -> Bool
    /// The topic of the write's brand with this internal id (an integer) or slug.
    func topic(idOrSlug: String) throws -> TopicReference?
    /// The status-page system of the write's brand with this internal id.
    func system(id: Int) throws -> SystemReference?
}

/// The body alone, before the write transaction: nothing is taken and every reference names itself, so every rule
/// of the store passes and only the body's own problems are found.
struct BodyOnly: WriteLookups {
    func staff(email: String) -> String? { email }
    func staffEmailTaken(_ email: String) -> Bool { false }
    func identityTaken(_ type: IdentityType, matchKey: String) -> Bool { false }
    func externalIDTaken(_ externalID: String) -> Bool { false }
    func brand(urlOrHostLabel: String) -> String? { urlOrHostLabel }
    func channel(in brand: String?, slug: String) -> String? { slug }
    func isEmailChannel(_ channel: String) -> Bool { true }
    func topic(idOrSlug: String) -> String? { idOrSlug }
    func system(id: Int) -> Int? { id }
}

/// The store, inside a transaction, for one account and brand.
struct StoreLookups: WriteLookups {
    let connection: Connection
    let accountID: Int
    /// The brand whose channels a slug names when the write names no other brand.
    let brandID: Int

    func staff(email: String) throws -> StaffRecord? {
        try StaffRepository(connection: connection).staff(accountID: accountID, email: email)
    }

    func staffEmailTaken(_ email: String) throws -> Bool {
        try StaffRepository(connection: connection).emailTaken(email)
    }

    func identityTaken(_ type: IdentityType, matchKey: String) throws -> Bool {
        try ContactRepository(connection: connection).identityOwner(
            accountID: accountID, type: type, matchKey: matchKey)
            != nil
    }

    func externalIDTaken(_ externalID: String) throws -> Bool {
        try ContactRepository(connection: connection).externalIDTaken(accountID: accountID, externalID: externalID)
    }

    func brand(urlOrHostLabel: String) throws -> Int? {
        try BrandRepository(connection: connection).brandID(accountID: accountID, urlOrHostLabel: urlOrHostLabel)
    }

    func channel(in brand: Int?, slug: String) throws -> ChannelRecord? {
        try ChannelRepository(connection: connection).channel(brandID: brand ?? brandID, slug: slug)
    }

    func isEmailChannel(_ channel: ChannelRecord) -> Bool { channel.type == .email }

    func topic(idOrSlug: String) throws -> TopicRecord? {
        let articles = ArticleRepository(connection: connection)
        if let id = Int(idOrSlug), let topic = try articles.topic(brandID: brandID, id: id) { return topic }
        return try articles.topic(brandID: brandID, slug: idOrSlug)
    }

    func system(id: Int) throws -> Int? {
        try StatusPageRepository(connection: connection).systemID(brandID: brandID, id: id)
    }
}

extension RequestContext {
    /// Runs a write whose input is checked before its transaction.
    ///
    /// `precheck` decodes the body against ``BodyOnly``. When that fails the writer is never taken: in a read
    /// transaction the path's target is found first (its 404 comes before any 422) and `input` decodes again against
    /// the store, so the 422 lists the store's problems beside the body's, in one body, as Re:amaze does. When it
    /// passes, the write transaction finds the target, decodes against the store (whose rules may still refuse) and
    /// runs `change`.
    func write<Target, Input, Output>(
        precheck: () throws -> Void,
        target: (Connection) throws -> Target,
        input: (Connection, Target) throws -> Input,
        change: (Connection, Target, Input) throws -> Output
    ) throws -> Output {
        do {
            try precheck()
        } catch let bodyErrors as ValidationErrors {
            try database.read { connection in _ = try input(connection, try target(connection)) }
            throw bodyErrors
        }
        return try database.write { connection in
            let found = try target(connection)
            return try change(connection, found, try input(connection, found))
        }
    }

    /// Runs a write whose input is the body alone, which no rule of the store decides: it is decoded once, before
    /// the transaction. When that fails the writer is never taken: in a read transaction the path's target is found
    /// first (its 404 comes before any 422), and then the body's problems are thrown. It answers as
    /// ``write(precheck:target:input:change:)`` would with the same decoding as precheck and input, without decoding
    /// the body a second time inside the transaction.
    func write<Target, Input, Output>(
        body decode: () throws -> Input,
        target: (Connection) throws -> Target,
        change: (Connection, Target, Input) throws -> Output
    ) throws -> Output {
        let input: Input
        do {
            input = try decode()
        } catch let bodyErrors as ValidationErrors {
            try database.read { connection in _ = try target(connection) }
            throw bodyErrors
        }
        return try database.write { connection in try change(connection, try target(connection), input) }
    }

    /// The lookups of this request's account and brand over a connection.
    func lookups(_ connection: Connection, brandID: Int? = nil) -> StoreLookups {
        StoreLookups(connection: connection, accountID: accountID, brandID: brandID ?? brand.id)
    }
}
