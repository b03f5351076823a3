import Foundation
import Testing

/// Reports: figures computed from the brand's conversations, messages and ratings, on the spec's worked example.
@Suite struct ReportsTests {
    /// The worked example: today is 2026-11-26. Conversation A (Jane assigned) opened 2026-11-25T09:00Z, answered at
    /// 09:30 (1800 s); the customer wrote again at 10:00 and was answered at 12:00 (7200 s); Jane's 12:05 message is
    /// not timed. Conversation B opened at 12:00 and Max answered the next day at 12:00 (86400 s). A has a rating of
    /// 5 made on 2026-11-26. Both are Pending (1) in channel `support`; `chat` has nothing.
    static let fixtures = """
        {"accounts": [{"name": "Acme",
          "brands": [
            {"name": "Acme Store", "host": "acme", "url": "acme-store.com",
             "channels": [
               {"name": "Support", "slug": "support", "email": "support@acme-store.com", "channel": 1,
                "created_at": "2026-01-10T12:00:00Z"},
               {"name": "Website Chat", "slug": "chat", "email": "chat@acme-store.com", "channel": 6,
                "created_at": "2026-01-11T12:00:00Z"}]},
            {"name": "Acme Outlet", "host": "acme-outlet", "url": "acme-outlet.com",
             "channels": [{"name": "Outlet", "slug": "outlet", "email": "outlet@acme-outlet.com"}]}],
          "staff": [
            {"name": "Jane Porter", "email": "jane@acme-store.com", "token": "9f2c1e7d4b6a", "admin": true,
             "created_at": "2026-01-10T12:00:00Z"},
            {"name": "Max Support", "email": "max@acme-store.com", "token": "max-token",
             "created_at": "2026-02-01T08:30:00Z"}],
          "contacts": [
            {"name": "Bob", "identities": [{"type": "email", "identifier": "bob@example.com"}]},
            {"name": "Ann", "identities": [{"type": "email", "identifier": "ann@example.com"}]}],
          "conversations": [
            {"subject": "Conversation A", "category": "support", "status": 1, "assignee": "jane@acme-store.com",
             "author": {"type": "email", "identifier": "bob@example.com"}, "created_at": "2026-11-25T09:00:00Z",
             "messages": [
               {"body": "Where is my order?"},
               {"body": "Checking.", "from": {"staff": "jane@acme-store.com"}, "created_at": "2026-11-25T09:30:00Z"},
               {"body": "Any news?", "created_at": "2026-11-25T10:00:00Z"},
               {"body": "Shipped.", "from": {"staff": "jane@acme-store.com"}, "created_at": "2026-11-25T12:00:00Z"},
               {"body": "Tracking: 123.", "from": {"staff": "jane@acme-store.com"},
                "created_at": "2026-11-25T12:05:00Z"}]},
            {"subject": "Conversation B", "category": "support", "status": 1,
             "author": {"type": "email", "identifier": "ann@example.com"}, "created_at": "2026-11-25T12:00:00Z",
             "messages": [
               {"body": "Do you ship to Norway?"},
               {"body": "We do.", "from": {"staff": "max@acme-store.com"}, "created_at": "2026-11-26T12:00:00Z"}]}],
          "satisfaction_ratings": [{"conversation": "conversation-a", "rating": 5, "created_at": "2026-11-26T12:30:00Z"}]}
        ]}
        """

    static let range = "?start_date=2026-11-24&end_date=2026-11-26"

    static func withExample(_ body: (EmulatorHandle) async throws -> Void) async throws {
        try await withEmulator(fixtures: Self.fixtures) { emulator in
            emulator.clock.set("2026-11-26T13:00:00Z")
            try await body(emulator)
        }
    }

    @Test("volume counts the conversations created each day")
    func volume() async throws {
        try await Self.withExample { emulator in
            let answer = try await emulator.client.get("/reports/volume" + Self.range)
            #expect(
                answer.text
                    == #"{"conversation_counts":{"2026-11-24":0,"2026-11-25":2,"2026-11-26":0},"#
                    + #""start_date":"2026-11-24","end_date":"2026-11-26"}"#)
        }
    }

    @Test("response_time: the spec's worked example, byte for byte")
    func responseTime() async throws {
        try await Self.withExample { emulator in
            let answer = try await emulator.client.get("/reports/response_time" + Self.range)
            #expect(
                answer.text
                    == #"{"response_times":{"2026-11-24":0,"2026-11-25":4500,"2026-11-26":86400},"#
                    + #""summary":{"averages":{"in_range":31800,"this_month":31800,"this_week":31800},"#
                    + #""trends":{"last_30_days":{"average":31800,"change_rate":null},"#
                    + #""last_7_days":{"average":31800,"change_rate":null}},"#
                    + #""ratio":{"under_1_hour":0.3333,"under_1_day":0.6667,"under_1_week":1}},"#
                    + #""start_date":"2026-11-24","end_date":"2026-11-26"}"#)
        }
    }

