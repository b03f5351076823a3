// Only what Swift cannot import from sqlite3.h: the SQLITE_TRANSIENT destructor macro, the variadic sqlite3_config,
// and the read of the log index's header through a VFS method. https://www.sqlite.org/c3ref/c_static.html
#ifndef CSQLITE_SHIM_H
#define CSQLITE_SHIM_H

#include <sqlite3.h>

/// SQLITE_TRANSIENT tells SQLite to copy a bound text or blob before the bind call returns.
static inline sqlite3_destructor_type csqlite_transient(void) { return SQLITE_TRANSIENT; }

/// Turns off SQLite's memory statistics: with them on, every allocation and free SQLite makes takes one mutex shared
/// by the whole process, which the threads serving reads in parallel then queue on. Only works before SQLite
/// initializes (the first open); returns SQLITE_MISUSE after.
/// https://www.sqlite.org/c3ref/c_config_covering_index_scan.html
static inline int csqlite_disable_memory_statistics(void) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

/// The first copy of the write-ahead log index's 48-byte header (https://www.sqlite.org/walformat.html, "The WAL-Index
/// Header"): every commit to the database, by any connection of any process, changes it (the log's last frame, its
/// checksums, its salts when the log starts again). Processes of different SQLite versions share this index, so its
/// layout does not change.
typedef struct {
    unsigned long long words[6];
} csqlite_log_header;

/// Copies the log index's header of the connection's main database into `header` and returns 1; returns 0, copying
/// nothing, when the database has no log index mapped (not in WAL mode, or its index not yet made).
/// https://www.sqlite.org/c3ref/c_fcntl_begin_atomic_write.html (SQLITE_FCNTL_FILE_POINTER),
/// https://www.sqlite.org/c3ref/io_methods.html (xShmMap)
static inline int csqlite_read_log_header(sqlite3 *db, csqlite_log_header *header) {
    sqlite3_file *file = 0;
    if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK || file == 0 ||
        file->pMethods == 0 || file->pMethods->iVersion < 2 || file->pMethods->xShmMap == 0) {
        return 0;
    }
    volatile void *region = 0;
    // Region 0 of 32 KiB, not extended: the index is mapped already once a read has begun on this database.
    int result = file->pMethods->xShmMap(file, 0, 32768, 0, &region);
    if ((result != SQLITE_OK && result != SQLITE_READONLY) || region == 0) return 0;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    const volatile unsigned long long *words = (const volatile unsigned long long *)region;
    for (int index = 0; index < 6; index++) header->words[index] = words[index];
    return 1;
}

#endif
