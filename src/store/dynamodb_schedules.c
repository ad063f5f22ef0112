/* dynamodb_schedules.c -- a family's schedules on DynamoDB. See
 * dynamodb_schedules.h (the items, the by_due index, what each operation
 * costs) and the top of store_dynamodb.c (no transactions: single-item
 * conditional writes, a failed condition resolved by reading back). */
#include "dynamodb_schedules.h"
#include "dynamodb_item.h"
#include "store_dynamodb_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The constant partition of the by_due index. */
#define DUE_PK "due"
/* How often stop_reminders reads a reminder back that changed under it
 * before it gives up (each time, another message or tick changed it). */
#define STOP_TRIES 4

static dynamo_store *impl(store *s) { return (dynamo_store *)s; }

static int move_one(dynamo_store *s, const cJSON *found, int64_t to_chat, int *moved,
                    char *err);

static int kind_valid(store_schedule_kind kind) {
    return kind >= STORE_REMIND_ONCE && kind <= STORE_SUMMARY;
}

static void schedule_key(const store_schedule *sc, char pk[DDB_ITEM_KEY_MAX],
                         char sk[DDB_ITEM_KEY_MAX]) {
    ddb_item_log_key(sc->family, pk);
    snprintf(sk, DDB_ITEM_KEY_MAX, "when#%lld#%d#%020lld", (long long)sc->chat_id,
             (int)sc->kind, (long long)sc->message_id);
}

/* When DynamoDB may delete a one-off reminder (epoch seconds): a week
 * after its message, or after it is due if that is later. */
static int64_t expires_at(int64_t set_ms, int64_t due_ms) {
    int64_t from = due_ms > set_ms ? due_ms : set_ms;
    return (from + STORE_SCHEDULE_KEEP_MS) / 1000;
}

/* --- stamps: set_tz's rule (store.h) -------------------------------------------- */

/* Part (at, len) of a stamp; "" when the stamp is shorter. */
static void stamp_part(const char *by, int at, int len, char *out, size_t size) {
    snprintf(out, size, "%.*s", len, strlen(by) > (size_t)at ? by + at : "");
}

/* Whether what message `by` sets replaces what message `old` set: `old`
 * was not written later (a later second, or the same second and chat and
 * a later message). */
static int stamp_stands(const char *by, const char *old) {
    char a[32], b[32];
    stamp_part(by, STORE_STAMP_SENT, a, sizeof a);
    stamp_part(old, STORE_STAMP_SENT, b, sizeof b);
    if (strcmp(a, b) != 0) return strcmp(a, b) > 0;
    stamp_part(by, STORE_STAMP_CHAT, a, sizeof a);
    stamp_part(old, STORE_STAMP_CHAT, b, sizeof b);
    if (strcmp(a, b) != 0) return 1; /* two chats in one second: the last handled */
    stamp_part(by, STORE_STAMP_MESSAGE, a, sizeof a);
    stamp_part(old, STORE_STAMP_MESSAGE, b, sizeof b);
    return strcmp(a, b) >= 0;
}

/* --- items ------------------------------------------------------------------------ */

static cJSON *schedule_item(const store_schedule *sc) {
    char pk[DDB_ITEM_KEY_MAX], sk[DDB_ITEM_KEY_MAX];
    schedule_key(sc, pk, sk);
    cJSON *item = cJSON_CreateObject();
    ddb_item_put_s(item, "pk", pk);
    ddb_item_put_s(item, "sk", sk);
    ddb_item_put_s(item, "family", sc->family);
    ddb_item_put_n(item, "chat_id", sc->chat_id);
    ddb_item_put_n(item, "kind", sc->kind);
    ddb_item_put_n(item, "message_id", sc->message_id);
    ddb_item_put_n(item, "every_min", sc->every_min);
    ddb_item_put_n(item, "hour", sc->hour);
    ddb_item_put_n(item, "minute", sc->minute);
    ddb_item_put_n(item, "last_ms", sc->last_ms);
    ddb_item_put_n(item, "set_ms", sc->set_ms);
    ddb_item_put_s(item, "by", sc->by);
    ddb_item_put_s(item, "claim", "");
    if (sc->due_ms > 0) { /* due: in the by_due index */
        ddb_item_put_n(item, "due", sc->due_ms);
        ddb_item_put_s(item, "due_pk", DUE_PK);
    }
    if (sc->kind == STORE_REMIND_ONCE)
        ddb_item_put_n(item, "expires", expires_at(sc->set_ms, sc->due_ms));
    return item;
}

