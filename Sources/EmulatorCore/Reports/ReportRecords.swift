/// A running total of timed responses: how many, how long in all, and how many under each threshold.
struct ResponseTally {
    var count = 0
    var totalMilliseconds: Int64 = 0
    var underHour = 0
    var underDay = 0
    var underWeek = 0

    mutating func add(_ group: ReportRepository.TimedResponses) {
        count += group.count
        totalMilliseconds += group.totalMilliseconds
        underHour += group.underHour
        underDay += group.underDay
        underWeek += group.underWeek
    }

    /// The average in whole seconds; nil with no response.
    var averageSeconds: Int? { ReportFigures.averageSeconds(totalMilliseconds: totalMilliseconds, count: count) }

    /// The tally of the groups whose day is in `days`.
    static func of(_ groups: [ReportRepository.TimedResponses], in days: ClosedRange<CalendarDay>) -> ResponseTally {
        var tally = ResponseTally()
        for group in groups where days.contains(group.day) { tally.add(group) }
        return tally
    }
}

/// A running average of integers (ratings, thread sizes).
struct AverageTally {
    var count = 0
    var total = 0

    mutating func add(count: Int, total: Int) {
        self.count += count
        self.total += total
    }

    /// The average rounded to 2 decimals, as a JSON number literal; nil with nothing counted.
    var twoDecimals: String? { ReportFigures.decimal(Int64(total), Int64(count), places: 2) }
}

/// The class of a conversation status in reports: spam (3, 9) is in none.
enum StatusClass {
    case active, resolved, archived

    init?(status: Int) {
        switch status {
        case 0, 1, 5, 7: self = .active
        case 2, 6, 8: self = .resolved
        case 4: self = .archived
        default: return nil
        }
    }
}

/// Conversations counted by status class.
struct StatusClassCounts {
    var active = 0
    var resolved = 0
    var archived = 0

    mutating func add(status: Int, count: Int) {
        switch StatusClass(status: status) {
        case .active: active += count
        case .resolved: resolved += count
        case .archived: archived += count
        case nil: break
        }
    }
}

extension ChannelType {
    /// The channel type's name in the channel summary report.
    var reportName: String {
        switch rawValue {
        case 1: "Email"
        case 2: "Twitter"
        case 3: "Facebook"
        case 6: "Chat"
        case 8: "Instagram"
        case 9: "SMS"
        case 10: "Voice"
        case 12: "Facebook Messenger"
        case 13: "Facebook Lead"
        case 14: "Instagram Ad"
        case 15: "WhatsApp"
        case 16: "Instagram DM"
        default: "Other"
        }
    }
}
