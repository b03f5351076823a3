import Foundation
import MicroHTTP
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What the echo handler saw, returned as text so the test reads it from the response.
private func echo(_ request: HTTPRequest) -> HTTPResponse {
    var lines = [
        "method=\(request.method)", "path=\(request.rawPath)",
        "segments=\(request.rawSegments.joined(separator: "|"))",
        "query=\(request.query.map { "\($0.name)=\($0.value)" }.joined(separator: "&"))",
        "body=\(String(decoding: request.body, as: UTF8.self))", "exceeded=\(request.bodyExceededLimit)",
        "x-test=\(request.header("X-TEST") ?? "-")",
    ]
    lines.append("")
    return HTTPResponse(
        status: 200, headers: [("Content-Type", "text/plain"), ("X-Echo", "1")],
        body: Array(lines.joined(separator: "\n").utf8))
}

private func withServer<T>(
    maxBodyBytes: Int = 1 << 20, threadCount: Int = 2, handler: @escaping HTTPHandler = echo,
    _ body: (HTTPServer) async throws -> T
) async throws -> T {
    let server = try HTTPServer(
        configuration: .init(host: "127.0.0.1", port: 0, threadCount: threadCount, maxBodyBytes: maxBodyBytes),
        handler: handler)
    defer { server.stop() }
    return try await body(server)
}

private func fetch(_ server: HTTPServer, _ path: String, method: String = "GET", body: String? = nil) async throws
    -> (status: Int, text: String, headers: [AnyHashable: Any])
{
    var request = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(server.port)\(path)")))
    request.httpMethod = method
    request.setValue("yes", forHTTPHeaderField: "X-Test")
    request.httpBody = body.map { Data($0.utf8) }
    let (data, response) = try await URLSession.shared.data(for: request)
    let http = try #require(response as? HTTPURLResponse)
    return (http.statusCode, String(decoding: data, as: UTF8.self), http.allHeaderFields)
}

@Suite struct HTTPServerTests {
    @Test("a request says whether the server had more connections open than worker threads as it arrived")
    func connectionsOutnumberWorkers() async throws {
        let answer: HTTPHandler = { request in
            HTTPResponse(status: 200, headers: [], body: Array("\(request.connectionsOutnumberWorkers)".utf8))
        }
        try await withServer(threadCount: 1, handler: answer) { server in
            let first = try RawHTTP.KeepAliveConnection(port: server.port)
            #expect(try first.send("GET", "/").body == "false", "one connection, one worker")
            var second: RawHTTP.KeepAliveConnection? = try RawHTTP.KeepAliveConnection(port: server.port)
            #expect(try second?.send("GET", "/").body == "true", "two connections, one worker")
            #expect(try first.send("GET", "/").body == "true")
            second = nil  // closes it; the server notices on its own time
            var answers: [String] = []
            for _ in 0..<100 {
                answers.append(try first.send("GET", "/").body)
                if answers.last == "false" { break }
                usleep(20_000)
            }
            #expect(answers.last == "false", "once the second connection is closed: \(answers)")
        }
    }

    @Test("port 0 binds a free port that is readable afterwards")
    func ephemeralPort() async throws {
        try await withServer { server in
            #expect(server.port > 0)
            let response = try await fetch(server, "/")
            #expect(response.status == 200)
        }
    }

    @Test("the path reaches the handler undecoded; query parameters are form-decoded once, in order")
    func rawPathAndQuery() async throws {
        try await withServer { server in
            let response = try await fetch(server, "/a/b%2Fc/+1%2B2/x%2540y?q=bob%2Bvip%40x.io&sp=a+b&k=1&k=2")
            #expect(response.text.contains("path=/a/b%2Fc/+1%2B2/x%2540y\n"))
            #expect(response.text.contains("segments=a|b%2Fc|+1%2B2|x%2540y\n"))
            #expect(response.text.contains("query=q=bob+vip@x.io&sp=a b&k=1&k=2\n"))
            #expect(response.text.contains("x-test=yes\n"))
            #expect(response.headers["X-Echo"] as? String == "1")
        }
    }

    @Test(
        "a path splits at each slash, without the empty segment before the first or any after the last",
        arguments: [
            ("", []), ("/", []), ("//", []), ("/a", ["a"]), ("a/b", ["a", "b"]), ("/a//b/", ["a", "", "b"]),
            ("//a", ["", "a"]), ("/a/b///", ["a", "b"]), ("/é/ü%2F/😀", ["é", "ü%2F", "😀"]),
            // A combining mark after a slash makes one character of the two; the bytes still split there.
            ("/a/\u{301}b", ["a", "\u{301}b"]),
        ] as [(String, [String])])
    func pathSegments(path: String, segments: [String]) {
        #expect(HTTPRequest.segments(ofRawPath: path).map(String.init) == segments)
    }

