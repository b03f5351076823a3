import EmulatorCore
import Foundation
import Logging
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The pinned start of every test's clock: 2026-11-25T23:40:00.123Z.
let testEpoch = Timestamp.parse("2026-11-25T23:40:00.123Z")!

/// A clock that stands still until a test moves it, so expected JSON is byte-stable.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = testEpoch

    var now: Timestamp { lock.withLock { current } }

    func set(_ iso8601: String) {
        guard let stamp = Timestamp.parse(iso8601) else { fatalError("bad test time \(iso8601)") }
        lock.withLock { current = stamp }
    }

    func advance(milliseconds: Int64) {
        lock.withLock { current = Timestamp(milliseconds: current.milliseconds + milliseconds) }
    }
}

/// What a test sees of a running emulator.
struct EmulatorHandle {
    let server: EmulatorServer
    let client: TestClient
    let clock: TestClock
    let databasePath: String

    /// A client with other credentials or a Host header.
    func client(login: String? = nil, token: String? = nil, host: String? = nil) -> TestClient {
        var client = self.client
        if let login { client.login = login }
        if let token { client.token = token }
        client.host = host
        return client
    }
}

/// Starts a real emulator on port 0 with a fresh temporary database, runs `body`, and always stops it.
func withEmulator<T>(
    fixtures: String? = TestFixtures.acme,
    configure: (inout EmulatorConfiguration) -> Void = { _ in },
    _ body: (EmulatorHandle) async throws -> T
) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("reamaze-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    var configuration = EmulatorConfiguration()
    configuration.port = 0
    configuration.databasePath = directory.appendingPathComponent("test.sqlite").path
    configuration.login = "jane@acme-store.com"
    configuration.token = "9f2c1e7d4b6a"
    configuration.brand = "acme"
    configuration.threadCount = 2
    configure(&configuration)
    let clock = TestClock()
    let server = try EmulatorServer(
        configuration: configuration, environment: EmulatorEnvironment { clock.now },
        logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
        fixtures: fixtures.map { Array($0.utf8) })
    defer { server.stop() }
    let client = TestClient(
        baseURL: "http://127.0.0.1:\(server.port)", login: configuration.login, token: configuration.token)
    return try await body(
        EmulatorHandle(server: server, client: client, clock: clock, databasePath: configuration.databasePath))
}
