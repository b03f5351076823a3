import SQLiteStore
import Synchronization

/// Copies of the whole store (each in a scratch file, see `Connection.snapshot()`): the start-up state and named
/// snapshots.
final class SnapshotStore: Sendable {
    struct Named: Sendable {
        let name: String
        let createdAt: Timestamp
        let snapshot: Snapshot
    }

    private struct State {
        var startup: Snapshot?
        var named: [Named] = []
    }

    private let state = Mutex(State())

    func keepStartup(_ snapshot: Snapshot) { state.withLock { $0.startup = snapshot } }

    /// The state right after start-up: fixtures and bootstrap.
    var startup: Snapshot? { state.withLock { $0.startup } }

    /// Keeps a named snapshot, replacing one of the same name.
    func save(_ named: Named) {
        state.withLock { state in
            state.named.removeAll { $0.name == named.name }
            state.named.append(named)
        }
    }

    /// The named snapshots, oldest first.
    var all: [Named] { state.withLock { $0.named } }

    func named(_ name: String) -> Named? { state.withLock { state in state.named.first { $0.name == name } } }

    /// Forgets every copy, deleting their files (when the emulator closes).
    func removeAll() { state.withLock { $0 = State() } }

    /// Forgets a named snapshot; false when there is none.
    func remove(_ name: String) -> Bool {
        state.withLock { state in
            let before = state.named.count
            state.named.removeAll { $0.name == name }
            return state.named.count < before
        }
    }
}
