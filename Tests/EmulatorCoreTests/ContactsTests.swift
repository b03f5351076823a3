import Foundation
import JSON
import TestSupport
import Testing

/// The spec's §2.5 request and its §2.1 answer, compact, at the pinned test time.
enum BobExample {
    static let request = """
        {"contact": {"name": "Bob Smith", "friendly_name": "Bobby", "email": "bob@example.com",
          "mobile": "+12223334444", "id": "123", "external_avatar_url": "https://www.example.com/avatar.png",
          "notes": ["Prefers email over phone"], "data": {"plan": "gold", "orders": 3}}}
        """
    static let contact =
        #"{"id":"123","_id":1,"name":"Bob Smith","friendly_name":"Bobby","display_name":"Bobby","#
        + #""email":"bob@example.com","mobile":"+12223334444","twitter":null,"instagram":null,"facebook":null,"#
        + #""external_avatar_url":"https://www.example.com/avatar.png","data":{"plan":"gold","orders":3},"#
        + #""notes":[{"id":1,"note":"Prefers email over phone","created_at":"2026-11-25T23:40:00.123Z","#
        + #""updated_at":"2026-11-25T23:40:00.123Z","creator":{"name":"Jane Porter","email":"jane@acme-store.com"}}],"#
        + #""created_at":"2026-11-25T23:40:00.123Z","updated_at":"2026-11-25T23:40:00.123Z"}"#
}

@Suite struct CreateContactTests {
    @Test("POST /contacts answers the spec's contact object byte for byte")
    func createsSpecExample() async throws {
        try await withEmulator { emulator in
            let response = try await emulator.client.post("/contacts", BobExample.request)
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/json; charset=utf-8")
            #expect(response.text == BobExample.contact)
        }
    }

