import MicroHTTP

/// `GET /__emulator/health`, `GET /__emulator/openapi.yaml`, `GET/PUT /__emulator/config`,
/// `GET/PUT /__emulator/clock`.
struct HealthAndSettings {
    let readiness: Readiness
    let settings: RuntimeSettings
    let rateLimiter: RateLimiter
    let clock: EmulatorClock
    let journalCapacity: Int

    var routes: [Route<ControlContext>] {
        [
            Route("health", [(.get, health)], options: [.availableWhileStarting, .withoutAdminToken]),
            Route("openapi.yaml", [(.get, Self.openAPI)], options: .withoutAdminToken),
            Route("config", [(.get, config), (.put, updateConfig)]),
            Route("clock", [(.get, clockNow), (.put, setClock)]),
        ]
    }

    func health(_ context: ControlContext) throws -> HTTPResponse {
        let ready = readiness.isReady
        return JSONResponse.make(status: ready ? 200 : 503) { writer in
            writer.object { writer in
                writer.field("status", ready ? "ok" : "starting")
                writer.field("version", EmulatorVersion.current)
                writer.field("uptime_ms", Int((ContinuousClock.now - readiness.startedAt).milliseconds))
            }
        }
    }

    /// The OpenAPI 3.1 description of the emulated API, embedded in the binary (JSON, which is YAML too).
    static func openAPI(_ context: ControlContext) throws -> HTTPResponse {
        HTTPResponse(
            status: 200, headers: [("Content-Type", "application/yaml; charset=utf-8")],
            body: PackageResources.openapi_yaml)
    }

    func config(_ context: ControlContext) throws -> HTTPResponse { render(settings.values) }

    /// `{"rate_limit": N | null, "auth_failure_status": 401 | 403}`; absent keys stay as they are.
    func updateConfig(_ context: ControlContext) throws -> HTTPResponse {
        let body = context.body
        var rateLimit: Int??
        if body["rate_limit"] != nil {
            let limit = try body.controlInt("rate_limit")
            if let limit, limit < 1 { throw ControlError.badRequest("rate_limit must be a positive integer or null") }
            rateLimit = .some(limit)
        }
        var authStatus: EmulatorConfiguration.AuthFailureStatus?
        if let status = try body.controlInt("auth_failure_status") {
            guard let parsed = EmulatorConfiguration.AuthFailureStatus(rawValue: status) else {
                throw ControlError.badRequest("auth_failure_status must be 401 or 403")
            }
            authStatus = parsed
        }
        let values = settings.update { values in
            if let rateLimit { values.rateLimit = rateLimit }
            if let authStatus { values.authFailureStatus = authStatus }
        }
        if rateLimit != nil { rateLimiter.reset() }
        return render(values)
    }

    private func render(_ values: RuntimeSettings.Values) -> HTTPResponse {
        JSONResponse.make { writer in
            writer.object { writer in
                writer.field("rate_limit", values.rateLimit)
                writer.field("auth_failure_status", values.authFailureStatus.rawValue)
                writer.field("journal_size", journalCapacity)
            }
        }
    }

    func clockNow(_ context: ControlContext) throws -> HTTPResponse { Self.renderClock(clock) }

    /// `{"now": ISO 8601}` freezes time there, `{"advance_ms": N}` moves it, `{"real": true}` returns to real time.
    func setClock(_ context: ControlContext) throws -> HTTPResponse {
        let body = context.body
        let now = try body.controlString("now")
        let advance = try body.controlInt("advance_ms")
        let real = try body.controlBool("real") ?? false
        guard [now != nil, advance != nil, real].filter({ $0 }).count == 1 else {
            throw ControlError.badRequest(#"send exactly one of {"now": "…"}, {"advance_ms": N} or {"real": true}"#)
        }
        if let now {
            guard let instant = Timestamp.parse(now) else { throw ControlError.badRequest("now must be ISO 8601") }
            clock.freeze(at: instant)
        } else if let advance {
            clock.advance(milliseconds: Int64(advance))
        } else {
            clock.useReal()
        }
        rateLimiter.reset()
        return Self.renderClock(clock)
    }

    private static func renderClock(_ clock: EmulatorClock) -> HTTPResponse {
        JSONResponse.make { writer in
            writer.object { writer in
                writer.field("now", clock.now())
                writer.key("frozen")
                writer.bool(clock.isFrozen)
            }
        }
    }
}
