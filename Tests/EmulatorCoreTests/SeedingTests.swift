import Foundation
import Testing

/// The control plane's seeding routes: one fixtures entry into a running emulator, answered in the API's shape.
@Suite struct SeedingTests {
    /// Acme with one conversation, so that a rating has something to rate.
    static let fixtures = TestFixtures.acme.replacingOccurrences(
        of: #"{"name": "No Token", "email": "notoken@acme-store.com"}]},"#,
        with: #"{"name": "No Token", "email": "notoken@acme-store.com"}], "#
            + #""contacts": [{"name": "Bob", "identities": [{"type": "email", "identifier": "bob@example.com"}]}], "#
            + #""conversations": [{"category": "support", "subject": "Late order", "assignee": "max@acme-store.com", "#
            + #""author": {"type": "email", "identifier": "bob@example.com"}, "created_at": "2026-11-01T10:00:00Z", "#
            + #""messages": [{"body": "Where is it?"}]}]},"#)

    @Test("topics: answered as GET /topics shows them; a name's slug takes a suffix, a given slug must be free")
    func topics() async throws {
        try await withEmulator(fixtures: Self.fixtures) { emulator in
            let first = try await emulator.control(
                "POST", "brands/acme/topics", #"{"name": "Shipping", "created_at": "2026-11-20T10:00:00Z"}"#)
            #expect(first.status == 200)
            #expect(
                first.text
                    == #"{"id":1,"name":"Shipping","slug":"shipping","created_at":"2026-11-20T10:00:00.000Z","#
                    + #""updated_at":"2026-11-20T10:00:00.000Z"}"#)
            let second = try await emulator.control("POST", "brands/acme/topics", #"{"name": "Shipping"}"#).object()
            #expect(second["slug"] as? String == "shipping-2")
            let taken = try await emulator.control(
                "POST", "brands/acme/topics", #"{"name": "Other", "slug": "shipping"}"#)
            #expect(taken.status == 409)
            #expect(taken.text == #"{"error":"slug: has already been taken"}"#)
            let listed = try await emulator.client.get("/topics").object()
            #expect(listed["total_count"] as? Int == 2)
        }
    }

    @Test("systems, channels, templates and ratings: each answered as the API renders it")
    func otherKinds() async throws {
        try await withEmulator(fixtures: Self.fixtures) { emulator in
            let system = try await emulator.control(
                "POST", "brands/acme/systems", #"{"title": "Shipping API", "created_at": "2026-01-10T12:00:00Z"}"#)
            #expect(
                system.text
                    == #"{"id":"1","title":"Shipping API","account_id":1,"brand_id":1,"#
                    + #""created_at":"2026-01-10T12:00:00.000Z","updated_at":"2026-01-10T12:00:00.000Z","#
                    + #""status":"operational","active_incidents":[]}"#)
            #expect(try await emulator.client.get("/systems").text == "[" + system.text + "]")
            let channel = try await emulator.control(
                "POST", "brands/acme/channels", #"{"name": "Returns", "email": "returns@acme-store.com", "channel": 6}"#
            )
            #expect(try await emulator.client.get("/channels/returns").text == channel.text)
            let template = try await emulator.control(
                "POST", "brands/acme/response_templates",
                #"{"name": "Greeting", "body": "Hello!", "group": "Openers", "owner": "max@acme-store.com"}"#)
            #expect(
                template.text
                    == #"{"id":1,"name":"Greeting","body":"Hello!","#
                    + #""response_template_group":{"id":1,"name":"Openers"}}"#)
            let rating = try await emulator.control(
                "POST", "brands/acme/satisfaction_ratings",
                #"{"conversation": "late-order", "rating": 4, "comment": "Fine", "created_at": "2026-11-02T10:00:00Z"}"#
            )
            #expect(
                rating.text
                    == #"{"id":"1","rating":4,"comment":"Fine","user_id":"1","assignee_id":"2","conversation_id":"1","#
                    + #""created_at":"2026-11-02T10:00:00.000Z","updated_at":"2026-11-02T10:00:00.000Z"}"#)
        }
    }

    @Test(
        "bad entries are 422 naming the key, taken unique values 409, and nothing is written",
        arguments: [
            ("brands/acme/systems", #"{}"#, 422, #"{"error":"title: is required"}"#),
            (
                "brands/acme/channels", #"{"name": "Support", "email": "support@acme-store.com"}"#, 409,
                #"{"error":"slug: has already been taken"}"#
            ),
            (
                "brands/acme/channels", #"{"name": "Odd", "email": "not-an-email"}"#, 422,
                #"{"error":"email: \"not-an-email\" is not an email"}"#
            ),
            (
                "brands/acme/response_templates", #"{"name": "A", "body": "B", "owner": "x@example.com"}"#, 422,
                #"{"error":"owner: x@example.com is not a staff user of the account"}"#
            ),
            (
                "brands/acme/satisfaction_ratings", #"{"conversation": "late-order", "rating": 6}"#, 422,
                #"{"error":"rating: must be 1 to 5"}"#
            ),
            (
                "brands/acme-outlet/satisfaction_ratings", #"{"conversation": "late-order", "rating": 5}"#, 422,
                #"{"error":"conversation: \"late-order\" is not a conversation of the brand"}"#
            ),
            (
                "accounts/1/brands", #"{"name": "Acme Again", "host": "ACME", "url": "acme.example"}"#, 409,
                #"{"error":"host: has already been taken"}"#
            ),
            ("accounts/1/staff", #"{"email": "hank@globex.com"}"#, 409, #"{"error":"email: has already been taken"}"#),
            (
                "accounts/1/staff", #"{"email": "sam@acme-store.com", "admin": "yes"}"#, 422,
                #"{"error":"admin: must be true or false"}"#
            ),
        ])
    func refusals(path: String, body: String, status: Int, expected: String) async throws {
        try await withEmulator(fixtures: Self.fixtures) { emulator in
            let before = try await emulator.control("GET", "state").text
            let answer = try await emulator.control("POST", path, body)
            #expect(answer.status == status)
            #expect(answer.text == expected)
            #expect(try await emulator.control("GET", "state").text == before)
        }
    }

    @Test("an unknown brand, kind or account is 404; kinds the API writes are not seeded")
    func unknowns() async throws {
        try await withEmulator(fixtures: Self.fixtures) { emulator in
            for path in [
                "brands/nowhere/topics", "brands/acme/widgets", "brands/acme/articles", "brands/acme/incidents",
                "accounts/99/brands", "accounts/x/staff",
            ] {
                let answer = try await emulator.control("POST", path, #"{"name": "x"}"#)
                #expect(answer.status == 404, "\(path)")
                #expect(answer.text == #"{"error":"Not Found"}"#, "\(path)")
            }
        }
    }

    @Test("a seeded brand answers on its host; a seeded staff user signs in with its token and permission")
    func brandsAndStaff() async throws {
        try await withEmulator(fixtures: Self.fixtures) { emulator in
            let brand = try await emulator.control(
                "POST", "accounts/1/brands",
                #"{"name": "Acme Kids", "host": "acme-kids", "url": "acme-kids.com", "default": true, "#
                    + #""channels": [{"name": "Kids", "email": "hello@acme-kids.com"}]}"#)
            #expect(brand.text == #"{"name":"Acme Kids","host":"acme-kids","url":"acme-kids.com"}"#)
            let kids = emulator.client(host: "acme-kids.localhost")
            #expect(try await kids.get("/channels/hello").status == 200)
            #expect(try await emulator.client.get("/channels/hello").status == 404, "never the default brand")
            let staff = try await emulator.control(
                "POST", "accounts/1/staff",
                #"{"name": "Sam", "email": "Sam@Acme-Store.com", "token": "sam-token", "access_reports": true, "#
                    + #""created_at": "2026-11-01T00:00:00Z"}"#)
            #expect(
                staff.text
                    == #"{"name":"Sam","email":"sam@acme-store.com","display_name":"Sam","#
                    + #""created_at":"2026-11-01T00:00:00.000Z","role":{"name":"Staff","admin?":false}}"#)
            let sam = emulator.client(login: "sam@acme-store.com", token: "sam-token")
            #expect(try await sam.get("/satisfaction_ratings").status == 200)
        }
    }

    @Test("seeding needs the admin token when one is configured")
    func adminToken() async throws {
        try await withEmulator(fixtures: Self.fixtures, configure: { $0.adminToken = "s3cret" }) { emulator in
            #expect(try await emulator.control("POST", "brands/acme/systems", #"{"title": "A"}"#).status == 401)
            let allowed = try await emulator.control(
                "POST", "brands/acme/systems", #"{"title": "A"}"#, headers: ["Authorization": "Bearer s3cret"])
            #expect(allowed.status == 200)
        }
    }
}
