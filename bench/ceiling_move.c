/*
 * The ceiling's identity move: the emulator's own `POST /contacts/{email}/identities` for an identity another contact
 * holds, done in C on a copy of its seeded database. The same statements in one `BEGIN IMMEDIATE` transaction (the
 * contact the path's email identity belongs to, the identity's owner, the identity moved to the end of its new
 * contact's, both contacts' `updated_at`, the new contact's identities for the answer) on the ceiling's one writer
 * (bench/ceiling_shared.c), and the same answer written by hand. The body is read and not parsed: the bench sends the
 * same identity every time. What the emulator spends beyond this is its own: the HTTP layer's callbacks, routing,
 * authentication, the pipeline, parsing and validating the body, its statement wrapper and JSON writer, and handing
 * checkpoints to a thread of their own.
 */
#include "ceiling.h"

enum { FIND, OWNER, MOVE, TOUCH, IDENTITIES, STATEMENT_COUNT };
static const char *const sql[STATEMENT_COUNT] = {
    "SELECT contact_id FROM identities WHERE account_id = ? AND type = ? AND match_key = ?",
    "SELECT id, contact_id FROM identities WHERE account_id = ? AND type = ? AND match_key = ?",
    "UPDATE identities SET contact_id = ?1,"
    " attached_seq = (SELECT coalesce(max(attached_seq), 0) + 1 FROM identities WHERE contact_id = ?1) WHERE id = ?2",
    "UPDATE contacts SET updated_at = ? WHERE id = ?",
    "SELECT type, identifier FROM identities WHERE contact_id = ? ORDER BY attached_seq",
};
static sqlite3_stmt *statements[STATEMENT_COUNT];

/* The identity every request moves, as the bench's body names it (already its match key). */
static const char moving[] = "moving@example.com";

/* The identity's (account 1, email) row in statement, bound and stepped: SQLITE_ROW when found. */
static int find(sqlite3_stmt *statement, const char *email) {
    sqlite3_bind_int64(statement, 1, 1);
    sqlite3_bind_text(statement, 2, "email", -1, SQLITE_STATIC);
    sqlite3_bind_text(statement, 3, email, -1, SQLITE_STATIC);
    return sqlite3_step(statement);
}

static int touch(sqlite3_int64 contact, sqlite3_int64 now) {
    sqlite3_bind_int64(statements[TOUCH], 1, now);
    sqlite3_bind_int64(statements[TOUCH], 2, contact);
    return run(statements[TOUCH]);
}

/* The move, in the writer's transaction; writes the answer. 404 when the target is unknown, 500 on a failure. */
static unsigned int move(sqlite3 *writer, const char *target, struct text *out) {
    (void) writer;
    sqlite3_stmt *found = statements[FIND], *owner = statements[OWNER], *identities = statements[IDENTITIES];
    sqlite3_int64 contact = find(found, target) == SQLITE_ROW ? sqlite3_column_int64(found, 0) : 0;
    sqlite3_reset(found);
    if (contact == 0) return 404;
    if (find(owner, moving) == SQLITE_ROW && sqlite3_column_int64(owner, 1) != contact) {
        sqlite3_int64 identity = sqlite3_column_int64(owner, 0), from = sqlite3_column_int64(owner, 1);
        sqlite3_reset(owner);
        sqlite3_int64 now = now_milliseconds();
        sqlite3_bind_int64(statements[MOVE], 1, contact);
        sqlite3_bind_int64(statements[MOVE], 2, identity);
        if (!run(statements[MOVE]) || !touch(from, now) || !touch(contact, now)) return 500;
    }
    sqlite3_reset(owner);
    put_literal(out, "{\"identities\":[");
    sqlite3_bind_int64(identities, 1, contact);
    for (int index = 0; sqlite3_step(identities) == SQLITE_ROW; index++) {
        put_literal(out, index > 0 ? ",{\"type\":" : "{\"type\":");
        put_string(out, sqlite3_column_text(identities, 0));
        put_literal(out, ",\"identifier\":");
        put_string(out, sqlite3_column_text(identities, 1));
        put(out, "}", 1);
    }
    sqlite3_reset(identities);
    put_literal(out, "]}");
    return 200;
}

enum MHD_Result answer_move(struct MHD_Connection *connection) {
    static struct write kind = {sql, statements, STATEMENT_COUNT, "to", move, 404, "{\"error\":\"Not Found\"}"};
    return answer_write(connection, &kind);
}
