import Foundation
import Testing

@Suite struct NotesTests {
    static let refundNote =
        #"{"id":2,"note":"Asked for a refund on order 1001","created_at":"2026-11-26T10:00:00.000Z","#
        + #""updated_at":"2026-11-26T10:00:00.000Z","creator":{"name":"Jane Porter","email":"jane@acme-store.com"}}"#
    static let firstNote =
        #"{"id":1,"note":"Prefers email over phone","created_at":"2026-11-25T23:40:00.123Z","#
        + #""updated_at":"2026-11-25T23:40:00.123Z","creator":{"name":"Jane Porter","email":"jane@acme-store.com"}}"#

    @Test("POST …/notes takes the unwrapped body and answers every note, oldest first (§4.2, §4.3)")
    func createUnwrapped() async throws {
        try await withEmulator { emulator in
            _ = try await emulator.client.post("/contacts", BobExample.request)
            emulator.clock.set("2026-11-27T00:00:00.000Z")
            let response = try await emulator.client.post(
                "/contacts/bob@example.com/notes",
                #"{"body": "Asked for a refund on order 1001", "creator_email": "jane@acme-store.com", "created_at": "2026-11-26T10:00:00Z"}"#
            )
            #expect(response.status == 200)
            #expect(response.text == "[\(Self.firstNote),\(Self.refundNote)]")
            #expect(try await emulator.client.get("/contacts/bob@example.com/notes").text == response.text)
            let contact = try await emulator.client.get("/contacts/bob@example.com").object()
            #expect(contact["updated_at"] as? String == "2026-11-27T00:00:00.000Z", "a new note touches the contact")
        }
    }

