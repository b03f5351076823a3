import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Sends bytes exactly as written over a plain socket and reads until the server closes the connection: for what
/// URLSession will not send (a GET with a body, a malformed request) and for answers URLSession on Linux never
/// completes (a 401 with a Basic challenge, an answer sent before the body was read).
public enum RawHTTP {
    /// A parsed answer.
    public struct Reply: Sendable {
        /// The status code, 0 when nothing came back.
        public let status: Int
        /// The status line and headers.
        public let head: String
        /// Everything after the headers.
        public let body: String
        /// True when the server closed the connection; false when the read timed out first.
        public let closedByServer: Bool
    }

    /// An open, idle TCP connection to the port; close it with `Glibc.close`.
    public static func connect(port: Int) throws -> Int32 {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port)).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(socketFD)
            throw POSIXError(.ECONNREFUSED)
        }
        return socketFD
    }

    public static func send(port: Int, _ request: String, timeoutSeconds: Int = 10) throws -> Reply {
        try send(port: port, bytes: Array(request.utf8), timeoutSeconds: timeoutSeconds)
    }

    public static func send(port: Int, bytes: [UInt8], timeoutSeconds: Int = 10) throws -> Reply {
        let socketFD = try connect(port: port)
        defer { close(socketFD) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(socketFD, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes { write(socketFD, $0.baseAddress, $0.count) }
            if written <= 0 { break }
            sent += written
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var closedByServer = false
        while true {
            let count = read(socketFD, &buffer, buffer.count)
            if count == 0 || (count < 0 && errno == ECONNRESET) { closedByServer = true }
            if count <= 0 { break }
            received.append(contentsOf: buffer[0..<count])
        }
        let text = String(decoding: received, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        let head = parts.first ?? ""
        let statusLine = head.split(separator: "\r\n").first ?? ""
        let status = statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return Reply(
            status: status, head: head, body: parts.dropFirst().joined(separator: "\r\n\r\n"),
            closedByServer: closedByServer)
    }

}

extension RawHTTP {
    /// One keep-alive connection: requests go one after another over the same socket, as a pooled client sends them.
    public final class KeepAliveConnection {
        private let socketFD: Int32
        private var buffered: [UInt8] = []

        /// Connects to the port on loopback.
        public init(port: Int, timeoutSeconds: Int = 10) throws {
            socketFD = try RawHTTP.connect(port: port)
            var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
            setsockopt(socketFD, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        deinit { close(socketFD) }

        /// Sends `method target` with these extra header lines and reads the answer (its body by `Content-Length`).
        public func send(_ method: String, _ target: String, headers: [String] = []) throws -> Reply {
            let request =
                ([
                    "\(method) \(target) HTTP/1.1", "Host: 127.0.0.1", "Connection: keep-alive",
                ] + headers).joined(separator: "\r\n") + "\r\n\r\n"
            let bytes = Array(request.utf8)
            guard bytes.withUnsafeBytes({ write(socketFD, $0.baseAddress, $0.count) }) == bytes.count else {
                throw POSIXError(.EPIPE)
            }
            let separator = Array("\r\n\r\n".utf8)
            var headEnd: Int?
            while true {
                if headEnd == nil, let end = Self.find(separator, in: buffered) { headEnd = end }
                if let end = headEnd {
                    let head = String(decoding: buffered[..<end], as: UTF8.self)
                    let length =
                        head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                        .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) }
                        ?? 0
                    let bodyStart = end + separator.count
                    if buffered.count >= bodyStart + length {
                        let body = String(decoding: buffered[bodyStart..<bodyStart + length], as: UTF8.self)
                        buffered.removeFirst(bodyStart + length)
                        let status = head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
                        return Reply(status: status, head: head, body: body, closedByServer: false)
                    }
                }
                var chunk = [UInt8](repeating: 0, count: 16_384)
                let count = read(socketFD, &chunk, chunk.count)
                guard count > 0 else { throw POSIXError(count == 0 ? .ECONNRESET : .ETIMEDOUT) }
                buffered.append(contentsOf: chunk[0..<count])
            }
        }

        private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
            guard haystack.count >= needle.count else { return nil }
            return (0...(haystack.count - needle.count)).first { Array(haystack[$0..<$0 + needle.count]) == needle }
        }
    }
}
