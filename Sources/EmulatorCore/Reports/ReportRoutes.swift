import JSON
import MicroHTTP
import SQLiteStore

/// `GET /reports/volume`, `/reports/response_time`, `/reports/staff`, `/reports/tags` and `/reports/channel_summary`:
/// figures computed from the brand's stored conversations, messages and ratings over a range of UTC days, for staff
/// users with the `access_reports` permission.
enum ReportRoutes {
    static let routes: [Route<RequestContext>] = [
        Route("reports/volume", [(.get, volume)], options: .needsReportAccess),
        Route("reports/response_time", [(.get, responseTime)], options: .needsReportAccess),
        Route("reports/staff", [(.get, staff)], options: .needsReportAccess),
        Route("reports/tags", [(.get, tags)], options: .needsReportAccess),
        Route("reports/channel_summary", [(.get, channelSummary)], options: .needsReportAccess),
    ]

    /// Conversations created each day, every status included.
    static func volume(_ context: RequestContext) throws -> HTTPResponse {
        let range = try ReportRange(parameters: context.parameters, now: context.now)
        let counts = try context.database.read { connection in
            try ReportRepository(connection: connection).conversationCounts(
                brandID: context.brand.id, days: range.days)
        }
        return report(range, key: "conversation_counts") { $0.dayMap(range, counts) }
    }

    /// The average response time per day, with averages, trends and ratios around it.
    static func responseTime(_ context: RequestContext) throws -> HTTPResponse {
        let range = try ReportRange(parameters: context.parameters, now: context.now)
        let today = range.today
        // One read covers the range and every window the summary needs: today's month, week and last 60 days.
        let hull = min(range.start, today.advanced(by: -59), today.firstOfMonth)...max(range.end, today)
        let groups = try context.database.read { connection in
            try ReportRepository(connection: connection).timedResponses(brandID: context.brand.id, days: hull)
        }
        var byDay: [CalendarDay: ResponseTally] = [:]
        for group in groups where range.days.contains(group.day) {
            byDay[group.day, default: .init()].add(group)
        }
        let inRange = ResponseTally.of(groups, in: range.days)
        func average(_ from: Int64, _ to: Int64) -> Int? {
            ResponseTally.of(groups, in: today.advanced(by: from)...today.advanced(by: to)).averageSeconds
        }
        return report(range, key: "response_times") { writer in
            writer.dayMap(range, byDay.mapValues { $0.averageSeconds ?? 0 })
            writer.key("summary")
            writer.object { writer in
                writer.key("averages")
                writer.object { writer in
                    writer.field("in_range", inRange.averageSeconds)
                    writer.field("this_month", ResponseTally.of(groups, in: today.firstOfMonth...today).averageSeconds)
                    writer.field("this_week", ResponseTally.of(groups, in: today.monday...today).averageSeconds)
                }
                writer.key("trends")
                writer.object { writer in
                    for (name, length) in [("last_30_days", Int64(30)), ("last_7_days", 7)] {
                        let recent = average(-(length - 1), 0)
                        writer.key(name)
                        writer.object { writer in
                            writer.field("average", recent)
                            writer.field(
                                "change_rate",
                                ReportFigures.changeRate(recent: recent, earlier: average(-(2 * length - 1), -length)))
                        }
                    }
                }
                writer.key("ratio")
                writer.object { writer in
                    for (name, count) in [
                        ("under_1_hour", inRange.underHour), ("under_1_day", inRange.underDay),
                        ("under_1_week", inRange.underWeek),
                    ] {
                        writer.decimalField(name, ReportFigures.decimal(Int64(count), Int64(inRange.count), places: 4))
                    }
                }
            }
        }
    }

    /// One entry per staff user of the account, keyed by display name.
    static func staff(_ context: RequestContext) throws -> HTTPResponse {
        let range = try ReportRange(parameters: context.parameters, now: context.now)
        let (staff, facts) = try context.database.read { connection in
            (
                try StaffRepository(connection: connection).all(accountID: context.accountID),
                try ReportRepository(connection: connection).facts(brandID: context.brand.id, days: range.days)
            )
        }
        let (messages, timed, conversations, ratings) = (
            facts.messages, facts.timedResponses, facts.conversations, facts.ratings
        )
        let sharedNames = Dictionary(grouping: staff, by: \.displayName).filter { $0.value.count > 1 }
        return report(range, key: "report") { writer in
            writer.object { writer in
                for member in staff {
                    var responsesByDay: [CalendarDay: Int] = [:]
                    for group in messages where group.staffID == member.id {
                        responsesByDay[group.day, default: 0] += group.count
                    }
                    var classes = StatusClassCounts()
                    for group in conversations where group.assigneeID == member.id {
                        classes.add(status: group.status, count: group.count)
                    }
                    var rating = AverageTally()
                    for group in ratings where group.assigneeID == member.id {
                        rating.add(count: group.count, total: group.total)
                    }
                    var tally = ResponseTally()
                    for group in timed where group.staffID == member.id { tally.add(group) }
                    let name = member.displayName
                    writer.key(sharedNames[name] == nil ? name : "\(name) (\(member.email))")
                    writer.object { writer in
                        writer.field("response_count", responsesByDay.values.reduce(0, +))
                        writer.field("archived_count", classes.archived)
                        writer.field("resolved_count", classes.resolved)
                        writer.decimalField("satisfaction_average", rating.twoDecimals)
                        writer.field("appreciations_count", 0)
                        writer.key("responses_trend")
                        writer.dayMap(range, responsesByDay)
                        writer.field("response_time_seconds", tally.averageSeconds)
                    }
                }
            }
        }
    }

