/* dynamodb_sums.h -- what "week" reads on DynamoDB: per UTC day, one small
 * item of the amounts fed that day, kept with every write.
 *
 * A week is seven local days, so it shows every feeding of 8 or 9 UTC
 * days. Reading those feedings costs ~0.5 kB each (1 MB at 2 000 in the
 * week). Instead each write also keeps, in the item pk "log#<family>", sk
 * "sum#<UTC date>", one attribute per live feeding of that day, named
 * "<instant ms>.<chat>.<message>.<line>" (and ".<baby>" when it names one)
 * and holding its value: ~50 bytes a feeding, and a week is one Query of
 * at most 9 small items. A bottle's value is its ml (>= 1); a nursing
 * session (#16), which has no amount, holds -(1 + its minutes in all),
 * always <= -1, so that a week counts sessions and their minutes from the
 * sums alone (minutes 0: not said). Entries of versions before #16 are
 * all bottles. The names carry the
 * instants, so the bot still cuts days by local date in the family's zone
 * of now, a 23- or 25-hour day included. "sum#" sorts after "settings",
 * outside the turn's range.
 *
 * Every change is a SET or a REMOVE of one attribute: safe to repeat, so a
 * retry or a copy of the same update changes nothing more. The settings
 * item's `sums_from` says since when every feeding has its entry: the
 * first write of this version in a log fills in the feedings of its turn
 * and sets it; a week reaching further back reads those days' feedings. */
#ifndef MILKBOT_STORE_DYNAMODB_SUMS_H
#define MILKBOT_STORE_DYNAMODB_SUMS_H

#include "store.h"

#include <stddef.h>
#include <stdint.h>

struct dynamo_store;

/* Keeps the entries of `n` live feedings of `family`'s log (one request per
 * UTC day they fall on). Before the first in a log, fills in the turn's. */
int sums_add(struct dynamo_store *s, const char *family,
             const store_feeding *feeds, size_t n, char *err);

/* Drops the entry of a feeding just removed. */
int sums_remove(struct dynamo_store *s, const char *family,
                const store_feeding *f, char *err);

/* Sets the entry of a feeding whose amount a correction just changed, if
 * it has one: a feeding removed meanwhile has lost its entry and gets no
 * new one. Safe to repeat. */
int sums_amend(struct dynamo_store *s, const char *family,
               const store_feeding *f, char *err);

/* Appends to *out the feedings of `family`'s log with from_ms <= at_ms <
 * to_ms as the sums hold them: chat, message, line, instant, baby and
 * amount; for a nursing session kind PHRASE_NURSING, amount 0 and its
 * minutes. The caller makes sure the range lies after the turn's
 * sums_from. */
int sums_list(struct dynamo_store *s, const char *family, int64_t from_ms,
              int64_t to_ms, store_list *out, char *err);

#endif