    @Test("staff: one entry per staff user, the spec's worked example byte for byte")
    func staff() async throws {
        try await Self.withExample { emulator in
            let answer = try await emulator.client.get("/reports/staff" + Self.range)
            #expect(
                answer.text
                    == #"{"report":{"Jane Porter":{"response_count":3,"archived_count":0,"resolved_count":0,"#
                    + #""satisfaction_average":5,"appreciations_count":0,"#
                    + #""responses_trend":{"2026-11-24":0,"2026-11-25":3,"2026-11-26":0},"response_time_seconds":4500},"#
                    + #""Max Support":{"response_count":1,"archived_count":0,"resolved_count":0,"#
                    + #""satisfaction_average":null,"appreciations_count":0,"#
                    + #""responses_trend":{"2026-11-24":0,"2026-11-25":0,"2026-11-26":1},"#
                    + #""response_time_seconds":86400}},"start_date":"2026-11-24","end_date":"2026-11-26"}"#)
        }
    }

    @Test("channel_summary: every channel of the brand, the spec's worked example byte for byte")
    func channelSummary() async throws {
        try await Self.withExample { emulator in
            let answer = try await emulator.client.get("/reports/channel_summary" + Self.range)
            let brand = #""brand":{"id":1,"name":"Acme Store","url":"acme-store.com"},"#
            #expect(
                answer.text
                    == #"{"channels":{"1":{"category":{"id":1,"name":"Support","channel_type":1,"#
                    + #""channel_type_name":"Email"},"# + brand
                    + #""staff_responses":4,"customer_responses":3,"average_response_time_seconds":31800,"#
                    + #""appreciations":0,"active_conversations":2,"resolved_conversations":0,"#
                    + #""archived_conversations":0,"average_satisfaction_rating":5,"average_thread_size":3.5},"#
                    + #""2":{"category":{"id":2,"name":"Website Chat","channel_type":6,"channel_type_name":"Chat"},"#
                    + brand
                    + #""staff_responses":0,"customer_responses":0,"average_response_time_seconds":null,"#
                    + #""appreciations":0,"active_conversations":0,"resolved_conversations":0,"#
                    + #""archived_conversations":0,"average_satisfaction_rating":null,"average_thread_size":null}},"#
                    + #""start_date":"2026-11-24","end_date":"2026-11-26"}"#)
        }
    }

