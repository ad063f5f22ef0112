/* store_dynamodb.c -- the production store, on DynamoDB (src/aws/dynamodb.c).
 *
 * One table, string keys pk and sk, on-demand capacity. A family's log is
 * one partition, pk "log#<family>" (store.h: several families on one table
 * are several partitions, a matter of configuration):
 *   feeding   sk "feed#<UTC instant, ms>#<chat>#<message>.<line>" (message
 *             id and line zero-padded; the chat is part of a feeding's key
 *             because Telegram numbers messages per chat); attributes
 *             chat_id, message_id, line, from_id (the sender), sent (when
 *             the message was written), amount_ml, kind, at (local RFC
 *             3339), day, baby (when named), who, note, text, entered_at
 *             (epoch ms), and a nursing session's sides, left_min,
 *             right_min and minutes (each only when said: none on a
 *             bottle), ...
 *   settings  sk "settings": tz; babies ("Mia,Leo"); units ("ml", "oz"),
 *             each with the stamp of the message that set it (set_setting);
 *             `undone`, the receipts of the family's recent undos (below),
 *             Undo button presses and edits;
 *             `next_message.<chat>`, the counters `milkbot chat` numbers
 *             its messages with; `begun`, set when the family's log began
 *             (dynamodb_adopt.h: the per-chat logs of earlier versions,
 *             pk "chat#<chat>", are adopted then)
 *   sums      sk "sum#<UTC date>": what "week" reads (dynamodb_sums.h)
 *   schedules sk "when#<chat>#<kind>#<message>": reminders, alerts and
 *             summaries (#17), sorting after everything a turn reads; the
 *             due ones are also in the sparse index "by_due", which a
 *             tick reads (dynamodb_schedules.h)
 * A day or a week is ONE Query on an sk range whose bounds are the local
 * midnights converted to UTC, so a 23- or 25-hour day is read exactly.
 *
 * The turn. Every message begins with get_settings, which reads with ONE Query
 * the sk range from "feed#<now - 50 hours>" to "settings": every feeding of
 * today and yesterday in any zone, and of the message's own reach (removed
 * ones too), and, sorting right after them, the settings item. Today's and
 * yesterday's totals, the last feeding, and whether this message was seen
 * before are then answered from memory, so a message reads what its reply
 * shows, not the log's history: a feeding costs 3 requests (the turn, the
 * feeding, its day's sum), a total 1; a week adds one Query of at most 9
 * small per-day sum items for its older days (dynamodb_sums.h); "last" and
 * undo, when the turn has no feeding, one small Query each.
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
 *    no extra request; receipts older than RECEIPT_KEEP_MS are dropped
 *    when the next undo writes its own, so the map stays small.
 *  - The Undo button marks its feeding removed_by 0 and removed_press, the
 *    button press's id: the same press again finds its own mark and
 *    answers as the first time; another press finds the feeding gone.
 *  - A correction ("make that 110") changes the newest entry's amount in
 *    place, in the steps of undo: its receipt "amend:M" names the target,
 *    its amount as it was and the new one; an UpdateItem sets the amount
 *    on condition that the feeding is live, still has the old amount and
 *    does not bear M's mark yet, and adds M to the feeding's set
 *    `amended_by`, so a failed condition read back tells "done by this
 *    update" from "changed by another"; then the receipt is done. The
 *    correction's Undo button changes it back the same way, marked with
 *    its press. The day's sum entry is SET only if it exists, so a
 *    feeding removed meanwhile gets none back. A correction that changes
 *    nothing (no feeding; not the amount it named; a nursing session,
 *    which has none) is a receipt too, done at once, naming the feeding:
 *    delivered again, it answers the same.
 *  - Undo and corrections take the sender's most recently entered feeding
 *    without scanning: the turn's window holds it when its message is
 *    recent (see newest_entry), else the sparse global index "by_entry"
 *    (entry_pk = "log#<family>#from#<user>", entry = "<sent>#<chat>#
 *    <message>.<line>", fixed-width so that it sorts in entry order),
 *    which holds exactly the live feedings, one partition per sender,
 *    gives it with one Query (ScanIndexForward=false). An index read can
 *    lag a write: a candidate found taken is skipped.
 *  - Receipts and marks name a message by its chat and id ("<chat>.<M>",
 *    "m<chat>.<M>"); a removal by undo notes its message's chat
 *    (removed_in) beside its id (removed_by).
 * Only calls made outside a turn (next_message_id's first use in a chat,
 * the Undo button of an old reply, tests) read a log's whole history.
 *
 * The files. This one holds the operations (store_ops), with the writes of
 * feedings, the zone and the message counter. dynamodb_item.c is a feeding
 * as an item and the keys above; dynamodb_request.c the reads every part
 * makes (one item, a Query page by page, a log's history);
 * dynamodb_turn.c loads the turn and answers from it; dynamodb_receipts.c
 * keeps the receipts in `undone`; dynamodb_sums.c the per-day sums "week"
 * reads; dynamodb_adopt.c the logs of versions before families;
 * dynamodb_schedules.c the schedules (#17).
 * store_dynamodb_internal.h is what they share: the store and its turn. */
#include "store_dynamodb.h"
#include "dynamodb_adopt.h"
#include "dynamodb_item.h"
#include "dynamodb_receipts.h"
#include "dynamodb_schedules.h"
#include "dynamodb_sums.h"
#include "dynamodb_turn.h"
#include "store_dynamodb_internal.h"

#include "aws/dynamodb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static dynamo_store *impl(store *s) { return (dynamo_store *)s; }

static int by_entry(const void *a, const void *b) { return store_entry_cmp(a, b); }

static int by_time(const void *a, const void *b) { return store_time_cmp(a, b); }

/* qsort, which must not be given a NULL array even when it is empty. */
static void sort_feedings(store_feeding *items, size_t count,
                          int (*order)(const void *, const void *)) {
    if (count > 1) qsort(items, count, sizeof *items, order);
}

/* --- a message's items ------------------------------------------------------ */

/* Collects the items of one message (live and removed) from a Query. */
typedef struct {
    int64_t chat_id, message_id;
    turn_items *out;
} message_collector;

