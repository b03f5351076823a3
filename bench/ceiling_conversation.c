/*
 * The ceiling's `GET /conversations/{slug}`: the emulator's own read done in C on a copy of its seeded database. The
 * same statements in one read transaction (the conversation's row found by its brand and slug, with its author's
 * contact id, its three summary messages and whether it has tags and data; the author's row; the author's
 * identities), on this thread's read-only connection, with the channel, the assignee and the brand kept between
 * requests as the emulator keeps them, and the same answer, byte for byte, written by hand. What the emulator spends
 * beyond this is its own, as for bench/ceiling_contact.c.
 *
 * The seeded conversations and their authors have no tags and no custom data: a conversation with either is answered
 * 501, for reading them is not written here.
 */
#include "ceiling.h"
#include <sqlite3.h>
#include <string.h>

enum { BEGIN, CONVERSATION, AUTHOR, IDENTITIES, CHANNEL, STAFF, BRAND, COMMIT, STATEMENT_COUNT };
static const char *const sql[STATEMENT_COUNT] = {
    "BEGIN",
    /* ConversationRepository's conversationBySlug. */
    "SELECT c.id, c.brand_id, c.channel_id, c.slug, c.subject, c.status, c.author_staff_id, c.assignee_id,"
    " c.origin, c.hold_until, c.created_at, c.updated_at,"
    " (SELECT i.contact_id FROM identities i WHERE i.id = c.author_identity_id) AS author_contact_id,"
    " c.message_count, fm.body AS first_body, lc.body AS customer_body, lc.created_at AS customer_at,"
    " ls.body AS staff_body, ls.created_at AS staff_at,"
    " EXISTS (SELECT 1 FROM conversation_tags t WHERE t.conversation_id = c.id) AS has_tags,"
    " EXISTS (SELECT 1 FROM conversation_data d WHERE d.conversation_id = c.id) AS has_data"
    " FROM conversations c"
    " LEFT JOIN messages fm ON fm.id = c.first_message_id"
    " LEFT JOIN messages lc ON lc.id = c.last_customer_message_id"
    " LEFT JOIN messages ls ON ls.id = c.last_staff_message_id"
    " WHERE c.brand_id = ? AND c.slug = ?",
    /* ContactRepository's contactByID and identities(contactID:). */
    "SELECT id, external_id, name, friendly_name, external_avatar_url, created_at, updated_at,"
    " EXISTS (SELECT 1 FROM contact_data d WHERE d.contact_id = c.id) AS has_data FROM contacts c WHERE id = ?",
    "SELECT type, identifier FROM identities WHERE contact_id = ? ORDER BY attached_seq",
    /* What the emulator keeps between reads: read here once per thread and id. */
    "SELECT name, slug, email, channel_type FROM channels WHERE id = ?",
    "SELECT name, email FROM staff WHERE id = ?",
    "SELECT id FROM brands ORDER BY is_default DESC, id LIMIT 1",
    "COMMIT",
};
enum { ID, BRAND_ID, CHANNEL_ID, SLUG, SUBJECT, STATUS, AUTHOR_STAFF_ID, ASSIGNEE_ID, ORIGIN, HOLD_UNTIL, CREATED_AT,
       UPDATED_AT, AUTHOR_CONTACT_ID, MESSAGE_COUNT, FIRST_BODY, CUSTOMER_BODY, CUSTOMER_AT, STAFF_BODY, STAFF_AT,
       HAS_TAGS, HAS_DATA };

static __thread sqlite3_stmt *statements[STATEMENT_COUNT];

/* A channel's `category` object or a staff user's `assignee` object, written once and kept. */
struct kept { sqlite3_int64 id; struct text json; };
static __thread struct kept channels[8], staff[8];
static __thread int channel_count, staff_count;
static __thread sqlite3_int64 brand_id;

static int prepare_reader(void) {
    if (statements[0] != NULL) return 1;
    sqlite3 *reader = thread_reader();
    if (reader == NULL || !prepare_all(reader, sql, statements, STATEMENT_COUNT)) return 0;
    sqlite3_stmt *brand = statements[BRAND];
    brand_id = sqlite3_step(brand) == SQLITE_ROW ? sqlite3_column_int64(brand, 0) : 0;
    sqlite3_reset(brand);
    return 1;
}

static void write_category(struct text *out, sqlite3_stmt *channel) {
    field_string(out, "{\"name\":", sqlite3_column_text(channel, 0));
    field_string(out, ",\"slug\":", sqlite3_column_text(channel, 1));
    field_string(out, ",\"email\":", sqlite3_column_text(channel, 2));
    put_literal(out, ",\"channel\":");
    put_int(out, sqlite3_column_int64(channel, 3));
    put_literal(out, "}");
}

