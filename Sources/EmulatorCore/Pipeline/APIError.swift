import JSON
import MicroHTTP
import SQLiteStore

/// Field errors of a failed write, reported together in one 422 body (spec §1.7). Fields keep the order added.
public struct ValidationErrors: Error, Sendable, Equatable {
    /// The failing fields with their messages, in order.
    public private(set) var fields: [(field: String, messages: [String])] = []

    /// No errors yet.
    public init() {}

    /// True when nothing failed.
    public var isEmpty: Bool { fields.isEmpty }

    /// Adds `message` under `field`.
    public mutating func add(_ field: String, _ message: String) {
        if let index = fields.firstIndex(where: { $0.field == field }) {
            if !fields[index].messages.contains(message) { fields[index].messages.append(message) }
        } else {
            fields.append((field, [message]))
        }
    }

    /// Adds every error of `other` after these, merging fields both have.
    public mutating func append(_ other: ValidationErrors) {
        for field in other.fields { for message in field.messages { add(field.field, message) } }
    }

    /// True when `field` already has an error (later checks on it are skipped).
    public func has(_ field: String) -> Bool { fields.contains { $0.field == field } }

    /// Throws these errors (a 422) unless there are none.
    public func throwIfAny() throws(ValidationErrors) {
        if !isEmpty { throw self }
    }

    public static func == (lhs: ValidationErrors, rhs: ValidationErrors) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { $0.field == $1.field && $0.messages == $1.messages }
    }

    /// One error on one field.
    public static func single(_ field: String, _ message: String) -> ValidationErrors {
        var errors = ValidationErrors()
        errors.add(field, message)
        return errors
    }
}

/// An error that carries its own answer. Whatever is thrown on the way to a response either conforms (the API's
/// errors, validation errors, the control plane's and the fixtures') or is mapped by ``APIError/from(_:)``.
protocol HTTPResponseError: Error {
    /// The status, headers and JSON body to answer with.
    var response: HTTPResponse { get }
}

/// An error whose answer to the client says little (a Re:amaze-like 404) but whose reason the operator needs: it is
/// logged at info level and kept in the request's journal entry as its `note`.
protocol ExplainedError: HTTPResponseError {
    /// The reason, for the log and the journal; never sent to the client.
    var explanation: String { get }
}

extension ValidationErrors: HTTPResponseError {
    var response: HTTPResponse { APIError.validation(self).response }
}

extension FixtureError: HTTPResponseError {
    /// 422 `{"error":"<path>: <problem>"}`.
    var response: HTTPResponse { APIError.plain(422, description) }
}

/// Every error the API answers, rendered in exactly one place (``APIError/response``).
public enum APIError: HTTPResponseError, Sendable {
    case malformedJSON
    case bodyNotAnObject
    case unauthorized
    case forbidden
    case notFound
    case methodNotAllowed(allow: [String])
    case payloadTooLarge
    case uriTooLong
    case headersTooLarge
    case validation(ValidationErrors)
    case tooManyRequests(retryAfterSeconds: Int, limit: Int, resetEpochSeconds: Int)
    /// A write ran into a value that must be unique (or another constraint) in the store.
    case conflict(String)
    /// The store stayed locked past the busy timeout: try again.
    case storeBusy
    case serviceUnavailable
    case internalError

    /// The one mapping of anything thrown below `Emulator.handle` to its answer, for the API and the control plane
    /// alike. An ``HTTPResponseError`` answers for itself; a JSON syntax error is 400; a constraint the store
    /// enforces is a 409 naming the taken field, a store that stays locked a 503 with `Retry-After: 1`; any other
    /// SQLite failure and anything unexpected is a generic 500: the detail goes to the log, never to the client.
    static func from(_ error: any Error) -> any HTTPResponseError {
        switch error {
        case let known as any HTTPResponseError: known
        case is JSONParseError: APIError.malformedJSON
        case let store as SQLiteError where store.isBusy: APIError.storeBusy
        case let store as SQLiteError where store.isConstraintViolation:
            APIError.conflict(store.takenColumn.map { "\($0) has already been taken" } ?? "conflicts with stored data")
        default: APIError.internalError
        }
    }

    /// True for the errors that are the server's fault and must be logged with their cause.
    var isServerFault: Bool {
        if case .internalError = self { return true }
        return false
    }

    /// The HTTP response for this error, with the spec's exact body (§1.7).
    var response: HTTPResponse {
        switch self {
        case .malformedJSON: Self.plain(400, "Malformed JSON in request body")
        case .bodyNotAnObject: Self.plain(400, "Request body must be a JSON object")
        case .unauthorized:
            Self.plain(401, "Unauthorized", extraHeaders: [("WWW-Authenticate", "Basic realm=\"Reamaze\"")])
        case .forbidden: Self.plain(403, "Forbidden")
        case .notFound: Self.plain(404, "Not Found")
        case .methodNotAllowed(let allow):
            Self.plain(405, "Method Not Allowed", extraHeaders: [("Allow", allow.joined(separator: ", "))])
        case .payloadTooLarge: Self.plain(413, "Payload Too Large")
        case .uriTooLong: Self.plain(414, "URI Too Long")
        case .headersTooLarge: Self.plain(431, "Request Header Fields Too Large")
        case .validation(let errors):
            JSONResponse.make(status: 422) { writer in
                writer.object { writer in
                    writer.key("errors")
                    writer.object { writer in
                        for field in errors.fields {
                            writer.key(field.field)
                            writer.array { writer in for message in field.messages { writer.string(message) } }
                        }
                    }
                }
            }
        case .tooManyRequests(let seconds, let limit, let reset):
            Self.plain(
                429, "Too Many Requests",
                extraHeaders: [
                    ("Retry-After", String(max(1, seconds))), ("X-RateLimit-Limit", String(limit)),
                    ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", String(reset)),
                ])
        case .conflict(let message): Self.plain(409, message)
        case .storeBusy: Self.plain(503, "Service Unavailable", extraHeaders: [("Retry-After", "1")])
        case .serviceUnavailable: Self.plain(503, "Service Unavailable")
        case .internalError: Self.plain(500, "Internal Server Error")
        }
    }

    static func plain(_ status: Int, _ message: String, extraHeaders: [(String, String)] = [])
        -> HTTPResponse
    {
        var response = JSONResponse.make(status: status) { writer in
            writer.object { writer in writer.field("error", message) }
        }
        response.headers.append(contentsOf: extraHeaders.map { (name: $0.0, value: $0.1) })
        return response
    }
}

/// Builds every JSON response, errors included, with the one content type of spec §1.6.
enum JSONResponse {
    static let contentType = (name: "Content-Type", value: "application/json; charset=utf-8")

    static func make(status: Int = 200, _ body: (inout JSONWriter) -> Void) -> HTTPResponse {
        HTTPResponse(status: status, headers: [contentType], body: JSONWriter.encode(body))
    }
}
