import Foundation
import Testing

@Suite struct MessageTests {
    static func conversation(_ client: TestClient, _ slug: String = "order-1001-is-late") async throws -> [String: Any]
    {
        try await client.get("/conversations/\(slug)").object()
    }

    @Test("Jane's reply answers the spec's message and responds the conversation (§6.1, §6.3, §6.4)")
    func specReply() async throws {
        try await withEmulator { emulator in
            let client = try await OrderExample.seed(emulator)
            emulator.clock.set("2026-11-26T09:00:00.000Z")
            let response = try await client.post("/conversations/order-1001-is-late/messages", OrderExample.reply)
            #expect(response.status == 200)
            #expect(response.text == OrderExample.replyMessage)
            let conversation = try await Self.conversation(client)
            #expect(conversation["status"] as? Int == 1)
            #expect(conversation["message_count"] as? Int == 2)
            #expect(conversation["updated_at"] as? String == "2026-11-26T09:00:00.000Z")
            let again = try await client.post("/conversations/order-1001-is-late/messages", OrderExample.reply)
            #expect(again.text == OrderExample.replyMessage, "the same origin_id answers the same message")
            #expect(try await Self.conversation(client)["message_count"] as? Int == 2)
        }
    }

    @Test("GET …/messages?filter=customer lists Bob's message as the spec shows it (§6.2)")
    func customerFilter() async throws {
        try await withEmulator { emulator in
            let client = try await OrderExample.seed(emulator)
            emulator.clock.set("2026-11-26T09:00:00.000Z")
            _ = try await client.post("/conversations/order-1001-is-late/messages", OrderExample.reply)
            let response = try await client.get("/conversations/order-1001-is-late/messages?filter=customer")
            let expected =
                #"{"page_size":30,"page_count":1,"total_count":1,"messages":[{"body":"My order 1001 has not arrived yet.","#
                + #""visibility":0,"origin":1,"origin_id":null,"created_at":"2026-11-26T08:00:00.000Z","#
                + #""user":{"name":"Bob Smith","email":"bob@example.com","mobile":"+12223334444","staff?":false},"#
                + #""recipients":[{"name":null,"email":"alice@example.com"}],"attachments":[],"#
                + #""conversation":{"subject":"Order 1001 is late","slug":"order-1001-is-late","#
                + #""created_at":"2026-11-26T08:00:00.000Z",\#(OrderExample.category)}}]}"#
            #expect(response.text == expected)
            let staff = try await client.get("/conversations/order-1001-is-late/messages?filter=staff").object()
            #expect(staff["total_count"] as? Int == 1)
        }
    }

