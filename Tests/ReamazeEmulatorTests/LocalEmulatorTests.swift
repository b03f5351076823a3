import Foundation
import ReamazeEmulator
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The README's example: a Swift Testing suite that runs its client against an in-process emulator.
@Suite struct LocalEmulatorTests {
    /// What a client under test would do: an authenticated JSON request to the base URL.
    func call(_ method: String, _ path: String, _ body: String? = nil, login: String, token: String, base: URL)
        async throws -> (Int, [String: Any])
    {
        var request = URLRequest(url: base.appendingPathComponent(path))
        request.httpMethod = method
        request.setValue(
            "Basic " + Data("\(login):\(token)".utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
        request.httpBody = body.map { Data($0.utf8) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, json)
    }

    @Test("start, call, reset, stop")
    func lifecycle() async throws {
        let emulator = try LocalEmulator.start()
        defer { emulator.stop() }
        #expect(emulator.baseURL.absoluteString == "http://127.0.0.1:\(emulator.port)/api/v1")
        let (created, contact) = try await call(
            "POST", "contacts", #"{"contact": {"name": "Bob", "email": "bob@example.com"}}"#,
            login: emulator.login, token: emulator.token, base: emulator.baseURL)
        #expect(created == 200)
        #expect(contact["email"] as? String == "bob@example.com")
        try emulator.reset()
        let (status, page) = try await call(
            "GET", "contacts", login: emulator.login, token: emulator.token, base: emulator.baseURL)
        #expect(status == 200)
        #expect(page["total_count"] as? Int == 0)
    }

    @Test("stop frees the port: the next emulator starts on the same one and answers there")
    func restartOnSamePort() async throws {
        let first = try LocalEmulator.start()
        let port = first.port
        first.stop()
        let second = try LocalEmulator.start(port: port)
        defer { second.stop() }
        let (status, _) = try await call(
            "GET", "contacts", login: second.login, token: second.token, base: second.baseURL)
        #expect(status == 200)
    }

    @Test("tenants isolate parallel tests that share one emulator")
    func tenants() async throws {
        let emulator = try LocalEmulator.start(fixtures: Data(#"{"accounts": []}"#.utf8))
        defer { emulator.stop() }
        let first = try emulator.createTenant(name: "first \"suite\"")
        let second = try emulator.createTenant()
        #expect(first.accountID != second.accountID)
        _ = try await call(
            "POST", "contacts", #"{"contact": {"email": "only-first@example.com"}}"#, login: first.login,
            token: first.token, base: first.baseURL)
        let (_, seen) = try await call(
            "GET", "contacts", login: second.login, token: second.token, base: second.baseURL)
        #expect(seen["total_count"] as? Int == 0)
    }
}
