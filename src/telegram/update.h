/* update.h -- a Telegram Bot API Update, as much of it as the bot uses.
 *
 * Decoded with cJSON from the webhook body. Telegram ids are 64-bit (user
 * ids up to 52 significant bits, group ids negative): int64_t, never int.
 * Optional fields (from.username, from.last_name, ...) may be absent.
 *
 * Ids are held to what the Bot API sends (core.telegram.org/bots/api):
 * update and message ids are 32-bit Integers (a message id is 0 for a
 * scheduled message), chat and user ids have at most 52 significant bits.
 * An update with any other is refused as malformed, so that nothing
 * downstream can overflow: the store's keys hold message ids in 12 digits
 * and chat ids in 20, and a scheduled message is keyed by -update_id. */
#ifndef MILKBOT_TG_UPDATE_H
#define MILKBOT_TG_UPDATE_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    TG_OTHER = 0,   /* stickers, photos, joins, channel posts, ...: no reply */
    TG_MESSAGE,     /* a text message */
    TG_EDITED,      /* an edited text message */
    TG_CALLBACK,    /* an inline button was pressed */
    TG_MIGRATED     /* a group became a supergroup, with a new chat id:
                       the service message in the old chat or the new */
} tg_kind;

#define TG_NAME_MAX 64
#define TG_MESSAGE_ID_MAX INT32_MAX            /* update ids too */
#define TG_CHAT_ID_MAX ((INT64_C(1) << 52) - 1) /* in absolute value; user ids too */
/* A supergroup's id is -100 followed by its number: at most this. */
#define TG_SUPERGROUP_ID_MAX (-INT64_C(1000000000000))

typedef struct {
    cJSON *root;            /* owned; text points into it */
    tg_kind kind;
    int64_t update_id;
    /* the message (of TG_MESSAGE/TG_EDITED; of the button for TG_CALLBACK) */
    int64_t chat_id, message_id;
    int64_t date;           /* seconds; for an edit, the original's */
    int64_t edit_date;      /* seconds, for an edit: when it was made (0:
                               absent); orders edits that arrive late */
    const char *text;       /* NULL for TG_CALLBACK */
    int in_group;           /* the chat is a group or a supergroup */
    int64_t reply_to_from_id; /* the message answers one by this user (0: none) */
    /* the sender (of the message, or who pressed the button) */
    int64_t from_id;
    int from_is_bot;
    char from_name[TG_NAME_MAX]; /* first name (and last name) */
    /* TG_CALLBACK */
    const char *callback_id;
    const char *callback_data;   /* NULL when absent */
    /* TG_MIGRATED: the chat's old id and its new one */
    int64_t moved_from, moved_to;
} tg_update;

/* Decodes an update from `len` bytes. Returns 0 (kind TG_OTHER for updates
 * the bot does not answer), or -1 with a message when the body is not one
 * JSON value, not an update, or holds an id Telegram does not send.
 * Free with tg_update_free in either case. */
int tg_update_decode(const char *body, size_t len, tg_update *out, char *err,
                     size_t errlen);
void tg_update_free(tg_update *u);

#endif
