import EmulatorCore
import Foundation
import JSON
import Logging
import MicroHTTP

/// A Re:amaze emulator inside the test process: a real HTTP server on loopback that a client under test calls.
///
/// ```swift
/// let emulator = try LocalEmulator.start()
/// defer { emulator.stop() }
/// // point the client at emulator.baseURL with emulator.login / emulator.token
/// ```
public final class LocalEmulator: Sendable {
    /// Where the emulator keeps its data.
    public enum Storage: Sendable {
        /// A private in-memory database, gone at `stop()`.
        case memory
        /// A SQLite file, kept across runs.
        case file(String)
    }

    /// An isolated account created with ``createTenant(name:)``: its own brand, channel and credentials.
    public struct Tenant: Sendable {
        /// The account's id, for the control plane.
        public let accountID: Int
        /// Basic-auth user name.
        public let login: String
        /// Basic-auth password (the API token).
        public let token: String
        /// The brand's host label.
        public let brand: String
        /// `http://127.0.0.1:PORT/api/v1`.
        public let baseURL: URL
    }

    /// Why a control call failed.
    public struct ControlError: Error, CustomStringConvertible {
        /// The HTTP status answered.
        public let status: Int
        /// The body answered.
        public let body: String

        public var description: String { "control call failed with \(status): \(body)" }
    }

    private let server: EmulatorServer

    /// `http://127.0.0.1:PORT/api/v1`, the base URL to give a Re:amaze client.
    public let baseURL: URL
    /// The bootstrap staff login (Basic-auth user name).
    public let login: String
    /// The bootstrap API token (Basic-auth password).
    public let token: String
    /// The bootstrap brand's host label.
    public let brand: String

    private init(server: EmulatorServer) {
        self.server = server
        let configuration = server.configuration
        baseURL = URL(string: "\(server.baseURL)/api/v1")!
        login = configuration.login
        token = configuration.token
        brand = configuration.brand
    }

    /// Starts an emulator on loopback.
    /// - Parameters:
    ///   - port: 0 (the default) picks a free port.
    ///   - storage: `.memory` (the default) or a SQLite file.
    ///   - fixtures: a fixtures document (README, "Fixtures format") loaded into an empty database.
    ///   - login: the bootstrap staff login.
    ///   - token: its API token.
    ///   - brand: the bootstrap brand's host label.
    ///   - logger: where the emulator logs; silent by default.
    /// - Throws: a start error (port taken, bad fixtures, database not writable).
    public static func start(
        port: Int = 0, storage: Storage = .memory, fixtures: Data? = nil, login: String = "demo@example.com",
        token: String = "demo-token", brand: String = "demo",
        logger: Logger = Logger(label: "reamaze-emulator", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws -> LocalEmulator {
        var configuration = EmulatorConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = port
        switch storage {
        case .memory: configuration.databasePath = ":memory:"
        case .file(let path): configuration.databasePath = path
        }
        configuration.login = login
        configuration.token = token
        configuration.brand = brand
        let server = try EmulatorServer(
            configuration: configuration, logger: logger, fixtures: fixtures.map { Array($0) })
        return LocalEmulator(server: server)
    }

    /// The port the emulator listens on.
    public var port: Int { server.port }

    /// Everything back to the start-up state (fixtures and bootstrap), in milliseconds.
    /// - Throws: ``ControlError`` if the store refuses.
    public func reset() throws {
        _ = try control("POST", "reset")
    }

    /// Creates an isolated account: nothing it holds is visible to other credentials.
    /// - Throws: ``ControlError`` if the store refuses.
    public func createTenant(name: String? = nil) throws -> Tenant {
        let body = name.map { #"{"name":\#(Self.quoted($0))}"# } ?? "{}"
        guard case .object(let answer) = try JSONParser.parse(try control("POST", "accounts", body: body)),
            case .number(let id)? = answer["account_id"], let accountID = Int(id),
            case .string(let login)? = answer["login"], case .string(let token)? = answer["token"],
            case .string(let brand)? = answer["brand"]
        else { throw ControlError(status: 500, body: "unexpected answer") }
        return Tenant(accountID: accountID, login: login, token: token, brand: brand, baseURL: baseURL)
    }

    /// Stops the server and closes the store; calling it again does nothing.
    public func stop() { server.stop() }

    /// Calls the control plane in-process, through the same pipeline HTTP requests take.
    private func control(_ method: String, _ path: String, body: String = "") throws -> [UInt8] {
        let response = server.emulator.handle(
            HTTPRequest(
                method: method, rawPath: "/__emulator/\(path)", headers: [("Host", "127.0.0.1:\(port)")],
                body: Array(body.utf8)))
        guard response.status == 200 else {
            throw ControlError(status: response.status, body: String(decoding: response.body, as: UTF8.self))
        }
        return response.body
    }

    private static func quoted(_ text: String) -> String {
        String(decoding: JSONWriter.encode { $0.string(text) }, as: UTF8.self)
    }
}
