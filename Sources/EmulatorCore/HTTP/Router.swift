import MicroHTTP

/// A handler of one route and method. It runs synchronously on the HTTP thread that received the request.
typealias RouteHandler = @Sendable (RequestContext) throws -> HTTPResponse

/// One path pattern with its handlers per method; `Handler` is the API's or the control plane's handler type.
struct Route<Handler: Sendable>: Sendable {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case capture
    }

    let segments: [Segment]
    let handlers: [(method: String, handler: Handler)]
    /// The pattern as written, e.g. `contacts/:identifier/notes/:note_id`.
    let pattern: String

    /// A pattern such as `contacts/:identifier/notes/:note_id`.
    init(_ pattern: String, _ handlers: [(method: String, handler: Handler)]) {
        self.pattern = pattern
        segments = pattern.split(separator: "/").map { $0.hasPrefix(":") ? .capture : .literal(String($0)) }
        self.handlers = handlers
    }

    /// The methods this path serves, for the `Allow` header of a 405.
    var allowedMethods: [String] { handlers.map(\.method) }
}

/// Matches decoded path segments to a route; 404 for an unknown path, 405 for another method.
struct Router<Handler: Sendable>: Sendable {
    let routes: [Route<Handler>]

    /// The handler and the captured segments, in pattern order.
    /// - Throws: ``APIError/notFound`` or ``APIError/methodNotAllowed(allow:)``.
    func match(method: String, segments: [String]) throws -> (handler: Handler, captures: [String]) {
        for route in routes where route.segments.count == segments.count {
            var captures: [String] = []
            let matches = zip(route.segments, segments).allSatisfy { pattern, segment in
                switch pattern {
                case .literal(let literal): return literal == segment
                case .capture:
                    captures.append(segment)
                    return true
                }
            }
            guard matches else { continue }
            guard let handler = route.handlers.first(where: { $0.method == method })?.handler else {
                throw APIError.methodNotAllowed(allow: route.allowedMethods)
            }
            return (handler, captures)
        }
        throw APIError.notFound
    }
}
