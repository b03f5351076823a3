import EmulatorCore
import Foundation
import Logging
import MicroHTTP
import Testing

/// The request pipeline through `Emulator.handle`, without sockets: the order in which a client meets the checks, and
/// what a latency fault hands the HTTP layer. (The end-to-end suites cover the same over real HTTP.)
@Suite struct PipelineTests {
    /// A started emulator on an in-memory database with the Acme fixtures and a fixed clock.
    static func emulator(
        logger: Logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
        _ configure: (inout EmulatorConfiguration) -> Void = { _ in }
    ) throws -> Emulator {
        var configuration = EmulatorConfiguration()
        configuration.databasePath = ":memory:"
        configuration.login = "jane@acme-store.com"
        configuration.token = "9f2c1e7d4b6a"
        configuration.brand = "acme"
        configure(&configuration)
        let emulator = try Emulator(
            configuration: configuration, environment: EmulatorEnvironment { testEpoch }, logger: logger)
        try emulator.start(fixtures: Array(TestFixtures.acme.utf8))
        return emulator
    }

    static let jane = "Basic " + Data("jane@acme-store.com:9f2c1e7d4b6a".utf8).base64EncodedString()
    static let wrong = "Basic " + Data("jane@acme-store.com:wrong".utf8).base64EncodedString()

    static func request(
        _ method: String, _ path: String, authorization: String? = jane, host: String? = nil, body: String? = nil,
        bodyExceededLimit: Bool = false
    ) -> HTTPRequest {
        var headers: [(name: String, value: String)] = []
        if let authorization { headers.append(("Authorization", authorization)) }
        if let host { headers.append(("Host", host)) }
        return HTTPRequest(
            method: method, rawPath: path, headers: headers, body: Array((body ?? "").utf8),
            bodyExceededLimit: bodyExceededLimit)
    }

    static func answer(_ emulator: Emulator, _ request: HTTPRequest) -> (Int, String) {
        let response = emulator.handle(request)
        return (response.status, String(decoding: response.body, as: UTF8.self))
    }

