import MicroHTTP

/// The demo and debugging console: one self-contained page (no CDN, no build step) embedded in the binary, served
/// at `/` and `/console`. It talks to the emulator with the same public API and control plane as any client.
enum Console {
    static let routes: [Route<Exchange>] = [
        Route("", [(.get, page), (.head, page)]),
        Route("console", [(.get, page), (.head, page)]),
    ]

    static func page(_ exchange: Exchange) -> HTTPResponse {
        HTTPResponse(
            status: 200,
            headers: [
                ("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store"),
                (
                    "Content-Security-Policy",
                    "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'"
                ),
            ],
            body: exchange.request.method == HTTPMethod.head.rawValue ? [] : PackageResources.console_html)
    }
}
