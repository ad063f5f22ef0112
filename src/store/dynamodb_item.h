/* dynamodb_item.h -- a feeding as a DynamoDB item, and the table's keys.
 *
 * DynamoDB's JSON wraps every attribute in its type ({"S": "..."},
 * {"N": "12"}); these helpers write and read that form so the rest of the
 * store speaks in C values. The key layout (pk "log#<family>", sk
 * "feed#<instant>#<chat>#<message>.<line>" or "settings") is described at
 * the top of store_dynamodb.c; the keys are built from their parts here.
 * Nothing here makes a request. */
#ifndef MILKBOT_STORE_DYNAMODB_ITEM_H
#define MILKBOT_STORE_DYNAMODB_ITEM_H

#include "store.h"

#include <cjson/cJSON.h>
#include <stdint.h>

/* Room for any pk or sk the store writes, and its NUL. */
#define DDB_ITEM_KEY_MAX 96

/* Adds attribute `name` to `item` as a string ({"S": value}) or a number
 * ({"N": "value"}). Out of memory leaves the attribute out, as cJSON does. */
void ddb_item_put_s(cJSON *item, const char *name, const char *value);
void ddb_item_put_n(cJSON *item, const char *name, int64_t value);

/* Attribute `name` of `item` as a string ("" when absent, never NULL) or a
 * number (0 when absent). */
const char *ddb_item_get_s(const cJSON *item, const char *name);
int64_t ddb_item_get_n(const cJSON *item, const char *name);

/* The pk of a family's log: "log#<family>". */
void ddb_item_log_key(const char *family, char out[DDB_ITEM_KEY_MAX]);

/* The by_entry index's partition of one sender's feedings:
 * "log#<family>#from#<user>". */
void ddb_item_sender_key(const char *family, int64_t from_id,
                         char out[DDB_ITEM_KEY_MAX]);

/* A feeding's place in entry order (store_entry_cmp) as a string that sorts
 * the same way: "<sent ms>#<chat>#<message>.<line>", each part fixed-width
 * (the chat offset by 2^63, so negative group ids sort too): the by_entry
 * index's sort key. */
void ddb_item_entry_key(const store_feeding *f, char out[DDB_ITEM_KEY_MAX]);

/* The sk bound for an instant: "feed#2026-11-28T04:00:00.000Z". Instants
 * outside years 0000-9999 are clamped to the ends of the feed# range. */
void ddb_item_instant_key(int64_t ms, char out[DDB_ITEM_KEY_MAX]);

/* The sk of a feeding: "feed#<instant>#<chat>#<message>.<line>". */
void ddb_item_feed_key(const store_feeding *f, char out[DDB_ITEM_KEY_MAX]);

/* Adds the "Key" {pk, sk} of one item to a request. */
void ddb_item_add_key(cJSON *req, const char *pk, const char *sk);

/* A feeding of `family`'s log as a live item (in the by_entry index). The
 * caller deletes it. */
cJSON *ddb_item_from_feeding(const char *family, const store_feeding *f);

/* The feeding an item holds; an unknown kind reads as milk. Never fails: a
 * missing attribute reads as empty or 0 (an item without sides or minutes:
 * a bottle, or a session whose were not said). */
void ddb_item_to_feeding(const cJSON *item, store_feeding *f);

#endif
