/* store.h -- where feedings live: one interface, several backends.
 *
 * The bot needs exactly these operations, and a backend offers them through
 * a struct of function pointers (store_ops): the embedded SQLite store
 * (store_sqlite.c) for local use, DynamoDB in production.
 *
 * One log per family (#15). Every feeding belongs to a family's log, named
 * by a family id (STORE_FAMILY_MAX; the deployment's MILKBOT_FAMILY,
 * "family" by default): both parents, the grandparents and the family
 * group read and write the same log, from whichever chat they write in.
 * Which family a sender belongs to is the caller's configuration (today:
 * every allowed user is the one family); several families on one
 * deployment is a map from user to family id, with no change to what is
 * stored. The family's settings (its time zone) are the log's too.
 *
 * Keys and order. A feeding is identified by the message that made it,
 * (chat, message id, line): Telegram numbers messages per chat, so the chat
 * is part of the key, and a redelivered message records nothing twice while
 * an edit replaces exactly its own feedings. Feedings are listed by their
 * instant (UTC ms). Entry order -- what "undo" and "make that 110" take,
 * and what a record's running total counts up to -- is the order the
 * messages were written in: the message's Telegram date (sent_ms), then
 * chat, message id and line (store_entry_cmp). Never the feeding's own
 * time: two entries can carry the same time, and an edit keeps its
 * message's place. Undo and corrections take the *sender's* newest entry,
 * so one parent's "undo" never takes the other's feeding; the Undo button
 * takes exactly its own feeding, whoever presses it. Every write is
 * idempotent per message, because Telegram delivers a message again when
 * its answer was lost: nothing is ever recorded or removed twice.
 *
 * Logs from before families. Earlier versions kept one log per chat. The
 * deployment's family (store_adopting_family: MILKBOT_FAMILY) adopts them
 * when it first reads the store (get_settings): every feeding, removed
 * ones and their receipts too, keeps its key and becomes the family's; the
 * family's zone is the zone of the chat that recorded last. Another family
 * (`milkbot chat --family test`) adopts nothing. Nothing of the old logs
 * is deleted.
 *
 * Errors. Every operation returns STORE_OK or STORE_ERROR; on error `err`
 * holds a message for a person (no secrets, no SQL) and nothing was changed:
 * every write is all-or-nothing. `err` always has room for STORE_ERR_MAX
 * bytes. */
#ifndef MILKBOT_STORE_H
#define MILKBOT_STORE_H

#include "clock/clock.h"
#include "phrase/phrase.h"

#include <stddef.h>
#include <stdint.h>

enum { STORE_OK = 0, STORE_ERROR = -1 };

#define STORE_WHO_MAX 64       /* bytes of the sender's name */
#define STORE_TEXT_MAX 512     /* bytes of the line typed */
#define STORE_ERR_MAX 256

/* The most feedings one message may record: a tired parent catching up on a
 * night's bottles in one message, with room to spare. */
#define STORE_MESSAGE_MAX_FEEDINGS 24

/* A nursing session's sides: up to 7 letters L/R, or "B", and the NUL. */
#define STORE_SIDES_MAX 8
/* The family's units (#16): "ml" or "oz", or "" when it chose none (the
 * deployment's default, MILKBOT_UNITS, applies). */
#define STORE_UNITS_MAX 4

/* A family id: 1 to 32 of A-Z a-z 0-9 _ -, and its NUL. */
#define STORE_FAMILY_MAX 33
/* A baby's name (bytes and NUL: letters, "-" or "'"), and how many babies
 * a family names ("babies Mia Leo"); a family that names none has one. */
#define STORE_BABY_MAX 24
#define STORE_BABIES_MAX 4
/* The family of a deployment that names none. */
#define STORE_DEFAULT_FAMILY "family"

/* Whether `family` is a valid family id. */
int store_family_valid(const char *family);

/* The family that adopts the logs of versions before families: the
 * deployment's, $MILKBOT_FAMILY, else STORE_DEFAULT_FAMILY. */
const char *store_adopting_family(void);

