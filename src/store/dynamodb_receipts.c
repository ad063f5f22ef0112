/* dynamodb_receipts.c -- the records that make undo, the Undo button and
 * edits exactly once: entries of the settings item's map `undone`. See
 * dynamodb_receipts.h and the top of store_dynamodb.c. */
#include "dynamodb_receipts.h"

#include <stdio.h>
#include <string.h>

#define RECEIPT_PENDING "pending"
#define RECEIPT_DONE "done"

void receipt_undo_key(int64_t chat_id, int64_t by, char key[RECEIPT_KEY_MAX]) {
    snprintf(key, RECEIPT_KEY_MAX, "%lld.%lld", (long long)chat_id, (long long)by);
}

void receipt_press_key(const char *press, char key[RECEIPT_KEY_MAX]) {
    snprintf(key, RECEIPT_KEY_MAX, "press:%.80s", press);
}

void receipt_edit_key(int64_t chat_id, int64_t message_id, char key[RECEIPT_KEY_MAX]) {
    snprintf(key, RECEIPT_KEY_MAX, "edit:%lld.%lld", (long long)chat_id,
             (long long)message_id);
}

void receipt_amend_key(int64_t chat_id, int64_t by, char key[RECEIPT_KEY_MAX]) {
    snprintf(key, RECEIPT_KEY_MAX, "amend:%lld.%lld", (long long)chat_id, (long long)by);
}

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
    r->done = strcmp(ddb_item_get_s(m, "state"), RECEIPT_DONE) == 0;
    r->amount = (int)ddb_item_get_n(m, "amount");
    r->refused = ddb_item_get_n(m, "refused") != 0;
    snprintf(r->target, sizeof r->target, "%s", ddb_item_get_s(m, "target"));
    if (r->target[0])
        ddb_item_to_feeding(cJSON_GetObjectItem(cJSON_GetObjectItem(m, "feeding"), "M"),
                            &r->feeding);
}

/* The receipt `key`, read now (consistently). */
int receipt_read(dynamo_store *s, const char *family, const char *key,
                        undo_receipt *r, char *err) {
    char pk[DDB_ITEM_KEY_MAX];
    ddb_item_log_key(family, pk);
    cJSON *settings;
    if (ddb_request_get_item(s, pk, "settings", &settings, err) != STORE_OK)
        return STORE_ERROR;
    receipt_from_entry(cJSON_GetObjectItem(
                           cJSON_GetObjectItem(cJSON_GetObjectItem(settings, "undone"), "M"),
                           key),
                       r);
    cJSON_Delete(settings);
    return STORE_OK;
}

int receipt_find(dynamo_store *s, const char *family, const char *key,
                 int64_t by_chat, int64_t by, undo_receipt *r, char *err) {
    if (!(turn_is(&s->turn, family)))
        return receipt_read(s, family, key, r, err);
    receipt_from_entry(s->turn.undone ? cJSON_GetObjectItem(s->turn.undone, key) : NULL, r);
    const turn_items *held = &s->turn.feedings;
    for (size_t i = 0; by > 0 && !r->exists && i < held->count; i++)
        if (held->items[i].removed && held->items[i].removed_by == by &&
            held->items[i].removed_in == by_chat) {
            r->exists = r->done = 1;
            ddb_item_feed_key(&held->items[i].f, r->target);
            r->feeding = held->items[i].f;
        }
    return STORE_OK;
}

int receipt_complete(dynamo_store *s, const char *family, undo_receipt *r,
                     char *err) {
    if (!r->target[0] || r->feeding.chat_id) return STORE_OK;
    char pk[DDB_ITEM_KEY_MAX];
    ddb_item_log_key(family, pk);
    cJSON *item;
    if (ddb_request_get_item(s, pk, r->target, &item, err) != STORE_OK)
        return STORE_ERROR;
    if (item) ddb_item_to_feeding(item, &r->feeding);
    else r->target[0] = '\0'; /* gone: nothing to name */
    cJSON_Delete(item);
    return STORE_OK;
}

/* The receipt's map value for a target (NULL: nothing to undo), and for
 * a correction the amount it gives (0: not a correction). */
