/*
 * The ceiling's list pages: each runs the page's count and one statement that selects the page and builds every
 * item's JSON in SQLite, on the emulator's own seeded database, with the emulator's field names and nesting. That
 * is the same work as the emulator's page done the cheapest way: no per-item statements, no values in between.
 */
#include "ceiling.h"
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *pages_database = NULL;

/* Milliseconds since 1970 as the emulator writes them: 2026-11-26T00:00:00.000Z. */
#define TIME(x) "strftime('%Y-%m-%dT%H:%M:%fZ', " x " / 1000.0, 'unixepoch')"
#define FIRST_IDENTITY(contact, type) \
    "(SELECT i.identifier FROM identities i WHERE i.contact_id = " contact " AND i.type = '" type "'" \
    " ORDER BY i.attached_seq LIMIT 1)"
#define CONTACT_DATA(contact) \
    "json((SELECT json_group_object(d.key, json(d.value_json)) FROM contact_data d WHERE d.contact_id = " contact "))"
#define CHANNEL(channel) \
    "json((SELECT json_object('name', ch.name, 'slug', ch.slug, 'email', ch.email, 'channel', ch.channel_type)" \
    " FROM channels ch WHERE ch.id = " channel "))"

#define CONTACT_JSON \
    "json_object('id', c.external_id, '_id', c.id, 'name', c.name, 'friendly_name', c.friendly_name," \
    " 'display_name', coalesce(c.friendly_name, c.name, " FIRST_IDENTITY("c.id", "email") ", " \
    FIRST_IDENTITY("c.id", "mobile") ")," \
    " 'email', " FIRST_IDENTITY("c.id", "email") ", 'mobile', " FIRST_IDENTITY("c.id", "mobile") "," \
    " 'twitter', " FIRST_IDENTITY("c.id", "twitter") ", 'instagram', " FIRST_IDENTITY("c.id", "instagram") "," \
    " 'facebook', " FIRST_IDENTITY("c.id", "facebook") ", 'external_avatar_url', c.external_avatar_url," \
    " 'data', " CONTACT_DATA("c.id") "," \
    " 'notes', json((SELECT json_group_array(json_object('id', n.id, 'note', n.body, 'created_at', " \
    TIME("n.created_at") ", 'updated_at', " TIME("n.updated_at") ", 'creator', json_object('name', s.name," \
    " 'email', s.email))) FROM notes n JOIN staff s ON s.id = n.creator_id WHERE n.contact_id = c.id))," \
    " 'created_at', " TIME("c.created_at") ", 'updated_at', " TIME("c.updated_at") ")"

/* A conversation's summary messages and count are on its row (migration 13), as the emulator reads them. */
#define LAST_MESSAGE(summary) \
    "json((SELECT json_object('body', m.body, 'created_at', " TIME("m.created_at") ") FROM messages m" \
    " WHERE m.id = c." summary "))"

#define CONVERSATION_JSON \
    "json_object('subject', c.subject, 'slug', c.slug, 'status', c.status, 'created_at', " TIME("c.created_at") "," \
    " 'updated_at', " TIME("c.updated_at") "," \
    " 'tag_list', json((SELECT json_group_array(t.tag) FROM (SELECT tag FROM conversation_tags" \
    " WHERE conversation_id = c.id ORDER BY position) t))," \
    " 'message', json_object('body', (SELECT m.body FROM messages m WHERE m.id = c.first_message_id))," \
    " 'last_customer_message', " LAST_MESSAGE("last_customer_message_id") "," \
    " 'last_staff_message', " LAST_MESSAGE("last_staff_message_id") "," \
    " 'author', json((SELECT json_object('id', k.id, 'name', k.name, 'email', " FIRST_IDENTITY("k.id", "email") "," \
    " 'mobile', " FIRST_IDENTITY("k.id", "mobile") ", 'twitter', " FIRST_IDENTITY("k.id", "twitter") "," \
    " 'instagram', " FIRST_IDENTITY("k.id", "instagram") ", 'facebook', " FIRST_IDENTITY("k.id", "facebook") "," \
    " 'friendly_name', k.friendly_name, 'display_name', coalesce(k.friendly_name, k.name, " \
    FIRST_IDENTITY("k.id", "email") "), 'data', " CONTACT_DATA("k.id") ")" \
    " FROM identities ai JOIN contacts k ON k.id = ai.contact_id WHERE ai.id = c.author_identity_id))," \
    " 'assignee', json((SELECT json_object('name', s.name, 'email', s.email, 'display_name', coalesce(s.name, s.email))" \
    " FROM staff s WHERE s.id = c.assignee_id))," \
    " 'category', " CHANNEL("c.channel_id") ", 'followers', json('[]')," \
    " 'data', json((SELECT json_group_object(d.key, json(d.value_json)) FROM conversation_data d" \
    " WHERE d.conversation_id = c.id))," \
    " 'origin', c.origin, 'hold_until', " TIME("c.hold_until") "," \
    " 'perma_url', 'http://127.0.0.1/admin/conversations/' || c.slug," \
    " 'message_count', c.message_count)"

