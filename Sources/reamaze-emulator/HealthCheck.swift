import ArgumentParser
import FoundationEssentials
import Glibc

/// `reamaze-emulator healthcheck`: asks a running emulator for `/__emulator/health` and exits 0 when it answers
/// 200 "ok", else 1. It needs no curl, so container images can use the binary itself as their HEALTHCHECK.
struct HealthCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "healthcheck", abstract: "Exit 0 when the emulator on HOST:PORT is healthy, else 1.")

    @Option(
        help:
            "Address of the emulator; 0.0.0.0 and :: mean loopback. [env: REAMAZE_EMULATOR_HOST] (default: \(defaults.host))"
    )
    var host: String?

    @Option(help: "Port of the emulator. [env: REAMAZE_EMULATOR_PORT] (default: \(defaults.port))")
    var port: Int?

    @Option(help: "Give up after this many milliseconds.")
    var timeoutMs: Int = 2_000

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        var target = host ?? environment["REAMAZE_EMULATOR_HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? defaults.host
        if target == "0.0.0.0" || target == "localhost" { target = "127.0.0.1" }
        if target == "::" || target == "[::]" { target = "::1" }
        let targetPort = port ?? environment["REAMAZE_EMULATOR_PORT"].flatMap { Int($0) } ?? defaults.port
        do {
            let (status, body) = try HealthProbe.get(
                host: target, port: targetPort, path: "/__emulator/health", timeoutMilliseconds: timeoutMs)
            print(body)
            if status == 200, body.contains(#""status":"ok""#) { return }
            throw ExitCode(1)
        } catch let error as HealthProbe.Failure {
            print("unhealthy: \(error.reason)")
            throw ExitCode(1)
        }
    }
}

/// One plain HTTP/1.1 GET over a socket, with a deadline: all the health check needs.
enum HealthProbe {
    struct Failure: Error {
        let reason: String
    }

    static func get(host: String, port: Int, path: String, timeoutMilliseconds: Int) throws -> (Int, String) {
        let isIPv6 = host.contains(":")
        let family = isIPv6 ? AF_INET6 : AF_INET
        let socketFD = socket(family, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw Failure(reason: "no socket") }
        defer { close(socketFD) }
        var timeout = timeval(tv_sec: timeoutMilliseconds / 1_000, tv_usec: Int(timeoutMilliseconds % 1_000) * 1_000)
        setsockopt(socketFD, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socketFD, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected: Int32
        if isIPv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = in_port_t(UInt16(truncatingIfNeeded: port)).bigEndian
            guard inet_pton(AF_INET6, host, &address.sin6_addr) == 1 else { throw Failure(reason: "bad host \(host)") }
            connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(truncatingIfNeeded: port)).bigEndian
            guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw Failure(reason: "bad host \(host)") }
            connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        guard connected == 0 else { throw Failure(reason: "cannot connect to \(host):\(port)") }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(socketFD, $0.baseAddress, $0.count, 0) }) == request.count else {
            throw Failure(reason: "cannot send")
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while received.count < 65_536 {
            let count = recv(socketFD, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received.append(contentsOf: buffer[0..<count])
        }
        let text = String(decoding: received, as: UTF8.self)
        guard let statusLine = text.split(separator: "\r\n", maxSplits: 1).first,
            let status = statusLine.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { throw Failure(reason: "no HTTP answer") }
        let body = text.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
        return (status, body)
    }
}
