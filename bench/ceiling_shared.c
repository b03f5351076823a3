/* What the ceiling's requests that run the emulator's own statements share (bench/ceiling_contact.c,
 * bench/ceiling_conversation.c, bench/ceiling_move.c, bench/ceiling_create.c): the readers, preparing those
 * statements, the writer and its transactions, and writing the answer by hand. */
#include "ceiling.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wal_batch.h"

int prepare_all(sqlite3 *connection, const char *const *sql, sqlite3_stmt **statements, int count) {
    for (int index = 0; index < count; index++) {
        if (sqlite3_prepare_v3(connection, sql[index], -1, SQLITE_PREPARE_PERSISTENT, &statements[index], NULL) !=
            SQLITE_OK) {
            fprintf(stderr, "ceiling: %s\n", sqlite3_errmsg(connection));
            return 0;
        }
    }
    return 1;
}

int run(sqlite3_stmt *statement) {
    int result = sqlite3_step(statement);
    sqlite3_reset(statement);
    return result == SQLITE_DONE;
}

sqlite3_int64 now_milliseconds(void) {
    struct timespec clock;
    clock_gettime(CLOCK_REALTIME, &clock);
    return (sqlite3_int64) clock.tv_sec * 1000 + clock.tv_nsec / 1000000;
}

static __thread sqlite3 *reader;

