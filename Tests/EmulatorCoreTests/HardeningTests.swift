import EmulatorCore
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Limits and failure modes: what a hostile or broken client gets, and that the server keeps serving others.
@Suite struct HardeningTests {
    @Test("a request target over 8 KiB is 414 and headers over 8 KiB are 431, both as JSON")
    func headLimits() async throws {
        try await withEmulator { emulator in
            let longPath = "/api/v1/contacts/" + String(repeating: "a", count: 9_000)
            let uri = try emulator.raw("GET", longPath)
            #expect(uri.status == 414)
            #expect(uri.body == #"{"error":"URI Too Long"}"#)
            let longQuery = try emulator.raw("GET", "/api/v1/contacts?q=" + String(repeating: "b", count: 9_000))
            #expect(longQuery.status == 414)
            let headers = try emulator.raw(
                "GET", "/api/v1/contacts", extraHeaders: ["X-Padding: " + String(repeating: "c", count: 9_000)])
            #expect(headers.status == 431)
            #expect(headers.body == #"{"error":"Request Header Fields Too Large"}"#)
            #expect(try await emulator.client.get("/contacts").status == 200, "the server keeps serving")
        }
    }

    @Test("a slow client that never finishes its request is cut off after the connection timeout")
    func slowClient() async throws {
        try await withEmulator(configure: { $0.connectionTimeoutSeconds = 1 }) { emulator in
            let partial = "GET /api/v1/contacts HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
            let reply = try RawHTTP.send(port: emulator.server.port, partial, timeoutSeconds: 8)
            #expect(reply.closedByServer, "the server closed the connection before the client's own 8 s timeout")
            #expect(try await emulator.client.get("/contacts").status == 200)
        }
    }

    @Test("a connection over the limit waits unanswered; freeing one lets it in, and it is answered")
    func connectionLimit() async throws {
        try await withEmulator(configure: { $0.connectionLimit = 3 }) { emulator in
            let port = emulator.server.port
            // Three keep-alive connections, each answered once: the server holds all three open.
            var held = try (0..<3).map { _ in try RawHTTP.KeepAliveConnection(port: port) }
            for connection in held { #expect(try connection.send("GET", "/__emulator/health").status == 200) }
            let fourth = try RawHTTP.connect(port: port)
            defer { close(fourth) }
            let request = Array("GET /__emulator/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8)
            #expect(request.withUnsafeBytes { write(fourth, $0.baseAddress, $0.count) } == request.count)
            var buffer = [UInt8](repeating: 0, count: 4_096)
            var wait = timeval(tv_sec: 1, tv_usec: 0)
            setsockopt(fourth, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
            #expect(read(fourth, &buffer, buffer.count) < 0, "no answer (and no close) while three are held")
            held.removeAll()
            wait = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(fourth, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
            let count = read(fourth, &buffer, buffer.count)
            #expect(String(decoding: buffer.prefix(max(0, count)), as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        }
    }

    @Test("a key sent twice keeps its last value, deterministically")
    func duplicateKeys() async throws {
        try await withEmulator { emulator in
            let response = try await emulator.client.post(
                "/contacts", #"{"contact": {"email": "first@x.io", "name": "A", "email": "second@x.io"}}"#)
            #expect(response.status == 200)
            let contact = try response.object()
            #expect(contact["email"] as? String == "second@x.io")
            #expect(try await emulator.client.get("/contacts/first@x.io").status == 404)
        }
    }

    @Test(
        "hostile strings in every parameter are stored and matched literally, never as SQL",
        arguments: [
            "' OR '1'='1", "\"; DROP TABLE contacts; --", "%", "_", "\\", "a'b\"c", "Robert'); DELETE FROM staff;--",
        ])
    func injection(hostile: String) async throws {
        try await withEmulator { emulator in
            let json = String(
                decoding: try JSONSerialization.data(withJSONObject: [hostile], options: []), as: UTF8.self)
            let quoted = String(json.dropFirst().dropLast())
            let created = try await emulator.client.post(
                "/contacts",
                #"{"contact": {"name": \#(quoted), "email": "safe@x.io", "id": \#(quoted), "data": {"k": \#(quoted)}, "notes": [\#(quoted)]}}"#
            )
            #expect(created.status == 200)
            _ = try await emulator.client.post("/contacts", #"{"contact": {"name": "Plain", "email": "plain@x.io"}}"#)
            let stored = try created.object()
            #expect(stored["name"] as? String == hostile)
            #expect(stored["id"] as? String == hostile)
            let encoded = hostile.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let search = try await emulator.client.get("/contacts?q=\(encoded)").object()
            #expect(search["total_count"] as? Int == 1, "matched literally, not as a pattern")
            let filtered = try await emulator.client.get("/contacts?data%5Bk%5D=\(encoded)").object()
            #expect(filtered["total_count"] as? Int == 1)
            let twitter = try await emulator.client.post(
                "/contacts/safe@x.io/identities", #"{"identity": {"type": "instagram", "identifier": \#(quoted)}}"#)
            #expect(twitter.status == 200)
            let lookup = try await emulator.client.get("/contacts/\(encoded)?identifier_type=instagram")
            #expect(lookup.status == 200)
            #expect(try await emulator.client.get("/staff").object()["total_count"] as? Int == 3, "staff untouched")
            #expect(try await emulator.client.get("/contacts").object()["total_count"] as? Int == 2)
        }
    }
}
