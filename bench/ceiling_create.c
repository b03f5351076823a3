/*
 * The ceiling's contact insert: the emulator's own `POST /contacts` for a body with a name and an email, done in C
 * on a copy of its seeded database. The same statements in one `BEGIN IMMEDIATE` transaction (whether the email is
 * taken, the contact, its name queued for the search index, the email identity, its address queued, the queue folded
 * into the search indexes once 64 texts wait, then the contact and its identities read back for the answer) on the
 * ceiling's one writer (bench/ceiling_shared.c), and the same answer written by hand (checked against the
 * emulator's, timestamps aside). The email comes in the query; the body is read and not parsed. What the emulator
 * spends beyond this is its own: the HTTP layer's callbacks, routing, authentication, the pipeline, parsing and
 * validating the body, its statement wrapper and JSON writer, and handing checkpoints to a thread of their own.
 */
#include "ceiling.h"

enum {
    TAKEN, INSERT_CONTACT, QUEUE, WAITING, FOLD_NAMES, FOLD_EMAILS, EMPTY_QUEUE, INSERT_IDENTITY, CONTACT, IDENTITIES,
    STATEMENT_COUNT
};
static const char *const sql[STATEMENT_COUNT] = {
    "SELECT id, contact_id FROM identities WHERE account_id = ? AND type = ? AND match_key = ?",
    "INSERT INTO contacts (account_id, external_id, name, sort_name, friendly_name, external_avatar_url,"
    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "INSERT INTO contact_search_pending (kind, id, text) VALUES (?, ?, ?)",
    "SELECT count(*) FROM contact_search_pending",
    "INSERT INTO contact_name_search (rowid, empty, name) SELECT id, '', text FROM contact_search_pending WHERE kind = 0",
    "INSERT INTO email_search (rowid, empty, email) SELECT id, '', text FROM contact_search_pending WHERE kind = 1",
    "DELETE FROM contact_search_pending",
    "INSERT INTO identities (account_id, contact_id, type, identifier, match_key, attached_seq)"
    " VALUES (?2, ?1, ?3, ?4, ?5, (SELECT coalesce(max(attached_seq), 0) + 1 FROM identities WHERE contact_id = ?1))",
    "SELECT id, external_id, name, friendly_name, external_avatar_url, created_at, updated_at FROM contacts"
    " WHERE id = ?",
    "SELECT type, identifier FROM identities WHERE contact_id = ? ORDER BY attached_seq",
};
static sqlite3_stmt *statements[STATEMENT_COUNT];

/* The name every request gives, and its lower-cased form the search index and the sort use. */
static const char name[] = "New", sort_name[] = "new";

/* Queues a text for the search indexes and folds the queue into them once 64 wait, as the emulator does. */
static int queue(int kind, sqlite3_int64 id, const char *text) {
    sqlite3_stmt *insert = statements[QUEUE], *waiting = statements[WAITING];
    sqlite3_bind_int(insert, 1, kind);
    sqlite3_bind_int64(insert, 2, id);
    sqlite3_bind_text(insert, 3, text, -1, SQLITE_STATIC);
    if (!run(insert)) return 0;
    sqlite3_int64 count = sqlite3_step(waiting) == SQLITE_ROW ? sqlite3_column_int64(waiting, 0) : 0;
    sqlite3_reset(waiting);
    if (count < 64) return 1;
    return run(statements[FOLD_NAMES]) && run(statements[FOLD_EMAILS]) && run(statements[EMPTY_QUEUE]);
}

/* The insert, in the writer's transaction; writes the answer. 422 when the email is taken, 500 on a failure. */
static unsigned int create(sqlite3 *writer, const char *email, struct text *out) {
    sqlite3_stmt *taken = statements[TAKEN], *contact = statements[CONTACT];
    sqlite3_bind_int64(taken, 1, 1);
    sqlite3_bind_text(taken, 2, "email", -1, SQLITE_STATIC);
    sqlite3_bind_text(taken, 3, email, -1, SQLITE_STATIC);
    int found = sqlite3_step(taken) == SQLITE_ROW;
    sqlite3_reset(taken);
    if (found) return 422;
    sqlite3_int64 now = now_milliseconds();
    sqlite3_stmt *insert = statements[INSERT_CONTACT];
    sqlite3_bind_int64(insert, 1, 1);
    sqlite3_bind_null(insert, 2);
    sqlite3_bind_text(insert, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(insert, 4, sort_name, -1, SQLITE_STATIC);
    sqlite3_bind_null(insert, 5);
    sqlite3_bind_null(insert, 6);
    sqlite3_bind_int64(insert, 7, now);
    sqlite3_bind_int64(insert, 8, now);
    if (!run(insert)) return 500;
    sqlite3_int64 id = sqlite3_last_insert_rowid(writer);
    if (!queue(0, id, sort_name)) return 500;
    insert = statements[INSERT_IDENTITY];
    sqlite3_bind_int64(insert, 1, id);
    sqlite3_bind_int64(insert, 2, 1);
    sqlite3_bind_text(insert, 3, "email", -1, SQLITE_STATIC);
    sqlite3_bind_text(insert, 4, email, -1, SQLITE_STATIC);
    sqlite3_bind_text(insert, 5, email, -1, SQLITE_STATIC);
    if (!run(insert) || !queue(1, sqlite3_last_insert_rowid(writer), email)) return 500;
    sqlite3_bind_int64(contact, 1, id);
    unsigned int status = 500;
    if (sqlite3_step(contact) == SQLITE_ROW) {
        write_contact(out, id, contact, statements[IDENTITIES], NULL, NULL);
        status = 200;
    }
    sqlite3_reset(contact);
    return status;
}

enum MHD_Result answer_create(struct MHD_Connection *connection) {
    static struct write kind = {sql, statements, STATEMENT_COUNT, "email", create, 422,
                                "{\"errors\":{\"email\":[\"has already been taken\"]}}"};
    return answer_write(connection, &kind);
}