    @Test("the wrapped form works too; creator defaults to the caller; created_at defaults to now")
    func createWrapped() async throws {
        try await withEmulator { emulator in
            _ = try await emulator.client.post("/contacts", #"{"contact": {"email": "ann@x.io"}}"#)
            emulator.clock.set("2026-11-26T10:00:00.000Z")
            let max = emulator.client(login: "MAX@acme-store.com", token: "max-token")
            let response = try await max.post("/contacts/ann@x.io/notes", #"{"note": {"body": "Called back"}}"#)
            #expect(
                response.text
                    == #"[{"id":1,"note":"Called back","created_at":"2026-11-26T10:00:00.000Z","updated_at":"2026-11-26T10:00:00.000Z","creator":{"name":"Max Support","email":"max@acme-store.com"}}]"#
            )
        }
    }

    @Test("notes sort by created_at, then id")
    func order() async throws {
        try await withEmulator { emulator in
            _ = try await emulator.client.post("/contacts", #"{"contact": {"email": "ann@x.io"}}"#)
            for (body, date) in [("late", "2026-03-01"), ("early", "2026-01-01"), ("tie", "2026-03-01")] {
                _ = try await emulator.client.post(
                    "/contacts/ann@x.io/notes", #"{"body": "\#(body)", "created_at": "\#(date)"}"#)
            }
            let notes = try #require(
                try await emulator.client.get("/contacts/ann@x.io/notes").json() as? [[String: Any]])
            #expect(notes.map { $0["note"] as? String } == ["early", "late", "tie"])
            #expect(notes.map { $0["created_at"] as? String }.first == "2026-01-01T00:00:00.000Z")
        }
    }

    @Test(
        "POST …/notes validation",
        arguments: [
            (#"{}"#, #"{"errors":{"body":["can't be blank"]}}"#),
            (#"{"body": "  "}"#, #"{"errors":{"body":["can't be blank"]}}"#),
            (#"{"note": {"body": ""}}"#, #"{"errors":{"body":["can't be blank"]}}"#),
            (#"{"body": 3}"#, #"{"errors":{"body":["is invalid"]}}"#),
            (
                #"{"body": "x", "creator_email": "hank@globex.com"}"#,
                #"{"errors":{"creator_email":["is not a staff user"]}}"#
            ),
            (
                #"{"body": "x", "creator_email": "bob@example.com"}"#,
                #"{"errors":{"creator_email":["is not a staff user"]}}"#
            ),
            (#"{"body": "x", "created_at": "yesterday"}"#, #"{"errors":{"created_at":["is invalid"]}}"#),
            (#"{"body": "x", "created_at": "2026-13-01"}"#, #"{"errors":{"created_at":["is invalid"]}}"#),
            (
                #"{"body": "", "creator_email": "nobody@x.io", "created_at": "soon"}"#,
                #"{"errors":{"body":["can't be blank"],"creator_email":["is not a staff user"],"created_at":["is invalid"]}}"#
            ),
        ])
    func validation(body: String, expected: String) async throws {
        try await withEmulator { emulator in
            _ = try await emulator.client.post("/contacts", BobExample.request)
            let response = try await emulator.client.post("/contacts/bob@example.com/notes", body)
            #expect(response.status == 422)
            #expect(response.text == expected)
            #expect(try await emulator.client.get("/contacts/bob@example.com/notes").text == "[\(Self.firstNote)]")
        }
    }

    @Test("PUT …/notes/{id} changes the given fields, keeps the rest, and answers the single note (§4.4)")
    func update() async throws {
        try await withEmulator { emulator in
            _ = try await emulator.client.post("/contacts", BobExample.request)
            _ = try await emulator.client.post(
                "/contacts/bob@example.com/notes",
                #"{"body": "Asked for a refund on order 1001", "created_at": "2026-11-26T10:00:00Z"}"#)
            emulator.clock.set("2026-11-26T11:30:45.010Z")
            let response = try await emulator.client.put(
                "/contacts/bob@example.com/notes/2",
                #"{"body": "Refund issued for order 1001", "creator_email": "max@acme-store.com"}"#)
            let expected =
                #"{"id":2,"note":"Refund issued for order 1001","created_at":"2026-11-26T10:00:00.000Z","#
                + #""updated_at":"2026-11-26T11:30:45.010Z","creator":{"name":"Max Support","email":"max@acme-store.com"}}"#
            #expect(response.status == 200)
            #expect(response.text == expected)
            let wrapped = try await emulator.client.put("/contacts/bob@example.com/notes/2.json", #"{"note": {}}"#)
            #expect(wrapped.text == expected, "absent fields stay; updated_at is now, which has not moved")
            let blank = try await emulator.client.put("/contacts/bob@example.com/notes/2", #"{"body": ""}"#)
            #expect(blank.status == 422)
            #expect(blank.text == #"{"errors":{"body":["can't be blank"]}}"#)
        }
    }

    @Test("DELETE …/notes/{id} answers the deleted note; again it is 404")
    func delete() async throws {
        try await withEmulator { emulator in
            _ = try await emulator.client.post("/contacts", BobExample.request)
            let response = try await emulator.client.delete("/contacts/bob@example.com/notes/1")
            #expect(response.status == 200)
            #expect(response.text == Self.firstNote)
            #expect(try await emulator.client.get("/contacts/bob@example.com/notes").text == "[]")
            let again = try await emulator.client.delete("/contacts/bob@example.com/notes/1")
            #expect(again.status == 404)
            #expect(again.text == #"{"error":"Not Found"}"#)
        }
    }

    @Test(
        "a note id that is not an integer, unknown, or another contact's is 404",
        arguments: ["abc", "1.0", "99", "2", "-1", "99999999999999999999999"])
    func unknownNote(noteID: String) async throws {
        try await withEmulator { emulator in
            _ = try await emulator.client.post("/contacts", BobExample.request)
            _ = try await emulator.client.post(
                "/contacts", #"{"contact": {"email": "ann@x.io", "notes": ["Ann's note"]}}"#)
            for method in ["PUT", "DELETE"] {
                let response = try await emulator.client.send(
                    method, "/api/v1/contacts/bob@example.com/notes/\(noteID)", body: #"{"body": "x"}"#)
                #expect(response.status == 404, "\(method) \(noteID)")
                #expect(response.text == #"{"error":"Not Found"}"#)
            }
            #expect(try await emulator.client.get("/contacts/ann@x.io/notes").text.contains("Ann's note"))
        }
    }
}
