import Dispatch
import JSON
import Synchronization

/// A fixtures file parsed on a thread of its own from the moment it is made, so that parsing runs beside opening
/// the store and starting to listen instead of after them: the demo data's 200 KB take 2.5–3.5 ms to parse, and it
/// is ready by the time the load begins. The document is waited for only when it is loaded (an empty database), and
/// an error in it is thrown then, as when it was parsed in place.
final class FixtureParse: Sendable {
    private let result = Mutex<Result<JSONValue, any Error>?>(nil)
    private let finished = DispatchSemaphore(value: 0)

    /// Starts parsing `bytes`.
    init(_ bytes: [UInt8]) {
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            let parsed = Result { try FixtureParse.parse(bytes) }
            result.withLock { $0 = parsed }
            finished.signal()
        }
    }

    /// The parsed document, once parsing has finished.
    /// - Throws: ``FixtureError`` for bytes that are not one JSON document.
    func document() throws -> JSONValue {
        finished.wait()
        // Signalled again at once, so that a second call does not wait for ever.
        finished.signal()
        guard let result = result.withLock({ $0 }) else { preconditionFailure("signalled before the result was set") }
        return try result.get()
    }

    /// The bytes as one JSON document, or the error that names what is wrong with them.
    static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        do {
            return try JSONParser.parse(bytes)
        } catch JSONParseError.malformed(let reason) {
            throw FixtureError(path: "$", message: "not valid JSON (\(reason))")
        }
    }
}