static void schedule_from_item(const cJSON *item, store_schedule *sc) {
    memset(sc, 0, sizeof *sc);
    snprintf(sc->family, sizeof sc->family, "%s", ddb_item_get_s(item, "family"));
    sc->chat_id = ddb_item_get_n(item, "chat_id");
    sc->kind = (store_schedule_kind)ddb_item_get_n(item, "kind");
    sc->message_id = ddb_item_get_n(item, "message_id");
    sc->due_ms = ddb_item_get_n(item, "due"); /* absent: not due, 0 */
    sc->every_min = (int)ddb_item_get_n(item, "every_min");
    sc->hour = (int)ddb_item_get_n(item, "hour");
    sc->minute = (int)ddb_item_get_n(item, "minute");
    sc->last_ms = ddb_item_get_n(item, "last_ms");
    sc->set_ms = ddb_item_get_n(item, "set_ms");
    snprintf(sc->by, sizeof sc->by, "%s", ddb_item_get_s(item, "by"));
}

/* A growable list of schedules, each with its `stopped` mark. */
typedef struct {
    store_schedule sc;
    char stopped[STORE_STAMP_MAX];
} held_schedule;

typedef struct {
    held_schedule *items;
    size_t count, cap;
} held_list;

static int collect_schedule(const cJSON *item, void *ctx) {
    held_list *l = ctx;
    if (strncmp(ddb_item_get_s(item, "sk"), "when#", 5) != 0) return 0;
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        held_schedule *items = realloc(l->items, cap * sizeof *items);
        if (items == NULL) return -1;
        l->items = items;
        l->cap = cap;
    }
    held_schedule *h = &l->items[l->count++];
    schedule_from_item(item, &h->sc);
    snprintf(h->stopped, sizeof h->stopped, "%s", ddb_item_get_s(item, "stopped"));
    return 0;
}

/* Every item of `family`'s partition with sk between low and high, read
 * consistently, into *out. */
static int query_schedules(dynamo_store *s, const char *family, const char *low,
                           const char *high, held_list *out, char *err) {
    return ddb_request_query(s, ddb_request_key_range(s, family, low, high),
                             collect_schedule, out, err);
}

/* --- the operations ---------------------------------------------------------------- */

