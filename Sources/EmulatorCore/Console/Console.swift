import MicroHTTP

/// The demo and debugging console: one self-contained page (no CDN, no build step) embedded in the binary, served
/// at `/` and `/console`. It talks to the emulator with the same public API and control plane as any client.
struct Console: Sendable {
    /// The page, made once: its sign-in form filled with the configured login, and with its token unless the control
    /// plane is protected by an admin token (then the page, which anyone can load, must not hand the token out).
    let page: [UInt8]

    init(login: String, token: String, adminToken: String?) {
        let html = String(decoding: PackageResources.console_html, as: UTF8.self)
            .replacing("{{login}}", with: Self.attributeEscaped(login))
            .replacing("{{token}}", with: adminToken == nil ? Self.attributeEscaped(token) : "")
        page = Array(html.utf8)
    }

    var routes: [Route<Exchange>] {
        [Route("", [(.get, respond), (.head, respond)]), Route("console", [(.get, respond), (.head, respond)])]
    }

    func respond(_ exchange: Exchange) -> HTTPResponse {
        HTTPResponse(
            status: 200,
            headers: [
                ("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store"),
                (
                    "Content-Security-Policy",
                    "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'"
                ),
            ],
            body: exchange.request.method == HTTPMethod.head.rawValue ? [] : page)
    }

    /// Text safe inside a double-quoted HTML attribute.
    static func attributeEscaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "\"": escaped += "&quot;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
