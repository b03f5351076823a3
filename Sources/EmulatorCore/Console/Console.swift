import MicroHTTP

/// The demo and debugging console: one self-contained page (no CDN, no build step) embedded in the binary, served
/// at `/` and `/console`. It talks to the emulator with the same public API and control plane as any client.
struct Console: Sendable {
    /// The page, made once: its sign-in form filled with the configured login, and with its token unless the control
    /// plane is protected by an admin token (then the page, which anyone can load, must not hand the token out).
    let page: [UInt8]

    init(login: String, token: String, adminToken: String?) {
        page = Self.filled(
            PackageResources.console_html,
            ["login": Self.attributeEscaped(login), "token": adminToken == nil ? Self.attributeEscaped(token) : ""])
    }

    /// `template` with every `{{name}}` whose name is in `values` replaced by its value, in one pass over the bytes:
    /// `String.replacing` took 19 million instructions for the two placeholders of the 35 KB page, 8 % of start-up.
    static func filled(_ template: [UInt8], _ values: [String: String]) -> [UInt8] {
        let brace = UInt8(ascii: "{")
        var output: [UInt8] = []
        output.reserveCapacity(template.count)
        var index = 0
        while index < template.count {
            if template[index] == brace, index + 1 < template.count, template[index + 1] == brace,
                let end = placeholderEnd(template, from: index + 2),
                let value = values[String(decoding: template[(index + 2)..<end], as: UTF8.self)]
            {
                output += value.utf8
                index = end + 2
            } else {
                output.append(template[index])
                index += 1
            }
        }
        return output
    }

    /// Where the `}}` after a placeholder's name starting at `start` begins: the first `}` within a short name.
    private static func placeholderEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        let closing = UInt8(ascii: "}")
        var index = start
        while index + 1 < bytes.count, index - start < 32 {
            if bytes[index] == closing { return bytes[index + 1] == closing ? index : nil }
            index += 1
        }
        return nil
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
