/* dynamodb_adopt.c -- the per-chat logs of versions before families become
 * a family's log. See dynamodb_adopt.h. */
#include "dynamodb_adopt.h"
#include "dynamodb_item.h"
#include "store_dynamodb_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One old feeding: its item and what it becomes. */
typedef struct {
    cJSON *item;
    store_feeding f;
    int64_t written; /* its own `sent`, else when it was entered */
} old_feeding;

/* What the Scan found. */
typedef struct {
    old_feeding *feedings;
    size_t count, cap;
    cJSON *settings; /* array of the chats' settings items */
} old_logs;

static int collect_old(const cJSON *item, void *ctx) {
    old_logs *logs = ctx;
    const char *sk = ddb_item_get_s(item, "sk");
    if (strcmp(sk, "settings") == 0) {
        cJSON *copy = cJSON_Duplicate(item, 1);
        if (copy == NULL) return -1;
        cJSON_AddItemToArray(logs->settings, copy);
        return 0;
    }
    if (strncmp(sk, "feed#", 5) != 0) return 0; /* per-day sums */
    if (logs->count == logs->cap) {
        size_t cap = logs->cap ? logs->cap * 2 : 64;
        old_feeding *grown = realloc(logs->feedings, cap * sizeof *grown);
        if (grown == NULL) return -1;
        logs->feedings = grown;
        logs->cap = cap;
    }
    old_feeding *o = &logs->feedings[logs->count];
    o->item = cJSON_Duplicate(item, 1);
    if (o->item == NULL) return -1;
    ddb_item_to_feeding(item, &o->f);
    o->written = o->f.sent_ms > 0 ? o->f.sent_ms : o->f.entered_at_ms;
    logs->count++;
    return 0;
}

/* The sks of the items the family's partition holds already, sorted: the
 * copies an earlier, cut-off adoption made, which need no request again. */
typedef struct {
    char (*sks)[DDB_ITEM_KEY_MAX];
    size_t count, cap;
} sk_set;

static int collect_sk(const cJSON *item, void *ctx) {
    sk_set *set = ctx;
    if (set->count == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 64;
        char (*grown)[DDB_ITEM_KEY_MAX] = realloc(set->sks, cap * sizeof *grown);
        if (grown == NULL) return -1;
        set->sks = grown;
        set->cap = cap;
    }
    snprintf(set->sks[set->count++], DDB_ITEM_KEY_MAX, "%s", ddb_item_get_s(item, "sk"));
    return 0;
}

static int by_sk(const void *a, const void *b) { return strcmp(a, b); }

static int copied_before(const sk_set *set, const char *sk) {
    return set->count && bsearch(sk, set->sks, set->count, sizeof *set->sks, by_sk) != NULL;
}

/* Chat by chat, newest message first. */
static int by_chat_newest_first(const void *a, const void *b) {
    const store_feeding *x = &((const old_feeding *)a)->f, *y = &((const old_feeding *)b)->f;
    if (x->chat_id != y->chat_id) return x->chat_id < y->chat_id ? -1 : 1;
    if (x->message_id != y->message_id) return x->message_id > y->message_id ? -1 : 1;
    return 0;
}

/* Each feeding's sender, and when its message was written (see the
 * header): the earliest of its own time and those of its chat's later
 * messages. */
static void place_feedings(old_logs *logs) {
    if (logs->count > 1)
        qsort(logs->feedings, logs->count, sizeof *logs->feedings, by_chat_newest_first);
    int64_t earliest = 0;
    for (size_t i = 0; i < logs->count; i++) {
        store_feeding *f = &logs->feedings[i].f;
        if (i == 0 || f->chat_id != logs->feedings[i - 1].f.chat_id ||
            logs->feedings[i].written < earliest)
            earliest = logs->feedings[i].written;
        f->sent_ms = earliest;
        f->from_id = f->chat_id > 0 ? f->chat_id : 0;
    }
}

/* "m<message>", the mark of a correction, as "m<chat>.<message>"; a press's
 * mark ("p<press>") as it is. */
