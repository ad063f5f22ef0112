/* store_dynamodb.c -- the production store, on DynamoDB (src/aws/dynamodb.c).
 *
 * One table, string keys pk and sk, on-demand capacity:
 *   feeding   pk "chat#<chat>", sk "feed#<UTC instant, ms>#<message>.<line>"
 *             (message id and line zero-padded, so keys sort by instant and
 *             then entry order); attributes amount_ml, kind, at (local
 *             RFC 3339), day, who, note, text, entered_at (epoch ms), ...
 *   settings  pk "chat#<chat>", sk "settings": tz
 * A day or a week is ONE Query on an sk range whose bounds are the local
 * midnights converted to UTC, so a 23- or 25-hour day is read exactly.
 *
 *   message   pk "chat#<chat>", sk "msg#<message>": what one message did,
 *             written before its effects: a recording message lists its
 *             feeding items in full, an undo names the feeding it removes
 *
 * Why no transactions: the local DynamoDB the tests run against (dynalite)
 * has no TransactWriteItems. Every write here is one item, made safe to
 * repeat instead, around the message item:
 *  - A message is claimed by writing its message item with
 *    attribute_not_exists. A redelivery finds the claim and answers from it,
 *    whatever it resolves to now; a message interrupted halfway (claimed,
 *    line 1 written, line 2 not) is completed by its redelivery from the
 *    claim's own copy, each line with attribute_not_exists: nothing is lost
 *    or doubled.
 *  - Undo does not delete: one UpdateItem marks the feeding removed_by the
 *    asking message (and drops it from the "by_entry" index). The undo's
 *    message item names that feeding first, so a redelivered undo removes
 *    nothing more; a redelivered feeding finds its removed item still there.
 *  - Undo finds the most recently entered feeding without scanning: the
 *    sparse global index "by_entry" (entry_pk = the chat, entry =
 *    "<message>.<line>") holds exactly the live feedings, in entry order,
 *    so it is one Query with ScanIndexForward=false and Limit 1. (Index
 *    reads can lag a moment behind writes; the conditional UpdateItem then
 *    fails on an item already removed and the next one is taken.) */
#include "store_dynamodb.h"

#include "aws/dynamodb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    store base;
    dynamo_client *client;
    char table[256];
} dynamo_store;

static dynamo_store *impl(store *s) { return (dynamo_store *)s; }

/* --- attribute values --------------------------------------------------- */

static void put_s(cJSON *item, const char *name, const char *value) {
    cJSON *a = cJSON_AddObjectToObject(item, name);
    cJSON_AddStringToObject(a, "S", value);
}

static void put_n(cJSON *item, const char *name, int64_t value) {
    char text[32];
    snprintf(text, sizeof text, "%lld", (long long)value);
    cJSON *a = cJSON_AddObjectToObject(item, name);
    cJSON_AddStringToObject(a, "N", text);
}

static const char *get_s(const cJSON *item, const char *name) {
    const char *v = cJSON_GetStringValue(
        cJSON_GetObjectItem(cJSON_GetObjectItem(item, name), "S"));
    return v ? v : "";
}

static int64_t get_n(const cJSON *item, const char *name) {
    const char *v = cJSON_GetStringValue(
        cJSON_GetObjectItem(cJSON_GetObjectItem(item, name), "N"));
    return v ? strtoll(v, NULL, 10) : 0;
}

/* --- keys ----------------------------------------------------------------- */

#define KEY_MAX 96

static void chat_key(int64_t chat_id, char out[KEY_MAX]) {
    snprintf(out, KEY_MAX, "chat#%lld", (long long)chat_id);
}

static void entry_key(int64_t message_id, int line, char out[KEY_MAX]) {
    snprintf(out, KEY_MAX, "%012lld.%04d", (long long)message_id, line);
}

/* The sk bound for an instant: "feed#2026-11-28T04:00:00.000Z". Instants
 * outside years 0000-9999 are clamped to the ends of the feed# range. */
