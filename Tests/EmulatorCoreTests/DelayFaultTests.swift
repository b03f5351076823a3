import EmulatorCore
import Foundation
import TestSupport
import Testing

/// A latency fault parks its connection instead of sleeping on a worker thread: other connections, of any tenant and
/// the health check included, are answered as if nothing were delayed.
@Suite struct DelayFaultTests {
    /// The Basic credentials of the test emulator, as a header line.
    static func authorization(_ emulator: EmulatorHandle) -> String {
        "Authorization: Basic " + Data("\(emulator.client.login):\(emulator.client.token)".utf8).base64EncodedString()
    }

    /// A GET on its own connection: its status (-1 when nothing came back, 0 when the connection was dropped) and the
    /// seconds it took.
    static func timedGet(port: Int, _ path: String, authorization: String, timeoutSeconds: Int = 10) -> (Int, Double) {
        let started = Date()
        let reply = try? RawHTTP.send(
            port: port, "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(authorization)\r\nConnection: close\r\n\r\n",
            timeoutSeconds: timeoutSeconds)
        return (reply?.status ?? -1, Date().timeIntervalSince(started))
    }

    /// Waits (bounded) until the fault rules have counted `hits` requests in all, i.e. the requests reached them.
    static func waitForHits(_ hits: Int, _ emulator: EmulatorHandle) async throws {
        for _ in 0..<500 {
            let rules = try #require(try await emulator.control("GET", "faults").object()["faults"] as? [[String: Any]])
            if rules.reduce(0, { $0 + ($1["hits"] as? Int ?? 0) }) >= hits { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("the delayed requests never reached the fault rules")
    }

    @Test(
        "with four 3 s delays and two delayed drops in flight, 12 keep-alive clients on other paths get every answer in under 0.5 s"
    )
    func delaysHoldNoWorker() async throws {
        try await withEmulator { emulator in
            let port = emulator.server.port
            let authorization = Self.authorization(emulator)
            _ = try await emulator.control(
                "POST", "faults", #"{"match": {"path": "/api/v1/staff"}, "action": {"delay_ms": 3000}}"#)
            _ = try await emulator.control(
                "POST", "faults",
                #"{"match": {"path": "/api/v1/channels/support"}, "action": {"delay_ms": 3000, "drop_connection": true}}"#
            )
            async let delayed = onThreads(6) { index in
                Self.timedGet(
                    port: port, index < 4 ? "/api/v1/staff" : "/api/v1/channels/support", authorization: authorization)
            }
            try await Self.waitForHits(6, emulator)

            let slowest = await onThreads(12) { client -> Double in
                guard let connection = try? RawHTTP.KeepAliveConnection(port: port) else { return .infinity }
                var slowest = 0.0
                for round in 0..<6 {
                    let path = ["/api/v1/contacts", "/api/v1/channels", "/__emulator/health"][(client + round) % 3]
                    let started = Date()
                    guard let reply = try? connection.send("GET", path, headers: [authorization]), reply.status == 200
                    else { return .infinity }
                    slowest = max(slowest, Date().timeIntervalSince(started))
                }
                return slowest
            }
            #expect(slowest.allSatisfy { $0 < 0.5 }, "slowest answer per client (s): \(slowest)")

            let answers = await delayed
            for (status, seconds) in answers.prefix(4) {
                #expect(status == 200)
                #expect(seconds >= 3.0, "a delayed answer came after \(seconds) s")
            }
            for (status, seconds) in answers.suffix(2) {
                #expect(status == 0, "a dropped connection answers nothing")
                #expect(seconds >= 3.0, "the connection was dropped after \(seconds) s")
            }
        }
    }

    @Test("stopping the server sends a parked answer at once instead of after its delay")
    func stopReleasesParkedConnections() async throws {
        try await withEmulator { emulator in
            let port = emulator.server.port
            let authorization = Self.authorization(emulator)
            _ = try await emulator.control(
                "POST", "faults", #"{"match": {"path": "/api/v1/staff"}, "action": {"delay_ms": 60000}}"#)
            async let delayed = onThreads(1) { _ in
                Self.timedGet(port: port, "/api/v1/staff", authorization: authorization, timeoutSeconds: 30)
            }
            try await Self.waitForHits(1, emulator)
            emulator.server.stop()
            let (status, seconds) = try #require(await delayed.first)
            #expect(status == 200)
            #expect(seconds < 30, "answered \(seconds) s after it was sent")
        }
    }

    @Test("a delayed request whose body is over the limit is read to its end, parked, then answered 413")
    func delayedOversizedBody() async throws {
        try await withEmulator { emulator in
            _ = try await emulator.control(
                "POST", "faults", #"{"match": {"path": "/api/v1/contacts"}, "action": {"delay_ms": 300}}"#)
            let started = Date()
            let reply = try emulator.raw(
                "POST", "/api/v1/contacts", body: String(repeating: "x", count: 1_100_000))
            #expect(reply.status == 413)
            #expect(reply.body == #"{"error":"Payload Too Large"}"#)
            #expect(Date().timeIntervalSince(started) >= 0.3)
        }
    }
}
