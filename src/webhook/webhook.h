/* webhook.h -- Telegram's webhook: an API Gateway event in, the Lambda
 * response out, the bot in between.
 *
 * Checks the secret token header (whole, in constant time, before the body
 * is decoded: a caller without the secret gets 401 whatever it sent),
 * decodes the update, lets only the family's users in, in a group answers
 * only what is for the bot or tries to be a feeding or a question (never
 * the family's chatter, never a stranger unless addressed), runs the bot core,
 * and answers inside the webhook response (one Bot API method: sendMessage
 * for a message, answerCallbackQuery for a button), so a message costs no
 * extra call to Telegram. Knows nothing of the Lambda runtime loop. */
#ifndef MILKBOT_WEBHOOK_H
#define MILKBOT_WEBHOOK_H

#include "bot/bot.h"
#include "telegram/addressee.h"
#include "telegram/bot_api.h"
#include "telegram/update.h"

#include <stddef.h>
#include <stdint.h>

/* Bodies larger than this are refused: an update with a 4096-character
 * message is well under 16 KB. */
#define WEBHOOK_BODY_MAX (64 * 1024)

/* Telegram's secret_token: 1 to 256 characters of A-Z, a-z, 0-9, _ and -. */
#define WEBHOOK_SECRET_MAX 256

typedef struct {
    /* X-Telegram-Bot-Api-Secret-Token must equal it, byte for byte and
     * length for length; while it is "" (not set yet), nobody gets in */
    char secret[WEBHOOK_SECRET_MAX + 1];
    int64_t *allowed;  /* Telegram user ids that may use the bot */
    size_t nallowed;
    tg_bot_identity me; /* who the bot is: what a group message is for */
    /* the family every allowed user belongs to: the log they share */
    char family[STORE_FAMILY_MAX];
} webhook_config;

/* Reads ALLOWED_USER_IDS, MILKBOT_FAMILY (optional, "family" by default),
 * TELEGRAM_BOT_USERNAME (optional) and, unless
 * `secret_later` (the caller reads the secrets elsewhere, as the Lambda
 * runtime does from SSM, and sets them with webhook_config_set_secret and
 * webhook_config_set_bot), MILKBOT_WEBHOOK_SECRET and the bot's id from
 * TELEGRAM_BOT_TOKEN (optional). Returns 0, or -1 with a message naming
 * the missing or invalid setting (never its value). */
int webhook_config_from_env(webhook_config *c, int secret_later, char *err,
                            size_t errlen);
/* Sets the secret token. An empty one is refused (it would let in a
 * request with an empty header), as is one Telegram would not take.
 * Returns 0, or -1 with a message saying what is wrong (never the value),
 * the secret then left unset. */
int webhook_config_set_secret(webhook_config *c, const char *secret, char *err,
                              size_t errlen);
/* The bot's identity (telegram/addressee.h): its id from its token, and
 * its username (NULL: TELEGRAM_BOT_USERNAME). Returns 0, or -1 with a
 * message (never the token). */
int webhook_config_set_bot(webhook_config *c, const char *token,
                           const char *username, char *err, size_t errlen);

/* "123, 456": comma-separated Telegram user ids. */
int webhook_config_set_allowed(webhook_config *c, const char *list, char *err,
                               size_t errlen);
void webhook_config_free(webhook_config *c);

typedef struct {
    int status;          /* the HTTP status answered */
    const char *outcome; /* for logs: "recorded", "unauthorized", ... (never
                            message text) */
    /* for logs: why a 5xx failed (the store's message: never message text
     * or secrets), or what else went wrong (a Bot API call); "" if
     * nothing */
    char note[256];
} webhook_result;

/* Handles one event at wall-clock time wall_ms. With `api` (may be NULL),
 * an Undo button also edits the bot's message through the Bot API. Returns
 * the Lambda response JSON (free it; NULL only when out of memory). A 5xx
 * means the store failed and Telegram should deliver the update again. A
 * request with the right secret is otherwise always answered 200, even
 * when its update cannot be decoded (result->note says why, for the log):
 * Telegram retries any other answer and holds back the chat's later
 * updates meanwhile. Without the right secret: 401 (405 if not a POST,
 * 400 if not an HTTP event at all). */
char *webhook_handle(const webhook_config *c, bot *b, tg_api *api,
                     const char *event, size_t len, int64_t wall_ms,
                     webhook_result *result);

/* Handles one decoded update at wall-clock time wall_ms, as webhook_handle
 * does once the request is Telegram's and its body is read: `milkbot serve`
 * reads its updates with getUpdates and hands each here. Sets *result
 * (status 500: the store failed, and the update must be handled again;
 * else 200) and returns the Bot API method call that answers the update,
 * {"method":"sendMessage","chat_id":...} (free it with cJSON_Delete), or
 * NULL when it is answered with nothing. With `api`, an Undo button also
 * edits the bot's message, as for webhook_handle. */
cJSON *webhook_handle_update(const webhook_config *c, bot *b, tg_api *api,
                             const tg_update *u, int64_t wall_ms,
                             webhook_result *result);

#endif