int ddb_put_schedule(store *base, const store_schedule *sc, int *stale, char *err) {
    dynamo_store *s = impl(base);
    char message[STORE_ERR_MAX];
    *stale = 0;
    if (!store_family_valid(sc->family) || !kind_valid(sc->kind) || sc->due_ms < 0)
        return ddb_fail(err, "store: not a schedule");
    int once = sc->kind == STORE_REMIND_ONCE;
    if (once) {
        /* the chat's reminders stopped after this message (the stop's
         * mark: its repeating reminder, not due, set by a later message)?
         * One GetItem; a stop that lands between it and the write below
         * is a message later than this one's handling, the rarest race */
        store_schedule every = *sc;
        char pk[DDB_ITEM_KEY_MAX], sk[DDB_ITEM_KEY_MAX];
        every.kind = STORE_REMIND_EVERY;
        every.message_id = 0;
        schedule_key(&every, pk, sk);
        cJSON *item;
        if (ddb_request_get_item(s, pk, sk, &item, err) != STORE_OK) return STORE_ERROR;
        const char *by = item ? ddb_item_get_s(item, "by") : "";
        *stale = item && cJSON_GetObjectItem(item, "due") == NULL &&
                 strcmp(by, sc->by) != 0 && stamp_stands(by, sc->by);
        cJSON_Delete(item);
        if (*stale) return STORE_OK;
    }
    cJSON *req = ddb_request_new(s);
    cJSON_AddItemToObject(req, "Item", schedule_item(sc));
    if (once) {
        /* set once: its message again (or this request retried) finds it */
        cJSON_AddStringToObject(req, "ConditionExpression", "attribute_not_exists(pk)");
    } else {
        /* set_tz's rule, on the one string `by` (store_stamp's fixed-width
         * parts): an older second sorts before the bare ":sent"; the same
         * second begins with it; the same chat too with ":sent_chat", and
         * then the message decides. The same message again (delivered
         * again, maybe after the schedule was said and moved on) changes
         * nothing: it is read back below. */
        cJSON_AddStringToObject(req, "ConditionExpression",
                                "attribute_not_exists(pk) OR #by < :sent OR "
                                "(begins_with(#by, :sent) AND (NOT begins_with(#by, "
                                ":sent_chat) OR #by < :by))");
        cJSON_AddStringToObject(cJSON_AddObjectToObject(req, "ExpressionAttributeNames"),
                                "#by", "by");
        cJSON *values = cJSON_AddObjectToObject(req, "ExpressionAttributeValues");
        char sent[32], sent_chat[48];
        stamp_part(sc->by, STORE_STAMP_SENT, sent, sizeof sent);
        snprintf(sent_chat, sizeof sent_chat, "%.15s#%.20s", sent,
                 strlen(sc->by) > 16 ? sc->by + 16 : "");
        ddb_item_put_s(values, ":sent", sent);
        ddb_item_put_s(values, ":sent_chat", sent_chat);
        ddb_item_put_s(values, ":by", sc->by);
    }
    dynamo_status st = dynamo_call(s->client, "PutItem", req, NULL, message, sizeof message);
    cJSON_Delete(req);
    if (st == DYNAMO_ERROR) return ddb_fail(err, message);
    /* a one-off already there is its message again: not stale; so is a
     * schedule that this message set (its retry, its redelivery) */
    if (st != DYNAMO_CONDITION_FAILED || once) return STORE_OK;
    char pk[DDB_ITEM_KEY_MAX], sk[DDB_ITEM_KEY_MAX];
    schedule_key(sc, pk, sk);
    cJSON *item;
    if (ddb_request_get_item(s, pk, sk, &item, err) != STORE_OK) return STORE_ERROR;
    *stale = item == NULL || strcmp(ddb_item_get_s(item, "by"), sc->by) != 0;
    cJSON_Delete(item);
    return STORE_OK;
}

/* Stops one reminder for message `by` unless a later message set it:
 * conditional on what was read (its `by`, and whether it was due), read
 * back and decided again when that changed. *counted: it was due when
 * this stop (or an earlier attempt of it) stopped it. */
