import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What the binary promises when it is killed, and what it never writes down.
@Suite struct CrashAndSecrecyTests {
    @Test(
        "SIGKILL during a stream of writes: after a restart the database is intact and every acknowledged write is there"
    )
    func crashSafety() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("crash.sqlite").path
        let launched = try CommandLineTests.launch(["--port", "0", "--database", database, "--log-level", "error"])
        let port = try #require(Int(launched.firstLine.split(separator: ":").last ?? ""))
        let pid = launched.child.pid
        let acknowledged = Acknowledged()
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for index in 0..<400 {
                        let email = "w\(worker)-\(index)@crash.io"
                        let body = #"{"contact": {"name": "Crash", "email": "\#(email)", "notes": ["n"]}}"#
                        guard
                            let reply = try? RawHTTP.send(
                                port: port,
                                RawHTTP.request(
                                    "POST", "/api/v1/contacts", login: "demo@example.com", token: "demo-token",
                                    body: body),
                                timeoutSeconds: 5),
                            reply.status == 200
                        else { return }
                        if acknowledged.add(email) == 120 { kill(pid, SIGKILL) }
                    }
                }
            }
        }
        #expect(launched.child.wait() == .signaled(SIGKILL))
        let saved = acknowledged.all
        #expect(saved.count >= 120)

        let restarted = try CommandLineTests.launch(["--port", "0", "--database", database, "--log-level", "error"])
        let probe = try StoreProbe(path: database)
        #expect(try probe.connection.queryOne("PRAGMA integrity_check") { $0.string(0) } == "ok")
        #expect(try probe.connection.query("PRAGMA foreign_key_check") { $0.string(0) }.isEmpty)
        let stored = Set(
            try probe.connection.query("SELECT identifier FROM identities WHERE identifier LIKE '%@crash.io'") {
                $0.string(0)
            })
        let missing = saved.subtracting(stored)
        #expect(missing.isEmpty, "acknowledged but lost: \(missing.sorted().prefix(5))")
        let (status, _) = try await CommandLineTests.get(
            "\(restarted.baseURL)/api/v1/contacts/\(saved.first ?? "")", login: "demo@example.com", token: "demo-token")
        #expect(status == 200)
    }

    @Test("credentials, tokens and passwords never reach the log, even at trace level")
    func nothingSecretLogged() async throws {
        let token = "s3cr3t-token-value"
        let launched = try CommandLineTests.launch([
            "--port", "0", "--database", ":memory:", "--log-level", "trace", "--token", token,
        ])
        let port = try #require(Int(launched.firstLine.split(separator: ":").last ?? ""))
        let requests = [
            RawHTTP.request("GET", "/api/v1/contacts", login: "demo@example.com", token: token),
            RawHTTP.request("GET", "/api/v1/contacts", login: "demo@example.com", token: "wr0ng-token-value"),
            RawHTTP.request(
                "POST", "/api/v1/staff", login: "demo@example.com", token: token,
                body: #"{"staff": {"email": "new@example.com", "password": "hunter2-password"}}"#),
            RawHTTP.request(
                "GET", "/api/v1/contacts?q=" + String(repeating: "x", count: 9_000), login: "a", token: token),
        ]
        for request in requests { _ = try RawHTTP.send(port: port, request) }
        launched.child.send(SIGTERM)
        launched.child.wait()
        let log = launched.child.errors
        #expect(log.contains("request"), "the log has request lines to look at")
        for secret in [
            token, "wr0ng-token-value", "hunter2-password",
            Data("demo@example.com:\(token)".utf8).base64EncodedString(),
        ] {
            #expect(!log.contains(secret), "\(secret) in the log")
        }
    }
}

/// The acknowledged writes of concurrent workers.
final class Acknowledged: @unchecked Sendable {
    private let lock = NSLock()
    private var emails: Set<String> = []

    /// Adds one and returns how many there are now.
    func add(_ email: String) -> Int {
        lock.withLock {
            emails.insert(email)
            return emails.count
        }
    }

    var all: Set<String> { lock.withLock { emails } }
}