static cJSON *receipt_value(const char *family, const store_feeding *target,
                            int done, int64_t at_ms, int amount, int refused) {
    char sk[DDB_ITEM_KEY_MAX] = "";
    cJSON *value = cJSON_CreateObject();
    cJSON *m = cJSON_AddObjectToObject(value, "M");
    if (target) ddb_item_feed_key(target, sk);
    ddb_item_put_s(m, "state", done || !target ? RECEIPT_DONE : RECEIPT_PENDING);
    ddb_item_put_s(m, "target", sk);
    ddb_item_put_n(m, "at", at_ms);
    if (amount > 0) ddb_item_put_n(m, "amount", amount);
    if (refused) ddb_item_put_n(m, "refused", 1);
    if (target) {
        cJSON *f = cJSON_AddObjectToObject(m, "feeding");
        cJSON_AddItemToObject(f, "M", ddb_item_from_feeding(family, target));
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
        if (m == NULL || ddb_item_get_n(m, "at") >= before || len + 64 > size) continue;
        char name[16];
        snprintf(name, sizeof name, "#d%d", dropped);
        cJSON_AddStringToObject(names, name, old->string);
        len += (size_t)snprintf(update + len, size - len, "%s #u.%s",
                                dropped ? "," : " REMOVE", name);
        dropped++;
    }
}

/* An UpdateItem of `family`'s settings item, with #u naming the map
 * `undone` and #m its entry `key` (when not NULL); *names and *values for
 * the caller to add to. */
static cJSON *settings_update(dynamo_store *s, const char *family, const char *key,
                              cJSON **names, cJSON **values) {
    char pk[DDB_ITEM_KEY_MAX];
    ddb_item_log_key(family, pk);
    cJSON *req = ddb_request_new(s);
    ddb_item_add_key(req, pk, "settings");
    *names = cJSON_AddObjectToObject(req, "ExpressionAttributeNames");
    *values = cJSON_AddObjectToObject(req, "ExpressionAttributeValues");
    cJSON_AddStringToObject(*names, "#u", "undone");
    if (key) cJSON_AddStringToObject(*names, "#m", key);
    return req;
}

/* *r as written: naming `target` (NULL: nothing to undo). */
static void receipt_written(undo_receipt *r, const store_feeding *target, int done,
                            int amount, int refused) {
    memset(r, 0, sizeof *r);
    r->amount = amount;
    r->refused = refused;
    r->exists = 1;
    r->done = done || target == NULL;
    if (target) {
        ddb_item_feed_key(target, r->target);
        r->feeding = *target;
    }
}

/* The time a receipt is written at: the turn's message's, else now. */
static int64_t receipt_now(const dynamo_store *s, const char *family) {
    return turn_is(&s->turn, family) ? s->turn.now_ms : clock_now_ms();
}

/* Sets entry `key` of the settings item's map `undone` to `entry` if
 * `when` (a condition on #u.#m, with :e = e) holds, dropping on the way
 * the entries older than RECEIPT_KEEP_MS, so that the map stays small.
 * The chat's first entry makes the map (DynamoDB refuses a path into a
 * map that does not exist); a map made meanwhile by another write is
 * found and written into. Returns DYNAMO_OK, DYNAMO_CONDITION_FAILED (the
 * condition was false), or DYNAMO_ERROR with err set. */
static dynamo_status put_entry(dynamo_store *s, const char *family, const char *key,
                               const cJSON *entry, const char *when, int64_t e,
                               char *err) {
    char message[STORE_ERR_MAX];
    int in_turn = turn_is(&s->turn, family);
    int have_map = in_turn && s->turn.undone;
    for (int tries = 0; tries < 2; tries++) {
        cJSON *names, *values;
        cJSON *req = settings_update(s, family, have_map ? key : NULL, &names, &values);
        if (have_map) {
            char update[1024] = "SET #u.#m = :r";
            if (in_turn)
                receipt_prune(s->turn.undone, receipt_now(s, family) - RECEIPT_KEEP_MS,
                              names, update, sizeof update);
            cJSON_AddItemToObject(values, ":r", cJSON_Duplicate(entry, 1));
            if (e >= 0) ddb_item_put_n(values, ":e", e);
            cJSON_AddStringToObject(req, "UpdateExpression", update);
            cJSON_AddStringToObject(req, "ConditionExpression", when);
        } else {
            cJSON *map = cJSON_AddObjectToObject(values, ":map");
            cJSON_AddItemToObject(cJSON_AddObjectToObject(map, "M"), key,
                                  cJSON_Duplicate(entry, 1));
            cJSON_AddStringToObject(req, "UpdateExpression", "SET #u = :map");
            cJSON_AddStringToObject(req, "ConditionExpression", "attribute_not_exists(#u)");
        }
        dynamo_status st = dynamo_call(s->client, "UpdateItem", req, NULL, message,
                                       sizeof message);
        cJSON_Delete(req);
        if (st == DYNAMO_ERROR) ddb_fail(err, message);
        if (st != DYNAMO_CONDITION_FAILED || have_map) return st;
        have_map = 1; /* the map appeared meanwhile */
    }
    return DYNAMO_CONDITION_FAILED; /* not reached */
}

