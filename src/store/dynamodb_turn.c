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

static int same_feeding(const store_feeding *a, const store_feeding *b) {
    return a->message_id == b->message_id && a->line == b->line && a->at_ms == b->at_ms;
}

int turn_add(turn_cache *t, const store_feeding *f, int64_t removed_by,
             int removed, int64_t sent_ms) {
    const turn_item item = {*f, removed, removed_by, sent_ms};
    for (size_t i = 0; i < t->feedings.count; i++)
        if (same_feeding(&t->feedings.items[i].f, f)) {
            t->feedings.items[i] = item;
            return 0;
        }
    return turn_items_push(&t->feedings, &item);
}

void turn_mark_removed(turn_cache *t, const store_feeding *f, int64_t by) {
    for (size_t i = 0; t->loaded && i < t->feedings.count; i++)
        if (t->chat_id == f->chat_id && same_feeding(&t->feedings.items[i].f, f)) {
            t->feedings.items[i].removed = 1;
            t->feedings.items[i].removed_by = by;
        }
}

void turn_set_amount(turn_cache *t, const store_feeding *f, int amount_ml) {
    for (size_t i = 0; t->loaded && i < t->feedings.count; i++)
        if (t->chat_id == f->chat_id && same_feeding(&t->feedings.items[i].f, f))
            t->feedings.items[i].f.amount_ml = amount_ml;
}

/* Loads the turn for a message written at now_ms: one Query for the sk
 * range from "feed#<now - TURN_WINDOW_MS>" to "settings", which holds every
 * feeding of that window (removed ones too, for the redelivery checks)
 * and, sorting right after them, the settings item. */
static int turn_visit(const cJSON *item, void *ctx) {
    turn_cache *t = ctx;
    const char *sk = ddb_item_get_s(item, "sk");
    if (strcmp(sk, "settings") == 0) {
        snprintf(t->tz, sizeof t->tz, "%s", ddb_item_get_s(item, "tz"));
        cJSON_Delete(t->undone);
        t->undone = cJSON_Duplicate(
            cJSON_GetObjectItem(cJSON_GetObjectItem(item, "undone"), "M"), 1);
        t->sums_from = ddb_item_get_n(item, "sums_from");
        return 0;
    }
    if (strncmp(sk, "feed#", 5) != 0) return 0;
    store_feeding f;
    ddb_item_to_feeding(item, &f);
    return turn_add(t, &f, ddb_item_get_n(item, "removed_by"),
                    cJSON_GetObjectItem(item, "removed_by") != NULL,
                    ddb_item_get_n(item, "sent")) ? -1 : 0;
}

int turn_load(dynamo_store *s, int64_t chat_id, int64_t now_ms, char *err) {
    char low[DDB_ITEM_KEY_MAX];
    turn_clear(&s->turn);
    ddb_item_instant_key(now_ms - TURN_WINDOW_MS, low);
    cJSON *req = ddb_request_key_range(s, chat_id, low, "settings");
    if (ddb_request_query(s, req, turn_visit, &s->turn, err) != STORE_OK) {
        turn_clear(&s->turn);
        return STORE_ERROR;
    }
    s->turn.loaded = 1;
    s->turn.chat_id = chat_id;
    s->turn.now_ms = now_ms;
    s->turn.from_ms = now_ms - TURN_WINDOW_MS;
    return STORE_OK;
}

int turn_covers(const turn_cache *t, int64_t chat_id, int64_t from_ms) {
    return t->loaded && t->chat_id == chat_id && from_ms >= t->from_ms;
}

int turn_has_message(const turn_cache *t, int64_t chat_id) {
    return turn_covers(t, chat_id, t->now_ms - PHRASE_REACH_MS);
}