static int collect_message(const cJSON *item, void *ctx) {
    message_collector *c = ctx;
    if (strncmp(ddb_item_get_s(item, "sk"), "feed#", 5) != 0 ||
        ddb_item_get_n(item, "chat_id") != c->chat_id ||
        ddb_item_get_n(item, "message_id") != c->message_id)
        return 0;
    turn_item found;
    turn_item_from(item, &found);
    return turn_items_push(c->out, &found);
}

/* Appends the items of message (chat_id, message_id) found in the log's
 * whole history to *out. */
static int message_history(dynamo_store *s, const char *family, int64_t chat_id,
                           int64_t message_id, turn_items *out, char *err) {
    char pk[DDB_ITEM_KEY_MAX];
    message_collector c = {chat_id, message_id, out};
    ddb_item_log_key(family, pk);
    return ddb_request_query_history(s, pk, collect_message, &c, err);
}

/* The items of message (chat_id, message_id) (live and removed), from the
 * turn when it covers the log, else from the log's history. */
static int message_items(dynamo_store *s, const char *family, int64_t chat_id,
                         int64_t message_id, turn_items *out, char *err) {
    memset(out, 0, sizeof *out);
    if (turn_has_message(&s->turn, family)) {
        for (size_t i = 0; i < s->turn.feedings.count; i++)
            if (s->turn.feedings.items[i].f.chat_id == chat_id &&
                s->turn.feedings.items[i].f.message_id == message_id &&
                turn_items_push(out, &s->turn.feedings.items[i]) != 0)
                return ddb_fail(err, "store: out of memory");
        return STORE_OK;
    }
    return message_history(s, family, chat_id, message_id, out, err);
}

/* --- writes ------------------------------------------------------------------ */

/* Writes a feeding item; with `only_new`, only if it is not there yet
 * (*written = 0 then). */
static int put_feeding(dynamo_store *s, const char *family, const store_feeding *f,
                       int only_new, int *written, char *err) {
    char message[STORE_ERR_MAX];
    cJSON *req = ddb_request_new(s);
    cJSON_AddItemToObject(req, "Item", ddb_item_from_feeding(family, f));
    if (only_new)
        cJSON_AddStringToObject(req, "ConditionExpression",
                                "attribute_not_exists(pk)");
    dynamo_status st = dynamo_call(s->client, "PutItem", req, NULL, message,
                                   sizeof message);
    cJSON_Delete(req);
    *written = st == DYNAMO_OK;
    if (st == DYNAMO_ERROR) return ddb_fail(err, message);
    /* A failed condition here means the item appeared after the turn was
     * read: an earlier attempt of this very request that DynamoDB applied
     * but whose answer was lost (a 5xx, a timeout), or this message
     * delivered twice at once. Either way it is this feeding, live. */
    turn_item live = {.f = *f};
    if (turn_covers(&s->turn, family, f->at_ms) && turn_add(&s->turn, &live) != 0)
        return ddb_fail(err, "store: out of memory");
    return STORE_OK;
}

/* Marks a feeding removed by message `by` of chat `in` (by 0: the Undo
 * button, pressed as `press`; -1: an edit) if it is still live. *done = 1
 * when this removal is the one that took it -- also when an earlier
 * attempt of this very request was applied and its answer lost, or a copy
 * of the same update took it first: a failed condition is resolved by
 * reading who removed it. *done = 0 when it is gone, or was removed by
 * someone else. */
static int soft_delete(dynamo_store *s, const char *family, const store_feeding *f,
                       int64_t by, int64_t in, const char *press,
                       store_feeding *removed, int *done, int *gone, char *err) {
    char pk[DDB_ITEM_KEY_MAX], sk[DDB_ITEM_KEY_MAX], message[STORE_ERR_MAX];
    ddb_item_log_key(family, pk);
    ddb_item_feed_key(f, sk);
    cJSON *req = ddb_request_new(s);
    ddb_item_add_key(req, pk, sk);
    cJSON *values = cJSON_AddObjectToObject(req, "ExpressionAttributeValues");
    ddb_item_put_n(values, ":by", by);
    ddb_item_put_n(values, ":in", in);
    ddb_item_put_s(values, ":press", press ? press : "");
    cJSON_AddStringToObject(req, "UpdateExpression",
                            "SET removed_by = :by, removed_in = :in, "
                            "removed_press = :press REMOVE entry_pk, entry");
    cJSON_AddStringToObject(req, "ConditionExpression",
                            "attribute_exists(pk) AND attribute_not_exists(removed_by)");
    cJSON_AddStringToObject(req, "ReturnValues", "ALL_OLD");
    cJSON *res = NULL;
    dynamo_status st = dynamo_call(s->client, "UpdateItem", req, &res, message,
                                   sizeof message);
    cJSON_Delete(req);
    *done = 0;
    if (gone) *gone = 0;
    if (st == DYNAMO_ERROR) return ddb_fail(err, message);
    if (st == DYNAMO_OK) {
        *done = 1;
        if (removed) ddb_item_to_feeding(cJSON_GetObjectItem(res, "Attributes"), removed);
        cJSON_Delete(res);
    } else {
        cJSON *item;
        if (ddb_request_get_item(s, pk, sk, &item, err) != STORE_OK) return STORE_ERROR;
        turn_item was;
        turn_item_from(item, &was);
        *done = item && was.removed && was.removed_by == by &&
                (by <= 0 || was.removed_in == in) &&
                (by != 0 || strcmp(ddb_item_get_s(item, "removed_press"), press ? press : "") == 0);
        if (*done && removed) ddb_item_to_feeding(item, removed);
        if (gone) *gone = item == NULL;
        cJSON_Delete(item);
    }
    if (*done) {
        turn_mark_removed(&s->turn, f, by, in);
        /* also when this removal was found done already: its retry */
        if (sums_remove(s, family, f, err) != STORE_OK) return STORE_ERROR;
    }
    return STORE_OK;
}

/* --- the operations ------------------------------------------------------- */

