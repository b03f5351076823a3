import EmulatorCore
import Foundation
import TestSupport
import Testing

@Suite struct JournalTests {
    @Test("every API request is journaled, newest first, with bodies; secrets are redacted and credentials never kept")
    func records() async throws {
        try await withEmulator { emulator in
            _ = try await emulator.client.get("/contacts?q=bob")
            _ = try await emulator.client.post(
                "/staff", #"{"staff": {"email": "new@acme-store.com", "password": "hunter2"}}"#)
            _ = try await emulator.control("GET", "health")
            let response = try await emulator.control("GET", "requests")
            let entries = try #require(try response.object()["requests"] as? [[String: Any]])
            #expect(entries.count == 2, "control-plane calls are not journaled")
            let post = entries[0]
            #expect(post["method"] as? String == "POST")
            #expect(post["path"] as? String == "/api/v1/staff")
            #expect(post["status"] as? Int == 200)
            #expect(post["account"] as? Int == 1)
            #expect(post["duration_ms"] is Double || post["duration_ms"] is Int)
            let sent = try #require((post["request_body"] as? [String: Any])?["staff"] as? [String: Any])
            #expect(sent["password"] as? String == "[REDACTED]")
            #expect((post["response_body"] as? [String: Any])?["email"] as? String == "new@acme-store.com")
            #expect((entries[1]["query"] as? [String: String]) == ["q": "bob"])
            #expect(!response.text.contains("9f2c1e7d4b6a"))
            #expect(!response.text.contains("hunter2"))
        }
    }

    @Test("the journal filters by method, path glob, status and account, and honours limit")
    func filters() async throws {
        try await withEmulator { emulator in
            _ = try await emulator.client.get("/contacts")
            _ = try await emulator.client.get("/contacts/nobody@example.com")
            _ = try await emulator.client.post("/contacts", #"{"contact": {"email": "a@x.io"}}"#)
            _ = try RawHTTP.send(
                port: emulator.server.port,
                RawHTTP.request("GET", "/api/v1/staff", login: "hank@globex.com", token: "globex-token"))
            func count(_ query: String) async throws -> Int {
                try #require(try await emulator.control("GET", "requests\(query)").object()["requests"] as? [Any]).count
            }
            #expect(try await count("") == 4)
            #expect(try await count("?method=get") == 3)
            #expect(try await count("?path=/api/v1/contacts*") == 3)
            #expect(try await count("?status=404") == 1)
            #expect(try await count("?account=2") == 1)
            #expect(try await count("?limit=2") == 2)
            #expect(try await emulator.control("GET", "requests?status=x").status == 400)
            #expect(try await emulator.control("DELETE", "requests").status == 200)
            #expect(try await count("") == 0)
        }
    }

    @Test("the journal is a bounded ring: it keeps only the newest entries")
    func bounded() async throws {
        try await withEmulator(configure: { $0.journalSize = 3 }) { emulator in
            for index in 0..<7 { _ = try await emulator.client.get("/contacts?page=\(index)") }
            let entries = try #require(
                try await emulator.control("GET", "requests").object()["requests"] as? [[String: Any]])
            #expect(entries.compactMap { ($0["query"] as? [String: String])?["page"] } == ["6", "5", "4"])
        }
    }
}

@Suite struct FaultTests {
    @Test("a fault script fails the 3rd matching request and lets the 4th through")
    func afterAndTimes() async throws {
        try await withEmulator { emulator in
            let rule = try await emulator.control(
                "POST", "faults",
                #"{"match": {"method": "GET", "path": "/api/v1/contacts*"}, "action": {"status": 500}, "after": 2, "times": 1}"#
            )
            #expect(rule.status == 200)
            var statuses: [Int] = []
            for _ in 0..<4 { statuses.append(try await emulator.client.get("/contacts").status) }
            #expect(statuses == [200, 200, 500, 200])
            let failed = try await emulator.control("GET", "requests?status=500").object()
            #expect(
                ((failed["requests"] as? [[String: Any]])?.first?["response_body"] as? [String: String]) == [
                    "error": "Internal Server Error"
                ])
            let rules = try #require(try await emulator.control("GET", "faults").object()["faults"] as? [[String: Any]])
            #expect(rules.first?["hits"] as? Int == 4)
            #expect(try await emulator.client.get("/staff").status == 200, "other paths are not matched")
        }
    }

