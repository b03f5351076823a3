import Logging
import MicroHTTP
import Synchronization

/// Logs every answer at debug level with its status and duration (for a deferred answer, when it is made).
struct RequestLogging: Middleware {
    func respond(to exchange: Exchange, next: @escaping Responder<Exchange>) throws -> HTTPResponse {
        let response = exchange.answer { try next(exchange) }
        guard response.isLater else { return Self.log(response, of: exchange) }
        return response.whenAnswered { Self.log($0, of: exchange) }
    }

    private static func log(_ response: HTTPResponse, of exchange: Exchange) -> HTTPResponse {
        let request = exchange.request
        exchange.logger.debug(
            "request",
            metadata: [
                "request_id": "\(exchange.id)", "method": "\(request.method)", "path": "\(request.rawPath)",
                "status": "\(response.status)",
                "duration_ms": "\((ContinuousClock.now - exchange.started).milliseconds)",
            ])
        return response
    }
}

/// Records every answer in the request journal (`GET /__emulator/requests`); a dropped connection as status 0.
struct Journaling: Middleware {
    let journal: Journal
    let clock: EmulatorClock

    func respond(to exchange: Exchange, next: @escaping Responder<Exchange>) throws -> HTTPResponse {
        let response = exchange.answer { try next(exchange) }
        guard response.isLater else { return record(response, of: exchange) }
        return response.whenAnswered { [self] in record($0, of: exchange) }
    }

    private func record(_ response: HTTPResponse, of exchange: Exchange) -> HTTPResponse {
        let request = exchange.request
        let (now, elapsed) = (clock.now(), ContinuousClock.now - exchange.started)
        journal.record { id in
            JournalEntry(
                id: id, time: now, method: request.method, path: request.rawPath, query: request.query,
                status: response.dropsConnection ? 0 : response.status, durationMilliseconds: elapsed.milliseconds,
                accountID: exchange.accountID, note: exchange.note, requestBytes: Journal.kept(request.body),
                responseBytes: Journal.kept(response.body))
        }
        return response
    }
}

/// Request targets (path and query) and header blocks over 8 KiB are answered 414 and 431. (Request heads larger
/// than libmicrohttpd's 16 KiB connection pool it refuses itself, before any handler.)
struct HeadSizeLimit: Middleware {
    static let maxTargetBytes = 8 * 1_024
    static let maxHeaderBytes = 8 * 1_024

    func respond(to exchange: Exchange, next: @escaping Responder<Exchange>) throws -> HTTPResponse {
        let request = exchange.request
        let target =
            request.rawPath.utf8.count + request.query.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 2 }
        if target > Self.maxTargetBytes { throw APIError.uriTooLong }
        let headers = request.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
        if headers > Self.maxHeaderBytes { throw APIError.headersTooLarge }
        return try next(exchange)
    }
}

/// Whether start-up (fixtures, bootstrap) has finished, and since when the emulator runs.
final class Readiness: Sendable {
    let startedAt = ContinuousClock.now
    private let ready = Atomic<Bool>(false)

    var isReady: Bool { ready.load(ordering: .acquiring) }
    func markReady() { ready.store(true, ordering: .releasing) }
}

/// Until start-up has finished every request is 503, but for the routes marked available while starting.
struct ReadinessGate: Middleware {
    let readiness: Readiness

    func respond(to exchange: Exchange, next: @escaping Responder<Exchange>) throws -> HTTPResponse {
        let exempt = (try? exchange.route.get())?.options.contains(.availableWhileStarting) ?? false
        if !exempt, !readiness.isReady { throw APIError.serviceUnavailable }
        return try next(exchange)
    }
}

/// Answers 404 for a path no route of the group fits and 405 for a method its route does not serve; placed after
/// the checks a client meets first.
struct RouteFound: Middleware {
    func respond(to exchange: Exchange, next: @escaping Responder<Exchange>) throws -> HTTPResponse {
        _ = try exchange.route.get()
        return try next(exchange)
    }
}

/// A body over the route's limit was discarded unread by the HTTP layer: 413.
struct BodySizeLimit<Context: PipelineContext>: Middleware {
    func respond(to context: Context, next: @escaping Responder<Context>) throws -> HTTPResponse {
        if context.exchange.request.bodyExceededLimit { throw APIError.payloadTooLarge }
        return try next(context)
    }
}

extension Duration {
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1_000 + Double(attoseconds) / 1e15
    }
}
