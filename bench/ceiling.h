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

/* Answers POST /move?to=E: the emulator's POST /contacts/{E}/identities moving moving@example.com to E, its
 * statements run in C (bench/ceiling_move.c). */
enum MHD_Result answer_move(struct MHD_Connection *connection);

/* Prepares count statements, persistent, on a connection; 0 (the error printed) when one fails
 * (bench/ceiling_shared.c, as what follows). */
int prepare_all(sqlite3 *connection, const char *const *sql, sqlite3_stmt **statements, int count);

/* An answer being written; overflow is set, and the rest dropped, past its size. */
struct text { char bytes[16384]; size_t size; int overflow; };

/* Appends bytes. */
void put(struct text *out, const char *bytes, size_t size);

/* Appends a C string. */
void put_literal(struct text *out, const char *literal);

/* Appends a JSON string, escaped as the emulator escapes (control characters as \u00XX), or null. */
void put_string(struct text *out, const unsigned char *value);
#endif
