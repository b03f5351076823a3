import Foundation
import TestSupport
import Testing

/// Global conventions of spec §1: authentication, brands, routes, bodies, errors and the order of checks.
@Suite struct AuthenticationTests {
    static func basic(_ text: String) -> String { "Basic " + Data(text.utf8).base64EncodedString() }

    @Test(
        "every authentication failure is 401 with WWW-Authenticate",
        arguments: [
            nil, "Bearer 9f2c1e7d4b6a", "Basic", "Basic !!!not-base64!!!", basic("jane@acme-store.com"),
            basic("nobody@acme-store.com:9f2c1e7d4b6a"), basic("jane@acme-store.com:wrong"),
            basic("jane@acme-store.com:9f2c1e7d4b6"), basic("notoken@acme-store.com:"), basic(":"),
        ] as [String?])
    func failures(authorization: String?) async throws {
        try await withEmulator { emulator in
            let reply = try emulator.raw(
                "GET", "/api/v1/contacts", extraHeaders: ["Authorization: \(authorization ?? "none")"])
            #expect(reply.status == 401)
            #expect(reply.body == #"{"error":"Unauthorized"}"#)
            #expect(reply.head.contains("\r\nWWW-Authenticate: Basic realm=\"Reamaze\""))
            #expect(reply.head.contains("\r\nContent-Type: application/json; charset=utf-8"))
        }
    }

    @Test("the login matches case-insensitively; the scheme name too")
    func caseInsensitiveLogin() async throws {
        try await withEmulator { emulator in
            var client = emulator.client
            client.sendsCredentials = false
            let response = try await client.send(
                "GET", "/api/v1/contacts",
                headers: [
                    "Authorization": "basic " + Data("JANE@Acme-Store.com:9f2c1e7d4b6a".utf8).base64EncodedString()
                ])
            #expect(response.status == 200)
        }
    }

    @Test("in 403 mode a failed login is 403 Forbidden without WWW-Authenticate")
    func forbiddenMode() async throws {
        try await withEmulator(configure: { $0.authFailureStatus = .forbidden }) { emulator in
            let response = try await emulator.client(token: "wrong").get("/contacts")
            #expect(response.status == 403)
            #expect(response.text == #"{"error":"Forbidden"}"#)
            #expect(response.header("WWW-Authenticate") == nil)
        }
    }

    @Test("a request acts as its user: notes are credited to the caller")
    func actsAsCaller() async throws {
        try await withEmulator { emulator in
            let max = emulator.client(login: "max@acme-store.com", token: "max-token")
            let response = try await max.post("/contacts", #"{"contact": {"email": "a@x.io", "notes": ["hi"]}}"#)
            #expect(response.text.contains(#""creator":{"name":"Max Support","email":"max@acme-store.com"}"#))
        }
    }
}

@Suite struct BrandTests {
    @Test(
        "the Host header names the brand; a brand of another account, or none, is 404",
        arguments: [
            ("acme.reamaze.io", 200), ("acme.reamaze.io:8443", 200), ("ACME.reamaze.com", 200),
            ("acme-outlet.localhost:8080", 200), ("localhost", 200), ("127.0.0.1:9", 200), ("[::1]:8080", 200),
            ("example.org", 200), ("globex.reamaze.io", 404), ("unknown.reamaze.io", 404),
        ])
    func hostMapping(host: String, status: Int) async throws {
        try await withEmulator { emulator in
            let response = try await emulator.client(host: host).get("/contacts")
            #expect(response.status == status, "\(host)")
            if status == 404 { #expect(response.text == #"{"error":"Not Found"}"#) }
        }
    }
}

@Suite struct RoutingTests {
    @Test(
        "unknown paths are 404; other methods on a known path are 405 with Allow",
        arguments: [
            ("GET", "/api/v1/conversations/x/y/z", 404, nil),
            ("GET", "/api/v2/contacts", 404, nil),
            ("GET", "/contacts", 404, nil),
            ("GET", "/api/v1", 404, nil),
            ("DELETE", "/api/v1/contacts", 405, "GET, POST"),
            ("PATCH", "/api/v1/contacts/bob@example.com", 405, "GET, PUT"),
            ("DELETE", "/api/v1/contacts/bob@example.com", 405, "GET, PUT"),
            ("DELETE", "/api/v1/contacts/bob@example.com/identities", 405, "GET, POST"),
            ("PUT", "/api/v1/contacts/bob@example.com/notes", 405, "GET, POST"),
            ("GET", "/api/v1/contacts/bob@example.com/notes/1", 405, "PUT, DELETE"),
            ("POST", "/api/v1/contacts/bob@example.com/notes/1.json", 405, "PUT, DELETE"),
            ("DELETE", "/api/v1/conversations/order-1001-is-late", 405, "GET, PUT"),
            ("DELETE", "/api/v1/conversations/order-1001-is-late/messages", 405, "GET, POST"),
            ("POST", "/api/v1/messages", 405, "GET"),
            ("PUT", "/api/v1/channels/support", 405, "GET"),
            ("DELETE", "/api/v1/staff", 405, "GET, POST"),
            ("GET", "/api/v1/nothing-here", 404, nil),
            ("DELETE", "/api/v1/articles", 405, "GET, POST"),
            ("POST", "/api/v1/topics", 405, "GET"),
        ] as [(String, String, Int, String?)])
    func routes(method: String, path: String, status: Int, allow: String?) async throws {
        try await withEmulator { emulator in
            let response = try await emulator.client.send(method, path)
            #expect(response.status == status)
            #expect(response.header("Allow") == allow)
            #expect(response.text == (status == 404 ? #"{"error":"Not Found"}"# : #"{"error":"Method Not Allowed"}"#))
        }
    }

