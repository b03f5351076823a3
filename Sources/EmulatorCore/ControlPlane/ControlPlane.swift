import JSON
import MicroHTTP
import SQLiteStore

/// A control-plane request: what its handler needs.
struct ControlContext {
    let emulator: Emulator
    let request: HTTPRequest
    /// The route's named path parameters, percent-decoded.
    let pathParameters: PathParameters
    /// The JSON object body; `{}` when empty.
    let body: JSONObject

    /// The first query parameter of that name.
    func query(_ name: String) -> String? { request.query.first { $0.name == name }?.value }

    /// An integer query parameter, or nil when absent.
    /// - Throws: a 400 when it is not an integer.
    func intQuery(_ name: String) throws -> Int? {
        guard let text = query(name) else { return nil }
        guard let value = Int(text) else { throw ControlError.badRequest("\(name) must be an integer") }
        return value
    }

    /// `http://{Host}` as the caller reached the emulator.
    var baseURL: String {
        let host = request.header("Host").map(\.trimmed).flatMap { $0.isEmpty ? nil : $0 }
        return "http://" + (host ?? "\(emulator.configuration.host):\(emulator.configuration.port)")
    }
}

/// What a control-plane handler refuses with: a status and a `{"error": "..."}` body.
struct ControlError: HTTPResponseError {
    let status: Int
    let message: String
    var extraHeaders: [(String, String)] = []

    static func badRequest(_ message: String) -> ControlError { ControlError(status: 400, message: message) }
    static func notFound(_ message: String) -> ControlError { ControlError(status: 404, message: message) }
    static func conflict(_ message: String) -> ControlError { ControlError(status: 409, message: message) }
    /// A missing or wrong admin token.
    static let unauthorized = ControlError(
        status: 401, message: "Unauthorized",
        extraHeaders: [("WWW-Authenticate", "Bearer realm=\"reamaze-emulator\"")])

    var response: HTTPResponse { APIError.plain(status, message, extraHeaders: extraHeaders) }
}

typealias ControlHandler = @Sendable (ControlContext) throws -> HTTPResponse

/// `/__emulator/*`: health, tenants, resets, state, snapshots, the request journal, faults, settings and the clock.
/// JSON in and out; protected by `--admin-token` when set (health excepted, so health checks need no secret).
struct ControlPlane {
    let emulator: Emulator

    /// A state import (`PUT /__emulator/state`) may be a whole store, far larger than an API body. Every other
    /// control-plane call takes small JSON and keeps the API's limit, so an unauthenticated caller cannot make the
    /// server buffer and parse hundreds of megabytes anywhere else.
    static let maxStateBodyBytes = 256 << 20

    /// The body limit of a raw request path: the state import's, or nil for the server's own.
    static func maxBodyBytes(forRawPath path: String) -> Int? {
        path == "/__emulator/state" || path == "/__emulator/state.json" ? maxStateBodyBytes : nil
    }

    static let router = Router<ControlHandler>(
        routes: [
            Route("health", [(.get, HealthAndSettings.health)]),
            Route("openapi.yaml", [(.get, HealthAndSettings.openAPI)]),
            Route("config", [(.get, HealthAndSettings.config), (.put, HealthAndSettings.updateConfig)]),
            Route("clock", [(.get, HealthAndSettings.clock), (.put, HealthAndSettings.setClock)]),
            Route("accounts", [(.get, Tenants.list), (.post, Tenants.create)]),
            Route("accounts/:id", [(.delete, Tenants.delete)]),
            Route("accounts/:id/reset", [(.post, Tenants.reset)]),
            Route("reset", [(.post, StateControl.resetAll)]),
            Route("state", [(.get, StateControl.export), (.put, StateControl.importState)]),
            Route("snapshots", [(.get, StateControl.listSnapshots), (.post, StateControl.saveSnapshot)]),
            Route("snapshots/:name", [(.delete, StateControl.deleteSnapshot)]),
            Route("snapshots/:name/restore", [(.post, StateControl.restoreSnapshot)]),
            Route("requests", [(.get, JournalControl.list), (.delete, JournalControl.clear)]),
            Route("faults", [(.get, FaultControl.list), (.post, FaultControl.add), (.delete, FaultControl.clear)]),
            Route("faults/:id", [(.delete, FaultControl.remove)]),
        ])

    /// Answers a control-plane request; what it throws is rendered by the one error mapping, as for the API.
    func handle(_ request: HTTPRequest) throws -> HTTPResponse {
        let segments = try Emulator.decodedSegments(Array(request.rawSegments.dropFirst()))
        let route = try Self.router.match(method: request.method, segments: segments)
        if let token = emulator.configuration.adminToken, segments != ["health"], segments != ["openapi.yaml"] {
            let expected = Array("Bearer \(token)".utf8)
            let given = Array((request.header("Authorization") ?? "").trimmed.utf8)
            guard Authenticator.constantTimeEquals(expected, given) else { throw ControlError.unauthorized }
        }
        let body: JSONObject
        do {
            body = try Emulator.parseBody(request.body)
        } catch {
            throw ControlError.badRequest("the body must be a JSON object")
        }
        if request.bodyExceededLimit { throw APIError.payloadTooLarge }
        return try route.handler(
            ControlContext(emulator: emulator, request: request, pathParameters: route.parameters, body: body))
    }
}

/// Typed reads of control-plane bodies; a wrong type is a 400 naming the field.
extension JSONObject {
    func controlString(_ key: String) throws -> String? {
        switch self[key] {
        case nil, .null: return nil
        case .string(let text): return Formats.isBlank(text) ? nil : text.trimmed
        default: throw ControlError.badRequest("\(key) must be a string")
        }
    }

    func controlInt(_ key: String) throws -> Int? {
        switch self[key] {
        case nil, .null: return nil
        case .number(let literal):
            guard let value = Int(literal) else { throw ControlError.badRequest("\(key) must be an integer") }
            return value
        default: throw ControlError.badRequest("\(key) must be an integer")
        }
    }

    func controlBool(_ key: String) throws -> Bool? {
        switch self[key] {
        case nil, .null: return nil
        case .bool(let flag): return flag
        default: throw ControlError.badRequest("\(key) must be true or false")
        }
    }

    func controlObject(_ key: String) throws -> JSONObject? {
        switch self[key] {
        case nil, .null: return nil
        case .object(let object): return object
        default: throw ControlError.badRequest("\(key) must be an object")
        }
    }
}

/// The version reported by the health check.
public enum EmulatorVersion {
    /// This build's version.
    public static let current = "0.1.0"
}
