/* store_dynamodb.c -- the production store, on DynamoDB (src/aws/dynamodb.c).
 *
 * One table, string keys pk and sk, on-demand capacity:
 *   feeding   pk "chat#<chat>", sk "feed#<UTC instant, ms>#<message>.<line>"
 *             (message id and line zero-padded, so keys sort by instant and
 *             then entry order); attributes amount_ml, kind, at (local
 *             RFC 3339), day, who, note, text, entered_at (epoch ms), ...
 *   settings  pk "chat#<chat>", sk "settings": tz; `undone`, the receipts
 *             of the chat's recent undos (below); `next_message`, the
 *             counter `milkbot chat` numbers its messages with
 * A day or a week is ONE Query on an sk range whose bounds are the local
 * midnights converted to UTC, so a 23- or 25-hour day is read exactly.
 *
 * The turn. Every message begins with get_chat, which reads with ONE Query
 * the sk range from "feed#<now - 8 days>" to "settings": every feeding of
 * the last 8 days (removed ones too) and, sorting right after them, the
 * settings item. The day's and the week's totals, the last feeding, and
 * whether this message was seen before are then answered from memory, so a
 * message costs that one read plus its writes: a feeding 2 requests, a
 * total or a week 1.
 *
 * Exactly once, without transactions. The local DynamoDB the tests run
 * against (dynalite) has no TransactWriteItems, so every change is single
 * item writes, each conditional or safe to repeat, keyed by the update
 * that caused it. A write whose answer was lost (a 5xx or a timeout after
 * DynamoDB applied it) is retried by the client and then fails its
 * condition: every failed condition is resolved by reading the item and
 * asking whether this update is what changed it. Copies of one update
 * running at once (Telegram redelivers a slow answer; Lambda runs
 * containers side by side) meet in the same conditions.
 *  - A feeding is written with attribute_not_exists, after looking for the
 *    message's feedings in the turn: a redelivered message records nothing
 *    twice, and one cut off halfway (line 1 written, line 2 not) is
 *    completed by its redelivery, never doubled. A message's feedings lie
 *    within PHRASE_REACH_MS (49 hours) before it, well inside the window.
 *  - Undo does not delete: an UpdateItem marks the feeding removed_by the
 *    asking message and takes it out of the "by_entry" index. Which feeding
 *    an undo message takes is agreed first, in its receipt: entry M of the
 *    settings item's map `undone`, {state, at, target, feeding}, created
 *    only if absent. Whoever runs the message -- the first delivery, its
 *    retry, a concurrent copy, a redelivery days later -- finds the same
 *    receipt and follows it: a "pending" one's target is marked removed
 *    by M (a failed condition read back: removed by M is success), then the
 *    receipt is marked "done"; a "done" one is answered from its copy of
 *    the feeding, whatever happened to the feeding since (an edit of its
 *    message, the end of any window). A target someone else removed first
 *    (another undo, a button, an edit) is replaced in the receipt by the
 *    next newest entry, conditionally on the old one, so the copies agree
 *    again. The turn reads the settings item, so a redelivered undo costs
 *    no extra request; receipts older than the turn's window are dropped
 *    when the next undo writes its own, so the map stays small.
 *  - The Undo button marks its feeding removed_by 0 and removed_press, the
 *    button press's id: the same press again finds its own mark and
 *    answers as the first time; another press finds the feeding gone.
 *  - Undo finds the most recently entered feeding without scanning: the
 *    turn's window holds it when its message is recent (see newest_entry),
 *    else the sparse global index "by_entry" (entry_pk = the chat, entry =
 *    "<message>.<line>"), which holds exactly the live feedings in entry
 *    order, gives it with one Query (ScanIndexForward=false). An index read
 *    can lag a write: a candidate found taken is skipped.
 * Only calls made outside a turn (next_message_id's first use in a chat,
 * the Undo button of an old reply, tests) read a chat's whole history. */
#include "store_dynamodb.h"

#include "aws/dynamodb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS (24LL * 3600 * 1000)
/* How far back a turn reads: the 7 local days of "week", plus a day for
 * zones up to 14 hours from UTC. */
#define TURN_WINDOW_MS (8 * DAY_MS)
/* A message's own feedings lie within PHRASE_REACH_MS before it, so a turn
 * holds them all; and a feeding older than the window comes from a
 * message written before now - (TURN_WINDOW_MS - PHRASE_REACH_MS). */
#define TURN_SENT_SURELY_AFTER_MS (TURN_WINDOW_MS - PHRASE_REACH_MS)

typedef struct {
    store_feeding f;
    int removed;
    int64_t removed_by;
    int64_t sent_ms; /* when its message was written (0: not known) */
} turn_item;

typedef struct {
    store base;
    dynamo_client *client;
    char table[256];
    struct {
        int loaded;
        int64_t chat_id, now_ms, from_ms;
        char tz[CLOCK_ZONE_ID_MAX];
        cJSON *undone; /* the settings' notes: message id -> sk */
        turn_item *items;
        size_t count, cap;
    } turn;
} dynamo_store;

static dynamo_store *impl(store *s) { return (dynamo_store *)s; }

static void turn_clear(dynamo_store *s) {
    free(s->turn.items);
    cJSON_Delete(s->turn.undone);
    memset(&s->turn, 0, sizeof s->turn);
}

static int same_feeding(const store_feeding *a, const store_feeding *b) {
    return a->message_id == b->message_id && a->line == b->line && a->at_ms == b->at_ms;
}

/* Adds (or, for the same item, replaces) a feeding in the turn. Returns -1
 * when out of memory. */
static int turn_add(dynamo_store *s, const store_feeding *f, int64_t removed_by,
                    int removed, int64_t sent_ms) {
    for (size_t i = 0; i < s->turn.count; i++)
        if (same_feeding(&s->turn.items[i].f, f)) {
            s->turn.items[i] = (turn_item){*f, removed, removed_by, sent_ms};
            return 0;
        }
    if (s->turn.count == s->turn.cap) {
        size_t cap = s->turn.cap ? s->turn.cap * 2 : 64;
        turn_item *items = realloc(s->turn.items, cap * sizeof *items);
        if (items == NULL) return -1;
        s->turn.items = items;
        s->turn.cap = cap;
    }
    s->turn.items[s->turn.count++] = (turn_item){*f, removed, removed_by, sent_ms};
    return 0;
}

