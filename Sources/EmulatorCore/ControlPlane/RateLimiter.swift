import Synchronization

/// Counts requests per API token in fixed one-minute windows aligned to the UTC minute (spec §9).
final class RateLimiter: Sendable {
    private struct Window {
        var start: Int64
        var count: Int
    }

    private let windows = Mutex<[Int: Window]>([:])

    /// Counts one request of `staffID` at `now`; nil when it is allowed, else the 429 to answer.
    func admit(staffID: Int, limit: Int?, now: Timestamp) -> APIError? {
        guard let limit else { return nil }
        let windowStart = now.milliseconds - ((now.milliseconds % 60_000) + 60_000) % 60_000
        let windowEnd = windowStart + 60_000
        let allowed = windows.withLock { windows -> Bool in
            var window = windows[staffID] ?? Window(start: windowStart, count: 0)
            if window.start != windowStart { window = Window(start: windowStart, count: 0) }
            guard window.count < limit else { return false }
            window.count += 1
            windows[staffID] = window
            return true
        }
        if allowed { return nil }
        let secondsLeft = Int((windowEnd - now.milliseconds + 999) / 1_000)
        return .tooManyRequests(retryAfterSeconds: secondsLeft, limit: limit, resetEpochSeconds: Int(windowEnd / 1_000))
    }

    /// Forgets every count, when the limit or the clock changes.
    func reset() { windows.withLock { $0.removeAll() } }
}