    @Test("bodies are accumulated across chunks and handed over whole")
    func bodyAccumulation() async throws {
        try await withServer { server in
            let big = String(repeating: "0123456789", count: 20_000)
            let response = try await fetch(server, "/upload", method: "POST", body: big)
            #expect(response.text.contains("body=\(big)\n"))
            #expect(response.text.contains("exceeded=false"))
        }
    }

    @Test("a body over the limit is flagged and not buffered")
    func bodyLimit() async throws {
        try await withServer(maxBodyBytes: 100) { server in
            let reply = try sendRaw(
                port: server.port,
                "POST /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "c8\r\n\(String(repeating: "z", count: 200))\r\n0\r\n\r\n")
            #expect(reply.contains("exceeded=true"))
            #expect(reply.contains("body=\n"))
        }
    }

    @Test("keep-alive: many requests share one connection")
    func keepAlive() async throws {
        try await withServer { server in
            let request = "GET /k HTTP/1.1\r\nHost: a\r\n\r\n"
            let reply = try sendRaw(
                port: server.port, request + request + "GET /last HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            #expect(reply.components(separatedBy: "HTTP/1.1 200").count - 1 == 3)
        }
    }

    @Test("stop lets a request in flight finish, then refuses new connections")
    func gracefulStop() async throws {
        let started = DispatchSemaphore(value: 0)
        let server = try HTTPServer(
            configuration: .init(host: "127.0.0.1", port: 0, threadCount: 2),
            handler: { _ in
                started.signal()
                usleep(300_000)
                return HTTPResponse(status: 200, body: Array("slow".utf8))
            })
        let port = server.port
        let inFlight = Task.detached {
            try sendRaw(port: port, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        }
        // Stop only once the handler is running, so the request is truly in flight.
        try await handlerStarted(started)
        server.stop()
        let reply = try await inFlight.value
        #expect(reply.hasSuffix("slow"))
        #expect(throws: (any Error).self) { try sendRaw(port: port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n") }
    }

    /// A handler whose `/later` answer is made on another thread after `milliseconds`; every other path at once.
    private static func handingOver(after milliseconds: Int, started: DispatchSemaphore? = nil) -> HTTPHandler {
        { request in
            guard request.rawPath == "/later" else { return HTTPResponse(status: 200, body: Array("now".utf8)) }
            started?.signal()
            return .pending { deliver in
                DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) {
                    deliver(HTTPResponse(status: 201, body: Array("made elsewhere".utf8)))
                }
            }
        }
    }

    @Test("a response handed over from another thread is sent on its connection, which then serves the next request")
    func handedOver() async throws {
        try await withServer(threadCount: 1, handler: Self.handingOver(after: 300)) { server in
            let port = server.port
            let waiting = Task.detached {
                try sendRaw(
                    port: port,
                    "GET /later HTTP/1.1\r\nHost: a\r\n\r\nGET /next HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            }
            try await Task.sleep(for: .milliseconds(100))
            // The one worker thread is free while the first connection waits for its answer.
            let meanwhile = try sendRaw(port: port, "GET /other HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            #expect(meanwhile.hasSuffix("now"))
            let reply = try await waiting.value
            #expect(reply.hasPrefix("HTTP/1.1 201"))
            #expect(reply.contains("made elsewhere"))
            #expect(reply.hasSuffix("now"))
        }
    }

    @Test("stop waits for a response still to be handed over, and sends it")
    func stopWaitsForHandOver() async throws {
        let started = DispatchSemaphore(value: 0)
        let server = try HTTPServer(
            configuration: .init(host: "127.0.0.1", port: 0, threadCount: 2),
            handler: Self.handingOver(after: 300, started: started))
        let port = server.port
        let inFlight = Task.detached {
            try sendRaw(port: port, "GET /later HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        }
        try await handlerStarted(started)
        server.stop()
        #expect(try await inFlight.value.hasSuffix("made elsewhere"))
    }

    @Test(
        "an answer for later asked for once a stop without grace has begun is made by its worker, not parked",
        arguments: ["deferred", "handed over"])
    func laterDuringStop(kind: String) async throws {
        // libmicrohttpd aborts the process when stopped with a suspended connection.
        let (started, stopping, made) = (
            DispatchSemaphore(value: 0), DispatchSemaphore(value: 0), DispatchSemaphore(value: 0)
        )
        let server = try HTTPServer(
            configuration: .init(host: "127.0.0.1", port: 0, threadCount: 1),
            handler: { _ in
                started.signal()
                // The stop begins meanwhile: the handler returns only after the stop was called (signalled just
                // before the call, so a busy machine's slow start of the stopping task cannot reorder them), plus
                // time for the stop's first steps.
                _ = stopping.wait(timeout: .now() + 10)
                usleep(200_000)
                let answer = { @Sendable in
                    made.signal()
                    return HTTPResponse(status: 201, body: Array("made later".utf8))
                }
                guard kind == "handed over" else { return .deferred(milliseconds: 100, answer) }
                return .pending { deliver in
                    DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(100)) { deliver(answer()) }
                }
            })
        let port = server.port
        let inFlight = Task.detached {
            try? sendRaw(port: port, "GET /later HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        }
        try await handlerStarted(started)
        await Task.detached {
            stopping.signal()
            server.stop(gracePeriodMilliseconds: 0)
        }.value
        #expect(made.wait(timeout: .now()) == .success, "the stop returned after the worker had its answer")
        _ = await inFlight.value  // Without a grace period the answer may not be sent.
    }

    @Test("a stopped server lets go of its port: a new connection is refused and a new server can listen on it")
    func stopReleasesPort() async throws {
        let server = try HTTPServer(configuration: .init(host: "127.0.0.1", port: 0), handler: echo)
        let port = server.port
        #expect(
            try sendRaw(port: port, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").hasPrefix("HTTP/1.1 200"))
        server.stop()
        #expect(throws: POSIXError(.ECONNREFUSED)) { _ = try RawHTTP.connect(port: port) }
        let restarted = try HTTPServer(configuration: .init(host: "127.0.0.1", port: port), handler: echo)
        defer { restarted.stop() }
        #expect(
            try sendRaw(port: port, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").hasPrefix("HTTP/1.1 200"))
    }

    @Test("a port in use is a clear start error")
    func portInUse() async throws {
        try await withServer { server in
            #expect(throws: HTTPServer.StartError.self) {
                _ = try HTTPServer(configuration: .init(host: "127.0.0.1", port: server.port), handler: echo)
            }
            #expect(throws: HTTPServer.StartError.self) {
                _ = try HTTPServer(configuration: .init(host: "not-an-address", port: 0), handler: echo)
            }
        }
    }
}

@Suite struct PercentDecodingTests {
    @Test(
        "path segments decode %XX once and keep +",
        arguments: [
            ("bob%40example.com", "bob@example.com"), ("%2B12223334444", "+12223334444"),
            ("+12223334444", "+12223334444"), ("bob%2540example.com", "bob%40example.com"), ("a%2Fb", "a/b"),
            ("%C3%A9", "é"), ("plain", "plain"),
        ])
    func pathSegments(raw: String, decoded: String) {
        #expect(PercentDecoding.decodePathSegment(raw) == decoded)
    }

    @Test("bad escapes and invalid UTF-8 are refused", arguments: ["%", "%4", "%ZZ", "%C3", "%FF"])
    func refused(raw: String) {
        #expect(PercentDecoding.decodePathSegment(raw) == nil)
    }

    @Test("form components turn + into a space before decoding")
    func formComponents() {
        #expect(PercentDecoding.decodeFormComponent("bob%2Bvip+x") == "bob+vip x")
    }
}

/// Waits until a handler signals that it runs. A request that never reached it (a connection the process had no file
/// descriptor for, say) fails the test within seconds instead of hanging the whole run.
private func handlerStarted(_ started: DispatchSemaphore) async throws {
    let result = await Task.detached { started.wait(timeout: .now() + 10) }.value
    try #require(result == .success, "the handler never ran")
}

/// Writes a request on a fresh connection and returns everything the server sent until it closed.
private func sendRaw(port: Int, _ request: String) throws -> String {
    let reply = try RawHTTP.send(port: port, request, timeoutSeconds: 5)
    guard reply.status != 0 else { throw POSIXError(.ECONNREFUSED) }
    return reply.head + "\r\n\r\n" + reply.body
}

/// Header names compare without case, ASCII letters only (RFC 9110).
@Suite struct HeaderLookupTests {
    @Test("a header is found whatever the case of its name, and only by its own name")
    func caseInsensitive() {
        let request = HTTPRequest(
            method: "GET", rawPath: "/",
            headers: [("X-Other", "no"), ("aUtHoRiZaTiOn", "Basic abc"), ("Host", "acme.localhost")])
        #expect(request.header("Authorization") == "Basic abc")
        #expect(request.header("AUTHORIZATION") == "Basic abc")
        #expect(request.header("host") == "acme.localhost")
        #expect(request.header("Authorizatio") == nil)
        #expect(request.header("X-Othe_") == nil)
        // "[" and "{" differ by the case bit too, and are not letters.
        #expect(HTTPRequest(method: "GET", rawPath: "/", headers: [("X[", "1")]).header("X{") == nil)
        #expect(HTTPRequest(method: "GET", rawPath: "/", headers: [("Ke\u{212A}", "1")]).header("kek") == nil)
    }
}