static cJSON *new_marks(const cJSON *old_set, int64_t chat_id) {
    cJSON *set = cJSON_CreateArray();
    const cJSON *m;
    cJSON_ArrayForEach(m, old_set) {
        const char *mark = cJSON_GetStringValue(m);
        if (mark == NULL) continue;
        char renamed[128];
        if (mark[0] == 'm' && strchr(mark, '.') == NULL)
            snprintf(renamed, sizeof renamed, "m%lld.%.80s", (long long)chat_id, mark + 1);
        else
            snprintf(renamed, sizeof renamed, "%.120s", mark);
        cJSON_AddItemToArray(set, cJSON_CreateString(renamed));
    }
    return set;
}

/* The old feeding as an item of the family's log: new keys, everything
 * else kept. */
static cJSON *adopted_item(const char *family, const old_feeding *o) {
    cJSON *item = ddb_item_from_feeding(family, &o->f);
    const cJSON *removed_by = cJSON_GetObjectItem(o->item, "removed_by");
    if (removed_by) {
        cJSON_DeleteItemFromObject(item, "entry_pk");
        cJSON_DeleteItemFromObject(item, "entry");
        cJSON_AddItemToObject(item, "removed_by", cJSON_Duplicate(removed_by, 1));
        ddb_item_put_n(item, "removed_in", o->f.chat_id);
        ddb_item_put_s(item, "removed_press", ddb_item_get_s(o->item, "removed_press"));
    }
    const cJSON *marks = cJSON_GetObjectItem(cJSON_GetObjectItem(o->item, "amended_by"), "SS");
    if (cJSON_GetArraySize(marks) > 0)
        cJSON_AddItemToObject(cJSON_AddObjectToObject(item, "amended_by"), "SS",
                              new_marks(marks, o->f.chat_id));
    return item;
}

static int copy_feeding(dynamo_store *s, const char *family, const old_feeding *o,
                        char *err) {
    char message[STORE_ERR_MAX];
    cJSON *req = ddb_request_new(s);
    cJSON_AddItemToObject(req, "Item", adopted_item(family, o));
    cJSON_AddStringToObject(req, "ConditionExpression", "attribute_not_exists(pk)");
    dynamo_status st = dynamo_call(s->client, "PutItem", req, NULL, message, sizeof message);
    cJSON_Delete(req);
    /* a failed condition: copied before, perhaps changed since */
    return st == DYNAMO_ERROR ? ddb_fail(err, message) : STORE_OK;
}

/* An old sk "feed#<instant>#<message>.<line>" as "feed#<instant>#<chat>#<message>.<line>". */
static void new_target(const char *old, int64_t chat_id, char out[DDB_ITEM_KEY_MAX]) {
    const char *last = strrchr(old, '#');
    if (old[0] == '\0' || last == NULL || last - old < 5) {
        snprintf(out, DDB_ITEM_KEY_MAX, "%s", old);
        return;
    }
    snprintf(out, DDB_ITEM_KEY_MAX, "%.*s#%lld%.40s", (int)(last - old), old,
             (long long)chat_id, last);
}

