/*
 * SQLite writes a commit to the write-ahead log one frame at a time, two write() calls a frame (its 24-byte header,
 * then the page): a new contact touches a dozen pages, so 24 system calls a commit (on this project's machine 43-45 us
 * against 9-11 for the same bytes in one call). This VFS wraps the default one and, for write-ahead-log files only,
 * keeps contiguous writes in a buffer and hands them to the file in one write when the commit's last frame is
 * complete.
 *
 * Why it is safe: a frame becomes visible to other connections only once the writer has published the new end of
 * the log in the shared-memory index, which it does after writing the commit's last frame; the buffer is written
 * out before that write returns. A frame's header says whether it ends a commit (its second field, the database's
 * size after the commit, is non-zero only then: https://www.sqlite.org/fileformat.html#the_write_ahead_log), so the
 * buffer is written out as soon as that frame's page has arrived, and from then on every write goes straight
 * through until the next frame that does not end a commit begins. Anything else that looks at the file (a read, its
 * size, a sync, a truncation, a file control, closing it) and any write that does not continue the buffer write the
 * buffer out first. Files other than write-ahead logs are the default VFS's own, untouched.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <string.h>

#include "wal_batch.h"

/// The most a buffer holds before it is written out anyway: the default VFS writes at most 128 KiB - 1 bytes in one
/// call (it masks a larger amount to its low 17 bits and reports the short write as a full disk), so 31 frames of
/// 4 KiB pages. A larger commit is written 31 frames a call.
enum { BATCH_LIMIT = 0x1ffff, FRAME_HEADER_BYTES = 24 };

typedef struct BatchFile {
    sqlite3_file base;      /* pMethods: batch_methods */
    sqlite3_file *log;      /* the default VFS's file, in the bytes after this struct */
    unsigned char *pending; /* writes not yet passed on, contiguous from pending_offset */
    int pending_bytes;
    int capacity;
    sqlite3_int64 pending_offset;
    int ends_commit; /* the last frame header written ends a commit: write through until the next frame */
} BatchFile;

static sqlite3_vfs *default_vfs(sqlite3_vfs *vfs) { return (sqlite3_vfs *)vfs->pAppData; }

static int write_out(BatchFile *file) {
    if (file->pending_bytes == 0) return SQLITE_OK;
    int bytes = file->pending_bytes;
    file->pending_bytes = 0;
    return file->log->pMethods->xWrite(file->log, file->pending, bytes, file->pending_offset);
}

static int batch_close(sqlite3_file *handle) {
    BatchFile *file = (BatchFile *)handle;
    int written = write_out(file);
    int closed = file->log->pMethods->xClose(file->log);
    sqlite3_free(file->pending);
    file->pending = NULL;
    return written != SQLITE_OK ? written : closed;
}

static int batch_read(sqlite3_file *handle, void *buffer, int amount, sqlite3_int64 offset) {
    BatchFile *file = (BatchFile *)handle;
    int rc = write_out(file);
    return rc != SQLITE_OK ? rc : file->log->pMethods->xRead(file->log, buffer, amount, offset);
}

/// Room for `more` bytes after the pending ones, growing the buffer up to BATCH_LIMIT; 0 when there is none.
static int make_room(BatchFile *file, int more) {
    int needed = file->pending_bytes + more;
    if (needed > BATCH_LIMIT) return 0;
    if (needed <= file->capacity) return 1;
    int capacity = file->capacity == 0 ? 32 * 1024 : file->capacity;
    while (capacity < needed) capacity *= 2;
    if (capacity > BATCH_LIMIT) capacity = BATCH_LIMIT;
    unsigned char *grown = sqlite3_realloc(file->pending, capacity);
    if (grown == NULL) return 0;
    file->pending = grown;
    file->capacity = capacity;
    return 1;
}

