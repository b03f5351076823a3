import ArgumentParser
import EmulatorCore
import FoundationEssentials
import Glibc
import LocalTLS
import Logging

/// The defaults every help text shows: the configuration's own, never repeated by hand.
let defaults = EmulatorConfiguration()
/// The log level when neither `--log-level` nor the environment sets one.
let defaultLogLevel = "info"

struct ReamazeEmulatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reamaze-emulator",
        abstract: "A local emulator of the Re:amaze REST API.",
        subcommands: [Serve.self, HealthCheck.self, Certs.self],
        defaultSubcommand: Serve.self
    )
}

/// `reamaze-emulator [serve] [options]`: every option also reads `REAMAZE_EMULATOR_<NAME>` from the environment.
struct Serve: ParsableCommand {
    // Named here: without a name ArgumentParser derives one from the type's name through `String(describing:)`,
    // which reflects on the type and scans the binary's protocol conformances: about 1 ms of every start-up.
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the API (the default command).")

    @Option(help: "Address to listen on. [env: REAMAZE_EMULATOR_HOST] (default: \(defaults.host))")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free one. [env: REAMAZE_EMULATOR_PORT] (default: \(defaults.port))")
    var port: Int?

    @Option(
        help: "SQLite file, or :memory:. [env: REAMAZE_EMULATOR_DATABASE] (default: \(defaults.databasePath))")
    var database: String?

    @Option(help: "Fixtures JSON loaded into an empty database. [env: REAMAZE_EMULATOR_FIXTURES]")
    var fixtures: String?

    @Option(help: "Staff login made sure to exist. [env: REAMAZE_EMULATOR_LOGIN] (default: \(defaults.login))")
    var login: String?

    @Option(help: "That login's API token. [env: REAMAZE_EMULATOR_TOKEN] (default: \(defaults.token))")
    var token: String?

    @Option(help: "Brand host label made sure to exist. [env: REAMAZE_EMULATOR_BRAND] (default: \(defaults.brand))")
    var brand: String?

    @Option(
        help:
            "Largest request body in bytes. [env: REAMAZE_EMULATOR_MAX_BODY_BYTES] (default: \(defaults.maxBodyBytes))")
    var maxBodyBytes: Int?

    @Option(
        help:
            "Close idle or slow connections after N seconds. [env: REAMAZE_EMULATOR_CONNECTION_TIMEOUT] (default: \(defaults.connectionTimeoutSeconds))"
    )
    var connectionTimeout: Int?

    @Option(
        help:
            "At most N connections at once. [env: REAMAZE_EMULATOR_MAX_CONNECTIONS] (default: \(defaults.connectionLimit))"
    )
    var maxConnections: Int?

    @Option(help: "HTTP worker threads. [env: REAMAZE_EMULATOR_THREADS] (default: the number of cores)")
    var threads: Int?

    @Option(
        help:
            "Status of a failed login, 401 or 403. [env: REAMAZE_EMULATOR_AUTH_FAILURE_STATUS] (default: \(defaults.authFailureStatus.rawValue))"
    )
    var authFailureStatus: Int?

    @Option(help: "Requests per API token per minute; off when absent. [env: REAMAZE_EMULATOR_RATE_LIMIT]")
    var rateLimit: Int?

    @Option(
        help: "API requests the journal keeps. [env: REAMAZE_EMULATOR_JOURNAL_SIZE] (default: \(defaults.journalSize))")
    var journalSize: Int?

    @Option(help: "Bearer token the control plane requires. [env: REAMAZE_EMULATOR_ADMIN_TOKEN] (default: none)")
    var adminToken: String?

    @Option(help: "PEM server certificate: serve HTTPS. [env: REAMAZE_EMULATOR_TLS_CERT]")
    var tlsCert: String?

    @Option(help: "PEM private key of --tls-cert. [env: REAMAZE_EMULATOR_TLS_KEY]")
    var tlsKey: String?

    @Option(help: "Create or reuse a local CA and certificate here; serve HTTPS. [env: REAMAZE_EMULATOR_TLS_DIR]")
    var tlsDir: String?

    @Option(help: "Serve HTTPS on this port too, beside HTTP on --port. [env: REAMAZE_EMULATOR_HTTPS_PORT]")
    var httpsPort: Int?

    @Option(
        help:
            "trace, debug, info, notice, warning, error. [env: REAMAZE_EMULATOR_LOG_LEVEL] (default: \(defaultLogLevel))"
    )
    var logLevel: String?

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        func setting(_ flag: String?, _ name: String) -> String? {
            flag ?? environment["REAMAZE_EMULATOR_\(name)"].flatMap { $0.isEmpty ? nil : $0 }
        }
        func number(_ flag: Int?, _ name: String) throws -> Int? {
            if let flag { return flag }
            guard let text = setting(nil, name) else { return nil }
            guard let value = Int(text) else {
                throw ValidationError("REAMAZE_EMULATOR_\(name) must be an integer, got \"\(text)\"")
            }
            return value
        }

