import MicroHTTP

/// A handler of one route and method. It runs synchronously on the HTTP thread that received the request.
typealias RouteHandler = @Sendable (RequestContext) throws -> HTTPResponse

/// The methods the emulator routes. A request with any other method matches no handler (405 on a known path).
enum HTTPMethod: String, Sendable, CaseIterable {
    case get = "GET"
    case post = "POST"
    case put = "PUT"
    case delete = "DELETE"
}

/// The named path parameters a route captured, e.g. `identifier` in `contacts/:identifier`, percent-decoded.
struct PathParameters: Sendable, Equatable {
    private let values: [String: String]

    init(_ values: [String: String] = [:]) { self.values = values }

    /// The parameter's value.
    /// - Throws: ``MissingPathParameter`` when the route has no parameter of that name (a mistake in a route table,
    ///   answered as a logged 500, never a trap).
    func require(_ name: String) throws -> String {
        guard let value = values[name] else { throw MissingPathParameter(name: name) }
        return value
    }
}

/// A handler asked for a path parameter its route does not capture.
struct MissingPathParameter: Error, CustomStringConvertible {
    let name: String
    var description: String { "the route captures no path parameter named \(name)" }
}

/// One path pattern with its handlers per method; `Handler` is the API's or the control plane's handler type.
struct Route<Handler: Sendable>: Sendable {
    enum Segment: Sendable, Equatable {
        case literal(String)
        /// A path parameter, by name.
        case parameter(String)
    }

    let segments: [Segment]
    let handlers: [(method: HTTPMethod, handler: Handler)]
    /// The pattern as written, e.g. `contacts/:identifier/notes/:note_id`.
    let pattern: String

    /// A pattern such as `contacts/:identifier/notes/:note_id`: `:name` segments are path parameters.
    init(_ pattern: String, _ handlers: [(method: HTTPMethod, handler: Handler)]) {
        self.pattern = pattern
        segments = pattern.split(separator: "/").map {
            $0.hasPrefix(":") ? .parameter(String($0.dropFirst())) : .literal(String($0))
        }
        self.handlers = handlers
    }

    /// The methods this path serves, for the `Allow` header of a 405.
    var allowedMethods: [String] { handlers.map(\.method.rawValue) }
}

/// Matches decoded path segments to a route; 404 for an unknown path, 405 for another method.
struct Router<Handler: Sendable>: Sendable {
    let routes: [Route<Handler>]

    /// The handler and the path parameters of the first route whose pattern matches.
    /// - Throws: ``APIError/notFound`` or ``APIError/methodNotAllowed(allow:)``.
    func match(method: String, segments: [String]) throws -> (handler: Handler, parameters: PathParameters) {
        for route in routes where route.segments.count == segments.count {
            var parameters: [String: String] = [:]
            let matches = zip(route.segments, segments).allSatisfy { pattern, segment in
                switch pattern {
                case .literal(let literal): return literal == segment
                case .parameter(let name):
                    parameters[name] = segment
                    return true
                }
            }
            guard matches else { continue }
            guard let handler = route.handlers.first(where: { $0.method.rawValue == method })?.handler else {
                throw APIError.methodNotAllowed(allow: route.allowedMethods)
            }
            return (handler, PathParameters(parameters))
        }
        throw APIError.notFound
    }
}
