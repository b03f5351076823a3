import MicroHTTP

/// `GET /__emulator/health`, `GET/PUT /__emulator/config`, `GET/PUT /__emulator/clock`.
enum HealthAndSettings {
    static func health(_ context: ControlContext) throws -> HTTPResponse {
        let emulator = context.emulator
        let ready = emulator.isReady
        return JSONResponse.make(status: ready ? 200 : 503) { writer in
            writer.object { writer in
                writer.field("status", ready ? "ok" : "starting")
                writer.field("version", EmulatorVersion.current)
                writer.field("uptime_ms", Int((ContinuousClock.now - emulator.startedAt).milliseconds))
            }
        }
    }

    /// The OpenAPI 3.1 description of the emulated API, embedded in the binary (JSON, which is YAML too).
    static func openAPI(_ context: ControlContext) throws -> HTTPResponse {
        HTTPResponse(
            status: 200, headers: [("Content-Type", "application/yaml; charset=utf-8")],
            body: PackageResources.openapi_yaml)
    }

    static func config(_ context: ControlContext) throws -> HTTPResponse {
        render(context.emulator.settings.values, context.emulator)
    }

    /// `{"rate_limit": N | null, "auth_failure_status": 401 | 403}`; absent keys stay as they are.
    static func updateConfig(_ context: ControlContext) throws -> HTTPResponse {
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
        let values = context.emulator.settings.update { values in
            if let rateLimit { values.rateLimit = rateLimit }
            if let authStatus { values.authFailureStatus = authStatus }
        }
        if rateLimit != nil { context.emulator.rateLimiter.reset() }
        return render(values, context.emulator)
    }

    private static func render(_ values: RuntimeSettings.Values, _ emulator: Emulator) -> HTTPResponse {
        JSONResponse.make { writer in
            writer.object { writer in
                writer.field("rate_limit", values.rateLimit)
                writer.field("auth_failure_status", values.authFailureStatus.rawValue)
                writer.field("journal_size", emulator.journal.capacity)
            }
        }
    }

    static func clock(_ context: ControlContext) throws -> HTTPResponse {
        renderClock(context.emulator.clock)
    }

    /// `{"now": ISO 8601}` freezes time there, `{"advance_ms": N}` moves it, `{"real": true}` returns to real time.
    static func setClock(_ context: ControlContext) throws -> HTTPResponse {
        let body = context.body
        let clock = context.emulator.clock
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
        context.emulator.rateLimiter.reset()
        return renderClock(clock)
    }

    private static func renderClock(_ clock: EmulatorClock) -> HTTPResponse {
        JSONResponse.make { writer in
            writer.object { writer in
                writer.field("now", clock.now().iso8601)
                writer.key("frozen")
                writer.bool(clock.isFrozen)
            }
        }
    }
}
