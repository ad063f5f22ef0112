/* dynamodb_receipts.h -- the records that make undo, the Undo button and
 * edits exactly once.
 *
 * A receipt is an entry of the family settings item's map `undone`:
 * "C.M", what undo message M of chat C removed, {state, at, target,
 * feeding}; "press:P", what button press P removed; "edit:C.M", the
 * latest edit of message M of chat C applied, {at, edit}; "amend:C.M",
 * what correction M of chat C changed, {state, at, target, feeding,
 * amount}. Each is created only if absent, so every copy of one update -- a
 * retry, a concurrent copy, a redelivery days later -- finds the first
 * one's and follows it. See the top of store_dynamodb.c. Every function
 * that takes `err` returns STORE_OK, or STORE_ERROR with err saying why. */
#ifndef MILKBOT_STORE_DYNAMODB_RECEIPTS_H
#define MILKBOT_STORE_DYNAMODB_RECEIPTS_H

#include "dynamodb_item.h"
#include "store_dynamodb_internal.h"

#include <stdint.h>

/* Receipt keys: an undo message's chat and id, or "press:" and a button
 * press's id (Telegram's callback query ids are unique). */
#define RECEIPT_KEY_MAX 96
/* How long a receipt is kept: far longer than Telegram goes on delivering
 * an update whose answer failed. */
#define RECEIPT_KEEP_MS (8 * 24 * 3600 * 1000LL)
/* The key of undo message `by` of chat `chat_id` ("<chat>.<id>"). */
void receipt_undo_key(int64_t chat_id, int64_t by, char key[RECEIPT_KEY_MAX]);
void receipt_press_key(const char *press, char key[RECEIPT_KEY_MAX]);
/* The key of message `message_id`'s latest edit ("edit:<chat>.<id>"). */
void receipt_edit_key(int64_t chat_id, int64_t message_id, char key[RECEIPT_KEY_MAX]);
/* The key of correction message `by` ("amend:<chat>.<id>"). */
void receipt_amend_key(int64_t chat_id, int64_t by, char key[RECEIPT_KEY_MAX]);

typedef struct {
    int exists, done;
    char target[DDB_ITEM_KEY_MAX]; /* the feeding's sk; "" when there was nothing */
    store_feeding feeding; /* what it was, when target[0] */
    int amount; /* a correction's: the amount it gives the feeding */
    int refused; /* a correction that changed nothing: there was no
                    feeding, or (target set) not the amount named, or
                    a nursing session (the feeding's kind says which) */
} undo_receipt;

/* The receipt `key` as the turn read it (free), else read now. For an
 * undo (`by` > 0), an item of the turn removed by `by` of `by_chat` with no receipt
 * (undone by an earlier version) counts as a done receipt too. */
int receipt_find(dynamo_store *s, const char *family, const char *key,
                 int64_t by_chat, int64_t by, undo_receipt *r, char *err);

/* The receipt `key` read now, consistently: for one the turn may not show
 * (written after the turn was read). */
int receipt_read(dynamo_store *s, const char *family, const char *key,
                 undo_receipt *r, char *err);

/* An old-version note names a removed feeding by its sk only: read it for
 * the answer. */
int receipt_complete(dynamo_store *s, const char *family, undo_receipt *r,
                     char *err);

/* Creates the receipt of undo message `by` naming `target` (NULL: nothing
 * to undo), unless it exists: then *r is the one that exists, whoever made
 * it (a copy of this update, or this request's own earlier attempt whose
 * answer was lost). Entries older than RECEIPT_KEEP_MS are dropped on the
 * way, so the map stays small. */
int receipt_claim(dynamo_store *s, const char *family, const char *key,
                  const store_feeding *target, int done, undo_receipt *r,
                  char *err);

/* As receipt_claim, for correction `key` giving `target` the amount
 * `amount`: {state, at, target, feeding (as it was), amount}; with
 * `refused`, done at once, saying the correction changed nothing (target
 * NULL: there was nothing to change), so that it answers the same when
 * delivered again after a new feeding. */
int receipt_claim_amend(dynamo_store *s, const char *family, const char *key,
                        const store_feeding *target, int amount, int refused,
                        undo_receipt *r, char *err);

/* Sets the receipt's target from `old_target` to `target` (NULL: nothing
 * left to undo), unless another copy changed it first: *r is then what
 * the receipt says now. */
int receipt_retarget(dynamo_store *s, const char *family, const char *key,
                     const char *old_target, const store_feeding *target,
                     undo_receipt *r, char *err);

/* Marks the receipt done: its target is removed, by this undo. Safe to
 * repeat, and a copy that marked it first changes nothing. */
int receipt_done(dynamo_store *s, const char *family, const char *key,
                 const char *target, char *err);

/* Records that message `message_id` was edited at `edit_ms`, in the
 * receipts map (entry "edit:<id>", {at, edit}), unless an edit made later
 * was recorded: then *late = 1 and nothing is to change. The condition
 * holds for the same edit again, so a retry or a copy applies it again, to
 * the same effect. (Two different edits applied at the very same moment
 * can still interleave their writes; Telegram sends a message's edits one
 * after another.) An edit of unknown time (0) is applied unrecorded. */
int receipt_claim_edit(dynamo_store *s, const char *family, int64_t chat_id,
                       int64_t message_id,
                       int64_t edit_ms, int *late, char *err);

#endif