static int stop_one(dynamo_store *s, held_schedule *h, const char *by, int *counted,
                    char *err) {
    char pk[DDB_ITEM_KEY_MAX], sk[DDB_ITEM_KEY_MAX], message[STORE_ERR_MAX];
    schedule_key(&h->sc, pk, sk);
    *counted = 0;
    for (int tries = 0; tries < STOP_TRIES; tries++) {
        if (strcmp(h->sc.by, by) == 0) { /* stopped by this message before */
            *counted = strcmp(h->stopped, by) == 0;
            return STORE_OK;
        }
        if (!stamp_stands(by, h->sc.by)) return STORE_OK; /* set after the stop */
        int due = h->sc.due_ms > 0;
        cJSON *req = ddb_request_new(s);
        ddb_item_add_key(req, pk, sk);
        cJSON *names = cJSON_AddObjectToObject(req, "ExpressionAttributeNames");
        cJSON_AddStringToObject(names, "#by", "by");
        cJSON_AddStringToObject(names, "#due", "due");
        cJSON_AddStringToObject(names, "#stopped", "stopped");
        if (due) cJSON_AddStringToObject(names, "#due_pk", "due_pk");
        cJSON *values = cJSON_AddObjectToObject(req, "ExpressionAttributeValues");
        ddb_item_put_s(values, ":by", by);
        ddb_item_put_s(values, ":old", h->sc.by);
        cJSON_AddStringToObject(req, "ConditionExpression",
                                due ? "#by = :old AND attribute_exists(#due)"
                                    : "#by = :old AND attribute_not_exists(#due)");
        cJSON_AddStringToObject(req, "UpdateExpression",
                                due ? "SET #by = :by, #stopped = :by REMOVE #due, #due_pk"
                                    : "SET #by = :by REMOVE #stopped");
        dynamo_status st = dynamo_call(s->client, "UpdateItem", req, NULL, message,
                                       sizeof message);
        cJSON_Delete(req);
        if (st == DYNAMO_ERROR) return ddb_fail(err, message);
        if (st == DYNAMO_OK) {
            *counted = due;
            return STORE_OK;
        }
        /* changed since the Query (a tick, a newer message, a copy of
         * this stop, or this very write retried after a lost answer) */
        cJSON *item;
        if (ddb_request_get_item(s, pk, sk, &item, err) != STORE_OK) return STORE_ERROR;
        if (item == NULL) return STORE_OK; /* forgotten */
        schedule_from_item(item, &h->sc);
        snprintf(h->stopped, sizeof h->stopped, "%s", ddb_item_get_s(item, "stopped"));
        cJSON_Delete(item);
    }
    return ddb_fail(err, "store: stopping reminders kept racing with other changes; try again");
}

int ddb_stop_reminders(store *base, const char *family, int64_t chat_id, const char *by,
                       int *stopped, char *err) {
    dynamo_store *s = impl(base);
    char low[DDB_ITEM_KEY_MAX], high[DDB_ITEM_KEY_MAX];
    *stopped = 0;
    if (!store_family_valid(family)) return ddb_fail(err, "store: not a family id");
    /* both reminder kinds (1 and 2) and nothing else of the chat */
    snprintf(low, sizeof low, "when#%lld#%d#", (long long)chat_id, STORE_REMIND_ONCE);
    snprintf(high, sizeof high, "when#%lld#%d#~", (long long)chat_id, STORE_REMIND_EVERY);
    held_list found = {0};
    int status = query_schedules(s, family, low, high, &found, err);
    for (size_t i = 0; status == STORE_OK && i < found.count; i++) {
        int counted;
        status = stop_one(s, &found.items[i], by, &counted, err);
        *stopped += counted;
    }
    /* no repeating reminder: the stop leaves its mark in its place, so
     * that an older reminder message handled later finds the chat stopped
     * (ddb_put_schedule) */
    int every = 0;
    for (size_t i = 0; i < found.count; i++)
        every |= found.items[i].sc.kind == STORE_REMIND_EVERY;
    free(found.items);
    if (status == STORE_OK && !every) {
        store_schedule mark = {.chat_id = chat_id, .kind = STORE_REMIND_EVERY};
        snprintf(mark.family, sizeof mark.family, "%s", family);
        snprintf(mark.by, sizeof mark.by, "%s", by);
        char message[STORE_ERR_MAX];
        cJSON *req = ddb_request_new(s);
        cJSON_AddItemToObject(req, "Item", schedule_item(&mark));
        cJSON_AddStringToObject(req, "ConditionExpression", "attribute_not_exists(pk)");
        if (dynamo_call(s->client, "PutItem", req, NULL, message, sizeof message) == DYNAMO_ERROR)
            status = ddb_fail(err, message);
        cJSON_Delete(req);
    }
    if (status != STORE_OK) *stopped = 0;
    return status;
}

static int list_order(const void *a, const void *b) {
    const store_schedule *x = &((const held_schedule *)a)->sc;
    const store_schedule *y = &((const held_schedule *)b)->sc;
    int x_done = x->kind == STORE_REMIND_ONCE && x->due_ms == 0;
    int y_done = y->kind == STORE_REMIND_ONCE && y->due_ms == 0;
    if (x_done != y_done) return x_done ? 1 : -1;
    if (x->kind != y->kind) return x->kind < y->kind ? -1 : 1;
    if (x->message_id != y->message_id) return x->message_id < y->message_id ? -1 : 1;
    return (x->chat_id > y->chat_id) - (x->chat_id < y->chat_id);
}

