import EmulatorCore
import Foundation
import Logging
import Testing

/// Topics and articles: a brand's knowledge base (per brand; topics come from fixtures).
@Suite struct ArticlesTests {
    /// Acme with two topics in `acme`, one in `acme-outlet`, and three articles of `acme` in the three statuses.
    static let fixtures = TestFixtures.acme.replacingOccurrences(
        of: #"{"name": "No Token", "email": "notoken@acme-store.com"}]},"#,
        with: #"{"name": "No Token", "email": "notoken@acme-store.com"}], "topics": ["#
            + #"{"name": "Shipping", "created_at": "2026-01-10T12:00:00Z"}, "#
            + #"{"name": "Returns & Refunds", "slug": "returns", "created_at": "2026-01-11T12:00:00Z"}, "#
            + #"{"brand": "acme-outlet", "name": "Shipping", "created_at": "2026-01-12T12:00:00Z"}], "#
            + #""articles": [{"title": "How do I track my order?", "#
            + #""body": "Use the tracking link in your shipping email.", "topic": "shipping", "#
            + #""created_at": "2026-11-20T10:00:00Z"}, "#
            + #"{"title": "Return window", "body": "Thirty days, unworn.", "status": 1, "topic": "returns", "#
            + #""author": "max@acme-store.com", "created_at": "2026-11-21T10:00:00Z", "#
            + #""updated_at": "2026-11-22T10:00:00Z"}, "#
            + #"{"title": "Warehouse notes", "body": "Internal: the TRACKING desk is in aisle 4.", "status": 2, "#
            + #""created_at": "2026-11-22T10:00:00Z"}]},"#)

    static let trackJSON =
        #"{"title":"How do I track my order?","body":"Use the tracking link in your shipping email.","#
        + #""slug":"how-do-i-track-my-order","status":0,"created_at":"2026-11-20T10:00:00.000Z","#
        + #""updated_at":"2026-11-20T10:00:00.000Z","#
        + #""url":"https://acme.reamaze.com/kb/shipping/how-do-i-track-my-order","#
        + #""author":{"id":1,"name":"Jane Porter","email":"jane@acme-store.com","mobile":null,"twitter":null,"#
        + #""instagram":null,"facebook":null,"friendly_name":null,"display_name":"Jane Porter","data":{}},"#
        + #""embedded_url":"https://acme.reamaze.com/kb/shipping/how-do-i-track-my-order/embedded","#
        + #""topic":{"name":"Shipping","slug":"shipping"}}"#

    static func slugs(_ response: TestResponse) throws -> [String] {
        let page = try response.object()
        return try #require(page["articles"] as? [[String: Any]]).compactMap { $0["slug"] as? String }
    }

    @Test("GET /articles/{slug} answers the article byte for byte; another brand, or another slug, is 404")
    func showOne() async throws {
        try await withEmulator(fixtures: Self.fixtures) { emulator in
            let article = try await emulator.client.get("/articles/how-do-i-track-my-order")
            #expect(article.status == 200)
            #expect(article.text == Self.trackJSON)
            #expect(try await emulator.client.get("/articles/How-Do-I-Track-My-Order").status == 404)
            let outlet = emulator.client(host: "acme-outlet.localhost")
            #expect(try await outlet.get("/articles/how-do-i-track-my-order").status == 404)
        }
    }

    @Test("GET /articles lists newest first, filters by q, status (number or word) and topic, and pages")
    func lists() async throws {
        try await withEmulator(fixtures: Self.fixtures) { emulator in
            let client = emulator.client
            #expect(
                try Self.slugs(try await client.get("/articles"))
                    == ["warehouse-notes", "return-window", "how-do-i-track-my-order"])
            #expect(
                try Self.slugs(try await client.get("/articles?q=TRACK"))
                    == ["warehouse-notes", "how-do-i-track-my-order"], "title or body, any case")
            #expect(try Self.slugs(try await client.get("/articles?status=draft")) == ["return-window"])
            #expect(try Self.slugs(try await client.get("/articles?status=2")) == ["warehouse-notes"])
            #expect(try Self.slugs(try await client.get("/articles?topic=returns")) == ["return-window"])
            #expect(try Self.slugs(try await client.get("/articles?topic=nothing")) == [])
            let bad = try await client.get("/articles?status=4")
            #expect(bad.status == 422)
            #expect(bad.text == #"{"errors":{"status":["is not included in the list"]}}"#)
            let page = try await client.get("/articles?page=2").object()
            #expect(page["total_count"] as? Int == 3)
            #expect((page["articles"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("GET /topics/{slug}/articles lists one topic's; an unknown topic is 404; GET /topics lists oldest first")
    func topics() async throws {
        try await withEmulator(fixtures: Self.fixtures) { emulator in
            let client = emulator.client
            let shipping = try await client.get("/topics/shipping/articles?q=track&status=published")
            #expect(
                shipping.text == #"{"page_size":30,"page_count":1,"total_count":1,"articles":["# + Self.trackJSON + "]}"
            )
            #expect(try await client.get("/topics/nothing/articles").status == 404)
            let topics = try await client.get("/topics")
            #expect(
                topics.text
                    == #"{"page_size":30,"page_count":1,"total_count":2,"topics":[{"id":1,"name":"Shipping","#
                    + #""slug":"shipping","created_at":"2026-01-10T12:00:00.000Z","#
                    + #""updated_at":"2026-01-10T12:00:00.000Z"},{"id":2,"name":"Returns & Refunds","slug":"returns","#
                    + #""created_at":"2026-01-11T12:00:00.000Z","updated_at":"2026-01-11T12:00:00.000Z"}]}"#)
            let outlet = try await emulator.client(host: "acme-outlet.localhost").get("/topics").object()
            #expect(outlet["total_count"] as? Int == 1, "topics belong to one brand")
        }
    }

