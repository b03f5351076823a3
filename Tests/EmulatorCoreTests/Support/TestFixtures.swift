import Logging
import SQLiteStore

@testable import EmulatorCore

/// The world of the spec's examples: brand `acme` of account Acme, Jane and Max as staff, and a second account.
enum TestFixtures {
    /// Starts an emulator on an in-memory store with these fixtures and closes it: throws the fixtures' first error.
    static func load(_ fixtures: String) throws {
        var configuration = EmulatorConfiguration()
        configuration.databasePath = ":memory:"
        let emulator = try Emulator(
            configuration: configuration, logger: .init(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        defer { emulator.close() }
        try emulator.start(fixtures: Array(fixtures.utf8))
    }

    static let acme = """
        {"accounts": [
          {"name": "Acme",
           "brands": [
             {"name": "Acme Store", "host": "acme", "url": "acme-store.com", "default": true,
              "channels": [
                {"name": "Support", "slug": "support", "email": "support@acme-store.com", "channel": 1,
                 "created_at": "2026-01-10T12:00:00Z"},
                {"name": "Website Chat", "slug": "chat", "email": "chat@acme-store.com", "channel": 6,
                 "created_at": "2026-01-11T12:00:00Z"}]},
             {"name": "Acme Outlet", "host": "acme-outlet", "url": "acme-outlet.com"}],
           "staff": [
             {"name": "Jane Porter", "email": "jane@acme-store.com", "token": "9f2c1e7d4b6a", "role": "Administrator",
              "admin": true, "created_at": "2026-01-10T12:00:00Z"},
             {"name": "Max Support", "email": "max@acme-store.com", "token": "max-token",
              "created_at": "2026-02-01T08:30:00Z"},
             {"name": "No Token", "email": "notoken@acme-store.com"}]},
          {"name": "Globex",
           "brands": [{"name": "Globex", "host": "globex", "url": "globex.com"}],
           "staff": [{"name": "Hank Scorpio", "email": "hank@globex.com", "token": "globex-token"}]}
        ]}
        """

    /// Acme with the re-association story of spec §3.5: A holds bob@, B holds robert@ and a mobile, and B started
    /// `order-1001-is-late` through robert@ and `mobile-question` through the mobile.
    static let reassociation = """
        {"accounts": [
          {"name": "Acme",
           "brands": [
             {"name": "Acme Store", "host": "acme", "url": "acme-store.com",
              "channels": [{"name": "Support", "slug": "support", "email": "support@acme-store.com", "channel": 1}]},
             {"name": "Acme Outlet", "host": "acme-outlet", "url": "acme-outlet.com",
              "channels": [{"name": "Outlet", "slug": "outlet", "email": "outlet@acme-outlet.com", "channel": 1}]}],
           "staff": [{"name": "Jane Porter", "email": "jane@acme-store.com", "token": "9f2c1e7d4b6a", "admin": true}],
           "contacts": [
             {"name": "Bob Smith", "id": "A-1", "data": {"plan": "gold"},
              "identities": [{"type": "email", "identifier": "bob@example.com"}],
              "created_at": "2026-11-20T10:00:00Z"},
             {"name": "Robert", "id": "B-2", "data": {"tier": "silver"},
              "identities": [{"type": "email", "identifier": "robert@example.com"},
                             {"type": "mobile", "identifier": "+12223334444"}],
              "notes": [{"body": "Met at the fair", "creator_email": "jane@acme-store.com"}],
              "created_at": "2026-11-21T10:00:00Z"}],
           "conversations": [
             {"subject": "Order 1001 is late", "category": "support", "created_at": "2026-11-26T08:00:00Z",
              "author": {"type": "email", "identifier": "robert@example.com"},
              "messages": [
                {"body": "My order 1001 has not arrived yet."},
                {"body": "Sorry, checking.", "from": {"staff": "jane@acme-store.com"}, "created_at": "2026-11-26T08:05:00Z"},
                {"body": "Any news?", "created_at": "2026-11-26T09:00:00Z"}]},
             {"subject": "Outlet return", "brand": "acme-outlet", "category": "outlet",
              "author": {"type": "email", "identifier": "robert@example.com"},
              "messages": [{"body": "Can I return this?"}]},
             {"subject": "Mobile question", "category": "support",
              "author": {"type": "mobile", "identifier": "+12223334444"},
              "messages": [{"body": "Texting you"}]}]}
        ]}
        """
}

/// Reads the store directly, to check what the public API of this scope cannot show yet (conversations, messages).
struct StoreProbe {
    let connection: Connection

    init(path: String) throws {
        connection = try Connection.open(path: path, migrations: [])
    }

    /// Takes the contacts' search index back to how schema versions 2 to 8 kept it (one row per contact: its name
    /// and its emails), for the tests of the migrations that follow.
    func restoreSingleSearchIndex() throws {
        try connection.executeScript(
            """
            DROP TRIGGER contact_name_search_after_update; DROP TRIGGER contact_name_search_after_delete;
            DROP TRIGGER email_search_after_update; DROP TRIGGER email_search_after_delete;
            DROP TABLE contact_search_pending;
            DROP TABLE contact_name_search; DROP TABLE email_search;
            \(Schema.migrations[1])
            """)
    }

    /// Puts back the index of every identity's position that schema versions 1 to 10 kept (migration 11 drops it),
    /// for the tests that take the store back to one of those versions.
    func restoreIdentityPositionIndex() throws {
        try connection.executeScript("CREATE INDEX identities_by_seq ON identities(attached_seq)")
    }

    /// Takes the conversations back to how schema versions 1 to 12 kept them (migration 13 puts their message count
    /// and the ids of their summary messages on the row), for the tests of earlier migrations.
    func restoreConversationsWithoutSummaries() throws {
        try connection.executeScript(
            """
            DROP TRIGGER conversation_summaries_after_message_delete;
            DROP TRIGGER conversation_summaries_after_message_update;
            DROP VIEW conversation_summaries;
            ALTER TABLE conversations DROP COLUMN message_count;
            ALTER TABLE conversations DROP COLUMN first_message_id;
            ALTER TABLE conversations DROP COLUMN last_customer_message_id;
            ALTER TABLE conversations DROP COLUMN last_staff_message_id;
            """)
    }

    /// The conversations whose stored summaries differ from what their messages say (the schema's
    /// `conversation_summaries` view counts and finds them anew), by slug.
    func conversationsWithStaleSummaries() throws -> [String] {
        try connection.query(
            """
            SELECT c.slug FROM conversations c JOIN conversation_summaries s ON s.conversation_id = c.id
            WHERE c.message_count IS NOT s.message_count OR c.first_message_id IS NOT s.first_message_id
                OR c.last_customer_message_id IS NOT s.last_customer_message_id
                OR c.last_staff_message_id IS NOT s.last_staff_message_id
            ORDER BY c.slug
            """
        ) { $0.string(0) }
    }

    /// The internal id of the contact that holds an identity.
    func owner(_ type: String, _ identifier: String) throws -> Int? {
        try connection.queryOne(
            "SELECT contact_id FROM identities WHERE type = ? AND match_key = ?", [type, identifier]
        ) { $0.int(0) }
    }

    /// Conversation slugs whose author is the contact, through any identity.
    func conversationSlugs(ofContact contactID: Int) throws -> [String] {
        try connection.query(
            """
            SELECT c.slug FROM conversations c JOIN identities i ON i.id = c.author_identity_id
            WHERE i.contact_id = ? ORDER BY c.slug
            """, [contactID]
        ) { $0.string(0) }
    }

    /// Customer messages sent by the contact, through any identity.
    func customerMessageCount(ofContact contactID: Int) throws -> Int {
        try connection.queryOne(
            """
            SELECT count(*) FROM messages m JOIN identities i ON i.id = m.sender_identity_id WHERE i.contact_id = ?
            """, [contactID]
        ) { $0.int(0) } ?? 0
    }

    /// Every message in the store.
    func messageCount() throws -> Int {
        try connection.queryOne("SELECT count(*) FROM messages") { $0.int(0) } ?? 0
    }

    /// The conversation's `updated_at` in milliseconds.
    func conversationUpdatedAt(_ slug: String) throws -> Int64? {
        try connection.queryOne("SELECT updated_at FROM conversations WHERE slug = ?", [slug]) { $0.int64(0) }
    }
}