static int batch_write(sqlite3_file *handle, const void *data, int amount, sqlite3_int64 offset) {
    BatchFile *file = (BatchFile *)handle;
    const unsigned char *bytes = data;
    if (amount == FRAME_HEADER_BYTES) {
        file->ends_commit = (bytes[4] | bytes[5] | bytes[6] | bytes[7]) != 0;
    }
    if (file->pending_bytes > 0 && offset != file->pending_offset + file->pending_bytes) {
        int rc = write_out(file);
        if (rc != SQLITE_OK) return rc;
    }
    if (!make_room(file, amount)) {
        int rc = write_out(file);
        if (rc != SQLITE_OK) return rc;
        // More than the buffer holds, or no memory for it: straight to the file.
        if (!make_room(file, amount)) return file->log->pMethods->xWrite(file->log, data, amount, offset);
    }
    if (file->pending_bytes == 0) file->pending_offset = offset;
    memcpy(file->pending + file->pending_bytes, data, (size_t)amount);
    file->pending_bytes += amount;
    // The commit's last frame is complete once its page follows its header.
    return file->ends_commit && amount != FRAME_HEADER_BYTES ? write_out(file) : SQLITE_OK;
}

static int batch_truncate(sqlite3_file *handle, sqlite3_int64 size) {
    BatchFile *file = (BatchFile *)handle;
    int rc = write_out(file);
    return rc != SQLITE_OK ? rc : file->log->pMethods->xTruncate(file->log, size);
}

static int batch_sync(sqlite3_file *handle, int flags) {
    BatchFile *file = (BatchFile *)handle;
    int rc = write_out(file);
    return rc != SQLITE_OK ? rc : file->log->pMethods->xSync(file->log, flags);
}

static int batch_file_size(sqlite3_file *handle, sqlite3_int64 *size) {
    BatchFile *file = (BatchFile *)handle;
    int rc = write_out(file);
    return rc != SQLITE_OK ? rc : file->log->pMethods->xFileSize(file->log, size);
}

static int batch_lock(sqlite3_file *handle, int level) {
    BatchFile *file = (BatchFile *)handle;
    return file->log->pMethods->xLock(file->log, level);
}

static int batch_unlock(sqlite3_file *handle, int level) {
    BatchFile *file = (BatchFile *)handle;
    return file->log->pMethods->xUnlock(file->log, level);
}

static int batch_check_reserved_lock(sqlite3_file *handle, int *reserved) {
    BatchFile *file = (BatchFile *)handle;
    return file->log->pMethods->xCheckReservedLock(file->log, reserved);
}

static int batch_file_control(sqlite3_file *handle, int op, void *argument) {
    BatchFile *file = (BatchFile *)handle;
    int rc = write_out(file);
    return rc != SQLITE_OK ? rc : file->log->pMethods->xFileControl(file->log, op, argument);
}

static int batch_sector_size(sqlite3_file *handle) {
    BatchFile *file = (BatchFile *)handle;
    return file->log->pMethods->xSectorSize(file->log);
}

static int batch_device_characteristics(sqlite3_file *handle) {
    BatchFile *file = (BatchFile *)handle;
    return file->log->pMethods->xDeviceCharacteristics(file->log);
}

// Version 1 of the methods: SQLite maps shared memory and pages through the database's file, never the log's.
static const sqlite3_io_methods batch_methods = {
    1,
    batch_close,
    batch_read,
    batch_write,
    batch_truncate,
    batch_sync,
    batch_file_size,
    batch_lock,
    batch_unlock,
    batch_check_reserved_lock,
    batch_file_control,
    batch_sector_size,
    batch_device_characteristics,
    NULL, NULL, NULL, NULL, NULL, NULL,
};

// `name` is a `sqlite3_filename`, a `const char *` under a name that older SQLite headers do not have.
static int batch_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *handle, int flags, int *out_flags) {
    sqlite3_vfs *inner = default_vfs(vfs);
    // Every other file is the default VFS's own, in the same bytes: no wrapper, no cost.
    if ((flags & SQLITE_OPEN_WAL) == 0) return inner->xOpen(inner, name, handle, flags, out_flags);
    BatchFile *file = (BatchFile *)handle;
    memset(file, 0, sizeof *file);
    file->log = (sqlite3_file *)(file + 1);
    int rc = inner->xOpen(inner, name, file->log, flags, out_flags);
    if (rc != SQLITE_OK) {
        if (file->log->pMethods != NULL) file->log->pMethods->xClose(file->log);
        file->base.pMethods = NULL; /* SQLite closes only a file whose methods are set */
        return rc;
    }
    file->base.pMethods = &batch_methods;
    return SQLITE_OK;
}

