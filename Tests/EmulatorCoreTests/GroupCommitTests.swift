import Foundation
import Synchronization
import TestSupport
import Testing

@testable import EmulatorCore

/// API writes that arrive while another runs wait parked, holding no worker thread, and are then run and committed
/// together, each answered as if it had run alone.
@Suite struct GroupCommitTests {
    private static func create(_ email: String) -> String { #"{"contact": {"name": "N", "email": "\#(email)"}}"# }

    /// A request sent on a thread of its own, and its reply once it comes.
    private final class InFlight: Sendable {
        private let reply = Mutex<Result<RawHTTP.Reply, any Error>?>(nil)
        private let done = DispatchSemaphore(value: 0)

        init(_ send: @escaping @Sendable () throws -> RawHTTP.Reply) {
            Thread.detachNewThread { [self] in
                let result = Result { try send() }
                reply.withLock { $0 = result }
                done.signal()
            }
        }

        func value() throws -> RawHTTP.Reply {
            done.wait()
            return try reply.withLock { $0! }.get()
        }
    }

    @Test("writes queued behind a running one hold no worker thread, and each gets its own answer once committed")
    func queuedWrites() async throws {
        try await withEmulator { emulator in
            let holder = try StoreProbe(path: emulator.databasePath)
            // On threads of their own, timed by sleeps rather than by the test runner's few (and, beside the other
            // tests, busy) threads: the first write must find the lock still held, which it waits for up to 5 s.
            let (first, replies, read) = try await onThreads(1) { _ in
                Result { () throws -> (RawHTTP.Reply, [RawHTTP.Reply], RawHTTP.Reply) in
                    // Another process holds the write lock: the first write waits in it, on one of the two workers.
                    try holder.connection.executeScript("BEGIN IMMEDIATE")
                    let first = InFlight { try emulator.raw("POST", "/api/v1/contacts", body: Self.create("a@q.io")) }
                    usleep(300_000)
                    // The next three come one after another to the other worker, which parks each and stays free.
                    var queued: [InFlight] = []
                    for email in ["b@q.io", "b@q.io", "c@q.io"] {
                        queued.append(
                            InFlight { try emulator.raw("POST", "/api/v1/contacts", body: Self.create(email)) })
                        usleep(100_000)
                    }
                    let read = try emulator.raw("GET", "/api/v1/contacts?page=1")
                    try holder.connection.executeScript("ROLLBACK")
                    return (try first.value(), try queued.map { try $0.value() }, read)
                }
            }[0].get()
            #expect(read.status == 200, "a read is answered while the writes wait")
            #expect(first.status == 200)
            #expect(replies.map(\.status) == [200, 422, 200])
            #expect(replies[1].body.contains("has already been taken"), "\(replies[1].body)")
            let emails = try holder.connection.query(
                "SELECT identifier FROM identities WHERE identifier LIKE '%@q.io' ORDER BY id"
            ) { $0.string(0) }
            #expect(emails == ["a@q.io", "b@q.io", "c@q.io"])
        }
    }

    @Test(
        "with more connections open than worker threads, a write that finds none running still leaves its worker free")
    func connectionsOutnumberWorkers() async throws {
        try await withEmulator(configure: { $0.threadCount = 1 }) { emulator in
            let holder = try StoreProbe(path: emulator.databasePath)
            let (write, read) = try await onThreads(1) { _ in
                Result { () throws -> (RawHTTP.Reply, RawHTTP.Reply) in
                    // A client's idle keep-alive connection: with the write's own, two connections for one worker.
                    let idle = try RawHTTP.KeepAliveConnection(port: emulator.server.port)
                    _ = try idle.send("GET", "/__emulator/health")
                    // Another process holds the write lock: the write waits in it, on the queue's thread.
                    try holder.connection.executeScript("BEGIN IMMEDIATE")
                    let write = InFlight { try emulator.raw("POST", "/api/v1/contacts", body: Self.create("a@q.io")) }
                    usleep(300_000)
                    // Run on the only worker, the write would hold it in the lock's wait until its busy timeout
                    // ran out (a 503): this read would be answered only then, and the lock released after it.
                    let read = try emulator.raw("GET", "/api/v1/contacts?page=1")
                    try holder.connection.executeScript("ROLLBACK")
                    return (try write.value(), read)
                }
            }[0].get()
            #expect(read.status == 200)
            #expect(write.status == 200, "\(write.body)")
        }
    }
}
