import SQLiteStore
import Synchronization

/// What authenticating a request needs, remembered between requests so that it takes neither the parsing of its
/// headers nor a read of the store. Keyed by the request's `Authorization` and `Host` headers exactly as sent, a slot
/// keeps what they say (the login, the token, the host's brand label) and, once they authenticated, the staff user,
/// their stored token and the brand, tagged with the generation of ``sourceTables`` in the store: those are used only
/// while it is unchanged, so any write that changes a row of them (a token, a staff user, a brand, an account, an
/// import, a reset) retires them all, and writes of anything else (contacts, conversations…) keep them. The token is
/// still compared, in constant time, on every request; a failed authentication is never kept.
final class CredentialCache: Sendable {
    /// The tables an authentication reads, whose changes the store counts for this cache.
    static let sourceTables: Set<String> = ["accounts", "staff", "brands"]

    /// What a pair of headers says.
    struct Credentials: Sendable {
        let login: String
        let token: [UInt8]
        let hostLabel: String?
    }

    /// Who the credentials authenticated as, at `generation`.
    struct Entry: Sendable {
        let generation: UInt64
        let staff: StaffUser
        let token: [UInt8]
        let brand: Brand
    }

    private struct Slot {
        let credentials: Credentials
        var entry: Entry?
    }

    /// The slots by key, and the headers of the one used last: most clients send the same pair on every request,
    /// and finding it by comparing the two headers spares making the key and hashing it. (With no dictionary left
    /// on its path, a single read missed the instruction cache 63 times fewer: bench/instructions.py.)
    private struct Slots {
        var byKey: [String: Slot] = [:]
        var last: (authorization: String, host: String?, slot: Slot)?
    }

    /// Enough for every tenant of a test run; when full, the cache starts again empty.
    static let capacity = 4_096

    private let slots = Mutex(Slots())

    /// The key of a pair of headers; an absent `Host` differs from an empty one.
    private static func key(authorization: String, host: String?) -> String {
        authorization + (host.map { "\n" + $0 } ?? "")
    }

    /// What the headers say and, when they authenticated at `generation`, who as; nil when never seen.
    func lookUp(authorization: String, host: String?, generation: UInt64) -> (Credentials, Entry?)? {
        slots.withLock { slots in
            let slot: Slot
            if let last = slots.last, last.authorization == authorization, last.host == host {
                slot = last.slot
            } else {
                guard let found = slots.byKey[Self.key(authorization: authorization, host: host)] else { return nil }
                slot = found
                slots.last = (authorization, host, found)
            }
            return (slot.credentials, slot.entry.flatMap { $0.generation == generation ? $0 : nil })
        }
    }

    /// Remembers what the headers say and, when given, who they authenticated as.
    func store(authorization: String, host: String?, _ credentials: Credentials, _ entry: Entry?) {
        let key = Self.key(authorization: authorization, host: host)
        let slot = Slot(credentials: credentials, entry: entry)
        slots.withLock { slots in
            if slots.byKey.count >= Self.capacity, slots.byKey[key] == nil {
                slots.byKey.removeAll(keepingCapacity: true)
            }
            slots.byKey[key] = slot
            slots.last = (authorization, host, slot)
        }
    }
}
