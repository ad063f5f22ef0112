/* forwarding_store.h -- a store for tests that passes every operation on to
 * a real store, showing it to the test first.
 *
 * The test's hook sees which operation is about to run, in which family's
 * log, and
 * either lets it through (after doing something of its own, such as
 * beginning a turn the way the bot does) or fails it as a broken connection
 * would, so that the real store never sees it. The bot test fails chosen
 * operations this way; the DynamoDB test calls its store in turns. */
#ifndef MILKBOT_FORWARDING_STORE_H
#define MILKBOT_FORWARDING_STORE_H

#include "store/store.h"

#include <stdint.h>

/* The operations of store_ops, close aside (it always reaches the real
 * store). */
typedef enum {
    FORWARD_ADD_MESSAGE,
    FORWARD_LIST_RANGE,
    FORWARD_LATEST_BEFORE,
    FORWARD_UNDO_LAST,
    FORWARD_AMEND_LAST,
    FORWARD_PUT_BACK,
    FORWARD_REMOVE,
    FORWARD_REPLACE_MESSAGE,
    FORWARD_GET_SETTINGS,
    FORWARD_SET_TZ,
    FORWARD_SET_BABIES,
    FORWARD_SET_UNITS,
    FORWARD_MAX_MESSAGE_ID,
    /* schedules (#17); due_schedules reads every family's: its hook is
     * given family NULL */
    FORWARD_PUT_SCHEDULE,
    FORWARD_STOP_REMINDERS,
    FORWARD_LIST_SCHEDULES,
    FORWARD_DUE_SCHEDULES,
    FORWARD_CLAIM_SCHEDULE,
    FORWARD_MOVE_SCHEDULES,
    /* milkbot serve's place in the updates (#18): family NULL */
    FORWARD_GET_UPDATE_OFFSET,
    FORWARD_BEGIN_UPDATE,
    FORWARD_END_UPDATE,
} forward_op;

typedef struct forwarding_store forwarding_store;

/* Runs before operation `op` on `family`'s log (NULL: every family's)
 * reaches the real store.
 * Returns STORE_OK to pass it on, or STORE_ERROR with a message in `err`
 * (STORE_ERR_MAX bytes) to fail it instead. */
typedef int (*forward_hook)(forwarding_store *f, forward_op op,
                            const char *family, char *err);

struct forwarding_store {
    store base;          /* the store to give the code under test */
    store *real;         /* where the operations go; owned */
    forward_hook before; /* NULL: every operation passes */
    void *ctx;           /* the test's own, for the hook */
};

/* A store forwarding to `real`, which it takes over: store_close on the
 * result closes `real` and frees both. Returns NULL when `real` is NULL or
 * memory runs out (`real` is then closed). */
forwarding_store *forwarding_store_new(store *real, forward_hook before,
                                       void *ctx);

#endif