static void turn_mark_removed(dynamo_store *s, const store_feeding *f,
                              int64_t by) {
    for (size_t i = 0; s->turn.loaded && i < s->turn.count; i++)
        if (s->turn.chat_id == f->chat_id && same_feeding(&s->turn.items[i].f, f)) {
            s->turn.items[i].removed = 1;
            s->turn.items[i].removed_by = by;
        }
}

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

static cJSON *feeding_item(const store_feeding *f, int64_t sent_ms) {
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
    if (sent_ms) put_n(item, "sent", sent_ms); /* for undo, see the top */
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

/* --- reading items ---------------------------------------------------------- */

/* Runs a Query page by page and hands each item to `visit` (which returns
 * 0 to go on, 1 to stop, -1 for out of memory). Takes ownership of req. */
static int query_items(dynamo_store *s, cJSON *req,
                       int (*visit)(const cJSON *item, void *ctx), void *ctx,
                       char *err) {
    char message[STORE_ERR_MAX];
    int status = STORE_OK, stop = 0;
    while (!stop) {
        cJSON *res;
        if (dynamo_call(s->client, "Query", req, &res, message, sizeof message) !=
            DYNAMO_OK) {
            status = fail(err, message);
            break;
        }
        const cJSON *item;
        cJSON_ArrayForEach(item, cJSON_GetObjectItem(res, "Items")) {
            stop = visit(item, ctx);
            if (stop) break;
        }
        cJSON *next = cJSON_DetachItemFromObject(res, "LastEvaluatedKey");
        cJSON_Delete(res);
        if (stop < 0) status = fail(err, "store: out of memory");
        if (stop || next == NULL) {
            cJSON_Delete(next);
            break;
        }
        cJSON_DeleteItemFromObject(req, "ExclusiveStartKey");
        cJSON_AddItemToObject(req, "ExclusiveStartKey", next);
    }
    cJSON_Delete(req);
    return status;
}

/* Collects live feedings into a store_list, up to `limit` (0: all). */
typedef struct {
    store_list *list;
    size_t limit;
} live_collector;

static int collect_live(const cJSON *item, void *ctx) {
    live_collector *c = ctx;
    if (strncmp(get_s(item, "sk"), "feed#", 5) != 0 ||
        cJSON_GetObjectItem(item, "removed_by"))
        return 0;
    store_feeding f;
    read_feeding(item, &f);
    if (store_list_push(c->list, &f) != STORE_OK) return -1;
    return c->limit && c->list->count >= c->limit;
}

static int query_live(dynamo_store *s, cJSON *req, store_list *out,
                      size_t limit, char *err) {
    live_collector c = {out, limit};
    return query_items(s, req, collect_live, &c, err);
}

/* Every feeding item of a chat, removed ones too, from the base table:
 * a read of the chat's whole history, only for what no turn covers. */
static int query_history(dynamo_store *s, int64_t chat_id,
                         int (*visit)(const cJSON *item, void *ctx), void *ctx,
                         char *err) {
    char pk[KEY_MAX];
    chat_key(chat_id, pk);
    cJSON *req = new_request(s);
    cJSON_AddStringToObject(req, "KeyConditionExpression", "pk = :pk");
    cJSON *values = cJSON_AddObjectToObject(req, "ExpressionAttributeValues");
    put_s(values, ":pk", pk);
    cJSON_AddBoolToObject(req, "ConsistentRead", 1);
    return query_items(s, req, visit, ctx, err);
}

/* --- the turn: what one message reads, in one request -------------------- */

/* Loads the turn for a message written at now_ms: one Query for the sk
 * range from "feed#<now - 8 days>" to "settings", which holds every feeding
 * of the last 8 days (removed ones too, for the redelivery checks) and,
 * sorting right after them, the settings item. */
static int turn_visit(const cJSON *item, void *ctx) {
    dynamo_store *s = ctx;
    const char *sk = get_s(item, "sk");
    if (strcmp(sk, "settings") == 0) {
        snprintf(s->turn.tz, sizeof s->turn.tz, "%s", get_s(item, "tz"));
        cJSON_Delete(s->turn.undone);
        s->turn.undone = cJSON_Duplicate(
            cJSON_GetObjectItem(cJSON_GetObjectItem(item, "undone"), "M"), 1);
        return 0;
    }
    if (strncmp(sk, "feed#", 5) != 0) return 0;
    store_feeding f;
    read_feeding(item, &f);
    return turn_add(s, &f, get_n(item, "removed_by"),
                    cJSON_GetObjectItem(item, "removed_by") != NULL,
                    get_n(item, "sent")) ? -1 : 0;
}

static int load_turn(dynamo_store *s, int64_t chat_id, int64_t now_ms,
                     char *err) {
    char pk[KEY_MAX], low[KEY_MAX];
    turn_clear(s);
    chat_key(chat_id, pk);
    instant_key(now_ms - TURN_WINDOW_MS, low);
    cJSON *req = new_request(s);
    cJSON_AddStringToObject(req, "KeyConditionExpression",
                            "pk = :pk AND sk BETWEEN :low AND :settings");
    cJSON *values = cJSON_AddObjectToObject(req, "ExpressionAttributeValues");
    put_s(values, ":pk", pk);
    put_s(values, ":low", low);
    put_s(values, ":settings", "settings");
    cJSON_AddBoolToObject(req, "ConsistentRead", 1);
    if (query_items(s, req, turn_visit, s, err) != STORE_OK) {
        turn_clear(s);
        return STORE_ERROR;
    }
    s->turn.loaded = 1;
    s->turn.chat_id = chat_id;
    s->turn.now_ms = now_ms;
    s->turn.from_ms = now_ms - TURN_WINDOW_MS;
    return STORE_OK;
}

/* Does the turn hold all of the chat's feedings from `from_ms` on? */
static int turn_covers(const dynamo_store *s, int64_t chat_id, int64_t from_ms) {
    return s->turn.loaded && s->turn.chat_id == chat_id && from_ms >= s->turn.from_ms;
}

/* Within a turn, add_message and replace_message concern the turn's own
 * message, written at the turn's now: its feedings lie within
 * PHRASE_REACH_MS before it, well inside the turn's window. */
static int turn_has_message(const dynamo_store *s, int64_t chat_id) {
    return turn_covers(s, chat_id, s->turn.now_ms - PHRASE_REACH_MS);
}

/* The items of message `message_id` (live and removed), from the turn when
 * it covers the chat, else from the chat's history. */
typedef struct {
    int64_t message_id;
    turn_item *items;
    size_t count, cap;
} message_collector;

static int collect_message(const cJSON *item, void *ctx) {
    message_collector *c = ctx;
    if (strncmp(get_s(item, "sk"), "feed#", 5) != 0 ||
        get_n(item, "message_id") != c->message_id)
        return 0;
    if (c->count == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 8;
        turn_item *items = realloc(c->items, cap * sizeof *items);
        if (items == NULL) return -1;
        c->items = items;
        c->cap = cap;
    }
    read_feeding(item, &c->items[c->count].f);
    c->items[c->count].removed = cJSON_GetObjectItem(item, "removed_by") != NULL;
    c->items[c->count].removed_by = get_n(item, "removed_by");
    c->count++;
    return 0;
}

static int message_items(dynamo_store *s, int64_t chat_id, int64_t message_id,
                         message_collector *out, char *err) {
    memset(out, 0, sizeof *out);
    out->message_id = message_id;
    if (turn_has_message(s, chat_id)) {
        for (size_t i = 0; i < s->turn.count; i++)
            if (s->turn.items[i].f.message_id == message_id) {
                if (out->count == out->cap) {
                    size_t cap = out->cap ? out->cap * 2 : 8;
                    turn_item *items = realloc(out->items, cap * sizeof *items);
                    if (items == NULL) return fail(err, "store: out of memory");
                    out->items = items;
                    out->cap = cap;
                }
                out->items[out->count++] = s->turn.items[i];
            }
        return STORE_OK;
    }
    return query_history(s, chat_id, collect_message, out, err);
}

/* --- writes ------------------------------------------------------------------ */

/* Writes a feeding item; with `only_new`, only if it is not there yet
 * (*written = 0 then). */
static int put_feeding(dynamo_store *s, const store_feeding *f, int only_new,
                       int *written, char *err) {
    char message[STORE_ERR_MAX];
    /* in a turn, its now is when this message was written */
    int64_t sent = s->turn.loaded && s->turn.chat_id == f->chat_id ? s->turn.now_ms : 0;
    cJSON *req = new_request(s);
    cJSON_AddItemToObject(req, "Item", feeding_item(f, sent));
    if (only_new)
        cJSON_AddStringToObject(req, "ConditionExpression",
                                "attribute_not_exists(pk)");
    dynamo_status st = dynamo_call(s->client, "PutItem", req, NULL, message,
                                   sizeof message);
    cJSON_Delete(req);
    *written = st == DYNAMO_OK;
    if (st == DYNAMO_ERROR) return fail(err, message);
    /* A failed condition here means the item appeared after the turn was
     * read: an earlier attempt of this very request that DynamoDB applied
     * but whose answer was lost (a 5xx, a timeout), or this message
     * delivered twice at once. Either way it is this feeding, live. */
    if (turn_covers(s, f->chat_id, f->at_ms) && turn_add(s, f, 0, 0, sent) != 0)
        return fail(err, "store: out of memory");
    return STORE_OK;
}

/* Reads one item with a consistent read: *item is NULL when there is none
 * (the caller deletes it). */
static int get_item(dynamo_store *s, const char *pk, const char *sk,
                    cJSON **item, char *err) {
    char message[STORE_ERR_MAX];
    cJSON *req = new_request(s), *res;
    add_key(req, pk, sk);
    cJSON_AddBoolToObject(req, "ConsistentRead", 1);
    dynamo_status st = dynamo_call(s->client, "GetItem", req, &res, message,
                                   sizeof message);
    cJSON_Delete(req);
    *item = NULL;
    if (st != DYNAMO_OK) return fail(err, message);
    *item = cJSON_DetachItemFromObject(res, "Item");
    cJSON_Delete(res);
    return STORE_OK;
}

/* Marks a feeding removed by message `by` (0: the Undo button, pressed as
 * `press`; -1: an edit) if it is still live. *done = 1 when this removal
 * is the one that took it -- also when an earlier attempt of this very
 * request was applied and its answer lost, or a copy of the same update
 * took it first: a failed condition is resolved by reading who removed it.
 * *done = 0 when it is gone, or was removed by someone else. */
static int soft_delete(dynamo_store *s, const store_feeding *f, int64_t by,
                       const char *press, store_feeding *removed, int *done,
                       char *err) {
    char pk[KEY_MAX], sk[KEY_MAX], message[STORE_ERR_MAX];
    chat_key(f->chat_id, pk);
    feed_key(f, sk);
    cJSON *req = new_request(s);
    add_key(req, pk, sk);
    cJSON *values = cJSON_AddObjectToObject(req, "ExpressionAttributeValues");
    put_n(values, ":by", by);
    put_s(values, ":press", press ? press : "");
    cJSON_AddStringToObject(req, "UpdateExpression",
                            "SET removed_by = :by, removed_press = :press "
                            "REMOVE entry_pk, entry");
    cJSON_AddStringToObject(req, "ConditionExpression",
                            "attribute_exists(pk) AND attribute_not_exists(removed_by)");
    cJSON_AddStringToObject(req, "ReturnValues", "ALL_OLD");
    cJSON *res = NULL;
    dynamo_status st = dynamo_call(s->client, "UpdateItem", req, &res, message,
                                   sizeof message);
    cJSON_Delete(req);
    *done = 0;
    if (st == DYNAMO_ERROR) return fail(err, message);
    if (st == DYNAMO_OK) {
        *done = 1;
        if (removed) read_feeding(cJSON_GetObjectItem(res, "Attributes"), removed);
        cJSON_Delete(res);
    } else {
        cJSON *item;
        if (get_item(s, pk, sk, &item, err) != STORE_OK) return STORE_ERROR;
        *done = item && cJSON_GetObjectItem(item, "removed_by") &&
                get_n(item, "removed_by") == by &&
                (by != 0 || strcmp(get_s(item, "removed_press"), press ? press : "") == 0);
        if (*done && removed) read_feeding(item, removed);
        cJSON_Delete(item);
    }
    if (*done) turn_mark_removed(s, f, by);
    return STORE_OK;
}

/* --- undo receipts ----------------------------------------------------------
 * The record of what undo message M removed: an entry "M" of the settings
 * item's map `undone`, {state, at, target, feeding}. See the top of the file. */

#define RECEIPT_PENDING "pending"
#define RECEIPT_DONE "done"

typedef struct {
    int exists, done;
    char target[KEY_MAX]; /* the feeding's sk; "" when there was nothing */
    store_feeding feeding; /* what it was, when target[0] */
} undo_receipt;

/* An `undone` entry as a receipt: a map (this version), or the string
 * note of earlier versions (the removed feeding's sk, or ""), which only
 * ever was written once the undo was done. */
static void receipt_from_entry(const cJSON *entry, undo_receipt *r) {
    memset(r, 0, sizeof *r);
    if (entry == NULL) return;
    r->exists = 1;
    const cJSON *m = cJSON_GetObjectItem(entry, "M");
    if (m == NULL) {
        r->done = 1;
        snprintf(r->target, sizeof r->target, "%s",
                 cJSON_GetStringValue(cJSON_GetObjectItem(entry, "S"))
                     ? cJSON_GetStringValue(cJSON_GetObjectItem(entry, "S"))
                     : "");
        return;
    }
    r->done = strcmp(get_s(m, "state"), RECEIPT_DONE) == 0;
    snprintf(r->target, sizeof r->target, "%s", get_s(m, "target"));
    if (r->target[0])
        read_feeding(cJSON_GetObjectItem(cJSON_GetObjectItem(m, "feeding"), "M"),
                     &r->feeding);
}

/* The receipt of undo message `by`, read now (consistently). */
static int receipt_read(dynamo_store *s, int64_t chat_id, const char *key,
                        undo_receipt *r, char *err) {
    char pk[KEY_MAX];
    chat_key(chat_id, pk);
    cJSON *settings;
    if (get_item(s, pk, "settings", &settings, err) != STORE_OK) return STORE_ERROR;
    receipt_from_entry(cJSON_GetObjectItem(
                           cJSON_GetObjectItem(cJSON_GetObjectItem(settings, "undone"), "M"),
                           key),
                       r);
    cJSON_Delete(settings);
    return STORE_OK;
}

/* An old-version note names a removed feeding by its sk only: read it for
 * the answer. */
static int receipt_complete(dynamo_store *s, int64_t chat_id, undo_receipt *r,
                            char *err) {
    if (!r->target[0] || r->feeding.chat_id) return STORE_OK;
    char pk[KEY_MAX];
    chat_key(chat_id, pk);
    cJSON *item;
    if (get_item(s, pk, r->target, &item, err) != STORE_OK) return STORE_ERROR;
    if (item) read_feeding(item, &r->feeding);
    else r->target[0] = '\0'; /* gone: nothing to name */
    cJSON_Delete(item);
    return STORE_OK;
}

/* The receipt's map value for a target (NULL: nothing to undo). */
static cJSON *receipt_value(const store_feeding *target, int done, int64_t at_ms) {
    char sk[KEY_MAX] = "";
    cJSON *value = cJSON_CreateObject();
    cJSON *m = cJSON_AddObjectToObject(value, "M");
    if (target) feed_key(target, sk);
    put_s(m, "state", done || !target ? RECEIPT_DONE : RECEIPT_PENDING);
    put_s(m, "target", sk);
    put_n(m, "at", at_ms);
    if (target) {
        cJSON *f = cJSON_AddObjectToObject(m, "feeding");
        cJSON_AddItemToObject(f, "M", feeding_item(target, 0));
    }
    return value;
}

/* Appends to `update` " REMOVE #u.#d0, #u.#d1, ..." for the receipts of
 * `undone` (the map as the turn read it) written before `before`, naming
 * them in `names`: at most 16 a time, so the request stays small. */
static void receipt_prune(const cJSON *undone, int64_t before, cJSON *names,
                          char *update, size_t size) {
    size_t len = strlen(update);
    int dropped = 0;
    for (const cJSON *old = undone ? undone->child : NULL; old && dropped < 16;
         old = old->next) {
        const cJSON *m = cJSON_GetObjectItem(old, "M");
        if (m == NULL || get_n(m, "at") >= before || len + 64 > size) continue;
        char name[16];
        snprintf(name, sizeof name, "#d%d", dropped);
        cJSON_AddStringToObject(names, name, old->string);
        len += (size_t)snprintf(update + len, size - len, "%s #u.%s",
                                dropped ? "," : " REMOVE", name);
        dropped++;
    }
}

/* Creates the receipt of undo message `by` naming `target` (NULL: nothing
 * to undo), unless it exists: then *r is the one that exists, whoever made
 * it (a copy of this update, or this request's own earlier attempt whose
 * answer was lost). Entries older than the turn's window are dropped on
 * the way, so the map stays small. */
static int receipt_claim(dynamo_store *s, int64_t chat_id, const char *key,
                         const store_feeding *target, int done, undo_receipt *r,
                         char *err) {
    char pk[KEY_MAX], message[STORE_ERR_MAX];
    chat_key(chat_id, pk);
    int64_t now = s->turn.loaded && s->turn.chat_id == chat_id ? s->turn.now_ms
                                                              : clock_now_ms();
    int have_map = s->turn.loaded && s->turn.chat_id == chat_id && s->turn.undone;
    for (int tries = 0; tries < 3; tries++) {
        cJSON *req = new_request(s);
        add_key(req, pk, "settings");
        cJSON *names = cJSON_AddObjectToObject(req, "ExpressionAttributeNames");
        cJSON *values = cJSON_AddObjectToObject(req, "ExpressionAttributeValues");
        cJSON_AddStringToObject(names, "#u", "undone");
        if (have_map) {
            char update[1024] = "SET #u.#m = :r";
            if (s->turn.loaded && s->turn.chat_id == chat_id)
                receipt_prune(s->turn.undone, now - TURN_WINDOW_MS, names, update,
                              sizeof update);
            cJSON_AddStringToObject(names, "#m", key);
            cJSON_AddItemToObject(values, ":r", receipt_value(target, done, now));
            cJSON_AddStringToObject(req, "UpdateExpression", update);
            cJSON_AddStringToObject(req, "ConditionExpression",
                                    "attribute_not_exists(#u.#m)");
        } else {
            /* the chat's first undo makes the map */
            cJSON *map = cJSON_AddObjectToObject(values, ":map");
            cJSON_AddItemToObject(cJSON_AddObjectToObject(map, "M"), key,
                                  receipt_value(target, done, now));
            cJSON_AddStringToObject(req, "UpdateExpression", "SET #u = :map");
            cJSON_AddStringToObject(req, "ConditionExpression",
                                    "attribute_not_exists(#u)");
        }
        dynamo_status st = dynamo_call(s->client, "UpdateItem", req, NULL,
                                       message, sizeof message);
        cJSON_Delete(req);
        if (st == DYNAMO_ERROR) return fail(err, message);
        if (st == DYNAMO_OK) {
            memset(r, 0, sizeof *r);
            r->exists = 1;
            r->done = done || target == NULL;
            if (target) {
                feed_key(target, r->target);
                r->feeding = *target;
            }
            return STORE_OK;
        }
        /* the entry exists (or, first time, the map does): read it */
        if (receipt_read(s, chat_id, key, r, err) != STORE_OK) return STORE_ERROR;
        if (r->exists) return STORE_OK;
        have_map = 1;
    }
    return fail(err, "store: undo kept racing with other changes; try again");
}

/* Sets the receipt's target from `old_target` to `target` (NULL: nothing
 * left to undo), unless another copy changed it first: *r is then what
 * the receipt says now. */
static int receipt_retarget(dynamo_store *s, int64_t chat_id, const char *key,
                            const char *old_target, const store_feeding *target,
                            undo_receipt *r, char *err) {
    char pk[KEY_MAX], message[STORE_ERR_MAX];
    chat_key(chat_id, pk);
    int64_t now = s->turn.loaded && s->turn.chat_id == chat_id ? s->turn.now_ms
                                                              : clock_now_ms();
    cJSON *req = new_request(s);
    add_key(req, pk, "settings");
    cJSON *names = cJSON_AddObjectToObject(req, "ExpressionAttributeNames");
    cJSON *values = cJSON_AddObjectToObject(req, "ExpressionAttributeValues");
    cJSON_AddStringToObject(names, "#u", "undone");
    cJSON_AddStringToObject(names, "#m", key);
    cJSON_AddItemToObject(values, ":r", receipt_value(target, 0, now));
    put_s(values, ":old", old_target);
    put_s(values, ":pending", RECEIPT_PENDING);
    cJSON_AddStringToObject(req, "UpdateExpression", "SET #u.#m = :r");
    cJSON_AddStringToObject(req, "ConditionExpression",
                            "#u.#m.target = :old AND #u.#m.#s = :pending");
    cJSON_AddStringToObject(names, "#s", "state");
    dynamo_status st = dynamo_call(s->client, "UpdateItem", req, NULL, message,
                                   sizeof message);
    cJSON_Delete(req);
    if (st == DYNAMO_ERROR) return fail(err, message);
    if (st == DYNAMO_CONDITION_FAILED) return receipt_read(s, chat_id, key, r, err);
    memset(r, 0, sizeof *r);
    r->exists = 1;
    r->done = target == NULL;
    if (target) {
        feed_key(target, r->target);
        r->feeding = *target;
    }
    return STORE_OK;
}

/* Marks the receipt done: its target is removed, by this undo. Safe to
 * repeat, and a copy that marked it first changes nothing. */
static int receipt_done(dynamo_store *s, int64_t chat_id, const char *key,
                        const char *target, char *err) {
    char pk[KEY_MAX], message[STORE_ERR_MAX];
    chat_key(chat_id, pk);
    cJSON *req = new_request(s);
    add_key(req, pk, "settings");
    cJSON *names = cJSON_AddObjectToObject(req, "ExpressionAttributeNames");
    cJSON *values = cJSON_AddObjectToObject(req, "ExpressionAttributeValues");
    cJSON_AddStringToObject(names, "#u", "undone");
    cJSON_AddStringToObject(names, "#m", key);
    cJSON_AddStringToObject(names, "#s", "state");
    put_s(values, ":done", RECEIPT_DONE);
    put_s(values, ":target", target);
    cJSON_AddStringToObject(req, "UpdateExpression", "SET #u.#m.#s = :done");
    cJSON_AddStringToObject(req, "ConditionExpression", "#u.#m.target = :target");
    dynamo_status st = dynamo_call(s->client, "UpdateItem", req, NULL, message,
                                   sizeof message);
    cJSON_Delete(req);
    return st == DYNAMO_ERROR ? fail(err, message) : STORE_OK;
}

/* --- the operations ------------------------------------------------------- */

static int dyn_get_chat(store *base, int64_t chat_id, int64_t now_ms,
                        store_chat *out, char *err) {
    dynamo_store *s = impl(base);
    memset(out, 0, sizeof *out);
    if (load_turn(s, chat_id, now_ms, err) != STORE_OK) return STORE_ERROR;
    snprintf(out->tz, sizeof out->tz, "%s", s->turn.tz);
    return STORE_OK;
}

/* Receipt keys: an undo message's id, or "press:" and a button press's id. */
#define RECEIPT_KEY_MAX 96
static void undo_key(int64_t by, char key[RECEIPT_KEY_MAX]) {
    snprintf(key, RECEIPT_KEY_MAX, "%lld", (long long)by);
}

static void press_key(const char *press, char key[RECEIPT_KEY_MAX]) {
    snprintf(key, RECEIPT_KEY_MAX, "press:%.80s", press);
}

/* The receipt `key` as the turn read it (free), else read now. For an
 * undo (`by` > 0), an item of the turn removed by `by` with no receipt
 * (undone by an earlier version) counts as a done receipt too. */
static int receipt_find(dynamo_store *s, int64_t chat_id, const char *key,
                        int64_t by, undo_receipt *r, char *err) {
    if (!(s->turn.loaded && s->turn.chat_id == chat_id))
        return receipt_read(s, chat_id, key, r, err);
    receipt_from_entry(s->turn.undone ? cJSON_GetObjectItem(s->turn.undone, key) : NULL, r);
    for (size_t i = 0; by > 0 && !r->exists && i < s->turn.count; i++)
        if (s->turn.items[i].removed && s->turn.items[i].removed_by == by) {
            r->exists = r->done = 1;
            feed_key(&s->turn.items[i].f, r->target);
            r->feeding = s->turn.items[i].f;
        }
    return STORE_OK;
}

static int dyn_add_message(store *base, store_feeding *feeds, size_t *n,
                           int *already, char *err) {
    dynamo_store *s = impl(base);
    *already = 0;
    if (*n == 0) return STORE_OK;
    int64_t chat_id = feeds[0].chat_id, message_id = feeds[0].message_id;
    message_collector was;
    if (message_items(s, chat_id, message_id, &was, err) != STORE_OK) {
        free(was.items);
        return STORE_ERROR;
    }
    /* a message that undid is not a feeding afterwards */
    undo_receipt receipt;
    char key[RECEIPT_KEY_MAX];
    undo_key(message_id, key);
    if (receipt_find(s, chat_id, key, message_id, &receipt, err) != STORE_OK) {
        free(was.items);
        return STORE_ERROR;
    }
    int undid = receipt.exists;

    /* the lines not written yet: all of them for a new message, the rest
     * of one cut off halfway, none for a redelivery */
    size_t written = 0;
    for (size_t i = 0; i < *n; i++) {
        feeds[i].seq = STORE_SEQ(feeds[i].message_id, feeds[i].line);
        int there = 0;
        for (size_t j = 0; j < was.count && !there; j++)
            there = was.items[j].f.line == feeds[i].line;
        if (there || undid) continue;
        int ok;
        if (put_feeding(s, &feeds[i], 1, &ok, err) != STORE_OK) {
            free(was.items);
            return STORE_ERROR; /* the redelivery writes the rest */
        }
        written++;
    }
    if (written == 0) {
        /* a redelivery: answer with what is left of the message */
        size_t keep = 0;
        for (size_t j = 0; j < was.count && keep < STORE_MESSAGE_MAX_FEEDINGS; j++)
            if (!was.items[j].removed) feeds[keep++] = was.items[j].f;
        sort_feedings(feeds, keep, by_entry);
        *n = keep;
        *already = 1;
    }
    free(was.items);
    return STORE_OK;
}

static int dyn_list_range(store *base, int64_t chat_id, int64_t from_ms,
                          int64_t to_ms, store_list *out, char *err) {
    dynamo_store *s = impl(base);
    if (to_ms <= from_ms) return STORE_OK;
    size_t first = out->count;
    if (turn_covers(s, chat_id, from_ms)) {
        for (size_t i = 0; i < s->turn.count; i++) {
            const turn_item *it = &s->turn.items[i];
            if (!it->removed && it->f.at_ms >= from_ms && it->f.at_ms < to_ms &&
                store_list_push(out, &it->f) != STORE_OK)
                return fail(err, "store: out of memory");
        }
    } else {
        char low[KEY_MAX], high[KEY_MAX];
        instant_key(from_ms, low);
        instant_key(to_ms, high); /* "feed#<to>" sorts before "feed#<to>#..." */
        if (query_live(s, range_query(s, chat_id, low, high, 1), out, 0, err) !=
            STORE_OK)
            return STORE_ERROR;
    }
    if (out->count > first + 1)
        sort_feedings(out->items + first, out->count - first, by_time);
    return STORE_OK;
}

static int dyn_latest_before(store *base, int64_t chat_id, int64_t before_ms,
                             store_feeding *out, int *found, char *err) {
    dynamo_store *s = impl(base);
    *found = 0;
    if (turn_covers(s, chat_id, s->turn.from_ms)) {
        /* a feeding in the window is later than any before it */
        for (size_t i = 0; i < s->turn.count; i++) {
            const turn_item *it = &s->turn.items[i];
            if (it->removed || it->f.at_ms >= before_ms) continue;
            if (!*found || by_time(&it->f, out) > 0) *out = it->f;
            *found = 1;
        }
        if (*found) return STORE_OK;
    }
    char high[KEY_MAX];
    store_list list = {0};
    instant_key(before_ms, high);
    /* newest first; the filter may skip removed ones, so read until one */
    cJSON *req = range_query(s, chat_id, "feed#", high, 0);
    cJSON_AddNumberToObject(req, "Limit", 8);
    int status = query_live(s, req, &list, 1, err);
    if (status == STORE_OK && list.count) {
        *out = list.items[0];
        *found = 1;
    }
    store_list_free(&list);
    return status;
}

/* The newest live entry of a chat that is not among `skip` (feedings found
 * taken meanwhile). The turn has it when its newest one's message was
 * written after now - TURN_SENT_SURELY_AFTER_MS: a feeding outside the
 * turn's window lies at most PHRASE_REACH_MS before its message, so it
 * comes from a message written before that, which has a lower id
 * (Telegram numbers a chat's messages in time order). Else the by_entry
 * index, which may lag a removal by a moment: what it still shows is
 * skipped. */
static int newest_entry(dynamo_store *s, int64_t chat_id, char skip[][KEY_MAX],
                        int nskip, store_feeding *out, int *found, char *err) {
    char pk[KEY_MAX], sk[KEY_MAX];
    *found = 0;
    if (nskip == 0 && turn_covers(s, chat_id, s->turn.from_ms)) {
        const turn_item *newest = NULL;
        for (size_t i = 0; i < s->turn.count; i++) {
            const turn_item *it = &s->turn.items[i];
            if (!it->removed && (newest == NULL || it->f.seq > newest->f.seq))
                newest = it;
        }
        if (newest && newest->sent_ms > s->turn.now_ms - TURN_SENT_SURELY_AFTER_MS) {
            *out = newest->f;
            *found = 1;
            return STORE_OK;
        }
    }
    store_list last = {0};
    chat_key(chat_id, pk);
    cJSON *req = new_request(s);
    cJSON_AddStringToObject(req, "IndexName", "by_entry");
    cJSON_AddStringToObject(req, "KeyConditionExpression", "entry_pk = :pk");
    cJSON *values = cJSON_AddObjectToObject(req, "ExpressionAttributeValues");
    put_s(values, ":pk", pk);
    cJSON_AddBoolToObject(req, "ScanIndexForward", 0);
    cJSON_AddNumberToObject(req, "Limit", nskip + 1);
    if (query_live(s, req, &last, (size_t)nskip + 1, err) != STORE_OK) {
        store_list_free(&last);
        return STORE_ERROR;
    }
    for (size_t i = 0; i < last.count && !*found; i++) {
        int skipped = 0;
        feed_key(&last.items[i], sk);
        for (int j = 0; j < nskip && !skipped; j++) skipped = strcmp(skip[j], sk) == 0;
        if (!skipped) {
            *out = last.items[i];
            *found = 1;
        }
    }
    store_list_free(&last);
    return STORE_OK;
}

/* Undo, in three steps each safe to repeat and to run in several copies at
 * once (see the top of the file): the receipt names the target, the target
 * is marked removed by this message, the receipt is marked done. A copy,
 * or a redelivery, follows the receipt it finds: it never picks a target
 * of its own while the receipt's is still there to take. */
static int dyn_undo_last(store *base, int64_t chat_id, int64_t message_id,
                         store_feeding *removed, int *found, char *err) {
    dynamo_store *s = impl(base);
    undo_receipt r;
    char key[RECEIPT_KEY_MAX];
    *found = 0;
    undo_key(message_id, key);
    if (receipt_find(s, chat_id, key, message_id, &r, err) != STORE_OK) return STORE_ERROR;
    /* done before the turn was read: the turn shows its effect already */
    int seen_done = r.exists && r.done;
    if (!r.exists) {
        store_feeding target;
        int any;
        if (newest_entry(s, chat_id, NULL, 0, &target, &any, err) != STORE_OK ||
            receipt_claim(s, chat_id, key, any ? &target : NULL, 0, &r, err) != STORE_OK)
            return STORE_ERROR;
    }
    char taken[8][KEY_MAX];
    int ntaken = 0;
    while (!r.done) {
        int done;
        if (soft_delete(s, &r.feeding, message_id, NULL, NULL, &done, err) != STORE_OK)
            return STORE_ERROR;
        if (done) {
            if (receipt_done(s, chat_id, key, r.target, err) != STORE_OK)
                return STORE_ERROR;
            r.done = 1;
            break;
        }
        /* someone else took the target first (another undo, a button, an
         * edit): the next one, agreed through the receipt */
        if (ntaken == 8)
            return fail(err, "store: undo kept racing with other changes; try again");
        snprintf(taken[ntaken++], KEY_MAX, "%s", r.target);
        store_feeding next;
        int any;
        char old_target[KEY_MAX];
        snprintf(old_target, sizeof old_target, "%s", r.target);
        if (newest_entry(s, chat_id, taken, ntaken, &next, &any, err) != STORE_OK ||
            receipt_retarget(s, chat_id, key, old_target, any ? &next : NULL,
                             &r, err) != STORE_OK)
            return STORE_ERROR;
    }
    if (receipt_complete(s, chat_id, &r, err) != STORE_OK) return STORE_ERROR;
    if (r.target[0]) {
        *found = 1;
        *removed = r.feeding;
        /* a copy that found the work done after reading its turn: the
         * totals it answers with must not count the feeding */
        if (!seen_done) turn_mark_removed(s, &r.feeding, message_id);
    }
    return STORE_OK;
}

/* The Undo button: the feeding (message, line), removed once per press.
 * The press's receipt, written after the removal (or after finding the
 * feeding gone), answers the same press again whatever happened since; a
 * press whose receipt was not written yet finds its own mark on the
 * feeding (soft_delete). */
static int dyn_remove(store *base, int64_t chat_id, int64_t message_id,
                      int line, const char *press, store_feeding *removed,
                      int *found, char *err) {
    dynamo_store *s = impl(base);
    char key[RECEIPT_KEY_MAX];
    undo_receipt r;
    *found = 0;
    press_key(press, key);
    if (press[0] && receipt_find(s, chat_id, key, 0, &r, err) != STORE_OK)
        return STORE_ERROR;
    if (press[0] && r.exists) {
        if (receipt_complete(s, chat_id, &r, err) != STORE_OK) return STORE_ERROR;
        *found = r.target[0] != '\0';
        if (*found) *removed = r.feeding;
        return STORE_OK;
    }
    /* the Undo button of an old reply: its message may be older than the
     * turn, so look in the whole history when the turn does not have it */
    message_collector was;
    int status = STORE_OK;
    memset(&was, 0, sizeof was);
    was.message_id = message_id;
    if (turn_covers(s, chat_id, s->turn.from_ms))
        status = message_items(s, chat_id, message_id, &was, err);
    if (status == STORE_OK && was.count == 0)
        status = query_history(s, chat_id, collect_message, &was, err);
    /* a removed one too: if this very press removed it (a retry after a
     * lost answer, a copy of the same update), soft_delete says so */
    for (size_t i = 0; status == STORE_OK && i < was.count; i++)
        if (was.items[i].f.line == line) {
            status = soft_delete(s, &was.items[i].f, 0, press, removed, found, err);
            break;
        }
    free(was.items);
    if (status == STORE_OK && press[0])
        status = receipt_claim(s, chat_id, key, *found ? removed : NULL, 1, &r, err);
    return status;
}

/* Records that message `message_id` was edited at `edit_ms`, in the
 * receipts map (entry "edit:<id>", {at, edit}), unless an edit made later
 * was recorded: then *late = 1 and nothing is to change. The condition
 * holds for the same edit again, so a retry or a copy applies it again, to
 * the same effect. (Two different edits applied at the very same moment
 * can still interleave their writes; Telegram sends a message's edits one
 * after another.) An edit of unknown time (0) is applied unrecorded. */
static int edit_claim(dynamo_store *s, int64_t chat_id, int64_t message_id,
                      int64_t edit_ms, int *late, char *err) {
    char pk[KEY_MAX], key[RECEIPT_KEY_MAX], message[STORE_ERR_MAX];
    *late = 0;
    if (edit_ms <= 0) return STORE_OK;
    chat_key(chat_id, pk);
    snprintf(key, sizeof key, "edit:%lld", (long long)message_id);
    int64_t now = s->turn.loaded && s->turn.chat_id == chat_id ? s->turn.now_ms
                                                              : clock_now_ms();
    int with_map = s->turn.loaded && s->turn.chat_id == chat_id && s->turn.undone;
    for (int tries = 0; tries < 3; tries++) {
        cJSON *req = new_request(s);
        add_key(req, pk, "settings");
        cJSON *names = cJSON_AddObjectToObject(req, "ExpressionAttributeNames");
        cJSON *values = cJSON_AddObjectToObject(req, "ExpressionAttributeValues");
        cJSON_AddStringToObject(names, "#u", "undone");
        cJSON *entry = cJSON_CreateObject();
        cJSON *m = cJSON_AddObjectToObject(entry, "M");
        put_n(m, "at", now > edit_ms ? now : edit_ms);
        put_n(m, "edit", edit_ms);
        if (with_map) {
            cJSON_AddStringToObject(names, "#m", key);
            cJSON_AddItemToObject(values, ":r", entry);
            put_n(values, ":e", edit_ms);
            cJSON_AddStringToObject(req, "UpdateExpression", "SET #u.#m = :r");
            cJSON_AddStringToObject(req, "ConditionExpression",
                                    "attribute_not_exists(#u.#m) OR #u.#m.edit <= :e");
        } else {
            cJSON *map = cJSON_AddObjectToObject(values, ":map");
            cJSON_AddItemToObject(cJSON_AddObjectToObject(map, "M"), key, entry);
            cJSON_AddStringToObject(req, "UpdateExpression", "SET #u = :map");
            cJSON_AddStringToObject(req, "ConditionExpression", "attribute_not_exists(#u)");
        }
        dynamo_status st = dynamo_call(s->client, "UpdateItem", req, NULL,
                                       message, sizeof message);
        cJSON_Delete(req);
        if (st == DYNAMO_OK) return STORE_OK;
        if (st == DYNAMO_ERROR) return fail(err, message);
        if (!with_map) { /* the map appeared meanwhile */
            with_map = 1;
            continue;
        }
        *late = 1;
        return STORE_OK;
    }
    return fail(err, "store: an edit kept racing with other changes; try again");
}

static int dyn_replace_message(store *base, int64_t chat_id,
                               int64_t message_id, int64_t edit_ms,
                               const store_feeding *feeds, size_t n,
                               store_list *old, int *stale, char *err) {
    dynamo_store *s = impl(base);
    char sk[KEY_MAX], new_sk[KEY_MAX];
    message_collector was;
    if (message_items(s, chat_id, message_id, &was, err) != STORE_OK) {
        free(was.items);
        return STORE_ERROR;
    }
    int status = STORE_OK;
    for (size_t j = 0; j < was.count && status == STORE_OK; j++)
        if (!was.items[j].removed && store_list_push(old, &was.items[j].f) != STORE_OK)
            status = fail(err, "store: out of memory");
    if (old->count > 1) sort_feedings(old->items, old->count, by_entry);
    int late = 0;
    if (status == STORE_OK) status = edit_claim(s, chat_id, message_id, edit_ms, &late, err);
    if (stale) *stale = late;
    if (late) { /* a later edit stands: change nothing */
        n = 0;
        was.count = 0;
    }
    /* the new feedings first, then the old ones retired: interrupted, the
     * edit delivered again completes it */
    for (size_t i = 0; i < n && status == STORE_OK; i++) {
        int ok;
        status = put_feeding(s, &feeds[i], 0, &ok, err);
    }
    for (size_t j = 0; j < was.count && status == STORE_OK; j++) {
        if (was.items[j].removed) continue;
        int rewritten = 0, done;
        feed_key(&was.items[j].f, sk);
        for (size_t i = 0; i < n && !rewritten; i++) {
            feed_key(&feeds[i], new_sk);
            rewritten = strcmp(sk, new_sk) == 0;
        }
        if (!rewritten) status = soft_delete(s, &was.items[j].f, -1, NULL, NULL, &done, err);
    }
    free(was.items);
    return status;
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
    if (st != DYNAMO_OK) return fail(err, message);
    if (s->turn.loaded && s->turn.chat_id == chat_id)
        snprintf(s->turn.tz, sizeof s->turn.tz, "%s", tz);
    return STORE_OK;
}

/* The highest message id among feedings, their removers and noted undos. */
static int max_visit(const cJSON *item, void *ctx) {
    int64_t *max = ctx;
    const int64_t ids[2] = {get_n(item, "message_id"), get_n(item, "removed_by")};
    for (int i = 0; i < 2; i++)
        if (ids[i] > *max) *max = ids[i];
    const cJSON *note;
    cJSON_ArrayForEach(note, cJSON_GetObjectItem(cJSON_GetObjectItem(item, "undone"), "M")) {
        int64_t id = strtoll(note->string, NULL, 10);
        if (id > *max) *max = id;
    }
    return 0;
}

/* Adds one to the settings item's counter `next_message` and returns the
 * new value: ADD is atomic, so two processes never get the same id. The
 * counter starts above every id the chat's history holds (feedings, their
 * removers, undo receipts), read once when the counter does not exist yet;
 * two processes starting it at once both start from that same maximum
 * and still get different ids. */
static int bump_counter(dynamo_store *s, int64_t chat_id, int64_t start,
                        int64_t *out, char *err) {
    char pk[KEY_MAX], message[STORE_ERR_MAX];
    chat_key(chat_id, pk);
    cJSON *req = new_request(s), *res = NULL;
    add_key(req, pk, "settings");
    cJSON *values = cJSON_AddObjectToObject(req, "ExpressionAttributeValues");
    put_n(values, ":one", 1);
    if (start < 0) {
        cJSON_AddStringToObject(req, "UpdateExpression",
                                "SET next_message = next_message + :one");
        cJSON_AddStringToObject(req, "ConditionExpression",
                                "attribute_exists(next_message)");
    } else {
        put_n(values, ":start", start);
        cJSON_AddStringToObject(req, "UpdateExpression",
                                "SET next_message = if_not_exists(next_message, :start) + :one");
    }
    cJSON_AddStringToObject(req, "ReturnValues", "UPDATED_NEW");
    dynamo_status st = dynamo_call(s->client, "UpdateItem", req, &res, message,
                                   sizeof message);
    cJSON_Delete(req);
    *out = 0;
    if (st == DYNAMO_OK) *out = get_n(cJSON_GetObjectItem(res, "Attributes"), "next_message");
    cJSON_Delete(res);
    if (st == DYNAMO_ERROR) return fail(err, message);
    return STORE_OK;
}

static int dyn_next_message_id(store *base, int64_t chat_id, int64_t *out,
                               char *err) {
    dynamo_store *s = impl(base);
    if (bump_counter(s, chat_id, -1, out, err) != STORE_OK) return STORE_ERROR;
    if (*out > 0) return STORE_OK;
    /* no counter yet: from the history's highest id */
    int64_t max = 0;
    if (query_history(s, chat_id, max_visit, &max, err) != STORE_OK) return STORE_ERROR;
    return bump_counter(s, chat_id, max, out, err);
}

static void dyn_close(store *base) {
    dynamo_store *s = impl(base);
    turn_clear(s);
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
    .next_message_id = dyn_next_message_id,
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