int ddb_list_schedules(store *base, const char *family, int64_t chat_id,
                       store_schedule *out, size_t max, size_t *n, char *err) {
    dynamo_store *s = impl(base);
    char low[DDB_ITEM_KEY_MAX], high[DDB_ITEM_KEY_MAX];
    *n = 0;
    if (!store_family_valid(family)) return ddb_fail(err, "store: not a family id");
    if (chat_id == 0) {
        snprintf(low, sizeof low, "when#");
        snprintf(high, sizeof high, "when#~");
    } else {
        snprintf(low, sizeof low, "when#%lld#", (long long)chat_id);
        snprintf(high, sizeof high, "when#%lld#~", (long long)chat_id);
    }
    held_list found = {0};
    if (query_schedules(s, family, low, high, &found, err) != STORE_OK) {
        free(found.items);
        return STORE_ERROR;
    }
    /* the sk orders by chat first: a family's are few, sorted here */
    if (found.count > 1) qsort(found.items, found.count, sizeof *found.items, list_order);
    for (size_t i = 0; i < found.count && *n < max; i++) out[(*n)++] = found.items[i].sc;
    free(found.items);
    return STORE_OK;
}

/* Whether DynamoDB's message says the table has no such index. */
static int lacks_index(const char *message) {
    return strstr(message, "specified index") != NULL || strstr(message, "by_due") != NULL;
}

int ddb_due_schedules(store *base, int64_t now_ms, store_schedule *out, size_t max,
                      size_t *n, char *err) {
    dynamo_store *s = impl(base);
    char message[STORE_ERR_MAX];
    *n = 0;
    if (max == 0) return STORE_OK;
    cJSON *req = ddb_request_new(s);
    cJSON_AddStringToObject(req, "IndexName", "by_due");
    cJSON_AddStringToObject(req, "KeyConditionExpression", "due_pk = :d AND #due <= :now");
    cJSON_AddStringToObject(cJSON_AddObjectToObject(req, "ExpressionAttributeNames"), "#due",
                            "due");
    cJSON *values = cJSON_AddObjectToObject(req, "ExpressionAttributeValues");
    ddb_item_put_s(values, ":d", DUE_PK);
    ddb_item_put_n(values, ":now", now_ms);
    cJSON_AddNumberToObject(req, "Limit", (double)(max < 1000 ? max : 1000));
    /* ONE page: at most max; the rest are due at the next tick */
    cJSON *res = NULL;
    dynamo_status st = dynamo_call(s->client, "Query", req, &res, message, sizeof message);
    cJSON_Delete(req);
    if (st != DYNAMO_OK) {
        if (lacks_index(message)) {
            snprintf(err, STORE_ERR_MAX,
                     "store: table %.100s lacks the by_due index that reminders need: "
                     "update the stack (sam deploy) to add it, or recreate the table "
                     "(milkbot create-table)", s->table);
            return STORE_ERROR;
        }
        return ddb_fail(err, message);
    }
    const cJSON *item;
    cJSON_ArrayForEach(item, cJSON_GetObjectItem(res, "Items")) {
        if (*n == max) break;
        schedule_from_item(item, &out[*n]);
        if (out[*n].due_ms > 0) (*n)++;
    }
    cJSON_Delete(res);
    return STORE_OK;
}

