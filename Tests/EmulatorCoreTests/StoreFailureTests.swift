import Foundation
import Logging
import MicroHTTP
import SQLiteStore
import Synchronization
import TestSupport
import Testing

@testable import EmulatorCore

/// What a client sees when the store itself refuses: never a 500 for a constraint or a lock, and a 500 that does
/// happen leaves a log line an operator can act on.
@Suite struct StoreFailureTests {
    /// A real SQLite error, made by breaking a constraint in a private in-memory database.
    static func violation(_ script: String) throws -> SQLiteError {
        let connection = try Connection.open(path: ":memory:", migrations: [])
        do {
            try connection.executeScript(script)
        } catch let error as SQLiteError {
            return error
        }
        throw CancellationError()
    }

    @Test(
        "a violated constraint is a 409 that names the taken field, never a 500",
        arguments: [
            (
                "CREATE TABLE staff (email TEXT UNIQUE); INSERT INTO staff VALUES ('a'); INSERT INTO staff VALUES ('a');",
                #"{"error":"email has already been taken"}"#
            ),
            (
                "CREATE TABLE c (b INTEGER, slug TEXT, UNIQUE (b, slug)); INSERT INTO c VALUES (1, 's'), (1, 's');",
                #"{"error":"slug has already been taken"}"#
            ),
            (
                "CREATE TABLE k (v INTEGER CHECK (v > 0)); INSERT INTO k VALUES (0);",
                #"{"error":"conflicts with stored data"}"#
            ),
        ])
    func constraintIsConflict(script: String, body: String) throws {
        let response = APIError.from(try Self.violation(script)).response
        #expect(response.status == 409)
        #expect(String(decoding: response.body, as: UTF8.self) == body)
    }

    @Test("a store locked past the busy timeout answers 503 with Retry-After: 1, and the next try succeeds")
    func busyIsRetryable() async throws {
        try await withEmulator { emulator in
            let holder = try StoreProbe(path: emulator.databasePath)
            try holder.connection.executeScript("BEGIN IMMEDIATE")
            let refused = try emulator.raw("POST", "/api/v1/contacts", body: #"{"contact": {"email": "busy@x.io"}}"#)
            try holder.connection.executeScript("ROLLBACK")
            #expect(refused.status == 503)
            #expect(refused.body == #"{"error":"Service Unavailable"}"#)
            #expect(refused.head.contains("\r\nRetry-After: 1"))
            #expect(try await emulator.client.post("/contacts", #"{"contact": {"email": "busy@x.io"}}"#).status == 200)
        }
    }

    @Test("a 500 is logged once with the request id, the method and path, and the SQLite extended code")
    func serverErrorIsLogged() throws {
        let records = LogRecords()
        var configuration = EmulatorConfiguration()
        configuration.databasePath = ":memory:"
        let emulator = try Emulator(
            configuration: configuration, logger: Logger(label: "test") { _ in CapturingLogHandler(records: records) })
        try emulator.start()
        emulator.close()
        let credentials = Data("demo@example.com:demo-token".utf8).base64EncodedString()
        let response = emulator.handle(
            HTTPRequest(
                method: "GET", rawPath: "/api/v1/contacts", headers: [("Authorization", "Basic \(credentials)")]))
        #expect(response.status == 500)
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"error":"Internal Server Error"}"#)
        let errors = records.all.filter { $0.level == .error }
        #expect(errors.count == 1)
        let metadata = try #require(errors.first?.metadata)
        #expect(metadata["request_id"] == "1")
        #expect(metadata["method"] == "GET")
        #expect(metadata["path"] == "/api/v1/contacts")
        #expect(metadata["sqlite_code"] == "21")
    }
}

/// Log records kept for a test to read.
final class LogRecords: Sendable {
    struct Record: Sendable {
        let level: Logger.Level
        let message: String
        let metadata: [String: String]
    }

    private let records = Mutex<[Record]>([])

    func append(_ record: Record) { records.withLock { $0.append(record) } }
    var all: [Record] { records.withLock { $0 } }
}

/// A log handler that keeps every record in memory.
struct CapturingLogHandler: LogHandler {
    let records: LogRecords
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        records.append(
            .init(level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" }))
    }
}
