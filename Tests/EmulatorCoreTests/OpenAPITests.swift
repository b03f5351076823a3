import EmulatorCore
import Foundation
import JSON
import Testing

@Suite struct OpenAPITests {
    @Test("the document is served at /__emulator/openapi.yaml, the same bytes as in the repository")
    func served() async throws {
        try await withEmulator { emulator in
            let response = try await emulator.control("GET", "openapi.yaml")
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/yaml; charset=utf-8")
            let parsed = try JSONParser.parse(Array(response.body)).objectValue
            #expect(parsed?["openapi"] == .string("3.1.0"))
            #expect(parsed == OpenAPIContract.document)
        }
    }

    @Test("the contract check catches a response that departs from the document")
    func catchesDrift() {
        let good = Data(BobExample.contact.utf8)
        #expect(
            OpenAPIContract.problems(
                method: "GET", path: "/api/v1/contacts/bob@example.com", status: 200,
                contentType: "application/json; charset=utf-8", body: good
            ).isEmpty)
        let renamed = Data(BobExample.contact.replacing(#""display_name""#, with: #""displayName""#).utf8)
        let problems = OpenAPIContract.problems(
            method: "GET", path: "/api/v1/contacts/bob@example.com", status: 200,
            contentType: "application/json; charset=utf-8", body: renamed)
        #expect(problems.contains("$.display_name: missing"))
        #expect(problems.contains("$.displayName: not documented"))
        #expect(
            OpenAPIContract.problems(
                method: "GET", path: "/api/v1/contacts", status: 418, contentType: "application/json; charset=utf-8",
                body: Data("{}".utf8)) == ["status 418 is not documented"])
        #expect(
            !OpenAPIContract.problems(
                method: "GET", path: "/api/v1/staff", status: 200, contentType: "text/plain", body: Data("{}".utf8)
            ).isEmpty)
    }

    @Test("every documented path answers, and every route the emulator serves is documented")
    func everyRouteDocumented() async throws {
        let paths = try #require(OpenAPIContract.document["paths"]?.objectValue)
        let documented = paths.members.map(\.key)
        try await withEmulator { emulator in
            let served = emulator.server.emulator.apiRoutes
            #expect(Set(documented) == Set(served.map(\.path)))
            for route in served {
                let methods = paths[route.path]?.objectValue?.members.map { $0.key.uppercased() } ?? []
                #expect(Set(methods) == Set(route.methods), "\(route.path)")
            }
            for path in documented {
                let concrete = path.replacing("{identifier}", with: "nobody@example.com")
                    .replacing("{note_id}", with: "1").replacing("{slug}", with: "nope")
                let response = try await emulator.client.send("GET", concrete)
                #expect([200, 404, 405].contains(response.status), "\(path)")
            }
        }
    }
}