    /// Each tag of the conversations created in range, lower-cased, with how many hold it; most used first.
    static func tags(_ context: RequestContext) throws -> HTTPResponse {
        let range = try ReportRange(parameters: context.parameters, now: context.now)
        let stored = try context.database.read { connection in
            try ReportRepository(connection: connection).tags(brandID: context.brand.id, days: range.days)
        }
        var counts: [String: Int] = [:]
        for (tag, count) in stored { counts[tag.lowercased(), default: 0] += count }
        let ordered = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        return report(range, key: "tags") { writer in
            writer.object { writer in for (tag, count) in ordered { writer.field(tag, count) } }
        }
    }

    /// One entry per channel of the brand, in the order of `GET /channels`, keyed by its id.
    static func channelSummary(_ context: RequestContext) throws -> HTTPResponse {
        let range = try ReportRange(parameters: context.parameters, now: context.now)
        let (channels, facts) = try context.database.read { connection in
            (
                try ChannelRepository(connection: connection).all(brandID: context.brand.id),
                try ReportRepository(connection: connection).facts(brandID: context.brand.id, days: range.days)
            )
        }
        let (messages, timed, conversations, ratings) = (
            facts.messages, facts.timedResponses, facts.conversations, facts.ratings
        )
        return report(range, key: "channels") { writer in
            writer.object { writer in
                for channel in channels {
                    var (staffResponses, customerMessages) = (0, 0)
                    for group in messages where group.channelID == channel.id {
                        if group.staffID == nil {
                            customerMessages += group.count
                        } else {
                            staffResponses += group.count
                        }
                    }
                    var tally = ResponseTally()
                    for group in timed where group.channelID == channel.id { tally.add(group) }
                    var classes = StatusClassCounts()
                    var threads = AverageTally()
                    for group in conversations where group.channelID == channel.id {
                        classes.add(status: group.status, count: group.count)
                        threads.add(count: group.count, total: group.messageCount)
                    }
                    var rating = AverageTally()
                    for group in ratings where group.channelID == channel.id {
                        rating.add(count: group.count, total: group.total)
                    }
                    writer.key(String(channel.id))
                    writer.object { writer in
                        writer.key("category")
                        writer.object { writer in
                            writer.field("id", channel.id)
                            writer.field("name", channel.name)
                            writer.field("channel_type", channel.type.rawValue)
                            writer.field("channel_type_name", channel.type.reportName)
                        }
                        writer.key("brand")
                        writer.object { writer in
                            writer.field("id", context.brand.id)
                            writer.field("name", context.brand.name)
                            writer.field("url", context.brand.url)
                        }
                        writer.field("staff_responses", staffResponses)
                        writer.field("customer_responses", customerMessages)
                        writer.field("average_response_time_seconds", tally.averageSeconds)
                        writer.field("appreciations", 0)
                        writer.field("active_conversations", classes.active)
                        writer.field("resolved_conversations", classes.resolved)
                        writer.field("archived_conversations", classes.archived)
                        writer.decimalField("average_satisfaction_rating", rating.twoDecimals)
                        writer.decimalField("average_thread_size", threads.twoDecimals)
                    }
                }
            }
        }
    }

    /// `{"<key>": …, "start_date", "end_date"}`: `data` writes the report's own value.
    private static func report(_ range: ReportRange, key: String, data: (inout JSONWriter) -> Void) -> HTTPResponse {
        JSONResponse.make { writer in
            writer.object { writer in
                writer.key(key)
                data(&writer)
                writer.field("start_date", range.start.text)
                writer.field("end_date", range.end.text)
            }
        }
    }
}

extension JSONWriter {
    /// Every day of the range, ascending, as `YYYY-MM-DD` keys; a day with no value holds 0.
    mutating func dayMap(_ range: ReportRange, _ values: [CalendarDay: Int]) {
        object { writer in for day in range.days { writer.field(day.text, values[day] ?? 0) } }
    }

    /// `key` then a decimal number literal, or `null`.
    mutating func decimalField(_ name: String, _ literal: String?) {
        key(name)
        if let literal { value(.number(literal)) } else { null() }
    }
}
