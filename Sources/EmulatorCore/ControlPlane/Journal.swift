import JSON
import Synchronization

/// One API request as the journal keeps it: credentials are never stored, and secret fields of bodies are redacted.
struct JournalEntry: Sendable {
    let id: Int
    let time: Timestamp
    let method: String
    let path: String
    let query: [(name: String, value: String)]
    let status: Int
    let durationMilliseconds: Double
    let accountID: Int?
    /// Why the emulator refused the request, when the answer alone does not say (an unknown brand's 404).
    let note: String?
    /// The bodies as sent, parsed and redacted only when the journal is read, to keep work off the request path.
    let requestBytes: [UInt8]
    let responseBytes: [UInt8]
}

/// The request journal: a ring of the newest entries, so memory stays bounded however long the emulator runs.
final class Journal: Sendable {
    private struct Ring {
        var entries: [JournalEntry?]
        var next = 0
        var nextID = 1
    }

    let capacity: Int
    private let ring: Mutex<Ring>

    init(capacity: Int) {
        self.capacity = max(0, capacity)
        ring = Mutex(Ring(entries: Array(repeating: nil, count: max(0, capacity))))
    }

    /// A body as the ring keeps it: the bytes, or nothing when over ``maxBodyBytes`` (only its size is kept then).
    static func kept(_ bytes: [UInt8]) -> [UInt8] {
        bytes.count <= maxBodyBytes ? bytes : Array("[\(bytes.count) bytes, not kept]".utf8)
    }

    /// Keeps an entry, replacing the oldest when full. `make` receives the entry's id.
    func record(_ make: (Int) -> JournalEntry) {
        guard capacity > 0 else { return }
        ring.withLock { ring in
            let entry = make(ring.nextID)
            ring.nextID += 1
            ring.entries[ring.next] = entry
            ring.next = (ring.next + 1) % capacity
        }
    }

    /// The entries, newest first.
    func newestFirst() -> [JournalEntry] {
        ring.withLock { ring in
            (0..<capacity).compactMap { offset in ring.entries[(ring.next - 1 - offset + 2 * capacity) % capacity] }
        }
    }

    /// Forgets every entry.
    func clear() {
        ring.withLock { ring in
            ring.entries = Array(repeating: nil, count: capacity)
            ring.next = 0
        }
    }

    /// Bodies larger than this are kept as a note of their size, so the ring's memory stays bounded.
    static let maxBodyBytes = 64 * 1024

    /// A body as the journal keeps it: JSON with secret fields redacted, text that is not JSON as a string, or nil
    /// when empty.
    static func redacted(_ bytes: [UInt8]) -> JSONValue? {
        guard !bytes.isEmpty else { return nil }
        guard let value = try? JSONParser.parse(bytes) else {
            return .string(String(decoding: bytes, as: UTF8.self))
        }
        return redact(value)
    }

    private static let secretKeys: Set<String> = ["token", "api_token", "password", "authorization"]

    private static func redact(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            return .object(
                JSONObject(
                    object.members.map { member in
                        (
                            member.key,
                            secretKeys.contains(member.key.lowercased()) ? .string("[REDACTED]") : redact(member.value)
                        )
                    }))
        case .array(let elements): return .array(elements.map(redact))
        default: return value
        }
    }
}

extension JSONWriter {
    mutating func journalEntry(_ entry: JournalEntry) {
        object { writer in
            writer.field("id", entry.id)
            writer.field("time", entry.time)
            writer.field("method", entry.method)
            writer.field("path", entry.path)
            writer.key("query")
            writer.object { writer in for pair in entry.query { writer.field(pair.name, pair.value) } }
            writer.field("status", entry.status)
            writer.key("duration_ms")
            writer.value(.number(String(format3(entry.durationMilliseconds))))
            writer.field("account", entry.accountID)
            writer.key("request_body")
            writer.value(Journal.redacted(entry.requestBytes) ?? .null)
            writer.key("response_body")
            writer.value(Journal.redacted(entry.responseBytes) ?? .null)
            writer.field("note", entry.note)
        }
    }
}

/// A duration with three decimals, as a JSON number literal.
private func format3(_ value: Double) -> String {
    let thousandths = Int((value * 1_000).rounded())
    let whole = thousandths / 1_000
    let fraction = thousandths % 1_000
    return "\(whole)." + String(repeating: "0", count: 3 - String(fraction).count) + String(fraction)
}