typedef struct {
    int64_t chat_id, message_id;
    int line;                           /* 1-based line in the message */
    int64_t from_id;                    /* the sender's Telegram user id (0:
                                           not known, for a feeding written
                                           in a group before #15) */
    int64_t sent_ms;                    /* when its message was written */
    int64_t at_ms;                      /* the feeding's instant */
    char at[CLOCK_RFC3339_MAX];         /* local time when entered */
    char day[CLOCK_DATE_MAX];           /* local date of `at` */
    int amount_ml;                      /* a bottle's; 0 for nursing */
    phrase_kind kind;
    /* PHRASE_NURSING (#16): the sides in the order nursed ("L", "R",
     * "LR", "RL", "LRL"...; "B": both, in an order not said; "": not
     * said), the minutes on each (0: not said), and in all (0: not
     * said). A bottle has none of them. */
    char sides[STORE_SIDES_MAX];
    int left_min, right_min;
    int minutes;
    char baby[STORE_BABY_MAX];          /* whose feeding: "" when the family
                                           named no babies then */
    char who[STORE_WHO_MAX];
    char note[PHRASE_NOTE_MAX + 1];
    char text[STORE_TEXT_MAX];          /* the line as typed */
    int64_t entered_at_ms;              /* wall clock when entered */
} store_feeding;

/* Entry order (see the top): <0, 0 or >0 as a was entered before, with or
 * after b. */
int store_entry_cmp(const store_feeding *a, const store_feeding *b);

/* A message's place in entry order as a string that sorts the same way
 * (what set_tz and set_babies keep beside a setting). */
#define STORE_STAMP_MAX 64
/* Where its parts are: "<sent ms: 15>#<chat: 20>#<message: 20>". */
#define STORE_STAMP_SENT 0, 15
#define STORE_STAMP_CHAT 16, 20
#define STORE_STAMP_MESSAGE 37, 20
void store_stamp(int64_t sent_ms, int64_t chat_id, int64_t message_id,
                 char out[STORE_STAMP_MAX]);

/* Time order: by instant, then entry order. */
int store_time_cmp(const store_feeding *a, const store_feeding *b);

/* A growable list of feedings; free with store_list_free. */
typedef struct {
    store_feeding *items;
    size_t count, cap;
} store_list;

/* A family's settings. */
typedef struct {
    char tz[CLOCK_ZONE_ID_MAX];  /* "" when the family has not chosen one */
    /* the babies' names, "Mia,Leo" ("" when none named: one baby) */
    char babies[STORE_BABIES_MAX * STORE_BABY_MAX];
    char units[STORE_UNITS_MAX]; /* "ml", "oz"; "" when not chosen */
} store_settings;

/* What the bot says on its own (#17): a family's schedules. Each belongs
 * to the chat it was set in (where it is said) and is keyed by (family,
 * chat, kind, message id):
 *  - STORE_REMIND_ONCE: "remind me in 3h", "remind 2:30am": one per
 *    message that set it (message_id); said once at due_ms.
 *  - STORE_REMIND_EVERY: "remind every 3h": one per chat (message_id 0),
 *    said every every_min minutes from due_ms on.
 *  - STORE_ALERT: "alert 4h": one per chat (message_id 0); due when no
 *    feeding may have been recorded for every_min minutes; last_ms is the
 *    instant of the feeding it last alerted about (once per gap).
 *  - STORE_SUMMARY: "summary at 8pm": one per chat (message_id 0); said
 *    daily at local hour:minute in the family's zone.
 * due_ms 0 means "not due": an alert or summary turned off, a stopped or
 * said reminder. Such a schedule is kept (with `by`, the stamp of the
 * message that made it so) so that an older message delivered again never
 * turns back on what a newer one turned off; a backend may forget one-off
 * reminders that are not due STORE_SCHEDULE_KEEP_MS after their `by`. */
typedef enum {
    STORE_REMIND_ONCE = 1,
    STORE_REMIND_EVERY = 2,
    STORE_ALERT = 3,
    STORE_SUMMARY = 4
} store_schedule_kind;

#define STORE_SCHEDULE_KEEP_MS (7LL * 24 * 3600 * 1000)
/* The most schedules list_schedules returns for a chat, and a tick takes
 * at once (the rest are due at the next tick). */
#define STORE_SCHEDULES_MAX 32
#define STORE_DUE_MAX 64

