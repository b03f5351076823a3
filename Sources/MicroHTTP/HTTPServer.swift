import CMicroHTTPD
import Glibc
import Synchronization

/// An HTTP/1.1 server on libmicrohttpd: an internal epoll thread pool calls one synchronous handler per request.
public final class HTTPServer: Sendable {
    /// How the server listens and what it accepts.
    public struct Configuration: Sendable {
        /// The address to bind: an IPv4 or IPv6 literal, or `localhost`.
        public var host: String
        /// The TCP port; 0 picks a free one (read it back from ``HTTPServer/port``).
        public var port: Int
        /// Worker threads; each polls its share of the connections with epoll.
        public var threadCount: Int
        /// Bodies larger than this are discarded and flagged on the request, never buffered.
        public var maxBodyBytes: Int
        /// A larger limit for some paths (given the raw path), e.g. an admin import; nil keeps `maxBodyBytes`.
        public var maxBodyBytesForPath: (@Sendable (String) -> Int?)?
        /// When set, the server speaks HTTPS (TLS through libmicrohttpd's GnuTLS support) instead of HTTP.
        public var tls: TLS?
        /// Idle connections are closed after this many seconds.
        public var connectionTimeoutSeconds: Int
        /// At most this many connections at once; more are refused.
        public var connectionLimit: Int

        /// Creates a configuration; the defaults suit a test or CI machine.
        public init(
            host: String = "127.0.0.1",
            port: Int = 8080,
            threadCount: Int = HTTPServer.coreCount,
            maxBodyBytes: Int = 1 << 20,
            connectionTimeoutSeconds: Int = 30,
            connectionLimit: Int = 1024,
            maxBodyBytesForPath: (@Sendable (String) -> Int?)? = nil,
            tls: TLS? = nil
        ) {
            self.maxBodyBytesForPath = maxBodyBytesForPath
            self.tls = tls
            self.host = host
            self.port = port
            self.threadCount = threadCount
            self.maxBodyBytes = maxBodyBytes
            self.connectionTimeoutSeconds = connectionTimeoutSeconds
            self.connectionLimit = connectionLimit
        }

        /// The worker threads libmicrohttpd runs: `threadCount`, at least one.
        var workerCount: Int { max(1, threadCount) }
    }

    /// A PEM certificate (chain) and its PEM private key.
    public struct TLS: Sendable {
        /// The server certificate, PEM.
        public var certificatePEM: [UInt8]
        /// Its private key, PEM.
        public var keyPEM: [UInt8]

        /// A certificate and key, both PEM.
        public init(certificatePEM: [UInt8], keyPEM: [UInt8]) {
            self.certificatePEM = certificatePEM
            self.keyPEM = keyPEM
        }
    }

    /// Why the server could not start.
    public enum StartError: Error, CustomStringConvertible {
        /// The host is not an address this server can bind.
        case invalidHost(String)
        /// libmicrohttpd refused to start (the port is taken, or the address is not local).
        case daemonFailed(host: String, port: Int)

        /// A sentence for the operator.
        public var description: String {
            switch self {
            case .invalidHost(let host): "cannot bind \(host): not an IPv4 or IPv6 address"
            case .daemonFailed(let host, let port): "cannot listen on \(host):\(port) (address in use or not local?)"
            }
        }
    }

    /// Each connection's memory pool (request line, headers, response headers). libmicrohttpd zeroes the pool for
    /// every request, so its size is paid per request: measured with callgrind, 64 KiB was a third of all the
    /// instructions of a small GET. 16 KiB still holds a request line and headers far larger than clients send.
    static let connectionMemoryBytes = 16 * 1024

    /// The number of online processor cores, the default thread count.
    public static var coreCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// The port the server is bound to.
    public let port: Int
    /// The configuration the server was started with.
    public let configuration: Configuration
    private let context: DaemonContext
    private let daemon: Mutex<DaemonHandle?>