int ddb_claim_schedule(store *base, const store_schedule *sc, int64_t next_due_ms,
                       int64_t last_ms, const char *claim, int *won, char *err) {
    dynamo_store *s = impl(base);
    char pk[DDB_ITEM_KEY_MAX], sk[DDB_ITEM_KEY_MAX], message[STORE_ERR_MAX];
    *won = 0;
    if (!store_family_valid(sc->family) || !kind_valid(sc->kind))
        return ddb_fail(err, "store: not a schedule");
    if (next_due_ms < 0) next_due_ms = 0;
    int once = sc->kind == STORE_REMIND_ONCE;
    schedule_key(sc, pk, sk);
    cJSON *req = ddb_request_new(s);
    ddb_item_add_key(req, pk, sk);
    cJSON *names = cJSON_AddObjectToObject(req, "ExpressionAttributeNames");
    cJSON_AddStringToObject(names, "#by", "by");
    cJSON_AddStringToObject(names, "#due", "due");
    cJSON_AddStringToObject(names, "#due_pk", "due_pk");
    cJSON_AddStringToObject(names, "#claim", "claim");
    cJSON_AddStringToObject(names, "#last", "last_ms");
    if (once) cJSON_AddStringToObject(names, "#expires", "expires");
    cJSON *values = cJSON_AddObjectToObject(req, "ExpressionAttributeValues");
    ddb_item_put_s(values, ":by", sc->by);
    ddb_item_put_s(values, ":claim", claim);
    ddb_item_put_n(values, ":last", last_ms);
    if (sc->due_ms > 0) ddb_item_put_n(values, ":old", sc->due_ms);
    if (once) ddb_item_put_n(values, ":expires", expires_at(sc->set_ms, next_due_ms));
    char update[160];
    if (next_due_ms > 0) {
        ddb_item_put_n(values, ":next", next_due_ms);
        ddb_item_put_s(values, ":d", DUE_PK);
        snprintf(update, sizeof update, "SET #due = :next, #due_pk = :d, #last = :last, "
                 "#claim = :claim%s", once ? ", #expires = :expires" : "");
    } else {
        snprintf(update, sizeof update, "SET #last = :last, #claim = :claim%s "
                 "REMOVE #due, #due_pk", once ? ", #expires = :expires" : "");
    }
    cJSON_AddStringToObject(req, "UpdateExpression", update);
    /* never one that is moving to its chat's new id: its copy is the one
     * to say (move_one) */
    cJSON_AddStringToObject(names, "#to", "moving_to");
    cJSON_AddStringToObject(req, "ConditionExpression",
                            sc->due_ms > 0
                                ? "#due = :old AND #by = :by AND attribute_not_exists(#to)"
                                : "attribute_not_exists(#due) AND #by = :by AND "
                                  "attribute_not_exists(#to)");
    dynamo_status st = dynamo_call(s->client, "UpdateItem", req, NULL, message,
                                   sizeof message);
    cJSON_Delete(req);
    if (st == DYNAMO_ERROR) return ddb_fail(err, message);
    if (st == DYNAMO_OK) {
        *won = 1;
        return STORE_OK;
    }
    /* another's claim, a newer message's schedule -- or this very claim,
     * applied by an attempt whose answer was lost and retried by the
     * client: then the item bears this claim's name and its outcome */
    cJSON *item;
    if (ddb_request_get_item(s, pk, sk, &item, err) != STORE_OK) return STORE_ERROR;
    *won = item != NULL && claim[0] != '\0' &&
           strcmp(ddb_item_get_s(item, "claim"), claim) == 0 &&
           ddb_item_get_n(item, "due") == next_due_ms &&
           (next_due_ms > 0) == (cJSON_GetObjectItem(item, "due") != NULL);
    if (item && cJSON_GetObjectItem(item, "moving_to")) {
        /* a move that stopped half-way: finished here, so that its copy
         * is due at the next tick (if this fails, the next one tries) */
        int moved;
        char ignored[STORE_ERR_MAX];
        move_one(s, item, ddb_item_get_n(item, "moving_chat"), &moved, ignored);
    }
    cJSON_Delete(item);
    return STORE_OK;
}

/* --- a chat's new id ----------------------------------------------------------------- */

/* How often move_one marks an item again that changed under it (each
 * time, a tick claimed it or a message set it meanwhile). */
#define MOVE_TRIES 4

static int collect_item(const cJSON *item, void *ctx) {
    if (strncmp(ddb_item_get_s(item, "sk"), "when#", 5) != 0) return 0;
    cJSON *copy = cJSON_Duplicate(item, 1);
    if (copy == NULL) return -1;
    cJSON_AddItemToArray(ctx, copy);
    return 0;
}

