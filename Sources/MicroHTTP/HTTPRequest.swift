/// One HTTP request as the handler sees it: nothing here knows JSON, SQL or Re:amaze.
public struct HTTPRequest: Sendable {
    /// The request method as sent, e.g. `GET`.
    public var method: String
    /// The path as sent on the request line, still percent-encoded, without the query string.
    public var rawPath: String
    /// The query parameters in the order sent, form-decoded (`+` is a space, `%XX` decoded once).
    public var query: [(name: String, value: String)]
    /// The request headers in the order sent; names as sent (compare them case-insensitively).
    public var headers: [(name: String, value: String)]
    /// The body bytes; empty when the body was over the size limit.
    public var body: [UInt8]
    /// True when the body was larger than the server's limit; its bytes were discarded, not buffered.
    public var bodyExceededLimit: Bool
    /// True when the request came over TLS.
    public var isSecure: Bool
    /// True when the server had more connections open than worker threads as this request arrived: then other
    /// connections are likely to share this request's worker thread and wait while it is handled (libmicrohttpd
    /// keeps a connection on the thread that accepted it, and one thread can accept them all). False for requests
    /// not made by the server.
    public var connectionsOutnumberWorkers: Bool

    /// Creates a request value; the server builds these, tests may too.
    public init(
        method: String,
        rawPath: String,
        query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = [],
        bodyExceededLimit: Bool = false,
        isSecure: Bool = false,
        connectionsOutnumberWorkers: Bool = false
    ) {
        self.isSecure = isSecure
        self.connectionsOutnumberWorkers = connectionsOutnumberWorkers
        self.method = method
        self.rawPath = rawPath
        self.query = query
        self.headers = headers
        self.body = body
        self.bodyExceededLimit = bodyExceededLimit
    }

    /// The first value of a header, matched case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { Self.equalIgnoringASCIICase($0.name, name) }?.value
    }

    /// Whether two header names are equal when ASCII letters are compared without case (RFC 9110: header names are
    /// case-insensitive), without making lower-cased copies: this runs several times for every request.
    static func equalIgnoringASCIICase(_ lhs: String, _ rhs: String) -> Bool {
        guard lhs.utf8.count == rhs.utf8.count else { return false }
        // Clients mostly send a header's name as it is looked up: equal short strings compare in a few instructions.
        if lhs == rhs { return true }
        var right = rhs.utf8.makeIterator()
        for left in lhs.utf8 {
            guard let other = right.next() else { return false }
            if left != other,
                left | 0x20 != other | 0x20 || !(UInt8(ascii: "a")...UInt8(ascii: "z")).contains(left | 0x20)
            {
                return false
            }
        }
        return true
    }

    /// The raw (still percent-encoded) path segments, without empty leading and trailing segments.
    public var rawSegments: [Substring] { Self.segments(ofRawPath: rawPath) }

    /// The raw segments of a request path, as ``rawSegments`` splits them.
    public static func segments(ofRawPath rawPath: String) -> [Substring] {
        // One pass over the UTF-8 bytes: "/" is one byte and never inside a multi-byte character, so the segments
        // are cut where the bytes say without finding character boundaries; and a plain loop, because the
        // generic `split` made an array of views and a second one of substrings (this runs for every request).
        let utf8 = rawPath.utf8
        var segments: [Substring] = []
        segments.reserveCapacity(8)
        var start = utf8.startIndex
        var index = start
        while index != utf8.endIndex {
            if utf8[index] == UInt8(ascii: "/") {
                // No empty segment before the first slash.
                if index != utf8.startIndex { segments.append(rawPath[start..<index]) }
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        segments.append(rawPath[start..<index])
        while segments.last?.isEmpty == true { segments.removeLast() }
        return segments
    }
}
