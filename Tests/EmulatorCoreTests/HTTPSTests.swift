import Foundation
import TestSupport
import Testing

/// HTTPS on the real host names (issue: clients that hard-code https://{brand}.reamaze.io work unchanged), checked
/// with curl's --resolve (the name resolves to loopback for curl alone) and --cacert (trust only the local CA).
@Suite struct HTTPSTests {
    /// Runs curl; its exit status and output.
    static func curl(_ arguments: [String]) throws -> (Int32, String) {
        let outcome = try ChildProcess.run("/usr/bin/curl", ["-s", "--max-time", "10"] + arguments)
        return (outcome.status, outcome.output)
    }

    /// Reads lines of the launched emulator's output until one starts with `prefix`.
    static func line(startingWith prefix: String, in launched: CommandLineTests.Launched) throws -> String {
        for _ in 0..<20 {
            guard let line = try launched.child.readLine() else { break }
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix(prefix) { return text }
        }
        throw CancellationError()
    }

    @Test("a client that hard-codes https://acme.reamaze.io reaches the emulator with a hosts entry and the CA file")
    func hardCodedHost() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("https-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let launched = try CommandLineTests.launch([
            "--port", "0", "--https-port", "0", "--database", ":memory:", "--tls-dir", directory,
            "--login", "jane@acme-store.com", "--token", "9f2c1e7d4b6a", "--brand", "acme",
        ])
        let httpsLine = try Self.line(startingWith: "also HTTPS: https://127.0.0.1:", in: launched)
        let httpsPort = try #require(httpsLine.split(separator: ":").last.map(String.init))
        let ca = directory + "/ca.pem"

        let (verified, body) = try Self.curl([
            "--resolve", "acme.reamaze.io:\(httpsPort):127.0.0.1", "--cacert", ca, "-u",
            "jane@acme-store.com:9f2c1e7d4b6a",
            "https://acme.reamaze.io:\(httpsPort)/api/v1/channels/support",
        ])
        #expect(verified == 0)
        #expect(body.contains(#""brand":{"name":"Acme","url":"acme.example.com"}"#), "the brand comes from the Host")

        let (created, conversation) = try Self.curl([
            "--resolve", "acme.reamaze.io:\(httpsPort):127.0.0.1", "--cacert", ca, "-u",
            "jane@acme-store.com:9f2c1e7d4b6a",
            "-X", "POST", "-d",
            #"{"conversation": {"subject": "TLS", "category": "support", "message": {"body": "hi"}, "user": {"email": "bob@example.com"}}}"#,
            "https://acme.reamaze.io:\(httpsPort)/api/v1/conversations",
        ])
        #expect(created == 0)
        #expect(conversation.contains(#""perma_url":"https://acme.reamaze.io:\#(httpsPort)/admin/conversations/tls""#))

        let (refused, _) = try Self.curl([
            "--resolve", "api.example.org:\(httpsPort):127.0.0.1", "--cacert", ca,
            "https://api.example.org:\(httpsPort)/__emulator/health",
        ])
        #expect(refused == 60, "a name outside the certificate fails verification")
        let (untrusted, _) = try Self.curl(["https://127.0.0.1:\(httpsPort)/__emulator/health"])
        #expect(untrusted == 60, "without the CA, the certificate is not trusted")

        let plainPort = try #require(launched.baseURL.split(separator: ":").last.map(String.init))
        let (plain, health) = try Self.curl(["http://127.0.0.1:\(plainPort)/__emulator/health"])
        #expect(plain == 0)
        #expect(health.contains(#""status":"ok""#), "plain HTTP still works beside HTTPS")

        // Garbage where a TLS ClientHello belongs must not disturb other connections.
        let garbage = try RawHTTP.send(
            port: Int(httpsPort) ?? 0, "\u{16}\u{03}\u{01}\u{00}\u{05}hello garbage\r\n\r\n", timeoutSeconds: 2)
        #expect(garbage.status == 0)
        let (after, _) = try Self.curl(["--cacert", ca, "https://localhost:\(httpsPort)/__emulator/health"])
        #expect(after == 0)
    }

    @Test("the local CA is created once and reused on the next start")
    func reusesAuthority() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("https-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var authorities: [Data] = []
        for _ in 0..<2 {
            let launched = try CommandLineTests.launch([
                "--port", "0", "--database", ":memory:", "--tls-dir", directory,
            ])
            #expect(launched.firstLine.hasPrefix("reamaze-emulator listening on https://127.0.0.1:"))
            let port = try #require(launched.firstLine.split(separator: ":").last.map(String.init))
            let (status, _) = try Self.curl([
                "--cacert", directory + "/ca.pem", "https://localhost:\(port)/__emulator/health",
            ])
            #expect(status == 0)
            launched.child.send(SIGTERM)
            launched.child.wait()
            authorities.append(try Data(contentsOf: URL(fileURLWithPath: directory + "/ca.pem")))
        }
        #expect(authorities[0] == authorities[1])
    }

    @Test(
        "TLS settings that do not fit are refused",
        arguments: [
            (["--tls-cert", "/nonexistent.pem"], "--tls-cert and --tls-key go together"),
            (["--https-port", "8443"], "--https-port needs --tls-cert and --tls-key, or --tls-dir"),
            (["--tls-cert", "/nonexistent.pem", "--tls-key", "/nonexistent.pem"], "cannot read the TLS certificate"),
        ])
    func refusals(arguments: [String], message: String) throws {
        let (status, text) = try CommandLineTests.runToExit(["--port", "0", "--database", ":memory:"] + arguments)
        #expect(status != 0)
        #expect(text.contains(message), "stderr: \(text)")
    }
}
