import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Sends bytes exactly as written over a plain socket, for what URLSession will not send: a GET with a body,
/// a path it would normalise, or a request that is malformed on purpose. Sends `Connection: close` semantics by
/// reading until the server closes or `timeout` passes. URLSession on Linux also never completes a request answered
/// 401 with a Basic challenge, so authentication failures are tested here too.
enum RawHTTP {
    struct Reply {
        let status: Int
        let head: String
        let body: String
    }

    static func send(port: Int, _ request: String, timeoutSeconds: Int = 10) throws -> Reply {
        try send(port: port, bytes: Array(request.utf8), timeoutSeconds: timeoutSeconds)
    }

    static func send(port: Int, bytes: [UInt8], timeoutSeconds: Int = 10) throws -> Reply {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(socketFD >= 0)
        defer { close(socketFD) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(socketFD, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port)).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(connected == 0, "connect failed")
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes { write(socketFD, $0.baseAddress, $0.count) }
            if written <= 0 { break }
            sent += written
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(socketFD, &buffer, buffer.count)
            if count <= 0 { break }
            received.append(contentsOf: buffer[0..<count])
        }
        let text = String(decoding: received, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        let head = parts.first ?? ""
        let statusLine = head.split(separator: "\r\n").first ?? ""
        let status = statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return Reply(status: status, head: head, body: parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    /// A request with Basic credentials, `Connection: close` and an optional body.
    static func request(
        _ method: String, _ target: String, login: String, token: String, body: String? = nil,
        extraHeaders: [String] = []
    ) -> String {
        String(decoding: request(method, target, login: login, token: token, bodyBytes: body.map { Array($0.utf8) },
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
        try RawHTTP.send(
            port: server.port,
            RawHTTP.request(
                method, target, login: client.login, token: client.token, body: body, extraHeaders: extraHeaders))
    }
}
