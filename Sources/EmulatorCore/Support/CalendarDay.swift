/// A UTC calendar day, as days since 1970-01-01: the unit of every report's ranges and day maps.
struct CalendarDay: Sendable, Hashable, Comparable, Strideable {
    static let milliseconds: Int64 = 86_400_000

    let daysSinceEpoch: Int64

    init(daysSinceEpoch: Int64) { self.daysSinceEpoch = daysSinceEpoch }

    /// The UTC day a timestamp falls on.
    init(containing time: Timestamp) {
        let (quotient, remainder) = time.milliseconds.quotientAndRemainder(dividingBy: Self.milliseconds)
        daysSinceEpoch = remainder < 0 ? quotient - 1 : quotient
    }

    /// A real calendar date written exactly `YYYY-MM-DD`; nil otherwise.
    init?(parsing text: String) {
        guard let midnight = Timestamp.parseDate(text) else { return nil }
        self.init(containing: midnight)
    }

    /// `YYYY-MM-DD`.
    var text: String { String(start.iso8601.prefix(10)) }
    /// Midnight UTC at its start.
    var start: Timestamp { Timestamp(milliseconds: daysSinceEpoch * Self.milliseconds) }
    /// The first day of its month.
    var firstOfMonth: CalendarDay {
        let (_, _, day) = Timestamp.civilDate(fromDays: daysSinceEpoch)
        return advanced(by: -(day - 1))
    }
    /// The Monday of its ISO week (1970-01-01 was a Thursday).
    var monday: CalendarDay {
        let sinceMonday = ((daysSinceEpoch + 3) % 7 + 7) % 7
        return advanced(by: -sinceMonday)
    }

    static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }
    func distance(to other: CalendarDay) -> Int64 { other.daysSinceEpoch - daysSinceEpoch }
    func advanced(by days: Int64) -> CalendarDay { CalendarDay(daysSinceEpoch: daysSinceEpoch + days) }
}
