import Synchronization

/// The time every handler, timestamp and rate-limit window reads: the environment's clock, optionally frozen at a
/// chosen instant or shifted, through `PUT /__emulator/clock`.
final class EmulatorClock: Sendable {
    private enum Mode {
        case real(offsetMilliseconds: Int64)
        case frozen(Timestamp)
    }

    private let base: @Sendable () -> Timestamp
    private let mode = Mutex(Mode.real(offsetMilliseconds: 0))

    init(base: @escaping @Sendable () -> Timestamp) { self.base = base }

    /// The current emulated time.
    func now() -> Timestamp {
        switch mode.withLock({ $0 }) {
        case .real(let offset): Timestamp(milliseconds: base().milliseconds + offset)
        case .frozen(let instant): instant
        }
    }

    /// Whether time stands still.
    var isFrozen: Bool {
        if case .frozen = mode.withLock({ $0 }) { return true }
        return false
    }

    /// Stops time at `instant`.
    func freeze(at instant: Timestamp) { mode.withLock { $0 = .frozen(instant) } }

    /// Moves time forward (or back, for a negative amount), frozen or not.
    func advance(milliseconds: Int64) {
        mode.withLock { mode in
            switch mode {
            case .real(let offset): mode = .real(offsetMilliseconds: offset + milliseconds)
            case .frozen(let instant): mode = .frozen(Timestamp(milliseconds: instant.milliseconds + milliseconds))
            }
        }
    }

    /// Back to the environment's clock.
    func useReal() { mode.withLock { $0 = .real(offsetMilliseconds: 0) } }
}
