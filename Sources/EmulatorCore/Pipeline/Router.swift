import MicroHTTP

/// The methods the emulator routes. A request with any other method matches no handler (405 on a known path).
enum HTTPMethod: String, Sendable, CaseIterable {
    case get = "GET"
    case head = "HEAD"
    case post = "POST"
    case put = "PUT"
    case delete = "DELETE"

    init?(rawValue: String) {
        guard let method = Self.scanning(rawValue) else { return nil }
        self = method
    }

    /// Whether a request of this method only reads (GET, HEAD): every other may write.
    var onlyReads: Bool { self == .get || self == .head }
}

/// The named path parameters a route captured, e.g. `identifier` in `contacts/:identifier`, percent-decoded.
struct PathParameters: Sendable, Equatable {
    /// In the pattern's order. A route has two at most, so a look-up compares names: no dictionary is made, hashed
    /// and freed for every request (``CredentialCache`` says what that saved).
    private let pairs: [(name: String, value: String)]

    init(_ pairs: [(name: String, value: String)] = []) { self.pairs = pairs }

    /// The parameter's value.
    /// - Throws: ``MissingPathParameter`` when the route has no parameter of that name (a mistake in a route table,
    ///   answered as a logged 500, never a trap).
    func require(_ name: String) throws -> String {
        guard let pair = pairs.first(where: { $0.name == name }) else { throw MissingPathParameter(name: name) }
        return pair.value
    }

    /// The same names with the same values, in any order.
    static func == (lhs: PathParameters, rhs: PathParameters) -> Bool {
        lhs.pairs.count == rhs.pairs.count
            && lhs.pairs.allSatisfy { pair in rhs.pairs.contains { $0.name == pair.name && $0.value == pair.value } }
    }

    /// The parameter as an internal id: nil unless it is all ASCII decimal digits (no sign, no spaces), so that an id
    /// nobody can have is a 404 like an unknown one.
    func decimalID(_ name: String) throws -> Int? {
        let given = try require(name)
        guard !given.isEmpty, given.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        return Int(given)
    }
}

/// A handler asked for a path parameter its route does not capture.
struct MissingPathParameter: Error, CustomStringConvertible {
    let name: String
    var description: String { "the route captures no path parameter named \(name)" }
}

/// What a route allows that its group's pipeline otherwise refuses.
struct RouteOptions: OptionSet, Sendable {
    let rawValue: Int
    /// Answered while start-up is still running (every other route is 503 until then): the health check.
    static let availableWhileStarting = RouteOptions(rawValue: 1 << 0)
    /// Answered without the control plane's admin token: the health check and the OpenAPI document.
    static let withoutAdminToken = RouteOptions(rawValue: 1 << 1)
    /// Needs a staff user with the `access_reports` permission (satisfaction ratings, reports): 403 otherwise.
    static let needsReportAccess = RouteOptions(rawValue: 1 << 2)
}

/// A route's path pattern with the methods it serves, its body limit and options: everything matching needs, and
/// nothing of its handlers' type, so that matching is the same plain code for every group.
struct RoutePattern: Sendable {
    enum Segment: Sendable, Equatable {
        case literal(String)
        /// A path parameter, by name.
        case parameter(String)
    }

    let segments: [Segment]
    let methods: [HTTPMethod]
    /// The largest body this route reads, when it is not the server's limit.
    let maxBodyBytes: Int?
    let options: RouteOptions

    /// The methods this path serves, for the `Allow` header of a 405.
    var allowedMethods: [String] { methods.map(\.rawValue) }

    /// The path parameters when `path` (decoded segments) fits the pattern.
    func parameters(matching path: [String]) -> PathParameters? {
        guard path.count == segments.count else { return nil }
        // The literals first: a table tries several patterns of a path's length, and only the one that fits needs
        // its parameters stored (pairs kept for a pattern that then failed would be allocated for nothing).
        for case (.literal(let literal), let segment) in zip(segments, path) where literal != segment { return nil }
        return PathParameters(
            zip(segments, path).compactMap { pattern, segment in
                guard case .parameter(let name) = pattern else { return nil }
                return (name, segment)
            })
    }
}

/// One path pattern with its handler per method; `Context` is what its group's handlers receive.
struct Route<Context>: Sendable {
    typealias Handler = @Sendable (Context) throws -> HTTPResponse

    let pattern: RoutePattern
    /// In the order of `pattern.methods`.
    let handlers: [Handler]