/* Step 1 of move_one: the old item is marked moving_to (its new key)
 * and moving_chat, only if it is still as read; from then on no tick can
 * claim it (ddb_claim_schedule), though it stays in by_due until it is
 * deleted, so that a tick that finds it finishes a move that stopped
 * half-way. *item becomes it as marked, or as it is now when it had
 * changed (NULL: gone). Returns STORE_OK or STORE_ERROR. */
static int mark_moving(dynamo_store *s, cJSON **item, const char *pk, const char *old_sk,
                       const char *new_sk, int64_t to_chat, char *err) {
    char message[STORE_ERR_MAX];
    cJSON *req = ddb_request_new(s);
    ddb_item_add_key(req, pk, old_sk);
    cJSON *names = cJSON_AddObjectToObject(req, "ExpressionAttributeNames");
    cJSON_AddStringToObject(names, "#by", "by");
    cJSON_AddStringToObject(names, "#claim", "claim");
    cJSON_AddStringToObject(names, "#due", "due");
    cJSON_AddStringToObject(names, "#to", "moving_to");
    cJSON_AddStringToObject(names, "#chat", "moving_chat");
    cJSON *values = cJSON_AddObjectToObject(req, "ExpressionAttributeValues");
    ddb_item_put_s(values, ":by", ddb_item_get_s(*item, "by"));
    ddb_item_put_s(values, ":claim", ddb_item_get_s(*item, "claim"));
    ddb_item_put_s(values, ":to", new_sk);
    ddb_item_put_n(values, ":chat", to_chat);
    int due = cJSON_GetObjectItem(*item, "due") != NULL;
    if (due) ddb_item_put_n(values, ":due", ddb_item_get_n(*item, "due"));
    cJSON_AddStringToObject(req, "ConditionExpression",
                            due ? "#by = :by AND #claim = :claim AND #due = :due"
                                : "#by = :by AND #claim = :claim AND attribute_not_exists(#due)");
    cJSON_AddStringToObject(req, "UpdateExpression", "SET #to = :to, #chat = :chat");
    dynamo_status st = dynamo_call(s->client, "UpdateItem", req, NULL, message,
                                   sizeof message);
    cJSON_Delete(req);
    if (st == DYNAMO_ERROR) return ddb_fail(err, message);
    if (st == DYNAMO_OK) { /* as marked */
        ddb_item_put_s(*item, "moving_to", new_sk);
        ddb_item_put_n(*item, "moving_chat", to_chat);
        return STORE_OK;
    }
    /* changed since it was read (a tick's claim; a message delivered
     * again; this very update retried after a lost answer): as it is now */
    cJSON_Delete(*item);
    *item = NULL;
    return ddb_request_get_item(s, pk, old_sk, item, err);
}

/* Step 2 of move_one: the copy of `item` (every attribute as it is: due
 * time, the tick's claim) under new_sk, unless an item is there: the new
 * chat's own, which stands, or this copy put before (the same `by`:
 * counted in *moved, as a copy put now is). */
static int put_copy(dynamo_store *s, const cJSON *item, const char *pk, const char *new_sk,
                    int64_t to_chat, int *moved, char *err) {
    char message[STORE_ERR_MAX];
    for (int tries = 0; tries < MOVE_TRIES; tries++) {
        cJSON *copy = cJSON_Duplicate(item, 1);
        const char *dropped[] = {"sk", "chat_id", "moving_to", "moving_chat"};
        for (size_t i = 0; i < sizeof dropped / sizeof dropped[0]; i++)
            cJSON_DeleteItemFromObject(copy, dropped[i]);
        ddb_item_put_s(copy, "sk", new_sk);
        ddb_item_put_n(copy, "chat_id", to_chat);
        cJSON *req = ddb_request_new(s);
        cJSON_AddItemToObject(req, "Item", copy);
        cJSON_AddStringToObject(req, "ConditionExpression", "attribute_not_exists(pk)");
        dynamo_status st = dynamo_call(s->client, "PutItem", req, NULL, message,
                                       sizeof message);
        cJSON_Delete(req);
        if (st == DYNAMO_ERROR) return ddb_fail(err, message);
        if (st == DYNAMO_OK) {
            (*moved)++;
            return STORE_OK;
        }
        cJSON *there;
        if (ddb_request_get_item(s, pk, new_sk, &there, err) != STORE_OK) return STORE_ERROR;
        if (there) {
            *moved += strcmp(ddb_item_get_s(there, "by"), ddb_item_get_s(item, "by")) == 0;
            cJSON_Delete(there);
            return STORE_OK;
        }
        /* gone again meanwhile (forgotten): put it again */
    }
    return ddb_fail(err, "store: moving schedules kept racing with other changes; try again");
}

