/// The days a report covers: `start_date` and `end_date`, both inclusive UTC days, by default the 30 days ending
/// today (the emulator clock's UTC date).
struct ReportRange {
    /// At most a year, a leap year included.
    static let maximumDays: Int64 = 366

    let start: CalendarDay
    let end: CalendarDay
    /// The emulator clock's day.
    let today: CalendarDay

    /// Every day of the range, ascending.
    var days: ClosedRange<CalendarDay> { start...end }

    init(parameters: Parameters, now: Timestamp) throws(ValidationErrors) {
        today = CalendarDay(containing: now)
        var errors = ValidationErrors()
        func day(_ name: String) -> CalendarDay? {
            guard let text = parameters.string(name) else { return nil }
            guard let day = CalendarDay(parsing: text) else {
                errors.add(name, "is invalid")
                return nil
            }
            return day
        }
        let givenStart = day("start_date")
        let givenEnd = day("end_date")
        try errors.throwIfAny()
        let end = givenEnd ?? today
        let start = givenStart ?? end.advanced(by: -29)
        if end < start {
            errors.add("end_date", "must be on or after start_date")
        } else if start.distance(to: end) + 1 > Self.maximumDays {
            errors.add("end_date", "must be within 1 year of start_date")
        }
        try errors.throwIfAny()
        (self.start, self.end) = (start, end)
    }
}