static int dyn_get_settings(store *base, const char *family, int64_t now_ms,
                            store_settings *out, char *err) {
    dynamo_store *s = impl(base);
    int found;
    memset(out, 0, sizeof *out);
    if (!store_family_valid(family)) return ddb_fail(err, "store: not a family id");
    if (turn_load(s, family, now_ms, &found, err) != STORE_OK) return STORE_ERROR;
    int adopts = strcmp(family, store_adopting_family()) == 0;
    if (!found || (adopts && !s->turn.adopted)) { /* dynamodb_adopt.h */
        if (adopt_legacy_logs(s, family, adopts, err) != STORE_OK ||
            turn_load(s, family, now_ms, &found, err) != STORE_OK)
            return STORE_ERROR;
    }
    snprintf(out->tz, sizeof out->tz, "%s", s->turn.tz);
    snprintf(out->babies, sizeof out->babies, "%s", s->turn.babies);
    snprintf(out->units, sizeof out->units, "%s", s->turn.units);
    return STORE_OK;
}

static int dyn_add_message(store *base, const char *family, store_feeding *feeds,
                           size_t *n, int *already, char *err) {
    dynamo_store *s = impl(base);
    *already = 0;
    if (*n == 0) return STORE_OK;
    int64_t chat_id = feeds[0].chat_id, message_id = feeds[0].message_id;
    turn_items was;
    if (message_items(s, family, chat_id, message_id, &was, err) != STORE_OK) {
        turn_items_free(&was);
        return STORE_ERROR;
    }
    /* a message that undid is not a feeding afterwards; one that was
     * edited is what its edit made it (a late copy of the original, whose
     * first delivery failed, brings back no line the edit dropped) */
    undo_receipt undid, edited;
    char key[RECEIPT_KEY_MAX], edit_key[RECEIPT_KEY_MAX];
    receipt_undo_key(chat_id, message_id, key);
    receipt_edit_key(chat_id, message_id, edit_key);
    if (receipt_find(s, family, key, chat_id, message_id, &undid, err) != STORE_OK ||
        receipt_find(s, family, edit_key, 0, 0, &edited, err) != STORE_OK) {
        turn_items_free(&was);
        return STORE_ERROR;
    }
    int settled = undid.exists || edited.exists;

    /* the lines not written yet: all of them for a new message, the rest
     * of one cut off halfway, none for a redelivery */
    size_t written = 0;
    for (size_t i = 0; i < *n; i++) {
        int there = 0;
        for (size_t j = 0; j < was.count && !there; j++)
            there = was.items[j].f.line == feeds[i].line;
        if (there || settled) continue;
        int ok;
        if (put_feeding(s, family, &feeds[i], 1, &ok, err) != STORE_OK) {
            turn_items_free(&was);
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
    turn_items_free(&was);
    /* a redelivery too: the first delivery may have stopped before */
    return sums_add(s, family, feeds, *n, err);
}

static int dyn_list_range(store *base, const char *family, int64_t from_ms,
                          int64_t to_ms, store_list *out, char *err) {
    dynamo_store *s = impl(base);
    if (to_ms <= from_ms) return STORE_OK;
    size_t first = out->count;
    /* the part before the turn's window from DynamoDB (a week's older
     * days), the rest from the turn */
    int64_t split = to_ms;
    if (turn_is(&s->turn, family))
        split = from_ms > s->turn.from_ms ? from_ms
                : to_ms < s->turn.from_ms ? to_ms : s->turn.from_ms;
    if (split > from_ms) {
        char low[DDB_ITEM_KEY_MAX], high[DDB_ITEM_KEY_MAX];
        ddb_item_instant_key(from_ms, low);
        ddb_item_instant_key(split, high); /* "feed#<to>" sorts before "feed#<to>#..." */
        if (ddb_request_query_live(s, ddb_request_live_range(s, family, low, high, 1),
                                   out, 0, err) != STORE_OK)
            return STORE_ERROR;
    }
    for (size_t i = 0; split < to_ms && i < s->turn.feedings.count; i++) {
        const turn_item *it = &s->turn.feedings.items[i];
        if (!it->removed && it->f.at_ms >= split && it->f.at_ms < to_ms &&
            store_list_push(out, &it->f) != STORE_OK)
            return ddb_fail(err, "store: out of memory");
    }
    if (out->count > first + 1)
        sort_feedings(out->items + first, out->count - first, by_time);
    return STORE_OK;
}

/* A range's amounts: before sums_from from the feedings (Query), then from
 * the per-day sums (one small Query), then from the turn. Without a turn
 * or sums, as list_range. */
static int dyn_list_amounts(store *base, const char *family, int64_t from_ms,
                            int64_t to_ms, store_list *out, char *err) {
    dynamo_store *s = impl(base);
    const turn_cache *t = &s->turn;
    if (!(turn_is(t, family) && t->sums_from > 0) || to_ms <= from_ms)
        return dyn_list_range(base, family, from_ms, to_ms, out, err);
    size_t first = out->count;
    int64_t sums_start = from_ms > t->sums_from ? from_ms : t->sums_from;
    int64_t turn_start = from_ms > t->from_ms ? from_ms : t->from_ms;
    if (sums_start > to_ms) sums_start = to_ms;
    if (turn_start > to_ms) turn_start = to_ms;
    if (sums_start > turn_start) sums_start = turn_start;
    if (from_ms < sums_start &&
        dyn_list_range(base, family, from_ms, sums_start, out, err) != STORE_OK)
        return STORE_ERROR;
    if (sums_start < turn_start &&
        sums_list(s, family, sums_start, turn_start, out, err) != STORE_OK)
        return STORE_ERROR;
    if (turn_start < to_ms &&
        dyn_list_range(base, family, turn_start, to_ms, out, err) != STORE_OK)
        return STORE_ERROR;
    if (out->count > first + 1)
        sort_feedings(out->items + first, out->count - first, by_time);
    return STORE_OK;
}

static int dyn_latest_before(store *base, const char *family, int64_t before_ms,
                             store_feeding *out, int *found, char *err) {
    dynamo_store *s = impl(base);
    *found = 0;
    if (turn_is(&s->turn, family)) {
        /* a feeding in the window is later than any before it */
        for (size_t i = 0; i < s->turn.feedings.count; i++) {
            const turn_item *it = &s->turn.feedings.items[i];
            if (it->removed || it->f.at_ms >= before_ms) continue;
            if (!*found || by_time(&it->f, out) > 0) *out = it->f;
            *found = 1;
        }
        if (*found) return STORE_OK;
    }
    char high[DDB_ITEM_KEY_MAX];
    store_list list = {0};
    ddb_item_instant_key(before_ms, high);
    /* newest first; the filter may skip removed ones, so read until one */
    cJSON *req = ddb_request_live_range(s, family, "feed#", high, 0);
    cJSON_AddNumberToObject(req, "Limit", 8);
    int status = ddb_request_query_live(s, req, &list, 1, err);
    if (status == STORE_OK && list.count) {
        *out = list.items[0];
        *found = 1;
    }
    store_list_free(&list);
    return status;
}

/* The newest live entry of sender `from_id` in the log that is not among
 * `skip` (feedings found taken meanwhile). The turn has it when its
 * newest one's message was written after now - TURN_SENT_SURELY_AFTER_MS:
 * a feeding outside the turn's window lies at most PHRASE_REACH_MS before
 * its message, so it comes from a message written before that, earlier in
 * entry order. Else the by_entry index (the sender's partition), which
 * may lag a removal by a moment: what it still shows is skipped. */
static int newest_entry(dynamo_store *s, const char *family, int64_t from_id,
                        char skip[][DDB_ITEM_KEY_MAX], int nskip,
                        store_feeding *out, int *found, char *err) {
    char pk[DDB_ITEM_KEY_MAX], sk[DDB_ITEM_KEY_MAX];
    *found = 0;
    if (nskip == 0 && turn_is(&s->turn, family)) {
        const turn_item *newest = NULL;
        for (size_t i = 0; i < s->turn.feedings.count; i++) {
            const turn_item *it = &s->turn.feedings.items[i];
            if (!it->removed && it->f.from_id == from_id &&
                (newest == NULL || store_entry_cmp(&it->f, &newest->f) > 0))
                newest = it;
        }
        if (newest && newest->f.sent_ms > s->turn.now_ms - TURN_SENT_SURELY_AFTER_MS) {
            *out = newest->f;
            *found = 1;
            return STORE_OK;
        }
    }
    store_list last = {0};
    ddb_item_sender_key(family, from_id, pk);
    cJSON *req = ddb_request_new(s);
    cJSON_AddStringToObject(req, "IndexName", "by_entry");
    cJSON_AddStringToObject(req, "KeyConditionExpression", "entry_pk = :pk");
    cJSON *values = cJSON_AddObjectToObject(req, "ExpressionAttributeValues");
    ddb_item_put_s(values, ":pk", pk);
    cJSON_AddBoolToObject(req, "ScanIndexForward", 0);
    cJSON_AddNumberToObject(req, "Limit", nskip + 1);
    if (ddb_request_query_live(s, req, &last, (size_t)nskip + 1, err) != STORE_OK) {
        store_list_free(&last);
        return STORE_ERROR;
    }
    for (size_t i = 0; i < last.count && !*found; i++) {
        int skipped = 0;
        ddb_item_feed_key(&last.items[i], sk);
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
static int dyn_undo_last(store *base, const char *family, int64_t chat_id,
                         int64_t message_id, int64_t from_id,
                         store_feeding *removed, int *found, char *err) {
    dynamo_store *s = impl(base);
    undo_receipt r;
    char key[RECEIPT_KEY_MAX];
    *found = 0;
    receipt_undo_key(chat_id, message_id, key);
    if (receipt_find(s, family, key, chat_id, message_id, &r, err) != STORE_OK)
        return STORE_ERROR;
    /* done before the turn was read: the turn shows its effect already */
    int seen_done = r.exists && r.done;
    if (!r.exists) {
        store_feeding target;
        int any;
        if (newest_entry(s, family, from_id, NULL, 0, &target, &any, err) != STORE_OK ||
            receipt_claim(s, family, key, any ? &target : NULL, 0, &r, err) != STORE_OK)
            return STORE_ERROR;
    }
    char taken[8][DDB_ITEM_KEY_MAX];
    int ntaken = 0;
    while (!r.done) {
        int done;
        if (soft_delete(s, family, &r.feeding, message_id, chat_id, NULL, NULL, &done,
                        NULL, err) != STORE_OK)
            return STORE_ERROR;
        if (done) {
            if (receipt_done(s, family, key, r.target, err) != STORE_OK)
                return STORE_ERROR;
            r.done = 1;
            break;
        }
        /* someone else took the target first (another undo, a button, an
         * edit): the next one, agreed through the receipt */
        if (ntaken == 8)
            return ddb_fail(err, "store: undo kept racing with other changes; try again");
        snprintf(taken[ntaken++], DDB_ITEM_KEY_MAX, "%s", r.target);
        store_feeding next;
        int any;
        char old_target[DDB_ITEM_KEY_MAX];
        snprintf(old_target, sizeof old_target, "%s", r.target);
        if (newest_entry(s, family, from_id, taken, ntaken, &next, &any, err) != STORE_OK ||
            receipt_retarget(s, family, key, old_target, any ? &next : NULL,
                             &r, err) != STORE_OK)
            return STORE_ERROR;
    }
    if (receipt_complete(s, family, &r, err) != STORE_OK) return STORE_ERROR;
    if (r.target[0]) {
        *found = 1;
        *removed = r.feeding;
        /* a copy that found the work done after reading its turn: the
         * totals it answers with must not count the feeding */
        if (!seen_done) turn_mark_removed(&s->turn, &r.feeding, message_id, chat_id);
    }
    return STORE_OK;
}

/* How a conditional change of a feeding's amount ended. */
enum { AMEND_APPLIED, AMEND_GONE, AMEND_OTHER };

/* Changes feeding f's amount from `from_ml` to `to_ml`, marking it with
 * `mark` (the update asking: "m<message>", "p<press>"; NULL: none), if it
 * is live, has from_ml and does not bear the mark yet. A failed condition
 * is read back: the mark there means this update changed it before (a
 * retry after a lost answer, a copy of the same update) -- applied, also
 * if it was removed since. *now is the feeding as it is after. The turn
 * and the day's sum follow an applied change. */
static int amend_item(dynamo_store *s, const char *family, const store_feeding *f,
                      const char *mark, const char *require, int from_ml, int to_ml,
                      int *state, store_feeding *now, char *err) {
    char pk[DDB_ITEM_KEY_MAX], sk[DDB_ITEM_KEY_MAX], message[STORE_ERR_MAX];
    ddb_item_log_key(family, pk);
    ddb_item_feed_key(f, sk);
    cJSON *req = ddb_request_new(s);
    ddb_item_add_key(req, pk, sk);
    cJSON *values = cJSON_AddObjectToObject(req, "ExpressionAttributeValues");
    ddb_item_put_n(values, ":from", from_ml);
    ddb_item_put_n(values, ":to", to_ml);
    /* live, with the amount expected; not marked by this update yet; and,
     * for a put-back, still bearing the correction's mark */
    char condition[256] = "attribute_exists(pk) AND attribute_not_exists(removed_by) "
                          "AND amount_ml = :from";
    if (mark) {
        ddb_item_put_s(values, ":mark", mark);
        cJSON *set = cJSON_AddArrayToObject(cJSON_AddObjectToObject(values, ":marks"), "SS");
        cJSON_AddItemToArray(set, cJSON_CreateString(mark));
        strcat(condition, " AND NOT contains(amended_by, :mark)");
    }
    if (require) {
        ddb_item_put_s(values, ":require", require);
        strcat(condition, " AND contains(amended_by, :require)");
    }
    cJSON_AddStringToObject(req, "UpdateExpression",
                            mark ? "SET amount_ml = :to ADD amended_by :marks"
                                 : "SET amount_ml = :to");
    cJSON_AddStringToObject(req, "ConditionExpression", condition);
    cJSON_AddStringToObject(req, "ReturnValues", "ALL_NEW");
    cJSON *res = NULL, *item = NULL;
    dynamo_status st = dynamo_call(s->client, "UpdateItem", req, &res, message,
                                   sizeof message);
    cJSON_Delete(req);
    memset(now, 0, sizeof *now);
    if (st == DYNAMO_ERROR) return ddb_fail(err, message);
    if (st == DYNAMO_OK) {
        ddb_item_to_feeding(cJSON_GetObjectItem(res, "Attributes"), now);
        cJSON_Delete(res);
        *state = AMEND_APPLIED;
    } else {
        if (ddb_request_get_item(s, pk, sk, &item, err) != STORE_OK) return STORE_ERROR;
        int marked = 0;
        const cJSON *m;
        cJSON_ArrayForEach(m, cJSON_GetObjectItem(cJSON_GetObjectItem(item, "amended_by"), "SS"))
            marked |= mark && cJSON_IsString(m) && strcmp(m->valuestring, mark) == 0;
        if (item) ddb_item_to_feeding(item, now);
        *state = marked ? AMEND_APPLIED
                 : item == NULL || cJSON_GetObjectItem(item, "removed_by") ? AMEND_GONE
                                                                           : AMEND_OTHER;
        cJSON_Delete(item);
    }
    if (*state != AMEND_APPLIED) return STORE_OK;
    /* also when found done: the first attempt may have stopped before */
    turn_set_amount(&s->turn, f, now->amount_ml);
    return sums_amend(s, family, now, err);
}

/* A correction, in the steps of undo (above): the receipt names the
 * target, the target's amount is changed by this message, the receipt is
 * marked done. A target that someone else removed or changed first ends
 * the correction with nothing changed (the receipt then names nothing):
 * the parent corrected what they saw, not whatever came next. */
/* The mark a correction leaves on the feeding it changed. */
static void correction_mark(int64_t chat_id, int64_t message_id, char mark[48]) {
    snprintf(mark, 48, "m%lld.%lld", (long long)chat_id, (long long)message_id);
}

static int dyn_amend_last(store *base, const char *family, int64_t chat_id,
                          int64_t message_id, int64_t from_id, int amount_ml,
                          int expect_ml, store_feeding *before, int *outcome,
                          char *err) {
    dynamo_store *s = impl(base);
    undo_receipt r;
    char key[RECEIPT_KEY_MAX], mark[48];
    memset(before, 0, sizeof *before);
    receipt_amend_key(chat_id, message_id, key);
    correction_mark(chat_id, message_id, mark);
    if (receipt_find(s, family, key, 0, 0, &r, err) != STORE_OK) return STORE_ERROR;
    if (!r.exists) {
        store_feeding target;
        int any;
        if (newest_entry(s, family, from_id, NULL, 0, &target, &any, err) != STORE_OK)
            return STORE_ERROR;
        /* a refusal is kept too, so that delivered again after a new
         * feeding it still changes nothing; a copy of this message that
         * claimed first (it may have changed the feeding since this turn
         * was read) is followed instead. A nursing session has no amount
         * to change: refused, and the receipt's copy of it (its kind)
         * says why. */
        int refused = !any || target.kind == PHRASE_NURSING ||
                      (expect_ml && target.amount_ml != expect_ml);
        if (receipt_claim_amend(s, family, key, any ? &target : NULL, amount_ml, refused,
                                &r, err) != STORE_OK)
            return STORE_ERROR;
    }
    if (r.refused) {
        if (r.target[0]) *before = r.feeding;
        *outcome = !r.target[0]                         ? STORE_AMEND_NONE
                   : r.feeding.kind == PHRASE_NURSING ? STORE_AMEND_NURSING
                                                      : STORE_AMEND_OTHER;
        return STORE_OK;
    }
    if (!r.done && r.target[0]) {
        int state;
        store_feeding now;
        if (amend_item(s, family, &r.feeding, mark, NULL, r.feeding.amount_ml, r.amount,
                       &state, &now, err) != STORE_OK)
            return STORE_ERROR;
        char target[DDB_ITEM_KEY_MAX];
        snprintf(target, sizeof target, "%s", r.target);
        if (state == AMEND_APPLIED) {
            if (receipt_done(s, family, key, target, err) != STORE_OK) return STORE_ERROR;
            r.done = 1;
        } else if (receipt_retarget(s, family, key, target, NULL, &r, err) != STORE_OK) {
            return STORE_ERROR;
        }
    }
    if (r.target[0]) {
        *before = r.feeding;
        /* a copy that found the work done after reading its turn: the
         * totals it answers with must count the new amount */
        for (size_t i = 0; turn_is(&s->turn, family) && i < s->turn.feedings.count; i++) {
            const store_feeding *held = &s->turn.feedings.items[i].f;
            if (held->chat_id == before->chat_id &&
                held->message_id == before->message_id && held->line == before->line &&
                held->at_ms == before->at_ms && held->amount_ml == before->amount_ml)
                turn_set_amount(&s->turn, before, r.amount);
        }
    }
    *outcome = r.target[0] ? STORE_AMEND_DONE : STORE_AMEND_GONE;
    return STORE_OK;
}

/* The Undo button of a correction: the correction's receipt names the
 * feeding and both amounts; the press marks the feeding it changes back
 * (amend_item), so the same press again finds its mark. A correction
 * whose receipt was dropped (older than RECEIPT_KEEP_MS) is not known any
 * more. */
static int dyn_put_back(store *base, const char *family, int64_t chat_id,
                        int64_t message_id, const char *press, store_feeding *now,
                        int *outcome, char *err) {
    dynamo_store *s = impl(base);
    undo_receipt r;
    char key[RECEIPT_KEY_MAX], mark[RECEIPT_KEY_MAX];
    memset(now, 0, sizeof *now);
    receipt_amend_key(chat_id, message_id, key);
    snprintf(mark, sizeof mark, "p%.80s", press ? press : "");
    if (receipt_find(s, family, key, 0, 0, &r, err) != STORE_OK) return STORE_ERROR;
    /* not done as the turn shows it: perhaps done since */
    if ((!r.exists || !r.done) && receipt_read(s, family, key, &r, err) != STORE_OK)
        return STORE_ERROR;
    if (!r.exists || !r.done || r.refused || !r.target[0] || r.amount <= 0) {
        *outcome = STORE_AMEND_NONE;
        return STORE_OK;
    }
    /* only while the feeding bears the correction's mark: an edit of its
     * message writes the item anew, without it */
    char corrected[48];
    correction_mark(chat_id, message_id, corrected);
    int state;
    if (amend_item(s, family, &r.feeding, press && press[0] ? mark : NULL, corrected,
                   r.amount, r.feeding.amount_ml, &state, now, err) != STORE_OK)
        return STORE_ERROR;
    *outcome = state == AMEND_APPLIED ? STORE_AMEND_DONE
               : state == AMEND_GONE  ? STORE_AMEND_GONE
                                      : STORE_AMEND_OTHER;
    return STORE_OK;
}

/* The Undo button: the feeding (message, line), removed once per press.
 * The press's receipt, written after the removal (or after finding the
 * feeding gone), answers the same press again whatever happened since; a
 * press whose receipt was not written yet finds its own mark on the
 * feeding (soft_delete). */
static int dyn_remove(store *base, const char *family, int64_t chat_id,
                      int64_t message_id, int line, int64_t at_ms, const char *press,
                      store_feeding *removed, int *found, char *err) {
    dynamo_store *s = impl(base);
    char key_name[RECEIPT_KEY_MAX];
    undo_receipt r;
    *found = 0;
    receipt_press_key(press, key_name);
    if (press[0] && receipt_find(s, family, key_name, 0, 0, &r, err) != STORE_OK)
        return STORE_ERROR;
    if (press[0] && r.exists) {
        if (receipt_complete(s, family, &r, err) != STORE_OK) return STORE_ERROR;
        *found = r.target[0] != '\0';
        if (*found) *removed = r.feeding;
        return STORE_OK;
    }
    /* Which item: the live one of that line (an edit that moved the
     * feeding left a removed one at the old instant); else, for a press
     * delivered again before its receipt was written, the one this press
     * removed. Looked for in the turn, then at the instant the button
     * carries (one request, for a reply of any age), then in the
     * message's history -- the turn may hold only some of a message's
     * lines, and the instant be an old one or forged. */
    turn_items was = {0};
    int status = STORE_OK, settled = 0;
    if (turn_is(&s->turn, family))
        status = message_items(s, family, chat_id, message_id, &was, err);
    const turn_item *live = NULL;
    for (size_t i = 0; status == STORE_OK && i < was.count; i++)
        if (was.items[i].f.line == line && !was.items[i].removed) live = &was.items[i];
    if (status == STORE_OK && live) {
        status = soft_delete(s, family, &live->f, 0, 0, press, removed, found, NULL, err);
        settled = 1;
    }
    if (status == STORE_OK && !settled && at_ms > 0) {
        store_feeding key = {.chat_id = chat_id, .message_id = message_id,
                             .line = line, .at_ms = at_ms};
        status = soft_delete(s, family, &key, 0, 0, press, removed, found, NULL, err);
        settled = *found;
    }
    if (status == STORE_OK && !settled) {
        turn_items_free(&was);
        status = message_history(s, family, chat_id, message_id, &was, err);
        live = NULL;
        for (size_t i = 0; status == STORE_OK && i < was.count; i++)
            if (was.items[i].f.line == line && !was.items[i].removed) live = &was.items[i];
        if (status == STORE_OK && live) {
            status = soft_delete(s, family, &live->f, 0, 0, press, removed, found, NULL, err);
        } else {
            /* removed ones: if this very press removed one (a retry after
             * a lost answer, a copy of the same update), soft_delete says so */
            for (size_t i = 0; status == STORE_OK && !*found && i < was.count; i++)
                if (was.items[i].f.line == line && was.items[i].removed_by == 0)
                    status = soft_delete(s, family, &was.items[i].f, 0, 0, press, removed,
                                         found, NULL, err);
        }
    }
    turn_items_free(&was);
    if (status == STORE_OK && press[0])
        status = receipt_claim(s, family, key_name, *found ? removed : NULL, 1, &r, err);
    return status;
}

static int dyn_replace_message(store *base, const char *family, int64_t chat_id,
                               int64_t message_id, int64_t edit_ms,
                               const store_feeding *feeds, size_t n,
                               store_list *old, int *stale, char *err) {
    dynamo_store *s = impl(base);
    char sk[DDB_ITEM_KEY_MAX], new_sk[DDB_ITEM_KEY_MAX];
    turn_items was;
    if (message_items(s, family, chat_id, message_id, &was, err) != STORE_OK) {
        turn_items_free(&was);
        return STORE_ERROR;
    }
    int status = STORE_OK;
    for (size_t j = 0; j < was.count && status == STORE_OK; j++)
        if (!was.items[j].removed && store_list_push(old, &was.items[j].f) != STORE_OK)
            status = ddb_fail(err, "store: out of memory");
    if (old->count > 1) sort_feedings(old->items, old->count, by_entry);
    int late = 0;
    if (status == STORE_OK)
        status = receipt_claim_edit(s, family, chat_id, message_id, edit_ms, &late, err);
    if (stale) *stale = late;
    if (late) { /* a later edit stands: change nothing */
        n = 0;
        was.count = 0;
    }
    /* the new feedings first, then the old ones retired: interrupted, the
     * edit delivered again completes it */
    for (size_t i = 0; i < n && status == STORE_OK; i++) {
        int ok;
        status = put_feeding(s, family, &feeds[i], 0, &ok, err);
    }
    if (status == STORE_OK) status = sums_add(s, family, feeds, n, err);
    for (size_t j = 0; j < was.count && status == STORE_OK; j++) {
        /* live ones are retired; ones an edit retired before lose their
         * sum again (that edit may have stopped in between) */
        if (was.items[j].removed && was.items[j].removed_by != -1) continue;
        int rewritten = 0, done;
        ddb_item_feed_key(&was.items[j].f, sk);
        for (size_t i = 0; i < n && !rewritten; i++) {
            ddb_item_feed_key(&feeds[i], new_sk);
            rewritten = strcmp(sk, new_sk) == 0;
        }
        if (rewritten) continue;
        if (was.items[j].removed)
            status = sums_remove(s, family, &was.items[j].f, err);
        else
            status = soft_delete(s, family, &was.items[j].f, -1, 0, NULL, NULL, &done, NULL,
                                 err);
    }
    turn_items_free(&was);
    return status;
}

/* The part of a stamp at (offset, length), as a string attribute. */
static void put_part(cJSON *values, const char *name, const char *by, int at, int len) {
    char part[32];
    snprintf(part, sizeof part, "%.*s", len, strlen(by) > (size_t)at ? by + at : "");
    ddb_item_put_s(values, name, part);
}

/* Sets one string attribute of the family's settings item, and beside it
 * the message that set it (store_stamp), in three parts ("<name>_sent",
 * "_chat", "_message"), unless a message written later set it (*stale
 * then; the rule of store.h: a later second, or the same second and chat
 * and a later message). */
static int set_setting(dynamo_store *s, const char *family, const char *name,
                       const char *value, const char *by, int *stale, char *err) {
    char pk[DDB_ITEM_KEY_MAX], sent[48], chat[48], msg[48], message[STORE_ERR_MAX];
    ddb_item_log_key(family, pk);
    snprintf(sent, sizeof sent, "%s_sent", name);
    snprintf(chat, sizeof chat, "%s_chat", name);
    snprintf(msg, sizeof msg, "%s_message", name);
    cJSON *req = ddb_request_new(s);
    ddb_item_add_key(req, pk, "settings");
    cJSON_AddStringToObject(req, "UpdateExpression",
                            "SET #n = :v, #s = :sent, #c = :chat, #m = :msg");
    cJSON_AddStringToObject(req, "ConditionExpression",
                            "attribute_not_exists(#s) OR #s < :sent OR (#s = :sent AND "
                            "(#c <> :chat OR #m <= :msg))");
    cJSON *names = cJSON_AddObjectToObject(req, "ExpressionAttributeNames");
    cJSON_AddStringToObject(names, "#n", name);
    cJSON_AddStringToObject(names, "#s", sent);
    cJSON_AddStringToObject(names, "#c", chat);
    cJSON_AddStringToObject(names, "#m", msg);
    cJSON *values = cJSON_AddObjectToObject(req, "ExpressionAttributeValues");
    ddb_item_put_s(values, ":v", value);
    put_part(values, ":sent", by, STORE_STAMP_SENT);
    put_part(values, ":chat", by, STORE_STAMP_CHAT);
    put_part(values, ":msg", by, STORE_STAMP_MESSAGE);
    dynamo_status st = dynamo_call(s->client, "UpdateItem", req, NULL, message,
                                   sizeof message);
    cJSON_Delete(req);
    *stale = st == DYNAMO_CONDITION_FAILED;
    return st == DYNAMO_ERROR ? ddb_fail(err, message) : STORE_OK;
}

static int dyn_set_tz(store *base, const char *family, const char *tz, const char *by,
                      int *stale, char *err) {
    dynamo_store *s = impl(base);
    if (set_setting(s, family, "tz", tz, by, stale, err) != STORE_OK)
        return STORE_ERROR;
    if (!*stale && turn_is(&s->turn, family))
        snprintf(s->turn.tz, sizeof s->turn.tz, "%s", tz);
    return STORE_OK;
}

static int dyn_set_babies(store *base, const char *family, const char *babies,
                          const char *by, int *stale, char *err) {
    dynamo_store *s = impl(base);
    if (set_setting(s, family, "babies", babies, by, stale, err) != STORE_OK)
        return STORE_ERROR;
    if (!*stale && turn_is(&s->turn, family))
        snprintf(s->turn.babies, sizeof s->turn.babies, "%s", babies);
    return STORE_OK;
}

static int dyn_set_units(store *base, const char *family, const char *units,
                         const char *by, int *stale, char *err) {
    dynamo_store *s = impl(base);
    if (set_setting(s, family, "units", units, by, stale, err) != STORE_OK)
        return STORE_ERROR;
    if (!*stale && turn_is(&s->turn, family))
        snprintf(s->turn.units, sizeof s->turn.units, "%s", units);
    return STORE_OK;
}

/* The highest message id of one chat among the log's feedings, their
 * removers and the undo receipts. */
typedef struct {
    int64_t chat_id, max;
} max_finder;

static int max_visit(const cJSON *item, void *ctx) {
    max_finder *m = ctx;
    turn_item it;
    if (strncmp(ddb_item_get_s(item, "sk"), "feed#", 5) == 0) {
        turn_item_from(item, &it);
        if (it.f.chat_id == m->chat_id && it.f.message_id > m->max) m->max = it.f.message_id;
        if (it.removed && it.removed_in == m->chat_id && it.removed_by > m->max)
            m->max = it.removed_by;
    }
    const cJSON *note;
    cJSON_ArrayForEach(note, cJSON_GetObjectItem(cJSON_GetObjectItem(item, "undone"), "M")) {
        long long chat, id;
        if (sscanf(note->string, "%lld.%lld", &chat, &id) == 2 && chat == m->chat_id &&
            id > m->max)
            m->max = id;
    }
    return 0;
}

/* Adds one to the settings item's counter of the chat's messages,
 * "next_message.<chat>", and returns the new value: ADD is atomic, so two
 * processes never get the same id. The counter starts above every id the
 * chat's history holds (feedings, their removers, undo receipts), read
 * once when the counter does not exist yet; two processes starting it at
 * once both start from that same maximum and still get different ids. */
static int bump_counter(dynamo_store *s, const char *family, int64_t chat_id,
                        int64_t start, int64_t *out, char *err) {
    char pk[DDB_ITEM_KEY_MAX], name[64], message[STORE_ERR_MAX];
    ddb_item_log_key(family, pk);
    snprintf(name, sizeof name, "next_message.%lld", (long long)chat_id);
    cJSON *req = ddb_request_new(s), *res = NULL;
    ddb_item_add_key(req, pk, "settings");
    cJSON_AddStringToObject(cJSON_AddObjectToObject(req, "ExpressionAttributeNames"), "#n",
                            name);
    cJSON *values = cJSON_AddObjectToObject(req, "ExpressionAttributeValues");
    ddb_item_put_n(values, ":one", 1);
    if (start < 0) {
        cJSON_AddStringToObject(req, "UpdateExpression", "SET #n = #n + :one");
        cJSON_AddStringToObject(req, "ConditionExpression", "attribute_exists(#n)");
    } else {
        ddb_item_put_n(values, ":start", start);
        cJSON_AddStringToObject(req, "UpdateExpression",
                                "SET #n = if_not_exists(#n, :start) + :one");
    }
    cJSON_AddStringToObject(req, "ReturnValues", "UPDATED_NEW");
    dynamo_status st = dynamo_call(s->client, "UpdateItem", req, &res, message,
                                   sizeof message);
    cJSON_Delete(req);
    *out = 0;
    if (st == DYNAMO_OK) *out = ddb_item_get_n(cJSON_GetObjectItem(res, "Attributes"), name);
    cJSON_Delete(res);
    if (st == DYNAMO_ERROR) return ddb_fail(err, message);
    return STORE_OK;
}

static int dyn_next_message_id(store *base, const char *family, int64_t chat_id,
                               int64_t *out, char *err) {
    dynamo_store *s = impl(base);
    char pk[DDB_ITEM_KEY_MAX];
    if (bump_counter(s, family, chat_id, -1, out, err) != STORE_OK) return STORE_ERROR;
    if (*out > 0) return STORE_OK;
    /* no counter yet: from the history's highest id */
    max_finder m = {chat_id, 0};
    ddb_item_log_key(family, pk);
    if (ddb_request_query_history(s, pk, max_visit, &m, err) != STORE_OK) return STORE_ERROR;
    return bump_counter(s, family, chat_id, m.max, out, err);
}

/* `milkbot serve` reads its updates with getUpdates and keeps its place in
 * them on SQLite only: on AWS, Telegram calls the webhook. */
static int dyn_no_update_offset(char *err) {
    snprintf(err, STORE_ERR_MAX, "the DynamoDB store does not keep milkbot "
             "serve's place in the updates: serve runs on SQLite (--store "
             "sqlite); on AWS, Telegram calls the webhook");
    return STORE_ERROR;
}

static int dyn_get_update_offset(store *base, int64_t bot_id, int64_t *last,
                                 char *err) {
    (void)base, (void)bot_id;
    *last = 0;
    return dyn_no_update_offset(err);
}

static int dyn_begin_update(store *base, char *err) {
    (void)base;
    return dyn_no_update_offset(err);
}

static int dyn_end_update(store *base, int64_t bot_id, int64_t last, int keep,
                          char *err) {
    (void)base, (void)bot_id, (void)last, (void)keep;
    return dyn_no_update_offset(err);
}

static void dyn_close(store *base) {
    dynamo_store *s = impl(base);
    turn_clear(&s->turn);
    dynamo_client_free(s->client);
    free(s);
}

static const store_ops dynamo_ops = {
    .add_message = dyn_add_message,
    .list_range = dyn_list_range,
    .list_amounts = dyn_list_amounts,
    .latest_before = dyn_latest_before,
    .undo_last = dyn_undo_last,
    .amend_last = dyn_amend_last,
    .put_back = dyn_put_back,
    .remove = dyn_remove,
    .replace_message = dyn_replace_message,
    .get_settings = dyn_get_settings,
    .set_tz = dyn_set_tz,
    .set_babies = dyn_set_babies,
    .set_units = dyn_set_units,
    .next_message_id = dyn_next_message_id,
    .put_schedule = ddb_put_schedule,
    .stop_reminders = ddb_stop_reminders,
    .list_schedules = ddb_list_schedules,
    .due_schedules = ddb_due_schedules,
    .claim_schedule = ddb_claim_schedule,
    .move_schedules = ddb_move_schedules,
    .get_update_offset = dyn_get_update_offset,
    .begin_update = dyn_begin_update,
    .end_update = dyn_end_update,
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
