import Foundation
import TestSupport

extension RawHTTP {
    /// A request with Basic credentials, `Connection: close` and an optional body.
    static func request(
        _ method: String, _ target: String, login: String, token: String, body: String? = nil,
        extraHeaders: [String] = []
    ) -> String {
        String(
            decoding: request(
                method, target, login: login, token: token, bodyBytes: body.map { Array($0.utf8) },
                extraHeaders: extraHeaders), as: UTF8.self)
    }

    /// The same with a body of arbitrary bytes (invalid UTF-8 included).
    static func request(
        _ method: String, _ target: String, login: String, token: String, bodyBytes: [UInt8]?,
        extraHeaders: [String] = []
    ) -> [UInt8] {
        let credentials = Data("\(login):\(token)".utf8).base64EncodedString()
        var lines = ["\(method) \(target) HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
        if !extraHeaders.contains(where: { $0.lowercased().hasPrefix("authorization:") }) {
            lines.append("Authorization: Basic \(credentials)")
        }
        lines += extraHeaders.filter { $0.lowercased() != "authorization: none" }
        if let bodyBytes { lines.append("Content-Length: \(bodyBytes.count)") }
        return Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8) + (bodyBytes ?? [])
    }
}

extension EmulatorHandle {
    /// Sends a raw request with this emulator's credentials.
    func raw(_ method: String, _ target: String, body: String? = nil, extraHeaders: [String] = []) throws
        -> RawHTTP.Reply
    {
        let reply = try RawHTTP.send(
            port: server.port,
            RawHTTP.request(
                method, target, login: client.login, token: client.token, body: body, extraHeaders: extraHeaders))
        if reply.status != 0 {
            let contentType = reply.head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-type:") }
                .map { String($0.dropFirst("content-type:".count)).trimmingCharacters(in: .whitespaces) }
            OpenAPIContract.check(
                method: method, path: target, status: reply.status, contentType: contentType,
                body: Data(reply.body.utf8))
        }
        return reply
    }
}
