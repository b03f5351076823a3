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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static __thread sqlite3 *reader;
static __thread sqlite3_stmt *statements[STATEMENT_COUNT];

static int prepare_reader(void) {
    if (reader != NULL) return 1;
    if (sqlite3_open_v2(pages_database, &reader, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        return 0;
    sqlite3_busy_timeout(reader, 5000);
    sqlite3_exec(reader, "PRAGMA mmap_size=1073741824", NULL, NULL, NULL);
    return prepare_all(reader, sql, statements, STATEMENT_COUNT);
}

/* Milliseconds since 1970 as the emulator writes them: "2026-11-26T00:00:00.000Z". */
static void put_time(struct text *out, sqlite3_int64 milliseconds) {
    time_t seconds = (time_t) (milliseconds / 1000);
    struct tm parts;
    gmtime_r(&seconds, &parts);
    char written[40];
    int length = snprintf(written, sizeof written, "\"%04d-%02d-%02dT%02d:%02d:%02d.%03dZ\"", parts.tm_year + 1900,
                          parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec,
                          (int) (milliseconds % 1000));
    put(out, written, (size_t) length);
}

static void put_int(struct text *out, sqlite3_int64 value) {
    char written[24];
    put(out, written, (size_t) snprintf(written, sizeof written, "%lld", (long long) value));
}

/* A member's key (with what comes before it) and its value. */
static void field_string(struct text *out, const char *key, const unsigned char *value) {
    put_literal(out, key);
    put_string(out, value);
}

static void field_time(struct text *out, const char *key, sqlite3_int64 milliseconds) {
    put_literal(out, key);
    put_time(out, milliseconds);
}

struct datum { sqlite3_int64 position; char *member; };

static int by_position(const void *left, const void *right) {
    sqlite3_int64 a = ((const struct datum *) left)->position, b = ((const struct datum *) right)->position;
    return (a > b) - (a < b);
}

/* Whether a text is absent or white space only (ASCII white space here; the emulator also counts Unicode's). */
static int blank(const unsigned char *text) {
    if (text == NULL) return 1;
    for (; *text; text++) {
        if (*text != ' ' && (*text < '\t' || *text > '\r')) return 0;
    }
    return 1;
}

/* The contact's row is current in statements[CONTACT]; writes the whole answer. */
static void write_contact(struct text *out, sqlite3_int64 id) {
    sqlite3_stmt *contact = statements[CONTACT], *data = statements[DATA], *identities = statements[IDENTITIES],
                 *notes = statements[NOTES];
    /* The first identity of each shown type, by position. */
    static const char *const types[] = {"email", "mobile", "twitter", "instagram", "facebook"};
    char *first[5] = {NULL};
    sqlite3_bind_int64(identities, 1, id);
    while (sqlite3_step(identities) == SQLITE_ROW) {
        const char *type = (const char *) sqlite3_column_text(identities, 0);
        for (int index = 0; index < 5; index++) {
            if (first[index] == NULL && strcmp(type, types[index]) == 0)
                first[index] = strdup((const char *) sqlite3_column_text(identities, 1));
        }
    }
    sqlite3_reset(identities);
    const unsigned char *name = sqlite3_column_text(contact, 2), *friendly = sqlite3_column_text(contact, 3);
    field_string(out, "{\"id\":", sqlite3_column_text(contact, 1));
    put_literal(out, ",\"_id\":");
    put_int(out, id);
    field_string(out, ",\"name\":", name);
    field_string(out, ",\"friendly_name\":", friendly);
    /* The first of these that is not blank. */
    const unsigned char *shown[] = {friendly, name, (const unsigned char *) first[0], (const unsigned char *) first[1]};
    const unsigned char *display = NULL;
    for (int index = 0; index < 4 && display == NULL; index++) {
        if (!blank(shown[index])) display = shown[index];
    }
    field_string(out, ",\"display_name\":", display);
    for (int index = 0; index < 5; index++) {
        put_literal(out, ",\"");
        put_literal(out, types[index]);
        field_string(out, "\":", (const unsigned char *) first[index]);
        free(first[index]);
    }
    field_string(out, ",\"external_avatar_url\":", sqlite3_column_text(contact, 4));
    /* Data in the order its keys were first set, values as stored (JSON). */
    struct datum members[64];
    size_t count = 0;
    sqlite3_bind_int64(data, 1, id);
    while (sqlite3_step(data) == SQLITE_ROW && count < 64) {
        struct text member = {.size = 0};
        put_string(&member, sqlite3_column_text(data, 1));
        put(&member, ":", 1);
        put_literal(&member, (const char *) sqlite3_column_text(data, 2));
        member.bytes[member.overflow ? sizeof member.bytes - 1 : member.size] = 0;
        members[count].position = sqlite3_column_int64(data, 0);
        members[count++].member = strdup(member.bytes);
    }
    sqlite3_reset(data);
    qsort(members, count, sizeof members[0], by_position);
    put_literal(out, ",\"data\":{");
    for (size_t index = 0; index < count; index++) {
        if (index > 0) put(out, ",", 1);
        put_literal(out, members[index].member);
        free(members[index].member);
    }
    put_literal(out, "},\"notes\":[");
    sqlite3_bind_int64(notes, 1, id);
    for (int index = 0; sqlite3_step(notes) == SQLITE_ROW; index++) {
        put_literal(out, index > 0 ? ",{\"id\":" : "{\"id\":");
        put_int(out, sqlite3_column_int64(notes, 0));
        field_string(out, ",\"note\":", sqlite3_column_text(notes, 1));
        field_time(out, ",\"created_at\":", sqlite3_column_int64(notes, 2));
        field_time(out, ",\"updated_at\":", sqlite3_column_int64(notes, 3));
        field_string(out, ",\"creator\":{\"name\":", sqlite3_column_text(notes, 4));
        field_string(out, ",\"email\":", sqlite3_column_text(notes, 5));
        put_literal(out, "}}");
    }
    sqlite3_reset(notes);
    field_time(out, "],\"created_at\":", sqlite3_column_int64(contact, 5));
    field_time(out, ",\"updated_at\":", sqlite3_column_int64(contact, 6));
    put(out, "}", 1);
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
            write_contact(&out, id);
        }
        sqlite3_reset(contact);
    }
    sqlite3_step(statements[COMMIT]);
    sqlite3_reset(statements[COMMIT]);
    if (!found) return respond(connection, 404, "{\"error\":\"Not Found\"}", 21);
    if (out.overflow) return respond(connection, 500, "{\"error\":\"too long\"}", 20);
    return respond(connection, 200, out.bytes, out.size);
}
