import Foundation
import JSON
import Testing

/// The spec's running example (§5, §6): Bob writes to Acme's support channel, Jane answers, then files it on hold.
enum OrderExample {
    static let bob =
        #"{"contact": {"name": "Bob Smith", "friendly_name": "Bobby", "email": "bob@example.com", "mobile": "+12223334444"}}"#
    static let create = """
        {"conversation": {"subject": "Order 1001 is late", "category": "support", "tag_list": ["shipping", "vip"],
          "status": 0, "data": {"order_id": "1001"},
          "message": {"body": "My order 1001 has not arrived yet.", "recipients": ["alice@example.com"],
            "suppress_notifications": true, "suppress_autoresolve": false},
          "user": {"name": "Bob Smith", "email": "bob@example.com", "data": {"plan": "gold"}}}}
        """
    static let author =
        #""author":{"id":1,"name":"Bob Smith","email":"bob@example.com","mobile":"+12223334444","twitter":null,"#
        + #""instagram":null,"facebook":null,"friendly_name":"Bobby","display_name":"Bobby","data":{"plan":"gold"}}"#
    static let category =
        #""category":{"name":"Support","slug":"support","email":"support@acme-store.com","channel":1}"#
    static let conversation =
        #"{"subject":"Order 1001 is late","slug":"order-1001-is-late","status":0,"#
        + #""created_at":"2026-11-26T08:00:00.000Z","updated_at":"2026-11-26T08:00:00.000Z","tag_list":["shipping","vip"],"#
        + #""message":{"body":"My order 1001 has not arrived yet."},"#
        + #""last_customer_message":{"body":"My order 1001 has not arrived yet.","created_at":"2026-11-26T08:00:00.000Z"},"#
        + #""last_staff_message":null,\#(author),"assignee":null,\#(category),"followers":[],"#
        + #""data":{"order_id":"1001"},"origin":1,"hold_until":null,"#
        + #""perma_url":"https://acme.reamaze.io/admin/conversations/order-1001-is-late","message_count":1}"#
    static let reply = """
        {"message": {"body": "Sorry about that, Bob. A replacement ships today.", "visibility": 0,
          "origin_id": "XaEbMed", "recipients": ["alice@example.com"], "suppress_notifications": true,
          "suppress_autoresolve": false, "attachment": "https://files.example.com/label.png"}}
        """
    static let replyMessage =
        #"{"body":"Sorry about that, Bob. A replacement ships today.","visibility":0,"origin":1,"#
        + #""origin_id":"XaEbMed","created_at":"2026-11-26T09:00:00.000Z","#
        + #""user":{"name":"Jane Porter","email":"jane@acme-store.com","mobile":null,"staff?":true},"#
        + #""recipients":[{"name":null,"email":"alice@example.com"}],"#
        + #""attachments":[{"file_file_name":"label.png","file_content_type":"image/png","file_file_size":0,"#
        + #""thumb_url":"https://files.example.com/label.png","url":"https://files.example.com/label.png","image?":true}],"#
        + #""conversation":{"subject":"Order 1001 is late","slug":"order-1001-is-late","#
        + #""created_at":"2026-11-26T08:00:00.000Z",\#(category)}}"#

    /// Bob's contact and conversation, created at 08:00 through the brand host `acme.reamaze.io`.
    static func seed(_ emulator: EmulatorHandle) async throws -> TestClient {
        let client = emulator.client(host: "acme.reamaze.io")
        try #require(try await client.post("/contacts", bob).status == 200)
        emulator.clock.set("2026-11-26T08:00:00.000Z")
        let created = try await client.post("/conversations", create)
        try #require(created.status == 200, "\(created.text)")
        return client
    }
}

