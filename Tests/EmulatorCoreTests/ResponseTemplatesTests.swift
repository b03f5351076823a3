import Foundation
import Testing

/// Response templates: per brand, shared or personal to their owner, grouped by fixtures.
@Suite struct ResponseTemplatesTests {
    /// Acme with a shared template in a group, a second group's template, Max's personal one, and one in the outlet.
    static let fixtures = TestFixtures.acme.replacingOccurrences(
        of: #"{"name": "No Token", "email": "notoken@acme-store.com"}]},"#,
        with: #"{"name": "No Token", "email": "notoken@acme-store.com"}], "response_templates": ["#
            + #"{"name": "Returns Instructions", "body": "Print the label and drop the parcel at any post office.", "#
            + #""group": "Returns"}, "#
            + #"{"name": "apology", "body": "Sorry for the wait.", "group": "Tone"}, "#
            + #"{"name": "Max's sign-off", "body": "Cheers, Max", "is_personal": true, "owner": "max@acme-store.com"}, "#
            + #"{"brand": "acme-outlet", "name": "Outlet hours", "body": "10 to 6."}]},"#)

    static func names(_ response: TestResponse) throws -> [String] {
        try #require(try response.object()["response_templates"] as? [[String: Any]]).compactMap {
            $0["name"] as? String
        }
    }

    @Test("GET /response_templates lists the shared and the caller's own, by name, with q over name and body")
    func lists() async throws {
        try await withEmulator(fixtures: Self.fixtures) { emulator in
            let jane = emulator.client
            let max = emulator.client(login: "max@acme-store.com", token: "max-token")
            #expect(try Self.names(try await jane.get("/response_templates")) == ["apology", "Returns Instructions"])
            #expect(
                try Self.names(try await max.get("/response_templates"))
                    == ["apology", "Max's sign-off", "Returns Instructions"], "case-insensitive order, own personal")
            let label = try await jane.get("/response_templates?q=LABEL")
            #expect(
                label.text
                    == #"{"page_size":30,"page_count":1,"total_count":1,"response_templates":[{"id":1,"#
                    + #""name":"Returns Instructions","body":"Print the label and drop the parcel at any post office.","#
                    + #""response_template_group":{"id":1,"name":"Returns"}}]}"#)
            let outlet = emulator.client(host: "acme-outlet.localhost")
            #expect(try Self.names(try await outlet.get("/response_templates")) == ["Outlet hours"])
        }
    }

    @Test("GET and PUT /response_templates/{id}: another user's personal template, another brand's, a non-id are 404")
    func visibility() async throws {
        try await withEmulator(fixtures: Self.fixtures) { emulator in
            let jane = emulator.client
            #expect(try await jane.get("/response_templates/1").status == 200)
            for path in [
                "/response_templates/3", "/response_templates/4", "/response_templates/1x",
                "/response_templates/+1",
            ] {
                let response = try await jane.get(path)
                #expect(response.status == 404, "\(path)")
                #expect(response.text == #"{"error":"Not Found"}"#)
            }
            let put = try await jane.put("/response_templates/3", #"{"response_template": {"name": "mine now"}}"#)
            #expect(put.status == 404)
            // The path's 404 comes before the body's 422: a body refused on a template Jane sees is not found on one
            // she does not.
            let badBody = #"{"response_template": {"is_personal": "maybe"}}"#
            #expect(try await jane.put("/response_templates/1", badBody).status == 422)
            let hidden = try await jane.put("/response_templates/3", badBody)
            #expect(hidden.status == 404)
            #expect(hidden.text == #"{"error":"Not Found"}"#)
            let max = emulator.client(login: "max@acme-store.com", token: "max-token")
            #expect(try await max.get("/response_templates/3").status == 200)
        }
    }

    @Test("POST creates a shared or personal template owned by the caller, with no group; every is_personal form")
    func create() async throws {
        try await withEmulator(fixtures: Self.fixtures) { emulator in
            let jane = emulator.client
            let created = try await jane.post(
                "/response_templates",
                #"{"response_template": {"name": "Returns Instructions", "body": "Print it.", "is_personal": 0}}"#)
            #expect(
                created.text
                    == #"{"id":5,"name":"Returns Instructions","body":"Print it.","response_template_group":null}"#)
            for (index, form) in ["1", "true", #""1""#, #""true""#].enumerated() {
                let personal = try await jane.post(
                    "/response_templates",
                    #"{"response_template": {"name": "P\#(index)", "body": "x", "is_personal": \#(form)}}"#)
                let id = try #require(try personal.object()["id"] as? Int)
                let max = emulator.client(login: "max@acme-store.com", token: "max-token")
                #expect(try await max.get("/response_templates/\(id)").status == 404, "\(form) is personal")
            }
        }
    }

    @Test(
        "bad template bodies are one 422 with every problem",
        arguments: [
            ("POST", "/response_templates", "{}", #"{"errors":{"response_template":["is missing"]}}"#),
            (
                "POST", "/response_templates", #"{"response_template": {"is_personal": "yes"}}"#,
                #"{"errors":{"name":["can't be blank"],"body":["can't be blank"],"is_personal":["is invalid"]}}"#
            ),
            (
                "PUT", "/response_templates/1", #"{"response_template": {"is_personal": 2}}"#,
                #"{"errors":{"is_personal":["is invalid"]}}"#
            ),
        ])
    func refusals(method: String, path: String, body: String, expected: String) async throws {
        try await withEmulator(fixtures: Self.fixtures) { emulator in
            let response = try await emulator.client.send(method, "/api/v1" + path, body: body)
            #expect(response.status == 422)
            #expect(response.text == expected)
        }
    }

    @Test("PUT changes the fields given; making a shared template personal keeps its owner; the state carries them")
    func updateAndState() async throws {
        try await withEmulator(fixtures: Self.fixtures) { emulator in
            let max = emulator.client(login: "max@acme-store.com", token: "max-token")
            let changed = try await max.put(
                "/response_templates/1",
                #"{"response_template": {"body": "New body", "name": "", "is_personal": true}}"#)
            #expect(
                changed.text
                    == #"{"id":1,"name":"Returns Instructions","body":"New body","#
                    + #""response_template_group":{"id":1,"name":"Returns"}}"#)
            #expect(try await emulator.client.get("/response_templates/1").status == 200, "Jane owns it: still hers")
            #expect(try await max.get("/response_templates/1").status == 404, "personal to Jane, not to Max")
            let state = try await emulator.control("GET", "state")
            #expect(
                state.text.contains(
                    #""response_templates":[{"brand":"acme","name":"Returns Instructions","body":"New body","#
                        + #""group":"Returns","is_personal":true,"owner":"jane@acme-store.com"}"#))
            let imported = try await emulator.control("PUT", "state", state.text)
            #expect(imported.text == state.text)
        }
    }
}
