import EmulatorCore
import Foundation
import Logging
import Testing

@Suite struct PersistenceTests {
    @Test("data survives a restart on the same file, and fixtures are not loaded again into a used database")
    func restart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("persist-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("store.sqlite").path
        let configure: (inout EmulatorConfiguration) -> Void = { $0.databasePath = path }

        try await withEmulator(configure: configure) { emulator in
            let created = try await emulator.client.post("/contacts", BobExample.request)
            #expect(created.status == 200)
            let renamed = try await emulator.client.put("/contacts/bob@example.com", #"{"contact": {"name": "Kept"}}"#)
            #expect(renamed.status == 200)
        }
        try await withEmulator(configure: configure) { emulator in
            let contact = try await emulator.client.get("/contacts/bob@example.com").object()
            #expect(contact["name"] as? String == "Kept")
            let list = try await emulator.client.get("/contacts").object()
            #expect(list["total_count"] as? Int == 1)
            let staff = try StoreProbe(path: path).connection.queryOne("SELECT count(*) FROM staff") { $0.int(0) }
            #expect(staff == 4, "3 Acme staff and Hank, not loaded twice")
        }
    }
}

@Suite struct FixtureTests {
    func loadError(_ fixtures: String) -> String? {
        do {
            var configuration = EmulatorConfiguration()
            configuration.databasePath = ":memory:"
            let emulator = try Emulator(
                configuration: configuration, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
            try emulator.start(fixtures: Array(fixtures.utf8))
            return nil
        } catch {
            return String(describing: error)
        }
    }

    @Test(
        "a bad fixtures file is refused with an error that names the bad entry",
        arguments: [
            ("{", "$: not valid JSON"),
            (#"{"accounts": {}}"#, "$.accounts: must be an array"),
            (#"{"accounts": [{"name": "A", "brands": []}]}"#, "$.accounts[0].brands: needs a brand"),
            (
                #"{"accounts": [{"name": "A", "brands": [{"name": "B", "host": "b", "url": "b.io"}], "contacts": [{"identities": [{"type": "email", "identifier": "a@b.io"}]}, {"identities": [{"type": "fax", "identifier": "1"}]}]}]}"#,
                "$.accounts[0].contacts[1].identities[0].type: must be one of email, mobile, twitter, instagram, igsid, facebook"
            ),
            (
                #"{"accounts": [{"name": "A", "brands": [{"name": "B", "host": "b", "url": "b.io"}], "contacts": [{"identities": [{"type": "mobile", "identifier": "555"}]}]}]}"#,
                #"$.accounts[0].contacts[0].identities[0].identifier: "555" is not a valid mobile"#
            ),
            (
                #"{"accounts": [{"name": "A", "brands": [{"name": "B", "host": "b", "url": "b.io"}], "contacts": [{"identities": [{"type": "email", "identifier": "a@b.io"}]}, {"identities": [{"type": "email", "identifier": "A@b.io"}]}]}]}"#,
                "$.accounts[0].contacts[1].identities[0]: email a@b.io is used twice"
            ),
            (
                #"{"accounts": [{"name": "A", "brands": [{"name": "B", "host": "b", "url": "b.io"}], "conversations": [{"category": "nope", "author": {"staff": "x@b.io"}, "messages": [{"body": "hi"}]}]}]}"#,
                "$.accounts[0].conversations[0].category: is not a channel slug of the brand"
            ),
        ])
    func badFixtures(fixtures: String, expected: String) {
        let error = loadError(fixtures)
        #expect(error?.hasPrefix(expected) == true, "got: \(error ?? "no error")")
    }

    @Test("a failed load leaves nothing behind")
    func atomicLoad() async throws {
        let fixtures =
            #"{"accounts": [{"name": "A", "brands": [{"name": "B", "host": "b", "url": "b.io"}], "contacts": [{"identities": "x"}]}]}"#
        #expect(loadError(fixtures) != nil)
    }

    @Test("the demo fixtures load, and every brand gets a support channel")
    func demoFixtures() async throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fixtures/demo.json")
        let demo = try String(contentsOf: url, encoding: .utf8)
        try await withEmulator(fixtures: demo) { emulator in
            let probe = try StoreProbe(path: emulator.databasePath)
            let counts = try probe.connection.queryOne(
                """
                SELECT (SELECT count(*) FROM brands), (SELECT count(*) FROM staff), (SELECT count(*) FROM contacts),
                       (SELECT count(*) FROM conversations), (SELECT count(*) FROM messages),
                       (SELECT count(*) FROM brands b WHERE NOT EXISTS
                           (SELECT 1 FROM channels c WHERE c.brand_id = b.id AND c.slug = 'support'))
                """
            ) { row in (0..<6).map { row.int(Int32($0)) } }
            let values = try #require(counts)
            #expect(values[0] >= 2)
            #expect(values[1] >= 3)
            #expect(values[2] >= 45)
            #expect(values[3] >= 25)
            #expect(values[4] > values[3])
            #expect(values[5] == 0)
            let page = try await emulator.client.get("/contacts").object()
            #expect(page["total_count"] as? Int == values[2])
        }
    }

    @Test(
        "a fixture conversation is updated when it says, else at its latest message (in or out of order), and keeps its assignee and tags"
    )
    func conversationUpdatedAtAssigneeAndTags() async throws {
        let fixtures = TestFixtures.reassociation.replacingOccurrences(
            of: #""messages": [{"body": "Texting you"}]}]}"#,
            with: #"""
                "messages": [{"body": "Texting you"}]},
                 {"subject": "Out of order", "category": "support", "created_at": "2026-11-26T08:00:00Z",
                  "assignee": "jane@acme-store.com", "tag_list": ["late", "vip"],
                  "author": {"type": "email", "identifier": "bob@example.com"},
                  "messages": [
                    {"body": "Later", "created_at": "2026-11-27T10:00:00Z"},
                    {"body": "Earlier", "created_at": "2026-11-26T09:00:00Z"},
                    {"body": "No time: the one before's"}]},
                 {"subject": "Told", "category": "support", "created_at": "2026-11-26T08:00:00Z",
                  "updated_at": "2026-11-30T12:00:00Z",
                  "author": {"type": "email", "identifier": "bob@example.com"},
                  "messages": [{"body": "Hi", "created_at": "2026-11-28T10:00:00Z"}]}]}
                """#)
        try await withEmulator(fixtures: fixtures) { emulator in
            func conversation(_ slug: String) async throws -> [String: Any] {
                try await emulator.client.get("/conversations/\(slug)").object()
            }
            // The latest message's time, in order or not; the creation time when every message is older.
            #expect(try await conversation("order-1001-is-late")["updated_at"] as? String == "2026-11-26T09:00:00.000Z")
            let outOfOrder = try await conversation("out-of-order")
            #expect(outOfOrder["updated_at"] as? String == "2026-11-27T10:00:00.000Z")
            #expect((outOfOrder["assignee"] as? [String: Any])?["email"] as? String == "jane@acme-store.com")
            #expect(outOfOrder["tag_list"] as? [String] == ["late", "vip"])
            #expect(try await conversation("told")["updated_at"] as? String == "2026-11-30T12:00:00.000Z")
        }
        let badUpdate = fixtures.replacingOccurrences(of: "2026-11-30T12:00:00Z", with: "yesterday")
        let refusal = #expect(throws: (any Error).self) { try TestFixtures.load(badUpdate) }
        #expect(refusal.map { "\($0)" } == "$.accounts[0].conversations[4].updated_at: must be an ISO 8601 timestamp")
    }

    @Test(
        "dates_relative_to moves every timestamp by the days from that date to the load day; export writes them plain")
    func datesRelativeTo() async throws {
        // The test clock starts on 2026-11-25: a document anchored on 2026-11-20 moves forward five days.
        let fixtures = TestFixtures.reassociation.replacingOccurrences(
            of: #"{"accounts": ["#, with: #"{"dates_relative_to": "2026-11-20", "accounts": ["#)
        try await withEmulator(fixtures: fixtures) { emulator in
            let contact = try await emulator.client.get("/contacts/bob@example.com").object()
            #expect(contact["created_at"] as? String == "2026-11-25T10:00:00.000Z")
            let messages = try await emulator.client.get("/conversations/order-1001-is-late/messages").text
            #expect(messages.contains(#""created_at":"2026-12-01T08:05:00.000Z""#))
            let state = try await emulator.control("GET", "state").text
            #expect(!state.contains("dates_relative_to"))
            #expect(state.contains(#""created_at":"2026-11-25T10:00:00.000Z""#))
        }
        let bad = TestFixtures.acme.replacingOccurrences(
            of: #"{"accounts": ["#, with: #"{"dates_relative_to": "2026-11-31", "accounts": ["#)
        #expect(throws: (any Error).self) { try TestFixtures.load(bad) }
        do {
            try TestFixtures.load(bad)
        } catch {
            #expect("\(error)" == "$.dates_relative_to: must be a date, YYYY-MM-DD")
        }
    }
}