@Suite struct ConversationTests {
    @Test("POST /conversations answers the spec's conversation; GET by slug answers the same (§5.1, §5.5, §5.6)")
    func specExample() async throws {
        try await withEmulator { emulator in
            let client = emulator.client(host: "acme.reamaze.io")
            _ = try await client.post("/contacts", OrderExample.bob)
            emulator.clock.set("2026-11-26T08:00:00.000Z")
            let created = try await client.post("/conversations", OrderExample.create)
            #expect(created.status == 200)
            #expect(created.text == OrderExample.conversation)
            #expect(try await client.get("/conversations/order-1001-is-late").text == OrderExample.conversation)
            #expect(try await client.get("/conversations/order-1001-is-late.json").text == OrderExample.conversation)
            let local = try await emulator.client.get("/conversations/order-1001-is-late").object()
            #expect(
                local["perma_url"] as? String
                    == "http://127.0.0.1:\(emulator.server.port)/admin/conversations/order-1001-is-late")
        }
    }

    @Test("perma_url keeps the Host as sent; https on Re:amaze's host names in any letter case, with or without a port")
    func permaURLScheme() async throws {
        try await withEmulator { emulator in
            _ = try await OrderExample.seed(emulator)
            let expected = [
                "ACME.Reamaze.IO:8443": "https://ACME.Reamaze.IO:8443",
                "acme.REAMAZE.com": "https://acme.REAMAZE.com",
                "acme.reamaze.io.localhost": "http://acme.reamaze.io.localhost",
                "acme.localhost:9": "http://acme.localhost:9",
            ]
            for (host, base) in expected {
                let conversation = try await emulator.client(host: host).get("/conversations/order-1001-is-late")
                #expect(
                    try conversation.object()["perma_url"] as? String
                        == "\(base)/admin/conversations/order-1001-is-late", "Host: \(host)")
            }
        }
    }

    @Test("PUT /conversations answers the spec's example after Jane's reply (§5.7)")
    func specUpdate() async throws {
        try await withEmulator { emulator in
            let client = try await OrderExample.seed(emulator)
            emulator.clock.set("2026-11-26T09:00:00.000Z")
            #expect(
                try await client.post("/conversations/order-1001-is-late/messages", OrderExample.reply).status == 200)
            emulator.clock.set("2026-11-26T09:05:00.000Z")
            let response = try await client.put(
                "/conversations/order-1001-is-late",
                """
                {"conversation": {"assignee": {"email": "jane@acme-store.com"}, "tag_list": ["shipping", "refund"],
                  "status": 5, "hold_until": "2026-12-01T09:00:00Z", "data": {"refund": "requested", "order_id": null}}}
                """)
            let expected =
                #"{"subject":"Order 1001 is late","slug":"order-1001-is-late","status":5,"#
                + #""created_at":"2026-11-26T08:00:00.000Z","updated_at":"2026-11-26T09:05:00.000Z","#
                + #""tag_list":["shipping","refund"],"message":{"body":"My order 1001 has not arrived yet."},"#
                + #""last_customer_message":{"body":"My order 1001 has not arrived yet.","created_at":"2026-11-26T08:00:00.000Z"},"#
                + #""last_staff_message":{"body":"Sorry about that, Bob. A replacement ships today.","created_at":"2026-11-26T09:00:00.000Z"},"#
                + #"\#(OrderExample.author),"#
                + #""assignee":{"name":"Jane Porter","email":"jane@acme-store.com","display_name":"Jane Porter"},"#
                + #"\#(OrderExample.category),"followers":[],"data":{"refund":"requested"},"origin":1,"#
                + #""hold_until":"2026-12-01T09:00:00.000Z","#
                + #""perma_url":"https://acme.reamaze.io/admin/conversations/order-1001-is-late","message_count":2}"#
            #expect(response.status == 200)
            #expect(response.text == expected)
        }
    }

    @Test(
        "slugs come from the subject and get -2, -3 when taken (§5.3)",
        arguments: [
            (["Knock, knock?"], ["knock-knock"]),
            (
                ["Order 1001 is late", "Order 1001 is late", "order 1001 IS late!"],
                ["order-1001-is-late", "order-1001-is-late-2", "order-1001-is-late-3"]
            ),
            ([""], ["conversation"]),
            (["¿Dónde está?"], ["d-nde-est"]),
            (["!!!", "???"], ["conversation", "conversation-2"]),
        ])
    func slugs(subjects: [String], expected: [String]) async throws {
        try await withEmulator { emulator in
            var slugs: [String] = []
            for subject in subjects {
                let response = try await emulator.client.post(
                    "/conversations",
                    #"{"conversation": {"subject": "\#(subject)", "category": "support", "message": {"body": "hi"}, "user": {"email": "bob@example.com"}}}"#
                )
                slugs.append(try response.object()["slug"] as? String ?? "?")
            }
            #expect(slugs == expected)
        }
    }

    @Test("a customer is found or created by email or mobile; an existing contact keeps its name; user.data merges")
    func customerCase() async throws {
        try await withEmulator { emulator in
            _ = try await emulator.client.post("/contacts", OrderExample.bob)
            let byMobile = try await emulator.client.post(
                "/conversations",
                #"{"conversation": {"category": "chat", "message": {"body": "text"}, "user": {"name": "Other Name", "mobile": "+12223334444", "data": {"vip": true}}}}"#
            )
            let conversation = try byMobile.object()
            let author = try #require(conversation["author"] as? [String: Any])
            #expect(author["id"] as? Int == 1)
            #expect(author["name"] as? String == "Bob Smith")
            #expect(author["data"] as? [String: Bool] == ["vip": true])
            #expect(conversation["origin"] as? Int == 6)
            #expect(conversation["status"] as? Int == 0)
            let fresh = try await emulator.client.post(
                "/conversations",
                #"{"conversation": {"category": "support", "message": {"body": "hello"}, "user": {"name": "Ann Lee", "email": "Ann@Example.com", "mobile": "+19998887777"}}}"#
            )
            let ann = try #require(try fresh.object()["author"] as? [String: Any])
            #expect(ann["name"] as? String == "Ann Lee")
            #expect(ann["email"] as? String == "ann@example.com")
            #expect(ann["mobile"] is NSNull, "email wins; only that identity is created")
            #expect(try await emulator.client.get("/contacts/ann@example.com").status == 200)
        }
    }

    @Test("a staff user can start a conversation: author is the staff user, no contact, status 1 unless told")
    func staffCase() async throws {
        try await withEmulator { emulator in
            let started = try await emulator.client.post(
                "/conversations",
                #"{"conversation": {"subject": "Outreach", "category": "support", "message": {"body": "Hello!"}, "user": {"email": "MAX@acme-store.com"}}}"#
            )
            let conversation = try started.object()
            #expect(conversation["status"] as? Int == 1)
            let author = try #require(conversation["author"] as? [String: Any])
            #expect(author["email"] as? String == "max@acme-store.com")
            #expect(author["display_name"] as? String == "Max Support")
            #expect(author["mobile"] is NSNull)
            #expect((author["data"] as? [String: Any])?.isEmpty == true)
            #expect(conversation["last_customer_message"] is NSNull)
            #expect((conversation["last_staff_message"] as? [String: Any])?["body"] as? String == "Hello!")
            #expect(try await emulator.client.get("/contacts").object()["total_count"] as? Int == 0)
            let quiet = try await emulator.client.post(
                "/conversations",
                #"{"conversation": {"category": "support", "message": {"body": "x", "suppress_autoresolve": true}, "user": {"email": "max@acme-store.com"}}}"#
            )
            #expect(try quiet.object()["status"] as? Int == 0)
            let told = try await emulator.client.post(
                "/conversations",
                #"{"conversation": {"category": "support", "status": 2, "message": {"body": "x"}, "user": {"email": "max@acme-store.com"}}}"#
            )
            #expect(try told.object()["status"] as? Int == 2)
        }
    }

    @Test("message.origin_id already used in the channel answers the existing conversation; another channel creates")
    func originDeduplication() async throws {
        try await withEmulator { emulator in
            let body = { (channel: String, text: String) in
                #"{"conversation": {"subject": "\#(text)", "category": "\#(channel)", "message": {"body": "\#(text)", "origin_id": "CHAT-88213"}, "user": {"email": "bob@example.com"}}}"#
            }
            let first = try await emulator.client.post("/conversations", body("chat", "first"))
            let again = try await emulator.client.post("/conversations", body("chat", "second"))
            #expect(again.text == first.text)
            let elsewhere = try await emulator.client.post("/conversations", body("support", "third"))
            #expect(try elsewhere.object()["slug"] as? String == "third")
            let found = try await emulator.client.get("/conversations/CHAT-88213?id_type=origin&category=chat")
            #expect(found.text == first.text)
            #expect(
                try await emulator.client.get("/conversations/CHAT-88213?id_type=origin&category=chat&channel=6").text
                    == first.text)
            #expect(
                try await emulator.client.get("/conversations/CHAT-88213?id_type=origin&category=chat&channel=1").status
                    == 404)
        }
    }

    @Test(
        "POST /conversations validation (§5.6)",
        arguments: [
            (#"{}"#, #"{"errors":{"conversation":["is missing"]}}"#),
            (
                #"{"conversation": {"message": {"body": "x"}, "user": {"email": "b@x.io"}}}"#,
                #"{"errors":{"category":["can't be blank"]}}"#
            ),
            (
                #"{"conversation": {"category": "nope", "message": {"body": "x"}, "user": {"email": "b@x.io"}}}"#,
                #"{"errors":{"category":["is invalid"]}}"#
            ),
            (
                #"{"conversation": {"category": "support", "user": {"email": "b@x.io"}}}"#,
                #"{"errors":{"message.body":["can't be blank"]}}"#
            ),
            (
                #"{"conversation": {"category": "support", "message": {"body": " "}, "user": {"name": "B"}}}"#,
                #"{"errors":{"message.body":["can't be blank"],"user":["email or mobile is required"]}}"#
            ),
            (
                #"{"conversation": {"category": "support", "message": {"body": "x"}}}"#,
                #"{"errors":{"user":["email or mobile is required"]}}"#
            ),
            (
                #"{"conversation": {"category": "support", "message": {"body": "x"}, "user": {"email": "b@x"}}}"#,
                #"{"errors":{"user.email":["is invalid"]}}"#
            ),
            (
                #"{"conversation": {"category": "support", "message": {"body": "x"}, "user": {"mobile": "555"}}}"#,
                #"{"errors":{"user.mobile":["is invalid"]}}"#
            ),
            (
                #"{"conversation": {"category": "support", "message": {"body": "x", "recipients": ["nope"]}, "user": {"email": "b@x.io"}}}"#,
                #"{"errors":{"message.recipients":["is invalid"]}}"#
            ),
            (
                #"{"conversation": {"category": "support", "message": {"body": "x", "attachments": ["ftp://x/y"]}, "user": {"email": "b@x.io"}}}"#,
                #"{"errors":{"message.attachments":["is invalid"]}}"#
            ),
            (
                #"{"conversation": {"category": "support", "status": 12, "message": {"body": "x"}, "user": {"email": "b@x.io"}}}"#,
                #"{"errors":{"status":["is not included in the list"]}}"#
            ),
            (
                #"{"conversation": {"category": "support", "status": 5, "message": {"body": "x"}, "user": {"email": "b@x.io"}}}"#,
                #"{"errors":{"hold_until":["can't be blank"]}}"#
            ),
            (
                #"{"conversation": {"category": "support", "status": 5, "hold_until": "soon", "message": {"body": "x"}, "user": {"email": "b@x.io"}}}"#,
                #"{"errors":{"hold_until":["is invalid"]}}"#
            ),
            (
                #"{"conversation": {"category": "support", "data": {"a": {}}, "message": {"body": "x"}, "user": {"email": "b@x.io"}}}"#,
                #"{"errors":{"data":["must be one level deep"]}}"#
            ),
            (
                #"{"conversation": {"category": "support", "message": {"body": "x"}, "user": {"email": "b@x.io", "data": {"a": [1]}}}}"#,
                #"{"errors":{"user.data":["must be one level deep"]}}"#
            ),
        ])
    func createValidation(body: String, expected: String) async throws {
        try await withEmulator { emulator in
            let response = try await emulator.client.post("/conversations", body)
            #expect(response.status == 422)
            #expect(response.text == expected)
            #expect(try await emulator.client.get("/conversations?filter=all").object()["total_count"] as? Int == 0)
            #expect(try await emulator.client.get("/contacts").object()["total_count"] as? Int == 0)
        }
    }

    @Test(
        "GET /conversations/{slug} lookups (§5.5)",
        arguments: [
            ("/conversations/order-1001-is-late", 200, nil),
            ("/conversations/1", 200, nil),
            ("/conversations/1?id_type=ref", 200, nil),
            ("/conversations/order-1001-is-late?id_type=ref", 404, #"{"error":"Not Found"}"#),
            ("/conversations/2", 404, #"{"error":"Not Found"}"#),
            ("/conversations/nope", 404, #"{"error":"Not Found"}"#),
            ("/conversations/x?id_type=origin", 422, #"{"errors":{"category":["can't be blank"]}}"#),
            ("/conversations/x?id_type=origin&category=support", 404, #"{"error":"Not Found"}"#),
            ("/conversations/x?id_type=number", 422, #"{"errors":{"id_type":["is not included in the list"]}}"#),
        ] as [(String, Int, String?)])
    func lookups(path: String, status: Int, body: String?) async throws {
        try await withEmulator { emulator in
            let client = try await OrderExample.seed(emulator)
            let response = try await client.get(path)
            #expect(response.status == status)
            #expect(response.text == (body ?? OrderExample.conversation))
        }
    }
}

/// A page of conversations is loaded with batch queries; every item must be exactly what a single read shows.
@Suite struct ConversationPageTests {
    static var demoFixtures: String {
        get throws {
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent()
            return try String(contentsOf: root.appendingPathComponent("fixtures/demo.json"), encoding: .utf8)
        }
    }

    @Test(
        "every conversation of a page, on the demo data of both brands, is byte for byte its GET /conversations/{slug}",
        arguments: ["demo", "demo-coffee"])
    func pageItemsMatchSingleReads(brand: String) async throws {
        try await withEmulator(fixtures: try Self.demoFixtures) { emulator in
            let client = emulator.client(host: "\(brand).localhost")
            // The demo data's conversations all start with a customer: add one a staff user starts, assigned.
            let started = try await client.post(
                "/conversations",
                #"{"conversation": {"subject": "Staff first", "category": "support", "message": {"body": "hi"}, "#
                    + #""user": {"email": "jane@acme-store.com"}, "tag_list": ["b", "a"]}}"#)
            try #require(started.status == 200, "\(started.text)")
            let body = try await client.get("/conversations?filter=all").body
            let document = try #require(try JSONParser.parse(Array(body)).objectValue)
            guard case .array(let conversations)? = document["conversations"], conversations.count >= 10 else {
                Issue.record("no conversations in \(brand)")
                return
            }
            for conversation in conversations {
                guard case .string(let slug)? = conversation.objectValue?["slug"] else {
                    Issue.record("a conversation without a slug")
                    continue
                }
                let single = try await client.get("/conversations/\(slug)").body
                #expect(JSONWriter.encode { $0.value(conversation) } == Array(single), "\(slug)")
            }
        }
    }
}

/// A page of messages is loaded with batch queries too; every item must be exactly what the single read that answers
/// `POST …/messages` showed, senders and recipients' names included.
@Suite struct MessagePageTests {
    @Test("every message of a page is byte for byte the answer its POST gave: staff, customer, named recipients")
    func pageItemsMatchSingleReads() async throws {
        try await withEmulator(fixtures: try ConversationPageTests.demoFixtures) { emulator in
            let client = emulator.client(host: "demo.localhost")
            let started = try await client.post(
                "/conversations",
                #"{"conversation": {"subject": "Batch", "category": "support", "message": {"body": "first"}, "#
                    + #""user": {"email": "olivia.silva@example.com"}}}"#)
            let slug = try #require(try started.object()["slug"] as? String, "\(started.text)")
            var posted: [[UInt8]] = []
            for body in [
                #"{"message": {"body": "to staff and a customer", "recipients": ["priya@demo-outfitters.com", "#
                    + #""liam.garcia@example.com", "nobody@example.com"]}}"#,
                #"{"message": {"body": "from a customer", "user": {"email": "olivia.silva@example.com"}}}"#,
                #"{"message": {"body": "from another staff user", "user": {"email": "priya@demo-outfitters.com"}, "#
                    + #""visibility": 1}}"#,
                #"{"message": {"body": "from someone new", "user": {"email": "newcomer@example.com", "name": "N"}}}"#,
            ] {
                let response = try await client.post("/conversations/\(slug)/messages", body)
                try #require(response.status == 200, "\(response.text)")
                posted.append(Array(response.body))
            }
            let page = try await client.get("/conversations/\(slug)/messages").body
            let document = try #require(try JSONParser.parse(Array(page)).objectValue)
            guard case .array(let messages)? = document["messages"] else {
                Issue.record("no messages")
                return
            }
            // Newest first; the recipients accumulate, so each message shows the list as it was when it was sent.
            let newestFirst = messages.prefix(posted.count).map { message in JSONWriter.encode { $0.value(message) } }
            #expect(newestFirst == Array(posted.reversed()))
        }
    }
}

@Suite struct ConversationListTests {
    /// Five conversations with different statuses, tags, channels, authors, assignees and dates.
    static func seed(_ emulator: EmulatorHandle) async throws {
        let client = emulator.client
        _ = try await client.post("/contacts", OrderExample.bob)
        _ = try await client.post(
            "/contacts/bob@example.com/identities",
            #"{"identity": {"type": "email", "identifier": "bob.work@example.com"}}"#)
        _ = try await client.post(
            "/contacts", #"{"contact": {"name": "Ann", "email": "ann@example.com", "id": "ann-1"}}"#)
        let rows: [(String, String, String, String, String)] = [
            // subject, day, author email, category, extra fields
            (
                "one", "2026-11-01T10:00:00Z", "bob@example.com", "support",
                #""tag_list": ["Shipping"], "data": {"order_id": "1"}"#
            ),
            ("two", "2026-11-02T10:00:00Z", "bob.work@example.com", "chat", #""tag_list": "vip, refund", "status": 4"#),
            (
                "three", "2026-11-03T23:59:59Z", "ann@example.com", "support",
                #""status": 2, "data": {"order_id": "3", "rush": true}"#
            ),
            ("four", "2026-11-04T00:00:00Z", "ann@example.com", "support", #""tag_list": ["refund"]"#),
            ("five", "2026-11-05T10:00:00Z", "max@acme-store.com", "chat", #""status": 0"#),
        ]
        for row in rows {
            emulator.clock.set(row.1)
            let response = try await client.post(
                "/conversations",
                #"{"conversation": {"subject": "\#(row.0)", "category": "\#(row.3)", \#(row.4), "message": {"body": "\#(row.0)"}, "user": {"email": "\#(row.2)"}}}"#
            )
            try #require(response.status == 200, "\(response.text)")
        }
        emulator.clock.set("2026-11-10T10:00:00Z")
        _ = try await client.put("/conversations/four", #"{"conversation": {"assignee": "max@acme-store.com"}}"#)
        emulator.clock.set("2026-11-11T10:00:00Z")
        _ = try await client.post(
            "/conversations/one/messages", #"{"message": {"body": "me again", "user": {"email": "bob@example.com"}}}"#)
    }

    static func slugs(_ response: TestResponse) throws -> [String] {
        try #require(try response.object()["conversations"] as? [[String: Any]]).compactMap { $0["slug"] as? String }
    }

    @Test(
        "filters, sorts and searches combine as the spec says (§5.4)",
        arguments: [
            ("", ["five", "four", "three", "one"]),
            ("?filter=all", ["five", "four", "three", "two", "one"]),
            ("?filter=archived", ["two"]),
            ("?filter=open", ["five", "four", "one"]),
            ("?filter=unassigned", ["five", "three", "one"]),
            ("?for=bob@example.com&filter=all", ["two", "one"]),
            ("?for=BOB.WORK@example.com&filter=all", ["two", "one"]),
            ("?for=ann@example.com", ["four", "three"]),
            ("?for=max@acme-store.com", []),
            ("?for=nobody@example.com", []),
            ("?for_id=ann-1", ["four", "three"]),
            ("?for_id=unknown", []),
            ("?for=bob@example.com&for_id=ann-1", []),
            ("?tag=shipping", ["one"]),
            ("?tag=REFUND,nothing&filter=all", ["four", "two"]),
            ("?category=chat&filter=all", ["five", "two"]),
            ("?category=nope", []),
            ("?data%5Border_id%5D=3", ["three"]),
            ("?data[rush]=true&data[order_id]=3", ["three"]),
            ("?start_date=2026-11-03&end_date=2026-11-04", ["four", "three"]),
            ("?end_date=2026-11-03&filter=all", ["three", "two", "one"]),
            ("?sort=changed", ["one", "four", "five", "three"]),
            ("?sort=updated", ["one", "five", "four", "three"]),
            ("?sort=other", ["five", "four", "three", "one"]),
        ])
    func filters(query: String, expected: [String]) async throws {
        try await withEmulator { emulator in
            try await Self.seed(emulator)
            let response = try await emulator.client.get("/conversations\(query)")
            #expect(response.status == 200)
            #expect(try Self.slugs(response) == expected)
            #expect(try response.object()["total_count"] as? Int == expected.count)
        }
    }

    @Test(
        "bad filter and date parameters are 422",
        arguments: [
            ("?filter=closed", #"{"errors":{"filter":["is not included in the list"]}}"#),
            ("?start_date=yesterday", #"{"errors":{"start_date":["is invalid"]}}"#),
            ("?end_date=2026-02-30", #"{"errors":{"end_date":["is invalid"]}}"#),
            ("?start_date=2026-11-01T00:00:00Z", #"{"errors":{"start_date":["is invalid"]}}"#),
        ])
    func badParameters(query: String, expected: String) async throws {
        try await withEmulator { emulator in
            let response = try await emulator.client.get("/conversations\(query)")
            #expect(response.status == 422)
            #expect(response.text == expected)
        }
    }

    @Test("pages hold 30 conversations")
    func pagination() async throws {
        try await withEmulator { emulator in
            for index in 0..<31 {
                emulator.clock.advance(milliseconds: 1)
                _ = try await emulator.client.post(
                    "/conversations",
                    #"{"conversation": {"subject": "c\#(index)", "category": "support", "message": {"body": "x"}, "user": {"email": "bob@example.com"}}}"#
                )
            }
            let first = try await emulator.client.get("/conversations").object()
            #expect(first["page_count"] as? Int == 2)
            #expect((first["conversations"] as? [Any])?.count == 30)
            #expect(try Self.slugs(try await emulator.client.get("/conversations?page=2")) == ["c0"])
        }
    }
}

@Suite struct ConversationUpdateTests {
    @Test(
        "PUT validation: 404 first, then 422 (§5.7)",
        arguments: [
            ("/conversations/nope", #"{}"#, 404, #"{"error":"Not Found"}"#),
            ("/conversations/order-1001-is-late", #"{}"#, 422, #"{"errors":{"conversation":["is missing"]}}"#),
            (
                "/conversations/order-1001-is-late", #"{"conversation": {"assignee": {"email": "bob@example.com"}}}"#,
                422, #"{"errors":{"assignee":["is not a staff user"]}}"#
            ),
            (
                "/conversations/order-1001-is-late", #"{"conversation": {"assignee": "hank@globex.com"}}"#, 422,
                #"{"errors":{"assignee":["is not a staff user"]}}"#
            ),
            (
                "/conversations/order-1001-is-late", #"{"conversation": {"status": 5}}"#, 422,
                #"{"errors":{"hold_until":["can't be blank"]}}"#
            ),
            (
                "/conversations/order-1001-is-late", #"{"conversation": {"status": "open"}}"#, 422,
                #"{"errors":{"status":["is not included in the list"]}}"#
            ),
            (
                "/conversations/order-1001-is-late", #"{"conversation": {"category": "chat"}}"#, 422,
                #"{"errors":{"category":["is invalid"]}}"#
            ),
            (
                "/conversations/order-1001-is-late", #"{"conversation": {"category": "support", "brand": "globex"}}"#,
                422, #"{"errors":{"brand":["is invalid"]}}"#
            ),
            (
                "/conversations/order-1001-is-late", #"{"conversation": {"data": {"a": {"b": 1}}}}"#, 422,
                #"{"errors":{"data":["must be one level deep"]}}"#
            ),
        ])
    func validation(path: String, body: String, status: Int, expected: String) async throws {
        try await withEmulator { emulator in
            let client = try await OrderExample.seed(emulator)
            let response = try await client.put(path, body)
            #expect(response.status == status)
            #expect(response.text == expected)
            #expect(try await client.get("/conversations/order-1001-is-late").text == OrderExample.conversation)
        }
    }

    @Test("an empty PUT changes nothing; leaving status 5 clears hold_until; assignee may be a plain email")
    func statusAndAssignee() async throws {
        try await withEmulator { emulator in
            let client = try await OrderExample.seed(emulator)
            emulator.clock.set("2026-11-27T00:00:00.000Z")
            #expect(
                try await client.put(
                    "/conversations/order-1001-is-late", #"{"conversation": {"assignee": null, "tag_list": null}}"#
                ).text == OrderExample.conversation)
            let held = try await client.put(
                "/conversations/order-1001-is-late",
                #"{"conversation": {"status": 5, "hold_until": "2026-12-01", "assignee": "MAX@acme-store.com", "tag_list": "a, b, a"}}"#
            ).object()
            #expect(held["hold_until"] as? String == "2026-12-01T00:00:00.000Z")
            #expect((held["assignee"] as? [String: Any])?["email"] as? String == "max@acme-store.com")
            #expect(held["tag_list"] as? [String] == ["a", "b"])
            #expect(held["updated_at"] as? String == "2026-11-27T00:00:00.000Z")
            let ignored = try await client.put(
                "/conversations/order-1001-is-late", #"{"conversation": {"status": 2, "hold_until": "2026-12-24"}}"#
            ).object()
            #expect(ignored["status"] as? Int == 2)
            #expect(ignored["hold_until"] is NSNull)
        }
    }

    @Test("category moves a conversation to an email channel, also of another brand named by brand (§5.7)")
    func moveCategory() async throws {
        try await withEmulator(fixtures: TestFixtures.reassociation) { emulator in
            let client = emulator.client(host: "acme.reamaze.io")
            let moved = try await client.put(
                "/conversations/order-1001-is-late",
                #"{"conversation": {"category": "outlet", "brand": "acme-outlet.com"}}"#)
            #expect(moved.status == 200)
            let conversation = try moved.object()
            #expect((conversation["category"] as? [String: Any])?["slug"] as? String == "outlet")
            #expect(conversation["slug"] as? String == "order-1001-is-late")
            #expect(try await client.get("/conversations/order-1001-is-late").status == 404)
            let outlet = emulator.client(host: "acme-outlet.reamaze.io")
            #expect(try await outlet.get("/conversations/order-1001-is-late").status == 200)
            #expect(
                try await outlet.get("/conversations/order-1001-is-late/messages").object()["total_count"] as? Int == 3)
        }
    }
}