#define MESSAGE_JSON \
    "json_object('body', m.body, 'visibility', m.visibility, 'origin', c.origin, 'origin_id', m.origin_id," \
    " 'created_at', " TIME("m.created_at") "," \
    " 'user', CASE WHEN m.sender_staff_id IS NOT NULL THEN json((SELECT json_object('name', s.name, 'email', s.email," \
    " 'mobile', NULL, 'staff?', json('true')) FROM staff s WHERE s.id = m.sender_staff_id))" \
    " ELSE json((SELECT json_object('name', k.name, 'email', " FIRST_IDENTITY("k.id", "email") "," \
    " 'mobile', " FIRST_IDENTITY("k.id", "mobile") ", 'staff?', json('false')) FROM identities si" \
    " JOIN contacts k ON k.id = si.contact_id WHERE si.id = m.sender_identity_id)) END," \
    " 'recipients', json((SELECT json_group_array(json_object('name', NULL, 'email', r.value))" \
    " FROM json_each(m.recipients) r))," \
    " 'attachments', json(m.attachments)," \
    " 'conversation', json_object('subject', c.subject, 'slug', c.slug, 'created_at', " TIME("c.created_at") "," \
    " 'category', " CHANNEL("c.channel_id") "))"

#define BRAND "(SELECT id FROM brands WHERE host_label = 'bench')"

struct page_kind {
    const char *name;       /* the path after /page/ */
    const char *parameter;  /* "page" (bound as the offset) or "q" (bound as the FTS5 phrase) */
    const char *key;        /* the plural key of the answer */
    const char *count_sql;
    const char *page_sql;   /* one column: an item's JSON */
};

/* The contacts whose name, or one of whose email identities, contains the text: the phrase ?1 in the emulator's two
 * indexes, the text ?2 in the rows waiting to go into them. */
#define SEARCH_MATCHES \
    "(SELECT rowid AS id FROM contact_name_search WHERE contact_name_search MATCH ?1" \
    " UNION SELECT i.contact_id FROM email_search e JOIN identities i ON i.id = e.rowid" \
    " WHERE e.email_search MATCH ?1" \
    " UNION SELECT CASE p.kind WHEN 0 THEN p.id ELSE (SELECT contact_id FROM identities WHERE id = p.id) END" \
    " FROM contact_search_pending p WHERE instr(p.text, ?2) > 0) m"

static const struct page_kind kinds[] = {
    {"contacts", "page", "contacts", "SELECT count(*) FROM contacts c WHERE c.account_id = 1",
     "SELECT " CONTACT_JSON " FROM contacts c WHERE c.account_id = 1"
     " ORDER BY c.sort_name IS NULL, c.sort_name, c.id LIMIT 30 OFFSET ?"},
    {"search", "q", "contacts",
     "SELECT count(*) FROM " SEARCH_MATCHES " CROSS JOIN contacts c ON c.id = m.id WHERE c.account_id = 1",
     "SELECT " CONTACT_JSON " FROM " SEARCH_MATCHES " CROSS JOIN contacts c ON c.id = m.id"
     " WHERE c.account_id = 1 ORDER BY c.sort_name IS NULL, c.sort_name, c.id LIMIT 30"},
    {"conversations", "page", "conversations",
     "SELECT count(*) FROM conversations c WHERE c.brand_id = " BRAND " AND c.status <> 4",
     "SELECT " CONVERSATION_JSON " FROM conversations c WHERE c.brand_id = " BRAND " AND c.status <> 4"
     " ORDER BY c.created_at DESC, c.id DESC LIMIT 30 OFFSET ?"},
    {"messages", "page", "messages",
     "SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE +c.brand_id = " BRAND,
     "SELECT " MESSAGE_JSON " FROM messages m JOIN conversations c ON c.id = m.conversation_id"
     " WHERE +c.brand_id = " BRAND " ORDER BY m.created_at DESC, m.id DESC LIMIT 30 OFFSET ?"},
};
#define KIND_COUNT (sizeof kinds / sizeof kinds[0])

