import JSON
import MicroHTTP
import SQLiteStore

/// HTTP Basic authentication, then the brand from the `Host` header, in at most one visit to the store (none while
/// the ``CredentialCache`` holds them) (spec §1.8): the step that turns the exchange into an API handler's
/// ``RequestContext``. A failed login is 401, or 403 when the
/// control plane says so; a brand that is not the account's is 404.
struct Authentication: Sendable {
    let database: Database
    let settings: RuntimeSettings
    let clock: EmulatorClock
    let cache: CredentialCache
    let shownRecords: ShownRecordCache

    func context(for exchange: Exchange) throws -> RequestContext {
        let request = exchange.request
        // Read before any of the request's reads begins, as both caches require.
        let generation = database.watchedTablesGeneration
        let (staff, brand) = try refusingAs(settings.values.authFailureStatus) {
            try authenticate(
                authorization: request.header("Authorization"), host: request.header("Host"), generation: generation
            ) { exchange.accountID = $0 }
        }
        return RequestContext(
            exchange: exchange, staff: staff, brand: brand, database: database,
            shownRecords: ShownRecords(cache: shownRecords, database: database, generation: generation),
            now: clock.now())
    }

    /// The staff user and brand of these headers: from the cache while no staff user, brand or account has changed
    /// since they were read (the token still compared), else from one read of the store. `identified` gets the
    /// account as soon as the login is known, so that a refusal of the brand is journaled under it.
    private func authenticate(
        authorization: String?, host: String?, generation: UInt64, identified: (Int) -> Void
    ) throws -> (StaffUser, Brand) {
        guard let authorization else { throw APIError.unauthorized }
        let known = cache.lookUp(authorization: authorization, host: host, generation: generation)
        if let (credentials, cached) = known, let cached {
            guard Authenticator.constantTimeEquals(cached.token, credentials.token) else {
                throw APIError.unauthorized
            }
            identified(cached.staff.accountID)
            return (cached.staff, cached.brand)
        }
        let credentials = try known?.0 ?? Self.credentials(authorization: authorization, host: host)
        let (staff, token, brand) = try database.read { connection in
            let (staff, token) = try Authenticator(connection: connection).authenticate(
                login: credentials.login, token: credentials.token)
            identified(staff.accountID)
            return (
                staff, token,
                try BrandResolver(connection: connection).resolve(
                    label: credentials.hostLabel, accountID: staff.accountID)
            )
        }
        cache.store(
            authorization: authorization, host: host, credentials,
            .init(generation: generation, staff: staff, token: token, brand: brand))
        return (staff, brand)
    }

    /// What the headers say: the login and token of a Basic `Authorization`, and the brand label of `Host`.
    private static func credentials(authorization: String, host: String?) throws -> CredentialCache.Credentials {
        let (login, token) = try Authenticator.credentials(authorization: authorization)
        return CredentialCache.Credentials(login: login, token: token, hostLabel: BrandResolver.label(fromHost: host))
    }

    /// Runs `body`, answering a failed authentication with the configured status (401, or 403).
    private func refusingAs<T>(_ status: EmulatorConfiguration.AuthFailureStatus, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch APIError.unauthorized {
            throw status == .forbidden ? APIError.forbidden : APIError.unauthorized
        }
    }
}

/// Scripted faults (`POST /__emulator/faults`), after authentication and brand, before everything else: a canned
/// answer, a dropped connection, or a delay after which the rest of the pipeline runs. A delayed request holds no
/// thread: it is answered with a deferred response that the HTTP layer parks until it is due.
struct FaultInjection: Middleware {
    let faults: FaultScript
    let clock: EmulatorClock

    func respond(to context: RequestContext, next: @escaping Responder<RequestContext>) throws -> HTTPResponse {
        let request = context.exchange.request
        guard let fault = faults.action(method: request.method, path: request.rawPath, accountID: context.accountID)
        else { return try next(context) }
        let (milliseconds, outcome) = Self.outcome(of: fault)
        guard milliseconds > 0 else { return try outcome ?? next(context) }
        return .deferred(milliseconds: milliseconds) { [clock] in
            context.exchange.answer {
                if let outcome { return outcome }
                var later = context
                later.now = clock.now()
                return try next(later)
            }
        }
    }

    /// How long to wait first, then the answer that replaces the handler's (nil: the rest of the pipeline answers).
    private static func outcome(of fault: FaultAction) -> (milliseconds: Int, HTTPResponse?) {
        switch fault {
        case .delay(let milliseconds):
            return (milliseconds, nil)
        case .drop(let milliseconds):
            return (milliseconds, .dropConnection)
        case .respond(let milliseconds, let status, let headers, let body):
            var response =
                body.map { body in JSONResponse.make(status: status) { $0.value(body) } }
                ?? APIError.plain(status, HTTPStatus.reason(status))
            response.headers += headers
            return (milliseconds, response)
        }
    }
}

/// The per-staff-user request limit of `--rate-limit` (per clock minute): 429 with the `X-RateLimit-*` headers.
struct RateLimiting: Middleware {
    let limiter: RateLimiter
    let settings: RuntimeSettings

    func respond(to context: RequestContext, next: @escaping Responder<RequestContext>) throws -> HTTPResponse {
        if let refusal = limiter.admit(staffID: context.staff.id, limit: settings.values.rateLimit, now: context.now) {
            throw refusal
        }
        return try next(context)
    }
}

/// The `access_reports` permission of routes marked as needing it (ratings, reports): a staff user without it is
/// 403 `{"error":"Forbidden"}`, after the rate limit and before the body and the query are read.
struct ReportAccess: Middleware {
    func respond(to context: RequestContext, next: @escaping Responder<RequestContext>) throws -> HTTPResponse {
        let needed = (try? context.exchange.route.get())?.options.contains(.needsReportAccess) ?? false
        if needed, !context.staff.accessReports { throw APIError.forbidden }
        return try next(context)
    }
}

/// The body as a JSON object, merged with the query into the request's parameters. An empty body is `{}` (spec
/// §1.5); anything else must be a JSON object (400).
struct JSONBody: Middleware {
    func respond(to context: RequestContext, next: @escaping Responder<RequestContext>) throws -> HTTPResponse {
        var context = context
        context.body = try Self.parse(context.exchange.request.body)
        context.parameters = Parameters(query: context.exchange.request.query, body: context.body)
        return try next(context)
    }

    static func parse(_ bytes: [UInt8]) throws -> JSONObject {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) { return JSONObject() }
        guard let object = try JSONParser.parse(bytes).objectValue else { throw APIError.bodyNotAnObject }
        return object
    }
}
