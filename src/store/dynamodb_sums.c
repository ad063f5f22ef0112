/* dynamodb_sums.c -- see dynamodb_sums.h. */
#include "dynamodb_sums.h"

#include "dynamodb_item.h"
#include "store_dynamodb_internal.h"

#include <stdlib.h>
#include <string.h>

/* entries set in one request: well inside DynamoDB's expression limits */
#define SUMS_PER_REQUEST 24

/* "sum#2026-11-28": the UTC day of an instant (years 0000-9999, as keys). */
static void sum_key(int64_t ms, char out[DDB_ITEM_KEY_MAX]) {
    char iso[CLOCK_RFC3339_MAX];
    if (ms < 0) ms = 0;
    if (ms > 253402300799999LL) ms = 253402300799999LL;
    clock_format_utc_ms(ms, iso);
    snprintf(out, DDB_ITEM_KEY_MAX, "sum#%.10s", iso);
}

/* A feeding's entry: "<instant ms>.<chat>.<message>.<line>", and
 * ".<baby>" when it names one (names have no dots). */
static void entry_name(const store_feeding *f, char out[96]) {
    snprintf(out, 96, "%lld.%lld.%lld.%d%s%.23s", (long long)f->at_ms, (long long)f->chat_id,
             (long long)f->message_id, f->line, f->baby[0] ? "." : "", f->baby);
}

/* A feeding's entry's value (dynamodb_sums.h): a bottle's ml, >= 1; a
 * nursing session's -(1 + minutes), <= -1. */
static int64_t entry_value(const store_feeding *f) {
    return f->kind == PHRASE_NURSING ? -(1 + (int64_t)f->minutes) : f->amount_ml;
}

/* An entry's value read back into *f: a session's kind and minutes, or a
 * bottle's amount. */
static void from_entry_value(int64_t value, store_feeding *f) {
    if (value <= -1) {
        f->kind = PHRASE_NURSING;
        f->amount_ml = 0;
        f->minutes = (int)(-value - 1);
    } else {
        f->amount_ml = (int)value;
    }
}

/* SETs (`set`) or REMOVEs the entries of `n` feedings, all of one UTC day,
 * in one request. */
static int update_day(dynamo_store *s, const char *family,
                      const store_feeding *feeds, size_t n, int set, char *err) {
    char pk[DDB_ITEM_KEY_MAX], sk[DDB_ITEM_KEY_MAX], message[STORE_ERR_MAX];
    char update[SUMS_PER_REQUEST * 16 + 16];
    size_t len = (size_t)snprintf(update, sizeof update, "%s", set ? "SET" : "REMOVE");
    ddb_item_log_key(family, pk);
    sum_key(feeds[0].at_ms, sk);
    cJSON *req = ddb_request_new(s);
    ddb_item_add_key(req, pk, sk);
    cJSON *names = cJSON_AddObjectToObject(req, "ExpressionAttributeNames");
    cJSON *values = set ? cJSON_AddObjectToObject(req, "ExpressionAttributeValues") : NULL;
    for (size_t i = 0; i < n; i++) {
        char name[96], alias[32];
        entry_name(&feeds[i], name);
        snprintf(alias, sizeof alias, "#e%zu", i);
        cJSON_AddStringToObject(names, alias, name);
        if (set) {
            char value[32];
            snprintf(value, sizeof value, ":v%zu", i);
            ddb_item_put_n(values, value, entry_value(&feeds[i]));
            len += (size_t)snprintf(update + len, sizeof update - len, "%s %s = %s",
                                    i ? "," : "", alias, value);
        } else {
            len += (size_t)snprintf(update + len, sizeof update - len, "%s %s",
                                    i ? "," : "", alias);
        }
    }
    cJSON_AddStringToObject(req, "UpdateExpression", update);
    dynamo_status st = dynamo_call(s->client, "UpdateItem", req, NULL, message,
                                   sizeof message);
    cJSON_Delete(req);
    return st == DYNAMO_OK ? STORE_OK : ddb_fail(err, message);
}

/* Groups feedings by UTC day and updates each day's item. */
static int update_days(dynamo_store *s, const char *family,
                       const store_feeding *feeds, size_t n, int set, char *err) {
    store_feeding batch[SUMS_PER_REQUEST];
    char *done = calloc(n ? n : 1, 1);
    if (done == NULL) return ddb_fail(err, "store: out of memory");
    int status = STORE_OK;
    for (size_t i = 0; i < n && status == STORE_OK; i++) {
        if (done[i]) continue;
        char day[DDB_ITEM_KEY_MAX], other[DDB_ITEM_KEY_MAX];
        sum_key(feeds[i].at_ms, day);
        size_t k = 0;
        for (size_t j = i; j < n && k < SUMS_PER_REQUEST; j++) {
            if (done[j]) continue;
            sum_key(feeds[j].at_ms, other);
            if (strcmp(day, other) != 0) continue;
            batch[k++] = feeds[j];
            done[j] = 1;
        }
        /* (a day with more entries than a request holds goes on with the
         * next index that is not done) */
        status = update_day(s, family, batch, k, set, err);
    }
    free(done);
    return status;
}

