/*
 * The ceiling: the least an HTTP + SQLite service can do per request on this machine, with the emulator's settings
 * (libmicrohttpd's internal epoll thread pool sized to the cores, keep-alive, one SQLite connection behind a mutex,
 * WAL, synchronous=NORMAL, prepared statements, and the emulator's VFS, which writes a commit's log frames in one
 * system call: Sources/CSQLiteWALBatch). `make bench` measures the emulator against it.
 *
 *   GET  /read?email=c42@example.com       an indexed read answering a small JSON document
 *   GET  /read-kept?email=c42@example.com  the same read on a read-only connection that keeps its read transaction
 *                                          between requests until a commit changes the log index's header, as the
 *                                          emulator's readers do (Sources/SQLiteStore/Database.swift); /write ends
 *                                          it first, as the emulator's writer ends its idle readers' snapshots
 *   POST /write                            one INSERT and its COMMIT
 *
 * With a third argument, a copy of the emulator's seeded database, it also answers the emulator's list pages doing
 * the same work the fastest way SQLite allows: the page's count and one statement that selects the page and builds
 * each item's JSON (the emulator's field names and nesting) with SQLite's JSON functions, on a read-only connection
 * per thread, as the emulator reads:
 *
 *   GET  /page/contacts?page=N        GET /contacts?page=N          (sorted by name)
 *   GET  /page/search?q=c123@         GET /contacts?q=c123@         (the same FTS5 trigram query)
 *   GET  /page/conversations?page=N   GET /conversations?page=N     (not archived, newest first)
 *   GET  /page/messages?page=N        GET /messages?page=N          (the brand's, newest first)
 *
 * and one contact, one conversation, one contact insert and one identity move, with the emulator's own statements
 * and its answer written by hand (bench/ceiling_contact.c, bench/ceiling_conversation.c, bench/ceiling_create.c,
 * bench/ceiling_move.c; the writes go to that copy):
 *
 *   GET  /contact?email=c42@example.com   GET /contacts/c42@example.com
 *   GET  /conversation?slug=year-42       GET /conversations/year-42
 *   POST /create?email=n1@example.com     POST /contacts (name New, email n1@example.com)
 *   POST /move?to=mover-a@example.com     POST /contacts/mover-a@example.com/identities (moving@example.com)
 *
 * Usage: ceiling PORT DATABASE [EMULATOR_DATABASE]
 *        (DATABASE is created and seeded with 100,000 rows when empty; EMULATOR_DATABASE is read, and
 *        written by the inserts and moves)
 */
#include <microhttpd.h>
#include "ceiling.h"
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shim.h"
#include "wal_batch.h"

static sqlite3 *db;
static sqlite3_stmt *read_statement;
static sqlite3_stmt *write_statement;
static pthread_mutex_t db_lock = PTHREAD_MUTEX_INITIALIZER;
/* The /read-kept connection, its statement, and the log index's header when its read transaction began. */
static sqlite3 *kept_db;
static sqlite3_stmt *kept_statement;
static csqlite_log_header kept_header;
static int kept_open;

/* Ends the kept read transaction, if any. Called with db_lock held. */
static void end_kept_snapshot(void) {
    if (!sqlite3_get_autocommit(kept_db)) sqlite3_exec(kept_db, "ROLLBACK", NULL, NULL, NULL);
    kept_open = 0;
}

/* Keeps the read transaction while the log index's header is the one it began under, or begins another (none when
 * the header cannot be read: the read is then its own transaction, as /read's). */
static void hold_kept_snapshot(void) {
    csqlite_log_header now;
    int known = csqlite_read_log_header(kept_db, &now);
    if (kept_open && known && memcmp(&now, &kept_header, sizeof now) == 0 && !sqlite3_get_autocommit(kept_db)) return;
    end_kept_snapshot();
    if (!known) return;
    sqlite3_exec(kept_db, "BEGIN", NULL, NULL, NULL);
    kept_open = 1;
    kept_header = now;
}

struct request_state { size_t body_size; };

static void completed(void *cls, struct MHD_Connection *connection, void **con_cls, enum MHD_RequestTerminationCode code) {
    (void) cls; (void) connection; (void) code;
    free(*con_cls);
    *con_cls = NULL;
}