/* Each pool thread reads through its own connection and statements, prepared on its first page. */
static __thread sqlite3 *connection_db;
static __thread sqlite3_stmt *count_statements[KIND_COUNT];
static __thread sqlite3_stmt *page_statements[KIND_COUNT];

static int prepare_thread(void) {
    if (connection_db != NULL) return 1;
    if (sqlite3_open_v2(pages_database, &connection_db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        return 0;
    sqlite3_busy_timeout(connection_db, 5000);
    for (size_t index = 0; index < KIND_COUNT; index++) {
        if (sqlite3_prepare_v3(connection_db, kinds[index].count_sql, -1, SQLITE_PREPARE_PERSISTENT,
                               &count_statements[index], NULL) != SQLITE_OK ||
            sqlite3_prepare_v3(connection_db, kinds[index].page_sql, -1, SQLITE_PREPARE_PERSISTENT,
                               &page_statements[index], NULL) != SQLITE_OK) {
            fprintf(stderr, "ceiling: %s\n", sqlite3_errmsg(connection_db));
            return 0;
        }
    }
    return 1;
}

struct buffer { char *bytes; size_t size, capacity; };

static void append(struct buffer *buffer, const char *bytes, size_t size) {
    if (buffer->size + size > buffer->capacity) {
        while (buffer->size + size > buffer->capacity) buffer->capacity = buffer->capacity ? buffer->capacity * 2 : 16384;
        buffer->bytes = realloc(buffer->bytes, buffer->capacity);
    }
    memcpy(buffer->bytes + buffer->size, bytes, size);
    buffer->size += size;
}

enum MHD_Result answer_page(struct MHD_Connection *connection, const char *name) {
    size_t index = 0;
    while (index < KIND_COUNT && strcmp(kinds[index].name, name) != 0) index++;
    if (index == KIND_COUNT || pages_database == NULL) return respond(connection, 404, "{\"error\":\"Not Found\"}", 21);
    if (!prepare_thread()) return respond(connection, 500, "{\"error\":\"open\"}", 16);
    const struct page_kind *kind = &kinds[index];
    sqlite3_stmt *count = count_statements[index], *page = page_statements[index];
    const char *raw = MHD_lookup_connection_value(connection, MHD_GET_ARGUMENT_KIND, kind->parameter);
    if (strcmp(kind->parameter, "q") == 0) {
        char phrase[256];
        snprintf(phrase, sizeof phrase, "\"%s\"", raw ? raw : "");
        sqlite3_bind_text(count, 1, phrase, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(page, 1, phrase, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(count, 2, raw ? raw : "", -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(page, 2, raw ? raw : "", -1, SQLITE_TRANSIENT);
    } else {
        long number = raw ? strtol(raw, NULL, 10) : 1;
        sqlite3_bind_int64(page, 1, (number > 0 ? number - 1 : 0) * 30);
    }
    long long total = sqlite3_step(count) == SQLITE_ROW ? sqlite3_column_int64(count, 0) : 0;
    sqlite3_reset(count);
    char head[160];
    int length = snprintf(head, sizeof head, "{\"page_size\":30,\"page_count\":%lld,\"total_count\":%lld,\"%s\":[",
                          (total + 29) / 30, total, kind->key);
    struct buffer body = {0};
    append(&body, head, (size_t) length);
    int result, first = 1;
    while ((result = sqlite3_step(page)) == SQLITE_ROW) {
        if (!first) append(&body, ",", 1);
        first = 0;
        append(&body, (const char *) sqlite3_column_text(page, 0), (size_t) sqlite3_column_bytes(page, 0));
    }
    sqlite3_reset(page);
    sqlite3_clear_bindings(count);
    sqlite3_clear_bindings(page);
    append(&body, "]}", 2);
    enum MHD_Result answer = result == SQLITE_DONE ? respond(connection, 200, body.bytes, body.size)
                                                   : respond(connection, 500, "{\"error\":\"step\"}", 16);
    free(body.bytes);
    return answer;
}
