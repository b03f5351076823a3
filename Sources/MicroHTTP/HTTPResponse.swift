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
