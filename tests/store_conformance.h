/* store_conformance.h -- the behaviour every store backend must have,
 * written once and run against each (SQLite now, DynamoDB next). */
#ifndef MILKBOT_STORE_CONFORMANCE_H
#define MILKBOT_STORE_CONFORMANCE_H

#include "store/store.h"

typedef struct {
    const char *name;
    /* A new, empty store for one test; NULL fails the test. */
    store *(*open_fresh)(void *ctx);
    void *ctx;
} store_backend;

/* Runs the conformance suite as a cmocka group; returns failures. */
int store_conformance_run(const store_backend *backend);

#endif
