import Foundation
import Testing

@Suite struct IdentitiesTests {
    @Test("GET …/identities answers the contact's identities, oldest first")
    func list() async throws {
        try await withEmulator { emulator in
            _ = try await emulator.client.post("/contacts", BobExample.request)
            _ = try await emulator.client.post(
                "/contacts/bob@example.com/identities", #"{"identity": {"type": "twitter", "identifier": "@bobsmith"}}"#
            )
            let response = try await emulator.client.get("/contacts/bob@example.com/identities")
            #expect(response.status == 200)
            #expect(
                response.text
                    == #"{"identities":[{"type":"email","identifier":"bob@example.com"},{"type":"mobile","identifier":"+12223334444"},{"type":"twitter","identifier":"bobsmith"}]}"#
            )
            let json = try await emulator.client.get("/contacts/%2B12223334444/identities.json?identifier_type=mobile")
            #expect(json.text == response.text)
        }
    }

    @Test("POST …/identities adds the spec's example as the newest identity and answers all of them")
    func attachSpecExample() async throws {
        try await withEmulator { emulator in
            _ = try await emulator.client.post("/contacts", BobExample.request)
            _ = try await emulator.client.post(
                "/contacts/bob@example.com/identities", #"{"identity": {"type": "twitter", "identifier": "bobsmith"}}"#)
            emulator.clock.set("2026-11-26T10:00:00.000Z")
            let response = try await emulator.client.post(
                "/contacts/bob@example.com/identities",
                #"{"identity": {"type": "email", "identifier": "Bob.Work@Example.com"}}"#)
            #expect(response.status == 200)
            #expect(
                response.text
                    == #"{"identities":[{"type":"email","identifier":"bob@example.com"},{"type":"mobile","identifier":"+12223334444"},{"type":"twitter","identifier":"bobsmith"},{"type":"email","identifier":"bob.work@example.com"}]}"#
            )
            let contact = try await emulator.client.get("/contacts/bob.work@example.com").object()
            #expect(contact["email"] as? String == "bob@example.com", "the oldest email stays the contact's email")
            #expect(contact["updated_at"] as? String == "2026-11-26T10:00:00.000Z")
        }
    }

    @Test("a new identity type fills the matching contact field; twitter handles match case-insensitively without @")
    func fillsContactFields() async throws {
        try await withEmulator { emulator in
            _ = try await emulator.client.post("/contacts", #"{"contact": {"name": "Ann", "mobile": "+4712345678"}}"#)
            for (type, identifier) in [
                ("email", "ann@example.com"), ("twitter", "@AnnLee"), ("instagram", "ann.insta"), ("igsid", "17841"),
            ] {
                let response = try await emulator.client.post(
                    "/contacts/+4712345678/identities?identifier_type=mobile",
                    #"{"identity": {"type": "\#(type)", "identifier": "\#(identifier)"}}"#)
                #expect(response.status == 200, "\(type)")
            }
            let contact = try await emulator.client.get("/contacts/annlee?identifier_type=twitter").object()
            #expect(contact["email"] as? String == "ann@example.com")
            #expect(contact["twitter"] as? String == "AnnLee")
            #expect(contact["instagram"] as? String == "ann.insta")
            #expect(contact["facebook"] is NSNull)
            #expect(try await emulator.client.get("/contacts/@ANNLEE?identifier_type=twitter").status == 200)
            #expect(try await emulator.client.get("/contacts/17841?identifier_type=igsid").status == 200)
            #expect(try await emulator.client.get("/contacts/ann.insta?identifier_type=instagram").status == 200)
        }
    }

    @Test("attaching an identity the contact already holds changes nothing")
    func alreadyAttached() async throws {
        try await withEmulator { emulator in
            _ = try await emulator.client.post("/contacts", BobExample.request)
            emulator.clock.set("2026-12-01T00:00:00.000Z")
            let response = try await emulator.client.post(
                "/contacts/bob@example.com/identities",
                #"{"identity": {"type": "email", "identifier": " BOB@example.com "}}"#)
            #expect(response.status == 200)
            #expect(
                response.text
                    == #"{"identities":[{"type":"email","identifier":"bob@example.com"},{"type":"mobile","identifier":"+12223334444"}]}"#
            )
            #expect(try await emulator.client.get("/contacts/bob@example.com").text == BobExample.contact)
        }
    }

    @Test("GET …/identities and …/notes: 404 for an identity no contact holds, 422 for a bad identifier_type")
    func readsOfThePathContact() async throws {
        try await withEmulator { emulator in
            _ = try await emulator.client.post("/contacts", #"{"contact": {"email": "ann@x.io"}}"#)
            let notFound = #"{"error":"Not Found"}"#
            let badType = #"{"errors":{"identifier_type":["is not included in the list"]}}"#
            for (path, status, text) in [
                ("/contacts/ann@x.io/identities", 200, #"{"identities":[{"type":"email","identifier":"ann@x.io"}]}"#),
                ("/contacts/ANN@X.IO/notes", 200, "[]"),
                ("/contacts/nobody@x.io/identities", 404, notFound), ("/contacts/nobody@x.io/notes", 404, notFound),
                ("/contacts/%20/identities", 404, notFound), ("/contacts/%20/notes", 404, notFound),
                ("/contacts/ann@x.io/identities?identifier_type=mobile", 404, notFound),
                ("/contacts/ann@x.io/notes?identifier_type=x", 422, badType),
                ("/contacts/ann@x.io/identities?identifier_type=x", 422, badType),
            ] {
                let response = try await emulator.client.get(path)
                #expect(response.status == status, "\(path)")
                #expect(response.text == text, "\(path)")
            }
        }
    }

    @Test(
        "POST …/identities validation",
        arguments: [
            ("/contacts/nobody@example.com/identities", #"{"identity": {}}"#, 404, #"{"error":"Not Found"}"#),
            (
                "/contacts/bob@example.com/identities?identifier_type=x", #"{}"#, 422,
                #"{"errors":{"identifier_type":["is not included in the list"]}}"#
            ),
            ("/contacts/bob@example.com/identities", #"{}"#, 422, #"{"errors":{"identity":["is missing"]}}"#),
            (
                "/contacts/bob@example.com/identities", #"{"identity": {"type": "facebook", "identifier": "bob.fb"}}"#,
                422, #"{"errors":{"type":["facebook identities cannot be added"]}}"#
            ),
            (
                "/contacts/bob@example.com/identities", #"{"identity": {"type": "fax", "identifier": "123"}}"#, 422,
                #"{"errors":{"type":["is not included in the list"]}}"#
            ),
            (
                "/contacts/bob@example.com/identities", #"{"identity": {"type": "", "identifier": "x@y.io"}}"#, 422,
                #"{"errors":{"type":["is not included in the list"]}}"#
            ),
            (
                "/contacts/bob@example.com/identities", #"{"identity": {"type": "twitter", "identifier": " @ "}}"#, 422,
                #"{"errors":{"identifier":["can't be blank"]}}"#
            ),
            (
                "/contacts/bob@example.com/identities", #"{"identity": {"type": "email"}}"#, 422,
                #"{"errors":{"identifier":["can't be blank"]}}"#
            ),
            (
                "/contacts/bob@example.com/identities", #"{"identity": {"type": "email", "identifier": "nope"}}"#, 422,
                #"{"errors":{"identifier":["is invalid"]}}"#
            ),
            (
                "/contacts/bob@example.com/identities", #"{"identity": {"type": "mobile", "identifier": "555-1234"}}"#,
                422, #"{"errors":{"identifier":["is invalid"]}}"#
            ),
            (
                "/contacts/bob@example.com/identities", #"{"identity": {"type": 1, "identifier": 2}}"#, 422,
                #"{"errors":{"type":["is invalid"],"identifier":["is invalid"]}}"#
            ),
        ])
    func validation(path: String, body: String, status: Int, expected: String) async throws {
        try await withEmulator { emulator in
            _ = try await emulator.client.post("/contacts", BobExample.request)
            let response = try await emulator.client.post(path, body)
            #expect(response.status == status)
            #expect(response.text == expected)
            #expect(try await emulator.client.get("/contacts/bob@example.com").text == BobExample.contact)
        }
    }
}

@Suite struct ReassociationTests {
    @Test("moving an identity moves its conversations and messages, in every brand, and leaves the rest (§3.4, §3.5)")
    func movesHistory() async throws {
        try await withEmulator(fixtures: TestFixtures.reassociation) { emulator in
            let probe = try StoreProbe(path: emulator.databasePath)
            let contactA = try #require(try probe.owner("email", "bob@example.com"))
            let contactB = try #require(try probe.owner("email", "robert@example.com"))
            #expect(
                try probe.conversationSlugs(ofContact: contactB) == [
                    "mobile-question", "order-1001-is-late", "outlet-return",
                ])
            #expect(try probe.customerMessageCount(ofContact: contactB) == 4)
            let totalMessages = try probe.messageCount()
            let conversationUpdatedAt = try probe.conversationUpdatedAt("order-1001-is-late")

            emulator.clock.set("2026-11-27T12:00:00.000Z")
            let response = try await emulator.client.post(
                "/contacts/bob@example.com/identities",
                #"{"identity": {"type": "email", "identifier": "robert@example.com"}}"#)
            #expect(response.status == 200)
            #expect(
                response.text
                    == #"{"identities":[{"type":"email","identifier":"bob@example.com"},{"type":"email","identifier":"robert@example.com"}]}"#
            )

            // The history that came through robert@ now belongs to A, in both brands; B keeps its mobile's.
            #expect(try probe.conversationSlugs(ofContact: contactA) == ["order-1001-is-late", "outlet-return"])
            #expect(try probe.conversationSlugs(ofContact: contactB) == ["mobile-question"])
            #expect(try probe.customerMessageCount(ofContact: contactA) == 3)
            #expect(try probe.customerMessageCount(ofContact: contactB) == 1)
            #expect(try probe.messageCount() == totalMessages, "nothing is copied or lost")
            #expect(try probe.conversationUpdatedAt("order-1001-is-late") == conversationUpdatedAt)

            // What the Contacts API shows (§3.5).
            let a = try await emulator.client.get("/contacts/robert@example.com").object()
            #expect(a["_id"] as? Int == contactA)
            #expect(a["email"] as? String == "bob@example.com")
            #expect(a["id"] as? String == "A-1", "the external id never moves")
            #expect(a["data"] as? [String: String] == ["plan": "gold"], "data stays with its contact")
            #expect(a["updated_at"] as? String == "2026-11-27T12:00:00.000Z")
            let identitiesOfRobert = try await emulator.client.get("/contacts/robert@example.com/identities")
            #expect(identitiesOfRobert.text == response.text)

            let list = try await emulator.client.get("/contacts").object()
            let contacts = try #require(list["contacts"] as? [[String: Any]])
            let b = try #require(contacts.first { $0["_id"] as? Int == contactB }, "the old contact stays")
            #expect(b["email"] is NSNull)
            #expect(b["mobile"] as? String == "+12223334444")
            #expect(b["id"] as? String == "B-2")
            #expect(b["data"] as? [String: String] == ["tier": "silver"])
            #expect((b["notes"] as? [Any])?.count == 1, "notes stay with their contact")
            #expect(b["updated_at"] as? String == "2026-11-27T12:00:00.000Z")

            let search = try await emulator.client.get("/contacts?q=robert").object()
            let found = try #require(search["contacts"] as? [[String: Any]]).compactMap { $0["_id"] as? Int }
            #expect(found == [contactA, contactB], "A by its email, B by its name")
        }
    }

    @Test("a moved identity becomes its new contact's newest, older than the identities it joins or not")
    func movedIdentityIsNewest() async throws {
        try await withEmulator(fixtures: TestFixtures.reassociation) { emulator in
            // bob@ was attached first of all, before Robert's two identities.
            let moved = try await emulator.client.post(
                "/contacts/robert@example.com/identities",
                #"{"identity": {"type": "email", "identifier": "bob@example.com"}}"#)
            #expect(
                moved.text
                    == #"{"identities":[{"type":"email","identifier":"robert@example.com"},{"type":"mobile","identifier":"+12223334444"},{"type":"email","identifier":"bob@example.com"}]}"#
            )
            _ = try await emulator.client.post(
                "/contacts/+12223334444/identities?identifier_type=mobile",
                #"{"identity": {"type": "twitter", "identifier": "robert"}}"#)
            // A new contact's identities start again at the first position; robert@ joins after its email.
            _ = try await emulator.client.post("/contacts", #"{"contact": {"name": "Carol", "email": "carol@x.io"}}"#)
            let joined = try await emulator.client.post(
                "/contacts/carol@x.io/identities",
                #"{"identity": {"type": "email", "identifier": "robert@example.com"}}"#)
            #expect(
                joined.text
                    == #"{"identities":[{"type":"email","identifier":"carol@x.io"},{"type":"email","identifier":"robert@example.com"}]}"#
            )
            let back = try await emulator.client.post(
                "/contacts/bob@example.com/identities",
                #"{"identity": {"type": "email", "identifier": "robert@example.com"}}"#)
            #expect(
                back.text
                    == #"{"identities":[{"type":"mobile","identifier":"+12223334444"},{"type":"email","identifier":"bob@example.com"},{"type":"twitter","identifier":"robert"},{"type":"email","identifier":"robert@example.com"}]}"#
            )
        }
    }

    @Test("a contact whose last identity moved away is still listed but no longer addressable")
    func contactWithoutIdentities() async throws {
        try await withEmulator { emulator in
            _ = try await emulator.client.post("/contacts", #"{"contact": {"name": "Old", "email": "shared@x.io"}}"#)
            _ = try await emulator.client.post("/contacts", #"{"contact": {"name": "New", "email": "new@x.io"}}"#)
            let moved = try await emulator.client.post(
                "/contacts/new@x.io/identities", #"{"identity": {"type": "email", "identifier": "shared@x.io"}}"#)
            #expect(moved.status == 200)
            let list = try await emulator.client.get("/contacts").object()
            let contacts = try #require(list["contacts"] as? [[String: Any]])
            #expect(contacts.map { $0["name"] as? String } == ["New", "Old"])
            #expect(contacts[1]["email"] is NSNull)
            #expect(contacts[1]["display_name"] as? String == "Old")
            #expect(try await emulator.client.get("/contacts/shared@x.io").object()["name"] as? String == "New")
        }
    }

    @Test("many clients moving one identity back and forth: one owner at the end, no server error, nothing lost")
    func concurrentMoves() async throws {
        try await withEmulator(fixtures: TestFixtures.reassociation) { emulator in
            let probe = try StoreProbe(path: emulator.databasePath)
            let totalMessages = try probe.messageCount()
            let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
                for worker in 0..<8 {
                    group.addTask {
                        var seen: [Int] = []
                        for round in 0..<20 {
                            let target = (worker + round) % 2 == 0 ? "bob@example.com" : "+12223334444"
                            let type = target.hasPrefix("+") ? "?identifier_type=mobile" : ""
                            let response = try await emulator.client.post(
                                "/contacts/\(target)/identities\(type)",
                                #"{"identity": {"type": "email", "identifier": "robert@example.com"}}"#)
                            seen.append(response.status)
                        }
                        return seen
                    }
                }
                return try await group.reduce(into: [Int]()) { $0 += $1 }
            }
            #expect(statuses.count == 160)
            #expect(statuses.allSatisfy { $0 == 200 }, "statuses: \(Set(statuses))")
            let owners = try probe.connection.query(
                "SELECT count(*) FROM identities WHERE match_key = 'robert@example.com'"
            ) { $0.int(0) }
            #expect(owners == [1])
            let owner = try #require(try probe.owner("email", "robert@example.com"))
            #expect(try probe.conversationSlugs(ofContact: owner).contains("order-1001-is-late"))
            #expect(try probe.messageCount() == totalMessages)
            let integrity = try probe.connection.queryOne("PRAGMA integrity_check") { $0.string(0) }
            #expect(integrity == "ok")
        }
    }
}
