/* bot_api.h -- calls to the Telegram Bot API (libcurl, JSON bodies), for
 * what a webhook response cannot carry: it holds one method, and pressing
 * Undo needs two (answer the button, edit the bot's message). */
#ifndef MILKBOT_BOT_API_H
#define MILKBOT_BOT_API_H

#include <cjson/cJSON.h>
#include <signal.h>
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

/* A call's longest wait, in ms (0: the 5 s above), for calls that wait on
 * purpose: getUpdates' long poll (milkbot serve) waits up to its own
 * timeout, plus the way there and back. The deadline still bounds it. */
void tg_api_set_timeout(tg_api *a, long timeout_ms);

/* While *stop is nonzero (NULL: never), a call in progress gives up within
 * a second or so and fails: a long poll interrupted by SIGTERM. */
void tg_api_set_stop(tg_api *a, volatile sig_atomic_t *stop);

/* The last call's failure: Telegram's error_code (429, 502...; the HTTP
 * status when the answer was not Telegram's), 0 when it answered ok or
 * the network let nothing through, -1 when the request went and no answer
 * came. *retry_after (when not NULL): the seconds a 429 asked to wait, 0
 * when none was said. */
int tg_api_last_error(const tg_api *a, int *retry_after);

/* The new id of the chat the last call named, when Telegram refused it
 * because the group became a supergroup (400 with migrate_to_chat_id);
 * 0 otherwise. */
int64_t tg_api_migrated_to(const tg_api *a);

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
