/* What the ceiling's requests that run the emulator's own statements share (bench/ceiling_contact.c,
 * bench/ceiling_move.c): preparing those statements, and writing the answer by hand. */
#include "ceiling.h"
#include <stdio.h>
#include <string.h>

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
