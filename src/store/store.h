/* store.h -- where feedings live: one interface, several backends.
 *
 * The bot needs exactly these operations, and a backend offers them through
 * a struct of function pointers (store_ops): the embedded SQLite store
 * (store_sqlite.c) for local use, DynamoDB in production.
 *
 * Keys and order. A feeding is identified by (chat, message id, line): the
 * Telegram message it came from and its line in that message, so that a
 * redelivered message records nothing twice and an edit replaces exactly its
 * own feedings. Feedings are listed by their instant (UTC ms). "Undo"
 * removes the most recently *entered* one: Telegram numbers a chat's
 * messages in the order they were sent, so entry order is (message id,
 * line), never a clock (two entries can carry the same time, and an edit
 * keeps its message's place). Every write is idempotent per message,
 * because Telegram delivers a message again when its answer was lost:
 * nothing is ever recorded or removed twice.
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

typedef struct {
    int64_t chat_id, message_id;
    int line;                           /* 1-based line in the message */
    int64_t at_ms;                      /* the feeding's instant */
    char at[CLOCK_RFC3339_MAX];         /* local time when entered */
    char day[CLOCK_DATE_MAX];           /* local date of `at` */
    int amount_ml;
    phrase_kind kind;
    char who[STORE_WHO_MAX];
    char note[PHRASE_NOTE_MAX + 1];
    char text[STORE_TEXT_MAX];          /* the line as typed */
    int64_t entered_at_ms;              /* wall clock when entered */
    int64_t seq;                        /* entry order: STORE_SEQ(message
                                           id, line), set by the store */
} store_feeding;

/* Entry order as one number; message ids are far below 2^63 / 10^4. */
#define STORE_SEQ(message_id, line) ((int64_t)(message_id) * 10000 + (line))

/* A growable list of feedings; free with store_list_free. */
typedef struct {
    store_feeding *items;
    size_t count, cap;
} store_list;

typedef struct {
    char tz[CLOCK_ZONE_ID_MAX];  /* "" when the chat has not chosen one */
} store_chat;

typedef struct store store;

/* What a correction, or the putting back of one, did. */
enum {
    STORE_AMEND_DONE = 0, /* changed (also: found changed by this update) */
    STORE_AMEND_NONE,     /* nothing to change: no feeding; for put_back,
                             no such correction (or too old to know) */
    STORE_AMEND_OTHER,    /* the feeding has another amount than expected:
                             nothing changed */
    STORE_AMEND_GONE,     /* the feeding was removed meanwhile */
};

typedef struct {
    /* Records the feedings of one message, all or nothing, assigning each
     * its `seq`. If that message was recorded before (a redelivery), records
     * nothing, sets *already and replaces `feeds` with what the message
     * recorded then (as many as remain, *n updated). */
    int (*add_message)(store *s, store_feeding *feeds, size_t *n,
                       int *already, char *err);
    /* Feedings of a chat with from_ms <= at_ms < to_ms, in time order (entry
     * order among equal times), appended to *out. */
    int (*list_range)(store *s, int64_t chat_id, int64_t from_ms,
                      int64_t to_ms, store_list *out, char *err);
    /* As list_range, for totals: chat, message, line, instant and amount
     * must be right, the rest may be empty. A backend may answer it more
     * cheaply (DynamoDB: the per-day sums, for "week"). */
    int (*list_amounts)(store *s, int64_t chat_id, int64_t from_ms,
                        int64_t to_ms, store_list *out, char *err);
    /* The feeding with the latest instant before `before_ms`; *found = 0 if
     * there is none. */
    int (*latest_before)(store *s, int64_t chat_id, int64_t before_ms,
                         store_feeding *out, int *found, char *err);
    /* Undo, asked by message `message_id`: removes the most recently
     * entered feeding of a chat and returns it; *found = 0 when there is
     * nothing to undo. The same message asking again (a redelivery) removes
     * nothing more and returns what it removed the first time. */
    int (*undo_last)(store *s, int64_t chat_id, int64_t message_id,
                     store_feeding *removed, int *found, char *err);
    /* A correction, asked by message `message_id` ("make that 110"): the
     * most recently entered feeding of a chat (what undo_last would take)
     * gets amount `amount_ml`; everything else stays, its place in entry
     * order too. When `expect_ml` is not 0 ("not 120, 100"), only if that
     * feeding's amount is expect_ml. *before is the feeding as it was and
     * *outcome says what happened (STORE_AMEND_*). The same message asking
     * again (a redelivery, a retry, a copy) changes nothing more and
     * answers as the first time, whatever happened since. */
    int (*amend_last)(store *s, int64_t chat_id, int64_t message_id,
                      int amount_ml, int expect_ml, store_feeding *before,
                      int *outcome, char *err);
    /* The Undo button of a correction: the feeding correction `message_id`
     * changed gets its amount back, if it is still there with the amount
     * the correction gave it. *now is the feeding as it is afterwards (when
     * there is one) and *outcome says what happened (STORE_AMEND_*).
     * `press` as for remove: the same press again answers as the first
     * time and changes nothing more. */
    int (*put_back)(store *s, int64_t chat_id, int64_t message_id,
                    const char *press, store_feeding *now, int *outcome,
                    char *err);
    /* Removes one feeding by its key, if it is still there: the Undo button
     * of a reply. `at_ms` is the feeding's instant when the button carries
     * it (0: not known), so that a store keyed by time finds it without a
     * look-up; a wrong one costs only that look-up. `press` names the
     * button press that asks (Telegram's
     * callback query id; "" when there is none, as in tests): the same
     * press again (a redelivery, or a retry after a lost answer) finds the
     * feeding it removed and reports it again, *found = 1, never
     * "already removed"; another press of an already removed one finds
     * nothing (*found = 0). */
    int (*remove)(store *s, int64_t chat_id, int64_t message_id, int line,
                  int64_t at_ms, const char *press, store_feeding *removed,
                  int *found, char *err);
    /* An edited message, edited at `edit_ms` (Telegram's edit_date; 0 when
     * not known, as in tests): its feedings become exactly `feeds` (n may
     * be 0), and the ones it had are returned in *old. Edits can arrive out
     * of order (a retried older edit after a newer one): an edit made
     * before the one already applied changes nothing, sets *stale (when not
     * NULL) and returns in *old the message's feedings as they are. The same
     * edit again is applied again, to the same effect. Removed feedings stay
     * the records of what removed them: a redelivered undo or press still
     * answers as it did. */
    int (*replace_message)(store *s, int64_t chat_id, int64_t message_id,
                           int64_t edit_ms, const store_feeding *feeds,
                           size_t n, store_list *old, int *stale, char *err);
    /* Begins handling a message written at `now_ms` in a chat: the chat's
     * settings (a chat never seen reads as all empty). A backend may read
     * ahead what a message usually needs (the chat's last days) in the same
     * request, and answer the calls that follow from memory until the next
     * get_chat: the bot calls it first for every message. */
    int (*get_chat)(store *s, int64_t chat_id, int64_t now_ms, store_chat *out,
                    char *err);
    int (*set_tz)(store *s, int64_t chat_id, const char *tz, char *err);
    /* A new message id for a chat whose messages the store numbers itself
     * (`milkbot chat`, where no Telegram numbers them): above every id the
     * chat has used, and allocated atomically, so that two processes on one
     * store never get the same one (a message taking another's id would
     * look like its redelivery, and be lost). */
    int (*next_message_id)(store *s, int64_t chat_id, int64_t *out, char *err);
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