    /// A pattern such as `contacts/:identifier/notes/:note_id`: `:name` segments are path parameters.
    init(
        _ pattern: String, _ handlers: [(method: HTTPMethod, handler: Handler)], maxBodyBytes: Int? = nil,
        options: RouteOptions = []
    ) {
        self.pattern = RoutePattern(
            segments: pattern.split(separator: "/").map {
                $0.hasPrefix(":") ? .parameter(String($0.dropFirst())) : .literal(String($0))
            }, methods: handlers.map(\.method), maxBodyBytes: maxBodyBytes, options: options)
        self.handlers = handlers.map(\.handler)
    }
}

/// Which route and handler a request reached, by position in its group's table, with the path parameters.
struct RouteMatch: Sendable {
    let routeIndex: Int
    let handlerIndex: Int
    let parameters: PathParameters
    let options: RouteOptions
}

/// The patterns of one group, in order: the first that fits a path answers it.
struct RouteTable: Sendable {
    let patterns: [RoutePattern]

    /// The route and method `path` (decoded, below the group's prefix) reaches.
    /// - Throws: ``APIError/notFound`` or ``APIError/methodNotAllowed(allow:)``.
    func match(method: String, path: [String]) throws(APIError) -> RouteMatch {
        for (routeIndex, pattern) in patterns.enumerated() {
            guard let parameters = pattern.parameters(matching: path) else { continue }
            guard let handlerIndex = pattern.methods.firstIndex(where: { $0.rawValue == method }) else {
                throw .methodNotAllowed(allow: pattern.allowedMethods)
            }
            return RouteMatch(
                routeIndex: routeIndex, handlerIndex: handlerIndex, parameters: parameters, options: pattern.options)
        }
        throw .notFound
    }

    /// Whether some pattern fits `path`, whatever the method.
    func hasRoute(for path: [String]) -> Bool { patterns.contains { $0.parameters(matching: path) != nil } }

    /// Whether some pattern has that many segments: a cheap test before a path is decoded.
    func hasRoute(ofDepth depth: Int) -> Bool { patterns.contains { $0.segments.count == depth } }

    /// Whether some route has a body limit of its own.
    var hasBodyLimits: Bool { patterns.contains { $0.maxBodyBytes != nil } }

    /// The body limit of the first pattern that fits `path`.
    func maxBodyBytes(path: [String]) -> Int? { patterns.first { $0.parameters(matching: path) != nil }?.maxBodyBytes }
}

/// The routes of one group under its path prefix.
struct RouteGroup<Context>: Sendable {
    /// The raw path segments the group owns, e.g. `["api", "v1"]`; empty for the console's paths at the root.
    let prefix: [Substring]
    let routes: [Route<Context>]
    let table: RouteTable

    init(prefix: [Substring], routes: [Route<Context>]) {
        self.prefix = prefix
        self.routes = routes
        table = RouteTable(patterns: routes.map(\.pattern))
    }

    /// The route and method `path` (decoded, below the prefix) reaches.
    /// - Throws: ``APIError/notFound`` or ``APIError/methodNotAllowed(allow:)``.
    func match(method: String, path: [String]) throws(APIError) -> RouteMatch {
        try table.match(method: method, path: path)
    }

    /// The handler a match names.
    func handler(_ match: RouteMatch) -> Route<Context>.Handler {
        routes[match.routeIndex].handlers[match.handlerIndex]
    }

    /// The routes as OpenAPI path templates with their methods, e.g. `/api/v1/contacts/{identifier}`: GET, PUT.
    var documentedRoutes: [(path: String, methods: [String])] {
        table.patterns.map { pattern in
            let path = pattern.segments.map { segment in
                switch segment {
                case .literal(let literal): literal
                case .parameter(let name): "{\(name)}"
                }
            }
            return ("/" + (prefix.map(String.init) + path).joined(separator: "/"), pattern.allowedMethods)
        }
    }
}

/// Splits a request path into what the router matches: the raw segments, a `.json` suffix removed from the last one
/// (Re:amaze accepts `/contacts.json` for `/contacts`), each segment percent-decoded exactly once.
enum RequestPath {
    /// The decoded segments after `prefix`, or nil when a segment is not valid percent-encoded UTF-8.
    static func decodedSegments(_ raw: ArraySlice<Substring>) -> [String]? {
        var decoded: [String] = []
        decoded.reserveCapacity(raw.count)
        for index in raw.indices {
            var segment = raw[index]
            // The bytes first: only a segment whose UTF-8 ends in `.json` can end in those characters, and comparing
            // characters (as `hasSuffix` does, grapheme by grapheme) costs more than the bytes.
            if index == raw.endIndex - 1, segment.utf8.count >= 5, segment.utf8.suffix(5).elementsEqual(".json".utf8),
                segment.hasSuffix(".json")
            {
                segment = segment.dropLast(5)
            }
            guard let text = PercentDecoding.decodePathSegment(segment) else { return nil }
            decoded.append(text)
        }
        return decoded
    }
}
