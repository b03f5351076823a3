import JSON
import Logging
import MicroHTTP
import SQLiteStore
import Synchronization

/// The emulator's request pipeline over one store: the API (routing, authentication, brand, faults, rate limit,
/// body, handler, error mapping) and the control plane under `/__emulator`.
public final class Emulator: Sendable {
    /// The configuration it was created with.
    public let configuration: EmulatorConfiguration
    let database: Database
    let logger: Logger
    let clock: EmulatorClock
    let settings: RuntimeSettings
    let rateLimiter = RateLimiter()
    let journal: Journal
    let faults = FaultScript()
    let snapshots = SnapshotStore()
    let startedAt = ContinuousClock.now
    private let ready = Atomic<Bool>(false)
    private let router: Router<RouteHandler>
    private let requestCounter = Atomic<Int>(0)

    /// Opens (or creates) the store and brings its schema up to date. Requests answer 503 until ``start(fixtures:)``.
    /// - Throws: ``DatabaseOpenError`` when the database cannot be opened or brought up to date.
    public init(configuration: EmulatorConfiguration, environment: EmulatorEnvironment = .live, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        self.clock = EmulatorClock(base: environment.now)
        self.settings = RuntimeSettings(
            .init(rateLimit: configuration.rateLimit, authFailureStatus: configuration.authFailureStatus))
        self.journal = Journal(capacity: configuration.journalSize)
        do {
            self.database = try Database(path: configuration.databasePath, migrations: Schema.migrations)
        } catch let error as SQLiteError {
            throw DatabaseOpenError(path: configuration.databasePath, reason: error.message)
        }
        self.router = Router(
            routes: ContactsHandlers.routes + IdentitiesHandlers.routes + NotesHandlers.routes
                + ConversationsHandlers.routes + MessagesHandlers.routes + ChannelsHandlers.routes
                + StaffHandlers.routes)
    }

    /// Loads fixtures into an empty database, makes sure the bootstrap user and brand exist, remembers that state for
    /// `POST /__emulator/reset`, and starts answering requests.
    /// - Returns: false when fixtures were given but skipped because the database already held data.
    /// - Throws: ``FixtureError`` for bad fixtures, ``SQLiteStore/SQLiteError`` when the store fails.
    @discardableResult
    public func start(fixtures: [UInt8]? = nil) throws -> Bool {
        let now = clock.now()
        let loaded = try database.write { connection in
            let isEmpty = try AccountRepository(connection: connection).oldestID() == nil
            if isEmpty, let fixtures { try FixtureLoader(connection: connection, now: now).load(fixtures) }
            try bootstrap(connection, now: now)
            return fixtures == nil || isEmpty
        }
        snapshots.keepStartup(try database.snapshot())
        ready.store(true, ordering: .releasing)
        return loaded
    }

    /// Whether ``start(fixtures:)`` has finished.
    public var isReady: Bool { ready.load(ordering: .acquiring) }

    /// Makes sure the configured login, token and brand exist; part of every start and every state import.
    func bootstrap(_ connection: Connection, now: Timestamp) throws {
        try Bootstrap(connection: connection, now: now).ensure(
            login: configuration.login, token: configuration.token, brand: configuration.brand)
    }