        var configuration = EmulatorConfiguration()
        configuration.host = setting(host, "HOST") ?? configuration.host
        configuration.port = try number(port, "PORT") ?? configuration.port
        configuration.databasePath = setting(database, "DATABASE") ?? configuration.databasePath
        configuration.fixturesPath = setting(fixtures, "FIXTURES")
        configuration.login = setting(login, "LOGIN") ?? configuration.login
        configuration.token = setting(token, "TOKEN") ?? configuration.token
        configuration.brand = setting(brand, "BRAND") ?? configuration.brand
        configuration.maxBodyBytes = try number(maxBodyBytes, "MAX_BODY_BYTES") ?? configuration.maxBodyBytes
        configuration.connectionTimeoutSeconds =
            try number(connectionTimeout, "CONNECTION_TIMEOUT") ?? configuration.connectionTimeoutSeconds
        configuration.connectionLimit = try number(maxConnections, "MAX_CONNECTIONS") ?? configuration.connectionLimit
        guard configuration.connectionTimeoutSeconds > 0, configuration.connectionLimit > 0 else {
            throw ValidationError("the connection timeout and the connection limit must be positive")
        }
        if let threads = try number(threads, "THREADS") {
            guard (1...256).contains(threads) else {
                throw ValidationError("the thread count must be 1 to 256, got \(threads)")
            }
            configuration.threadCount = threads
        }
        if let status = try number(authFailureStatus, "AUTH_FAILURE_STATUS") {
            guard let parsed = EmulatorConfiguration.AuthFailureStatus(rawValue: status) else {
                throw ValidationError("the auth failure status must be 401 or 403, got \(status)")
            }
            configuration.authFailureStatus = parsed
        }
        if let limit = try number(rateLimit, "RATE_LIMIT") {
            guard limit > 0 else { throw ValidationError("the rate limit must be a positive integer, got \(limit)") }
            configuration.rateLimit = limit
        }
        configuration.journalSize = try number(journalSize, "JOURNAL_SIZE") ?? configuration.journalSize
        guard configuration.journalSize >= 0 else { throw ValidationError("the journal size cannot be negative") }
        configuration.adminToken = setting(adminToken, "ADMIN_TOKEN")
        var certificatePath = setting(tlsCert, "TLS_CERT")
        var keyPath = setting(tlsKey, "TLS_KEY")
        var trustPath: String?
        if certificatePath == nil, keyPath == nil, let directory = setting(tlsDir, "TLS_DIR") {
            let files = try LocalCertificates.ensure(in: directory)
            (certificatePath, keyPath, trustPath) = (files.serverCertificate, files.serverKey, files.caCertificate)
        }
        switch (certificatePath, keyPath) {
        case (let certificate?, let key?):
            configuration.tlsCertificatePEM = try Self.read(certificate, what: "TLS certificate")
            configuration.tlsKeyPEM = try Self.read(key, what: "TLS key")
            configuration.httpsPort = try number(httpsPort, "HTTPS_PORT")
        case (nil, nil):
            if try number(httpsPort, "HTTPS_PORT") != nil {
                throw ValidationError("--https-port needs --tls-cert and --tls-key, or --tls-dir")
            }
        default:
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        guard (0...65_535).contains(configuration.port) else {
            throw ValidationError("the port must be 0 to 65535, got \(configuration.port)")
        }
        let levelName = setting(logLevel, "LOG_LEVEL") ?? defaultLogLevel
        guard let level = Logger.Level(rawValue: levelName) else {
            throw ValidationError("unknown log level \"\(levelName)\"")
        }

        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "reamaze-emulator")

        let fixtureBytes = try configuration.fixturesPath.map { try Self.read($0, what: "fixtures file") }

        let server: EmulatorServer
        do {
            server = try EmulatorServer(configuration: configuration, logger: logger, fixtures: fixtureBytes)
        } catch let error as FixtureError {
            throw RuntimeFailure("\(configuration.fixturesPath ?? "fixtures"): \(error)")
        }
        print("reamaze-emulator listening on \(server.baseURL)")
        if let httpsURL = server.httpsURL { print("  also HTTPS: \(httpsURL)") }
        if let trustPath { print("  HTTPS certificates signed by the local CA \(trustPath)") }
        print("  API base URL: \(server.baseURL)/api/v1")
        print("  login: \(configuration.login)  token: \(configuration.token)  brand: \(configuration.brand)")
        print("  database: \(configuration.databasePath)")
        if server.fixturesSkipped {
            print("  fixtures skipped: the database already holds data (delete it or use :memory:)")
        }
        print("  console: \(server.baseURL)/  (another brand: http://BRAND.localhost:\(server.port)/)")
        print("  control plane: \(server.baseURL)/__emulator (health: \(server.baseURL)/__emulator/health)")
        print("  try: curl -u '\(configuration.login):\(configuration.token)' \(server.baseURL)/api/v1/contacts")
        fflush(nil)

        let signal = TerminationSignals.wait()
        TerminationSignals.exitOnNext()
        logger.info("stopping: letting requests in flight finish", metadata: ["signal": "\(signal)"])
        server.stop()
        logger.info("stopped")
    }
}

extension Serve {
    /// A file's bytes.
    /// - Throws: ``RuntimeFailure`` naming the file and the system's reason (exit status 1, not a usage error).
    static func read(_ path: String, what: String) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw RuntimeFailure.system("cannot read the \(what) \(path)") }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = Glibc.read(descriptor, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw RuntimeFailure.system("cannot read the \(what) \(path)") }
            if count == 0 { return bytes }
            bytes.append(contentsOf: buffer[0..<count])
        }
    }
}

/// A failure while running, not a mistake in the command line: printed as `Error: …` and exit status 1, without the
/// usage text (exit status 64 is kept for usage errors, which ArgumentParser reports as `ValidationError`).
struct RuntimeFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }

    /// `what: the reason errno gives`.
    static func system(_ what: String) -> RuntimeFailure {
        RuntimeFailure("\(what): \(String(cString: strerror(errno)))")
    }
}
