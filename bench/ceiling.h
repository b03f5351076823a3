/* What the ceiling's files (bench/ceiling*.c) share. */
#ifndef CEILING_H
#define CEILING_H
#include <microhttpd.h>
#include <sqlite3.h>
#include <stddef.h>

/* Queues a JSON answer (copied). */
enum MHD_Result respond(struct MHD_Connection *connection, unsigned int status, const char *body, size_t size);

/* The emulator's seeded database the list pages read, or NULL when the ceiling was started without it. */
extern const char *pages_database;

/* Answers GET /page/{name}: the emulator's list page `name` (contacts, search, conversations, messages). */
enum MHD_Result answer_page(struct MHD_Connection *connection, const char *name);

/* Answers GET /contact?email=E: the emulator's GET /contacts/{E}, its statements run in C (bench/ceiling_contact.c). */
enum MHD_Result answer_contact(struct MHD_Connection *connection);

/* Answers GET /conversation?slug=S: the emulator's GET /conversations/{S}, its statements run in C
 * (bench/ceiling_conversation.c). */
enum MHD_Result answer_conversation(struct MHD_Connection *connection);

/* Answers POST /create?email=E: the emulator's POST /contacts with the name New and the email E, its statements run
 * in C (bench/ceiling_create.c). */
enum MHD_Result answer_create(struct MHD_Connection *connection);

/* Answers POST /move?to=E: the emulator's POST /contacts/{E}/identities moving moving@example.com to E, its
 * statements run in C (bench/ceiling_move.c). */
enum MHD_Result answer_move(struct MHD_Connection *connection);

/* Prepares count statements, persistent, on a connection; 0 (the error printed) when one fails
 * (bench/ceiling_shared.c, as what follows). */
int prepare_all(sqlite3 *connection, const char *const *sql, sqlite3_stmt **statements, int count);

/* This thread's read-only connection to the emulator's database copy, mapping the file as the emulator's readers do
 * (opened on first use); NULL when it cannot be opened. */
sqlite3 *thread_reader(void);

/* Runs a statement that yields no row; 0 when it fails. */
int run(sqlite3_stmt *statement);

/* The time as the emulator stores it: milliseconds since 1970. */
sqlite3_int64 now_milliseconds(void);

/* An answer being written; overflow is set, and the rest dropped, past its size. */
struct text { char bytes[16384]; size_t size; int overflow; };

/* Appends bytes. */
void put(struct text *out, const char *bytes, size_t size);

/* Appends a C string. */
void put_literal(struct text *out, const char *literal);

/* Appends a JSON string, escaped as the emulator escapes (control characters as \u00XX), or null. */
void put_string(struct text *out, const unsigned char *value);

/* Appends milliseconds since 1970 as the emulator writes them: "2026-11-26T00:00:00.000Z" (quoted). */
void put_time(struct text *out, sqlite3_int64 milliseconds);

/* Appends an integer. */
void put_int(struct text *out, sqlite3_int64 value);

/* Appends a member's key (with what comes before it, as `,"name":`) and its value. */
void field_string(struct text *out, const char *key, const unsigned char *value);
void field_time(struct text *out, const char *key, sqlite3_int64 milliseconds);

/* Whether a text is absent or white space only (ASCII white space here; the emulator also counts Unicode's). */
int blank(const unsigned char *text);

/* The identity types a contact shows, in the order it shows them: the first identifier of each, by position. */
enum { SHOWN_IDENTITY_TYPES = 5 };
extern const char *const shown_identity_types[SHOWN_IDENTITY_TYPES];

/* Reads the first identifier of each shown type (NULL when the contact has none; the rest are copies) from
 * identities (type, identifier by position), bound here to the contact's id. */
void read_shown_identities(char *first[SHOWN_IDENTITY_TYPES], sqlite3_stmt *identities, sqlite3_int64 id);

/* Appends `,"email":…,"mobile":…` and the rest, in that order. */
void put_shown_identities(struct text *out, char *const first[SHOWN_IDENTITY_TYPES]);

/* Frees what read_shown_identities copied. */
void free_shown_identities(char *first[SHOWN_IDENTITY_TYPES]);

/* A contact's display name: the first of its friendly name, name, email and mobile that is not blank, or NULL. */
const unsigned char *display_name(const unsigned char *friendly, const unsigned char *name,
                                  char *const first[SHOWN_IDENTITY_TYPES]);

/* One kind of write: its statements (prepared on the writer on first use), the query argument it takes, and what it
 * does in the transaction, which answers the HTTP status (anything but 200 rolls back): 200 with the answer it wrote,
 * refusal_status with the body refusal, or 500. */
struct write {
    const char *const *sql;
    sqlite3_stmt **statements;
    int count;
    const char *argument;
    unsigned int (*body)(sqlite3 *writer, const char *argument, struct text *out);
    unsigned int refusal_status;
    const char *refusal;
};

/* Answers a write, run in one BEGIN IMMEDIATE transaction of the one writer of the emulator's database copy, behind
 * a mutex as the emulator's one writer is. */
enum MHD_Result answer_write(struct MHD_Connection *connection, struct write *write);

/* Writes a contact as the emulator answers it. Its row is current in contact (id, external_id, name, friendly_name,
 * external_avatar_url, created_at, updated_at); identities (type, identifier by position), data (position, key,
 * value_json) and notes (id, body, created_at, updated_at, the creator's name and email, in order) are bound to the
 * contact's id and stepped here. With data or notes NULL the contact has none. */
void write_contact(struct text *out, sqlite3_int64 id, sqlite3_stmt *contact, sqlite3_stmt *identities,
                   sqlite3_stmt *data, sqlite3_stmt *notes);
#endif
