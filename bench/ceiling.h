/* What bench/ceiling.c and bench/ceiling_pages.c share. */
#ifndef CEILING_H
#define CEILING_H
#include <microhttpd.h>
#include <stddef.h>

/* Queues a JSON answer (copied). */
enum MHD_Result respond(struct MHD_Connection *connection, unsigned int status, const char *body, size_t size);

/* The emulator's seeded database the list pages read, or NULL when the ceiling was started without it. */
extern const char *pages_database;

/* Answers GET /page/{name}: the emulator's list page `name` (contacts, search, conversations, messages). */
enum MHD_Result answer_page(struct MHD_Connection *connection, const char *name);

/* Answers GET /contact?email=E: the emulator's GET /contacts/{E}, its statements run in C (bench/ceiling_contact.c). */
enum MHD_Result answer_contact(struct MHD_Connection *connection);
#endif
