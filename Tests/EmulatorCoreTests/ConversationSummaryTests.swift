import Foundation
import SQLiteStore
import Testing

/// A conversation's message count, first message and newest regular message of each side are kept on its row, by the
/// emulator as it inserts a message and by the schema's triggers as messages go or change: they must say what the
/// messages say however messages come and go (the API, cascades, a change by SQL), and an older database gains them
/// when it is opened.
@Suite struct ConversationSummaryTests {
    static let slug = "order-1001-is-late"

    /// The host of the brand a conversation of the fixtures is in.
    static func host(_ slug: String) -> String { slug == "outlet-return" ? "acme-outlet.localhost" : "acme.localhost" }

    @Test(
        "messages added in and out of time order, changed, moved and deleted by cascade leave every summary as they say"
    )
    func summariesFollowTheMessages() async throws {
        try await withEmulator(fixtures: TestFixtures.reassociation) { emulator in
            let probe = try StoreProbe(path: emulator.databasePath)
            func expectCurrent(_ step: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
                #expect(try probe.conversationsWithStaleSummaries() == [], "\(step)", sourceLocation: sourceLocation)
            }
            try expectCurrent("after the fixtures")
            emulator.clock.set("2026-11-27T10:00:00Z")
            let path = "/conversations/\(Self.slug)/messages"
            for body in [
                #"{"message": {"body": "Still waiting", "user": {"email": "robert@example.com"}}}"#,
                #"{"message": {"body": "Shipped today."}}"#, #"{"message": {"body": "Note to self", "visibility": 1}}"#,
            ] {
                #expect(try await emulator.client.post(path, body).status == 200)
                try expectCurrent("after posting \(body)")
            }
            var conversation = try await emulator.client.get("/conversations/\(Self.slug)").object()
            #expect(conversation["message_count"] as? Int == 6)
            #expect((conversation["last_staff_message"] as? [String: Any])?["body"] as? String == "Shipped today.")

            // A message stored with a time before all others (a clock set back) becomes the first.
            emulator.clock.set("2026-01-01T00:00:00Z")
            #expect(
                try await emulator.client.post(
                    path, #"{"message": {"body": "Earliest", "user": {"email": "robert@example.com"}}}"#
                ).status == 200)
            try expectCurrent("after a message earlier than all others")
            conversation = try await emulator.client.get("/conversations/\(Self.slug)").object()
            #expect((conversation["message"] as? [String: Any])?["body"] as? String == "Earliest")
            #expect(conversation["message_count"] as? Int == 7)
            #expect(
                (conversation["last_customer_message"] as? [String: Any])?["body"] as? String == "Still waiting",
                "not the newest customer message")
            try probe.connection.execute(
                "UPDATE messages SET created_at = 4102444800000 WHERE body = 'Earliest'")
            try expectCurrent("after a message's time changed")
            conversation = try await emulator.client.get("/conversations/\(Self.slug)").object()
            #expect((conversation["last_customer_message"] as? [String: Any])?["body"] as? String == "Earliest")
            #expect(
                (conversation["message"] as? [String: Any])?["body"] as? String == "My order 1001 has not arrived yet.")

            // Moved to another conversation: both say what they now hold.
            try probe.connection.execute(
                "UPDATE messages SET conversation_id = ? WHERE body = 'Earliest'",
                [
                    try #require(
                        try probe.connection.queryOne("SELECT id FROM conversations WHERE slug = 'mobile-question'") {
                            $0.int(0)
                        })
                ])
            try expectCurrent("after a message moved to another conversation")
            // A deleted identity takes its messages and the conversations it started; a deleted staff user, theirs.
            try probe.connection.execute("DELETE FROM identities WHERE match_key = '+12223334444'")
            try expectCurrent("after an identity's messages went with it")
            try probe.connection.execute("DELETE FROM staff WHERE email = 'jane@acme-store.com'")
            try expectCurrent("after a staff user's messages went with them")
            let remaining = try #require(
                try probe.connection.queryOne(
                    "SELECT message_count, last_staff_message_id FROM conversations WHERE slug = ?", [Self.slug]
                ) { [$0.int(0), $0.optionalInt(1)] })
            #expect(remaining == [3, nil], "the customer's three messages are left, none from staff")
        }
    }

    @Test("a database stored before conversations kept their summaries gains them when opened, each read unchanged")
    func migration() async throws {
        try await withEmulator(fixtures: TestFixtures.reassociation) { first in
            var before: [String: String] = [:]
            for slug in [Self.slug, "outlet-return", "mobile-question"] {
                before[slug] = try await first.client(host: Self.host(slug)).get("/conversations/\(slug)").text
            }
            // Take the store back to schema version 12.
            let probe = try StoreProbe(path: first.databasePath)
            try probe.restoreConversationsWithoutSummaries()
            try probe.connection.executeScript("PRAGMA user_version = 12")
            try await withEmulator(fixtures: nil, configure: { $0.databasePath = first.databasePath }) { reopened in
                let stale = try StoreProbe(path: first.databasePath).conversationsWithStaleSummaries()
                #expect(stale == [])
                for (slug, answer) in before {
                    let now = try await reopened.client(host: Self.host(slug)).get("/conversations/\(slug)").text
                    #expect(now == answer)
                }
            }
        }
    }
}