#define MAX_MS 253402300799999LL /* 9999-12-31T23:59:59.999Z */
static void instant_key(int64_t ms, char out[KEY_MAX]) {
    char iso[CLOCK_RFC3339_MAX];
    if (ms < 0) {
        snprintf(out, KEY_MAX, "feed#");
    } else if (ms > MAX_MS) {
        snprintf(out, KEY_MAX, "feed#~");
    } else {
        clock_format_utc_ms(ms, iso);
        snprintf(out, KEY_MAX, "feed#%s", iso);
    }
}

static void feed_key(const store_feeding *f, char out[KEY_MAX]) {
    char instant[KEY_MAX], entry[KEY_MAX];
    instant_key(f->at_ms, instant);
    entry_key(f->message_id, f->line, entry);
    /* both parts are short: "feed#" + 24 characters, and 17 */
    snprintf(out, KEY_MAX, "%.40s#%.40s", instant, entry);
}

static void add_key(cJSON *req, const char *pk, const char *sk) {
    cJSON *key = cJSON_AddObjectToObject(req, "Key");
    put_s(key, "pk", pk);
    put_s(key, "sk", sk);
}

static cJSON *new_request(dynamo_store *s) {
    cJSON *req = cJSON_CreateObject();
    cJSON_AddStringToObject(req, "TableName", s->table);
    return req;
}

/* --- feedings as items ---------------------------------------------------- */

static cJSON *feeding_item(const store_feeding *f) {
    char pk[KEY_MAX], sk[KEY_MAX], entry[KEY_MAX];
    chat_key(f->chat_id, pk);
    feed_key(f, sk);
    entry_key(f->message_id, f->line, entry);
    cJSON *item = cJSON_CreateObject();
    put_s(item, "pk", pk);
    put_s(item, "sk", sk);
    put_s(item, "entry_pk", pk); /* live: in the by_entry index */
    put_s(item, "entry", entry);
    put_n(item, "chat_id", f->chat_id);
    put_n(item, "message_id", f->message_id);
    put_n(item, "line", f->line);
    put_n(item, "at_ms", f->at_ms);
    put_s(item, "at", f->at);
    put_s(item, "day", f->day);
    put_n(item, "amount_ml", f->amount_ml);
    put_s(item, "kind", store_kind_name(f->kind));
    put_s(item, "who", f->who);
    put_s(item, "note", f->note);
    put_s(item, "text", f->text);
    put_n(item, "entered_at", f->entered_at_ms);
    return item;
}

static void read_feeding(const cJSON *item, store_feeding *f) {
    memset(f, 0, sizeof *f);
    f->chat_id = get_n(item, "chat_id");
    f->message_id = get_n(item, "message_id");
    f->line = (int)get_n(item, "line");
    f->seq = STORE_SEQ(f->message_id, f->line);
    f->at_ms = get_n(item, "at_ms");
    snprintf(f->at, sizeof f->at, "%s", get_s(item, "at"));
    snprintf(f->day, sizeof f->day, "%s", get_s(item, "day"));
    f->amount_ml = (int)get_n(item, "amount_ml");
    if (store_kind_from_name(get_s(item, "kind"), &f->kind) != 0)
        f->kind = PHRASE_MILK;
    snprintf(f->who, sizeof f->who, "%s", get_s(item, "who"));
    snprintf(f->note, sizeof f->note, "%s", get_s(item, "note"));
    snprintf(f->text, sizeof f->text, "%s", get_s(item, "text"));
    f->entered_at_ms = get_n(item, "entered_at");
}

static int fail(char *err, const char *message) {
    snprintf(err, STORE_ERR_MAX, "%s", message);
    return STORE_ERROR;
}

/* Runs a Query page by page, appending live feedings (or, with `all`,
 * every item) to *out; stops once `limit` items are collected (0: no
 * limit). Takes ownership of req. */
