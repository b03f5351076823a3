import CSQLite
import Dispatch
import Synchronization

/// Runs the write-ahead log's checkpoints on a thread of its own, so that no request waits for one.
///
/// By default SQLite checkpoints inside the commit that takes the log past 1,000 pages: that request then copies the
/// log into the database file and syncs it (the first write after a reset of a 100,000-contact database took
/// 150–186 ms for it, BENCHMARKS.md). Here the writer only reports its log's size after each commit; past the
/// threshold a passive checkpoint runs on this checkpointer's own connection, beside the writer and the readers (a
/// passive checkpoint never blocks them). The log starts again at its beginning once a checkpoint has copied all of
/// it, as before.
///
/// But SQLite starts the log again only when a write begins with all of it copied, and under writes that never pause
/// a checkpoint beside the writer never ends with all of it copied: the writer has appended more meanwhile. The log
/// then grew without end (700 MiB after 20,000 small commits; 170 MB in 30 s of identity moves) and the checkpoints
/// ran back to back. So past ``catchUpPages`` the writer checkpoints in its own commit, with no writer beside it:
/// the background has copied most of the log by then, the rest is short, and the next write starts the log again.
///
/// Between those, a checkpoint waits for the log to grow by ``stepPages`` again. Every checkpoint walks the whole
/// log to find each page's newest copy, and one scheduled after every commit past the threshold (as before) walked
/// 2,500 pages on average to copy about 13: 104 checkpoints for 300 `POST /contacts`, 175,000 instructions a
/// request on this thread, a third of all the emulator spent on them (callgrind). The step is half the threshold:
/// a whole threshold measured as many writes a second but a worse p99 for `POST /contacts` at one connection
/// (4.5–12 ms against 3–9 in alternating runs). `make bench-compare` still measured that p99 higher than with a
/// checkpoint after every commit, at more writes a second; but wrk's p99 counts each rare stall many times over
/// (its correction for coordinated omission): timed one by one, every write over 8 ms was a search-index merge,
/// and the writer's catch-ups took 3–4 ms. BENCHMARKS.md has the figures.
final class Checkpointer: Sendable {
    /// SQLite's own default threshold, in pages.
    static let thresholdPages: Int32 = 1_000
    /// After the first, a checkpoint waits until the log has grown by this many pages since the last was scheduled.
    static let stepPages: Int32 = thresholdPages / 2
    /// Past this many pages the background checkpoints are not keeping up with the writer, which catches up itself.
    static let catchUpPages: Int32 = 4 * thresholdPages

    private let path: String
    /// Opened on the first checkpoint; nil again once closed.
    private let connection = Mutex<Connection?>(nil)
    private let scheduled = Atomic<Bool>(false)
    /// The log's size in pages when the last checkpoint was scheduled (0 once the log has started again).
    private let scheduledAtPages = Atomic<Int32>(0)
    private let closed = Atomic<Bool>(false)
    private let completed = Atomic<Int>(0)
    private let queue = DispatchQueue(label: "reamaze-emulator.sqlite-checkpoint")

    init(path: String) {
        self.path = path
    }

    /// How many checkpoints have run.
    var completedCount: Int { completed.load(ordering: .acquiring) }

    /// Called by the writer after each commit with the pages its log holds; schedules one checkpoint at a time: past
    /// the threshold, once the log has grown by ``stepPages`` since the last was scheduled. Only the writer calls it.
    func committed(logPages: Int32) {
        var grownFrom = scheduledAtPages.load(ordering: .relaxed)
        if logPages < grownFrom {  // the log started again
            grownFrom = 0
            scheduledAtPages.store(0, ordering: .relaxed)
        }
        guard logPages >= Self.thresholdPages, logPages - grownFrom >= Self.stepPages,
            !closed.load(ordering: .acquiring),
            !scheduled.exchange(true, ordering: .acquiringAndReleasing)
        else { return }
        scheduledAtPages.store(logPages, ordering: .relaxed)
        queue.async { [self] in
            defer { scheduled.store(false, ordering: .releasing) }
            connection.withLock { connection in
                guard !closed.load(ordering: .acquiring) else { return }
                if connection == nil { connection = try? Connection.open(path: path, migrations: []) }
                // A checkpoint that fails (the disk full) leaves the log as it is; the next commit schedules another.
                guard let connection, connection.checkpoint() else { return }
                completed.add(1, ordering: .releasing)
            }
        }
    }

    /// Lets a running checkpoint finish and closes the connection; later commits schedule nothing.
    func close() {
        closed.store(true, ordering: .releasing)
        queue.sync {}
        connection.withLock { $0 = nil }
    }
}

extension Connection {
    /// Hands this connection's checkpoints to `checkpointer`: after each commit it is told the log's size, and this
    /// connection no longer checkpoints by itself (`PRAGMA wal_autocheckpoint` then reads 0) unless the log has grown
    /// past ``Checkpointer/catchUpPages``; then it runs a passive checkpoint in the commit, as SQLite's own
    /// automatic checkpoint does from the same hook. The checkpointer must outlive the connection.
    func delegateCheckpoints(to checkpointer: Checkpointer) {
        sqlite3_wal_hook(
            handle,
            { context, connection, _, pages in
                guard let context else { return SQLITE_OK }
                if pages >= Checkpointer.catchUpPages {
                    // False (SQLITE_BUSY) while the background checkpoint runs: the next commit tries again.
                    _ = Connection.checkpoint(connection)
                } else {
                    Unmanaged<Checkpointer>.fromOpaque(context).takeUnretainedValue().committed(logPages: pages)
                }
                return SQLITE_OK
            }, Unmanaged.passUnretained(checkpointer).toOpaque())
    }

    /// A passive checkpoint of the main database: copies what it can of the log without waiting for anyone.
    /// - Returns: whether SQLite ran it.
    func checkpoint() -> Bool { Self.checkpoint(handle) }

    /// The same on a raw SQLite handle, as the log hook is given its connection.
    static func checkpoint(_ handle: OpaquePointer?) -> Bool {
        sqlite3_wal_checkpoint_v2(handle, "main", SQLITE_CHECKPOINT_PASSIVE, nil, nil) == SQLITE_OK
    }
}
