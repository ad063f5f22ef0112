/* dynamodb_turn.h -- the turn: what one message reads, in one request, and
 * answers from memory.
 *
 * get_settings begins every message by loading the turn: ONE Query for the sk
 * range from "feed#<now - TURN_WINDOW_MS>" to "settings", every feeding of
 * that window (removed ones too) and, sorting right after them, the
 * settings item. The store's operations then answer totals, the last feeding and
 * redelivery checks from it, and keep it up to date with their own writes,
 * until the next get_settings. Why this is enough is at the top of
 * store_dynamodb.c. */
#ifndef MILKBOT_STORE_DYNAMODB_TURN_H
#define MILKBOT_STORE_DYNAMODB_TURN_H

#include "store.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#define TURN_DAY_MS (24LL * 3600 * 1000)
/* How far back a turn reads: what a message's reply shows and checks.
 * PHRASE_REACH_MS holds the message's own feedings (a redelivery finds
 * them) and all of today and yesterday in any zone (the totals a record
 * or "total?" answers with: today's hours and yesterday's add up to at
 * most 49). One hour more: see TURN_SENT_SURELY_AFTER_MS. The week reads
 * its older days with a Query of its own, and the last feeding or the
 * newest entry, when the turn has none, with one small Query each. */
#define TURN_WINDOW_MS (PHRASE_REACH_MS + 3600 * 1000LL)
/* A feeding older than the window lies at most PHRASE_REACH_MS before its
 * message, so it comes from a message written before now -
 * TURN_SENT_SURELY_AFTER_MS: a turn's entry from a message written since
 * is newer than any the turn does not hold. */
#define TURN_SENT_SURELY_AFTER_MS (TURN_WINDOW_MS - PHRASE_REACH_MS)

/* A feeding item as the store holds it in memory: live or removed. */
typedef struct {
    store_feeding f;
    int removed;
    /* what removed it: message removed_by of chat removed_in (an undo),
     * 0 (the Undo button) or -1 (an edit) */
    int64_t removed_by, removed_in;
} turn_item;

/* A growable list of turn items: the turn's own, or one message's. Starts
 * all zero; free with turn_items_free. */
typedef struct {
    turn_item *items;
    size_t count, cap;
} turn_items;

/* Appends a copy of *item. Returns -1 when out of memory (the list is
 * unchanged), else 0. */
int turn_items_push(turn_items *list, const turn_item *item);

/* Frees the list's items and leaves it empty, ready for reuse. */
void turn_items_free(turn_items *list);

/* The turn of the message being handled; all zero (not loaded) until
 * turn_load, and after turn_clear. */
typedef struct {
    int loaded;
    char family[STORE_FAMILY_MAX];
    int64_t now_ms, from_ms;
    char tz[CLOCK_ZONE_ID_MAX];
    char babies[STORE_BABIES_MAX * STORE_BABY_MAX];
    char units[STORE_UNITS_MAX];
    cJSON *undone; /* the settings' notes: message id -> sk */
    int64_t sums_from; /* the settings' sums_from: 0 when not set (see
                          dynamodb_sums.h) */
    int adopted; /* the settings say the old logs' adoption is settled
                    (dynamodb_adopt.h) */
    turn_items feedings;
} turn_cache;

struct dynamo_store;

/* Loads the turn of `family`'s log for a message written at now_ms, with
 * one Query (paged if large), replacing the one before. *settings_found
 * says whether the log has a settings item. On failure the turn is left
 * cleared (not loaded) and err says why. */
int turn_load(struct dynamo_store *s, const char *family, int64_t now_ms,
              int *settings_found, char *err);

/* Frees what the turn holds and marks it not loaded. */
void turn_clear(turn_cache *t);

/* Adds (or, for the same item, replaces) a feeding in the turn. Returns -1
 * when out of memory. */
int turn_add(turn_cache *t, const turn_item *item);

/* Marks the turn's copy of a feeding removed by message `by` of chat
 * `in`, if the turn holds it: a removal just written, so that the totals
 * this message answers with do not count it. */
void turn_mark_removed(turn_cache *t, const store_feeding *f, int64_t by,
                       int64_t in);

/* Sets the amount of the turn's copy of a feeding, if the turn holds it:
 * a correction just written. */
void turn_set_amount(turn_cache *t, const store_feeding *f, int amount_ml);

/* Does the turn hold all of the family's feedings from `from_ms` on? */
int turn_covers(const turn_cache *t, const char *family, int64_t from_ms);

/* Is the turn the family's (from any instant)? */
int turn_is(const turn_cache *t, const char *family);

/* Within a turn, add_message and replace_message concern the turn's own
 * message, written at the turn's now: its feedings lie within
 * PHRASE_REACH_MS before it, well inside the turn's window. */
int turn_has_message(const turn_cache *t, const char *family);

/* A feeding item's turn_item: the feeding and what removed it. */
void turn_item_from(const cJSON *item, turn_item *out);

#endif
