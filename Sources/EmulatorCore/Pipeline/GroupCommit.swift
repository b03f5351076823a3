import Dispatch
import MicroHTTP
import SQLiteStore
import Synchronization

/// The API's writes (every method but GET and HEAD) one at a time, and those that arrive while one runs committed
/// together: the last step before the handler.
///
/// A write that finds none running runs at once, on its worker thread, as a write always did, unless the server has
/// more connections open than worker threads (``MicroHTTP/HTTPRequest/connectionsOutnumberWorkers``). One that
/// arrives while another runs, or finds the connections outnumbering the workers, is queued and its connection parked
/// (no worker thread waits: the worker goes on reading other requests); once the running write is done, the queue's
/// writes run on one thread, up to ``WriteQueue/largestGroup`` in one transaction committed once
/// (``SQLiteStore/Database/writeTogether(_:_:)``), and each is answered after that commit. Their answers are those
/// they would get one after another in the same order.
///
/// Why: a commit writes every page its transaction changed to the write-ahead log, and most of what one `POST
/// /contacts` changes (indexes, the tables' last pages) the next changes too. Before, the writes waited for the
/// writer on a lock, blocking their worker thread; with two workers at most one write waited, so nothing could be
/// grouped, and the waiting worker spun in the kernel (Swift's `Mutex` on Linux is a priority-inheriting futex).
///
/// Why the connections count: libmicrohttpd keeps each connection on the worker thread that accepted it, and one
/// thread sometimes accepts all of a client's connections. A write run at once on that thread then keeps it from
/// reading the next connection's write, so no write ever finds another running, nothing is grouped, and each commits
/// alone: 32 connections moving identities ran at 6,200-9,000 moves a second in such seconds against 10,000-20,000
/// when the connections were spread (BENCHMARKS.md, "Where the time goes"). Queued, the thread's writes are grouped
/// as if the connections were spread. With as many connections as workers or fewer (a test suite's one client) the
/// write still runs at once, without the hand-over to the queue's thread.
struct GroupCommit: Middleware {
    let queue: WriteQueue

    func respond(to context: RequestContext, next: @escaping Responder<RequestContext>) throws -> HTTPResponse {
        // The route was found (RouteFound), so the method is one of HTTPMethod's.
        guard HTTPMethod(rawValue: context.exchange.request.method)?.onlyReads == false else {
            return try next(context)
        }
        let request = context.exchange.request
        return try queue.run(context.exchange, runsNowWhenIdle: !request.connectionsOutnumberWorkers) {
            try next(context)
        }
    }
}

/// The queue of writes behind ``GroupCommit``: who runs now, and what waits.
final class WriteQueue: Sendable {
    /// Writes committed together at most: bounds how long the first of a group waits for its answer.
    static let largestGroup = 32

    private let database: Database
    private let state = Mutex(State())
    /// Where queued writes run. A private serial queue: libdispatch gives it a thread even when the global queues
    /// are busy (an in-process server shares them with its host).
    private let runner = DispatchQueue(label: "emulator.write-queue")

    private struct State {
        /// A write is running (on a worker, or the queue's on ``runner``); the one that ends it hands the queue on.
        var busy = false
        var queue: [Job] = []
    }

    /// One queued write: its request, the rest of its pipeline, and where its answer goes.
    private struct Job: Sendable {
        let exchange: Exchange
        let work: @Sendable () throws -> HTTPResponse
        let deliver: @Sendable (HTTPResponse) -> Void

        func answer() -> HTTPResponse { exchange.answer(work) }
    }

    init(database: Database) {
        self.database = database
    }

    /// `work`'s answer: now when no write runs and `runsNowWhenIdle`, else handed over once it has run on the queue's
    /// thread and its group has committed.
    func run(
        _ exchange: Exchange, runsNowWhenIdle: Bool = true, _ work: @escaping @Sendable () throws -> HTTPResponse
    ) throws -> HTTPResponse {
        let runsNow =
            runsNowWhenIdle
            && state.withLock { state in
                if state.busy { return false }
                state.busy = true
                return true
            }
        guard runsNow else {
            return .pending { [self] deliver in enqueue(Job(exchange: exchange, work: work, deliver: deliver)) }
        }
        defer { handOn() }
        return try work()
    }

    private func enqueue(_ job: Job) {
        // The write that was running may have finished since this one saw it (its queue was empty then).
        let starts = state.withLock { state in
            state.queue.append(job)
            if state.busy { return false }
            state.busy = true
            return true
        }
        if starts { runner.async { self.runQueued() } }
    }

    /// Ends the write that ran at once: the queue runs next, if anything waits.
    private func handOn() {
        let queued = state.withLock { state in
            if !state.queue.isEmpty { return true }
            state.busy = false
            return false
        }
        if queued { runner.async { self.runQueued() } }
    }

    /// Runs the queue, a group at a time, until it is empty.
    private func runQueued() {
        while true {
            let group = state.withLock { state -> [Job] in
                let count = min(state.queue.count, Self.largestGroup)
                if count == 0 { state.busy = false }
                defer { state.queue.removeFirst(count) }
                return Array(state.queue.prefix(count))
            }
            if group.isEmpty { return }
            for (job, answer) in zip(group, answers(of: group)) { job.deliver(answer) }
        }
    }

    /// Each job's answer, once what it wrote is committed.
    private func answers(of group: [Job]) -> [HTTPResponse] {
        guard group.count > 1 else { return group.map { $0.answer() } }
        var answers = [HTTPResponse?](repeating: nil, count: group.count)
        let outcomes = database.writeTogether(group.count) { index in answers[index] = group[index].answer() }
        return zip(group, zip(outcomes, answers)).map { job, result in
            switch result {
            case (.kept, let answer?): answer
            case (.undone(let error), _): job.exchange.answer { throw error }
            default: job.answer()
            }
        }
    }
}
