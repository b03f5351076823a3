import SQLiteStore

/// Keeps each staff response's `response_ms` current as messages are stored: the time from the customer message
/// that opened a wait to the staff response that closed it (NULL when the staff message closed no wait). A new
/// visibility-0 message can change at most two response times — its own, when a staff user sent it, and that of the
/// next staff response after it — so each insert costs two short walks along the conversation's time index, however
/// long the conversation is.
struct ResponseTimes {
    let connection: Connection

    /// Updates what a new visibility-0 message changes.
    func messageAdded(id: Int, conversationID: Int, createdAt: Timestamp, byStaff: Bool) throws {
        if byStaff { try refresh(id: id, conversationID: conversationID, createdAt: createdAt) }
        let next = try connection.queryOne(
            """
            SELECT id, created_at FROM messages
            WHERE conversation_id = ? AND visibility = 0 AND sender_staff_id IS NOT NULL AND (created_at, id) > (?, ?)
            ORDER BY created_at, id LIMIT 1
            """, [conversationID, createdAt.milliseconds, id]
        ) { (id: $0.int(0), createdAt: Timestamp(milliseconds: $0.int64(1))) }
        if let next { try refresh(id: next.id, conversationID: conversationID, createdAt: next.createdAt) }
    }

    /// Sets one staff message's response time: walking back from it to the previous staff message, the earliest
    /// customer message on the way opened the wait it closes.
    private func refresh(id: Int, conversationID: Int, createdAt: Timestamp) throws {
        var openedAt: Int64?
        try connection.scan(
            """
            SELECT created_at, sender_staff_id IS NOT NULL FROM messages
            WHERE conversation_id = ? AND visibility = 0 AND (created_at, id) < (?, ?)
            ORDER BY created_at DESC, id DESC
            """, [conversationID, createdAt.milliseconds, id]
        ) { row in
            guard !row.bool(1) else { return false }
            openedAt = row.int64(0)
            return true
        }
        try connection.execute(
            "UPDATE messages SET response_ms = ? WHERE id = ?",
            [openedAt.map { createdAt.milliseconds - $0 }, id])
    }
}