    @Test("tags merge case-insensitively, lower-cased, most used first, then by name")
    func tags() async throws {
        try await Self.withExample { emulator in
            for (slug, tags) in [
                ("conversation-a", #"["Shipping", "VIP"]"#), ("conversation-b", #"["shipping", "refund"]"#),
            ] {
                _ = try await emulator.client.put(
                    "/conversations/\(slug)", #"{"conversation": {"tag_list": \#(tags)}}"#)
            }
            _ = try await emulator.client.post(
                "/conversations",
                #"{"conversation": {"subject": "C", "category": "support", "tag_list": ["SHIPPING"], "#
                    + #""message": {"body": "Hi"}, "user": {"email": "carl@example.com"}}}"#)
            let answer = try await emulator.client.get("/reports/tags" + Self.range)
            #expect(
                answer.text
                    == #"{"tags":{"shipping":3,"refund":1,"vip":1},"start_date":"2026-11-24","end_date":"2026-11-26"}"#)
            let none = try await emulator.client.get("/reports/tags?start_date=2026-11-01&end_date=2026-11-02")
            #expect(none.text == #"{"tags":{},"start_date":"2026-11-01","end_date":"2026-11-02"}"#)
        }
    }

    @Test("the range defaults to the 30 days ending today; blank means absent")
    func defaults() async throws {
        try await Self.withExample { emulator in
            let answer = try await emulator.client.get("/reports/volume?start_date=&end_date=").object()
            #expect(answer["start_date"] as? String == "2026-10-28")
            #expect(answer["end_date"] as? String == "2026-11-26")
            let counts = try #require(answer["conversation_counts"] as? [String: Int])
            #expect(counts.count == 30)
            #expect(counts.values.reduce(0, +) == 2)
            let ending = try await emulator.client.get("/reports/volume?end_date=2026-11-25").object()
            #expect(ending["start_date"] as? String == "2026-10-27")
        }
    }

    @Test(
        "range errors are reported together",
        arguments: [
            ("?start_date=2026-11-31", #"{"errors":{"start_date":["is invalid"]}}"#),
            (
                "?start_date=26-11-01&end_date=2026-1-01",
                #"{"errors":{"start_date":["is invalid"],"end_date":["is invalid"]}}"#
            ),
            ("?start_date=2026-11-01T00:00:00Z", #"{"errors":{"start_date":["is invalid"]}}"#),
            (
                "?start_date=2026-11-26&end_date=2026-11-25",
                #"{"errors":{"end_date":["must be on or after start_date"]}}"#
            ),
            (
                "?start_date=2025-11-25&end_date=2026-11-26",
                #"{"errors":{"end_date":["must be within 1 year of start_date"]}}"#
            ),
            ("?start_date=2026-12-01", #"{"errors":{"end_date":["must be on or after start_date"]}}"#),
        ])
    func rangeErrors(query: String, expected: String) async throws {
        try await Self.withExample { emulator in
            let answer = try await emulator.client.get("/reports/staff" + query)
            #expect(answer.status == 422)
            #expect(answer.text == expected, "\(query)")
        }
    }

    @Test("a range of 366 days is allowed, both ends counted")
    func longestRange() async throws {
        try await Self.withExample { emulator in
            let answer = try await emulator.client.get("/reports/volume?start_date=2023-12-01&end_date=2024-11-30")
            #expect(answer.status == 200)
            #expect(try #require(try answer.object()["conversation_counts"] as? [String: Int]).count == 366)
        }
    }

    @Test("trends compare the last 30 and 7 days with the 30 and 7 before, as a string change rate")
    func trends() async throws {
        try await Self.withExample { emulator in
            // A response of 100 s forty days ago, and one of 150 s five days ago (B's 86400 s is also recent).
            for (subject, opened, answered) in [
                ("Old", "2026-10-17T08:00:00Z", "2026-10-17T08:01:40Z"),
                ("Recent", "2026-11-21T08:00:00Z", "2026-11-21T08:02:30Z"),
            ] {
                emulator.clock.set(opened)
                _ = try await emulator.client.post(
                    "/conversations",
                    #"{"conversation": {"subject": "\#(subject)", "category": "support", "message": {"body": "Hi"}, "#
                        + #""user": {"email": "dora@example.com"}}}"#)
                emulator.clock.set(answered)
                _ = try await emulator.client.post(
                    "/conversations/\(subject.lowercased())/messages", #"{"message": {"body": "Hello"}}"#)
            }
            emulator.clock.set("2026-11-26T13:00:00Z")
            let summary = try #require(
                try await emulator.client.get("/reports/response_time").object()["summary"] as? [String: Any])
            let trends = try #require(summary["trends"] as? [String: [String: Any]])
            // Last 30 days: 1800, 7200, 86400 and 150 → 23887.5 → 23888; the 30 before: 100.
            #expect(trends["last_30_days"]?["average"] as? Int == 23888)
            #expect(trends["last_30_days"]?["change_rate"] as? String == "237.88")
            #expect(trends["last_7_days"]?["change_rate"] is NSNull)
            let averages = try #require(summary["averages"] as? [String: Any])
            #expect(averages["this_week"] as? Int == 31800, "Monday 2026-11-23 on")
            #expect(averages["this_month"] as? Int == 23888)
        }
    }

    @Test("internal notes never count; a staff message with no open wait is not timed")
    func internalNotes() async throws {
        try await Self.withExample { emulator in
            emulator.clock.set("2026-11-26T12:10:00Z")
            _ = try await emulator.client.post(
                "/conversations/conversation-a/messages", #"{"message": {"body": "Note", "visibility": 1}}"#)
            emulator.clock.set("2026-11-26T13:00:00Z")
            let staff = try await emulator.client.get("/reports/staff" + Self.range).text
            #expect(staff.contains(#""Jane Porter":{"response_count":3,"#))
        }
    }

    @Test("a message stored out of time order changes the response times it affects, and only those")
    func outOfOrder() async throws {
        try await Self.withExample { emulator in
            // Max answers A at 09:20, before Jane's 09:30 reply: his closes the 09:00 wait (1200 s), hers none.
            emulator.clock.set("2026-11-25T09:20:00Z")
            let max = emulator.client(login: "max@acme-store.com", token: "max-token")
            #expect(
                try await max.post("/conversations/conversation-a/messages", #"{"message": {"body": "On it."}}"#).status
                    == 200)
            emulator.clock.set("2026-11-26T13:00:00Z")
            let staff = try await emulator.client.get("/reports/staff" + Self.range).text
            #expect(staff.contains(#""response_count":3,"#), "Jane still sent three")
            #expect(
                staff.contains(
                    #""responses_trend":{"2026-11-24":0,"2026-11-25":3,"2026-11-26":0},"response_time_seconds":7200}"#))
            #expect(
                staff.contains(
                    #""responses_trend":{"2026-11-24":0,"2026-11-25":1,"2026-11-26":1},"response_time_seconds":43800}"#)
            )
            let times = try await emulator.client.get("/reports/response_time" + Self.range).text
            #expect(times.hasPrefix(#"{"response_times":{"2026-11-24":0,"2026-11-25":4200,"2026-11-26":86400}"#))
            // A customer message before the first answer changes nothing: the wait opened at 09:00.
            emulator.clock.set("2026-11-25T09:05:00Z")
            _ = try await emulator.client.post(
                "/conversations/conversation-a/messages",
                #"{"message": {"body": "Hello?", "user": {"email": "bob@example.com"}}}"#)
            emulator.clock.set("2026-11-26T13:00:00Z")
            #expect(try await emulator.client.get("/reports/response_time" + Self.range).text == times)
        }
    }

    @Test("a conversation counts in the brand and channel it belongs to now, after a move")
    func movedConversation() async throws {
        try await Self.withExample { emulator in
            let moved = try await emulator.client.put(
                "/conversations/conversation-b", #"{"conversation": {"category": "outlet", "brand": "acme-outlet"}}"#)
            #expect(moved.status == 200)
            let store = try await emulator.client.get("/reports/volume" + Self.range).text
            #expect(store.hasPrefix(#"{"conversation_counts":{"2026-11-24":0,"2026-11-25":1,"2026-11-26":0}"#))
            let outlet = emulator.client(host: "acme-outlet.localhost")
            let there = try await outlet.get("/reports/volume" + Self.range).text
            #expect(there.hasPrefix(#"{"conversation_counts":{"2026-11-24":0,"2026-11-25":1,"2026-11-26":0}"#))
            let channels = try await outlet.get("/reports/channel_summary" + Self.range).text
            #expect(
                channels.contains(#""staff_responses":1,"customer_responses":1,"average_response_time_seconds":86400"#))
        }
    }

    @Test("reports count only the brand's own records and need access_reports")
    func scopingAndPermission() async throws {
        try await Self.withExample { emulator in
            let outlet = emulator.client(host: "acme-outlet.localhost")
            let volume = try await outlet.get("/reports/volume" + Self.range)
            #expect(volume.text.hasPrefix(#"{"conversation_counts":{"2026-11-24":0,"2026-11-25":0,"2026-11-26":0}"#))
            let summary = try await outlet.get("/reports/channel_summary" + Self.range).text
            #expect(summary.contains(#""channel_type_name":"Email"},"brand":{"id":2,"name":"Acme Outlet""#))
            let max = emulator.client(login: "max@acme-store.com", token: "max-token")
            for report in ["volume", "response_time", "staff", "tags", "channel_summary"] {
                let refused = try await max.get("/reports/\(report)?start_date=bad")
                #expect(refused.status == 403, "\(report)")
                #expect(refused.text == #"{"error":"Forbidden"}"#)
            }
            #expect(try await emulator.client.post("/reports/volume", "{}").status == 405)
        }
    }

    @Test("a database stored before reports existed gains every response time when it is opened")
    func migration() async throws {
        try await withEmulator(fixtures: Self.fixtures) { first in
            // Take the store back to schema version 6: no response times, no report indexes (nor what came later).
            let probe = try StoreProbe(path: first.databasePath)
            try probe.restoreSingleSearchIndex()
            try probe.restoreIdentityPositionIndex()
            try probe.restoreConversationsWithoutSummaries()
            try probe.connection.executeScript(
                """
                DROP INDEX messages_by_created; DROP INDEX messages_timed; DROP INDEX conversations_by_brand_status;
                ALTER TABLE messages DROP COLUMN response_ms; PRAGMA user_version = 6;
                """)
            try await withEmulator(fixtures: nil, configure: { $0.databasePath = first.databasePath }) { reopened in
                reopened.clock.set("2026-11-26T13:00:00Z")
                let answer = try await reopened.client.get("/reports/response_time" + Self.range).text
                #expect(answer.hasPrefix(#"{"response_times":{"2026-11-24":0,"2026-11-25":4500,"2026-11-26":86400}"#))
            }
        }
    }

    @Test("staff users sharing a display name are each keyed with their email")
    func sharedDisplayNames() async throws {
        try await Self.withExample { emulator in
            _ = try await emulator.client.post(
                "/staff", #"{"staff": {"name": "Max Support", "email": "max2@acme-store.com"}}"#)
            let report = try #require(
                try await emulator.client.get("/reports/staff" + Self.range).object()["report"] as? [String: Any])
            #expect(
                Set(report.keys)
                    == ["Jane Porter", "Max Support (max@acme-store.com)", "Max Support (max2@acme-store.com)"])
        }
    }
}
