import Synchronization

/// Settings that `PUT /__emulator/config` changes while the emulator runs.
final class RuntimeSettings: Sendable {
    struct Values: Sendable, Equatable {
        /// Requests per API token per UTC minute; nil is no limit.
        var rateLimit: Int?
        /// The status of a failed authentication.
        var authFailureStatus: EmulatorConfiguration.AuthFailureStatus
    }

    private let state: Mutex<Values>

    init(_ initial: Values) { state = Mutex(initial) }

    var values: Values { state.withLock { $0 } }

    func update(_ change: (inout Values) -> Void) -> Values {
        state.withLock { values in
            change(&values)
            return values
        }
    }
}
