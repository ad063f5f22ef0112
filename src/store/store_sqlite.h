/* store_sqlite.h -- the embedded store: one SQLite file (or memory). */
#ifndef MILKBOT_STORE_SQLITE_H
#define MILKBOT_STORE_SQLITE_H

#include "store.h"

/* Opens (creating it and, with make_dirs, its folders) the database at
 * `path`, or an in-memory one for ":memory:", and brings its schema up to
 * date. Returns NULL with a message in err. */
store *store_sqlite_open(const char *path, int make_dirs, char *err,
                         size_t errlen);

#endif
