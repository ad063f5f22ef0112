/* dynamodb_item.c -- a feeding as a DynamoDB item, and the table's keys.
 * See dynamodb_item.h; the layout is described at the top of
 * store_dynamodb.c. */
#include "dynamodb_item.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- attribute values --------------------------------------------------- */

void ddb_item_put_s(cJSON *item, const char *name, const char *value) {
    cJSON *a = cJSON_AddObjectToObject(item, name);
    cJSON_AddStringToObject(a, "S", value);
}

void ddb_item_put_n(cJSON *item, const char *name, int64_t value) {
    char text[32];
    snprintf(text, sizeof text, "%lld", (long long)value);
    cJSON *a = cJSON_AddObjectToObject(item, name);
    cJSON_AddStringToObject(a, "N", text);
}

const char *ddb_item_get_s(const cJSON *item, const char *name) {
    const char *v = cJSON_GetStringValue(
        cJSON_GetObjectItem(cJSON_GetObjectItem(item, name), "S"));
    return v ? v : "";
}

int64_t ddb_item_get_n(const cJSON *item, const char *name) {
    const char *v = cJSON_GetStringValue(
        cJSON_GetObjectItem(cJSON_GetObjectItem(item, name), "N"));
    return v ? strtoll(v, NULL, 10) : 0;
}

/* --- keys ----------------------------------------------------------------- */

void ddb_item_log_key(const char *family, char out[DDB_ITEM_KEY_MAX]) {
    snprintf(out, DDB_ITEM_KEY_MAX, "log#%.40s", family);
}

void ddb_item_sender_key(const char *family, int64_t from_id,
                         char out[DDB_ITEM_KEY_MAX]) {
    snprintf(out, DDB_ITEM_KEY_MAX, "log#%.40s#from#%lld", family, (long long)from_id);
}

void ddb_item_entry_key(const store_feeding *f, char out[DDB_ITEM_KEY_MAX]) {
    uint64_t chat = (uint64_t)f->chat_id ^ (1ULL << 63);
    snprintf(out, DDB_ITEM_KEY_MAX, "%015lld#%020llu#%012lld.%04d",
             (long long)(f->sent_ms > 0 ? f->sent_ms : 0), (unsigned long long)chat,
             (long long)f->message_id, f->line);
}

#define MAX_MS 253402300799999LL /* 9999-12-31T23:59:59.999Z */
void ddb_item_instant_key(int64_t ms, char out[DDB_ITEM_KEY_MAX]) {
    char iso[CLOCK_RFC3339_MAX];
    if (ms < 0) {
        snprintf(out, DDB_ITEM_KEY_MAX, "feed#");
    } else if (ms > MAX_MS) {
        snprintf(out, DDB_ITEM_KEY_MAX, "feed#~");
    } else {
        clock_format_utc_ms(ms, iso);
        snprintf(out, DDB_ITEM_KEY_MAX, "feed#%s", iso);
    }
}

void ddb_item_feed_key(const store_feeding *f, char out[DDB_ITEM_KEY_MAX]) {
    char instant[DDB_ITEM_KEY_MAX];
    ddb_item_instant_key(f->at_ms, instant);
    /* "feed#" + 24 characters, at most 20 for the chat, and 17 */
    snprintf(out, DDB_ITEM_KEY_MAX, "%.40s#%lld#%012lld.%04d", instant,
             (long long)f->chat_id, (long long)f->message_id, f->line);
}

void ddb_item_add_key(cJSON *req, const char *pk, const char *sk) {
    cJSON *key = cJSON_AddObjectToObject(req, "Key");
    ddb_item_put_s(key, "pk", pk);
    ddb_item_put_s(key, "sk", sk);
}

/* --- feedings as items ---------------------------------------------------- */