static void write_assignee(struct text *out, sqlite3_stmt *user) {
    const unsigned char *name = sqlite3_column_text(user, 0), *email = sqlite3_column_text(user, 1);
    field_string(out, "{\"name\":", name);
    field_string(out, ",\"email\":", email);
    field_string(out, ",\"display_name\":", blank(name) ? email : name);
    put_literal(out, "}");
}

/* The kept object for id, written by `write` from `statement` the first time; NULL when the row is gone. */
static const struct text *kept(struct kept *list, int *count, sqlite3_int64 id, sqlite3_stmt *statement,
                               void (*write)(struct text *, sqlite3_stmt *)) {
    for (int index = 0; index < *count; index++) {
        if (list[index].id == id) return &list[index].json;
    }
    if (*count == 8) return NULL;
    struct kept *entry = &list[*count];
    entry->json.size = 0;
    entry->json.overflow = 0;
    sqlite3_bind_int64(statement, 1, id);
    int found = sqlite3_step(statement) == SQLITE_ROW;
    if (found) write(&entry->json, statement);
    sqlite3_reset(statement);
    if (!found) return NULL;
    entry->id = id;
    (*count)++;
    return &entry->json;
}

/* `{"body":…,"created_at":…}` from two columns, or null when the conversation has no such message. */
static void write_summary(struct text *out, sqlite3_stmt *row, int body, int at) {
    if (sqlite3_column_type(row, body) == SQLITE_NULL) {
        put_literal(out, "null");
        return;
    }
    field_string(out, "{\"body\":", sqlite3_column_text(row, body));
    field_time(out, ",\"created_at\":", sqlite3_column_int64(row, at));
    put_literal(out, "}");
}

/* The author object of a contact: its row is current in author. 0 when it has data (not written here). */
static int write_contact_author(struct text *out, sqlite3_int64 id, sqlite3_stmt *author, sqlite3_stmt *identities) {
    if (sqlite3_column_int(author, 7)) return 0;
    char *first[SHOWN_IDENTITY_TYPES];
    read_shown_identities(first, identities, id);
    const unsigned char *name = sqlite3_column_text(author, 2), *friendly = sqlite3_column_text(author, 3);
    put_literal(out, "{\"id\":");
    put_int(out, id);
    field_string(out, ",\"name\":", name);
    put_shown_identities(out, first);
    field_string(out, ",\"friendly_name\":", friendly);
    field_string(out, ",\"display_name\":", display_name(friendly, name, first));
    free_shown_identities(first);
    put_literal(out, ",\"data\":{}}");
    return 1;
}

/* The author object of a staff user, read each time (the emulator keeps it; the seeded conversations have none). */
static void write_staff_author(struct text *out, sqlite3_int64 id, sqlite3_stmt *user) {
    const unsigned char *name = sqlite3_column_text(user, 0), *email = sqlite3_column_text(user, 1);
    put_literal(out, "{\"id\":");
    put_int(out, id);
    field_string(out, ",\"name\":", name);
    field_string(out, ",\"email\":", email);
    put_literal(out, ",\"mobile\":null,\"twitter\":null,\"instagram\":null,\"facebook\":null,\"friendly_name\":null");
    field_string(out, ",\"display_name\":", blank(name) ? email : name);
    put_literal(out, ",\"data\":{}}");
}

/* The author object (200), or why there is none: 404 when the author is gone, 501 when it has data. */
static unsigned int write_author(struct text *out, sqlite3_stmt *row) {
    if (sqlite3_column_type(row, AUTHOR_CONTACT_ID) != SQLITE_NULL) {
        sqlite3_int64 id = sqlite3_column_int64(row, AUTHOR_CONTACT_ID);
        sqlite3_stmt *author = statements[AUTHOR];
        sqlite3_bind_int64(author, 1, id);
        unsigned int status = 404;
        if (sqlite3_step(author) == SQLITE_ROW)
            status = write_contact_author(out, id, author, statements[IDENTITIES]) ? 200 : 501;
        sqlite3_reset(author);
        if (status != 404) return status;
    }
    if (sqlite3_column_type(row, AUTHOR_STAFF_ID) == SQLITE_NULL) return 404;
    sqlite3_stmt *user = statements[STAFF];
    sqlite3_bind_int64(user, 1, sqlite3_column_int64(row, AUTHOR_STAFF_ID));
    unsigned int status = 404;
    if (sqlite3_step(user) == SQLITE_ROW) {
        write_staff_author(out, sqlite3_column_int64(row, AUTHOR_STAFF_ID), user);
        status = 200;
    }
    sqlite3_reset(user);
    return status;
}

