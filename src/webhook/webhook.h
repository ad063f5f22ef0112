/* webhook.h -- Telegram's webhook: an API Gateway event in, the Lambda
 * response out, the bot in between.
 *
 * Checks the secret token header (constant time, before anything is parsed),
 * decodes the update, lets only the family's users in, runs the bot core,
 * and answers inside the webhook response (one Bot API method: sendMessage
 * for a message, answerCallbackQuery for a button), so a message costs no
 * extra call to Telegram. Knows nothing of the Lambda runtime loop. */
#ifndef MILKBOT_WEBHOOK_H
#define MILKBOT_WEBHOOK_H

#include "bot/bot.h"
#include "telegram/bot_api.h"

#include <stddef.h>
#include <stdint.h>

/* Bodies larger than this are refused: an update with a 4096-character
 * message is well under 16 KB. */
#define WEBHOOK_BODY_MAX (64 * 1024)

typedef struct {
    char secret[256];  /* X-Telegram-Bot-Api-Secret-Token must equal it */
    int64_t *allowed;  /* Telegram user ids that may use the bot */
    size_t nallowed;
} webhook_config;

/* Reads MILKBOT_WEBHOOK_SECRET and ALLOWED_USER_IDS. Returns 0, or -1 with
 * a message naming the missing or invalid setting (never its value). */
int webhook_config_from_env(webhook_config *c, char *err, size_t errlen);
/* "123, 456": comma-separated Telegram user ids. */
int webhook_config_set_allowed(webhook_config *c, const char *list, char *err,
                               size_t errlen);
void webhook_config_free(webhook_config *c);

typedef struct {
    int status;          /* the HTTP status answered */
    const char *outcome; /* for logs: "recorded", "unauthorized", ... (never
                            message text) */
    char note[256];      /* for logs: what else went wrong, "" if nothing */
} webhook_result;

/* Handles one event at wall-clock time wall_ms. With `api` (may be NULL),
 * an Undo button also edits the bot's message through the Bot API. Returns
 * the Lambda response JSON (free it; NULL only when out of memory). A 5xx
 * means the store failed and Telegram should deliver the update again; bad
 * input is never answered 5xx, because that would hold back the chat's
 * later messages. */
char *webhook_handle(const webhook_config *c, bot *b, tg_api *api,
                     const char *event, size_t len, int64_t wall_ms,
                     webhook_result *result);

#endif