cJSON *ddb_item_from_feeding(const char *family, const store_feeding *f) {
    char pk[DDB_ITEM_KEY_MAX], sk[DDB_ITEM_KEY_MAX], entry_pk[DDB_ITEM_KEY_MAX],
        entry[DDB_ITEM_KEY_MAX];
    ddb_item_log_key(family, pk);
    ddb_item_feed_key(f, sk);
    ddb_item_sender_key(family, f->from_id, entry_pk);
    ddb_item_entry_key(f, entry);
    cJSON *item = cJSON_CreateObject();
    ddb_item_put_s(item, "pk", pk);
    ddb_item_put_s(item, "sk", sk);
    /* live: in the by_entry index, in its sender's partition */
    ddb_item_put_s(item, "entry_pk", entry_pk);
    ddb_item_put_s(item, "entry", entry);
    ddb_item_put_n(item, "chat_id", f->chat_id);
    ddb_item_put_n(item, "message_id", f->message_id);
    ddb_item_put_n(item, "line", f->line);
    ddb_item_put_n(item, "from_id", f->from_id);
    ddb_item_put_n(item, "at_ms", f->at_ms);
    ddb_item_put_s(item, "at", f->at);
    ddb_item_put_s(item, "day", f->day);
    ddb_item_put_n(item, "amount_ml", f->amount_ml);
    ddb_item_put_s(item, "kind", store_kind_name(f->kind));
    if (f->baby[0]) ddb_item_put_s(item, "baby", f->baby);
    /* a nursing session's (#16); a bottle, like every item written
     * before, has none of them */
    if (f->sides[0]) ddb_item_put_s(item, "sides", f->sides);
    if (f->left_min) ddb_item_put_n(item, "left_min", f->left_min);
    if (f->right_min) ddb_item_put_n(item, "right_min", f->right_min);
    if (f->minutes) ddb_item_put_n(item, "minutes", f->minutes);
    ddb_item_put_s(item, "who", f->who);
    ddb_item_put_s(item, "note", f->note);
    ddb_item_put_s(item, "text", f->text);
    ddb_item_put_n(item, "entered_at", f->entered_at_ms);
    /* entry order, and the turn's newest entry (top of store_dynamodb.c) */
    ddb_item_put_n(item, "sent", f->sent_ms);
    return item;
}

void ddb_item_to_feeding(const cJSON *item, store_feeding *f) {
    memset(f, 0, sizeof *f);
    f->chat_id = ddb_item_get_n(item, "chat_id");
    f->message_id = ddb_item_get_n(item, "message_id");
    f->line = (int)ddb_item_get_n(item, "line");
    f->from_id = ddb_item_get_n(item, "from_id");
    f->sent_ms = ddb_item_get_n(item, "sent");
    f->at_ms = ddb_item_get_n(item, "at_ms");
    snprintf(f->at, sizeof f->at, "%s", ddb_item_get_s(item, "at"));
    snprintf(f->day, sizeof f->day, "%s", ddb_item_get_s(item, "day"));
    f->amount_ml = (int)ddb_item_get_n(item, "amount_ml");
    if (store_kind_from_name(ddb_item_get_s(item, "kind"), &f->kind) != 0)
        f->kind = PHRASE_MILK;
    snprintf(f->baby, sizeof f->baby, "%s", ddb_item_get_s(item, "baby"));
    snprintf(f->sides, sizeof f->sides, "%s", ddb_item_get_s(item, "sides"));
    f->left_min = (int)ddb_item_get_n(item, "left_min");
    f->right_min = (int)ddb_item_get_n(item, "right_min");
    f->minutes = (int)ddb_item_get_n(item, "minutes");
    snprintf(f->who, sizeof f->who, "%s", ddb_item_get_s(item, "who"));
    snprintf(f->note, sizeof f->note, "%s", ddb_item_get_s(item, "note"));
    snprintf(f->text, sizeof f->text, "%s", ddb_item_get_s(item, "text"));
    f->entered_at_ms = ddb_item_get_n(item, "entered_at");
}