static int query_all(dynamo_store *s, cJSON *req, store_list *out, int all,
                     size_t limit, char *err) {
    char message[STORE_ERR_MAX];
    int status = STORE_OK;
    for (;;) {
        cJSON *res;
        if (dynamo_call(s->client, "Query", req, &res, message, sizeof message) !=
            DYNAMO_OK) {
            status = fail(err, message);
            break;
        }
        const cJSON *item;
        cJSON_ArrayForEach(item, cJSON_GetObjectItem(res, "Items")) {
            if (!all && cJSON_GetObjectItem(item, "removed_by")) continue;
            store_feeding f;
            read_feeding(item, &f);
            if (store_list_push(out, &f) != STORE_OK) {
                status = fail(err, "store: out of memory");
                break;
            }
        }
        cJSON *next = cJSON_DetachItemFromObject(res, "LastEvaluatedKey");
        cJSON_Delete(res);
        if (status != STORE_OK || next == NULL ||
            (limit && out->count >= limit)) {
            cJSON_Delete(next);
            break;
        }
        cJSON_DeleteItemFromObject(req, "ExclusiveStartKey");
        cJSON_AddItemToObject(req, "ExclusiveStartKey", next);
    }
    cJSON_Delete(req);
    return status;
}

/* A Query of the chat's live feedings with sk between two bounds. */
static cJSON *range_query(dynamo_store *s, int64_t chat_id, const char *low,
                          const char *high, int forward) {
    char pk[KEY_MAX];
    chat_key(chat_id, pk);
    cJSON *req = new_request(s);
    cJSON_AddStringToObject(req, "KeyConditionExpression",
                            "pk = :pk AND sk BETWEEN :low AND :high");
    cJSON_AddStringToObject(req, "FilterExpression",
                            "attribute_not_exists(removed_by)");
    cJSON *values = cJSON_AddObjectToObject(req, "ExpressionAttributeValues");
    put_s(values, ":pk", pk);
    put_s(values, ":low", low);
    put_s(values, ":high", high);
    cJSON_AddBoolToObject(req, "ConsistentRead", 1);
    if (!forward) cJSON_AddBoolToObject(req, "ScanIndexForward", 0);
    return req;
}

