import Logging
import MicroHTTP
import SQLiteStore
import Synchronization

/// The emulator's request pipeline over one store: routing, authentication, brand, body, handler, error mapping.
public final class Emulator: Sendable {
    /// The configuration it was created with.
    public let configuration: EmulatorConfiguration
    let database: Database
    let environment: EmulatorEnvironment
    let logger: Logger
    private let router: Router
    private let requestCounter = Atomic<Int>(0)

    /// Opens (or creates) the store, loads fixtures into an empty one, and makes sure the bootstrap user and brand
    /// exist.
    /// - Throws: ``SQLiteStore/SQLiteError`` when the database cannot be opened, ``FixtureError`` for bad fixtures.
    public init(
        configuration: EmulatorConfiguration, environment: EmulatorEnvironment = .live, logger: Logger,
        fixtures: [UInt8]? = nil
    ) throws {
        self.configuration = configuration
        self.environment = environment
        self.logger = logger
        self.database = try Database(path: configuration.databasePath, migrations: Schema.migrations)
        self.router = Router(
            routes: ContactsHandlers.routes + IdentitiesHandlers.routes + NotesHandlers.routes
                + ConversationsHandlers.routes + MessagesHandlers.routes + ChannelsHandlers.routes
                + StaffHandlers.routes)
        let now = environment.now()
        try database.write { connection in
            let isEmpty = try connection.queryOne("SELECT count(*) FROM accounts") { $0.int(0) } == 0
            if isEmpty, let fixtures { try FixtureLoader(connection: connection, now: now).load(fixtures) }
            try Bootstrap(connection: connection, now: now).ensure(
                login: configuration.login, token: configuration.token, brand: configuration.brand)
        }
    }

    /// Closes the store; requests after this answer 500.
    public func close() { database.close() }

    /// Answers one request. Never throws and never crashes: every failure becomes a JSON error response.
    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        let started = ContinuousClock.now
        let requestID = requestCounter.add(1, ordering: .relaxed).newValue
        let response: HTTPResponse
        do {
            response = try process(request)
        } catch {
            let apiError = APIError.from(error)
            if apiError.isServerFault {
                logger.error(
                    "request failed", metadata: ["request_id": "\(requestID)", "error": "\(String(describing: error))"])
            }
            response = apiError.response
        }
        logger.debug(
            "request",
            metadata: [
                "request_id": "\(requestID)", "method": "\(request.method)", "path": "\(request.rawPath)",
                "status": "\(response.status)", "duration_ms": "\((ContinuousClock.now - started).milliseconds)",
            ])
        return response
    }

    /// The order of checks of spec §1.8: route and method, authentication, brand, body size, JSON, then the handler.
    private func process(_ request: HTTPRequest) throws -> HTTPResponse {
        let segments = try Self.apiSegments(request.rawSegments)
        let route = try router.match(method: request.method, segments: segments)
        let staff: StaffUser
        do {
            staff = try Authenticator(database: database).authenticate(authorization: request.header("Authorization"))
        } catch APIError.unauthorized {
            throw configuration.authFailureStatus == .forbidden ? APIError.forbidden : APIError.unauthorized
        }
        let host = request.header("Host")
        let brand = try BrandResolver(database: database).resolve(host: host, accountID: staff.accountID)
        if request.bodyExceededLimit { throw APIError.payloadTooLarge }
        let body = try Self.parseBody(request.body)
        let context = RequestContext(
            staff: staff, brand: brand, parameters: Parameters(query: request.query, body: body),
            body: body, captures: route.captures, now: environment.now(), database: database, requestHost: host)
        return try route.handler(context)
    }

    /// The decoded segments below `/api/v1`, with one `.json` suffix removed from the last raw segment (spec §1.12)
    /// and each segment percent-decoded exactly once (§1.11).
    static func apiSegments(_ raw: [Substring]) throws -> [String] {
        guard raw.count >= 2, raw[0] == "api", raw[1] == "v1" else { throw APIError.notFound }
        var rest = Array(raw.dropFirst(2))
        if let last = rest.last, last.hasSuffix(".json") { rest[rest.count - 1] = last.dropLast(5) }
        return try rest.map { segment in
            guard let decoded = PercentDecoding.decodePathSegment(segment) else { throw APIError.notFound }
            return decoded
        }
    }

    /// An empty body is `{}` (spec §1.5); anything else must be a JSON object.
    static func parseBody(_ bytes: [UInt8]) throws -> JSONObject {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) { return JSONObject() }
        guard let object = try JSONParser.parse(bytes).objectValue else { throw APIError.bodyNotAnObject }
        return object
    }
}

extension Duration {
    fileprivate var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1_000 + Double(attoseconds) / 1e15
    }
}