static int claim(dynamo_store *s, const char *family, const char *key,
                 const store_feeding *target, int done, int amount, int refused,
                 undo_receipt *r, char *err) {
    cJSON *entry = receipt_value(family, target, done || refused, receipt_now(s, family), amount,
                                 refused);
    dynamo_status st = put_entry(s, family, key, entry, "attribute_not_exists(#u.#m)",
                                 -1, err);
    cJSON_Delete(entry);
    if (st == DYNAMO_ERROR) return STORE_ERROR;
    if (st == DYNAMO_OK) {
        receipt_written(r, target, done || refused, amount, refused);
        return STORE_OK;
    }
    /* the entry exists: whoever made it, follow it */
    if (receipt_read(s, family, key, r, err) != STORE_OK) return STORE_ERROR;
    return r->exists ? STORE_OK
                     : ddb_fail(err, "store: undo kept racing with other changes; try again");
}

int receipt_claim(dynamo_store *s, const char *family, const char *key,
                  const store_feeding *target, int done, undo_receipt *r,
                  char *err) {
    return claim(s, family, key, target, done, 0, 0, r, err);
}

int receipt_claim_amend(dynamo_store *s, const char *family, const char *key,
                        const store_feeding *target, int amount, int refused,
                        undo_receipt *r, char *err) {
    return claim(s, family, key, target, 0, amount, refused, r, err);
}

int receipt_retarget(dynamo_store *s, const char *family, const char *key,
                     const char *old_target, const store_feeding *target,
                     undo_receipt *r, char *err) {
    char message[STORE_ERR_MAX];
    cJSON *names, *values;
    cJSON *req = settings_update(s, family, key, &names, &values);
    cJSON_AddItemToObject(values, ":r", receipt_value(family, target, 0, receipt_now(s, family), 0, 0));
    ddb_item_put_s(values, ":old", old_target);
    ddb_item_put_s(values, ":pending", RECEIPT_PENDING);
    cJSON_AddStringToObject(req, "UpdateExpression", "SET #u.#m = :r");
    cJSON_AddStringToObject(req, "ConditionExpression",
                            "#u.#m.target = :old AND #u.#m.#s = :pending");
    cJSON_AddStringToObject(names, "#s", "state");
    dynamo_status st = dynamo_call(s->client, "UpdateItem", req, NULL, message,
                                   sizeof message);
    cJSON_Delete(req);
    if (st == DYNAMO_ERROR) return ddb_fail(err, message);
    if (st == DYNAMO_CONDITION_FAILED) return receipt_read(s, family, key, r, err);
    receipt_written(r, target, 0, 0, 0);
    return STORE_OK;
}

int receipt_done(dynamo_store *s, const char *family, const char *key,
                 const char *target, char *err) {
    char message[STORE_ERR_MAX];
    cJSON *names, *values;
    cJSON *req = settings_update(s, family, key, &names, &values);
    cJSON_AddStringToObject(names, "#s", "state");
    ddb_item_put_s(values, ":done", RECEIPT_DONE);
    ddb_item_put_s(values, ":target", target);
    cJSON_AddStringToObject(req, "UpdateExpression", "SET #u.#m.#s = :done");
    cJSON_AddStringToObject(req, "ConditionExpression", "#u.#m.target = :target");
    dynamo_status st = dynamo_call(s->client, "UpdateItem", req, NULL, message,
                                   sizeof message);
    cJSON_Delete(req);
    return st == DYNAMO_ERROR ? ddb_fail(err, message) : STORE_OK;
}

int receipt_claim_edit(dynamo_store *s, const char *family, int64_t chat_id,
                       int64_t message_id,
                       int64_t edit_ms, int *late, char *err) {
    char key[RECEIPT_KEY_MAX];
    *late = 0;
    if (edit_ms <= 0) return STORE_OK;
    receipt_edit_key(chat_id, message_id, key);
    int64_t now = receipt_now(s, family);
    cJSON *entry = cJSON_CreateObject();
    cJSON *m = cJSON_AddObjectToObject(entry, "M");
    ddb_item_put_n(m, "at", now > edit_ms ? now : edit_ms);
    ddb_item_put_n(m, "edit", edit_ms);
    dynamo_status st = put_entry(s, family, key, entry,
                                 "attribute_not_exists(#u.#m) OR #u.#m.edit <= :e",
                                 edit_ms, err);
    cJSON_Delete(entry);
    if (st == DYNAMO_ERROR) return STORE_ERROR;
    *late = st == DYNAMO_CONDITION_FAILED;
    return STORE_OK;
}
