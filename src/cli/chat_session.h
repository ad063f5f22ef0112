/* chat_session.h -- one person chatting with the bot from a terminal: what
 * `milkbot chat` and the transcript tests share.
 *
 * Each typed line is one message from one user in one chat. As Telegram
 * would, the store numbers the messages (store_ops.next_message_id): ids
 * increase across runs and across processes on one store, and no two
 * messages share one, so a new message is never taken for a redelivery.
 * A few chat commands stand in for what Telegram does:
 *   a line ending in "\"   the message goes on at the next line
 *   :again                 the last message is delivered again
 *   :again #N              message N is delivered again
 *   :edit TEXT             the last message is edited to TEXT
 *   :edit #N TEXT          message N is edited to TEXT
 *   :now RFC3339           the clock is fixed at that instant, and what
 *                          came due by then is said (#17)
 *   :user NAME             the next messages come from NAME
 *   :chat N                the next messages are written in chat N
 *   :help                  lists these
 * The bot's own clock runs with the session's: before each message, and
 * at :now, the reminders, alerts and summaries of this chat that are due
 * are said (and taken, once, as `milkbot tick` would).
 * A user is known by their name here (chat_session_user_id): two names are
 * two parents, each with their own "undo", sharing the family's log. */
#ifndef MILKBOT_CHAT_SESSION_H
#define MILKBOT_CHAT_SESSION_H

#include "bot/bot.h"

#define CHAT_HISTORY 64 /* messages :edit #N can reach */

typedef struct {
    bot *bot;
    store *store;
    char family[STORE_FAMILY_MAX];
    int64_t chat_id;
    char user[STORE_WHO_MAX];
    int fixed_now;
    int64_t now_ms;
    /* the last messages sent: id, text and time, for :again and :edit */
    struct {
        int64_t chat_id, id, now_ms;
        char *text;
        size_t len;
    } sent[CHAT_HISTORY];
    int nsent;
    char *pending; /* a message being continued with "\" */
    size_t pending_len;
    int store_failed; /* some message could not be stored */
} chat_session;

/* Starts a session in the log of `family` (a valid family id). Returns 0,
 * or -1 with a message when the store cannot be read. */
int chat_session_start(chat_session *cs, bot *b, store *s, const char *family,
                       int64_t chat_id, const char *user, int fixed_now,
                       int64_t now_ms, char *err, size_t errlen);

/* The user id a name stands for in a terminal chat: the same for the same
 * name, positive, and below Telegram's 2^52. */
int64_t chat_session_user_id(const char *name);

/* One typed line. Returns 1 when *out holds a reply to show, 0 when there is
 * nothing to show (a continued message, :now, :user). */
int chat_session_line(chat_session *cs, const char *line, size_t len,
                      reply_text *out);

void chat_session_end(chat_session *cs);

#endif
