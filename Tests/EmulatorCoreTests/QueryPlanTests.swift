import SQLiteStore
import Testing

/// The statements behind the default list pages, as SQLite plans them on a migrated database: each reads an index
/// that answers it, never every row of its table (BENCHMARKS.md measures them on 50,000 conversations).
@Suite struct QueryPlanTests {
    static func plan(_ sql: String, in path: String) throws -> String {
        let connection = try Connection.open(path: path, migrations: [])
        return try connection.query("EXPLAIN QUERY PLAN " + sql, [1]) { $0.string(3) }.joined(separator: "\n")
    }

    @Test("counting a brand's conversations that are not archived reads one index and no conversation rows")
    func conversationCount() async throws {
        try await withEmulator { emulator in
            let plan = try Self.plan(
                "SELECT count(*) FROM conversations c WHERE c.brand_id = ? AND c.status <> 4", in: emulator.databasePath
            )
            #expect(plan.contains("COVERING INDEX conversations_by_brand_status"), "\(plan)")
        }
    }

    @Test(
        "with its brand condition kept off the conversations' indexes (+), a message page walks the messages newest first"
    )
    func messagePage() async throws {
        try await withEmulator { emulator in
            let plan = try Self.plan(
                """
                SELECT m.id FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE +c.brand_id = ?
                ORDER BY m.created_at DESC, m.id DESC LIMIT 30 OFFSET 0
                """, in: emulator.databasePath)
            #expect(plan.contains("SCAN m USING COVERING INDEX messages_by_created"), "\(plan)")
            #expect(!plan.contains("USE TEMP B-TREE FOR ORDER BY"), "\(plan)")
        }
    }

    @Test(
        "a conversation's newest regular message from each side is found in the conversation's message index alone",
        arguments: ["sender_identity_id", "sender_staff_id"])
    func conversationSummaries(sender: String) async throws {
        try await withEmulator { emulator in
            let plan = try Self.plan(
                """
                SELECT m.id FROM messages m WHERE m.conversation_id = ? AND m.\(sender) IS NOT NULL
                AND m.visibility = 0 ORDER BY m.created_at DESC, m.id DESC LIMIT 1
                """, in: emulator.databasePath)
            #expect(plan.contains("COVERING INDEX messages_by_conversation"), "\(plan)")
            #expect(!plan.contains("USE TEMP B-TREE FOR ORDER BY"), "\(plan)")
        }
    }
}