    @Test("route and method are checked before credentials (§1.8)")
    func routeBeforeAuth() async throws {
        try await withEmulator { emulator in
            let wrong = ["Authorization: Basic " + Data("jane@acme-store.com:wrong".utf8).base64EncodedString()]
            #expect(try emulator.raw("GET", "/api/v1/nope", extraHeaders: wrong).status == 404)
            #expect(try emulator.raw("DELETE", "/api/v1/contacts", extraHeaders: wrong).status == 405)
            #expect(try emulator.raw("GET", "/api/v1/contacts/nobody@example.com", extraHeaders: wrong).status == 401)
            let otherBrand = try RawHTTP.send(
                port: emulator.server.port,
                "GET /api/v1/contacts HTTP/1.1\r\nHost: globex.reamaze.io\r\nConnection: close\r\n\(wrong[0])\r\n\r\n")
            #expect(otherBrand.status == 401)
        }
    }

    @Test("every route also answers with .json on its last segment")
    func jsonSuffixEverywhere() async throws {
        try await withEmulator { emulator in
            _ = try await emulator.client.post("/contacts", BobExample.request)
            let paths = [
                "/contacts.json", "/contacts/bob@example.com.json", "/contacts/bob@example.com/identities.json",
                "/contacts/bob@example.com/notes.json",
            ]
            for path in paths {
                #expect(try await emulator.client.get(path).status == 200, "\(path)")
            }
            #expect(
                try await emulator.client.post("/contacts.json", #"{"contact": {"email": "n@x.io"}}"#).status == 200)
            #expect(
                try await emulator.client.put("/contacts/n@x.io.json", #"{"contact": {"name": "N"}}"#).status == 200)
            #expect(try await emulator.client.delete("/contacts/bob@example.com/notes/1.json").status == 200)
        }
    }
}

@Suite struct RequestBodyTests {
    @Test(
        "a body that is not JSON, or not an object, is 400",
        arguments: [
            ("{", #"{"error":"Malformed JSON in request body"}"#),
            (#"{"contact": }"#, #"{"error":"Malformed JSON in request body"}"#),
            (#"{"a": 1} trailing"#, #"{"error":"Malformed JSON in request body"}"#),
            (#"{"a": "\ud800"}"#, #"{"error":"Malformed JSON in request body"}"#),
            (#"{"a": 1e999}"#, #"{"error":"Malformed JSON in request body"}"#),
            (
                String(repeating: "[", count: 100) + String(repeating: "]", count: 100),
                #"{"error":"Malformed JSON in request body"}"#
            ),
            ("[]", #"{"error":"Request body must be a JSON object"}"#),
            (#""contact""#, #"{"error":"Request body must be a JSON object"}"#),
            ("null", #"{"error":"Request body must be a JSON object"}"#),
        ])
    func malformed(body: String, expected: String) async throws {
        try await withEmulator { emulator in
            let response = try await emulator.client.post("/contacts", body)
            #expect(response.status == 400)
            #expect(response.text == expected)
        }
    }

    @Test(
        "invalid UTF-8 and control characters in a body are 400, not a crash",
        arguments: [
            [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D],  // {"a":"\xC3("}
            [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x7D],  // an encoded surrogate
            [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0x00, 0x22, 0x7D],  // a raw NUL in a string
            [0xFF, 0xFE, 0x7B, 0x7D],
        ] as [[UInt8]])
    func invalidBytes(body: [UInt8]) async throws {
        try await withEmulator { emulator in
            let request = RawHTTP.request(
                "POST", "/api/v1/contacts", login: emulator.client.login, token: emulator.client.token,
                bodyBytes: body)
            let reply = try RawHTTP.send(port: emulator.server.port, bytes: request)
            #expect(reply.status == 400)
            #expect(reply.body == #"{"error":"Malformed JSON in request body"}"#)
        }
    }

    @Test("an empty body counts as {}; Content-Type is not checked")
    func emptyBody() async throws {
        try await withEmulator { emulator in
            let response = try await emulator.client.send(
                "POST", "/api/v1/contacts", body: "", headers: ["Content-Type": "text/plain"])
            #expect(response.status == 422)
            #expect(response.text == #"{"errors":{"contact":["is missing"]}}"#)
            let plain = try await emulator.client.send(
                "POST", "/api/v1/contacts", body: #"{"contact": {"email": "t@x.io"}}"#,
                headers: ["Content-Type": "text/plain"])
            #expect(plain.status == 200)
        }
    }

    @Test("a body over the limit is 413, after authentication, and nothing is written")
    func payloadTooLarge() async throws {
        try await withEmulator(configure: { $0.maxBodyBytes = 1_024 }) { emulator in
            // Over a raw socket: the server answers before reading such a body, and URLSession on Linux does not
            // read an answer that arrives while it is still sending.
            let big = #"{"contact": {"email": "big@x.io", "name": "\#(String(repeating: "x", count: 2_000))"}}"#
            let reply = try emulator.raw("POST", "/api/v1/contacts", body: big)
            #expect(reply.status == 413)
            #expect(reply.body == #"{"error":"Payload Too Large"}"#)
            let unauthenticated = try RawHTTP.send(
                port: emulator.server.port,
                RawHTTP.request("POST", "/api/v1/contacts", login: "jane@acme-store.com", token: "wrong", body: big))
            #expect(unauthenticated.status == 401)
            #expect(try await emulator.client.get("/contacts/big@x.io").status == 404)
            let small = try await emulator.client.post("/contacts", #"{"contact": {"email": "small@x.io"}}"#)
            #expect(small.status == 200, "the server keeps serving")
        }
    }

    @Test("a chunked body over the limit is discarded and answered 413")
    func chunkedTooLarge() async throws {
        try await withEmulator(configure: { $0.maxBodyBytes = 64 }) { emulator in
            let payload = #"{"contact": {"email": "c@x.io", "name": "\#(String(repeating: "y", count: 200))"}}"#
            let chunk = String(payload.utf8.count, radix: 16) + "\r\n" + payload + "\r\n0\r\n\r\n"
            var request = RawHTTP.request(
                "POST", "/api/v1/contacts", login: emulator.client.login, token: emulator.client.token,
                extraHeaders: ["Transfer-Encoding: chunked"])
            request += chunk
            let reply = try RawHTTP.send(port: emulator.server.port, request)
            #expect(reply.status == 413)
            #expect(reply.body == #"{"error":"Payload Too Large"}"#)
        }
    }
}
