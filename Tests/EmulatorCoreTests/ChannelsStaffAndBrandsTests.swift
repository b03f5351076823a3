import Foundation
import TestSupport
import Testing

@Suite struct ChannelTests {
    static let support =
        #"{"name":"Support","slug":"support","email":"support@acme-store.com","channel":1,"visibility":1,"#
        + #""created_at":"2026-01-10T12:00:00.000Z","updated_at":"2026-01-10T12:00:00.000Z","#
        + #""brand":{"name":"Acme Store","url":"acme-store.com"}}"#
    static let chat =
        #"{"name":"Website Chat","slug":"chat","email":"chat@acme-store.com","channel":6,"visibility":1,"#
        + #""created_at":"2026-01-11T12:00:00.000Z","updated_at":"2026-01-11T12:00:00.000Z","#
        + #""brand":{"name":"Acme Store","url":"acme-store.com"}}"#

    @Test("GET /channels and /channels/{slug} answer the spec's examples (§7)")
    func specExamples() async throws {
        try await withEmulator { emulator in
            let list = try await emulator.client.get("/channels")
            #expect(
                list.text
                    == #"{"page_size":30,"page_count":1,"total_count":2,"channels":[\#(Self.support),\#(Self.chat)]}"#)
            #expect(try await emulator.client.get("/channels/support").text == Self.support)
            #expect(try await emulator.client.get("/channels/support.json").text == Self.support)
            let missing = try await emulator.client.get("/channels/nope")
            #expect(missing.status == 404)
            #expect(missing.text == #"{"error":"Not Found"}"#)
            #expect(try await emulator.client.send("POST", "/api/v1/channels").status == 405)
        }
    }

    @Test("channels belong to one brand: another brand host lists its own and 404s the others")
    func brandScoped() async throws {
        try await withEmulator { emulator in
            let outlet = emulator.client(host: "acme-outlet.reamaze.io")
            let channels = try #require(try await outlet.get("/channels").object()["channels"] as? [[String: Any]])
            #expect(
                channels.map { $0["email"] as? String } == ["support@acme-outlet.com"], "the bootstrap support channel")
            #expect(try await outlet.get("/channels/chat").status == 404)
        }
    }
}

@Suite struct StaffTests {
    @Test("GET /staff lists the account's staff, oldest first (§8.2)")
    func list() async throws {
        try await withEmulator { emulator in
            let response = try await emulator.client.get("/staff")
            let expectedStart =
                #"{"page_size":30,"page_count":1,"total_count":3,"staff":[{"name":"Jane Porter","email":"jane@acme-store.com","#
                + #""display_name":"Jane Porter","created_at":"2026-01-10T12:00:00.000Z","role":{"name":"Administrator","admin?":true}},"#
                + #"{"name":"Max Support","email":"max@acme-store.com","display_name":"Max Support","#
                + #""created_at":"2026-02-01T08:30:00.000Z","role":{"name":"Staff","admin?":false}},"#
            #expect(response.text.hasPrefix(expectedStart))
            #expect(!response.text.contains("9f2c1e7d4b6a"), "tokens are never sent")
            let hank = try await emulator.client(login: "hank@globex.com", token: "globex-token").get("/staff").object()
            #expect(hank["total_count"] as? Int == 1, "staff are listed per account")
        }
    }

