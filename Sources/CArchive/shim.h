#ifndef CARCHIVE_SHIM_H
#define CARCHIVE_SHIM_H

#include <archive.h>
#include <archive_entry.h>

/// `archive_set_error` is variadic and Swift cannot call variadic C functions: a read callback
/// only needs to hand over a plain message.
static inline void carchive_set_error(struct archive *archive, const char *message) {
    archive_set_error(archive, ARCHIVE_FATAL, "%s", message);
}

/// `AE_IFREG` is a macro with a cast, which Swift does not import.
static inline int carchive_entry_is_regular_file(struct archive_entry *entry) {
    return archive_entry_filetype(entry) == AE_IFREG;
}

#endif
