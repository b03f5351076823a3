import Foundation
import Testing

/// Satisfaction ratings: per brand (through their conversation), read by staff with `access_reports`.
@Suite struct SatisfactionRatingsTests {
    /// Acme (Jane an administrator; Max not, but given access_reports) with two conversations and three ratings.
    static let fixtures = TestFixtures.acme.replacingOccurrences(
        of: #"{"name": "Max Support", "email": "max@acme-store.com", "token": "max-token","#,
        with: #"{"name": "Max Support", "email": "max@acme-store.com", "token": "max-token", "access_reports": true,"#
    ).replacingOccurrences(
        of: #"{"name": "No Token", "email": "notoken@acme-store.com"}]},"#,
        with: #"{"name": "No Token", "email": "notoken@acme-store.com"}, "#
            + #"{"name": "Pat", "email": "pat@acme-store.com", "token": "pat-token", "admin": true, "#
            + #""access_reports": false}], "#
            + #""contacts": [{"name": "Bob", "identities": [{"type": "email", "identifier": "bob@example.com"}]}], "#
            + #""conversations": [{"category": "support", "subject": "Late order", "assignee": "max@acme-store.com", "#
            + #""author": {"type": "email", "identifier": "bob@example.com"}, "created_at": "2026-11-01T10:00:00Z", "#
            + #""messages": [{"body": "Where is it?"}]}, "#
            + #"{"category": "support", "subject": "Staff note", "author": {"staff": "jane@acme-store.com"}, "#
            + #""created_at": "2026-11-02T10:00:00Z", "messages": [{"body": "Internal"}]}], "#
            + #""satisfaction_ratings": [{"conversation": "late-order", "rating": 5, "comment": "Excellent service!", "#
            + #""created_at": "2026-11-03T10:00:00Z"}, "#
            + #"{"conversation": "late-order", "rating": 2, "assignee": "jane@acme-store.com", "#
            + #""created_at": "2026-11-04T10:00:00Z", "updated_at": "2026-11-05T10:00:00Z"}, "#
            + #"{"conversation": "staff-note", "rating": 4, "created_at": "2026-11-06T10:00:00Z"}]},"#)

    static func ids(_ response: TestResponse) throws -> [String] {
        try #require(try response.object()["satisfaction_ratings"] as? [[String: Any]]).compactMap {
            $0["id"] as? String
        }
    }

    @Test("ratings answer with string ids, newest first; user_id is the author contact, null for a staff author")
    func lists() async throws {
        try await withEmulator(fixtures: Self.fixtures) { emulator in
            let page = try await emulator.client.get("/satisfaction_ratings?rating=5")
            #expect(
                page.text
                    == #"{"page_size":30,"page_count":1,"total_count":1,"satisfaction_ratings":[{"id":"1","rating":5,"#
                    + #""comment":"Excellent service!","user_id":"1","assignee_id":"2","conversation_id":"1","#
                    + #""created_at":"2026-11-03T10:00:00.000Z","updated_at":"2026-11-03T10:00:00.000Z"}]}"#)
            #expect(try Self.ids(try await emulator.client.get("/satisfaction_ratings")) == ["3", "2", "1"])
            let staffAuthored = try await emulator.client.get("/satisfaction_ratings?rating=4").text
            #expect(staffAuthored.contains(#""user_id":null,"assignee_id":null"#))
        }
    }

    @Test(
        "filters combine with AND and are inclusive; bad values are 422",
        arguments: [
            ("?assignee_id=1", ["2"]), ("?assignee_id=99", []), ("?assignee_id=x", []),
            ("?created_after=2026-11-04T10:00:00Z", ["3", "2"]), ("?created_before=2026-11-04T10:00:00Z", ["2", "1"]),
            ("?updated_after=2026-11-05T10:00:00Z&rating=2", ["2"]),
            ("?updated_before=2026-11-03T10:00:00.000Z", ["1"]),
        ])
    func filters(query: String, expected: [String]) async throws {
        try await withEmulator(fixtures: Self.fixtures) { emulator in
            let ids = try Self.ids(try await emulator.client.get("/satisfaction_ratings" + query))
            #expect(ids == expected, "\(query)")
        }
    }

    @Test("bad filters are 422 on the parameter")
    func badFilters() async throws {
        try await withEmulator(fixtures: Self.fixtures) { emulator in
            let rating = try await emulator.client.get("/satisfaction_ratings?rating=6")
            #expect(rating.status == 422)
            #expect(rating.text == #"{"errors":{"rating":["is not included in the list"]}}"#)
            let date = try await emulator.client.get("/satisfaction_ratings?created_after=yesterday&updated_before=x")
            #expect(date.text == #"{"errors":{"created_after":["is invalid"],"updated_before":["is invalid"]}}"#)
        }
    }

    @Test(
        "access_reports: administrators have it unless the fixtures say no; others only when they say yes; 403 without")
    func permission() async throws {
        try await withEmulator(fixtures: Self.fixtures) { emulator in
            let max = emulator.client(login: "max@acme-store.com", token: "max-token")
            #expect(try await max.get("/satisfaction_ratings").status == 200, "granted by the fixtures")
            let pat = emulator.client(login: "pat@acme-store.com", token: "pat-token")
            let refused = try await pat.get("/satisfaction_ratings?rating=9")
            #expect(refused.status == 403, "before the query is checked")
            #expect(refused.text == #"{"error":"Forbidden"}"#)
            #expect(refused.header("WWW-Authenticate") == nil)
            #expect(try await emulator.client.post("/satisfaction_ratings", "{}").status == 405)
        }
    }

    @Test("ratings are per brand, follow their conversation when it moves brand, and travel in the state")
    func brandsAndState() async throws {
        try await withEmulator(fixtures: Self.fixtures) { emulator in
            let outlet = emulator.client(host: "acme-outlet.localhost")
            #expect(try Self.ids(try await outlet.get("/satisfaction_ratings")) == [])
            let state = try await emulator.control("GET", "state")
            #expect(
                state.text.contains(
                    #""satisfaction_ratings":[{"brand":"acme","conversation":"late-order","rating":5,"#
                        + #""comment":"Excellent service!","assignee":"max@acme-store.com","#
                        + #""created_at":"2026-11-03T10:00:00.000Z","updated_at":"2026-11-03T10:00:00.000Z"}"#))
            #expect(state.text.contains(#""email":"pat@acme-store.com","#), "\(state.text)")
            #expect(state.text.contains(#""admin":true,"access_reports":false"#))
            let imported = try await emulator.control("PUT", "state", state.text)
            #expect(imported.text == state.text)
        }
    }

    @Test("the administrator a new tenant gets has access_reports and reads its ratings")
    func tenantAdministratorHasAccess() async throws {
        try await withEmulator(fixtures: Self.fixtures) { emulator in
            let created = try await emulator.control("POST", "accounts", #"{"token": "tenant-token"}"#).object()
            let login = try #require(created["login"] as? String)
            let admin = emulator.client(
                login: login, token: "tenant-token", host: "\(created["brand"] ?? "").localhost")
            let ratings = try await admin.get("/satisfaction_ratings")
            #expect(ratings.status == 200, "\(ratings.text)")
        }
    }
}
