import Glibc

/// What handlers read instead of global state: the clock. Tests pin it so expected JSON is byte-stable.
public struct EmulatorEnvironment: Sendable {
    /// The current time.
    public var now: @Sendable () -> Timestamp

    /// An environment with the given clock.
    public init(now: @escaping @Sendable () -> Timestamp) { self.now = now }

    /// The real clock: the one place the emulator reads the system time.
    public static let live = EmulatorEnvironment {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(milliseconds: Int64(spec.tv_sec) * 1_000 + Int64(spec.tv_nsec) / 1_000_000)
    }
}
