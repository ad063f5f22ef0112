/* bot.h -- the conversation: a message in, a reply out.
 *
 * The bot core knows phrases, time and the store, and nothing of Telegram or
 * Lambda: `milkbot chat` drives it from a terminal, the webhook handler from
 * Telegram updates. Given (chat, sender, message id, text, now) it records,
 * totals, lists and corrects, and writes the reply text. */
#ifndef MILKBOT_BOT_H
#define MILKBOT_BOT_H

#include "bot/reply.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

typedef struct bot bot;

typedef struct {
    const char *family;  /* the family's log (store.h): the sender's */
    int64_t chat_id;
    int64_t message_id;
    int64_t from_id;     /* the sender's Telegram user id */
    const char *who;     /* the sender's name, as shown in replies */
    const char *text;    /* any bytes; lines are split on '\n' */
    size_t len;
    /* When the message was written: phrases are resolved against it. For an
     * edited message, the original message's time (an edit of "120ml" an
     * hour later does not move the feeding). */
    int64_t now_ms;
    int64_t entered_ms;  /* the wall clock, stored with each feeding */
    int edited;          /* the message was edited: replace its feedings */
    /* For an edited message, when it was edited (Telegram's edit_date; 0
     * when not known: entered_ms then). Edits arriving out of order are
     * told apart by it, and the reply names days ("today") from it, as a
     * "total?" sent then would. */
    int64_t edit_ms;
} bot_message;

enum { BOT_OK = 0, BOT_STORE_FAILED = -1 };

typedef struct {
    reply_text reply;
    /* What this message recorded (0 for a command, an error or a
     * redelivery), and the key of its first feeding (also for a
     * redelivery; 0 when none), for the reply's Undo button. */
    int recorded;
    int64_t first_message_id;
    int first_line;
    int64_t first_at_ms; /* its instant: the button carries it, so that its
                            store finds the feeding without looking it up */
    int first_babies;    /* 1; for a "both" line, how many babies' feedings
                            the line has (the button removes them all) */
    /* A correction this reply reports (its message id; 0: none): the
     * reply's Undo button puts the amount back (bot_put_back). */
    int64_t correction_id;
    /* An edit changed what is stored (its message's feedings replaced or
     * removed), not only answered */
    int edit_changed;
    /* BOT_STORE_FAILED: the store's message, for logs (no message text,
     * no secrets); "" otherwise */
    char error[STORE_ERR_MAX];
} bot_result;

/* A bot over `s` (not owned), for chats whose zone is `default_tz` until
 * they choose one. Returns NULL with a message when the zone is unknown. */
bot *bot_new(store *s, const char *default_tz, char *err, size_t errlen);
/* The units of a family that chose none ("ml", the default, or "oz":
 * MILKBOT_UNITS). Returns -1 with a message for anything else. */
int bot_set_default_units(bot *b, const char *units, char *err, size_t errlen);
void bot_free(bot *b);

/* Handles one message. Returns BOT_OK, or BOT_STORE_FAILED when the store
 * could not be reached: then nothing was changed, the reply says so, and the
 * caller should have the message delivered again (a webhook answers 5xx). */
int bot_handle(bot *b, const bot_message *m, bot_result *out);

/* Whether a message in a group, not addressed to the bot, is the
 * people's own conversation rather than for the bot. It is for the bot
 * only when every line has nothing but milkbot's words (and filler:
 * phrase.words == 0) and either says a feeding with its unit ("120ml",
 * "gave him 4oz at 3"; also one the bot then questions, "120ml 90ml") or
 * asks with a command word ("total?", "how much yesterday", "last",
 * "week", "help", "tz"). Undo, corrections and a new time zone are never
 * taken from talk ("oops, I dropped the phone"): they need /undo, a
 * mention or a reply to the bot. Reads no store. */
int bot_is_chatter(const char *text, size_t len);

/* bot_is_chatter for a message of `family` written at now_ms, in which
 * the family's babies' names are not words of talk ("120ml Mia"): reads
 * the family's settings only for a line that says a feeding with its unit
 * and other words. *chatter as bot_is_chatter answers; returns BOT_OK, or
 * BOT_STORE_FAILED with the store's message in err (STORE_ERR_MAX). */