enum MHD_Result respond(struct MHD_Connection *connection, unsigned int status, const char *body, size_t size) {
    struct MHD_Response *response = MHD_create_response_from_buffer(size, (void *) body, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(response, "Content-Type", "application/json; charset=utf-8");
    enum MHD_Result result = MHD_queue_response(connection, status, response);
    MHD_destroy_response(response);
    return result;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *connection, const char *url, const char *method,
                              const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls) {
    (void) cls; (void) version; (void) upload_data;
    if (*con_cls == NULL) {  /* first call: headers only; queueing now would cost keep-alive */
        *con_cls = calloc(1, sizeof(struct request_state));
        return MHD_YES;
    }
    struct request_state *state = *con_cls;
    if (*upload_data_size > 0) {
        state->body_size += *upload_data_size;
        *upload_data_size = 0;
        return MHD_YES;
    }
    char body[512];
    int kept = strcmp(url, "/read-kept") == 0;
    if (strcmp(method, "GET") == 0 && (strcmp(url, "/read") == 0 || kept)) {
        const char *email = MHD_lookup_connection_value(connection, MHD_GET_ARGUMENT_KIND, "email");
        if (email == NULL) return respond(connection, 400, "{\"error\":\"email\"}", 17);
        int length = 0;
        pthread_mutex_lock(&db_lock);
        if (kept) hold_kept_snapshot();
        sqlite3_stmt *statement = kept ? kept_statement : read_statement;
        sqlite3_bind_text(statement, 1, email, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(statement) == SQLITE_ROW) {
            length = snprintf(body, sizeof body,
                "{\"_id\":%lld,\"name\":\"%s\",\"email\":\"%s\",\"created_at\":\"2026-11-26T00:00:00.000Z\"}",
                sqlite3_column_int64(statement, 0), sqlite3_column_text(statement, 1),
                sqlite3_column_text(statement, 2));
        }
        sqlite3_reset(statement);
        sqlite3_clear_bindings(statement);
        pthread_mutex_unlock(&db_lock);
        if (length == 0) return respond(connection, 404, "{\"error\":\"Not Found\"}", 21);
        return respond(connection, 200, body, (size_t) length);
    }
    if (strcmp(method, "POST") == 0 && strcmp(url, "/write") == 0) {
        static long long counter = 0;
        pthread_mutex_lock(&db_lock);
        end_kept_snapshot();
        char email[64];
        snprintf(email, sizeof email, "w%lld-%d@example.com", ++counter, getpid());
        sqlite3_bind_text(write_statement, 1, "Written", -1, SQLITE_STATIC);
        sqlite3_bind_text(write_statement, 2, email, -1, SQLITE_TRANSIENT);
        int result = sqlite3_step(write_statement);
        long long id = sqlite3_last_insert_rowid(db);
        sqlite3_reset(write_statement);
        sqlite3_clear_bindings(write_statement);
        pthread_mutex_unlock(&db_lock);
        if (result != SQLITE_DONE) return respond(connection, 500, "{\"error\":\"write\"}", 17);
        int length = snprintf(body, sizeof body, "{\"_id\":%lld,\"email\":\"%s\"}", id, email);
        return respond(connection, 200, body, (size_t) length);
    }
    if (strcmp(method, "GET") == 0 && strncmp(url, "/page/", 6) == 0) return answer_page(connection, url + 6);
    if (strcmp(method, "GET") == 0 && strcmp(url, "/contact") == 0) return answer_contact(connection);
    if (strcmp(method, "GET") == 0 && strcmp(url, "/conversation") == 0) return answer_conversation(connection);
    if (strcmp(method, "POST") == 0 && strcmp(url, "/move") == 0) return answer_move(connection);
    if (strcmp(method, "POST") == 0 && strcmp(url, "/create") == 0) return answer_create(connection);
    return respond(connection, 404, "{\"error\":\"Not Found\"}", 21);
}

int main(int argc, char **argv) {
    if (argc != 3 && argc != 4) { fprintf(stderr, "usage: ceiling PORT DATABASE [EMULATOR_DATABASE]\n"); return 2; }
    if (argc == 4) pages_database = argv[3];
    if (sqlite3_open_v2(argv[2], &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        wal_batch_vfs_name()) != SQLITE_OK) {
        fprintf(stderr, "cannot open %s\n", argv[2]);
        return 1;
    }
    sqlite3_busy_timeout(db, 5000);
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                     "CREATE TABLE IF NOT EXISTS contacts (id INTEGER PRIMARY KEY, name TEXT, email TEXT NOT NULL UNIQUE) STRICT;"
                     "INSERT INTO contacts (name, email) SELECT 'Contact ' || n, 'c' || n || '@example.com' FROM"
                     " (WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < 99999)"
                     "  SELECT n FROM seq) WHERE NOT EXISTS (SELECT 1 FROM contacts);", NULL, NULL, NULL);
    sqlite3_prepare_v3(db, "SELECT id, name, email FROM contacts WHERE email = ?", -1, SQLITE_PREPARE_PERSISTENT,
                       &read_statement, NULL);
    sqlite3_prepare_v3(db, "INSERT INTO contacts (name, email) VALUES (?, ?)", -1, SQLITE_PREPARE_PERSISTENT,
                       &write_statement, NULL);
    if (sqlite3_open_v2(argv[2], &kept_db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, wal_batch_vfs_name())
        != SQLITE_OK) {
        fprintf(stderr, "cannot open %s\n", argv[2]);
        return 1;
    }
    sqlite3_prepare_v3(kept_db, "SELECT id, name, email FROM contacts WHERE email = ?", -1,
                       SQLITE_PREPARE_PERSISTENT, &kept_statement, NULL);
    unsigned int threads = (unsigned int) sysconf(_SC_NPROCESSORS_ONLN);
    struct MHD_Daemon *daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, (uint16_t) atoi(argv[1]), NULL, NULL, handle, NULL,
        MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
    if (daemon == NULL) { fprintf(stderr, "cannot listen on %s\n", argv[1]); return 1; }
    printf("ceiling listening on http://127.0.0.1:%s\n", argv[1]);
    fflush(stdout);
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigprocmask(SIG_BLOCK, &signals, NULL);
    int received;
    sigwait(&signals, &received);
    MHD_stop_daemon(daemon);
    sqlite3_finalize(read_statement);
    sqlite3_finalize(write_statement);
    sqlite3_finalize(kept_statement);
    sqlite3_close(kept_db);
    sqlite3_close(db);
    return 0;
}