/* The conversation whose row is current in row (ConversationJSON's order); its status. */
static unsigned int write_conversation(struct text *out, sqlite3_stmt *row, const char *host) {
    if (sqlite3_column_int(row, HAS_TAGS) || sqlite3_column_int(row, HAS_DATA)) return 501;
    const struct text *category = kept(channels, &channel_count, sqlite3_column_int64(row, CHANNEL_ID),
                                       statements[CHANNEL], write_category);
    if (category == NULL) return 404;
    const struct text *assignee = NULL;
    if (sqlite3_column_type(row, ASSIGNEE_ID) != SQLITE_NULL) {
        assignee = kept(staff, &staff_count, sqlite3_column_int64(row, ASSIGNEE_ID), statements[STAFF],
                        write_assignee);
    }
    const unsigned char *slug = sqlite3_column_text(row, SLUG);
    field_string(out, "{\"subject\":", sqlite3_column_text(row, SUBJECT));
    field_string(out, ",\"slug\":", slug);
    put_literal(out, ",\"status\":");
    put_int(out, sqlite3_column_int64(row, STATUS));
    field_time(out, ",\"created_at\":", sqlite3_column_int64(row, CREATED_AT));
    field_time(out, ",\"updated_at\":", sqlite3_column_int64(row, UPDATED_AT));
    field_string(out, ",\"tag_list\":[],\"message\":{\"body\":", sqlite3_column_text(row, FIRST_BODY));
    put_literal(out, "},\"last_customer_message\":");
    write_summary(out, row, CUSTOMER_BODY, CUSTOMER_AT);
    put_literal(out, ",\"last_staff_message\":");
    write_summary(out, row, STAFF_BODY, STAFF_AT);
    put_literal(out, ",\"author\":");
    unsigned int status = write_author(out, row);
    if (status != 200) return status;
    put_literal(out, ",\"assignee\":");
    if (assignee != NULL) put(out, assignee->bytes, assignee->size); else put_literal(out, "null");
    put_literal(out, ",\"category\":");
    put(out, category->bytes, category->size);
    put_literal(out, ",\"followers\":[],\"data\":{},\"origin\":");
    put_int(out, sqlite3_column_int64(row, ORIGIN));
    put_literal(out, ",\"hold_until\":");
    if (sqlite3_column_type(row, HOLD_UNTIL) == SQLITE_NULL) put_literal(out, "null");
    else put_time(out, sqlite3_column_int64(row, HOLD_UNTIL));
    /* The slugs here need no escaping (the bench's are letters, digits and dashes). */
    put_literal(out, ",\"perma_url\":\"http://");
    put_literal(out, host);
    put_literal(out, "/admin/conversations/");
    put_literal(out, (const char *) slug);
    put_literal(out, "\",\"message_count\":");
    put_int(out, sqlite3_column_int64(row, MESSAGE_COUNT));
    put_literal(out, "}");
    return 200;
}

enum MHD_Result answer_conversation(struct MHD_Connection *connection) {
    if (pages_database == NULL) return respond(connection, 404, "{\"error\":\"Not Found\"}", 21);
    if (!prepare_reader()) return respond(connection, 500, "{\"error\":\"open\"}", 16);
    const char *slug = MHD_lookup_connection_value(connection, MHD_GET_ARGUMENT_KIND, "slug");
    const char *host = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Host");
    static __thread struct text out;
    out.size = 0;
    out.overflow = 0;
    unsigned int status = 404;
    sqlite3_step(statements[BEGIN]);
    sqlite3_reset(statements[BEGIN]);
    sqlite3_stmt *row = statements[CONVERSATION];
    sqlite3_bind_int64(row, 1, brand_id);
    sqlite3_bind_text(row, 2, slug ? slug : "", -1, SQLITE_TRANSIENT);
    if (sqlite3_step(row) == SQLITE_ROW) status = write_conversation(&out, row, host ? host : "");
    sqlite3_reset(row);
    sqlite3_step(statements[COMMIT]);
    sqlite3_reset(statements[COMMIT]);
    if (status == 404) return respond(connection, 404, "{\"error\":\"Not Found\"}", 21);
    if (status == 501) return respond(connection, 501, "{\"error\":\"tags or data\"}", 24);
    if (out.overflow) return respond(connection, 500, "{\"error\":\"too long\"}", 20);
    return respond(connection, 200, out.bytes, out.size);
}
