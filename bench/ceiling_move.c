/*
 * The ceiling's identity move: the emulator's own `POST /contacts/{email}/identities` for an identity another contact
 * holds, done in C on a copy of its seeded database. The same statements in one `BEGIN IMMEDIATE` transaction (the
 * contact the path's email identity belongs to, the identity's owner, the identity moved to the end of its new
 * contact's, both contacts' `updated_at`, the new contact's identities for the answer), on one connection behind a
 * mutex with the emulator's writer settings (WAL, synchronous=NORMAL, foreign keys on, its VFS), and the same answer
 * written by hand. The body is read and not parsed: the bench sends the same identity every time. What the emulator
 * spends beyond this is its own: the HTTP layer's callbacks, routing, authentication, the pipeline, parsing and
 * validating the body, its statement wrapper and JSON writer, and handing checkpoints to a thread of their own.
 */
#include "ceiling.h"
#include <pthread.h>
#include <sqlite3.h>
#include <time.h>

#include "wal_batch.h"

enum { BEGIN, FIND, OWNER, MOVE, TOUCH, IDENTITIES, COMMIT, ROLLBACK, STATEMENT_COUNT };
static const char *const sql[STATEMENT_COUNT] = {
    "BEGIN IMMEDIATE",
    "SELECT contact_id FROM identities WHERE account_id = ? AND type = ? AND match_key = ?",
    "SELECT id, contact_id FROM identities WHERE account_id = ? AND type = ? AND match_key = ?",
    "UPDATE identities SET contact_id = ?1,"
    " attached_seq = (SELECT coalesce(max(attached_seq), 0) + 1 FROM identities WHERE contact_id = ?1) WHERE id = ?2",
    "UPDATE contacts SET updated_at = ? WHERE id = ?",
    "SELECT type, identifier FROM identities WHERE contact_id = ? ORDER BY attached_seq",
    "COMMIT",
    "ROLLBACK",
};

/* The identity every request moves, as the bench's body names it (already its match key). */
static const char moving[] = "moving@example.com";

static sqlite3 *writer;
static sqlite3_stmt *statements[STATEMENT_COUNT];
static pthread_mutex_t writer_lock = PTHREAD_MUTEX_INITIALIZER;

static int prepare_writer(void) {
    if (writer != NULL) return 1;
    if (sqlite3_open_v2(pages_database, &writer, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, wal_batch_vfs_name()) !=
        SQLITE_OK)
        return 0;
    sqlite3_busy_timeout(writer, 5000);
    sqlite3_exec(writer, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;", NULL, NULL,
                 NULL);
    return prepare_all(writer, sql, statements, STATEMENT_COUNT);
}

/* Runs a statement that yields no row; 0 when it fails. */
static int run(sqlite3_stmt *statement) {
    int result = sqlite3_step(statement);
    sqlite3_reset(statement);
    return result == SQLITE_DONE;
}

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

/* The move itself, in the open transaction; writes the answer. 404 when the target is unknown, 500 on a failure. */
static unsigned int move(const char *target, struct text *out) {
    sqlite3_stmt *found = statements[FIND], *owner = statements[OWNER], *identities = statements[IDENTITIES];
    sqlite3_int64 contact = find(found, target) == SQLITE_ROW ? sqlite3_column_int64(found, 0) : 0;
    sqlite3_reset(found);
    if (contact == 0) return 404;
    if (find(owner, moving) == SQLITE_ROW && sqlite3_column_int64(owner, 1) != contact) {
        sqlite3_int64 identity = sqlite3_column_int64(owner, 0), from = sqlite3_column_int64(owner, 1);
        sqlite3_reset(owner);
        struct timespec clock;
        clock_gettime(CLOCK_REALTIME, &clock);
        sqlite3_int64 now = (sqlite3_int64) clock.tv_sec * 1000 + clock.tv_nsec / 1000000;
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
    if (pages_database == NULL) return respond(connection, 404, "{\"error\":\"Not Found\"}", 21);
    const char *target = MHD_lookup_connection_value(connection, MHD_GET_ARGUMENT_KIND, "to");
    static __thread struct text out;
    out.size = 0;
    out.overflow = 0;
    unsigned int status = 500;
    pthread_mutex_lock(&writer_lock);
    if (prepare_writer() && run(statements[BEGIN])) {
        status = move(target ? target : "", &out);
        if (status != 200 || !run(statements[COMMIT])) {
            run(statements[ROLLBACK]);
            if (status == 200) status = 500;
        }
    }
    pthread_mutex_unlock(&writer_lock);
    if (status == 404) return respond(connection, 404, "{\"error\":\"Not Found\"}", 21);
    if (status != 200 || out.overflow) return respond(connection, 500, "{\"error\":\"move\"}", 16);
    return respond(connection, 200, out.bytes, out.size);
}