// The rest of the VFS is the default one's, called with its own sqlite3_vfs.
static int batch_delete(sqlite3_vfs *vfs, const char *name, int sync_directory) {
    return default_vfs(vfs)->xDelete(default_vfs(vfs), name, sync_directory);
}
static int batch_access(sqlite3_vfs *vfs, const char *name, int flags, int *result) {
    return default_vfs(vfs)->xAccess(default_vfs(vfs), name, flags, result);
}
static int batch_full_pathname(sqlite3_vfs *vfs, const char *name, int size, char *out) {
    return default_vfs(vfs)->xFullPathname(default_vfs(vfs), name, size, out);
}
static void *batch_dl_open(sqlite3_vfs *vfs, const char *path) {
    return default_vfs(vfs)->xDlOpen(default_vfs(vfs), path);
}
static void batch_dl_error(sqlite3_vfs *vfs, int size, char *message) {
    default_vfs(vfs)->xDlError(default_vfs(vfs), size, message);
}
static void (*batch_dl_sym(sqlite3_vfs *vfs, void *library, const char *symbol))(void) {
    return default_vfs(vfs)->xDlSym(default_vfs(vfs), library, symbol);
}
static void batch_dl_close(sqlite3_vfs *vfs, void *library) { default_vfs(vfs)->xDlClose(default_vfs(vfs), library); }
static int batch_randomness(sqlite3_vfs *vfs, int size, char *out) {
    return default_vfs(vfs)->xRandomness(default_vfs(vfs), size, out);
}
static int batch_sleep(sqlite3_vfs *vfs, int microseconds) {
    return default_vfs(vfs)->xSleep(default_vfs(vfs), microseconds);
}
static int batch_current_time(sqlite3_vfs *vfs, double *now) {
    return default_vfs(vfs)->xCurrentTime(default_vfs(vfs), now);
}
static int batch_get_last_error(sqlite3_vfs *vfs, int size, char *message) {
    return default_vfs(vfs)->xGetLastError(default_vfs(vfs), size, message);
}
static int batch_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *now) {
    return default_vfs(vfs)->xCurrentTimeInt64(default_vfs(vfs), now);
}

static sqlite3_vfs batch_vfs;
static const char *registered_name;

static void register_once(void) {
    sqlite3_vfs *inner = sqlite3_vfs_find(NULL);
    // xCurrentTimeInt64 is a version-2 member; the rest of a version-3 VFS (system calls) is for tests of SQLite.
    if (inner == NULL || inner->iVersion < 2) return;
    batch_vfs.iVersion = 2;
    batch_vfs.szOsFile = (int)sizeof(BatchFile) + inner->szOsFile;
    batch_vfs.mxPathname = inner->mxPathname;
    batch_vfs.zName = "wal-batch";
    batch_vfs.pAppData = inner;
    batch_vfs.xOpen = batch_open;
    batch_vfs.xDelete = batch_delete;
    batch_vfs.xAccess = batch_access;
    batch_vfs.xFullPathname = batch_full_pathname;
    batch_vfs.xDlOpen = batch_dl_open;
    batch_vfs.xDlError = batch_dl_error;
    batch_vfs.xDlSym = batch_dl_sym;
    batch_vfs.xDlClose = batch_dl_close;
    batch_vfs.xRandomness = batch_randomness;
    batch_vfs.xSleep = batch_sleep;
    batch_vfs.xCurrentTime = batch_current_time;
    batch_vfs.xGetLastError = batch_get_last_error;
    batch_vfs.xCurrentTimeInt64 = batch_current_time_int64;
    if (sqlite3_vfs_register(&batch_vfs, 0) == SQLITE_OK) registered_name = batch_vfs.zName;
}

const char *wal_batch_vfs_name(void) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, register_once);
    return registered_name;
}
