/* dynamodb_turn.c -- the turn: what one message reads, in one request, and
 * answers from memory. See dynamodb_turn.h and the top of
 * store_dynamodb.c. */
#include "dynamodb_turn.h"
#include "dynamodb_item.h"
#include "store_dynamodb_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The one array growth of the DynamoDB store: doubling, so n pushes cost
 * O(n) copies in all. */
int turn_items_push(turn_items *list, const turn_item *item) {
    if (list->count == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 16;
        turn_item *grown = realloc(list->items, cap * sizeof *grown);
        if (grown == NULL) return -1;
        list->items = grown;
        list->cap = cap;
    }
    list->items[list->count++] = *item;
    return 0;
}

void turn_items_free(turn_items *list) {
    free(list->items);
    memset(list, 0, sizeof *list);
}

void turn_clear(turn_cache *t) {
    turn_items_free(&t->feedings);
    cJSON_Delete(t->undone);
    memset(t, 0, sizeof *t);
}

/* The same item: the same key. */
static int same_feeding(const store_feeding *a, const store_feeding *b) {
    return a->chat_id == b->chat_id && a->message_id == b->message_id &&
           a->line == b->line && a->at_ms == b->at_ms;
}

int turn_add(turn_cache *t, const turn_item *item) {
    for (size_t i = 0; i < t->feedings.count; i++)
        if (same_feeding(&t->feedings.items[i].f, &item->f)) {
            t->feedings.items[i] = *item;
            return 0;
        }
    return turn_items_push(&t->feedings, item);
}

void turn_mark_removed(turn_cache *t, const store_feeding *f, int64_t by,
                       int64_t in) {
    for (size_t i = 0; t->loaded && i < t->feedings.count; i++)
        if (same_feeding(&t->feedings.items[i].f, f)) {
            t->feedings.items[i].removed = 1;
            t->feedings.items[i].removed_by = by;
            t->feedings.items[i].removed_in = in;
        }
}

void turn_set_amount(turn_cache *t, const store_feeding *f, int amount_ml) {
    for (size_t i = 0; t->loaded && i < t->feedings.count; i++)
        if (same_feeding(&t->feedings.items[i].f, f))
            t->feedings.items[i].f.amount_ml = amount_ml;
}

void turn_item_from(const cJSON *item, turn_item *out) {
    memset(out, 0, sizeof *out);
    ddb_item_to_feeding(item, &out->f);
    out->removed = cJSON_GetObjectItem(item, "removed_by") != NULL;
    out->removed_by = ddb_item_get_n(item, "removed_by");
    /* before families an undo removed in its own chat */
    out->removed_in = cJSON_GetObjectItem(item, "removed_in")
                          ? ddb_item_get_n(item, "removed_in")
                          : out->f.chat_id;
}

/* Loads the turn for a message written at now_ms: one Query for the sk
 * range from "feed#<now - TURN_WINDOW_MS>" to "settings", which holds every
 * feeding of that window (removed ones too, for the redelivery checks)
 * and, sorting right after them, the settings item. */
typedef struct {
    turn_cache *turn;
    int settings_found;
} turn_reader;

static int turn_visit(const cJSON *item, void *ctx) {
    turn_reader *r = ctx;
    turn_cache *t = r->turn;
    const char *sk = ddb_item_get_s(item, "sk");
    if (strcmp(sk, "settings") == 0) {
        r->settings_found = 1;
        snprintf(t->tz, sizeof t->tz, "%s", ddb_item_get_s(item, "tz"));
        snprintf(t->babies, sizeof t->babies, "%s", ddb_item_get_s(item, "babies"));
        snprintf(t->units, sizeof t->units, "%s", ddb_item_get_s(item, "units"));
        cJSON_Delete(t->undone);
        t->undone = cJSON_Duplicate(
            cJSON_GetObjectItem(cJSON_GetObjectItem(item, "undone"), "M"), 1);
        t->sums_from = ddb_item_get_n(item, "sums_from");
        t->adopted = cJSON_GetObjectItem(item, "adopted") != NULL;
        return 0;
    }
    if (strncmp(sk, "feed#", 5) != 0) return 0;
    turn_item it;
    turn_item_from(item, &it);
    return turn_add(t, &it) ? -1 : 0;
}

int turn_load(dynamo_store *s, const char *family, int64_t now_ms,
              int *settings_found, char *err) {
    char low[DDB_ITEM_KEY_MAX];
    turn_reader reader = {&s->turn, 0};
    turn_clear(&s->turn);
    ddb_item_instant_key(now_ms - TURN_WINDOW_MS, low);
    cJSON *req = ddb_request_key_range(s, family, low, "settings");
    if (ddb_request_query(s, req, turn_visit, &reader, err) != STORE_OK) {
        turn_clear(&s->turn);
        return STORE_ERROR;
    }
    s->turn.loaded = 1;
    snprintf(s->turn.family, sizeof s->turn.family, "%s", family);
    s->turn.now_ms = now_ms;
    s->turn.from_ms = now_ms - TURN_WINDOW_MS;
    *settings_found = reader.settings_found;
    return STORE_OK;
}

int turn_is(const turn_cache *t, const char *family) {
    return t->loaded && strcmp(t->family, family) == 0;
}

int turn_covers(const turn_cache *t, const char *family, int64_t from_ms) {
    return turn_is(t, family) && from_ms >= t->from_ms;
}

int turn_has_message(const turn_cache *t, const char *family) {
    return turn_covers(t, family, t->now_ms - PHRASE_REACH_MS);
}