int bot_is_chatter_in(bot *b, const char *family, int64_t now_ms, const char *text,
                      size_t len, int *chatter, char *err);

/* Whether the message's first line is a /command milkbot does not have
 * (in a group, a bare /command is for every bot there: another's). */
int bot_is_unknown_command(const char *text, size_t len);

/* The Undo button of a record reply: removes exactly that feeding if it is
 * still there -- for a "both" line (`babies` > 1), each baby's feeding of
 * the line. `at_ms` is its instant when the button carries it (0: not
 * known). `press` names the button press (Telegram's callback query id):
 * the same press delivered again answers as it did the first time.
 * Same return values as bot_handle. */
int bot_undo_feeding(bot *b, const char *family, int64_t chat_id,
                     int64_t message_id, int line, int babies, int64_t at_ms,
                     const char *press, int64_t now_ms, bot_result *out);

/* The Undo button of a correction reply: the feeding correction
 * `correction_id` changed gets its amount back, if it still has the
 * amount the correction gave it. `press` as for bot_undo_feeding. Same
 * return values as bot_handle. */
int bot_put_back(bot *b, const char *family, int64_t chat_id,
                 int64_t correction_id, const char *press, int64_t now_ms,
                 bot_result *out);

/* What the bot says on its own (#17): reminders, the "no feed for a
 * while" alert and the daily summary, of every family, when due.
 *
 * A tick (every minute: EventBridge Scheduler on AWS, `milkbot tick`
 * locally) finds the due schedules, and for each one first claims it in
 * the store (claim_schedule: it moves on to its next due time only if it
 * is still as found), then says it through `say`. So a tick retried, or
 * two at once, says each thing once: the claim is the conditional update
 * both meet in. A `say` that fails gives the schedule back, and the next
 * tick tries again. A process that dies between claim and say loses that
 * one message: never twice, at most once (Telegram's sendMessage has no
 * key to make a repeated send harmless). */
/* Says `text` in sc's chat. Returns 0 when said, -1 when it was not and
 * may be later (given back: the next tick tries again), 1 when it must not
 * be tried again (the chat is gone; or it may have been said, its answer
 * lost), with why in err. When Telegram refused because the chat has a
 * new id (a group upgraded to a supergroup), 1 with the new id in
 * *moved_to (else it is left 0): the tick moves the chat's schedules
 * there and says it there. */
typedef int (*bot_say_fn)(void *ctx, const store_schedule *sc,
                          const char *text, int64_t *moved_to, char *err,
                          size_t errlen);

/* Telegram gave chat from_chat the new id to_chat (a group upgraded to a
 * supergroup; the service message in either chat says so): the family's
 * reminders, alert and summary of that chat go on in the new one
 * (store.h, move_schedules). Returns BOT_OK, or BOT_STORE_FAILED with the
 * store's message in err (STORE_ERR_MAX). */
int bot_move_chat(bot *b, const char *family, int64_t from_chat, int64_t to_chat,
                  int *moved, char *err);

typedef struct {
    int due;      /* due schedules found */
    int said;     /* messages said */
    int moved;    /* claimed and moved on with nothing to say (an alert
                     whose gap a feeding ended, a summary of a zone that
                     changed) */
    int lost;     /* claimed first by another tick (or, moved to a chat's
                     new id, replaced by its own): not said here */
    int failed;   /* say failed: given back for the next tick */
    int refused;  /* not to be tried again (the chat is gone, or it was
                     sent and no answer came): dropped */
    int chats_moved; /* chats found to have a new id: their schedules moved
                     (what was due said in the new chat) */
    char error[STORE_ERR_MAX]; /* a store's or say's last error, for logs */
} bot_tick_result;

/* The tick at now_ms: `claim` names this attempt (random, unique; see
 * store.h). Only schedules of chat `only_chat` of family `only_family`
 * are taken when these are given (0, NULL: all), so that a terminal chat
 * never takes another chat's. Returns BOT_OK, or
 * BOT_STORE_FAILED when the store could not be read (what was said stays
 * said). */
int bot_tick(bot *b, int64_t now_ms, const char *claim, const char *only_family,
             int64_t only_chat, bot_say_fn say, void *ctx, bot_tick_result *out);

#endif