typedef struct {
    char family[STORE_FAMILY_MAX];
    int64_t chat_id;
    store_schedule_kind kind;
    int64_t message_id;       /* STORE_REMIND_ONCE: the message; else 0 */
    int64_t due_ms;           /* when next due; 0: not due */
    int every_min;            /* REMIND_EVERY: the period; ALERT: the gap */
    int hour, minute;         /* SUMMARY: local time of day */
    int64_t last_ms;          /* ALERT: the feeding last alerted about */
    int64_t set_ms;           /* when the message that set it was written */
    char by[STORE_STAMP_MAX]; /* the stamp of the message that set it last */
} store_schedule;

typedef struct store store;

/* What a correction, or the putting back of one, did. */
enum {
    STORE_AMEND_DONE = 0, /* changed (also: found changed by this update) */
    STORE_AMEND_NONE,     /* nothing to change: no feeding; for put_back,
                             no such correction (or too old to know) */
    STORE_AMEND_OTHER,    /* the feeding has another amount than expected:
                             nothing changed */
    STORE_AMEND_GONE,     /* the feeding was removed meanwhile */
    STORE_AMEND_NURSING,  /* the newest entry is a nursing session, which
                             has no amount: nothing changed (*before is
                             the session) */
};

/* Every operation names the family's log it works on (`family`, a valid
 * family id); a message is named by (chat_id, message_id). */
