/* bot_api.h -- calls to the Telegram Bot API (libcurl, JSON bodies), for
 * what a webhook response cannot carry: it holds one method, and pressing
 * Undo needs two (answer the button, edit the bot's message). */
#ifndef MILKBOT_BOT_API_H
#define MILKBOT_BOT_API_H

#include <cjson/cJSON.h>
#include <stddef.h>

typedef struct tg_api tg_api;

/* A client for https://api.telegram.org (or `base_url`, for tests) with
 * bot token `token`. Returns NULL with a message. */
tg_api *tg_api_new(const char *base_url, const char *token, char *err,
                   size_t errlen);
void tg_api_free(tg_api *a);

/* Calls `method` with `params`. Returns 0 when Telegram answered ok, else
 * -1 with its description or the transport error (never the token). */
int tg_api_call(tg_api *a, const char *method, const cJSON *params, char *err,
                size_t errlen);
/* The same, handing over Telegram's "result" (free it) in *result. */
int tg_api_call_result(tg_api *a, const char *method, const cJSON *params,
                       cJSON **result, char *err, size_t errlen);

#endif