    @Test("a mobile-only contact is valid")
    func mobileOnly() async throws {
        try await withEmulator { emulator in
            let response = try await emulator.client.post(
                "/contacts", #"{"contact": {"name": "Ann Lee", "mobile": "+12223335555"}}"#)
            #expect(response.status == 200)
            let contact = try response.object()
            #expect(contact["mobile"] as? String == "+12223335555")
            #expect(contact["email"] is NSNull)
            #expect(contact["display_name"] as? String == "Ann Lee")
            #expect(contact["data"] as? [String: Any] != nil)
        }
    }

    @Test("display_name is the first non-blank of friendly_name, name, email and mobile")
    func displayNameSkipsBlanks() async throws {
        try await withEmulator { emulator in
            for (body, expected) in [
                (#"{"contact": {"friendly_name": " \t", "name": "Ann Lee", "mobile": "+12223335555"}}"#, "Ann Lee"),
                (#"{"contact": {"friendly_name": "\u3000", "name": "  ", "mobile": "+12223335556"}}"#, "+12223335556"),
                (
                    #"{"contact": {"name": "\n", "email": "ann@example.com", "mobile": "+12223335557"}}"#,
                    "ann@example.com"
                ),
            ] {
                let response = try await emulator.client.post("/contacts", body)
                #expect(response.status == 200, "\(body)")
                #expect(try response.object()["display_name"] as? String == expected, "\(body)")
            }
        }
    }

    @Test("email is trimmed and lower-cased; a numeric id becomes its decimal string; blank notes are skipped")
    func normalisesInput() async throws {
        try await withEmulator { emulator in
            let response = try await emulator.client.post(
                "/contacts", #"{"contact": {"email": "  Bob@Example.COM ", "id": 42, "notes": ["", "  ", "real"]}}"#)
            let contact = try response.object()
            #expect(contact["email"] as? String == "bob@example.com")
            #expect(contact["id"] as? String == "42")
            #expect(contact["display_name"] as? String == "bob@example.com")
            let notes = try #require(contact["notes"] as? [[String: Any]])
            #expect(notes.map { $0["note"] as? String } == ["real"])
        }
    }

    @Test("empty strings and nulls mean absent, [] means {}, unknown keys and other identity types are ignored")
    func toleratesRealClients() async throws {
        try await withEmulator { emulator in
            let response = try await emulator.client.post(
                "/contacts",
                """
                {"contact": {"email": "go@example.com", "mobile": "", "id": "", "name": null, "data": [],
                  "notes": null, "twitter": "@ignored", "favourite_colour": "blue"}, "extra": 1}
                """)
            #expect(response.status == 200)
            let contact = try response.object()
            #expect(contact["mobile"] is NSNull)
            #expect(contact["id"] is NSNull)
            #expect(contact["twitter"] is NSNull)
            #expect(contact["data"] as? [String: Any] != nil)
            #expect((contact["data"] as? [String: Any])?.isEmpty == true)
        }
    }

    @Test(
        "validation failures answer 422 with the spec's bodies",
        arguments: [
            (#"{}"#, #"{"errors":{"contact":["is missing"]}}"#),
            (#"{"contact": "bob"}"#, #"{"errors":{"contact":["is missing"]}}"#),
            (#"{"contact": {"name": "Nobody"}}"#, #"{"errors":{"base":["email or mobile is required"]}}"#),
            (#"{"contact": {"email": " ", "mobile": ""}}"#, #"{"errors":{"base":["email or mobile is required"]}}"#),
            (#"{"contact": {"email": "bob@example"}}"#, #"{"errors":{"email":["is invalid"]}}"#),
            (#"{"contact": {"email": "bob smith@example.com"}}"#, #"{"errors":{"email":["is invalid"]}}"#),
            (#"{"contact": {"mobile": "12223334444"}}"#, #"{"errors":{"mobile":["is invalid"]}}"#),
            (#"{"contact": {"mobile": "+1 222 333 4444"}}"#, #"{"errors":{"mobile":["is invalid"]}}"#),
            (#"{"contact": {"mobile": "+0123456789"}}"#, #"{"errors":{"mobile":["is invalid"]}}"#),
            (
                #"{"contact": {"email": "a@example.com", "external_avatar_url": "ftp://x.com/a.png"}}"#,
                #"{"errors":{"external_avatar_url":["is invalid"]}}"#
            ),
            (
                #"{"contact": {"email": "a@example.com", "external_avatar_url": "/avatar.png"}}"#,
                #"{"errors":{"external_avatar_url":["is invalid"]}}"#
            ),
            (
                #"{"contact": {"email": "a@example.com", "data": {"address": {"city": "Oslo"}}}}"#,
                #"{"errors":{"data":["must be one level deep"]}}"#
            ),
            (
                #"{"contact": {"email": "a@example.com", "data": {"tags": ["a"]}}}"#,
                #"{"errors":{"data":["must be one level deep"]}}"#
            ),
            (#"{"contact": {"email": "a@example.com", "data": "gold"}}"#, #"{"errors":{"data":["is invalid"]}}"#),
            (#"{"contact": {"email": "a@example.com", "notes": "hi"}}"#, #"{"errors":{"notes":["is invalid"]}}"#),
            (#"{"contact": {"email": "a@example.com", "notes": [1]}}"#, #"{"errors":{"notes":["is invalid"]}}"#),
            (#"{"contact": {"email": "a@example.com", "name": 5}}"#, #"{"errors":{"name":["is invalid"]}}"#),
        ])
    func validation(body: String, expected: String) async throws {
        try await withEmulator { emulator in
            let response = try await emulator.client.post("/contacts", body)
            #expect(response.status == 422)
            #expect(response.text == expected)
            let list = try await emulator.client.get("/contacts")
            #expect(try list.object()["total_count"] as? Int == 0, "nothing is written when a check fails")
        }
    }

    @Test("uniqueness is account-wide, case-insensitive for email, and every failure is reported together")
    func uniqueness() async throws {
        try await withEmulator { emulator in
            _ = try await emulator.client.post("/contacts", BobExample.request)
            let again = try await emulator.client.post(
                "/contacts", #"{"contact": {"email": "BOB@example.com", "mobile": "+12223334444", "id": "123"}}"#)
            #expect(again.status == 422)
            #expect(
                again.text
                    == #"{"errors":{"email":["has already been taken"],"mobile":["has already been taken"],"id":["has already been taken"]}}"#
            )
            let specCase = try await emulator.client.post(
                "/contacts", #"{"contact": {"email": "bob@example.com", "mobile": "+1"}}"#)
            #expect(specCase.text == #"{"errors":{"email":["has already been taken"],"mobile":["is invalid"]}}"#)

            let otherAccount = emulator.client(login: "hank@globex.com", token: "globex-token")
            let elsewhere = try await otherAccount.post("/contacts", BobExample.request)
            #expect(elsewhere.status == 200, "another account may hold the same identities")
        }
    }
}

@Suite struct ReadContactTests {
    @Test(
        "a contact is found by any identifier form clients send",
        arguments: [
            "/contacts/bob@example.com", "/contacts/bob%40example.com", "/contacts/BOB@Example.com",
            "/contacts/bob@example.com.json", "/contacts/%2B12223334444?identifier_type=mobile",
            "/contacts/+12223334444?identifier_type=mobile", "/contacts/+12223334444.json?identifier_type=mobile",
            "/contacts/bob@example.com?identifier_type=email", "/contacts.json/../contacts/bob@example.com",
        ])
    func lookups(path: String) async throws {
        try await withEmulator { emulator in
            _ = try await emulator.client.post("/contacts", BobExample.request)
            let response = try await emulator.client.get(path)
            if path.contains("..") {
                // URL normalisation is the client's business; whatever arrives must not be a server error.
                #expect(response.status < 500)
            } else {
                #expect(response.status == 200)
                #expect(response.text == BobExample.contact)
            }
        }
    }

    @Test(
        "unknown identifiers are 404, a bad identifier_type is 422",
        arguments: [
            ("/contacts/nobody@example.com", 404, #"{"error":"Not Found"}"#),
            ("/contacts/bob%2540example.com", 404, #"{"error":"Not Found"}"#),
            ("/contacts/12223334444?identifier_type=mobile", 404, #"{"error":"Not Found"}"#),
            ("/contacts/bob@example.com?identifier_type=mobile", 404, #"{"error":"Not Found"}"#),
            ("/contacts/%ZZ", 404, #"{"error":"Not Found"}"#),
            (
                "/contacts/bob@example.com?identifier_type=fax", 422,
                #"{"errors":{"identifier_type":["is not included in the list"]}}"#
            ),
            (
                "/contacts/nobody@example.com?identifier_type=fax", 422,
                #"{"errors":{"identifier_type":["is not included in the list"]}}"#
            ),
        ])
    func misses(path: String, status: Int, body: String) async throws {
        try await withEmulator { emulator in
            _ = try await emulator.client.post("/contacts", BobExample.request)
            let response = try await emulator.client.get(path)
            #expect(response.status == status)
            #expect(response.text == body)
        }
    }

    @Test("a contact of another account is invisible")
    func accountIsolation() async throws {
        try await withEmulator { emulator in
            _ = try await emulator.client.post("/contacts", BobExample.request)
            let hank = emulator.client(login: "hank@globex.com", token: "globex-token")
            #expect(try await hank.get("/contacts/bob@example.com").status == 404)
            #expect(try await hank.get("/contacts").object()["total_count"] as? Int == 0)
        }
    }

    @Test("contacts belong to the account: every brand host sees the same ones")
    func everyBrandSeesContacts() async throws {
        try await withEmulator { emulator in
            _ = try await emulator.client(host: "acme-outlet.reamaze.io").post("/contacts", BobExample.request)
            for host in ["acme.reamaze.io", "acme.reamaze.com:8443", "acme-outlet.localhost", "localhost", "127.0.0.1"]
            {
                let response = try await emulator.client(host: host).get("/contacts/bob@example.com")
                #expect(response.status == 200, "host \(host)")
            }
        }
    }
}

@Suite struct ListContactsTests {
    /// Creates contacts named as given (nil for no name), one millisecond apart, with emails c<i>@example.com.
    func seed(_ emulator: EmulatorHandle, names: [String?]) async throws {
        for (index, name) in names.enumerated() {
            let nameField = name.map { #""name": "\#($0)", "# } ?? ""
            let response = try await emulator.client.post(
                "/contacts", #"{"contact": {\#(nameField)"email": "c\#(index)@example.com"}}"#)
            try #require(response.status == 200, "seed \(index): \(response.text)")
            emulator.clock.advance(milliseconds: 1)
        }
    }

    @Test("a page shows each contact byte for byte as GET /contacts/{identifier} does: identities, data and notes")
    func pageItemsMatchSingleReads() async throws {
        try await withEmulator { emulator in
            for index in 0..<33 {
                let extra =
                    switch index % 3 {
                    case 0: #", "mobile": "+1222333\#(String(format: "%04d", index))", "notes": ["first", "second"]"#
                    case 1: #", "data": {"plan": "gold", "seats": \#(index), "vip": true}"#
                    default: ""
                    }
                let response = try await emulator.client.post(
                    "/contacts", #"{"contact": {"name": "P\#(index)", "email": "p\#(index)@example.com"\#(extra)}}"#)
                try #require(response.status == 200, "\(response.text)")
                emulator.clock.advance(milliseconds: 1)
            }
            _ = try await emulator.client.post(
                "/contacts/p1@example.com/identities",
                #"{"identity": {"type": "email", "identifier": "p0@example.com"}}"#)
            var seen = 0
            for page in 1...2 {
                let body = try await emulator.client.get("/contacts?page=\(page)").body
                let document = try #require(try JSONParser.parse(Array(body)).objectValue)
                guard case .array(let contacts)? = document["contacts"] else {
                    Issue.record("no contacts array")
                    return
                }
                for contact in contacts {
                    // p0 gave its only email to p1 above: it is found by its mobile.
                    let path: String
                    switch (contact.objectValue?["email"], contact.objectValue?["mobile"]) {
                    case (.string(let email)?, _): path = "/contacts/\(email)"
                    case (_, .string(let mobile)?):
                        path = "/contacts/\(mobile.replacingOccurrences(of: "+", with: "%2B"))?identifier_type=mobile"
                    default:
                        Issue.record("a contact without email or mobile")
                        continue
                    }
                    let single = try await emulator.client.get(path).body
                    #expect(JSONWriter.encode { $0.value(contact) } == Array(single), "\(path)")
                    seen += 1
                }
            }
            #expect(seen == 33)
        }
    }

    @Test("the default order is by name, case-insensitive, nameless last, ties on _id")
    func defaultOrder() async throws {
        try await withEmulator { emulator in
            try await seed(emulator, names: ["carol", nil, "Bob", "alice", "bob"])
            let response = try await emulator.client.get("/contacts")
            #expect(try contactNames(response) == ["alice", "Bob", "bob", "carol", nil])
            #expect(
                try contactNames(try await emulator.client.get("/contacts?sort=name")) == [
                    "alice", "Bob", "bob", "carol", nil,
                ])
        }
    }

    @Test("sort=date lists the newest first")
    func sortByDate() async throws {
        try await withEmulator { emulator in
            try await seed(emulator, names: ["first", "second", "third"])
            #expect(
                try contactNames(try await emulator.client.get("/contacts?sort=date")) == ["third", "second", "first"])
        }
    }

    @Test("pages hold 30; page_count rounds up; past the end is empty with true counts; bad page means 1")
    func pagination() async throws {
        try await withEmulator { emulator in
            try await seed(emulator, names: (0..<31).map { String(format: "n%02d", $0) })
            let first = try await emulator.client.get("/contacts").object()
            #expect(first["page_size"] as? Int == 30)
            #expect(first["page_count"] as? Int == 2)
            #expect(first["total_count"] as? Int == 31)
            #expect((first["contacts"] as? [Any])?.count == 30)
            let second = try await emulator.client.get("/contacts?page=2")
            #expect(try contactNames(second) == ["n30"])
            let past = try await emulator.client.get("/contacts?page=3")
            #expect(past.text == #"{"page_size":30,"page_count":2,"total_count":31,"contacts":[]}"#)
            for bad in ["0", "-1", "abc", "1.5", "", "99999999999999999999999"] {
                let response = try await emulator.client.get("/contacts?page=\(bad)")
                #expect(try contactNames(response).first == "n00", "page=\(bad)")
            }
            let huge = try await emulator.client.get("/contacts?page=9223372036854775807")
            #expect(huge.status == 200)
            #expect(try contactNames(huge).isEmpty)
        }
    }

    @Test("q matches a substring of the name or of any email identity, case-insensitively")
    func search() async throws {
        try await withEmulator { emulator in
            _ = try await emulator.client.post("/contacts", BobExample.request)
            _ = try await emulator.client.post(
                "/contacts", #"{"contact": {"name": "Ann Lee", "email": "ann@shop.io"}}"#)
            _ = try await emulator.client.post(
                "/contacts/ann@shop.io/identities",
                #"{"identity": {"type": "email", "identifier": "ann.work@corp.io"}}"#)
            #expect(try contactNames(try await emulator.client.get("/contacts?q=BOB")) == ["Bob Smith"])
            #expect(try contactNames(try await emulator.client.get("/contacts?q=CORP")) == ["Ann Lee"])
            #expect(try contactNames(try await emulator.client.get("/contacts?q=lee")) == ["Ann Lee"])
            #expect(try contactNames(try await emulator.client.get("/contacts?q=%25")).isEmpty, "% is literal")
            #expect(
                try contactNames(try await emulator.client.get("/contacts?q=2223334444")).isEmpty,
                "mobiles are not searched")
        }
    }

    @Test("the search index follows renames, new emails, moves and short or quoted queries")
    func searchIndexStaysCurrent() async throws {
        try await withEmulator { emulator in
            _ = try await emulator.client.post(
                "/contacts", #"{"contact": {"name": "Zoë \"Zed\" O'Neil", "email": "z@x.io"}}"#)
            _ = try await emulator.client.post("/contacts", #"{"contact": {"name": "Other", "mobile": "+4712345678"}}"#)
            #expect(try contactNames(try await emulator.client.get("/contacts?q=ZOË")) == [#"Zoë "Zed" O'Neil"#])
            #expect(try contactNames(try await emulator.client.get("/contacts?q=%22zed%22")) == [#"Zoë "Zed" O'Neil"#])
            #expect(
                try contactNames(try await emulator.client.get("/contacts?q=o'")) == [#"Zoë "Zed" O'Neil"#],
                "2 characters")
            #expect(
                try contactNames(try await emulator.client.get("/contacts?q=zo%00e")).isEmpty,
                "a NUL is matched literally")
            #expect(try contactNames(try await emulator.client.get("/contacts?q=%0Az@x")).isEmpty, "a newline too")
            _ = try await emulator.client.put("/contacts/z@x.io", #"{"contact": {"name": "Renamed"}}"#)
            #expect(try contactNames(try await emulator.client.get("/contacts?q=neil")).isEmpty)
            #expect(try contactNames(try await emulator.client.get("/contacts?q=renam")) == ["Renamed"])
            _ = try await emulator.client.put("/contacts/z@x.io", #"{"contact": {"friendly_name": "Ren"}}"#)
            #expect(
                try contactNames(try await emulator.client.get("/contacts?q=renam")) == ["Renamed"], "name unchanged")
            _ = try await emulator.client.post(
                "/contacts", #"{"contact": {"name": "Two\nLines", "email": "two@lines.io"}}"#)
            #expect(
                try contactNames(try await emulator.client.get("/contacts?q=o%0Ali")) == ["Two\nLines"],
                "a newline inside a name")
            _ = try await emulator.client.post(
                "/contacts/+4712345678/identities?identifier_type=mobile",
                #"{"identity": {"type": "email", "identifier": "fresh.address@y.io"}}"#)
            #expect(try contactNames(try await emulator.client.get("/contacts?q=fresh.addr")) == ["Other"])
            _ = try await emulator.client.post(
                "/contacts/z@x.io/identities", #"{"identity": {"type": "email", "identifier": "fresh.address@y.io"}}"#)
            #expect(try contactNames(try await emulator.client.get("/contacts?q=fresh.addr")) == ["Renamed"], "moved")
        }
    }

    @Test("data[key]=value compares the stored value's string form; all pairs must match")
    func dataFilter() async throws {
        try await withEmulator { emulator in
            _ = try await emulator.client.post(
                "/contacts",
                #"{"contact": {"name": "A", "email": "a@x.io", "data": {"plan": "gold", "orders": 3, "vip": true}}}"#)
            _ = try await emulator.client.post(
                "/contacts", #"{"contact": {"name": "B", "email": "b@x.io", "data": {"plan": "gold"}}}"#)
            #expect(try contactNames(try await emulator.client.get("/contacts?data%5Bplan%5D=gold")) == ["A", "B"])
            #expect(try contactNames(try await emulator.client.get("/contacts?data[orders]=3")) == ["A"])
            #expect(try contactNames(try await emulator.client.get("/contacts?data[vip]=true")) == ["A"])
            #expect(
                try contactNames(try await emulator.client.get("/contacts?data[plan]=gold&data[vip]=true")) == ["A"])
            #expect(try contactNames(try await emulator.client.get("/contacts?data[plan]=Gold")).isEmpty)
            #expect(try contactNames(try await emulator.client.get("/contacts?data[missing]=gold")).isEmpty)
            #expect(try contactNames(try await emulator.client.get("/contacts?q=b&data[plan]=gold")) == ["B"])
        }
    }

    @Test("type=email and type=mobile keep contacts with such an identity; another type is 422")
    func typeFilter() async throws {
        try await withEmulator { emulator in
            _ = try await emulator.client.post("/contacts", #"{"contact": {"name": "Mail", "email": "m@x.io"}}"#)
            _ = try await emulator.client.post("/contacts", #"{"contact": {"name": "Phone", "mobile": "+4712345678"}}"#)
            #expect(try contactNames(try await emulator.client.get("/contacts?type=email")) == ["Mail"])
            #expect(try contactNames(try await emulator.client.get("/contacts?type=mobile")) == ["Phone"])
            let bad = try await emulator.client.get("/contacts?type=twitter")
            #expect(bad.status == 422)
            #expect(bad.text == #"{"errors":{"type":["is not included in the list"]}}"#)
        }
    }

    @Test("parameters may come in a GET body, which wins over the query string")
    func parametersInBody() async throws {
        try await withEmulator { emulator in
            try await seed(emulator, names: (0..<31).map { String(format: "n%02d", $0) })
            // URLSession refuses to send a GET body, so these go over a raw socket as the Ruby gem sends them.
            let paged = try emulator.raw("GET", "/api/v1/contacts?page=1", body: #"{"page": 2}"#)
            #expect(paged.status == 200)
            #expect(paged.body.contains(#""total_count":31,"contacts":[{"id":null,"_id":31,"name":"n30""#))
            let searched = try emulator.raw("GET", "/api/v1/contacts", body: #"{"q": "n07", "data": {}}"#)
            #expect(searched.body.contains(#""total_count":1,"#))
            #expect(searched.body.contains(#""name":"n07""#))
        }
    }
}

@Suite struct UpdateContactTests {
    @Test("PUT changes name, friendly name and data, adds notes, and answers the spec's contact")
    func specExample() async throws {
        try await withEmulator { emulator in
            _ = try await emulator.client.post("/contacts", BobExample.request)
            _ = try await emulator.client.post("/contacts/bob@example.com/notes", #"{"body": "second"}"#)
            _ = try await emulator.client.delete("/contacts/bob@example.com/notes/2")
            emulator.clock.set("2026-11-26T09:15:02.500Z")
            let response = try await emulator.client.put(
                "/contacts/bob%40example.com?identifier_type=email",
                """
                {"contact": {"name": "Robert Smith", "friendly_name": "Rob",
                  "data": {"plan": "platinum", "orders": null, "region": "EU"}, "notes": ["Upgraded by phone"]}}
                """)
            #expect(response.status == 200)
            let expected =
                #"{"id":"123","_id":1,"name":"Robert Smith","friendly_name":"Rob","display_name":"Rob","#
                + #""email":"bob@example.com","mobile":"+12223334444","twitter":null,"instagram":null,"facebook":null,"#
                + #""external_avatar_url":"https://www.example.com/avatar.png","data":{"plan":"platinum","region":"EU"},"#
                + #""notes":[{"id":1,"note":"Prefers email over phone","created_at":"2026-11-25T23:40:00.123Z","#
                + #""updated_at":"2026-11-25T23:40:00.123Z","creator":{"name":"Jane Porter","email":"jane@acme-store.com"}},"#
                + #"{"id":3,"note":"Upgraded by phone","created_at":"2026-11-26T09:15:02.500Z","#
                + #""updated_at":"2026-11-26T09:15:02.500Z","creator":{"name":"Jane Porter","email":"jane@acme-store.com"}}],"#
                + #""created_at":"2026-11-25T23:40:00.123Z","updated_at":"2026-11-26T09:15:02.500Z"}"#
            #expect(response.text == expected)
        }
    }

    @Test("blank values, identifier fields and unchanged values change nothing, not even updated_at")
    func blankMeansUnchanged() async throws {
        try await withEmulator { emulator in
            _ = try await emulator.client.post("/contacts", BobExample.request)
            emulator.clock.set("2026-11-27T00:00:00.000Z")
            let response = try await emulator.client.put(
                "/contacts/bob@example.com",
                """
                {"contact": {"name": "", "friendly_name": null, "external_avatar_url": " ", "data": {},
                  "email": "new@example.com", "mobile": "+19998887777", "id": "999", "twitter": "x", "notes": null}}
                """)
            #expect(response.status == 200)
            #expect(response.text == BobExample.contact)
            let same = try await emulator.client.put(
                "/contacts/bob@example.com", #"{"contact": {"name": "Bob Smith", "data": {"plan": "gold"}}}"#)
            #expect(same.text == BobExample.contact)
        }
    }

    @Test(
        "PUT validation answers 404 before body errors, then 422",
        arguments: [
            ("/contacts/nobody@example.com", #"{"contact": {"name": "x"}}"#, 404, #"{"error":"Not Found"}"#),
            ("/contacts/nobody@example.com", #"{}"#, 404, #"{"error":"Not Found"}"#),
            (
                "/contacts/bob@example.com?identifier_type=nope", #"{"contact": {}}"#, 422,
                #"{"errors":{"identifier_type":["is not included in the list"]}}"#
            ),
            ("/contacts/bob@example.com", #"{"name": "x"}"#, 422, #"{"errors":{"contact":["is missing"]}}"#),
            (
                "/contacts/bob@example.com", #"{"contact": {"external_avatar_url": "not a url"}}"#, 422,
                #"{"errors":{"external_avatar_url":["is invalid"]}}"#
            ),
            (
                "/contacts/bob@example.com", #"{"contact": {"data": {"a": {"b": 1}}}}"#, 422,
                #"{"errors":{"data":["must be one level deep"]}}"#
            ),
            ("/contacts/bob@example.com", #"{"contact": {"data": 7}}"#, 422, #"{"errors":{"data":["is invalid"]}}"#),
            (
                "/contacts/bob@example.com", #"{"contact": {"notes": [true]}}"#, 422,
                #"{"errors":{"notes":["is invalid"]}}"#
            ),
        ])
    func validation(path: String, body: String, status: Int, expected: String) async throws {
        try await withEmulator { emulator in
            _ = try await emulator.client.post("/contacts", BobExample.request)
            let response = try await emulator.client.put(path, body)
            #expect(response.status == status)
            #expect(response.text == expected)
            #expect(try await emulator.client.get("/contacts/bob@example.com").text == BobExample.contact)
        }
    }
}
