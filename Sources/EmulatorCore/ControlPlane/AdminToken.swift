import MicroHTTP

/// `--admin-token`: every control-plane route but those marked otherwise (health, the OpenAPI document) needs
/// `Authorization: Bearer <token>`, compared in constant time.
struct AdminToken: Middleware {
    let expected: [UInt8]

    init(_ token: String) { expected = Array("Bearer \(token)".utf8) }

    func respond(to exchange: Exchange, next: @escaping Responder<Exchange>) throws -> HTTPResponse {
        let exempt = (try? exchange.route.get())?.options.contains(.withoutAdminToken) ?? false
        if !exempt {
            let given = Array((exchange.request.header("Authorization") ?? "").trimmed.utf8)
            guard Authenticator.constantTimeEquals(expected, given) else { throw ControlError.unauthorized }
        }
        return try next(exchange)
    }
}
