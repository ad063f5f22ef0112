/* store_dynamodb_internal.h -- what the DynamoDB store's files share: the
 * store itself (its client, its table, its turn) and the requests they all
 * make (dynamodb_request.c). Not for use outside src/store. */
#ifndef MILKBOT_STORE_DYNAMODB_INTERNAL_H
#define MILKBOT_STORE_DYNAMODB_INTERNAL_H

#include "aws/dynamodb.h"
#include "dynamodb_turn.h"
#include "store.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct dynamo_store {
    store base;
    dynamo_client *client;
    char table[256];
    turn_cache turn;
} dynamo_store;

/* Copies `message` into err and returns STORE_ERROR: how every failure
 * of the store ends. */
static inline int ddb_fail(char *err, const char *message) {
    snprintf(err, STORE_ERR_MAX, "%s", message);
    return STORE_ERROR;
}

/* --- requests (dynamodb_request.c) ---------------------------------------- */

/* A request on the store's table, for the caller to fill, send and delete. */
cJSON *ddb_request_new(dynamo_store *s);

/* Reads one item with a consistent read: *item is NULL when there is none
 * (the caller deletes it). */
int ddb_request_get_item(dynamo_store *s, const char *pk, const char *sk,
                         cJSON **item, char *err);

/* Runs a Query page by page and hands each item to `visit` (which returns
 * 0 to go on, 1 to stop, -1 for out of memory). Takes ownership of req. */
int ddb_request_query(dynamo_store *s, cJSON *req,
                      int (*visit)(const cJSON *item, void *ctx), void *ctx,
                      char *err);

/* As ddb_request_query, for a Scan: the whole table, only for adopting the
 * logs of earlier versions (dynamodb_adopt.h). */
int ddb_request_scan(dynamo_store *s, cJSON *req,
                     int (*visit)(const cJSON *item, void *ctx), void *ctx,
                     char *err);

/* Runs the Query `req` (taking ownership of it) and appends the live
 * feedings it finds to *out, up to `limit` (0: all). */
int ddb_request_query_live(dynamo_store *s, cJSON *req, store_list *out,
                           size_t limit, char *err);

/* Every item of a partition (pk), removed feedings too: a read of a log's
 * whole history, only for what no turn covers. */
int ddb_request_query_history(dynamo_store *s, const char *pk,
                              int (*visit)(const cJSON *item, void *ctx),
                              void *ctx, char *err);

/* A Query (consistent) of a family log's items with sk between two
 * bounds. */
cJSON *ddb_request_key_range(dynamo_store *s, const char *family,
                             const char *low, const char *high);

/* A Query of the family log's live feedings with sk between two bounds,
 * newest first unless `forward`; for ddb_request_query_live. */
cJSON *ddb_request_live_range(dynamo_store *s, const char *family,
                              const char *low, const char *high, int forward);

#endif
