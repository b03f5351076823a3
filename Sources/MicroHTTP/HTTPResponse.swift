/// One HTTP response: status, headers and the complete body.
public struct HTTPResponse: Sendable {
    /// The status code, e.g. 200.
    public var status: Int
    /// Headers to send; the server adds `Content-Length` itself.
    public var headers: [(name: String, value: String)]
    /// The complete body.
    public var body: [UInt8]
    /// When true the server closes the connection without sending anything (for fault injection).
    public var dropsConnection = false
    /// When set, nothing is sent now: the connection is parked (no worker thread waits) and the deferral's response
    /// is made and sent once its time has passed.
    public var deferral: Deferral?
    /// When set, nothing is sent now: the connection is parked (no worker thread waits) until the response is made
    /// elsewhere and handed over (``pending(_:)``).
    public var handOver: HandOver?

    /// Whether nothing is sent now: the response is deferred or handed over later.
    public var isLater: Bool { deferral != nil || handOver != nil }

    /// A response made later: after `milliseconds`, on a worker thread, by `respond`.
    public struct Deferral: Sendable {
        /// How long to wait before making the response.
        public let milliseconds: Int
        /// Makes the response when the wait is over (or at once, when the server is stopping).
        public let respond: @Sendable () -> HTTPResponse
    }

    /// A response made elsewhere (on another thread) and handed over once made.
    public struct HandOver: Sendable {
        /// Called once the connection is parked, with the function to call exactly once with the response, from any
        /// thread; the server waits for it even when stopping.
        public let start: @Sendable (_ deliver: @escaping @Sendable (HTTPResponse) -> Void) -> Void
    }

    /// Answers with the response `start` hands to `deliver`, without holding a worker thread meanwhile.
    public static func pending(
        _ start: @escaping @Sendable (_ deliver: @escaping @Sendable (HTTPResponse) -> Void) -> Void
    ) -> HTTPResponse {
        var response = HTTPResponse(status: 0)
        response.handOver = HandOver(start: start)
        return response
    }

    /// Answers after `milliseconds` with what `respond` makes then, without holding a worker thread meanwhile.
    public static func deferred(milliseconds: Int, _ respond: @escaping @Sendable () -> HTTPResponse) -> HTTPResponse {
        var response = HTTPResponse(status: 0)
        response.deferral = Deferral(milliseconds: milliseconds, respond: respond)
        return response
    }

    /// A "response" that closes the connection without an answer.
    public static let dropConnection: HTTPResponse = {
        var response = HTTPResponse(status: 0)
        response.dropsConnection = true
        return response
    }()

    /// Creates a response value.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// What the server calls for every complete request; it runs synchronously on one of the server's threads.
public typealias HTTPHandler = @Sendable (HTTPRequest) -> HTTPResponse
