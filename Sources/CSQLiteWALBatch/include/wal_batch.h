// A SQLite VFS that passes each commit's write-ahead-log frames to the operating system in one write.
#ifndef WAL_BATCH_H
#define WAL_BATCH_H

/// Registers the VFS (once; later calls return the same name) over the process's default VFS, without making it
/// the default. Returns its name for sqlite3_open_v2, or NULL when SQLite has no default VFS to wrap or cannot
/// register another.
const char *wal_batch_vfs_name(void);

#endif
