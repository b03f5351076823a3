import CMicroHTTPD
import Dispatch
import Glibc
import Synchronization

/// Per-request state that libmicrohttpd carries in `con_cls` between the calls of one request.
final class RequestState {
    /// Where the request is between the calls libmicrohttpd makes for it.
    enum Phase {
        /// Headers and body arriving; the handler has not run.
        case receiving
        /// The handler answered before the body arrived (a refused size) with a deferred or handed-over response:
        /// the rest of the body is discarded, then the connection is parked.
        case laterOnceBodyEnds(HTTPResponse)
        /// Parked by `MHD_suspend_connection`; the next call (after the resume) makes the response.
        case parked(@Sendable () -> HTTPResponse)
        /// A response is queued (or the connection dropped).
        case answered
    }

    var body: [UInt8] = []
    /// The path as sent, made once on the request's first call (for its body limit) and kept for the request.
    var rawPath: String?
    var bodyLimit = 0
    var bodyExceededLimit = false
    var phase = Phase.receiving
}

/// The C callbacks, as `static let` closures in a nonisolated namespace: Swift 6's isolation checks would kill the
/// process if they were isolated to an actor or to the main actor.
enum MHDCallbacks {
    /// Called several times per request: headers, each body chunk, then once more at the end.
    static let accessHandler: MHD_AccessHandlerCallback = {
        context, connection, url, method, _, uploadData, uploadDataSize, requestContext in
        guard let context, let connection, let requestContext, let uploadDataSize else { return .NO }
        let server = Unmanaged<DaemonContext>.fromOpaque(context).takeUnretainedValue()

        guard let existing = requestContext.pointee else {
            let state = RequestState()
            server.requestsInFlight.add(1, ordering: .relaxed)
            // passRetained: libmicrohttpd carries the state across calls; `requestCompleted` releases it once.
            requestContext.pointee = Unmanaged.passRetained(state).toOpaque()
            let configuration = server.configuration
            state.rawPath = url.map { String(cString: $0) }
            state.bodyLimit =
                state.rawPath.flatMap { configuration.maxBodyBytesForPath?($0) } ?? configuration.maxBodyBytes
            if let length = declaredContentLength(connection), length > state.bodyLimit {
                // Answer now, without reading the body; libmicrohttpd then closes the connection.
                state.bodyExceededLimit = true
                return respond(server, state, connection, url, method, bodyComplete: false)
            }
            // Queue nothing on this first call: a response queued here makes libmicrohttpd drop keep-alive.
            return .YES
        }
        let state = Unmanaged<RequestState>.fromOpaque(existing).takeUnretainedValue()
        let chunkSize = uploadDataSize.pointee
        switch state.phase {
        case .receiving: break
        case .answered: return .YES
        case .laterOnceBodyEnds(let response):
            if chunkSize > 0 {
                uploadDataSize.pointee = 0
                return .YES
            }
            return park(server, state, connection, response)
        case .parked(let respond):
            // Called again after the resume: the wait is over.
            return deliver(respond(), server, state, connection, bodyComplete: true)
        }

        if chunkSize > 0 {
            if !state.bodyExceededLimit {
                if state.body.count + chunkSize > state.bodyLimit {
                    state.bodyExceededLimit = true
                    state.body = []
                } else if let uploadData {
                    uploadData.withMemoryRebound(to: UInt8.self, capacity: chunkSize) {
                        state.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: chunkSize))
                    }
                }
            }
            uploadDataSize.pointee = 0
            return .YES
        }
        return respond(server, state, connection, url, method, bodyComplete: true)
    }

    /// Releases the per-request state exactly once.
    static let requestCompleted: MHD_RequestCompletedCallback = { context, _, requestContext, _ in
        guard let context, let requestContext, let state = requestContext.pointee else { return }
        Unmanaged<DaemonContext>.fromOpaque(context).takeUnretainedValue().requestsInFlight
            .subtract(1, ordering: .releasing)
        Unmanaged<RequestState>.fromOpaque(state).release()
        requestContext.pointee = nil
    }

    /// Counts the open connections (``HTTPRequest/connectionsOutnumberWorkers``).
    static let connectionNotified: MHD_NotifyConnectionCallback = { context, _, _, event in
        guard let context else { return }
        let delta = event == .CONNECTION_NOTIFY_STARTED ? 1 : -1
        Unmanaged<DaemonContext>.fromOpaque(context).takeUnretainedValue().openConnections
            .add(delta, ordering: .relaxed)
    }

    /// Leaves the URL and query as sent: the handler decodes each path segment once, itself.
    static let identityUnescape:
        @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafeMutablePointer<CChar>?)
            -> Int = { _, _, text in
                guard let text else { return 0 }
                return strlen(text)
            }

    /// Collects key/value pairs from `MHD_get_connection_values` into the array its context points to.
    static let collectPair: MHD_KeyValueIterator = { context, _, key, value in
        guard let context, let key else { return .YES }
        context.assumingMemoryBound(to: [(name: String, value: String)].self).pointee.append(
            (name: String(cString: key), value: value.map { String(cString: $0) } ?? ""))
        return .YES
    }

    private static func respond(
        _ server: DaemonContext, _ state: RequestState, _ connection: OpaquePointer,
        _ url: UnsafePointer<CChar>?, _ method: UnsafePointer<CChar>?, bodyComplete: Bool
    ) -> MHD_Result {
        let query = values(connection, .GET_ARGUMENT_KIND).map { pair in
            (
                name: PercentDecoding.decodeFormComponent(pair.name) ?? pair.name,
                value: PercentDecoding.decodeFormComponent(pair.value) ?? pair.value
            )
        }
        let request = HTTPRequest(
            method: method.map { String(cString: $0) } ?? "GET",
            rawPath: state.rawPath ?? url.map { String(cString: $0) } ?? "/",
            query: query,
            headers: values(connection, .HEADER_KIND),
            body: state.body,
            bodyExceededLimit: state.bodyExceededLimit,
            isSecure: server.configuration.tls != nil,
            connectionsOutnumberWorkers: server.openConnections.load(ordering: .relaxed)
                > server.configuration.workerCount
        )
        state.body = []
        return deliver(server.handler(request), server, state, connection, bodyComplete: bodyComplete)
    }

    /// Queues a response, drops the connection, or parks it for a deferred response.
    private static func deliver(
        _ response: HTTPResponse, _ server: DaemonContext, _ state: RequestState, _ connection: OpaquePointer,
        bodyComplete: Bool
    ) -> MHD_Result {
        if response.isLater {
            // A connection may only be parked once its body has been read: after the resume libmicrohttpd would
            // hand over body data where a response is expected.
            guard bodyComplete else {
                state.phase = .laterOnceBodyEnds(response)
                return .YES
            }
            return park(server, state, connection, response)
        }
        state.phase = .answered
        // Answering NO makes libmicrohttpd close the connection without a response.
        return response.dropsConnection ? .NO : queue(response, on: connection)
    }

    /// Suspends the connection, so that no worker thread waits for it, and resumes it when the deferral is due or
    /// the response has been handed over; the call libmicrohttpd makes after the resume sends the response.
    private static func park(
        _ server: DaemonContext, _ state: RequestState, _ connection: OpaquePointer, _ response: HTTPResponse
    ) -> MHD_Result {
        let parked = ParkedConnection(pointer: connection)
        if let deferral = response.deferral {
            state.phase = .parked(deferral.respond)
            guard server.parked.park(parked, milliseconds: deferral.milliseconds) else {
                return deliver(deferral.respond(), server, state, connection, bodyComplete: true)
            }
        } else if let handOver = response.handOver {
            guard server.parked.admitHandOver() else {
                return deliver(HandedOverResponse.waitingFor(handOver), server, state, connection, bodyComplete: true)
            }
            let slot = HandedOverResponse()
            state.phase = .parked(slot.take)
            MHD_suspend_connection(connection)
            server.parked.park(parked, until: handOver, store: slot.store)
        }
        return .YES
    }

    private static func queue(_ response: HTTPResponse, on connection: OpaquePointer) -> MHD_Result {
        let mhdResponse = response.body.withUnsafeBytes { bytes in
            MHD_create_response_from_buffer(
                bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), .RESPMEM_MUST_COPY)
        }
        guard let mhdResponse else { return .NO }
        defer { MHD_destroy_response(mhdResponse) }
        for header in response.headers {
            _ = MHD_add_response_header(mhdResponse, header.name, header.value)
        }
        return MHD_queue_response(connection, UInt32(response.status), mhdResponse)
    }

    private static func declaredContentLength(_ connection: OpaquePointer) -> Int? {
        guard let value = MHD_lookup_connection_value(connection, .HEADER_KIND, "Content-Length") else {
            return nil
        }
        return Int(String(cString: value))
    }

    /// The connection's values of one kind, in the order sent: counted first (no iterator), so the array is made
    /// once at its size rather than grown while the values are collected.
    private static func values(_ connection: OpaquePointer, _ kind: MHD_ValueKind) -> [(name: String, value: String)] {
        let count = MHD_get_connection_values(connection, kind, nil, nil)
        guard count > 0 else { return [] }
        var pairs: [(name: String, value: String)] = []
        pairs.reserveCapacity(Int(count))
        // The iteration is synchronous: the pointer is used only while `pairs` lives on this frame.
        _ = withUnsafeMutablePointer(to: &pairs) { MHD_get_connection_values(connection, kind, collectPair, $0) }
        return pairs
    }
}

/// Where a response made on another thread waits for the resumed connection's worker to send it.
final class HandedOverResponse: Sendable {
    private let response = Mutex<HTTPResponse?>(nil)

    @Sendable func store(_ made: HTTPResponse) { response.withLock { $0 = made } }

    /// The response; only called after the resume, which follows the store.
    @Sendable func take() -> HTTPResponse {
        response.withLock { $0 } ?? HTTPResponse(status: 500)
    }

    /// The response `handOver` makes, waited for on this thread (while the server stops, when no connection may be
    /// parked).
    static func waitingFor(_ handOver: HTTPResponse.HandOver) -> HTTPResponse {
        let slot = HandedOverResponse()
        let made = DispatchSemaphore(value: 0)
        handOver.start { response in
            slot.store(response)
            made.signal()
        }
        made.wait()
        return slot.take()
    }
}