    @Test(
        "route and method come before authentication, authentication before the brand, the brand before the body",
        arguments: [
            (request("GET", "/api/v1/nothing", authorization: wrong), 404, #"{"error":"Not Found"}"#),
            (request("DELETE", "/api/v1/contacts", authorization: wrong), 405, #"{"error":"Method Not Allowed"}"#),
            (
                request("GET", "/api/v1/contacts", authorization: wrong, host: "nope.localhost"), 401,
                #"{"error":"Unauthorized"}"#
            ),
            (request("POST", "/api/v1/contacts", host: "globex.localhost", body: "{"), 404, #"{"error":"Not Found"}"#),
            (
                request("POST", "/api/v1/contacts", body: "{", bodyExceededLimit: true), 413,
                #"{"error":"Payload Too Large"}"#
            ),
            (request("POST", "/api/v1/contacts", body: "{"), 400, #"{"error":"Malformed JSON in request body"}"#),
            (request("POST", "/api/v1/contacts", body: "{}"), 422, #"{"errors":{"contact":["is missing"]}}"#),
        ])
    func orderOfChecks(request: HTTPRequest, status: Int, body: String) throws {
        let emulator = try Self.emulator()
        defer { emulator.close() }
        let (answered, text) = Self.answer(emulator, request)
        #expect(answered == status)
        #expect(text == body)
    }

    @Test("a scripted fault acts after authentication and brand and before the rate limit and the body")
    func faultsBeforeRateLimit() throws {
        let emulator = try Self.emulator { $0.rateLimit = 1 }
        defer { emulator.close() }
        let rule = #"{"match": {"path": "/api/v1/staff"}, "action": {"status": 503}}"#
        #expect(
            Self.answer(emulator, Self.request("POST", "/__emulator/faults", authorization: nil, body: rule)).0 == 200)
        #expect(Self.answer(emulator, Self.request("GET", "/api/v1/contacts")).0 == 200)
        #expect(Self.answer(emulator, Self.request("GET", "/api/v1/contacts")).0 == 429, "the limit of 1 is used up")
        #expect(Self.answer(emulator, Self.request("GET", "/api/v1/staff", body: "{")).0 == 503, "the fault wins")
        #expect(Self.answer(emulator, Self.request("GET", "/api/v1/staff", authorization: Self.wrong)).0 == 401)
    }

    @Test("a latency fault hands the HTTP layer a deferred answer; the rest of the pipeline runs when it is due")
    func latencyIsDeferred() throws {
        let emulator = try Self.emulator()
        defer { emulator.close() }
        let rule = #"{"match": {"path": "/api/v1/contacts"}, "action": {"delay_ms": 250}, "times": 1}"#
        _ = Self.answer(emulator, Self.request("POST", "/__emulator/faults", authorization: nil, body: rule))
        let create = #"{"contact": {"email": "later@x.io"}}"#
        let deferred = emulator.handle(Self.request("POST", "/api/v1/contacts", body: create))
        let deferral = try #require(deferred.deferral)
        #expect(deferral.milliseconds == 250)
        #expect(
            Self.answer(emulator, Self.request("GET", "/api/v1/contacts/later@x.io")).0 == 404,
            "nothing is written before the delay is over")
        let answered = deferral.respond()
        #expect(answered.status == 200)
        #expect(answered.deferral == nil)
        #expect(Self.answer(emulator, Self.request("GET", "/api/v1/contacts/later@x.io")).0 == 200)
        let journal = Self.answer(emulator, Self.request("GET", "/__emulator/requests", authorization: nil)).1
        #expect(
            journal.components(separatedBy: #""path":"/api/v1/contacts""#).count == 2, "journaled once, when answered")
    }

    @Test(
        "the body limit is the route's: only the state import reads a large body, however its path is spelt",
        arguments: [
            ("/__emulator/state", 256 << 20), ("/__emulator/state.json", 256 << 20), ("/__emulator/state/", 256 << 20),
            ("/__emulator/%73tate", 256 << 20), ("/__emulator/config", nil), ("/__emulator/states", nil),
            ("/api/v1/state", nil), ("/api/v1/contacts", nil), ("/state", nil), ("/", nil),
            // Without its leading slash the path splits into the same segments, so it reaches the same route.
            ("__emulator/state", 256 << 20), ("//__emulator/state", nil),
        ])
    func bodyLimitPerRoute(path: String, limit: Int?) throws {
        let emulator = try Self.emulator()
        defer { emulator.close() }
        #expect(emulator.maxBodyBytes(forRawPath: path) == limit)
    }

    @Test("a path no group owns is the API's 404, journaled; the console owns only its own two paths")
    func pathsOutsideEveryGroup() throws {
        let emulator = try Self.emulator()
        defer { emulator.close() }
        #expect(Self.answer(emulator, Self.request("GET", "/consoles")).0 == 404)
        #expect(Self.answer(emulator, Self.request("GET", "/console/x")).0 == 404)
        #expect(Self.answer(emulator, Self.request("GET", "/__emulator")).0 == 404)
        #expect(Self.answer(emulator, Self.request("HEAD", "/")).0 == 200)
        let journal = Self.answer(emulator, Self.request("GET", "/__emulator/requests", authorization: nil)).1
        #expect(journal.contains(#""path":"/consoles""#) && journal.contains(#""path":"/console/x""#))
        #expect(!journal.contains(#""path":"/__emulator""#) && !journal.contains(#""path":"/""#))
    }

    @Test("an unknown brand is Re:amaze's bare 404 to the client, with its reason in the log (info) and the journal")
    func unknownBrandIsExplained() throws {
        let records = LogRecords()
        let emulator = try Self.emulator(logger: Logger(label: "test") { _ in CapturingLogHandler(records: records) })
        defer { emulator.close() }
        let (status, body) = Self.answer(emulator, Self.request("GET", "/api/v1/contacts", host: "nope.reamaze.io"))
        #expect(status == 404)
        #expect(body == #"{"error":"Not Found"}"#)
        let reason = "the Host header names brand 'nope', which account 1 does not have (its brands: acme, acme-outlet)"
        let logged = records.all.filter { $0.level == .info && $0.message == "request refused" }
        #expect(logged.map { $0.metadata["reason"] } == [reason])
        let journal = Self.answer(emulator, Self.request("GET", "/__emulator/requests", authorization: nil)).1
        #expect(journal.contains(#""note":"\#(reason)""#), "\(journal)")
        let known = Self.answer(emulator, Self.request("GET", "/api/v1/contacts"))
        #expect(known.0 == 200)
        let newest = Self.answer(
            emulator, HTTPRequest(method: "GET", rawPath: "/__emulator/requests", query: [("limit", "1")]))
        #expect(newest.1.hasSuffix(#""note":null}]}"#), "an answered request has no note: \(newest.1)")
    }
}
