import Logging
import MicroHTTP
import SQLiteStore
import Synchronization

/// One request on its way through the router and its group's pipeline: what every middleware may read, and what the
/// journal and the log need when it is answered.
final class Exchange: Sendable {
    let request: HTTPRequest
    /// A number per request, for the log.
    let id: Int
    let started: ContinuousClock.Instant
    /// The route the path and method reached in the request's group, or why none did (404, 405). The pipeline
    /// reports that only after the checks that come first (head size, readiness).
    let route: Result<RouteMatch, APIError>
    let logger: Logger
    /// The account the request acts in, once authentication knows it (0 until then); the journal records it.
    private let authenticatedAccount = Atomic<Int>(0)
    /// Why the request was refused, when the refusal explains itself to the operator (``ExplainedError``).
    private let explanation = Mutex<String?>(nil)

    init(request: HTTPRequest, id: Int, route: Result<RouteMatch, APIError>, logger: Logger) {
        self.request = request
        self.id = id
        self.started = ContinuousClock.now
        self.route = route
        self.logger = logger
    }

    var accountID: Int? {
        get { Self.account(authenticatedAccount.load(ordering: .relaxed)) }
        set { authenticatedAccount.store(newValue ?? 0, ordering: .relaxed) }
    }

    private static func account(_ stored: Int) -> Int? { stored == 0 ? nil : stored }

    /// The reason an ``ExplainedError`` gave, for the journal entry.
    var note: String? { explanation.withLock { $0 } }

    /// What `body` answers, or the answer to what it throws: the one place errors become responses
    /// (``APIError/from(_:)``). A server fault is logged once, here, with the request it failed.
    func answer(_ body: () throws -> HTTPResponse) -> HTTPResponse {
        do {
            return try body()
        } catch {
            let rendered = APIError.from(error)
            if let explained = error as? any ExplainedError {
                explanation.withLock { $0 = explained.explanation }
                logger.info(
                    "request refused",
                    metadata: [
                        "request_id": "\(id)", "method": "\(request.method)", "path": "\(request.rawPath)",
                        "reason": "\(explained.explanation)",
                    ])
            }
            if (rendered as? APIError)?.isServerFault == true {
                var metadata: Logger.Metadata = [
                    "request_id": "\(id)", "method": "\(request.method)", "path": "\(request.rawPath)",
                    "error": "\(String(describing: error))",
                ]
                if let store = error as? SQLiteError { metadata["sqlite_code"] = "\(store.code)" }
                logger.error("request failed", metadata: metadata)
            }
            return rendered.response
        }
    }
}

/// The context a group's handlers and middleware receive; each gives access to the request's exchange.
protocol PipelineContext: Sendable {
    var exchange: Exchange { get }
}

extension Exchange: PipelineContext {
    var exchange: Exchange { self }
}

/// The rest of a pipeline, from one step on.
typealias Responder<Context> = @Sendable (Context) throws -> HTTPResponse

/// One step of a group's pipeline: it sees the request on its way in and either answers itself, throws (the error
/// is answered in one place, ``Exchange/answer(_:)``), or hands the request on to `next`.
protocol Middleware<Context>: Sendable {
    associatedtype Context: PipelineContext
    func respond(to context: Context, next: @escaping Responder<Context>) throws -> HTTPResponse

    /// This step in front of `next`, as one closure made for this step's own type. (The default is the one to use:
    /// being a requirement, it is chosen per concrete step when the chain is built, so a request calls each step
    /// directly, never through an existential that would convert `next` on every call.)
    func wrapping(_ next: @escaping Responder<Context>) -> Responder<Context>
}

extension Middleware {
    func wrapping(_ next: @escaping Responder<Context>) -> Responder<Context> {
        { context in try respond(to: context, next: next) }
    }
}

/// Chains steps in order around an endpoint, once, when the pipeline is built.
func chain<Context>(_ steps: [any Middleware<Context>], around endpoint: @escaping Responder<Context>)
    -> Responder<Context>
{
    steps.reversed().reduce(endpoint) { next, step in step.wrapping(next) }
}

extension HTTPResponse {
    /// Runs `finish` on the answer: now, or, for a deferred or handed-over answer, when it is made.
    func whenAnswered(_ finish: @escaping @Sendable (HTTPResponse) -> HTTPResponse) -> HTTPResponse {
        if let deferral {
            return .deferred(milliseconds: deferral.milliseconds) { deferral.respond().whenAnswered(finish) }
        }
        if let handOver {
            return .pending { deliver in handOver.start { deliver($0.whenAnswered(finish)) } }
        }
        return finish(self)
    }
}

