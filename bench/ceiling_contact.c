/*
 * The ceiling's `GET /contacts/{email}`: the emulator's own read done in C on a copy of its seeded database. The same
 * statements in one read transaction (the contact the email identity belongs to, the contact's row, its data, its
 * identities, its notes with their creators), on a read-only connection per thread that maps the file as the
 * emulator's readers do, and the same answer, byte for byte, written by hand. What the emulator spends beyond this
 * is its own: the HTTP layer's callbacks, routing, authentication, the pipeline, its statement wrapper and JSON
 * writer.
 */
#include "ceiling.h"
#include <sqlite3.h>

enum { BEGIN, FIND, CONTACT, DATA, IDENTITIES, NOTES, COMMIT, STATEMENT_COUNT };
static const char *const sql[STATEMENT_COUNT] = {
    "BEGIN",
    "SELECT contact_id FROM identities WHERE account_id = ? AND type = ? AND match_key = ?",
    "SELECT id, external_id, name, friendly_name, external_avatar_url, created_at, updated_at FROM contacts"
    " WHERE id = ?",
    "SELECT rowid AS position, key, value_json FROM contact_data WHERE contact_id = ?",
    "SELECT type, identifier FROM identities WHERE contact_id = ? ORDER BY attached_seq",
    "SELECT n.id, n.body, n.created_at, n.updated_at, s.name AS creator_name, s.email AS creator_email"
    " FROM notes n JOIN staff s ON s.id = n.creator_id WHERE n.contact_id = ? ORDER BY n.created_at, n.id",
    "COMMIT",
};

static __thread sqlite3_stmt *statements[STATEMENT_COUNT];

static int prepare_reader(void) {
    if (statements[0] != NULL) return 1;
    sqlite3 *reader = thread_reader();
    return reader != NULL && prepare_all(reader, sql, statements, STATEMENT_COUNT);
}

enum MHD_Result answer_contact(struct MHD_Connection *connection) {
    if (pages_database == NULL) return respond(connection, 404, "{\"error\":\"Not Found\"}", 21);
    if (!prepare_reader()) return respond(connection, 500, "{\"error\":\"open\"}", 16);
    const char *email = MHD_lookup_connection_value(connection, MHD_GET_ARGUMENT_KIND, "email");
    sqlite3_step(statements[BEGIN]);
    sqlite3_reset(statements[BEGIN]);
    sqlite3_stmt *find = statements[FIND], *contact = statements[CONTACT];
    sqlite3_bind_int64(find, 1, 1);
    sqlite3_bind_text(find, 2, "email", -1, SQLITE_STATIC);
    /* Bound as sent: the bench's emails are already what the emulator normalizes them to (its match key). */
    sqlite3_bind_text(find, 3, email ? email : "", -1, SQLITE_TRANSIENT);
    sqlite3_int64 id = sqlite3_step(find) == SQLITE_ROW ? sqlite3_column_int64(find, 0) : 0;
    sqlite3_reset(find);
    static __thread struct text out;
    out.size = 0;
    out.overflow = 0;
    int found = 0;
    if (id != 0) {
        sqlite3_bind_int64(contact, 1, id);
        if (sqlite3_step(contact) == SQLITE_ROW) {
            found = 1;
            write_contact(&out, id, contact, statements[IDENTITIES], statements[DATA], statements[NOTES]);
        }
        sqlite3_reset(contact);
    }
    sqlite3_step(statements[COMMIT]);
    sqlite3_reset(statements[COMMIT]);
    if (!found) return respond(connection, 404, "{\"error\":\"Not Found\"}", 21);
    if (out.overflow) return respond(connection, 500, "{\"error\":\"too long\"}", 20);
    return respond(connection, 200, out.bytes, out.size);
}
