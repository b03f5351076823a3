import SQLiteStore
import Synchronization

/// Channels (with their brand's name and URL) and staff users as the answers of single reads show them, kept between
/// requests while no row of ``sourceTables`` has changed: a `GET /conversations/{slug}` read its channel and its
/// assignee in two statements of its own, about a tenth of its instructions (BENCHMARKS.md).
///
/// It works like ``CredentialCache``: the store moves its watched-tables generation on once a write that changed one
/// of those rows has finished (and on every restore), a request reads the generation before its read transaction
/// begins (``RequestContext/shownRecords``), and a record is used only by a request of the generation it was loaded
/// at. A request of an older generation neither uses nor keeps anything; the first of a newer one starts the cache
/// again empty. Only read transactions use it: a write may have changed the very rows in its own transaction.
///
/// A request can meet a record loaded by another request of the same generation whose transaction began a little
/// later, when a write that changed that record had committed but not yet moved the generation on: it then shows the
/// committed record. That needs a change to a channel, brand or staff user at the same moment, which only a state
/// import, a reset or a new tenant make.
final class ShownRecordCache: Sendable {
    /// The tables the records come from, whose changes the store counts (beside ``CredentialCache/sourceTables``).
    static let sourceTables: Set<String> = ["channels", "brands", "staff"]
    /// Records of each kind kept at most; when full, that kind starts again empty.
    static let capacity = 4_096

    fileprivate let channels = Generational<ChannelRecord>()
    fileprivate let staff = Generational<StaffRecord>()

    /// Records of one kind by id, all of one generation.
    fileprivate final class Generational<Record: Sendable>: Sendable {
        private struct State {
            var generation: UInt64 = 0
            var records: [Int: Record] = [:]
        }

        private let state = Mutex(State())

        func record(_ id: Int, generation: UInt64) -> Record? {
            state.withLock { $0.generation == generation ? $0.records[id] : nil }
        }

        func keep(_ record: Record, _ id: Int, generation: UInt64) {
            state.withLock { state in
                if generation > state.generation { state = State(generation: generation) }
                guard generation == state.generation else { return }
                if state.records.count >= ShownRecordCache.capacity { state.records.removeAll(keepingCapacity: true) }
                state.records[id] = record
            }
        }
    }
}

/// The ``ShownRecordCache`` as one request's read transaction may use it: the generation was read before the
/// transaction began.
struct ShownRecords: Sendable {
    let cache: ShownRecordCache
    let database: Database
    let generation: UInt64

    /// The channel `id` (with its brand), kept or loaded by `load` and then kept; nil (never kept) when there is none.
    func channel(_ id: Int, _ load: () throws -> ChannelRecord?) rethrows -> ChannelRecord? {
        try record(id, in: cache.channels, load)
    }

    /// The staff user `id`, as ``channel(_:_:)``.
    func staff(_ id: Int, _ load: () throws -> StaffRecord?) rethrows -> StaffRecord? {
        try record(id, in: cache.staff, load)
    }

    private func record<Record>(
        _ id: Int, in kind: ShownRecordCache.Generational<Record>, _ load: () throws -> Record?
    ) rethrows -> Record? {
        if let kept = kind.record(id, generation: generation) { return kept }
        guard let loaded = try load() else { return nil }
        // Not kept once a write has moved the generation on: no later request could use it.
        if database.watchedTablesGeneration == generation { kind.keep(loaded, id, generation: generation) }
        return loaded
    }
}