/// A route group ready to answer, whatever its handlers' context: its table and its built pipeline.
protocol GroupPipeline: Sendable {
    /// The raw path segments the group owns.
    var prefix: [Substring] { get }
    /// When true the group claims a path only when one of its routes fits it (the console's paths at the root);
    /// otherwise every path under its prefix is its own, answered 404 when no route fits.
    var claimsOnlyItsRoutes: Bool { get }
    /// The group's patterns: matching needs nothing of its handlers' type.
    var table: RouteTable { get }
    func respond(to exchange: Exchange) -> HTTPResponse
}

/// A group's routes and the pipeline its requests go through: steps over the exchange, then the step that makes the
/// handlers' context (authentication, for the API), then steps over that context, then the route's handler.
struct Pipeline<Context: PipelineContext>: GroupPipeline {
    let group: RouteGroup<Context>
    let claimsOnlyItsRoutes: Bool
    private let responder: Responder<Exchange>

    init(
        _ group: RouteGroup<Context>, claimsOnlyItsRoutes: Bool = false, before: [any Middleware<Exchange>],
        context makeContext: @escaping @Sendable (Exchange) throws -> Context, after: [any Middleware<Context>]
    ) {
        self.group = group
        self.claimsOnlyItsRoutes = claimsOnlyItsRoutes
        let handle = chain(after) { context in
            try group.handler(context.exchange.route.get())(context)
        }
        self.responder = chain(before) { exchange in try handle(makeContext(exchange)) }
    }

    var prefix: [Substring] { group.prefix }

    var table: RouteTable { group.table }

    func respond(to exchange: Exchange) -> HTTPResponse { exchange.answer { try responder(exchange) } }
}

extension Pipeline where Context == Exchange {
    /// A group whose handlers take the exchange itself.
    init(_ group: RouteGroup<Exchange>, claimsOnlyItsRoutes: Bool = false, steps: [any Middleware<Exchange>]) {
        self.init(group, claimsOnlyItsRoutes: claimsOnlyItsRoutes, before: steps, context: { $0 }, after: [])
    }
}

/// The one router: it gives each request to the group that owns its path (the console's routes, the control plane
/// under `/__emulator`, the API under `/api/v1`), matches the route there, and lets that group's pipeline answer.
/// A path no group owns is the last group's (the API's): a journaled 404, as Re:amaze answers unknown paths.
struct Router: Sendable {
    let groups: [any GroupPipeline]
    /// The prefixes of the groups with a route that has a body limit of its own (the control plane's state import).
    private let limitedPrefixes: [[Substring]]
    /// The same prefixes as text (`__emulator`): a raw path that does not begin with one (after the one leading `/`
    /// that splitting drops) is settled by its first bytes, before it is split (asked of every request).
    private let limitedPathStarts: [String]

    init(groups: [any GroupPipeline]) {
        self.groups = groups
        limitedPrefixes = groups.filter(\.table.hasBodyLimits).map(\.prefix)
        limitedPathStarts = limitedPrefixes.map { $0.joined(separator: "/") }
    }

    /// The answer to one request; never throws.
    func respond(to request: HTTPRequest, id: Int, logger: Logger) -> HTTPResponse {
        let (group, path) = owner(of: request.rawSegments)
        let route =
            path.map { path in
                Result { () throws(APIError) in try group.table.match(method: request.method, path: path) }
            } ?? .failure(.notFound)
        return group.respond(to: Exchange(request: request, id: id, route: route, logger: logger))
    }

    /// The body limit of the route a raw path reaches, or nil for the server's own. Asked before the body is read.
    func maxBodyBytes(forRawPath rawPath: String) -> Int? {
        // Most paths are under no group with limits: answered without splitting, decoding or matching anything.
        let start = rawPath.utf8.first == UInt8(ascii: "/") ? rawPath.utf8.dropFirst() : rawPath.utf8[...]
        guard limitedPathStarts.contains(where: { start.starts(with: $0.utf8) }) else { return nil }
        let raw = HTTPRequest.segments(ofRawPath: rawPath)
        guard limitedPrefixes.contains(where: raw.starts(with:)) else { return nil }
        let (group, path) = owner(of: raw)
        return path.flatMap { group.table.maxBodyBytes(path: $0) }
    }

    /// The group that owns a path, and the path's decoded segments below its prefix (nil when they do not decode).
    private func owner(of raw: [Substring]) -> (any GroupPipeline, [String]?) {
        for group in groups where raw.starts(with: group.prefix) {
            let depth = raw.count - group.prefix.count
            if group.claimsOnlyItsRoutes, !group.table.hasRoute(ofDepth: depth) { continue }
            let path = RequestPath.decodedSegments(raw.dropFirst(group.prefix.count))
            if group.claimsOnlyItsRoutes, !(path.map(group.table.hasRoute) ?? false) { continue }
            return (group, path)
        }
        return (groups[groups.count - 1], nil)
    }
}
