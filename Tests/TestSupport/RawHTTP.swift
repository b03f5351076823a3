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
