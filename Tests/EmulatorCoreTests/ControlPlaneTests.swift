import EmulatorCore
import Foundation
import Logging
import MicroHTTP
import TestSupport
import Testing

extension EmulatorHandle {
    /// A control-plane call: `/__emulator/<path>` with an optional JSON body.
    func control(_ method: String, _ path: String, _ body: String? = nil, headers: [String: String] = [:])
        async throws -> TestResponse
    {
        var admin = client
        admin.sendsCredentials = false
        return try await admin.send(method, "/__emulator/\(path)", body: body, headers: headers)
    }
}

@Suite struct HealthAndAdminTests {
    @Test("health answers ok with the version and uptime")
    func health() async throws {
        try await withEmulator { emulator in
            let response = try await emulator.control("GET", "health")
            #expect(response.status == 200)
            let body = try response.object()
            #expect(body["status"] as? String == "ok")
            #expect(body["version"] as? String == EmulatorVersion.current)
            #expect((body["uptime_ms"] as? Int ?? -1) >= 0)
        }
    }

    @Test("until fixtures are loaded, health and the API answer 503")
    func notReady() throws {
        var configuration = EmulatorConfiguration()
        configuration.databasePath = ":memory:"
        let emulator = try Emulator(
            configuration: configuration, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        defer { emulator.close() }
        let health = emulator.handle(HTTPRequest(method: "GET", rawPath: "/__emulator/health"))
        #expect(health.status == 503)
        #expect(String(decoding: health.body, as: UTF8.self).contains(#""status":"starting""#))
        #expect(emulator.handle(HTTPRequest(method: "GET", rawPath: "/api/v1/contacts")).status == 503)
        try emulator.start(fixtures: Array(TestFixtures.acme.utf8))
        #expect(emulator.handle(HTTPRequest(method: "GET", rawPath: "/__emulator/health")).status == 200)
    }

    @Test("--admin-token protects the control plane, health excepted")
    func adminToken() async throws {
        try await withEmulator(configure: { $0.adminToken = "s3cret" }) { emulator in
            #expect(try await emulator.control("GET", "health").status == 200)
            let refused = try RawHTTP.send(
                port: emulator.server.port, "GET /__emulator/config HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(refused.status == 401)
            #expect(refused.body == #"{"error":"Unauthorized"}"#)
            let wrong = try RawHTTP.send(
                port: emulator.server.port,
                "GET /__emulator/config HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer nope\r\nConnection: close\r\n\r\n")
            #expect(wrong.status == 401)
            let allowed = try await emulator.control("GET", "config", headers: ["Authorization": "Bearer s3cret"])
            #expect(allowed.status == 200)
        }
    }

    @Test("unknown control paths are 404 and other methods 405, as JSON")
    func routing() async throws {
        try await withEmulator { emulator in
            let unknown = try await emulator.control("GET", "nope")
            #expect(unknown.status == 404)
            #expect(unknown.text == #"{"error":"Not Found"}"#)
            let method = try await emulator.control("DELETE", "health")
            #expect(method.status == 405)
            #expect(method.header("Allow") == "GET")
            let bad = try await emulator.control("POST", "faults", "[1]")
            #expect(bad.status == 400)
            #expect(bad.text == #"{"error":"the body must be a JSON object"}"#)
        }
    }
}

@Suite struct TenantTests {
    @Test("tenants created in parallel never see each other's data")
    func isolation() async throws {
        try await withEmulator { emulator in
            let first = try await emulator.control("POST", "accounts", #"{"name": "Suite A", "brand": "suite-a"}"#)
                .object()
            let second = try await emulator.control("POST", "accounts", "{}").object()
            #expect(first["brand"] as? String == "suite-a")
            #expect(first["base_url"] as? String == "http://127.0.0.1:\(emulator.server.port)/api/v1")
            let secondID = try #require(second["account_id"] as? Int)
            #expect(second["login"] as? String == "tenant-\(secondID)@example.com")
            #expect((second["token"] as? String)?.count == 32)
            let a = emulator.client(
                login: try #require(first["login"] as? String), token: try #require(first["token"] as? String))
            let b = emulator.client(
                login: try #require(second["login"] as? String), token: try #require(second["token"] as? String))
            async let createdA = a.post("/contacts", #"{"contact": {"name": "A's Bob", "email": "bob@example.com"}}"#)
            async let createdB = b.post("/contacts", #"{"contact": {"name": "B's Bob", "email": "bob@example.com"}}"#)
            #expect(try await createdA.status == 200)
            #expect(try await createdB.status == 200)
            #expect(try await a.get("/contacts/bob@example.com").object()["name"] as? String == "A's Bob")
            #expect(try await b.get("/contacts/bob@example.com").object()["name"] as? String == "B's Bob")
            #expect(try await a.get("/contacts").object()["total_count"] as? Int == 1)
            #expect(try await a.get("/channels/support").status == 200, "a tenant gets a support channel")
            let conversation = try await a.post(
                "/conversations",
                #"{"conversation": {"category": "support", "message": {"body": "hi"}, "user": {"email": "bob@example.com"}}}"#
            )
            #expect(conversation.status == 200)
            #expect(try await b.get("/conversations").object()["total_count"] as? Int == 0)
            #expect(try await emulator.client.get("/contacts").object()["total_count"] as? Int == 0)
        }
    }

    @Test("a new tenant whose generated brand and login an import already holds gets the next free name, not a 500")
    func generatedNamesAfterImport() async throws {
        try await withEmulator { emulator in
            let state = try await emulator.control("GET", "state").object()
            var accounts = try #require(state["accounts"] as? [Any])
            #expect(accounts.count == 2, "the next account will be number 3")
            accounts.append([
                "name": "Imported", "brands": [["name": "T", "host": "tenant-4", "url": "t.io"]],
                "staff": [["email": "tenant-4@example.com"], ["email": "tenant-4-2@example.com"]],
            ])
            let body = try JSONSerialization.data(withJSONObject: ["accounts": accounts])
            #expect(try await emulator.control("PUT", "state", String(decoding: body, as: UTF8.self)).status == 200)
            let created = try await emulator.control("POST", "accounts", "{}")
            #expect(created.status == 200)
            let tenant = try created.object()
            #expect(tenant["account_id"] as? Int == 4)
            #expect(tenant["brand"] as? String == "tenant-4-3")
            #expect(tenant["login"] as? String == "tenant-4-3@example.com")
            let client = emulator.client(
                login: "tenant-4-3@example.com", token: try #require(tenant["token"] as? String),
                host: "tenant-4-3.localhost")
            #expect(try await client.get("/contacts").status == 200)
        }
    }

    @Test("taken brands and logins are refused; DELETE removes a tenant and its credentials")
    func lifecycle() async throws {
        try await withEmulator { emulator in
            let taken = try await emulator.control("POST", "accounts", #"{"brand": "acme"}"#)
            #expect(taken.status == 409)
            #expect(taken.text == #"{"error":"brand acme is taken"}"#)
            #expect(try await emulator.control("POST", "accounts", #"{"login": "jane@acme-store.com"}"#).status == 409)
            #expect(try await emulator.control("POST", "accounts", #"{"brand": "Not A Label"}"#).status == 400)
            let tenant = try await emulator.control(
                "POST", "accounts", #"{"login": "ci@example.com", "token": "ci-token"}"#
            ).object()
            let id = try #require(tenant["account_id"] as? Int)
            let client = emulator.client(login: "ci@example.com", token: "ci-token")
            #expect(try await client.post("/contacts", #"{"contact": {"email": "x@y.io"}}"#).status == 200)
            #expect(try await emulator.control("DELETE", "accounts/\(id)").status == 200)
            let gone = try RawHTTP.send(
                port: emulator.server.port,
                RawHTTP.request("GET", "/api/v1/contacts", login: "ci@example.com", token: "ci-token"))
            #expect(gone.status == 401)
            #expect(try await emulator.control("DELETE", "accounts/\(id)").status == 404)
            #expect(try await emulator.control("POST", "accounts/abc/reset").status == 404)
        }
    }
}

/// A fixtures document with one account holding `count` contacts, each with an email and a note.
func largeAccountFixtures(contacts count: Int) -> String {
    let contacts = (0..<count).map { index in
        #"{"name": "C\#(index)", "identities": [{"type": "email", "identifier": "c\#(index)@example.com"}], "notes": [{"body": "n", "creator_email": "jane@acme-store.com"}]}"#
    }.joined(separator: ",")
    return #"""
        {"accounts": [{"name": "Acme", "brands": [{"name": "Acme Store", "host": "acme", "url": "acme-store.com",
          "channels": [{"name": "Support", "email": "support@acme-store.com"}]}],
          "staff": [{"name": "Jane Porter", "email": "jane@acme-store.com", "token": "9f2c1e7d4b6a"}],
          "contacts": [\#(contacts)],
          "conversations": [{"category": "support", "author": {"type": "email", "identifier": "c0@example.com"},
            "messages": [{"body": "hi"}]}]}]}
        """#
}

@Suite struct ResetAndStateTests {
    @Test("POST /__emulator/reset brings back the start-up state, ids included")
    func resetAll() async throws {
        try await withEmulator { emulator in
            _ = try await emulator.client.post("/contacts", BobExample.request)
            _ = try await emulator.control("POST", "accounts", "{}")
            #expect(try await emulator.control("POST", "reset").status == 200)
            #expect(try await emulator.client.get("/contacts").object()["total_count"] as? Int == 0)
            let again = try await emulator.client.post("/contacts", BobExample.request)
            #expect(again.text == BobExample.contact, "the same ids and timestamps as in a fresh emulator")
            #expect(try await emulator.client.get("/staff").object()["total_count"] as? Int == 3)
        }
    }

    @Test("resetting an account of 10,000 contacts empties it and keeps its staff, brands and channels")
    func resetLargeAccount() async throws {
        try await withEmulator { emulator in
            let imported = try await emulator.control("PUT", "state", largeAccountFixtures(contacts: 10_000))
            #expect(imported.status == 200)
            let page = try await emulator.client.get("/contacts").object()
            #expect(page["total_count"] as? Int == 10_000)
            let reset = try await emulator.control("POST", "accounts/1/reset").object()
            #expect(reset["contacts_removed"] as? Int == 10_000)
            #expect(try await emulator.client.get("/contacts").object()["total_count"] as? Int == 0)
            #expect(try await emulator.client.get("/conversations?filter=all").object()["total_count"] as? Int == 0)
            #expect(try await emulator.client.get("/staff").object()["total_count"] as? Int == 1)
            #expect(try await emulator.client.get("/channels/support").status == 200)
            let probe = try StoreProbe(path: emulator.databasePath)
            #expect(try probe.connection.query("PRAGMA foreign_key_check") { $0.string(0) }.isEmpty, "nothing dangles")
            #expect(try probe.connection.queryOne("SELECT count(*) FROM identities") { $0.int(0) } == 0)
        }
    }

    @Test("resets are safe while other requests run")
    func resetUnderLoad() async throws {
        try await withEmulator { emulator in
            let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        var seen: [Int] = []
                        for index in 0..<25 {
                            let response = try await emulator.client.post(
                                "/contacts", #"{"contact": {"email": "w\#(worker)-\#(index)@example.com"}}"#)
                            seen.append(response.status)
                        }
                        return seen
                    }
                }
                group.addTask {
                    var seen: [Int] = []
                    for _ in 0..<10 {
                        seen.append(try await emulator.control("POST", "reset").status)
                        seen.append(try await emulator.control("POST", "accounts/1/reset").status)
                    }
                    return seen
                }
                return try await group.reduce(into: [Int]()) { $0 += $1 }
            }
            #expect(statuses.allSatisfy { $0 == 200 }, "\(Set(statuses))")
            let integrity = try StoreProbe(path: emulator.databasePath).connection.queryOne("PRAGMA integrity_check") {
                $0.string(0)
            }
            #expect(integrity == "ok")
        }
    }

    @Test("GET /__emulator/state exports the fixtures format; PUT imports it back to the same state")
    func roundTrip() async throws {
        try await withEmulator(fixtures: TestFixtures.reassociation) { emulator in
            _ = try await emulator.client.post(
                "/contacts/bob@example.com/identities",
                #"{"identity": {"type": "email", "identifier": "robert@example.com"}}"#)
            let exported = try await emulator.control("GET", "state")
            #expect(exported.status == 200)
            let document = try exported.object()
            #expect((document["accounts"] as? [Any])?.count == 1)
            let before = try await emulator.client.get("/conversations/order-1001-is-late").text
            let imported = try await emulator.control("PUT", "state", exported.text)
            #expect(imported.status == 200)
            #expect(imported.text == exported.text)
            #expect(try await emulator.client.get("/conversations/order-1001-is-late").text == before)
            let one = try await emulator.control("GET", "state?account=1").object()
            #expect((one["accounts"] as? [Any])?.count == 1)
            #expect(try await emulator.control("GET", "state?account=99").text == #"{"accounts":[]}"#)
        }
    }

    @Test("only the state import takes bodies over the API limit; other control calls answer 413 beyond it")
    func controlBodyLimits() async throws {
        try await withEmulator { emulator in
            let large = #"{"name": "big", "padding": "\#(String(repeating: "x", count: 1_100_000))"}"#
            for path in ["/__emulator/snapshots", "/__emulator/faults", "/__emulator/accounts"] {
                let reply = try RawHTTP.send(
                    port: emulator.server.port,
                    RawHTTP.request(
                        "POST", path, login: "", token: "", body: large, extraHeaders: ["Authorization: none"]))
                #expect(reply.status == 413, "\(path)")
                #expect(reply.body == #"{"error":"Payload Too Large"}"#)
            }
            let exported = try await emulator.control("GET", "state").text
            let padded = String(exported.dropLast()) + #", "padding": "\#(String(repeating: "x", count: 1_100_000))"}"#
            #expect(try await emulator.control("PUT", "state", padded).status == 200)
        }
    }

    @Test("PUT /__emulator/state?account=ID replaces that tenant only; every other account stays byte for byte")
    func importOneTenant() async throws {
        try await withEmulator { emulator in
            _ = try await emulator.client.post("/contacts", BobExample.request)
            let tenantA = try await emulator.control("POST", "accounts", #"{"brand": "tenant-a", "token": "token-a"}"#)
                .object()
            let tenantB = try await emulator.control("POST", "accounts", #"{"brand": "tenant-b", "token": "token-b"}"#)
                .object()
            let idA = try #require(tenantA["account_id"] as? Int)
            let idB = try #require(tenantB["account_id"] as? Int)
            let clientA = emulator.client(login: try #require(tenantA["login"] as? String), token: "token-a")
            let clientB = emulator.client(login: try #require(tenantB["login"] as? String), token: "token-b")
            _ = try await clientA.post("/contacts", #"{"contact": {"name": "Ann", "email": "ann@a.io"}}"#)
            _ = try await clientB.post("/contacts", #"{"contact": {"name": "Ben", "email": "ben@b.io"}}"#)

            let exportedA = try await emulator.control("GET", "state?account=\(idA)").text
            let othersBefore = [
                try await emulator.control("GET", "state?account=1").text,
                try await emulator.control("GET", "state?account=\(idB)").text,
            ]
            let changed = exportedA.replacingOccurrences(of: #""name":"Ann""#, with: #""name":"Annie""#)
            #expect(changed != exportedA)
            let imported = try await emulator.control("PUT", "state?account=\(idA)", changed)
            #expect(imported.status == 200)
            #expect(imported.text == changed, "the answer is the account's export")
            #expect(try await emulator.control("GET", "state?account=\(idA)").text == changed)

            let othersAfter = [
                try await emulator.control("GET", "state?account=1").text,
                try await emulator.control("GET", "state?account=\(idB)").text,
            ]
            #expect(othersAfter == othersBefore)
            #expect(try await emulator.client.get("/contacts/bob@example.com").text == BobExample.contact)
            #expect(try await clientB.get("/contacts/ben@b.io").status == 200)
            #expect(try await clientA.get("/contacts/ann@a.io").object()["name"] as? String == "Annie")
            let accounts = try await emulator.control("GET", "accounts").object()["accounts"] as? [[String: Any]]
            let ids = accounts?.compactMap { $0["account_id"] as? Int } ?? []
            #expect(ids.suffix(2) == [idA, idB] && ids.count == 4, "the tenant keeps its id: \(ids)")
        }
    }

    @Test(
        "an import into an unknown account is 404; a document without exactly one account is 422; neither changes anything"
    )
    func importOneTenantRefusals() async throws {
        try await withEmulator { emulator in
            let before = try await emulator.control("GET", "state").text
            let one = try await emulator.control("GET", "state?account=1").text
            let unknown = try await emulator.control("PUT", "state?account=99", one)
            #expect(unknown.status == 404)
            #expect(unknown.text == #"{"error":"no account 99"}"#)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(one.utf8)) as? [String: Any])
            let account = try #require((document["accounts"] as? [Any])?.first)
            for (accounts, found) in [([Any](), 0), ([account, account], 2)] {
                let body = try JSONSerialization.data(withJSONObject: ["accounts": accounts])
                let refused = try await emulator.control(
                    "PUT", "state?account=1", String(decoding: body, as: UTF8.self))
                #expect(refused.status == 422)
                #expect(
                    refused.text
                        == #"{"error":"$.accounts: must hold exactly one account to import into account 1, found \#(found)"}"#
                )
            }
            #expect(try await emulator.control("PUT", "state?account=x", one).status == 400)
            #expect(try await emulator.control("GET", "state").text == before)
        }
    }

    @Test("a bad state document is 422 naming the entry, and changes nothing")
    func badImport() async throws {
        try await withEmulator { emulator in
            _ = try await emulator.client.post("/contacts", BobExample.request)
            let response = try await emulator.control("PUT", "state", #"{"accounts": [{"name": "X"}]}"#)
            #expect(response.status == 422)
            #expect(response.text == #"{"error":"$.accounts[0].brands: is required"}"#)
            #expect(try await emulator.client.get("/contacts/bob@example.com").text == BobExample.contact)
        }
    }

    @Test("named snapshots save, list, restore and delete the whole store")
    func snapshots() async throws {
        try await withEmulator { emulator in
            _ = try await emulator.client.post("/contacts", BobExample.request)
            let saved = try await emulator.control("POST", "snapshots", #"{"name": "with-bob"}"#).object()
            #expect(saved["name"] as? String == "with-bob")
            #expect((saved["size_bytes"] as? Int ?? 0) > 0)
            _ = try await emulator.client.put("/contacts/bob@example.com", #"{"contact": {"name": "Changed"}}"#)
            _ = try await emulator.client.post("/contacts", #"{"contact": {"email": "other@example.com"}}"#)
            #expect(try await emulator.control("POST", "snapshots/with-bob/restore").status == 200)
            #expect(try await emulator.client.get("/contacts/bob@example.com").text == BobExample.contact)
            #expect(try await emulator.client.get("/contacts/other@example.com").status == 404)
            let list = try await emulator.control("GET", "snapshots").object()
            #expect((list["snapshots"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["with-bob"])
            #expect(try await emulator.control("DELETE", "snapshots/with-bob").status == 200)
            #expect(try await emulator.control("POST", "snapshots/with-bob/restore").status == 404)
            #expect(try await emulator.control("POST", "snapshots", "{}").status == 400)
        }
    }
}