sqlite3 *thread_reader(void) {
    if (reader != NULL) return reader;
    if (sqlite3_open_v2(pages_database, &reader, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        sqlite3_close(reader);
        reader = NULL;
        return NULL;
    }
    sqlite3_busy_timeout(reader, 5000);
    sqlite3_exec(reader, "PRAGMA mmap_size=1073741824", NULL, NULL, NULL);
    return reader;
}

/* The one writer of the emulator's database copy, as the emulator has one: opened on the first write. */
static sqlite3 *writer;
static pthread_mutex_t writer_lock = PTHREAD_MUTEX_INITIALIZER;
enum { BEGIN_IMMEDIATE, COMMIT, ROLLBACK, TRANSACTION_STATEMENTS };
static const char *const transaction_sql[TRANSACTION_STATEMENTS] = {"BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"};
static sqlite3_stmt *transaction[TRANSACTION_STATEMENTS];

/* Opens the writer with the emulator's writer settings (WAL, synchronous=NORMAL, foreign keys on, its VFS). Its
 * checkpoints are SQLite's own, in the commit that takes the log past 1,000 pages, as the one-row write's: the
 * emulator runs them on a thread of its own, which the rates here did not tell apart (bench/analysis.md). */
static int open_writer(void) {
    if (writer != NULL) return 1;
    if (sqlite3_open_v2(pages_database, &writer, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, wal_batch_vfs_name()) !=
        SQLITE_OK) {
        writer = NULL;
        return 0;
    }
    sqlite3_busy_timeout(writer, 5000);
    sqlite3_exec(writer, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;", NULL, NULL,
                 NULL);
    return prepare_all(writer, transaction_sql, transaction, TRANSACTION_STATEMENTS);
}

enum MHD_Result answer_write(struct MHD_Connection *connection, struct write *write) {
    if (pages_database == NULL) return respond(connection, 404, "{\"error\":\"Not Found\"}", 21);
    /* Bound as sent: the bench's emails are already what the emulator normalizes them to (its match key). */
    const char *argument = MHD_lookup_connection_value(connection, MHD_GET_ARGUMENT_KIND, write->argument);
    static __thread struct text out;
    out.size = 0;
    out.overflow = 0;
    unsigned int status = 500;
    pthread_mutex_lock(&writer_lock);
    if (open_writer() && (write->statements[0] != NULL ||
                          prepare_all(writer, write->sql, write->statements, write->count)) &&
        run(transaction[BEGIN_IMMEDIATE])) {
        status = write->body(writer, argument ? argument : "", &out);
        if (status != 200 || out.overflow || !run(transaction[COMMIT])) {
            run(transaction[ROLLBACK]);
            if (status == 200) status = 500;
        }
    }
    pthread_mutex_unlock(&writer_lock);
    if (status == 200) return respond(connection, 200, out.bytes, out.size);
    if (status == write->refusal_status) return respond(connection, status, write->refusal, strlen(write->refusal));
    return respond(connection, 500, "{\"error\":\"write\"}", 17);
}

void put(struct text *out, const char *bytes, size_t size) {
    if (out->size + size > sizeof out->bytes) { out->overflow = 1; return; }
    memcpy(out->bytes + out->size, bytes, size);
    out->size += size;
}

void put_literal(struct text *out, const char *literal) { put(out, literal, strlen(literal)); }

void put_string(struct text *out, const unsigned char *value) {
    if (value == NULL) { put_literal(out, "null"); return; }
    put(out, "\"", 1);
    for (const unsigned char *at = value; *at; at++) {
        char escaped[8];
        switch (*at) {
        case '"': put(out, "\\\"", 2); break;
        case '\\': put(out, "\\\\", 2); break;
        case '\n': put(out, "\\n", 2); break;
        case '\r': put(out, "\\r", 2); break;
        case '\t': put(out, "\\t", 2); break;
        default:
            if (*at < 0x20) {
                snprintf(escaped, sizeof escaped, "\\u%04x", *at);
                put(out, escaped, 6);
            } else {
                put(out, (const char *) at, 1);
            }
        }
    }
    put(out, "\"", 1);
}

void put_time(struct text *out, sqlite3_int64 milliseconds) {
    time_t seconds = (time_t) (milliseconds / 1000);
    struct tm parts;
    gmtime_r(&seconds, &parts);
    char written[40];
    int length = snprintf(written, sizeof written, "\"%04d-%02d-%02dT%02d:%02d:%02d.%03dZ\"", parts.tm_year + 1900,
                          parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec,
                          (int) (milliseconds % 1000));
    put(out, written, (size_t) length);
}

void put_int(struct text *out, sqlite3_int64 value) {
    char written[24];
    put(out, written, (size_t) snprintf(written, sizeof written, "%lld", (long long) value));
}

void field_string(struct text *out, const char *key, const unsigned char *value) {
    put_literal(out, key);
    put_string(out, value);
}

void field_time(struct text *out, const char *key, sqlite3_int64 milliseconds) {
    put_literal(out, key);
    put_time(out, milliseconds);
}

struct datum { sqlite3_int64 position; char *member; };

static int by_position(const void *left, const void *right) {
    sqlite3_int64 a = ((const struct datum *) left)->position, b = ((const struct datum *) right)->position;
    return (a > b) - (a < b);
}

int blank(const unsigned char *text) {
    if (text == NULL) return 1;
    for (; *text; text++) {
        if (*text != ' ' && (*text < '\t' || *text > '\r')) return 0;
    }
    return 1;
}

const char *const shown_identity_types[SHOWN_IDENTITY_TYPES] = {"email", "mobile", "twitter", "instagram",
                                                                 "facebook"};

void read_shown_identities(char *first[SHOWN_IDENTITY_TYPES], sqlite3_stmt *identities, sqlite3_int64 id) {
    for (int index = 0; index < SHOWN_IDENTITY_TYPES; index++) first[index] = NULL;
    sqlite3_bind_int64(identities, 1, id);
    while (sqlite3_step(identities) == SQLITE_ROW) {
        const char *type = (const char *) sqlite3_column_text(identities, 0);
        for (int index = 0; index < SHOWN_IDENTITY_TYPES; index++) {
            if (first[index] == NULL && strcmp(type, shown_identity_types[index]) == 0)
                first[index] = strdup((const char *) sqlite3_column_text(identities, 1));
        }
    }
    sqlite3_reset(identities);
}

void put_shown_identities(struct text *out, char *const first[SHOWN_IDENTITY_TYPES]) {
    for (int index = 0; index < SHOWN_IDENTITY_TYPES; index++) {
        put_literal(out, ",\"");
        put_literal(out, shown_identity_types[index]);
        field_string(out, "\":", (const unsigned char *) first[index]);
    }
}

void free_shown_identities(char *first[SHOWN_IDENTITY_TYPES]) {
    for (int index = 0; index < SHOWN_IDENTITY_TYPES; index++) free(first[index]);
}

const unsigned char *display_name(const unsigned char *friendly, const unsigned char *name,
                                  char *const first[SHOWN_IDENTITY_TYPES]) {
    const unsigned char *shown[] = {friendly, name, (const unsigned char *) first[0], (const unsigned char *) first[1]};
    for (int index = 0; index < 4; index++) {
        if (!blank(shown[index])) return shown[index];
    }
    return NULL;
}

void write_contact(struct text *out, sqlite3_int64 id, sqlite3_stmt *contact, sqlite3_stmt *identities,
                   sqlite3_stmt *data, sqlite3_stmt *notes) {
    char *first[SHOWN_IDENTITY_TYPES];
    read_shown_identities(first, identities, id);
    const unsigned char *name = sqlite3_column_text(contact, 2), *friendly = sqlite3_column_text(contact, 3);
    field_string(out, "{\"id\":", sqlite3_column_text(contact, 1));
    put_literal(out, ",\"_id\":");
    put_int(out, id);
    field_string(out, ",\"name\":", name);
    field_string(out, ",\"friendly_name\":", friendly);
    field_string(out, ",\"display_name\":", display_name(friendly, name, first));
    put_shown_identities(out, first);
    free_shown_identities(first);
    field_string(out, ",\"external_avatar_url\":", sqlite3_column_text(contact, 4));
    /* Data in the order its keys were first set, values as stored (JSON). */
    struct datum members[64];
    size_t count = 0;
    if (data != NULL) sqlite3_bind_int64(data, 1, id);
    while (data != NULL && sqlite3_step(data) == SQLITE_ROW && count < 64) {
        struct text member = {.size = 0};
        put_string(&member, sqlite3_column_text(data, 1));
        put(&member, ":", 1);
        put_literal(&member, (const char *) sqlite3_column_text(data, 2));
        member.bytes[member.overflow ? sizeof member.bytes - 1 : member.size] = 0;
        members[count].position = sqlite3_column_int64(data, 0);
        members[count++].member = strdup(member.bytes);
    }
    if (data != NULL) sqlite3_reset(data);
    qsort(members, count, sizeof members[0], by_position);
    put_literal(out, ",\"data\":{");
    for (size_t index = 0; index < count; index++) {
        if (index > 0) put(out, ",", 1);
        put_literal(out, members[index].member);
        free(members[index].member);
    }
    put_literal(out, "},\"notes\":[");
    if (notes != NULL) sqlite3_bind_int64(notes, 1, id);
    for (int index = 0; notes != NULL && sqlite3_step(notes) == SQLITE_ROW; index++) {
        put_literal(out, index > 0 ? ",{\"id\":" : "{\"id\":");
        put_int(out, sqlite3_column_int64(notes, 0));
        field_string(out, ",\"note\":", sqlite3_column_text(notes, 1));
        field_time(out, ",\"created_at\":", sqlite3_column_int64(notes, 2));
        field_time(out, ",\"updated_at\":", sqlite3_column_int64(notes, 3));
        field_string(out, ",\"creator\":{\"name\":", sqlite3_column_text(notes, 4));
        field_string(out, ",\"email\":", sqlite3_column_text(notes, 5));
        put_literal(out, "}}");
    }
    if (notes != NULL) sqlite3_reset(notes);
    field_time(out, "],\"created_at\":", sqlite3_column_int64(contact, 5));
    field_time(out, ",\"updated_at\":", sqlite3_column_int64(contact, 6));
    put(out, "}", 1);
}
