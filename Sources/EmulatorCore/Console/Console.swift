import MicroHTTP

/// The demo and debugging console: one self-contained page (no CDN, no build step) embedded in the binary, served
/// at `/`. It talks to the emulator with the same public API and control plane as any client.
enum Console {
    /// The page for `GET /` or `GET /console`, or nil for any other request.
    static func response(for request: HTTPRequest) -> HTTPResponse? {
        guard request.rawPath == "/" || request.rawPath == "/console" else { return nil }
        guard request.method == "GET" || request.method == "HEAD" else {
            return APIError.methodNotAllowed(allow: ["GET", "HEAD"]).response
        }
        return HTTPResponse(
            status: 200,
            headers: [
                ("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store"),
                (
                    "Content-Security-Policy",
                    "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'"
                ),
            ],
            body: request.method == "HEAD" ? [] : PackageResources.console_html)
    }
}
