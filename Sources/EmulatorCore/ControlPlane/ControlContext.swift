import JSON
import MicroHTTP

/// A control-plane request as its handler sees it. Handlers are methods of small services that hold only what they
/// use (the journal, the fault script, the store…), never the whole emulator.
struct ControlContext: PipelineContext {
    let exchange: Exchange
    /// The JSON object body; `{}` when empty.
    let body: JSONObject

    /// Parses the body: anything but a JSON object (or nothing) is a 400.
    init(exchange: Exchange) throws {
        self.exchange = exchange
        do {
            body = try JSONBody.parse(exchange.request.body)
        } catch {
            throw ControlError.badRequest("the body must be a JSON object")
        }
    }

    /// The route's named path parameters, percent-decoded.
    var pathParameters: PathParameters { (try? exchange.route.get().parameters) ?? PathParameters() }

    /// The first query parameter of that name.
    func query(_ name: String) -> String? { exchange.request.query.first { $0.name == name }?.value }

    /// An integer query parameter, or nil when absent.
    /// - Throws: a 400 when it is not an integer.
    func intQuery(_ name: String) throws -> Int? {
        guard let text = query(name) else { return nil }
        guard let value = Int(text) else { throw ControlError.badRequest("\(name) must be an integer") }
        return value
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
