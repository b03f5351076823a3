// Only what Swift cannot import from sqlite3.h: the SQLITE_TRANSIENT destructor macro and the variadic
// sqlite3_config. https://www.sqlite.org/c3ref/c_static.html
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

#endif
