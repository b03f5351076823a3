import JSON
import Logging
import MicroHTTP
import SQLiteStore
import Synchronization

/// The emulator over one store: the console, the Re:amaze API under `/api/v1` and the control plane under
/// `/__emulator`, three route groups on one ``Router``, each with its own pipeline of steps.
public final class Emulator: Sendable {
    /// The configuration it was created with.
    public let configuration: EmulatorConfiguration
    let database: Database
    let logger: Logger
    let clock: EmulatorClock
    private let readiness = Readiness()
    private let snapshots = SnapshotStore()
    private let bootstrap: Bootstrap
    private let apiGroup: RouteGroup<RequestContext>
    private let router: Router
    private let requestCounter = Atomic<Int>(0)

    /// Opens (or creates) the store and brings its schema up to date. Requests answer 503 until ``start(fixtures:)``.
    /// - Throws: ``DatabaseOpenError`` when the database cannot be opened or brought up to date.
    public init(configuration: EmulatorConfiguration, environment: EmulatorEnvironment = .live, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        let clock = EmulatorClock(base: environment.now)
        self.clock = clock
        let database: Database
        do {
            database = try Database(
                path: configuration.databasePath, migrations: Schema.migrations, newDatabase: Schema.newDatabase,
                watching: CredentialCache.sourceTables.union(ShownRecordCache.sourceTables))
        } catch let error as SQLiteError {
            throw DatabaseOpenError(path: configuration.databasePath, reason: error.message)
        }
        self.database = database
        bootstrap = Bootstrap(login: configuration.login, token: configuration.token, brand: configuration.brand)
        let settings = RuntimeSettings(
            .init(rateLimit: configuration.rateLimit, authFailureStatus: configuration.authFailureStatus))
        let (rateLimiter, journal, faults) = (
            RateLimiter(), Journal(capacity: configuration.journalSize), FaultScript()
        )

        apiGroup = RouteGroup(
            prefix: ["api", "v1"],
            routes: ContactRoutes.routes + IdentityRoutes.routes + NoteRoutes.routes
                + ConversationRoutes.routes + MessageRoutes.routes + ChannelRoutes.routes
                + StaffRoutes.routes + ArticleRoutes.routes + ResponseTemplateRoutes.routes
                + SatisfactionRatingRoutes.routes + StatusPageRoutes.routes + ReportRoutes.routes)
        // The order in which a client meets the API's checks (spec §1.8): head size, readiness, route and method,
        // authentication and brand, scripted faults, the rate limit, the access_reports permission of the routes that
        // need it, the body size, the JSON body, the handler (a write that arrives while another runs waits in the
        // write queue, and runs in a group committed once).
        let api = Pipeline(
            apiGroup,
            before: [
                RequestLogging(), Journaling(journal: journal, clock: clock), HeadSizeLimit(),
                ReadinessGate(readiness: readiness), RouteFound(),
            ],
            context: Authentication(
                database: database, settings: settings, clock: clock, cache: CredentialCache(),
                shownRecords: ShownRecordCache()
            ).context(for:),
            after: [
                FaultInjection(faults: faults, clock: clock), RateLimiting(limiter: rateLimiter, settings: settings),
                ReportAccess(),
                BodySizeLimit(), JSONBody(), GroupCommit(queue: WriteQueue(database: database)),
            ])

        let control = Pipeline(
            RouteGroup(
                prefix: ["__emulator"],
                routes: HealthAndSettings(
                    readiness: readiness, settings: settings, rateLimiter: rateLimiter, clock: clock,
                    journalCapacity: journal.capacity
                ).routes
                    + Tenants(
                        database: database, clock: clock, listeningHost: "\(configuration.host):\(configuration.port)"
                    )
                    .routes
                    + StateControl(database: database, snapshots: snapshots, clock: clock, bootstrap: bootstrap).routes
                    + Seeding(database: database, clock: clock).routes
                    + JournalControl(journal: journal).routes + FaultControl(faults: faults).routes),
            before: [RequestLogging(), HeadSizeLimit(), ReadinessGate(readiness: readiness), RouteFound()]
                + (configuration.adminToken.map { [AdminToken($0)] } ?? []) + [BodySizeLimit()],
            context: ControlContext.init(exchange:), after: [])

        let consolePage = Console(
            login: configuration.login, token: configuration.token, adminToken: configuration.adminToken)
        let console = Pipeline(
            RouteGroup(prefix: [], routes: consolePage.routes), claimsOnlyItsRoutes: true, steps: [RouteFound()])

        // The API last: it answers every path no other group owns (a journaled 404).
        router = Router(groups: [console, control, api])
    }

    /// Loads fixtures into an empty database, makes sure the bootstrap user and brand exist, remembers that state for
    /// `POST /__emulator/reset`, and starts answering requests.
    /// - Returns: false when fixtures were given but skipped because the database already held data.
    /// - Throws: ``FixtureError`` for bad fixtures, ``SQLiteStore/SQLiteError`` when the store fails.
    @discardableResult
    public func start(fixtures: [UInt8]? = nil) throws -> Bool {
        try start(parsing: fixtures.map(FixtureParse.init))
    }

    /// ``start(fixtures:)`` with fixtures whose parsing has already begun.
    func start(parsing fixtures: FixtureParse?) throws -> Bool {
        let now = clock.now()
        let loaded = try database.write { connection in
            let isEmpty = try AccountRepository(connection: connection).oldestID() == nil
            if isEmpty, let fixtures {
                try FixtureLoader(connection: connection, now: now).load(document: try fixtures.document())
            }
            try bootstrap.ensure(connection, now: now)
            return fixtures == nil || isEmpty
        }
        snapshots.keepStartup(try database.snapshot())
        readiness.markReady()
        return loaded
    }

    /// Whether ``start(fixtures:)`` has finished.
    public var isReady: Bool { readiness.isReady }

    /// The API's routes as OpenAPI path templates with their methods, e.g. `/api/v1/contacts/{identifier}`: GET, PUT.
    public var apiRoutes: [(path: String, methods: [String])] { apiGroup.documentedRoutes }

    /// The body limit of the route a raw request path reaches (the state import's), or nil for the server's own.
    public func maxBodyBytes(forRawPath path: String) -> Int? { router.maxBodyBytes(forRawPath: path) }

    /// Closes the store and deletes the copies kept for resets and snapshots; requests after this answer 500.
    public func close() {
        database.close()
        snapshots.removeAll()
    }

    /// Answers one request. Never throws and never crashes: every failure becomes a JSON error response. A latency
    /// fault answers with a deferred response (``MicroHTTP/HTTPResponse/deferral``): the rest of the request runs
    /// when the delay is over, and no worker thread waits meanwhile. An API write that arrives while another runs
    /// answers with a handed-over response (``MicroHTTP/HTTPResponse/handOver``): it runs once started, and its
    /// answer is handed over once committed.
    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        router.respond(to: request, id: requestCounter.add(1, ordering: .relaxed).newValue, logger: logger)
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