    @Test("a faulted write changes nothing; custom bodies and headers are sent; rules match per account")
    func faultedWrite() async throws {
        try await withEmulator { emulator in
            _ = try await emulator.control(
                "POST", "faults",
                #"{"match": {"method": "POST", "account": 1}, "action": {"status": 429, "body": {"error": "slow down"}, "headers": {"Retry-After": "7"}}, "times": 1}"#
            )
            let refused = try await emulator.client.post("/contacts", #"{"contact": {"email": "a@x.io"}}"#)
            #expect(refused.status == 429)
            #expect(refused.text == #"{"error":"slow down"}"#)
            #expect(refused.header("Retry-After") == "7")
            #expect(try await emulator.client.get("/contacts/a@x.io").status == 404)
            #expect(try await emulator.client.post("/contacts", #"{"contact": {"email": "a@x.io"}}"#).status == 200)
        }
    }

    @Test("drop_connection closes the connection without an answer; delay_ms still answers normally")
    func dropAndDelay() async throws {
        try await withEmulator { emulator in
            _ = try await emulator.control(
                "POST", "faults",
                #"{"match": {"path": "/api/v1/staff"}, "action": {"drop_connection": true}, "times": 1}"#)
            let dropped = try emulator.raw("GET", "/api/v1/staff")
            #expect(dropped.status == 0)
            #expect(dropped.head.isEmpty)
            _ = try await emulator.control(
                "POST", "faults", #"{"match": {"path": "/api/v1/channels"}, "action": {"delay_ms": 50}, "times": 1}"#)
            #expect(try await emulator.client.get("/channels").status == 200)
            #expect(try await emulator.control("DELETE", "faults").status == 200)
            #expect(try await emulator.control("GET", "faults").text == #"{"faults":[]}"#)
        }
    }

    @Test(
        "invalid fault rules are 400",
        arguments: [
            #"{"match": {}}"#, #"{"action": {}}"#, #"{"action": {"status": 99}}"#, #"{"action": {"status": "500"}}"#,
            #"{"action": {"status": 500}, "times": 0}"#, #"{"action": {"delay_ms": -1}}"#,
            #"{"action": {"status": 500, "headers": {"X": 1}}}"#,
        ])
    func invalid(body: String) async throws {
        try await withEmulator { emulator in
            let response = try await emulator.control("POST", "faults", body)
            #expect(response.status == 400)
            #expect(try response.object()["error"] is String)
        }
    }
}

@Suite struct RateLimitAndClockTests {
    @Test("over the limit: 429 with Retry-After and X-RateLimit headers; per token; failed logins not counted")
    func rateLimit() async throws {
        try await withEmulator(configure: { $0.rateLimit = 3 }) { emulator in
            _ = try await emulator.control("PUT", "clock", #"{"now": "2026-11-26T12:00:30.000Z"}"#)
            _ = try RawHTTP.send(
                port: emulator.server.port,
                RawHTTP.request("GET", "/api/v1/contacts", login: "jane@acme-store.com", token: "wrong"))
            var statuses: [Int] = []
            for _ in 0..<3 { statuses.append(try await emulator.client.get("/contacts").status) }
            #expect(statuses == [200, 200, 200])
            let limited = try await emulator.client.get("/contacts")
            #expect(limited.status == 429)
            #expect(limited.text == #"{"error":"Too Many Requests"}"#)
            #expect(limited.header("Retry-After") == "30")
            #expect(limited.header("X-RateLimit-Limit") == "3")
            #expect(limited.header("X-RateLimit-Remaining") == "0")
            #expect(
                limited.header("X-RateLimit-Reset")
                    == String(Timestamp.parse("2026-11-26T12:01:00Z")!.milliseconds / 1_000))
            #expect(
                try await emulator.client(login: "max@acme-store.com", token: "max-token").get("/contacts").status
                    == 200)
            _ = try await emulator.control("PUT", "clock", #"{"advance_ms": 30000}"#)
            #expect(try await emulator.client.get("/contacts").status == 200, "a new minute, a new window")
        }
    }

    @Test("every authenticated request counts, whatever its outcome; over the limit, 429 comes before 413 (§1.8, §9)")
    func rateLimitCountsAndOrder() async throws {
        try await withEmulator(configure: {
            $0.rateLimit = 2
            $0.maxBodyBytes = 64
        }) { emulator in
            _ = try await emulator.control("PUT", "clock", #"{"now": "2026-11-26T12:00:00.000Z"}"#)
            #expect(try await emulator.client.get("/contacts/nobody@example.com").status == 404)
            #expect(try await emulator.client.post("/contacts", "{}").status == 422)
            let big = try emulator.raw(
                "POST", "/api/v1/contacts", body: #"{"contact": {"name": "\#(String(repeating: "x", count: 200))"}}"#)
            #expect(big.status == 429, "the 404 and the 422 used up the limit; the rate limit is checked before size")
        }
    }

    @Test("PUT /__emulator/config switches the rate limit and the auth failure status at run time")
    func config() async throws {
        try await withEmulator { emulator in
            let set = try await emulator.control("PUT", "config", #"{"rate_limit": 1, "auth_failure_status": 403}"#)
            #expect(set.text == #"{"rate_limit":1,"auth_failure_status":403,"journal_size":1000}"#)
            #expect(try await emulator.client.get("/contacts").status == 200)
            #expect(try await emulator.client.get("/contacts").status == 429)
            #expect(try await emulator.client(token: "wrong").get("/contacts").status == 403)
            _ = try await emulator.control("PUT", "config", #"{"rate_limit": null, "auth_failure_status": 401}"#)
            #expect(try await emulator.client.get("/contacts").status == 200)
            #expect(try await emulator.control("PUT", "config", #"{"rate_limit": 0}"#).status == 400)
            #expect(try await emulator.control("PUT", "config", #"{"auth_failure_status": 500}"#).status == 400)
        }
    }

    @Test("the clock: every timestamp follows it; it can be frozen, advanced and set back to real time")
    func clock() async throws {
        try await withEmulator { emulator in
            let frozen = try await emulator.control("PUT", "clock", #"{"now": "2030-01-01T00:00:00Z"}"#)
            #expect(frozen.text == #"{"now":"2030-01-01T00:00:00.000Z","frozen":true}"#)
            let contact = try await emulator.client.post("/contacts", #"{"contact": {"email": "t@x.io"}}"#).object()
            #expect(contact["created_at"] as? String == "2030-01-01T00:00:00.000Z")
            _ = try await emulator.control("PUT", "clock", #"{"advance_ms": 1500}"#)
            let note = try await emulator.client.post("/contacts/t@x.io/notes", #"{"body": "later"}"#)
            #expect(note.text.contains(#""created_at":"2030-01-01T00:00:01.500Z""#))
            let real = try await emulator.control("PUT", "clock", #"{"real": true}"#).object()
            #expect(real["frozen"] as? Bool == false)
            #expect(
                real["now"] as? String == "2026-11-25T23:40:00.123Z", "the test's pinned clock is the real one here")
            #expect(try await emulator.control("PUT", "clock", "{}").status == 400)
            #expect(try await emulator.control("PUT", "clock", #"{"now": "soon"}"#).status == 400)
        }
    }
}