/* Moves one schedule item to chat to_chat in three conditional steps, so
 * that no tick says it under both keys, and a move tried again (the
 * upgrade's other service message, a redelivery, a lost answer, a failure
 * half-way, or a tick that finds it marked) goes on where one stopped and
 * never overwrites:
 *  1. mark_moving: marked for its new key; no tick claims it any more;
 *  2. put_copy: its copy, as it is, under the new key;
 *  3. the old item deleted, if it is still the one marked.
 * *moved counts the copies. */
static int move_one(dynamo_store *s, const cJSON *found, int64_t to_chat, int *moved,
                    char *err) {
    char message[STORE_ERR_MAX];
    char pk[DDB_ITEM_KEY_MAX], old_sk[DDB_ITEM_KEY_MAX], new_sk[DDB_ITEM_KEY_MAX];
    store_schedule sc;
    schedule_from_item(found, &sc);
    schedule_key(&sc, pk, old_sk);
    sc.chat_id = to_chat;
    schedule_key(&sc, pk, new_sk);
    cJSON *item = cJSON_Duplicate(found, 1);
    for (int tries = 0; item && !cJSON_GetObjectItem(item, "moving_to"); tries++) {
        if (tries == MOVE_TRIES) {
            cJSON_Delete(item);
            return ddb_fail(err, "store: moving schedules kept racing with other changes; "
                                 "try again");
        }
        if (mark_moving(s, &item, pk, old_sk, new_sk, to_chat, err) != STORE_OK) {
            cJSON_Delete(item);
            return STORE_ERROR;
        }
    }
    if (item == NULL) return STORE_OK; /* gone: moved by another */
    int status = put_copy(s, item, pk, new_sk, to_chat, moved, err);
    cJSON_Delete(item);
    if (status != STORE_OK) return STORE_ERROR;

    cJSON *req = ddb_request_new(s);
    ddb_item_add_key(req, pk, old_sk);
    cJSON_AddStringToObject(req, "ConditionExpression", "attribute_exists(moving_to)");
    dynamo_status st = dynamo_call(s->client, "DeleteItem", req, NULL, message,
                                   sizeof message);
    cJSON_Delete(req);
    /* a failed condition: deleted before (a lost answer), or set anew */
    return st == DYNAMO_ERROR ? ddb_fail(err, message) : STORE_OK;
}

int ddb_move_schedules(store *base, const char *family, int64_t from_chat, int64_t to_chat,
                       int *moved, char *err) {
    dynamo_store *s = impl(base);
    char low[DDB_ITEM_KEY_MAX], high[DDB_ITEM_KEY_MAX];
    *moved = 0;
    if (!store_family_valid(family)) return ddb_fail(err, "store: not a family id");
    if (from_chat == to_chat) return STORE_OK;
    snprintf(low, sizeof low, "when#%lld#", (long long)from_chat);
    snprintf(high, sizeof high, "when#%lld#~", (long long)from_chat);
    cJSON *items = cJSON_CreateArray();
    if (items == NULL) return ddb_fail(err, "store: out of memory");
    int status = ddb_request_query(s, ddb_request_key_range(s, family, low, high),
                                   collect_item, items, err);
    for (int i = 0; status == STORE_OK && i < cJSON_GetArraySize(items); i++)
        status = move_one(s, cJSON_GetArrayItem(items, i), to_chat, moved, err);
    cJSON_Delete(items);
    return status;
}