/* The first write of this version in a log: the entries of every live
 * feeding of the turn, then sums_from = the turn's start. */
static int sums_begin(dynamo_store *s, const char *family, char *err) {
    if (!turn_is(&s->turn, family) || s->turn.sums_from > 0) return STORE_OK;
    store_list live = {0};
    int status = STORE_OK;
    for (size_t i = 0; i < s->turn.feedings.count && status == STORE_OK; i++)
        if (!s->turn.feedings.items[i].removed &&
            store_list_push(&live, &s->turn.feedings.items[i].f) != STORE_OK)
            status = ddb_fail(err, "store: out of memory");
    if (status == STORE_OK) status = update_days(s, family, live.items, live.count, 1, err);
    store_list_free(&live);
    if (status != STORE_OK) return status;
    char pk[DDB_ITEM_KEY_MAX], message[STORE_ERR_MAX];
    ddb_item_log_key(family, pk);
    cJSON *req = ddb_request_new(s);
    ddb_item_add_key(req, pk, "settings");
    cJSON *values = cJSON_AddObjectToObject(req, "ExpressionAttributeValues");
    ddb_item_put_n(values, ":from", s->turn.from_ms);
    cJSON_AddStringToObject(req, "UpdateExpression",
                            "SET sums_from = if_not_exists(sums_from, :from)");
    dynamo_status st = dynamo_call(s->client, "UpdateItem", req, NULL, message,
                                   sizeof message);
    cJSON_Delete(req);
    if (st != DYNAMO_OK) return ddb_fail(err, message);
    s->turn.sums_from = s->turn.from_ms;
    return STORE_OK;
}

int sums_add(dynamo_store *s, const char *family, const store_feeding *feeds,
             size_t n, char *err) {
    if (n == 0) return STORE_OK;
    if (sums_begin(s, family, err) != STORE_OK) return STORE_ERROR;
    return update_days(s, family, feeds, n, 1, err);
}

int sums_remove(dynamo_store *s, const char *family, const store_feeding *f,
                char *err) {
    if (sums_begin(s, family, err) != STORE_OK) return STORE_ERROR;
    return update_day(s, family, f, 1, 0, err);
}

int sums_amend(dynamo_store *s, const char *family, const store_feeding *f,
               char *err) {
    if (sums_begin(s, family, err) != STORE_OK) return STORE_ERROR;
    char pk[DDB_ITEM_KEY_MAX], sk[DDB_ITEM_KEY_MAX], name[96], message[STORE_ERR_MAX];
    ddb_item_log_key(family, pk);
    sum_key(f->at_ms, sk);
    entry_name(f, name);
    cJSON *req = ddb_request_new(s);
    ddb_item_add_key(req, pk, sk);
    cJSON_AddStringToObject(cJSON_AddObjectToObject(req, "ExpressionAttributeNames"), "#e",
                            name);
    ddb_item_put_n(cJSON_AddObjectToObject(req, "ExpressionAttributeValues"), ":v",
                   entry_value(f));
    cJSON_AddStringToObject(req, "UpdateExpression", "SET #e = :v");
    cJSON_AddStringToObject(req, "ConditionExpression", "attribute_exists(#e)");
    dynamo_status st = dynamo_call(s->client, "UpdateItem", req, NULL, message,
                                   sizeof message);
    cJSON_Delete(req);
    return st == DYNAMO_ERROR ? ddb_fail(err, message) : STORE_OK;
}

typedef struct {
    int64_t from_ms, to_ms;
    store_list *out;
} sums_collector;

static int collect_sums(const cJSON *item, void *ctx) {
    sums_collector *c = ctx;
    for (const cJSON *a = item->child; a; a = a->next) {
        long long at, chat, message;
        int line, used = 0;
        if (a->string == NULL || a->string[0] < '0' || a->string[0] > '9' ||
            sscanf(a->string, "%lld.%lld.%lld.%d%n", &at, &chat, &message, &line,
                   &used) != 4 ||
            (a->string[used] != '\0' && a->string[used] != '.') || at < c->from_ms ||
            at >= c->to_ms)
            continue;
        store_feeding f = {.chat_id = chat, .message_id = message, .line = line,
                           .at_ms = at};
        if (a->string[used] == '.')
            snprintf(f.baby, sizeof f.baby, "%s", a->string + used + 1);
        from_entry_value(ddb_item_get_n(item, a->string), &f);
        if (store_list_push(c->out, &f) != STORE_OK) return -1;
    }
    return 0;
}

int sums_list(dynamo_store *s, const char *family, int64_t from_ms, int64_t to_ms,
              store_list *out, char *err) {
    if (to_ms <= from_ms) return STORE_OK;
    char low[DDB_ITEM_KEY_MAX], high[DDB_ITEM_KEY_MAX];
    sum_key(from_ms, low);
    sum_key(to_ms - 1, high);
    cJSON *req = ddb_request_key_range(s, family, low, high);
    sums_collector c = {from_ms, to_ms, out};
    return ddb_request_query(s, req, collect_sums, &c, err);
}