    @Test("the sender: the caller by default, a staff user by email, or a customer through an email identity")
    func senders() async throws {
        try await withEmulator { emulator in
            let client = try await OrderExample.seed(emulator)
            let path = "/conversations/order-1001-is-late/messages"
            let fromMax = try await client.post(
                path, #"{"message": {"body": "Max here", "user": {"email": "max@acme-store.com"}}}"#)
            #expect((try fromMax.object()["user"] as? [String: Any])?["name"] as? String == "Max Support")
            let fromCarol = try await client.post(
                path,
                #"{"message": {"body": "I'm Bob's wife", "user": {"email": "carol@example.com", "name": "Carol"}}}"#)
            let carol = try #require(try fromCarol.object()["user"] as? [String: Any])
            #expect(carol["name"] as? String == "Carol")
            #expect(carol["staff?"] as? Bool == false)
            #expect(try await client.get("/contacts/carol@example.com").status == 200, "a contact is created")
            let fromBob = try await client.post(
                path, #"{"message": {"body": "me", "user": {"email": "BOB@example.com", "name": "Ignored"}}}"#)
            #expect((try fromBob.object()["user"] as? [String: Any])?["name"] as? String == "Bob Smith")
            let recipients = try #require(try fromBob.object()["recipients"] as? [[String: Any]])
            #expect(
                recipients.map { $0["email"] as? String } == ["alice@example.com"], "recipients stay on later messages")
        }
    }

    @Test("status rules: staff replies respond, customers reopen, notes and suppress_autoresolve change nothing (§6.4)")
    func statusRules() async throws {
        try await withEmulator { emulator in
            let client = try await OrderExample.seed(emulator)
            let path = "/conversations/order-1001-is-late/messages"
            _ = try await client.put("/conversations/order-1001-is-late", #"{"conversation": {"status": 2}}"#)
            _ = try await client.post(path, #"{"message": {"body": "note", "visibility": 1}}"#)
            var conversation = try await Self.conversation(client)
            #expect(conversation["status"] as? Int == 2)
            #expect(conversation["message_count"] as? Int == 2, "internal notes are counted")
            #expect(conversation["last_staff_message"] is NSNull, "internal notes are not the last staff message")
            _ = try await client.post(path, #"{"message": {"body": "quiet", "suppress_autoresolve": true}}"#)
            #expect(try await Self.conversation(client)["status"] as? Int == 2)
            _ = try await client.post(path, #"{"message": {"body": "reply"}}"#)
            #expect(try await Self.conversation(client)["status"] as? Int == 1)
            _ = try await client.put(
                "/conversations/order-1001-is-late",
                #"{"conversation": {"status": 5, "hold_until": "2026-12-01T00:00:00Z"}}"#)
            emulator.clock.set("2026-11-28T00:00:00.000Z")
            _ = try await client.post(path, #"{"message": {"body": "back", "user": {"email": "bob@example.com"}}}"#)
            conversation = try await Self.conversation(client)
            #expect(conversation["status"] as? Int == 0)
            #expect(conversation["hold_until"] is NSNull, "leaving On Hold clears hold_until")
            #expect(conversation["updated_at"] as? String == "2026-11-28T00:00:00.000Z")
            #expect((conversation["last_customer_message"] as? [String: Any])?["body"] as? String == "back")
        }
    }

    @Test("origin_id de-duplicates within a conversation only")
    func originIDScope() async throws {
        try await withEmulator { emulator in
            let client = try await OrderExample.seed(emulator)
            _ = try await client.post(
                "/conversations",
                #"{"conversation": {"subject": "Other", "category": "support", "message": {"body": "x"}, "user": {"email": "bob@example.com"}}}"#
            )
            let body = #"{"message": {"body": "once", "origin_id": "dup-1"}}"#
            let first = try await client.post("/conversations/order-1001-is-late/messages", body)
            let second = try await client.post("/conversations/other/messages", body)
            #expect(first.status == 200)
            #expect(second.status == 200)
            #expect(try await Self.conversation(client, "other")["message_count"] as? Int == 2)
        }
    }

    @Test(
        "POST …/messages validation (§6.3)",
        arguments: [
            ("/conversations/nope/messages", #"{"message": {"body": "x"}}"#, 404, #"{"error":"Not Found"}"#),
            ("/conversations/order-1001-is-late/messages", #"{}"#, 422, #"{"errors":{"message":["is missing"]}}"#),
            (
                "/conversations/order-1001-is-late/messages", #"{"message": {"body": ""}}"#, 422,
                #"{"errors":{"body":["can't be blank"]}}"#
            ),
            (
                "/conversations/order-1001-is-late/messages", #"{"message": {"body": "x", "visibility": 2}}"#, 422,
                #"{"errors":{"visibility":["is not included in the list"]}}"#
            ),
            (
                "/conversations/order-1001-is-late/messages",
                #"{"message": {"body": "x", "visibility": 1, "user": {"email": "bob@example.com"}}}"#, 422,
                #"{"errors":{"visibility":["is invalid"]}}"#
            ),
            (
                "/conversations/order-1001-is-late/messages", #"{"message": {"body": "x", "user": {"email": "bob"}}}"#,
                422, #"{"errors":{"user.email":["is invalid"]}}"#
            ),
            (
                "/conversations/order-1001-is-late/messages",
                #"{"message": {"body": "x", "recipients": ["a@b.io", 3]}}"#,
                422, #"{"errors":{"recipients":["is invalid"]}}"#
            ),
            (
                "/conversations/order-1001-is-late/messages", #"{"message": {"body": "x", "attachment": "file.png"}}"#,
                422, #"{"errors":{"attachments":["is invalid"]}}"#
            ),
        ])
    func validation(path: String, body: String, status: Int, expected: String) async throws {
        try await withEmulator { emulator in
            let client = try await OrderExample.seed(emulator)
            let response = try await client.post(path, body)
            #expect(response.status == status)
            #expect(response.text == expected)
            #expect(try await Self.conversation(client)["message_count"] as? Int == 1)
        }
    }

    @Test("concurrent posts to one conversation are all kept and counted")
    func concurrentPosts() async throws {
        try await withEmulator { emulator in
            let client = try await OrderExample.seed(emulator)
            let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
                for worker in 0..<8 {
                    group.addTask {
                        var seen: [Int] = []
                        for index in 0..<10 {
                            let response = try await client.post(
                                "/conversations/order-1001-is-late/messages",
                                #"{"message": {"body": "w\#(worker)-\#(index)", "origin_id": "w\#(worker)-\#(index)"}}"#
                            )
                            seen.append(response.status)
                        }
                        return seen
                    }
                }
                return try await group.reduce(into: [Int]()) { $0 += $1 }
            }
            #expect(statuses == Array(repeating: 200, count: 80))
            #expect(try await Self.conversation(client)["message_count"] as? Int == 81)
            let list = try await client.get("/conversations/order-1001-is-late/messages").object()
            #expect(list["total_count"] as? Int == 81)
            #expect(list["page_count"] as? Int == 3)
        }
    }
}

@Suite struct MessageListTests {
    @Test(
        "GET /messages lists the brand's messages newest first, with filters (§6.2)",
        arguments: [
            ("", 5),
            ("?filter=staff", 2),
            ("?filter=customer", 3),
            ("?tag=VIP", 3),
            ("?tag=none,other", 0),
            ("?origin=6", 2),
            ("?origin=1", 3),
            ("?sent_by=bob@example.com", 2),
            ("?sent_by=max@acme-store.com", 1),
            ("?sent_by=nobody@example.com", 0),
            ("?sent_by=bob@example.com&filter=staff", 0),
        ])
    func filters(query: String, count: Int) async throws {
        try await withEmulator { emulator in
            let client = try await OrderExample.seed(emulator)
            emulator.clock.set("2026-11-26T09:00:00.000Z")
            _ = try await client.post("/conversations/order-1001-is-late/messages", OrderExample.reply)
            emulator.clock.set("2026-11-26T10:00:00.000Z")
            _ = try await client.post(
                "/conversations",
                #"{"conversation": {"subject": "Chat", "category": "chat", "message": {"body": "chat 1"}, "user": {"email": "ann@example.com"}}}"#
            )
            emulator.clock.set("2026-11-26T11:00:00.000Z")
            _ = try await client.post(
                "/conversations/chat/messages",
                #"{"message": {"body": "chat 2", "user": {"email": "max@acme-store.com"}}}"#)
            emulator.clock.set("2026-11-26T12:00:00.000Z")
            _ = try await client.post(
                "/conversations/order-1001-is-late/messages",
                #"{"message": {"body": "thanks", "user": {"email": "bob@example.com"}}}"#)
            let response = try await client.get("/messages\(query)").object()
            let messages = try #require(response["messages"] as? [[String: Any]])
            #expect(messages.count == count)
            #expect(response["total_count"] as? Int == count)
            let times = messages.compactMap { $0["created_at"] as? String }
            #expect(times == times.sorted(by: >), "newest first")
            if query.isEmpty { #expect(messages.first?["body"] as? String == "thanks") }
        }
    }

    @Test("bad message-list parameters are 422; an unknown conversation is 404")
    func badParameters() async throws {
        try await withEmulator { emulator in
            let client = try await OrderExample.seed(emulator)
            let filter = try await client.get("/messages?filter=bots")
            #expect(filter.status == 422)
            #expect(filter.text == #"{"errors":{"filter":["is not included in the list"]}}"#)
            let origin = try await client.get("/messages?origin=email")
            #expect(origin.text == #"{"errors":{"origin":["is invalid"]}}"#)
            #expect(try await client.get("/conversations/nope/messages").status == 404)
        }
    }
}