    /// Starts listening; returns once the socket is bound and the worker threads run.
    /// - Throws: ``StartError`` when the address cannot be bound.
    public init(configuration: Configuration, handler: @escaping HTTPHandler) throws {
        let context = DaemonContext(configuration: configuration, handler: handler)
        let started = try SocketAddress.withSockaddr(host: configuration.host, port: configuration.port) {
            address, isIPv6 in
            // Suspend/resume (with the inter-thread channel it needs) parks connections whose answer is deferred.
            var flags =
                MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_EPOLL.rawValue | MHD_ALLOW_SUSPEND_RESUME.rawValue
            if isIPv6 { flags |= MHD_USE_IPv6.rawValue }
            // passUnretained: the server holds `context` strongly and stops the daemon in `stop()` or `deinit`,
            // so the context outlives every call libmicrohttpd makes with this pointer.
            let pointer = Unmanaged.passUnretained(context).toOpaque()
            // The PEM strings live in the context, which outlives the daemon.
            return cmhd_start_daemon(
                flags, address, MHDCallbacks.accessHandler, pointer, MHDCallbacks.requestCompleted, pointer,
                MHDCallbacks.connectionNotified, pointer, MHDCallbacks.identityUnescape,
                UInt32(configuration.workerCount),
                UInt32(configuration.connectionTimeoutSeconds), UInt32(configuration.connectionLimit),
                Self.connectionMemoryBytes, context.tlsKey?.baseAddress, context.tlsCertificate?.baseAddress)
        }
        guard let started else {
            throw StartError.daemonFailed(host: configuration.host, port: configuration.port)
        }
        self.configuration = configuration
        self.context = context
        self.port = Int(cmhd_bound_port(started))
        self.daemon = Mutex(DaemonHandle(pointer: started))
    }

    deinit { stop(gracePeriodMilliseconds: 0) }

    /// Stops accepting connections, lets requests in flight finish (up to the grace period), then stops the threads.
    /// Calling it again does nothing.
    public func stop(gracePeriodMilliseconds: Int = 5_000) {
        guard
            let handle = daemon.withLock({ current -> DaemonHandle? in
                let taken = current
                current = nil
                return taken
            })
        else { return }
        // Quiescing hands the listening socket over to the caller, who must close it: left open, the port stays
        // bound after the stop and accepts connections nobody answers.
        let listeningSocket = MHD_quiesce_daemon(handle.pointer)
        // Deferred answers are sent now rather than at their time; libmicrohttpd cannot stop with parked connections.
        context.parked.resumeAll()
        // A response made elsewhere is waited for however long it takes to be made (a queued write: milliseconds),
        // then sent within the grace period like any other.
        context.parked.waitForHandOvers()
        // Idle keep-alive connections are not waited for: only requests whose handler has not completed.
        var waited = 0
        while context.requestsInFlight.load(ordering: .acquiring) > 0 && waited < gracePeriodMilliseconds {
            usleep(5_000)
            waited += 5
        }
        MHD_stop_daemon(handle.pointer)
        if listeningSocket >= 0 { close(listeningSocket) }
    }
}

/// What the C callbacks reach through their context pointer.
final class DaemonContext: @unchecked Sendable {
    let configuration: HTTPServer.Configuration
    let handler: HTTPHandler
    /// Requests begun and not yet completed, for a graceful stop.
    let requestsInFlight = Atomic<Int>(0)
    /// Connections open now, on all worker threads together.
    let openConnections = Atomic<Int>(0)
    /// Connections suspended until their deferred response is due.
    let parked = ParkedConnections()
    /// NUL-terminated PEM copies for libmicrohttpd, never written after init and freed after the daemon stops.
    let tlsCertificate: UnsafeMutableBufferPointer<CChar>?
    let tlsKey: UnsafeMutableBufferPointer<CChar>?

    init(configuration: HTTPServer.Configuration, handler: @escaping HTTPHandler) {
        self.configuration = configuration
        self.handler = handler
        tlsCertificate = configuration.tls.map { Self.cString($0.certificatePEM) }
        tlsKey = configuration.tls.map { Self.cString($0.keyPEM) }
    }

    deinit {
        tlsCertificate?.deallocate()
        tlsKey?.deallocate()
    }

    private static func cString(_ bytes: [UInt8]) -> UnsafeMutableBufferPointer<CChar> {
        let buffer = UnsafeMutableBufferPointer<CChar>.allocate(capacity: bytes.count + 1)
        for (index, byte) in bytes.enumerated() { buffer[index] = CChar(bitPattern: byte) }
        buffer[bytes.count] = 0
        return buffer
    }
}

/// The daemon pointer, owned by exactly one server; only `stop` uses it after start.
struct DaemonHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}