/* The chat's receipts, renamed, added to `map` (an "M" object). */
static void adopt_receipts(const char *family, const cJSON *settings, cJSON *map) {
    int64_t chat_id = strtoll(ddb_item_get_s(settings, "pk") + 5, NULL, 10);
    const cJSON *entry;
    cJSON_ArrayForEach(entry, cJSON_GetObjectItem(cJSON_GetObjectItem(settings, "undone"), "M")) {
        const char *key = entry->string, *colon = strchr(key, ':');
        char renamed[160];
        if (strncmp(key, "press:", 6) == 0)
            snprintf(renamed, sizeof renamed, "%.150s", key);
        else if (colon)
            snprintf(renamed, sizeof renamed, "%.*s:%lld.%.60s", (int)(colon - key), key,
                     (long long)chat_id, colon + 1);
        else
            snprintf(renamed, sizeof renamed, "%lld.%.60s", (long long)chat_id, key);
        cJSON *value = cJSON_Duplicate(entry, 1);
        if (value == NULL) continue;
        char target[DDB_ITEM_KEY_MAX];
        cJSON *m = cJSON_GetObjectItem(value, "M");
        if (m == NULL) { /* the string note of versions before #11 */
            new_target(cJSON_GetStringValue(cJSON_GetObjectItem(value, "S"))
                           ? cJSON_GetStringValue(cJSON_GetObjectItem(value, "S"))
                           : "",
                       chat_id, target);
            cJSON_Delete(value);
            value = cJSON_CreateObject();
            cJSON_AddStringToObject(value, "S", target);
        } else if (cJSON_GetObjectItem(m, "feeding")) {
            store_feeding f;
            ddb_item_to_feeding(cJSON_GetObjectItem(cJSON_GetObjectItem(m, "feeding"), "M"), &f);
            f.from_id = f.chat_id > 0 ? f.chat_id : 0;
            ddb_item_feed_key(&f, target);
            cJSON_DeleteItemFromObject(m, "target");
            cJSON_DeleteItemFromObject(m, "feeding");
            ddb_item_put_s(m, "target", target);
            cJSON_AddItemToObject(cJSON_AddObjectToObject(m, "feeding"), "M",
                                  ddb_item_from_feeding(family, &f));
        }
        cJSON_DeleteItemFromObject(map, renamed);
        cJSON_AddItemToObject(map, renamed, value);
    }
}

/* The family's settings item, if it has none yet: begun, and what the old
 * logs had (none: an empty `logs`); with `settled`, marked adopted (its
 * adoption done, or another family's). */
static int begin_family(dynamo_store *s, const char *family, const old_logs *logs,
                        int settled, char *err) {
    char pk[DDB_ITEM_KEY_MAX], message[STORE_ERR_MAX], update[1024];
    ddb_item_log_key(family, pk);
    cJSON *req = ddb_request_new(s);
    ddb_item_add_key(req, pk, "settings");
    cJSON *names = cJSON_AddObjectToObject(req, "ExpressionAttributeNames");
    cJSON *values = cJSON_AddObjectToObject(req, "ExpressionAttributeValues");
    size_t len = (size_t)snprintf(update, sizeof update, "SET begun = if_not_exists(begun, :now)");
    ddb_item_put_n(values, ":now", clock_now_ms());
    if (settled)
        len += (size_t)snprintf(update + len, sizeof update - len, ", adopted = :now");
    /* the zone of the chat that recorded last */
    const cJSON *zone_from = NULL;
    int64_t newest = -1;
    cJSON *receipts = cJSON_CreateObject();
    int counters = 0;
    const cJSON *settings;
    cJSON_ArrayForEach(settings, logs->settings) {
        int64_t chat_id = strtoll(ddb_item_get_s(settings, "pk") + 5, NULL, 10);
        int64_t last = 0;
        for (size_t i = 0; i < logs->count; i++)
            if (logs->feedings[i].f.chat_id == chat_id &&
                logs->feedings[i].f.entered_at_ms > last)
                last = logs->feedings[i].f.entered_at_ms;
        if (ddb_item_get_s(settings, "tz")[0] && last > newest) {
            newest = last;
            zone_from = settings;
        }
        adopt_receipts(family, settings, receipts);
        int64_t counter = ddb_item_get_n(settings, "next_message");
        if (counter > 0 && len + 80 < sizeof update) {
            char name[64], alias[16], value[16];
            snprintf(name, sizeof name, "next_message.%lld", (long long)chat_id);
            snprintf(alias, sizeof alias, "#n%d", counters);
            snprintf(value, sizeof value, ":n%d", counters);
            cJSON_AddStringToObject(names, alias, name);
            ddb_item_put_n(values, value, counter);
            len += (size_t)snprintf(update + len, sizeof update - len,
                                    ", %s = if_not_exists(%s, %s)", alias, alias, value);
            counters++;
        }
    }
    if (zone_from) {
        ddb_item_put_s(values, ":tz", ddb_item_get_s(zone_from, "tz"));
        len += (size_t)snprintf(update + len, sizeof update - len,
                                ", tz = if_not_exists(tz, :tz)");
    }
    if (receipts->child) {
        cJSON_AddStringToObject(names, "#u", "undone");
        cJSON_AddItemToObject(cJSON_AddObjectToObject(values, ":u"), "M", receipts);
        receipts = NULL;
        snprintf(update + len, sizeof update - len, ", #u = if_not_exists(#u, :u)");
    }
    cJSON_Delete(receipts);
    if (names->child == NULL) cJSON_DeleteItemFromObject(req, "ExpressionAttributeNames");
    cJSON_AddStringToObject(req, "UpdateExpression", update);
    dynamo_status st = dynamo_call(s->client, "UpdateItem", req, NULL, message, sizeof message);
    cJSON_Delete(req);
    return st == DYNAMO_OK ? STORE_OK : ddb_fail(err, message);
}

