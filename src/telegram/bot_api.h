/* bot_api.h -- calls to the Telegram Bot API (libcurl, JSON bodies), for
 * what a webhook response cannot carry: it holds one method, and pressing
 * Undo needs two (answer the button, edit the bot's message). */
#ifndef MILKBOT_BOT_API_H
#define MILKBOT_BOT_API_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

typedef struct tg_api tg_api;

/* A client for https://api.telegram.org (or `base_url`, for tests) with
 * bot token `token`. Returns NULL with a message. */
tg_api *tg_api_new(const char *base_url, const char *token, char *err,
                   size_t errlen);
void tg_api_free(tg_api *a);

/* Calls must end by this wall-clock time (epoch ms; 0: none), as a
 * Lambda invocation's must: a call waits at most 5 s, and never past it. */
void tg_api_set_deadline(tg_api *a, int64_t deadline_ms);

/* Calls `method` with `params`. Returns 0 when Telegram answered ok, else
 * -1 with its description or the transport error (never the token). */
int tg_api_call(tg_api *a, const char *method, const cJSON *params, char *err,
                size_t errlen);
/* The same, handing over Telegram's "result" (free it) in *result. */
int tg_api_call_result(tg_api *a, const char *method, const cJSON *params,
                       cJSON **result, char *err, size_t errlen);

/* sendMessage of plain `text` to chat `chat_id`. Returns 0 when sent, -1
 * when it was not and may be later (429, 5xx, a network that let nothing
 * through), 1 when it must not be sent again: Telegram refused it for good
 * (400: no such chat; 403: the bot was blocked or removed), or it was sent
 * and no answer came (a timeout: it may have been said). The reason is in
 * err. */
int tg_api_send_message(tg_api *a, int64_t chat_id, const char *text, char *err,
                        size_t errlen);

#endif
