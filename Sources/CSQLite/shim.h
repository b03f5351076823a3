// Only what Swift cannot import from sqlite3.h: the SQLITE_TRANSIENT destructor macro.
// https://www.sqlite.org/c3ref/c_static.html
#ifndef CSQLITE_SHIM_H
#define CSQLITE_SHIM_H

#include <sqlite3.h>

/// SQLITE_TRANSIENT tells SQLite to copy a bound text or blob before the bind call returns.
static inline sqlite3_destructor_type csqlite_transient(void) { return SQLITE_TRANSIENT; }

#endif