    @Test(
        "POST /articles creates a published article of the caller, with a unique slug; the nested form sets its topic")
    func create() async throws {
        try await withEmulator(fixtures: Self.fixtures) { emulator in
            emulator.clock.set("2026-11-26T10:00:00.000Z")
            let client = emulator.client
            let created = try await client.post(
                "/articles", #"{"article": {"title": "Return window", "body": "Again.", "topic_id": "2"}}"#)
            #expect(created.status == 200)
            let article = try created.object()
            #expect(article["slug"] as? String == "return-window-2")
            #expect(article["status"] as? Int == 0)
            #expect(article["url"] as? String == "https://acme.reamaze.com/kb/returns/return-window-2")
            #expect(article["created_at"] as? String == "2026-11-26T10:00:00.000Z")
            let nested = try await client.post(
                "/topics/shipping/articles",
                #"{"article": {"title": "¿Dónde está?", "body": "x", "status": "internal", "topic_id": "returns"}}"#)
            let inTopic = try nested.object()
            #expect(inTopic["slug"] as? String == "d-nde-est")
            #expect((inTopic["topic"] as? [String: Any])?["slug"] as? String == "shipping", "the path wins")
            #expect(inTopic["status"] as? Int == 2)
            let untitled = try await client.post("/articles", #"{"article": {"title": "!!!", "body": "x"}}"#).object()
            #expect(untitled["slug"] as? String == "article")
            #expect(untitled["topic"] is NSNull)
            #expect(untitled["url"] as? String == "https://acme.reamaze.com/kb/articles/article")
        }
    }

    @Test(
        "article writes refuse bad input with every problem in one 422, and an unknown path topic or slug with 404",
        arguments: [
            ("POST", "/articles", "{}", 422, #"{"errors":{"article":["is missing"]}}"#),
            (
                "POST", "/articles", #"{"article": {"status": 4, "topic_id": "nowhere"}}"#, 422,
                #"{"errors":{"title":["can't be blank"],"body":["can't be blank"],"status":["is not included in the list"],"topic_id":["is invalid"]}}"#
            ),
            (
                "POST", "/articles", #"{"article": {"title": "x", "body": "y", "topic_id": 3}}"#, 422,
                #"{"errors":{"topic_id":["is invalid"]}}"#
            ),
            ("POST", "/topics/nowhere/articles", #"{"article": {}}"#, 404, #"{"error":"Not Found"}"#),
            ("PUT", "/articles/nowhere", #"{"article": {"status": 9}}"#, 404, #"{"error":"Not Found"}"#),
            (
                "PUT", "/articles/return-window", #"{"article": {"status": "archived"}}"#, 422,
                #"{"errors":{"status":["is not included in the list"]}}"#
            ),
            ("DELETE", "/articles/return-window", "", 405, #"{"error":"Method Not Allowed"}"#),
            ("POST", "/topics", "{}", 405, #"{"error":"Method Not Allowed"}"#),
        ])
    func refusals(method: String, path: String, body: String, status: Int, expected: String) async throws {
        try await withEmulator(fixtures: Self.fixtures) { emulator in
            let response = try await emulator.client.send(method, "/api/v1" + path, body: body.isEmpty ? nil : body)
            #expect(response.status == status)
            #expect(response.text == expected)
        }
    }

    @Test("PUT /articles/{slug} changes what is given, keeps the slug, moves the topic and url; blank keeps the body")
    func update() async throws {
        try await withEmulator(fixtures: Self.fixtures) { emulator in
            emulator.clock.set("2026-11-27T10:00:00.000Z")
            let changed = try await emulator.client.put(
                "/articles/how-do-i-track-my-order",
                #"{"article": {"title": "Tracking your order", "body": "", "status": "draft", "topic_id": "returns"}}"#)
            let article = try changed.object()
            #expect(article["title"] as? String == "Tracking your order")
            #expect(article["body"] as? String == "Use the tracking link in your shipping email.")
            #expect(article["slug"] as? String == "how-do-i-track-my-order")
            #expect(article["status"] as? Int == 1)
            #expect(article["url"] as? String == "https://acme.reamaze.com/kb/returns/how-do-i-track-my-order")
            #expect(article["updated_at"] as? String == "2026-11-27T10:00:00.000Z")
            emulator.clock.set("2026-11-28T10:00:00.000Z")
            let same = try await emulator.client.put(
                "/articles/how-do-i-track-my-order", #"{"article": {"title": "Tracking your order"}}"#)
            #expect(try same.object()["updated_at"] as? String == "2026-11-27T10:00:00.000Z", "nothing changed")
            let found = try await emulator.client.get("/articles?q=tracking%20your")
            #expect(try Self.slugs(found) == ["how-do-i-track-my-order"], "the search follows the new title")
        }
    }

    @Test("the state export carries topics and articles, and importing it gives them back")
    func stateRoundTrip() async throws {
        try await withEmulator(fixtures: Self.fixtures) { emulator in
            let exported = try await emulator.control("GET", "state")
            #expect(exported.text.contains(#""topics":[{"brand":"acme","name":"Shipping","slug":"shipping","#))
            #expect(
                exported.text.contains(
                    #"{"brand":"acme","title":"Return window","body":"Thirty days, unworn.","status":1,"#
                        + #""topic":"returns","author":"max@acme-store.com","slug":"return-window","#
                        + #""created_at":"2026-11-21T10:00:00.000Z","updated_at":"2026-11-22T10:00:00.000Z"}"#))
            let imported = try await emulator.control("PUT", "state", exported.text)
            #expect(imported.status == 200)
            #expect(imported.text == exported.text)
            let reset = try await emulator.control("POST", "accounts/1/reset")
            #expect(reset.status == 200)
            #expect(try await emulator.client.get("/topics").object()["total_count"] as? Int == 0, "a reset empties it")
        }
    }

    @Test("fixtures refuse a taken topic slug and an unknown article topic, naming the entry")
    func fixtureErrors() async throws {
        let taken = Self.fixtures.replacingOccurrences(
            of: #"{"name": "Returns & Refunds", "slug": "returns""#, with: #"{"name": "Returns", "slug": "shipping""#)
        #expect(throws: (any Error).self) { try TestFixtures.load(taken) }
        do {
            try TestFixtures.load(taken)
        } catch {
            #expect("\(error)" == #"$.accounts[0].topics[1].slug: has already been taken"#)
        }
        let unknown = Self.fixtures.replacingOccurrences(of: #""topic": "returns""#, with: #""topic": "nope""#)
        do {
            try TestFixtures.load(unknown)
            Issue.record("loaded fixtures with an unknown topic")
        } catch {
            #expect("\(error)" == #"$.accounts[0].articles[1].topic: "nope" is not a topic of the brand"#)
        }
    }
}