/* Entry order: a message's feedings line by line. */
static int by_entry(const void *a, const void *b) {
    const store_feeding *x = a, *y = b;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int by_time(const void *a, const void *b) {
    const store_feeding *x = a, *y = b;
    if (x->at_ms != y->at_ms) return x->at_ms < y->at_ms ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* qsort, which must not be given a NULL array even when it is empty. */
static void sort_feedings(store_feeding *items, size_t count,
                          int (*order)(const void *, const void *)) {
    if (count > 1) qsort(items, count, sizeof *items, order);
}

/* --- message items -------------------------------------------------------- */

static void message_key(int64_t message_id, char out[KEY_MAX]) {
    snprintf(out, KEY_MAX, "msg#%012lld", (long long)message_id);
}

/* Reads a chat's message item; *item is NULL when there is none. */
static int get_message(dynamo_store *s, int64_t chat_id, int64_t message_id,
                       cJSON **item, char *err) {
    char pk[KEY_MAX], sk[KEY_MAX], message[STORE_ERR_MAX];
    chat_key(chat_id, pk);
    message_key(message_id, sk);
    cJSON *req = new_request(s);
    add_key(req, pk, sk);
    cJSON_AddBoolToObject(req, "ConsistentRead", 1);
    cJSON *res;
    dynamo_status st = dynamo_call(s->client, "GetItem", req, &res, message,
                                   sizeof message);
    cJSON_Delete(req);
    *item = NULL;
    if (st != DYNAMO_OK) return fail(err, message);
    *item = cJSON_DetachItemFromObject(res, "Item");
    cJSON_Delete(res);
    return STORE_OK;
}

/* Writes a message item: kind "record" with its feeding items, or "undo"
 * with the sk of the feeding it removes. With `claim`, only if the message
 * has none yet (DYNAMO_CONDITION_FAILED otherwise). */
static dynamo_status put_message(dynamo_store *s, int64_t chat_id,
                                 int64_t message_id, const char *kind,
                                 cJSON *items, const char *target, int claim,
                                 char *err) {
    char pk[KEY_MAX], sk[KEY_MAX], message[STORE_ERR_MAX];
    chat_key(chat_id, pk);
    message_key(message_id, sk);
    cJSON *req = new_request(s);
    cJSON *item = cJSON_AddObjectToObject(req, "Item");
    put_s(item, "pk", pk);
    put_s(item, "sk", sk);
    put_n(item, "message_id", message_id);
    put_s(item, "kind", kind);
    if (items) {
        cJSON *list = cJSON_AddObjectToObject(item, "items");
        cJSON *l = cJSON_AddArrayToObject(list, "L");
        cJSON *it;
        cJSON_ArrayForEach(it, items) {
            cJSON *m = cJSON_CreateObject();
            cJSON_AddItemToObject(m, "M", cJSON_Duplicate(it, 1));
            cJSON_AddItemToArray(l, m);
        }
    }
    if (target) put_s(item, "target", target);
    if (claim)
        cJSON_AddStringToObject(req, "ConditionExpression",
                                "attribute_not_exists(pk)");
    dynamo_status st = dynamo_call(s->client, "PutItem", req, NULL, message,
                                   sizeof message);
    cJSON_Delete(req);
    if (st == DYNAMO_ERROR) fail(err, message);
    return st;
}

/* The feeding items a "record" message item lists (borrowed from it). */
static const cJSON *message_items(const cJSON *msg) {
    return cJSON_GetObjectItem(cJSON_GetObjectItem(msg, "items"), "L");
}

/* Writes feeding items that are not there yet; one already there (even
 * removed) is left as it is. */
static int put_missing(dynamo_store *s, const cJSON *items, int wrapped,
                       char *err) {
    char message[STORE_ERR_MAX];
    const cJSON *it;
    cJSON_ArrayForEach(it, items) {
        const cJSON *item = wrapped ? cJSON_GetObjectItem(it, "M") : it;
        cJSON *req = new_request(s);
        cJSON_AddItemToObject(req, "Item", cJSON_Duplicate(item, 1));
        cJSON_AddStringToObject(req, "ConditionExpression",
                                "attribute_not_exists(pk)");
        dynamo_status st = dynamo_call(s->client, "PutItem", req, NULL, message,
                                       sizeof message);
        cJSON_Delete(req);
        if (st == DYNAMO_ERROR) return fail(err, message);
    }
    return STORE_OK;
}

/* The current state of the feeding items a message item lists: the live
 * ones into *out, line by line (BatchGetItem, strongly consistent). */
static int read_listed(dynamo_store *s, const cJSON *items, store_list *out,
                       char *err) {
    char message[STORE_ERR_MAX];
    cJSON *req = cJSON_CreateObject();
    cJSON *table = cJSON_AddObjectToObject(
        cJSON_AddObjectToObject(req, "RequestItems"), s->table);
    cJSON *keys = cJSON_AddArrayToObject(table, "Keys");
    cJSON_AddBoolToObject(table, "ConsistentRead", 1);
    const cJSON *it;
    int nkeys = 0;
    cJSON_ArrayForEach(it, items) {
        const cJSON *item = cJSON_GetObjectItem(it, "M");
        cJSON *key = cJSON_CreateObject();
        put_s(key, "pk", get_s(item, "pk"));
        put_s(key, "sk", get_s(item, "sk"));
        cJSON_AddItemToArray(keys, key);
        nkeys++;
    }
    int status = STORE_OK;
    for (int round = 0; nkeys && round < 5; round++) {
        cJSON *res;
        if (dynamo_call(s->client, "BatchGetItem", req, &res, message,
                        sizeof message) != DYNAMO_OK) {
            status = fail(err, message);
            break;
        }
        cJSON_ArrayForEach(it, cJSON_GetObjectItem(
                                   cJSON_GetObjectItem(res, "Responses"), s->table)) {
            if (cJSON_GetObjectItem(it, "removed_by")) continue;
            store_feeding f;
            read_feeding(it, &f);
            if (store_list_push(out, &f) != STORE_OK) status = fail(err, "store: out of memory");
        }
        /* keys DynamoDB did not get to this time are asked for again */
        cJSON *left = cJSON_DetachItemFromObject(res, "UnprocessedKeys");
        cJSON_Delete(res);
        if (left == NULL || cJSON_GetArraySize(left) == 0) {
            cJSON_Delete(left);
            break;
        }
        cJSON_DeleteItemFromObject(req, "RequestItems");
        cJSON_AddItemToObject(req, "RequestItems", left);
    }
    cJSON_Delete(req);
    sort_feedings(out->items, out->count, by_entry);
    return status;
}

/* --- the operations ------------------------------------------------------- */

static int dyn_add_message(store *base, store_feeding *feeds, size_t *n,
                           int *already, char *err) {
    dynamo_store *s = impl(base);
    *already = 0;
    if (*n == 0) return STORE_OK;
    int64_t chat_id = feeds[0].chat_id, message_id = feeds[0].message_id;
    cJSON *items = cJSON_CreateArray();
    for (size_t i = 0; i < *n; i++) {
        feeds[i].seq = STORE_SEQ(feeds[i].message_id, feeds[i].line);
        cJSON_AddItemToArray(items, feeding_item(&feeds[i]));
    }
    /* claim the message; the claim keeps the feedings as resolved now */
    dynamo_status st = put_message(s, chat_id, message_id, "record", items,
                                   NULL, 1, err);
    if (st == DYNAMO_OK) {
        int status = put_missing(s, items, 0, err);
        cJSON_Delete(items);
        return status; /* on error, a redelivery completes from the claim */
    }
    cJSON_Delete(items);
    if (st == DYNAMO_ERROR) return STORE_ERROR;

    /* claimed before: a redelivery. Finish what the claim lists, then
     * answer with what is left of it. */
    cJSON *msg;
    if (get_message(s, chat_id, message_id, &msg, err) != STORE_OK)
        return STORE_ERROR;
    store_list was = {0};
    int status = STORE_OK;
    const cJSON *listed = message_items(msg);
    if (listed) {
        status = put_missing(s, listed, 1, err);
        if (status == STORE_OK) status = read_listed(s, listed, &was, err);
    }
    cJSON_Delete(msg);
    if (status == STORE_OK) {
        size_t keep = was.count < STORE_MESSAGE_MAX_FEEDINGS
                          ? was.count
                          : STORE_MESSAGE_MAX_FEEDINGS;
        if (keep) memcpy(feeds, was.items, keep * sizeof *feeds);
        *n = keep;
        *already = 1;
    }
    store_list_free(&was);
    return status;
}

static int dyn_list_range(store *base, int64_t chat_id, int64_t from_ms,
                          int64_t to_ms, store_list *out, char *err) {
    dynamo_store *s = impl(base);
    char low[KEY_MAX], high[KEY_MAX];
    if (to_ms <= from_ms) return STORE_OK;
    instant_key(from_ms, low);
    instant_key(to_ms, high); /* "feed#<to>" sorts before every "feed#<to>#..." */
    size_t first = out->count;
    if (query_all(s, range_query(s, chat_id, low, high, 1), out, 0, 0, err) !=
        STORE_OK)
        return STORE_ERROR;
    if (out->count > first + 1)
        sort_feedings(out->items + first, out->count - first, by_time);
    return STORE_OK;
}

static int dyn_latest_before(store *base, int64_t chat_id, int64_t before_ms,
                             store_feeding *out, int *found, char *err) {
    dynamo_store *s = impl(base);
    char high[KEY_MAX];
    store_list list = {0};
    instant_key(before_ms, high);
    *found = 0;
    /* newest first; the filter may skip removed ones, so read until one */
    cJSON *req = range_query(s, chat_id, "feed#", high, 0);
    cJSON_AddNumberToObject(req, "Limit", 8);
    int status = query_all(s, req, &list, 0, 1, err);
    if (status == STORE_OK && list.count) {
        *out = list.items[0];
        *found = 1;
    }
    store_list_free(&list);
    return status;
}

/* Marks the feeding at (pk, sk) removed by message `by` (0: the Undo
 * button, -1: an edit) if it is still live; *done = 0 when it was not. */
static int soft_delete(dynamo_store *s, const char *pk, const char *sk,
                       int64_t by, store_feeding *removed, int *done,
                       char *err) {
    char message[STORE_ERR_MAX];
    cJSON *req = new_request(s);
    add_key(req, pk, sk);
    cJSON *values = cJSON_AddObjectToObject(req, "ExpressionAttributeValues");
    put_n(values, ":by", by);
    cJSON_AddStringToObject(req, "UpdateExpression",
                            "SET removed_by = :by REMOVE entry_pk, entry");
    cJSON_AddStringToObject(req, "ConditionExpression",
                            "attribute_exists(pk) AND attribute_not_exists(removed_by)");
    cJSON_AddStringToObject(req, "ReturnValues", "ALL_OLD");
    cJSON *res;
    dynamo_status st = dynamo_call(s->client, "UpdateItem", req, &res, message,
                                   sizeof message);
    cJSON_Delete(req);
    *done = st == DYNAMO_OK;
    if (st == DYNAMO_OK) {
        if (removed) read_feeding(cJSON_GetObjectItem(res, "Attributes"), removed);
        cJSON_Delete(res);
    }
    return st == DYNAMO_ERROR ? fail(err, message) : STORE_OK;
}

/* A feeding by its key, removed or not; *found = 0 if there is none. */
static int get_feeding(dynamo_store *s, const char *pk, const char *sk,
                       store_feeding *out, int *found, char *err) {
    char message[STORE_ERR_MAX];
    cJSON *req = new_request(s);
    add_key(req, pk, sk);
    cJSON_AddBoolToObject(req, "ConsistentRead", 1);
    cJSON *res;
    dynamo_status st = dynamo_call(s->client, "GetItem", req, &res, message,
                                   sizeof message);
    cJSON_Delete(req);
    if (st != DYNAMO_OK) return fail(err, message);
    const cJSON *item = cJSON_GetObjectItem(res, "Item");
    *found = item != NULL;
    if (item) read_feeding(item, out);
    cJSON_Delete(res);
    return STORE_OK;
}

/* The newest live entry of a chat, from the by_entry index. */
static int newest_entry(dynamo_store *s, const char *pk, store_list *out,
                        char *err) {
    cJSON *req = new_request(s);
    cJSON_AddStringToObject(req, "IndexName", "by_entry");
    cJSON_AddStringToObject(req, "KeyConditionExpression", "entry_pk = :pk");
    cJSON *values = cJSON_AddObjectToObject(req, "ExpressionAttributeValues");
    put_s(values, ":pk", pk);
    cJSON_AddBoolToObject(req, "ScanIndexForward", 0);
    cJSON_AddNumberToObject(req, "Limit", 1);
    return query_all(s, req, out, 0, 1, err);
}

static int dyn_undo_last(store *base, int64_t chat_id, int64_t message_id,
                         store_feeding *removed, int *found, char *err) {
    dynamo_store *s = impl(base);
    char pk[KEY_MAX], sk[KEY_MAX];
    chat_key(chat_id, pk);
    *found = 0;
    for (int tries = 0; tries < 5; tries++) {
        /* asked before by this message (a redelivery): the same feeding */
        cJSON *msg;
        if (get_message(s, chat_id, message_id, &msg, err) != STORE_OK)
            return STORE_ERROR;
        if (msg) {
            snprintf(sk, sizeof sk, "%s", get_s(msg, "target"));
            cJSON_Delete(msg);
            if (sk[0] == '\0') return STORE_OK; /* there was nothing to undo */
            int done;
            if (soft_delete(s, pk, sk, message_id, removed, &done, err) != STORE_OK)
                return STORE_ERROR;
            if (!done && get_feeding(s, pk, sk, removed, &done, err) != STORE_OK)
                return STORE_ERROR;
            *found = done;
            return STORE_OK;
        }
        store_list last = {0};
        if (newest_entry(s, pk, &last, err) != STORE_OK) {
            store_list_free(&last);
            return STORE_ERROR;
        }
        if (last.count) feed_key(&last.items[0], sk);
        else sk[0] = '\0';
        store_list_free(&last);
        /* name the target first: a redelivery then undoes exactly it */
        dynamo_status st = put_message(s, chat_id, message_id, "undo", NULL,
                                       sk, 1, err);
        if (st == DYNAMO_ERROR) return STORE_ERROR;
        if (st == DYNAMO_CONDITION_FAILED) continue; /* raced a redelivery */
        if (sk[0] == '\0') return STORE_OK;
        int done;
        if (soft_delete(s, pk, sk, message_id, removed, &done, err) != STORE_OK)
            return STORE_ERROR;
        if (done) {
            *found = 1;
            return STORE_OK;
        }
        /* someone else removed it first (or the index lagged): forget the
         * target and take the next one */
        char msk[KEY_MAX], message[STORE_ERR_MAX];
        message_key(message_id, msk);
        cJSON *req = new_request(s);
        add_key(req, pk, msk);
        dynamo_status del = dynamo_call(s->client, "DeleteItem", req, NULL,
                                        message, sizeof message);
        cJSON_Delete(req);
        if (del != DYNAMO_OK) return fail(err, message);
    }
    return fail(err, "store: undo kept racing with other changes; try again");
}

static int dyn_remove(store *base, int64_t chat_id, int64_t message_id,
                      int line, store_feeding *removed, int *found, char *err) {
    dynamo_store *s = impl(base);
    char pk[KEY_MAX];
    chat_key(chat_id, pk);
    *found = 0;
    cJSON *msg;
    if (get_message(s, chat_id, message_id, &msg, err) != STORE_OK)
        return STORE_ERROR;
    int status = STORE_OK;
    const cJSON *it;
    cJSON_ArrayForEach(it, message_items(msg)) {
        const cJSON *item = cJSON_GetObjectItem(it, "M");
        if (get_n(item, "line") == line) {
            status = soft_delete(s, pk, get_s(item, "sk"), 0, removed, found, err);
            break;
        }
    }
    cJSON_Delete(msg);
    return status;
}

static int dyn_replace_message(store *base, int64_t chat_id,
                               int64_t message_id, const store_feeding *feeds,
                               size_t n, store_list *old, char *err) {
    dynamo_store *s = impl(base);
    char pk[KEY_MAX], message[STORE_ERR_MAX];
    chat_key(chat_id, pk);
    cJSON *msg;
    if (get_message(s, chat_id, message_id, &msg, err) != STORE_OK)
        return STORE_ERROR;
    const cJSON *listed = message_items(msg);
    if (listed && read_listed(s, listed, old, err) != STORE_OK) {
        cJSON_Delete(msg);
        return STORE_ERROR;
    }
    /* the new feedings first, then the old ones retired, the message item
     * last: interrupted anywhere, the edit delivered again completes */
    cJSON *items = cJSON_CreateArray();
    int status = STORE_OK;
    for (size_t i = 0; i < n && status == STORE_OK; i++) {
        cJSON *item = feeding_item(&feeds[i]);
        cJSON_AddItemToArray(items, item);
        cJSON *req = new_request(s);
        cJSON_AddItemToObject(req, "Item", cJSON_Duplicate(item, 1));
        if (dynamo_call(s->client, "PutItem", req, NULL, message, sizeof message) !=
            DYNAMO_OK)
            status = fail(err, message);
        cJSON_Delete(req);
    }
    cJSON_ArrayForEach(listed, message_items(msg)) {
        if (status != STORE_OK) break;
        const char *sk = get_s(cJSON_GetObjectItem(listed, "M"), "sk");
        int rewritten = 0, done;
        const cJSON *item;
        cJSON_ArrayForEach(item, items) rewritten |= strcmp(get_s(item, "sk"), sk) == 0;
        if (!rewritten) status = soft_delete(s, pk, sk, -1, NULL, &done, err);
    }
    if (status == STORE_OK &&
        put_message(s, chat_id, message_id, "record", items, NULL, 0, err) != DYNAMO_OK)
        status = STORE_ERROR;
    cJSON_Delete(items);
    cJSON_Delete(msg);
    return status;
}

static int dyn_get_chat(store *base, int64_t chat_id, store_chat *out,
                        char *err) {
    dynamo_store *s = impl(base);
    char pk[KEY_MAX], message[STORE_ERR_MAX];
    memset(out, 0, sizeof *out);
    chat_key(chat_id, pk);
    cJSON *req = new_request(s);
    add_key(req, pk, "settings");
    cJSON_AddBoolToObject(req, "ConsistentRead", 1);
    cJSON *res;
    dynamo_status st = dynamo_call(s->client, "GetItem", req, &res, message,
                                   sizeof message);
    cJSON_Delete(req);
    if (st != DYNAMO_OK) return fail(err, message);
    snprintf(out->tz, sizeof out->tz, "%s", get_s(cJSON_GetObjectItem(res, "Item"), "tz"));
    cJSON_Delete(res);
    return STORE_OK;
}

static int dyn_set_tz(store *base, int64_t chat_id, const char *tz, char *err) {
    dynamo_store *s = impl(base);
    char pk[KEY_MAX], message[STORE_ERR_MAX];
    chat_key(chat_id, pk);
    cJSON *req = new_request(s);
    add_key(req, pk, "settings");
    cJSON_AddStringToObject(req, "UpdateExpression", "SET tz = :tz");
    cJSON *values = cJSON_AddObjectToObject(req, "ExpressionAttributeValues");
    put_s(values, ":tz", tz);
    dynamo_status st = dynamo_call(s->client, "UpdateItem", req, NULL, message,
                                   sizeof message);
    cJSON_Delete(req);
    return st == DYNAMO_OK ? STORE_OK : fail(err, message);
}

static int dyn_max_message_id(store *base, int64_t chat_id, int64_t *out,
                              char *err) {
    dynamo_store *s = impl(base);
    char pk[KEY_MAX], message[STORE_ERR_MAX];
    chat_key(chat_id, pk);
    /* message items sort by id: the last one is the highest */
    cJSON *req = new_request(s);
    cJSON_AddStringToObject(req, "KeyConditionExpression",
                            "pk = :pk AND begins_with(sk, :msg)");
    cJSON *values = cJSON_AddObjectToObject(req, "ExpressionAttributeValues");
    put_s(values, ":pk", pk);
    put_s(values, ":msg", "msg#");
    cJSON_AddBoolToObject(req, "ScanIndexForward", 0);
    cJSON_AddNumberToObject(req, "Limit", 1);
    cJSON_AddBoolToObject(req, "ConsistentRead", 1);
    cJSON *res;
    dynamo_status st = dynamo_call(s->client, "Query", req, &res, message,
                                   sizeof message);
    cJSON_Delete(req);
    if (st != DYNAMO_OK) return fail(err, message);
    *out = get_n(cJSON_GetArrayItem(cJSON_GetObjectItem(res, "Items"), 0),
                 "message_id");
    cJSON_Delete(res);
    return STORE_OK;
}

static void dyn_close(store *base) {
    dynamo_store *s = impl(base);
    dynamo_client_free(s->client);
    free(s);
}

static const store_ops dynamo_ops = {
    .add_message = dyn_add_message,
    .list_range = dyn_list_range,
    .latest_before = dyn_latest_before,
    .undo_last = dyn_undo_last,
    .remove = dyn_remove,
    .replace_message = dyn_replace_message,
    .get_chat = dyn_get_chat,
    .set_tz = dyn_set_tz,
    .max_message_id = dyn_max_message_id,
    .close = dyn_close,
};

store *store_dynamodb_open(const char *table, char *err, size_t errlen) {
    aws_config config;
    if (table[0] == '\0' || strlen(table) >= sizeof ((dynamo_store *)0)->table) {
        snprintf(err, errlen, "store: give a DynamoDB table: dynamodb:TABLE");
        return NULL;
    }
    if (aws_config_from_env(&config, "dynamodb", err, errlen) != 0) return NULL;
    dynamo_store *s = calloc(1, sizeof *s);
    if (s == NULL) {
        snprintf(err, errlen, "store: out of memory");
        return NULL;
    }
    s->base.ops = &dynamo_ops;
    strcpy(s->table, table);
    s->client = dynamo_client_new(&config, err, errlen);
    memset(&config, 0, sizeof config);
    if (s->client == NULL) {
        free(s);
        return NULL;
    }
    return &s->base;
}

dynamo_client *store_dynamodb_client(store *s) { return impl(s)->client; }
