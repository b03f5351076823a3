import SQLiteStore

/// The SQL behind the reports: aggregations of one brand's conversations, messages and ratings over a span of days,
/// grouped by day and by the dimensions the reports split on, so that each report is a handful of indexed scans
/// whatever the range. A conversation counts in the brand and channel it belongs to now.
struct ReportRepository {
    let connection: Connection

    /// Timed responses (staff responses that closed a customer's wait) dated in `days`, by day, staff user and channel.
    struct TimedResponses {
        let day: CalendarDay
        let staffID: Int
        let channelID: Int
        let count: Int
        let totalMilliseconds: Int64
        /// How many took under an hour, a day and a week.
        let underHour: Int
        let underDay: Int
        let underWeek: Int
    }

    /// Visibility-0 messages dated in `days`, by day, sender kind and channel.
    struct Messages {
        let day: CalendarDay
        /// The staff sender; nil for customer messages.
        let staffID: Int?
        let channelID: Int
        let count: Int
    }

    /// Conversations created in `days`, by day, assignee, channel and status.
    struct Conversations {
        let day: CalendarDay
        let assigneeID: Int?
        let channelID: Int
        let status: Int
        let count: Int
        /// The sum of their message counts (every message, internal notes included).
        let messageCount: Int
    }

    /// Ratings created in `days`, by assignee and the channel of the rated conversation.
    struct Ratings {
        let assigneeID: Int?
        let channelID: Int
        let count: Int
        let total: Int
    }

    /// What the staff and channel reports split: every kind of group over the same days.
    struct Facts {
        let messages: [Messages]
        let timedResponses: [TimedResponses]
        let conversations: [Conversations]
        let ratings: [Ratings]
    }

    func facts(brandID: Int, days: ClosedRange<CalendarDay>) throws -> Facts {
        Facts(
            messages: try messages(brandID: brandID, days: days),
            timedResponses: try timedResponses(brandID: brandID, days: days),
            conversations: try conversations(brandID: brandID, days: days),
            ratings: try ratings(brandID: brandID, days: days))
    }

    /// The first millisecond of the first day, and of the day after the last.
    private static func bounds(_ days: ClosedRange<CalendarDay>) -> [any SQLiteBindable] {
        [days.lowerBound.start.milliseconds, days.upperBound.advanced(by: 1).start.milliseconds]
    }

    func timedResponses(brandID: Int, days: ClosedRange<CalendarDay>) throws -> [TimedResponses] {
        try connection.query(
            """
            SELECT (m.created_at - ?1) / 86400000 AS day, m.sender_staff_id, c.channel_id, count(*) AS count,
                sum(m.response_ms) AS total, sum(m.response_ms < 3600000) AS hour, sum(m.response_ms < 86400000) AS day1,
                sum(m.response_ms < 604800000) AS week
            FROM messages m INDEXED BY messages_timed JOIN conversations c ON c.id = m.conversation_id
            WHERE m.response_ms IS NOT NULL AND m.created_at >= ?1 AND m.created_at < ?2 AND c.brand_id = ?3
            GROUP BY 1, 2, 3
            """, Self.bounds(days) + [brandID]
        ) { row in
            TimedResponses(
                day: days.lowerBound.advanced(by: try row.int64("day")), staffID: try row.int("sender_staff_id"),
                channelID: try row.int("channel_id"), count: try row.int("count"),
                totalMilliseconds: try row.int64("total"), underHour: try row.int("hour"),
                underDay: try row.int("day1"), underWeek: try row.int("week"))
        }
    }

    func messages(brandID: Int, days: ClosedRange<CalendarDay>) throws -> [Messages] {
        try connection.query(
            """
            SELECT (m.created_at - ?1) / 86400000 AS day, m.sender_staff_id, c.channel_id, count(*) AS count
            FROM messages m INDEXED BY messages_by_created JOIN conversations c ON c.id = m.conversation_id
            WHERE m.visibility = 0 AND m.created_at >= ?1 AND m.created_at < ?2 AND c.brand_id = ?3
            GROUP BY 1, 2, 3
            """, Self.bounds(days) + [brandID]
        ) { row in
            Messages(
                day: days.lowerBound.advanced(by: try row.int64("day")),
                staffID: try row.optionalInt("sender_staff_id"), channelID: try row.int("channel_id"),
                count: try row.int("count"))
        }
    }

    /// Conversations created in `days`, by day, every status included.
    func conversationCounts(brandID: Int, days: ClosedRange<CalendarDay>) throws -> [CalendarDay: Int] {
        var counts: [CalendarDay: Int] = [:]
        for (day, count) in try connection.query(
            """
            SELECT (created_at - ?1) / 86400000 AS day, count(*) AS count FROM conversations
            WHERE brand_id = ?3 AND created_at >= ?1 AND created_at < ?2 GROUP BY 1
            """, Self.bounds(days) + [brandID], { (try $0.int64("day"), try $0.int("count")) })
        {
            counts[days.lowerBound.advanced(by: day)] = count
        }
        return counts
    }

    func conversations(brandID: Int, days: ClosedRange<CalendarDay>) throws -> [Conversations] {
        try connection.query(
            """
            SELECT (c.created_at - ?1) / 86400000 AS day, c.assignee_id, c.channel_id, c.status, count(*) AS count,
                sum(c.message_count) AS message_count
            FROM conversations c
            WHERE c.brand_id = ?3 AND c.created_at >= ?1 AND c.created_at < ?2
            GROUP BY 1, 2, 3, 4
            """, Self.bounds(days) + [brandID]
        ) { row in
            Conversations(
                day: days.lowerBound.advanced(by: try row.int64("day")), assigneeID: try row.optionalInt("assignee_id"),
                channelID: try row.int("channel_id"), status: try row.int("status"), count: try row.int("count"),
                messageCount: try row.int("message_count"))
        }
    }

    func ratings(brandID: Int, days: ClosedRange<CalendarDay>) throws -> [Ratings] {
        try connection.query(
            """
            SELECT r.assignee_id, c.channel_id, count(*) AS count, sum(r.rating) AS total
            FROM satisfaction_ratings r INDEXED BY satisfaction_ratings_by_created
                JOIN conversations c ON c.id = r.conversation_id
            WHERE r.created_at >= ?1 AND r.created_at < ?2 AND c.brand_id = ?3
            GROUP BY 1, 2
            """, Self.bounds(days) + [brandID]
        ) { row in
            Ratings(
                assigneeID: try row.optionalInt("assignee_id"), channelID: try row.int("channel_id"),
                count: try row.int("count"), total: try row.int("total"))
        }
    }

    /// Tags of the conversations created in `days`, as stored, with the number of conversations holding each.
    func tags(brandID: Int, days: ClosedRange<CalendarDay>) throws -> [(tag: String, count: Int)] {
        try connection.query(
            """
            SELECT t.tag, count(*) AS count
            FROM conversations c JOIN conversation_tags t ON t.conversation_id = c.id
            WHERE c.brand_id = ?3 AND c.created_at >= ?1 AND c.created_at < ?2
            GROUP BY t.tag
            """, Self.bounds(days) + [brandID]
        ) { (try $0.string("tag"), try $0.int("count")) }
    }
}