/* Claims the adoption for `family`: *ours = 0 when another family has. */
static int claim_adoption(dynamo_store *s, const char *family, int *ours, char *err) {
    char message[STORE_ERR_MAX];
    cJSON *req = ddb_request_new(s);
    cJSON *item = cJSON_AddObjectToObject(req, "Item");
    ddb_item_put_s(item, "pk", "meta");
    ddb_item_put_s(item, "sk", "adoption");
    ddb_item_put_s(item, "family", family);
    ddb_item_put_s(cJSON_AddObjectToObject(req, "ExpressionAttributeValues"), ":f", family);
    /* "family" is one of DynamoDB's reserved words */
    cJSON_AddStringToObject(cJSON_AddObjectToObject(req, "ExpressionAttributeNames"), "#f",
                            "family");
    cJSON_AddStringToObject(req, "ConditionExpression",
                            "attribute_not_exists(pk) OR #f = :f");
    dynamo_status st = dynamo_call(s->client, "PutItem", req, NULL, message, sizeof message);
    cJSON_Delete(req);
    *ours = st == DYNAMO_OK;
    return st == DYNAMO_ERROR ? ddb_fail(err, message) : STORE_OK;
}

int adopt_legacy_logs(dynamo_store *s, const char *family, int adopts, char *err) {
    int ours = 0;
    if (adopts && claim_adoption(s, family, &ours, err) != STORE_OK) return STORE_ERROR;
    if (!ours) { /* another family's adoption settles this one's too */
        const old_logs none = {0};
        return begin_family(s, family, &none, adopts, err);
    }
    old_logs logs = {0};
    logs.settings = cJSON_CreateArray();
    if (logs.settings == NULL) return ddb_fail(err, "store: out of memory");
    cJSON *req = ddb_request_new(s);
    cJSON_AddStringToObject(req, "FilterExpression", "begins_with(pk, :chat)");
    ddb_item_put_s(cJSON_AddObjectToObject(req, "ExpressionAttributeValues"), ":chat", "chat#");
    cJSON_AddBoolToObject(req, "ConsistentRead", 1);
    int status = ddb_request_scan(s, req, collect_old, &logs, err);
    sk_set done = {0};
    char pk[DDB_ITEM_KEY_MAX];
    ddb_item_log_key(family, pk);
    /* what an adoption cut off before (the invocation's deadline) copied */
    if (status == STORE_OK && logs.count)
        status = ddb_request_query_history(s, pk, collect_sk, &done, err);
    if (status == STORE_OK && done.count > 1)
        qsort(done.sks, done.count, sizeof *done.sks, by_sk);
    if (status == STORE_OK) place_feedings(&logs);
    for (size_t i = 0; status == STORE_OK && i < logs.count; i++) {
        char sk[DDB_ITEM_KEY_MAX];
        ddb_item_feed_key(&logs.feedings[i].f, sk);
        if (!copied_before(&done, sk)) status = copy_feeding(s, family, &logs.feedings[i], err);
    }
    free(done.sks);
    if (status == STORE_OK) status = begin_family(s, family, &logs, 1, err);
    for (size_t i = 0; i < logs.count; i++) cJSON_Delete(logs.feedings[i].item);
    free(logs.feedings);
    cJSON_Delete(logs.settings);
    return status;
}
