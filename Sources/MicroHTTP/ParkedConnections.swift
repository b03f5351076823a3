import CMicroHTTPD
import Dispatch
import Glibc
import Synchronization

/// A connection libmicrohttpd keeps valid while it is suspended; only ``ParkedConnections`` resumes it, once.
struct ParkedConnection: @unchecked Sendable {
    let pointer: OpaquePointer
}

/// The suspended connections of one daemon: each with a timer that resumes it when its deferred response is due, or
/// waiting for a response made on another thread to be handed over.
///
/// A parked connection holds no worker thread, so a slow answer (a latency fault, a write queued behind others) never
/// delays other connections. libmicrohttpd forbids stopping a daemon with suspended connections, so a stop resumes
/// the timed ones all at once (``resumeAll()``) and a deferred response asked for after that is made at once, without
/// parking: while stopping, deferred responses are sent without their wait. A handed-over response cannot be sent
/// before it is made: the stop waits for those parked before it began (``waitForHandOvers()``), and from then on a
/// worker waits for its hand-over itself rather than parking the connection.
/// https://www.gnu.org/software/libmicrohttpd/manual/html_node/microhttpd_002dflow.html
final class ParkedConnections: Sendable {
    private struct State {
        var stopping = false
        var nextTicket: UInt64 = 0
        var connections: [UInt64: ParkedConnection] = [:]
        var awaitingHandOver = 0
    }

    private let state = Mutex(State())
    /// The resume timers fire here. A private serial queue, not a shared global one: libdispatch gives it a thread
    /// even when the global queues are busy (an in-process server shares them with its host), and a resume is only
    /// one call into libmicrohttpd.
    private let timers = DispatchQueue(label: "microhttp.parked-connections")

    /// Suspends the connection (call from its access handler) and resumes it after `milliseconds`, unless the server
    /// is stopping: then it returns false and leaves the connection as it is, for the caller to answer at once (a
    /// connection suspended and resumed while libmicrohttpd stops its threads is never served again, and its answer
    /// is never made). The suspension happens under the lock `resumeAll` takes, so every connection is either
    /// suspended before the stop collects it or not suspended at all.
    func park(_ connection: ParkedConnection, milliseconds: Int) -> Bool {
        let ticket = state.withLock { state -> UInt64? in
            guard !state.stopping else { return nil }
            MHD_suspend_connection(connection.pointer)
            state.nextTicket += 1
            state.connections[state.nextTicket] = connection
            return state.nextTicket
        }
        guard let ticket else { return false }
        timers.asyncAfter(deadline: .now() + .milliseconds(max(0, milliseconds))) { [self] in
            resume(ticket)
        }
        return true
    }

    /// Counts a connection about to be parked for a hand-over, unless the server is stopping: then it returns false
    /// and the caller must not suspend the connection (libmicrohttpd may be stopping its threads), but wait for the
    /// response on its own thread (``HandedOverResponse/waitingFor(_:)``). Call before suspending; then
    /// ``park(_:until:store:)``.
    func admitHandOver() -> Bool {
        state.withLock { state in
            if state.stopping { return false }
            state.awaitingHandOver += 1
            return true
        }
    }

    /// Starts a hand-over for a connection admitted (``admitHandOver()``) and just suspended, and resumes it once
    /// `deliver` has been called: `deliver` stores the response (with `store`, before the resume) and may be called
    /// from any thread, once.
    func park(
        _ connection: ParkedConnection, until handOver: HTTPResponse.HandOver,
        store: @escaping @Sendable (HTTPResponse) -> Void
    ) {
        handOver.start { [self] response in
            store(response)
            MHD_resume_connection(connection.pointer)
            state.withLock { $0.awaitingHandOver -= 1 }
        }
    }

    /// Returns once no connection waits for a response to be handed over. Call after ``resumeAll()``, which stops
    /// new ones from being admitted.
    func waitForHandOvers() {
        while state.withLock({ $0.awaitingHandOver }) > 0 { usleep(1_000) }
    }

    /// Resumes every connection parked for a time now, and every one parked for a time from now on at once.
    func resumeAll() {
        let all = state.withLock { state in
            state.stopping = true
            defer { state.connections.removeAll() }
            return Array(state.connections.values)
        }
        for connection in all { MHD_resume_connection(connection.pointer) }
    }

    private func resume(_ ticket: UInt64) {
        // Taken out under the lock: the timer and `resumeAll` never both resume one connection.
        if let connection = state.withLock({ $0.connections.removeValue(forKey: ticket) }) {
            MHD_resume_connection(connection.pointer)
        }
    }
}