    /// The API's routes as OpenAPI path templates with their methods, e.g. `/api/v1/contacts/{identifier}`: GET, PUT.
    public var apiRoutes: [(path: String, methods: [String])] {
        router.routes.map { route in
            let path = route.pattern.split(separator: "/").map {
                $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0)
            }
            return ("/api/v1/" + path.joined(separator: "/"), route.allowedMethods)
        }
    }

    /// Closes the store; requests after this answer 500.
    public func close() { database.close() }

    /// Answers one request. Never throws and never crashes: every failure becomes a JSON error response. A latency
    /// fault answers with a deferred response (``MicroHTTP/HTTPResponse/deferral``): the rest of the request runs
    /// when the delay is over, and no worker thread waits meanwhile.
    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        if let page = Console.response(for: request) { return page }
        let exchange = Exchange(
            request: request, id: requestCounter.add(1, ordering: .relaxed).newValue, started: ContinuousClock.now)
        return answer(exchange) { accountID in
            try Self.checkHeadSize(request)
            if !isReady, !exchange.isControlPlane || request.rawPath != "/__emulator/health" {
                throw APIError.serviceUnavailable
            }
            return try exchange.isControlPlane
                ? ControlPlane(emulator: self).handle(request) : process(exchange, &accountID)
        }
    }

    /// One request on its way through the pipeline: what the journal and the log need when it is answered.
    struct Exchange: Sendable {
        let request: HTTPRequest
        let id: Int
        let started: ContinuousClock.Instant
        var isControlPlane: Bool { request.rawPath == "/__emulator" || request.rawPath.hasPrefix("/__emulator/") }
    }

    /// Runs `body`, maps what it throws to the error response, then journals and logs the answer. A deferred answer
    /// is journaled and logged by the `answer` that makes it, when it is made.
    private func answer(
        _ exchange: Exchange, accountID knownAccountID: Int? = nil, _ body: (inout Int?) throws -> HTTPResponse
    ) -> HTTPResponse {
        var accountID = knownAccountID
        let response: HTTPResponse
        do {
            response = try body(&accountID)
        } catch {
            let rendered = APIError.from(error)
            if (rendered as? APIError)?.isServerFault == true {
                var metadata: Logger.Metadata = [
                    "request_id": "\(exchange.id)", "method": "\(exchange.request.method)",
                    "path": "\(exchange.request.rawPath)", "error": "\(String(describing: error))",
                ]
                if let store = error as? SQLiteError { metadata["sqlite_code"] = "\(store.code)" }
                logger.error("request failed", metadata: metadata)
            }
            response = rendered.response
        }
        if response.deferral != nil { return response }
        let request = exchange.request
        let elapsed = ContinuousClock.now - exchange.started
        if !exchange.isControlPlane {
            let now = clock.now()
            journal.record { id in
                JournalEntry(
                    id: id, time: now, method: request.method, path: request.rawPath, query: request.query,
                    status: response.dropsConnection ? 0 : response.status, durationMilliseconds: elapsed.milliseconds,
                    accountID: accountID, requestBytes: Journal.kept(request.body),
                    responseBytes: Journal.kept(response.body))
            }
        }
        logger.debug(
            "request",
            metadata: [
                "request_id": "\(exchange.id)", "method": "\(request.method)", "path": "\(request.rawPath)",
                "status": "\(response.status)", "duration_ms": "\(elapsed.milliseconds)",
            ])
        return response
    }

    /// The order of checks of spec §1.8: route and method, authentication, brand, scripted faults, rate limit, body
    /// size, JSON, then the handler.
    private func process(_ exchange: Exchange, _ accountID: inout Int?) throws -> HTTPResponse {
        let request = exchange.request
        let segments = try Self.apiSegments(request.rawSegments)
        let route = try router.match(method: request.method, segments: segments)
        let host = request.header("Host")
        let authorization = request.header("Authorization")
        // Who and which brand, in one visit to the store: authentication first, then the brand (§1.8).
        let (staff, brand) = try database.read { connection in
            let staff: StaffUser
            do {
                staff = try Authenticator(connection: connection).authenticate(authorization: authorization)
            } catch APIError.unauthorized {
                throw settings.values.authFailureStatus == .forbidden ? APIError.forbidden : APIError.unauthorized
            }
            accountID = staff.accountID
            return (staff, try BrandResolver(connection: connection).resolve(host: host, accountID: staff.accountID))
        }
        guard let fault = faults.action(method: request.method, path: request.rawPath, accountID: staff.accountID)
        else { return try proceed(request, route: route, staff: staff, brand: brand, host: host) }
        let (milliseconds, outcome) = Self.outcome(of: fault) { [self] in
            try proceed(request, route: route, staff: staff, brand: brand, host: host)
        }
        guard milliseconds > 0 else { return try outcome() }
        return .deferred(milliseconds: milliseconds) { [self] in
            answer(exchange, accountID: staff.accountID) { _ in try outcome() }
        }
    }

    /// The rest of the order of checks, after authentication, brand and faults: rate limit, body size, JSON, handler.
    private func proceed(
        _ request: HTTPRequest, route: (handler: RouteHandler, parameters: PathParameters), staff: StaffUser,
        brand: Brand, host: String?
    ) throws -> HTTPResponse {
        let now = clock.now()
        if let refusal = rateLimiter.admit(staffID: staff.id, limit: settings.values.rateLimit, now: now) {
            throw refusal
        }
        if request.bodyExceededLimit { throw APIError.payloadTooLarge }
        let body = try Self.parseBody(request.body)
        let context = RequestContext(
            staff: staff, brand: brand, parameters: Parameters(query: request.query, body: body),
            body: body, pathParameters: route.parameters, now: now, database: database, requestHost: host,
            isSecure: request.isSecure)
        return try route.handler(context)
    }

    /// What a fault does: how long to wait first, then what answers (the rest of the pipeline for a pure delay).
    private static func outcome(
        of fault: FaultAction, otherwise rest: @escaping @Sendable () throws -> HTTPResponse
    ) -> (milliseconds: Int, @Sendable () throws -> HTTPResponse) {
        switch fault {
        case .delay(let milliseconds):
            return (milliseconds, rest)
        case .drop(let milliseconds):
            return (milliseconds, { .dropConnection })
        case .respond(let milliseconds, let status, let headers, let body):
            var response =
                body.map { body in JSONResponse.make(status: status) { $0.value(body) } }
                ?? APIError.plain(status, HTTPStatus.reason(status))
            response.headers += headers
            return (milliseconds, { [response] in response })
        }
    }

    /// Longest request target (path and query) and largest header block answered: beyond them, a JSON 414 or 431.
    /// (Request heads larger than libmicrohttpd's 16 KiB connection pool it refuses itself, before any handler.)
    static let maxTargetBytes = 8 * 1_024
    static let maxHeaderBytes = 8 * 1_024

    static func checkHeadSize(_ request: HTTPRequest) throws {
        let target =
            request.rawPath.utf8.count + request.query.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 2 }
        if target > maxTargetBytes { throw APIError.uriTooLong }
        let headers = request.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
        if headers > maxHeaderBytes { throw APIError.headersTooLarge }
    }

    /// The decoded segments below `/api/v1`, with one `.json` suffix removed from the last raw segment (spec §1.12)
    /// and each segment percent-decoded exactly once (§1.11).
    static func apiSegments(_ raw: [Substring]) throws -> [String] {
        guard raw.count >= 2, raw[0] == "api", raw[1] == "v1" else { throw APIError.notFound }
        return try decodedSegments(Array(raw.dropFirst(2)))
    }

    /// Removes one `.json` suffix from the last raw segment and percent-decodes each segment once.
    static func decodedSegments(_ raw: [Substring]) throws -> [String] {
        var rest = raw
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

/// The database file cannot be opened (a missing directory, no permission, not a SQLite file) or migrated.
public struct DatabaseOpenError: Error, CustomStringConvertible, Sendable {
    /// The path as configured.
    public let path: String
    /// SQLite's reason.
    public let reason: String

    /// `cannot open database '/x/y.sqlite': unable to open database file`.
    public var description: String { "cannot open database '\(path)': \(reason)" }
}

extension Duration {
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1_000 + Double(attoseconds) / 1e15
    }
}
