/// How an emulator is set up: where it listens, what it stores, and the bootstrap credentials.
public struct EmulatorConfiguration: Sendable {
    /// The status answered when authentication fails (spec §1.4): 401 by default, 403 for clients that expect it.
    public enum AuthFailureStatus: Int, Sendable {
        case unauthorized = 401
        case forbidden = 403
    }

    /// The address to listen on.
    public var host = "127.0.0.1"
    /// The port; 0 picks a free one.
    public var port = 8080
    /// A SQLite file path, or `:memory:`.
    public var databasePath = "./reamaze-emulator.sqlite"
    /// A fixtures file loaded into an empty database, or nil.
    public var fixturesPath: String?
    /// The staff login made sure to exist in the default account.
    public var login = "demo@example.com"
    /// That staff user's API token.
    public var token = "demo-token"
    /// The brand host label made sure to exist in the default account.
    public var brand = "demo"
    /// Request bodies over this size are answered 413.
    public var maxBodyBytes = 1 << 20
    /// The status of a failed authentication.
    public var authFailureStatus = AuthFailureStatus.unauthorized
    /// Idle or slow connections are closed after this many seconds.
    public var connectionTimeoutSeconds = 30
    /// At most this many connections at once; more are refused.
    public var connectionLimit = 1_024
    /// HTTP worker threads; the number of cores by default.
    public var threadCount: Int?
    /// Requests per API token per UTC minute; nil (the default) is no limit (spec §9).
    public var rateLimit: Int?
    /// How many API requests the journal keeps, newest first.
    public var journalSize = 1_000
    /// When set, the control plane (except its health check) needs `Authorization: Bearer <adminToken>`.
    public var adminToken: String?
    /// A PEM server certificate and key: with them the emulator speaks HTTPS, on `port` alone or, when
    /// `httpsPort` is set, there beside plain HTTP on `port`.
    public var tlsCertificatePEM: [UInt8]?
    /// The private key of `tlsCertificatePEM`, PEM.
    public var tlsKeyPEM: [UInt8]?
    /// A second port for HTTPS while `port` keeps plain HTTP; 0 picks a free one.
    public var httpsPort: Int?

    /// The defaults documented in the README.
    public init() {}
}