    @Test("POST /staff creates a Staff user without a token (§8.3)")
    func create() async throws {
        try await withEmulator { emulator in
            emulator.clock.set("2026-11-26T12:00:00.000Z")
            let response = try await emulator.client.post(
                "/staff",
                #"{"staff": {"name": "Jean Dupont", "email": " Jean@Acme-Store.com ", "password": "temporary password"}}"#
            )
            #expect(response.status == 200)
            #expect(
                response.text
                    == #"{"name":"Jean Dupont","email":"jean@acme-store.com","display_name":"Jean Dupont","created_at":"2026-11-26T12:00:00.000Z","role":{"name":"Staff","admin?":false}}"#
            )
            let unnamed = try await emulator.client.post("/staff", #"{"staff": {"email": "nameless@acme-store.com"}}"#)
            #expect(try unnamed.object()["display_name"] as? String == "nameless@acme-store.com")
            let signIn = try RawHTTP.send(
                port: emulator.server.port,
                RawHTTP.request("GET", "/api/v1/contacts", login: "jean@acme-store.com", token: ""))
            #expect(signIn.status == 401, "a new staff user has no API token")
            let note = try await emulator.client.post(
                "/contacts", #"{"contact": {"email": "c@x.io"}}"#)
            #expect(note.status == 200)
            let credited = try await emulator.client.post(
                "/contacts/c@x.io/notes", #"{"body": "hi", "creator_email": "jean@acme-store.com"}"#)
            #expect(credited.text.contains(#""creator":{"name":"Jean Dupont","email":"jean@acme-store.com"}"#))
        }
    }

    @Test(
        "POST /staff validation (§8.3)",
        arguments: [
            (#"{}"#, #"{"errors":{"staff":["is missing"]}}"#),
            (#"{"staff": {"name": "X"}}"#, #"{"errors":{"email":["can't be blank"]}}"#),
            (#"{"staff": {"email": "not-an-email"}}"#, #"{"errors":{"email":["is invalid"]}}"#),
            (#"{"staff": {"email": "MAX@acme-store.com"}}"#, #"{"errors":{"email":["has already been taken"]}}"#),
            (#"{"staff": {"email": "hank@globex.com"}}"#, #"{"errors":{"email":["has already been taken"]}}"#),
        ])
    func validation(body: String, expected: String) async throws {
        try await withEmulator { emulator in
            let response = try await emulator.client.post("/staff", body)
            #expect(response.status == 422)
            #expect(response.text == expected)
            #expect(try await emulator.client.get("/staff").object()["total_count"] as? Int == 3)
        }
    }
}

@Suite struct BrandIsolationTests {
    @Test("conversations and messages of one brand are invisible from another brand's host; contacts are shared")
    func isolation() async throws {
        try await withEmulator { emulator in
            _ = try await OrderExample.seed(emulator)
            let outlet = emulator.client(host: "acme-outlet.reamaze.io")
            #expect(try await outlet.get("/conversations?filter=all").object()["total_count"] as? Int == 0)
            #expect(try await outlet.get("/conversations/order-1001-is-late").status == 404)
            #expect(try await outlet.get("/conversations/1").status == 404)
            #expect(try await outlet.get("/conversations/order-1001-is-late/messages").status == 404)
            #expect(
                try await outlet.post("/conversations/order-1001-is-late/messages", #"{"message": {"body": "x"}}"#)
                    .status == 404)
            #expect(try await outlet.put("/conversations/order-1001-is-late", #"{"conversation": {}}"#).status == 404)
            #expect(try await outlet.get("/messages").object()["total_count"] as? Int == 0)
            #expect(try await outlet.get("/contacts/bob@example.com").status == 200)
            let hank = emulator.client(login: "hank@globex.com", token: "globex-token")
            #expect(try await hank.get("/conversations?filter=all").object()["total_count"] as? Int == 0)
            #expect(try await hank.get("/messages").object()["total_count"] as? Int == 0)
        }
    }
}

@Suite struct ReassociationThroughTheAPITests {
    @Test("after an identity moves, its conversations and messages show the new contact; the rest stay (§3.5)")
    func story() async throws {
        try await withEmulator(fixtures: TestFixtures.reassociation) { emulator in
            let client = emulator.client(host: "acme.reamaze.io")
            let before = try await client.get("/conversations/order-1001-is-late").object()
            let countBefore = try #require(before["message_count"] as? Int)
            let robert = try #require(before["author"] as? [String: Any])
            #expect(robert["email"] as? String == "robert@example.com")

            let moved = try await client.post(
                "/contacts/bob@example.com/identities",
                #"{"identity": {"type": "email", "identifier": "robert@example.com"}}"#)
            #expect(moved.status == 200)

            let contactA = try await client.get("/contacts/bob@example.com").object()
            let idA = try #require(contactA["_id"] as? Int)
            for query in ["?for=bob@example.com", "?for=robert@example.com", "?for_id=A-1"] {
                let list = try await client.get("/conversations\(query)")
                #expect(try ConversationListTests.slugs(list) == ["order-1001-is-late"], "\(query)")
            }
            let after = try await client.get("/conversations/order-1001-is-late").object()
            let author = try #require(after["author"] as? [String: Any])
            #expect(author["id"] as? Int == idA)
            #expect(author["email"] as? String == "bob@example.com")
            #expect(author["name"] as? String == "Bob Smith")
            #expect(after["message_count"] as? Int == countBefore)
            #expect(after["updated_at"] as? String == before["updated_at"] as? String)

            let customerMessages = try await client.get(
                "/conversations/order-1001-is-late/messages?filter=customer"
            ).object()
            let users = try #require(customerMessages["messages"] as? [[String: Any]]).compactMap {
                $0["user"] as? [String: Any]
            }
            #expect(users.count == 2)
            #expect(
                users.allSatisfy { $0["email"] as? String == "bob@example.com" && $0["name"] as? String == "Bob Smith" }
            )
            #expect(try await client.get("/messages?sent_by=robert@example.com").object()["total_count"] as? Int == 2)

            // B keeps the conversation that came through its mobile, in this brand; the outlet brand's one moved too.
            let remaining = try await client.get("/conversations?for_id=B-2")
            #expect(try ConversationListTests.slugs(remaining) == ["mobile-question"])
            let outlet = emulator.client(host: "acme-outlet.reamaze.io")
            #expect(
                try ConversationListTests.slugs(try await outlet.get("/conversations?for_id=A-1")) == ["outlet-return"])
        }
    }
}
