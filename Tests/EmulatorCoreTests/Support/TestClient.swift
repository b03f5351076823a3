import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One HTTP answer as a test reads it.
struct TestResponse {
    let status: Int
    let headers: [String: String]
    let body: Data

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as JSON (objects as `[String: Any]`, arrays as `[Any]`).
    func json() throws -> Any { try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) }

    /// The body parsed as a JSON object.
    func object() throws -> [String: Any] { try #require(try json() as? [String: Any], "not an object: \(text)") }

    /// A header, by case-insensitive name.
    func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }
}

/// The names of a contact page's contacts, in order; a body without a `contacts` array fails the test.
func contactNames(_ response: TestResponse) throws -> [String?] {
    let contacts = try #require(try response.object()["contacts"] as? [[String: Any]], "not a page: \(response.text)")
    return contacts.map { $0["name"] as? String }
}

/// A real HTTP client (URLSession) with Basic credentials, as a Re:amaze client would send them.
struct TestClient: Sendable {
    let baseURL: String
    var login: String
    var token: String
    var host: String?
    var sendsCredentials = true

    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 30
        configuration.httpMaximumConnectionsPerHost = 16
        return URLSession(configuration: configuration, delegate: ChallengePassThrough(), delegateQueue: nil)
    }()

    /// Sends a request to `path` (below the base URL, e.g. `/api/v1/contacts`) with an optional raw body.
    func send(
        _ method: String, _ path: String, body: String? = nil, headers: [String: String] = [:]
    ) async throws -> TestResponse {
        let url = try #require(URL(string: baseURL + path), "bad URL \(path)")
        var request = URLRequest(url: url)
        request.httpMethod = method
        if sendsCredentials {
            let credentials = Data("\(login):\(token)".utf8).base64EncodedString()
            request.setValue("Basic \(credentials)", forHTTPHeaderField: "Authorization")
        }
        if let host { request.setValue(host, forHTTPHeaderField: "Host") }
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await Self.session.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        var headerMap: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            if let key = key as? String, let value = value as? String { headerMap[key] = value }
        }
        let answer = TestResponse(status: http.statusCode, headers: headerMap, body: data)
        // The path as sent: URLSession normalises `..` and the like before sending.
        let sentPath = http.url.flatMap { URLComponents(url: $0, resolvingAgainstBaseURL: false)?.percentEncodedPath }
        OpenAPIContract.check(
            method: method, path: sentPath ?? path, status: answer.status, contentType: answer.header("Content-Type"),
            body: data)
        return answer
    }

    func get(_ path: String, body: String? = nil) async throws -> TestResponse {
        try await send("GET", "/api/v1" + path, body: body)
    }

    func post(_ path: String, _ body: String) async throws -> TestResponse {
        try await send("POST", "/api/v1" + path, body: body)
    }

    func put(_ path: String, _ body: String) async throws -> TestResponse {
        try await send("PUT", "/api/v1" + path, body: body)
    }

    func delete(_ path: String) async throws -> TestResponse {
        try await send("DELETE", "/api/v1" + path)
    }
}

/// Hands a 401's Basic challenge back to the caller as a plain response. Without a delegate answering it,
/// URLSession on Linux waits for an answer to the challenge that never comes.
final class ChallengePassThrough: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    func urlSession(
        _ session: URLSession, task: URLSessionTask, didReceive challenge: URLAuthenticationChallenge,
        completionHandler: @escaping @Sendable (URLSession.AuthChallengeDisposition, URLCredential?) -> Void
    ) {
        completionHandler(.performDefaultHandling, nil)
    }
}
