import Logging
import MicroHTTP

/// An emulator listening on HTTP: what the executable runs and what tests start in-process on port 0.
public final class EmulatorServer: Sendable {
    /// The request pipeline and store.
    public let emulator: Emulator
    private let server: HTTPServer
    private let secureServer: HTTPServer?
    /// True when fixtures were given but not loaded, because the database already held data.
    public let fixturesSkipped: Bool

    /// Opens the store, starts listening (answering 503 meanwhile), loads fixtures into an empty database, then
    /// answers requests.
    /// - Throws: a store, fixture or listen error; nothing is left running when it throws.
    public init(
        configuration: EmulatorConfiguration, environment: EmulatorEnvironment = .live, logger: Logger,
        fixtures: [UInt8]? = nil
    ) throws {
        // Parsed beside opening the store and starting to listen (FixtureParse).
        let parsing = fixtures.map(FixtureParse.init)
        let emulator = try Emulator(configuration: configuration, environment: environment, logger: logger)
        var tls: HTTPServer.TLS?
        if let certificate = configuration.tlsCertificatePEM, let key = configuration.tlsKeyPEM {
            tls = HTTPServer.TLS(certificatePEM: certificate, keyPEM: key)
        }
        func listen(port: Int, tls: HTTPServer.TLS?) throws -> HTTPServer {
            try HTTPServer(
                configuration: HTTPServer.Configuration(
                    host: configuration.host, port: port,
                    threadCount: configuration.threadCount ?? HTTPServer.coreCount,
                    maxBodyBytes: configuration.maxBodyBytes,
                    connectionTimeoutSeconds: configuration.connectionTimeoutSeconds,
                    connectionLimit: configuration.connectionLimit,
                    maxBodyBytesForPath: { emulator.maxBodyBytes(forRawPath: $0) },
                    tls: tls),
                handler: { request in emulator.handle(request) })
        }
        var started: [HTTPServer] = []
        var fixturesSkipped = false
        do {
            let secondPort = tls == nil ? nil : configuration.httpsPort
            started.append(try listen(port: configuration.port, tls: secondPort == nil ? tls : nil))
            if let secondPort { started.append(try listen(port: secondPort, tls: tls)) }
            fixturesSkipped = try !emulator.start(parsing: parsing)
        } catch {
            for server in started { server.stop(gracePeriodMilliseconds: 0) }
            emulator.close()
            throw error
        }
        self.fixturesSkipped = fixturesSkipped
        self.server = started[0]
        self.secureServer = started.count > 1 ? started[1] : nil
        self.emulator = emulator
    }

    /// `https://HOST:PORT` of the second, HTTPS listener, when `httpsPort` is set.
    public var httpsURL: String? { secureServer.map { url(scheme: "https", port: $0.port) } }

    /// The port the server listens on.
    public var port: Int { server.port }

    /// `http://HOST:PORT` (`https` when the only listener speaks TLS), with IPv6 hosts in brackets.
    public var baseURL: String { url(scheme: server.configuration.tls == nil ? "http" : "https", port: port) }

    private func url(scheme: String, port: Int) -> String {
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        return "\(scheme)://\(host):\(port)"
    }

    /// The configuration the server was started with.
    public var configuration: EmulatorConfiguration { emulator.configuration }

    /// Stops listening, lets requests in flight finish, then closes the store. Calling it again does nothing.
    public func stop() {
        secureServer?.stop()
        server.stop()
        emulator.close()
    }
}
