import Logging
import MicroHTTP

/// An emulator listening on HTTP: what the executable runs and what tests start in-process on port 0.
public final class EmulatorServer: Sendable {
    /// The request pipeline and store.
    public let emulator: Emulator
    private let server: HTTPServer

    /// Opens the store, starts listening (answering 503 meanwhile), loads fixtures into an empty database, then
    /// answers requests.
    /// - Throws: a store, fixture or listen error; nothing is left running when it throws.
    public init(
        configuration: EmulatorConfiguration, environment: EmulatorEnvironment = .live, logger: Logger,
        fixtures: [UInt8]? = nil
    ) throws {
        let emulator = try Emulator(configuration: configuration, environment: environment, logger: logger)
        let server: HTTPServer
        do {
            server = try HTTPServer(
                configuration: HTTPServer.Configuration(
                    host: configuration.host, port: configuration.port,
                    threadCount: configuration.threadCount ?? HTTPServer.coreCount,
                    maxBodyBytes: configuration.maxBodyBytes,
                    maxBodyBytesForPath: { path in
                        path.hasPrefix("/__emulator/") ? ControlPlane.maxBodyBytes : nil
                    }),
                handler: { request in emulator.handle(request) })
        } catch {
            emulator.close()
            throw error
        }
        do {
            try emulator.start(fixtures: fixtures)
        } catch {
            server.stop(gracePeriodMilliseconds: 0)
            emulator.close()
            throw error
        }
        self.server = server
        self.emulator = emulator
    }

    /// The port the server listens on.
    public var port: Int { server.port }

    /// `http://HOST:PORT`, with IPv6 hosts in brackets.
    public var baseURL: String {
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        return "http://\(host):\(port)"
    }

    /// The configuration the server was started with.
    public var configuration: EmulatorConfiguration { emulator.configuration }

    /// Stops listening, lets requests in flight finish, then closes the store. Calling it again does nothing.
    public func stop() {
        server.stop()
        emulator.close()
    }
}