typedef struct {
    /* Records the feedings of one message, all or nothing (feeds[0] names
     * the message: chat, message id, sender, sent_ms, which all its
     * feedings share). If that message was recorded before (a
     * redelivery), records nothing, sets *already and replaces `feeds`
     * with what the message recorded then (as many as remain, *n
     * updated). */
    int (*add_message)(store *s, const char *family, store_feeding *feeds,
                       size_t *n, int *already, char *err);
    /* Feedings of the log with from_ms <= at_ms < to_ms, in time order
     * (store_time_cmp), appended to *out. */
    int (*list_range)(store *s, const char *family, int64_t from_ms,
                      int64_t to_ms, store_list *out, char *err);
    /* As list_range, for totals: chat, message, line, instant, amount,
     * baby, and for nursing the kind and minutes must be right, the rest
     * may be empty. A backend
     * may answer it more cheaply (DynamoDB: the per-day sums, for
     * "week"). */
    int (*list_amounts)(store *s, const char *family, int64_t from_ms,
                        int64_t to_ms, store_list *out, char *err);
    /* The feeding with the latest instant before `before_ms`; *found = 0 if
     * there is none. */
    int (*latest_before)(store *s, const char *family, int64_t before_ms,
                         store_feeding *out, int *found, char *err);
    /* Undo, asked by message (chat_id, message_id) of sender `from_id`:
     * removes the sender's most recently entered feeding in the log and
     * returns it; *found = 0 when there is nothing to undo. The same
     * message asking again (a redelivery) removes nothing more and returns
     * what it removed the first time. */
    int (*undo_last)(store *s, const char *family, int64_t chat_id,
                     int64_t message_id, int64_t from_id,
                     store_feeding *removed, int *found, char *err);
    /* A correction, asked by message (chat_id, message_id) of sender
     * `from_id` ("make that 110"): the sender's most recently entered
     * feeding (what undo_last would take) gets amount `amount_ml`;
     * everything else stays, its place in entry order too. When
     * `expect_ml` is not 0 ("not 120, 100"), only if that feeding's amount
     * is expect_ml. A nursing session has no amount: STORE_AMEND_NURSING,
     * nothing changed. *before is the feeding as it was and *outcome says
     * what happened (STORE_AMEND_*). The same message asking again (a
     * redelivery, a retry, a copy) changes nothing more and answers as
     * the first time, whatever happened since. */
    int (*amend_last)(store *s, const char *family, int64_t chat_id,
                      int64_t message_id, int64_t from_id, int amount_ml,
                      int expect_ml, store_feeding *before, int *outcome,
                      char *err);
    /* The Undo button of a correction: the feeding correction (chat_id,
     * message_id) changed gets its amount back, if it is still there with
     * the amount the correction gave it. *now is the feeding as it is
     * afterwards (when there is one) and *outcome says what happened
     * (STORE_AMEND_*). `press` as for remove: the same press again
     * answers as the first time and changes nothing more. */
    int (*put_back)(store *s, const char *family, int64_t chat_id,
                    int64_t message_id, const char *press, store_feeding *now,
                    int *outcome, char *err);
    /* Removes one feeding by its key, if it is still there: the Undo button
     * of a reply, whoever in the family presses it. `at_ms` is the
     * feeding's instant when the button carries it (0: not known), so that
     * a store keyed by time finds it without a look-up; a wrong one costs
     * only that look-up. `press` names the button press that asks
     * (Telegram's callback query id; "" when there is none, as in tests):
     * the same press again (a redelivery, or a retry after a lost answer)
     * finds the feeding it removed and reports it again, *found = 1, never
     * "already removed"; another press of an already removed one finds
     * nothing (*found = 0). */
    int (*remove)(store *s, const char *family, int64_t chat_id,
                  int64_t message_id, int line, int64_t at_ms,
                  const char *press, store_feeding *removed, int *found,
                  char *err);
    /* An edited message, edited at `edit_ms` (Telegram's edit_date; 0 when
     * not known, as in tests): its feedings become exactly `feeds` (n may
     * be 0), and the ones it had are returned in *old. Edits can arrive out
     * of order (a retried older edit after a newer one): an edit made
     * before the one already applied changes nothing, sets *stale (when not
     * NULL) and returns in *old the message's feedings as they are. The same
     * edit again is applied again, to the same effect. Removed feedings stay
     * the records of what removed them: a redelivered undo or press still
     * answers as it did. */
    int (*replace_message)(store *s, const char *family, int64_t chat_id,
                           int64_t message_id, int64_t edit_ms,
                           const store_feeding *feeds, size_t n,
                           store_list *old, int *stale, char *err);
    /* Begins handling a message written at `now_ms`: the family's
     * settings (a family never seen reads as all empty), after adopting
     * the logs of earlier versions (see the top) if no family has yet. A
     * backend may read ahead what a message usually needs (the log's last
     * days) in the same request, and answer the calls that follow from
     * memory until the next get_settings: the bot calls it first for
     * every message. */
    int (*get_settings)(store *s, const char *family, int64_t now_ms,
                        store_settings *out, char *err);
    /* A family's setting, set by the message `by` names (store_stamp):
     * its zone, or its babies ("Mia,Leo"; "" for one baby, unnamed). A
     * setting made by a message written later -- in a later second, or in
     * the same second a later message of the same chat -- stands: then
     * nothing changes and *stale is set, so that an old message delivered
     * again (a lost answer, Telegram's retry) never undoes a newer change.
     * Messages of two chats in the same second (Telegram's dates are
     * seconds) cannot be ordered: the one handled last stands. The same
     * message again sets the same value again. */
    int (*set_tz)(store *s, const char *family, const char *tz, const char *by,
                  int *stale, char *err);
    int (*set_babies)(store *s, const char *family, const char *babies,
                      const char *by, int *stale, char *err);
    /* The family's units ("ml", "oz"), under the same rule (#16). */
    int (*set_units)(store *s, const char *family, const char *units,
                     const char *by, int *stale, char *err);
    /* A new message id for a chat whose messages the store numbers itself
     * (`milkbot chat`, where no Telegram numbers them): above every id the
     * chat has used, and allocated atomically, so that two processes on one
     * store never get the same one (a message taking another's id would
     * look like its redelivery, and be lost). */
    int (*next_message_id)(store *s, const char *family, int64_t chat_id,
                           int64_t *out, char *err);
    /* Schedules (#17). Sets one, by its key (above), as the message
     * sc->by names: under set_tz's rule for the per-chat kinds (a schedule
     * set by a later message stands: nothing changes, *stale set). The
     * message that set it, again (Telegram's redelivery, even after the
     * schedule was said and moved on), changes nothing and does not set
     * *stale: a summary is not said twice because its message came
     * twice. A STORE_REMIND_ONCE is set once only, likewise; and not
     * when the chat's reminders were stopped by a later message (its
     * message handled late, after the stop: *stale). due_ms 0 turns it
     * off. */
    int (*put_schedule)(store *s, const store_schedule *sc, int *stale,
                        char *err);
    /* "stop reminders", by the message `by` names: every reminder of the
     * chat (both kinds) set by a message before `by` (set_tz's rule)
     * stops (due_ms 0, by `by`); *stopped counts those that were due.
     * Again (the same message redelivered): changes nothing more and
     * answers the same *stopped (less any set anew since). A chat with
     * no repeating reminder gets one, not due, set by `by`: the stop's
     * mark, so that reminders of older messages handled after it stay
     * stopped. */
    int (*stop_reminders)(store *s, const char *family, int64_t chat_id,
                          const char *by, int *stopped, char *err);
    /* The family's schedules of chat `chat_id` (0: of all its chats),
     * at most max, by kind then message id, but one-off reminders said
     * or stopped last (kept a week, they never crowd out what is set). */
    int (*list_schedules)(store *s, const char *family, int64_t chat_id,
                          store_schedule *out, size_t max, size_t *n,
                          char *err);
    /* Every family's schedules due at or before now_ms, soonest first, at
     * most max: what a tick does (DynamoDB: ONE Query of a sparse index
     * on the due time; it may be a moment behind, so a schedule's due time
     * is checked again by claim_schedule). */
    int (*due_schedules)(store *s, int64_t now_ms, store_schedule *out,
                         size_t max, size_t *n, char *err);
    /* A tick takes a due schedule: only if it is still as `sc` (due at
     * sc->due_ms, set by sc->by), it becomes due at next_due_ms (0: not
     * due) with last_ms, and *won = 1; else nothing changes, *won = 0.
     * Two ticks at once, or one retried, win it once: only the winner
     * says it. `claim` names this attempt of this tick (random, unique):
     * a claim whose answer was lost and that the client retried finds its
     * own name on the schedule and has won (*won = 1); any other attempt
     * -- a retried invocation, an overlapping tick -- finds another's and
     * has not. Giving it back (a send that failed) is the same call with
     * the schedule as the winner left it (due_ms next_due_ms, last_ms)
     * and its old due time. */
    int (*claim_schedule)(store *s, const store_schedule *sc,
                          int64_t next_due_ms, int64_t last_ms,
                          const char *claim, int *won, char *err);
    /* Telegram gave chat from_chat a new id, to_chat (a group upgraded
     * to a supergroup): the family's schedules of from_chat become
     * to_chat's, as they were (due time, claim, stop marks). One that
     * to_chat already has of its own stands (it was set in the new chat,
     * so after the upgrade) and the old one is dropped. Doing it again
     * moves nothing more. *moved: how many were moved. */
    int (*move_schedules)(store *s, const char *family, int64_t from_chat,
                          int64_t to_chat, int *moved, char *err);
    /* `milkbot serve` (#18): the id of the last update that bot `bot_id`
     * (the number its token begins with) read with getUpdates and handled
     * (*last 0: none yet). */
    int (*get_update_offset)(store *s, int64_t bot_id, int64_t *last, char *err);
    /* One update's effect and the place after it, all or nothing:
     * begin_update opens a transaction that holds every operation that
     * follows until end_update, which either keeps them all with `last`
     * (the update just handled) as bot_id's place, or (keep 0) undoes
     * them all and the place stays. So a crash at any point between the
     * two leaves the update neither done nor passed over: it is read and
     * handled again. Operations that fail inside undo only themselves, as
     * ever. The place is kept as given, never the greater of the two:
     * Telegram numbers a bot's updates anew after a quiet week. Only the
     * SQLite store has them: DynamoDB's bot gets its updates by webhook,
     * and answers STORE_ERROR saying serve needs SQLite. */
    int (*begin_update)(store *s, char *err);
    int (*end_update)(store *s, int64_t bot_id, int64_t last, int keep, char *err);
    void (*close)(store *s);
} store_ops;

struct store {
    const store_ops *ops;
};

/* Opens the store named by `spec`: "sqlite:PATH", "sqlite::memory:",
 * "sqlite" (the default file, see store_default_sqlite_path), or
 * "dynamodb:TABLE" (AWS settings from the environment). Returns NULL with a
 * message in err. */
store *store_open(const char *spec, char *err, size_t errlen);

/* $XDG_DATA_HOME/milkbot/milkbot.db, else ~/.local/share/milkbot/milkbot.db.
 * Returns -1 when neither variable is set. */
int store_default_sqlite_path(char *path, size_t size);

/* Convenience wrappers: s->ops->name(s, ...). */
static inline void store_close(store *s) {
    if (s) s->ops->close(s);
}

int store_list_push(store_list *list, const store_feeding *f);
void store_list_free(store_list *list);

const char *store_kind_name(phrase_kind kind);
int store_kind_from_name(const char *name, phrase_kind *kind);

#endif
