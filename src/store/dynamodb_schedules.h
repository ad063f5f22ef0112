/* dynamodb_schedules.h -- a family's schedules (#17) on DynamoDB: the
 * store_ops of store.h that keep them (put_schedule, stop_reminders,
 * list_schedules, due_schedules, claim_schedule, move_schedules).
 *
 * Items. A schedule is an item of its family's partition (pk
 * "log#<family>"), sk "when#<chat>#<kind>#<message id, 20 digits>", which
 * sorts after "settings" and "sum#": the turn's Query ("feed#..." to
 * "settings") never reads one. Attributes: family, chat_id, kind,
 * message_id, every_min, hour, minute, last_ms, set_ms, by (the stamp of
 * the message that set it last), claim (the tick attempt that last moved
 * it), stopped (the "stop reminders" message that stopped it while due)
 * and, only while it is due, `due` (N, epoch ms) and `due_pk` (S, "due").
 * While it moves to its chat's new id (move_schedules), `moving_to` (its
 * new sk) and `moving_chat`: no tick claims it then, and a tick that
 * finds it due finishes the move (its copy is due at the next tick).
 * A one-off reminder also has `expires` (epoch seconds, a week after its
 * message or its due time): the table's time to live deletes it some time
 * after, so said ones do not pile up (dynalite ignores it: harmless).
 *
 * The index. "by_due" (HASH due_pk, RANGE due; template.yaml, `milkbot
 * create-table`) holds exactly the items that have `due`: the due
 * schedules of every family, soonest first. A tick reads it with ONE
 * Query; REMOVE due, due_pk takes a schedule out of it. An index read may
 * lag a write by a moment, which claim_schedule's condition covers.
 *
 * Requests, each single-item and conditional (the top of store_dynamodb.c):
 *   put_schedule    1 PutItem (condition: new, or not set by a later
 *                   message; a one-off only if new), and 1 GetItem when
 *                   its condition fails (its own message again, or a
 *                   later one's?); a one-off first 1 GetItem of the
 *                   chat's repeating reminder (a stop's mark)
 *   stop_reminders  1 Query of the chat's reminders, then 1 UpdateItem for
 *                   each set before the stop (conditional on what the
 *                   Query saw; on a failed condition 1 GetItem, and again);
 *                   1 PutItem of its mark when the chat has no repeating
 *                   reminder
 *   list_schedules  1 Query (pages beyond 1 MB, never in practice)
 *   due_schedules   1 Query of by_due
 *   claim_schedule  1 UpdateItem; a failed condition (another's claim, or
 *                   this claim retried after its answer was lost, or one
 *                   moving: then the move is finished) 1 GetItem
 *   move_schedules  1 Query of the old chat's schedules, then for each 1
 *                   UpdateItem that marks it for its new key, so that no
 *                   tick claims it (conditional on what was read; on a failed
 *                   condition 1 GetItem, and again), 1 PutItem of its copy
 *                   under the new key (on a failed condition 1 GetItem:
 *                   the new chat's own, or this copy before?), 1
 *                   DeleteItem of it. Only when a group becomes a
 *                   supergroup
 */
#ifndef MILKBOT_STORE_DYNAMODB_SCHEDULES_H
#define MILKBOT_STORE_DYNAMODB_SCHEDULES_H

#include "store.h"

int ddb_put_schedule(store *s, const store_schedule *sc, int *stale, char *err);
int ddb_stop_reminders(store *s, const char *family, int64_t chat_id, const char *by,
                       int *stopped, char *err);
int ddb_list_schedules(store *s, const char *family, int64_t chat_id,
                       store_schedule *out, size_t max, size_t *n, char *err);
int ddb_due_schedules(store *s, int64_t now_ms, store_schedule *out, size_t max,
                      size_t *n, char *err);
int ddb_claim_schedule(store *s, const store_schedule *sc, int64_t next_due_ms,
                       int64_t last_ms, const char *claim, int *won, char *err);

int ddb_move_schedules(store *s, const char *family, int64_t from_chat, int64_t to_chat,
                       int *moved, char *err);

#endif
