import SQLiteStore
import Synchronization

/// Who a login is and which brand a host names, remembered between requests so that authenticating a request needs no
/// read of the store. Every entry is tagged with the store's write generation when it was read, and is used only
/// while the generation is unchanged: any write (a token, a staff user, a brand, an import, a reset) retires them
/// all. The token is still compared, in constant time, on every request; a failed authentication is never kept.
final class CredentialCache: Sendable {
    struct Entry: Sendable {
        let generation: UInt64
        let staff: StaffUser
        let token: [UInt8]
        let brand: Brand
    }

    /// Enough for every tenant of a test run; when full, the cache starts again empty.
    static let capacity = 4_096

    private let entries = Mutex<[String: Entry]>([:])

    private static func key(login: String, hostLabel: String?) -> String { login + "\n" + (hostLabel ?? "") }

    /// The entry for this login and host label, if it was read at `generation`.
    func entry(login: String, hostLabel: String?, generation: UInt64) -> Entry? {
        let key = Self.key(login: login, hostLabel: hostLabel)
        return entries.withLock { entries in entries[key].flatMap { $0.generation == generation ? $0 : nil } }
    }

    func store(_ entry: Entry, login: String, hostLabel: String?) {
        let key = Self.key(login: login, hostLabel: hostLabel)
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = entry
        }
    }
}
