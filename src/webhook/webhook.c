/* webhook.c -- see webhook.h. */
#include "webhook.h"

#include "webhook/http_event.h"
#include "telegram/update.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int webhook_config_set_allowed(webhook_config *c, const char *list, char *err,
                               size_t errlen) {
    free(c->allowed);
    c->allowed = NULL;
    c->nallowed = 0;
    size_t cap = 1;
    for (const char *p = list; *p; p++) cap += *p == ',';
    c->allowed = calloc(cap, sizeof *c->allowed);
    if (c->allowed == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    const char *p = list;
    while (*p) {
        while (*p == ' ' || *p == ',') p++;
        if (*p == '\0') break;
        char *end;
        errno = 0;
        long long id = strtoll(p, &end, 10);
        if (end == p || errno || (*end && *end != ',' && *end != ' ')) {
            snprintf(err, errlen, "ALLOWED_USER_IDS must be Telegram user ids "
                     "separated by commas, like 123456789,987654321");
            return -1;
        }
        c->allowed[c->nallowed++] = id;
        p = end;
    }
    if (c->nallowed == 0) {
        snprintf(err, errlen, "ALLOWED_USER_IDS is empty: give the Telegram "
                 "user ids of the family, separated by commas");
        return -1;
    }
    return 0;
}

int webhook_config_set_secret(webhook_config *c, const char *secret, char *err,
                              size_t errlen) {
    c->secret[0] = '\0';
    size_t n = strlen(secret);
    if (n == 0) {
        snprintf(err, errlen, "the webhook secret is empty: it would let in "
                 "requests without one");
        return -1;
    }
    if (n > WEBHOOK_SECRET_MAX) {
        snprintf(err, errlen, "the webhook secret is too long (Telegram "
                 "allows 1 to %d characters)", WEBHOOK_SECRET_MAX);
        return -1;
    }
    if (strspn(secret, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                       "0123456789_-") != n) {
        snprintf(err, errlen, "the webhook secret may only hold A-Z, a-z, "
                 "0-9, _ and - (Telegram allows no other characters)");
        return -1;
    }
    memcpy(c->secret, secret, n + 1);
    return 0;
}

int webhook_config_from_env(webhook_config *c, int secret_later, char *err,
                            size_t errlen) {
    memset(c, 0, sizeof *c);
    const char *secret = getenv("MILKBOT_WEBHOOK_SECRET");
    const char *allowed = getenv("ALLOWED_USER_IDS");
    if (!secret_later && (secret == NULL || secret[0] == '\0')) {
        snprintf(err, errlen, "MILKBOT_WEBHOOK_SECRET is not set (the secret "
                 "token given to Telegram's setWebhook)");
        return -1;
    }
    if (!secret_later && webhook_config_set_secret(c, secret, err, errlen) != 0) {
        char why[256];
        snprintf(why, sizeof why, "%s", err);
        snprintf(err, errlen, "MILKBOT_WEBHOOK_SECRET: %s", why);
        return -1;
    }
    if (allowed == NULL) {
        snprintf(err, errlen, "ALLOWED_USER_IDS is not set (the Telegram user "
                 "ids of the family, separated by commas)");
        return -1;
    }
    const char *family = getenv("MILKBOT_FAMILY");
    if (family == NULL || family[0] == '\0') family = STORE_DEFAULT_FAMILY;
    if (!store_family_valid(family)) {
        snprintf(err, errlen, "MILKBOT_FAMILY: a family id is 1 to %d letters, "
                 "digits, _ or -", STORE_FAMILY_MAX - 1);
        return -1;
    }
    snprintf(c->family, sizeof c->family, "%s", family);
    if (webhook_config_set_bot(c, secret_later ? NULL : getenv("TELEGRAM_BOT_TOKEN"),
                               NULL, err, errlen) != 0)
        return -1;
    return webhook_config_set_allowed(c, allowed, err, errlen);
}

int webhook_config_set_bot(webhook_config *c, const char *token,
                           const char *username, char *err, size_t errlen) {
    if (username == NULL) username = getenv("TELEGRAM_BOT_USERNAME");
    return tg_bot_identity_set(&c->me, token, username, err, errlen);
}

void webhook_config_free(webhook_config *c) {
    free(c->allowed);
    memset(c, 0, sizeof *c);
}

/* Whether `given` (m bytes, which may hold NULs; NULL: no header) is the
 * secret, whole: the same length and the same bytes. Compares in time that
 * depends only on the secret's length, not on where a guess first
 * differs. An unset secret ("") matches nothing. */
static int secret_matches(const char *expected, const char *given, size_t m) {
    size_t n = strlen(expected);
    if (n == 0 || given == NULL) return 0;
    unsigned char diff = (unsigned char)(n != m);
    for (size_t i = 0; i < n; i++)
        diff |= (unsigned char)expected[i] ^ (unsigned char)(i < m ? given[i] : 0);
    return diff == 0;
}

static int is_allowed(const webhook_config *c, int64_t user) {
    for (size_t i = 0; i < c->nallowed; i++)
        if (c->allowed[i] == user) return 1;
    return 0;
}

/* What an update is answered with: the status, the outcome and the Bot
 * API method call (NULL: none), handed back to the caller. */
static cJSON *answer(webhook_result *result, int status, const char *outcome,
                     cJSON *method) {
    result->status = status;
    result->outcome = outcome;
    return method;
}

static char *respond(webhook_result *result, int status, const char *outcome,
                     cJSON *method) {
    result->status = status;
    result->outcome = outcome;
    char *body = method ? cJSON_PrintUnformatted(method) : NULL;
    cJSON_Delete(method);
    char *json = http_response_json(status, "application/json", body ? body : "");
    cJSON_free(body);
    return json;
}

/* {"method":"sendMessage","chat_id":...,"text":...} quoting the message. */
static cJSON *send_message(int64_t chat_id, int64_t reply_to, const char *text) {
    cJSON *m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "method", "sendMessage");
    cJSON_AddNumberToObject(m, "chat_id", (double)chat_id);
    cJSON_AddStringToObject(m, "text", text);
    /* reply_to_message_id is gone since Bot API 7.0 */
    cJSON *reply = cJSON_AddObjectToObject(m, "reply_parameters");
    cJSON_AddNumberToObject(reply, "message_id", (double)reply_to);
    cJSON_AddBoolToObject(reply, "allow_sending_without_reply", 1);
    return m;
}

/* An "Undo" button whose callback_data is `data` (at most 64 bytes, as
 * Telegram requires). */
static void add_button(cJSON *m, const char *data) {
    cJSON *row = cJSON_CreateArray();
    cJSON *button = cJSON_CreateObject();
    cJSON_AddStringToObject(button, "text", "Undo");
    cJSON_AddStringToObject(button, "callback_data", data);
    cJSON_AddItemToArray(row, button);
    cJSON *keyboard = cJSON_AddArrayToObject(
        cJSON_AddObjectToObject(m, "reply_markup"), "inline_keyboard");
    cJSON_AddItemToArray(keyboard, row);
}

/* The Undo button of a recorded feeding (message, line) at at_ms:
 * "undo:<message>.<line>@<instant, epoch seconds>" (at most 37 bytes),
 * and "+<babies>" when the line is a "both" line's (its babies' feedings
 * go together). The instant lets a store keyed by time reach the feeding
 * of a reply of any age in one request. */
static void add_undo_button(cJSON *m, int64_t message_id, int line, int64_t at_ms,
                            int babies) {
    char data[64], more[16] = "";
    if (babies > 1) snprintf(more, sizeof more, "+%d", babies);
    if (at_ms > 0)
        snprintf(data, sizeof data, "undo:%lld.%d@%lld%s", (long long)message_id, line,
                 (long long)(at_ms / 1000), more);
    else
        snprintf(data, sizeof data, "undo:%lld.%d%s", (long long)message_id, line, more);
    add_button(m, data);
}

/* The Undo button of a correction: "back:<correction message>", which puts
 * the amount back. */
static void add_put_back_button(cJSON *m, int64_t correction_id) {
    char data[64];
    snprintf(data, sizeof data, "back:%lld", (long long)correction_id);
    add_button(m, data);
}

/* answerCallbackQuery's text is at most 200 characters: cut at a character
 * boundary well before. */
static cJSON *answer_callback(const char *id, const char *text) {
    char shown[192];
    size_t n = strlen(text);
    if (n >= sizeof shown) {
        n = sizeof shown - 4;
        while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80) n--;
        snprintf(shown, sizeof shown, "%.*s\xE2\x80\xA6", (int)n, text);
    } else {
        snprintf(shown, sizeof shown, "%s", text);
    }
    cJSON *m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "method", "answerCallbackQuery");
    cJSON_AddStringToObject(m, "callback_query_id", id);
    cJSON_AddStringToObject(m, "text", shown);
    return m;
}

/* The bot's message with the pressed button now says what was undone (and
 * loses its button); done through the Bot API, since the webhook response
 * is answering the button. A failure only leaves the old text. */
static void edit_button_message(tg_api *api, const tg_update *u, const char *text,
                                webhook_result *result) {
    if (api == NULL) return;
    cJSON *params = cJSON_CreateObject();
    cJSON_AddNumberToObject(params, "chat_id", (double)u->chat_id);
    cJSON_AddNumberToObject(params, "message_id", (double)u->message_id);
    cJSON_AddStringToObject(params, "text", text);
    if (tg_api_call(api, "editMessageText", params, result->note,
                    sizeof result->note) != 0 &&
        result->note[0] == '\0')
        snprintf(result->note, sizeof result->note, "editMessageText failed");
    cJSON_Delete(params);
}

/* A message's lines are numbered below 10^4, as the store's keys hold them. */
#define BUTTON_LINE_MAX 9999

/* Button instants: epoch seconds up to 9999-12-31, as the store's keys. */
#define BUTTON_AT_MAX 253402300799LL

/* "undo:<message>.<line>@<seconds>", as add_undo_button writes it, or
 * "undo:<message>.<line>" as earlier versions did (*at_ms = 0: not known).
 * The message id is one the update decoder lets through (a Telegram
 * message id, or a scheduled message's -update_id) and the line one the
 * store's keys hold: a forged button reaches nothing, and nothing
 * downstream can overflow. A forged instant only makes the store look the
 * feeding up. Returns 0, or -1 for any other data. */
static int parse_undo_button(const char *data, int64_t *message_id, int *line,
                             int64_t *at_ms, int *babies) {
    if (data == NULL || strncmp(data, "undo:", 5) != 0) return -1;
    const char *p = data + 5;
    char *end;
    errno = 0;
    long long id = strtoll(p, &end, 10);
    if (end == p || *end != '.' || errno || id == 0 || id < -TG_MESSAGE_ID_MAX ||
        id > TG_MESSAGE_ID_MAX)
        return -1;
    p = end + 1;
    long n = strtol(p, &end, 10);
    if (end == p || (*end != '\0' && *end != '@' && *end != '+') || errno || n < 1 ||
        n > BUTTON_LINE_MAX)
        return -1;
    long long at = 0;
    if (*end == '@') {
        p = end + 1;
        at = strtoll(p, &end, 10);
        if (end == p || (*end != '\0' && *end != '+') || errno || at < 1 ||
            at > BUTTON_AT_MAX)
            return -1;
    }
    long each = 1;
    if (*end == '+') { /* a "both" line's babies: a digit, no sign or space */
        p = end + 1;
        if (*p < '0' || *p > '9') return -1;
        each = strtol(p, &end, 10);
        if (end == p || *end != '\0' || errno || each < 2 || each > STORE_BABIES_MAX)
            return -1;
    }
    *message_id = id;
    *line = (int)n;
    *at_ms = at * 1000;
    *babies = (int)each;
    return 0;
}

/* "back:<message>", as add_put_back_button writes it, with a message id
 * the update decoder lets through. Returns 0, or -1 for any other data. */
static int parse_put_back_button(const char *data, int64_t *correction_id) {
    if (data == NULL || strncmp(data, "back:", 5) != 0) return -1;
    const char *p = data + 5;
    char *end;
    errno = 0;
    long long id = strtoll(p, &end, 10);
    if (end == p || *end != '\0' || errno || id == 0 || id < -TG_MESSAGE_ID_MAX ||
        id > TG_MESSAGE_ID_MAX)
        return -1;
    *correction_id = id;
    return 0;
}

/* The store failed: 500, so that Telegram delivers the update again, and
 * the store's reason for the log. */
static cJSON *store_failed(webhook_result *result, const bot_result *r) {
    snprintf(result->note, sizeof result->note, "%s", r->error);
    return answer(result, 500, "store failed", NULL);
}

#define NOT_FAMILY "Sorry, this bot keeps one family's feeding log. Your " \
                   "Telegram user id is %lld: ask the family to add it."

static cJSON *handle_message(const webhook_config *c, bot *b, const tg_update *u,
                             tg_addressee to, const char *text, int64_t wall_ms,
                             webhook_result *result);

/* The family of a config made without webhook_config_from_env. */
static const char *family_of(const webhook_config *c) {
    return c->family[0] ? c->family : STORE_DEFAULT_FAMILY;
}

cJSON *webhook_handle_update(const webhook_config *c, bot *b, tg_api *api,
                             const tg_update *u, int64_t wall_ms,
                             webhook_result *result) {
    result->note[0] = '\0';
    if (u->kind == TG_OTHER) return answer(result, 200, "ignored", NULL);
    if (u->kind == TG_MIGRATED) {
        /* Telegram's own word, in the old chat and again in the new, on
         * behalf of whoever upgraded the group: what the family set there
         * goes on under the new id (the log is the family's, not the
         * chat's). Saying it twice moves nothing more. */
        int moved;
        char err[STORE_ERR_MAX];
        if (bot_move_chat(b, family_of(c), u->moved_from, u->moved_to, &moved, err) != BOT_OK) {
            snprintf(result->note, sizeof result->note, "%s", err);
            return answer(result, 500, "store failed", NULL);
        }
        return answer(result, 200, moved ? "chat moved: its schedules follow"
                                         : "chat moved", NULL);
    }
    if (u->from_is_bot) return answer(result, 200, "ignored (a bot)", NULL);
    if (u->kind != TG_CALLBACK) {
        char *text;
        tg_addressee to = tg_addressee_of(u, &c->me, &text);
        cJSON *reply = text ? handle_message(c, b, u, to, text, wall_ms, result)
                            : answer(result, 500, "out of memory", NULL);
        free(text);
        return reply;
    }
    /* a button */
    if (!is_allowed(c, u->from_id)) {
        char text[256];
        snprintf(text, sizeof text, NOT_FAMILY, (long long)u->from_id);
        return answer(result, 200, "unknown user", answer_callback(u->callback_id, text));
    }
    bot_result r;
    int64_t message_id, at_ms;
    int line, babies = 1, undo = 0;
    if (parse_undo_button(u->callback_data, &message_id, &line, &at_ms, &babies) == 0)
        undo = 1;
    else if (parse_put_back_button(u->callback_data, &message_id) != 0)
        return answer(result, 200, "unknown button",
                       answer_callback(u->callback_id, "That button does nothing any more."));
    if (u->chat_id == 0)
        return answer(result, 200, "button on an old message",
                       answer_callback(u->callback_id, "That message is too old to change."));
    int status = undo ? bot_undo_feeding(b, family_of(c), u->chat_id, message_id, line,
                                         babies, at_ms, u->callback_id, wall_ms, &r)
                      : bot_put_back(b, family_of(c), u->chat_id, message_id,
                                     u->callback_id, wall_ms, &r);
    if (status != BOT_OK) return store_failed(result, &r);
    edit_button_message(api, u, r.reply.text, result);
    return answer(result, 200, undo ? "undone by button" : "put back by button",
                   answer_callback(u->callback_id, r.reply.text));
}

/* A message or an edit, `text` as the bot reads it (addressee.h). */
static cJSON *handle_message(const webhook_config *c, bot *b, const tg_update *u,
                             tg_addressee to, const char *text, int64_t wall_ms,
                             webhook_result *result) {
    /* In a group: a command for another bot is that bot's, and what is
     * not addressed to the bot and not plainly a feeding or a question
     * (bot_is_chatter) is the people's own talk, a stranger's too: no
     * reply and nothing read (but the family's babies' names, for a
     * feeding line with other words: "120ml Mia") -- except that an edit
     * of a message into talk still takes away the feedings the message
     * had recorded. */
    if (to == TG_FOR_ANOTHER_BOT ||
        (to == TG_FOR_EVERY_BOT && bot_is_unknown_command(text, strlen(text))))
        return answer(result, 200, "ignored (for another bot)", NULL);
    int talk = 0;
    if (to == TG_FOR_NOBODY && !is_allowed(c, u->from_id)) {
        talk = bot_is_chatter(text, strlen(text));
    } else if (to == TG_FOR_NOBODY) {
        char err[STORE_ERR_MAX];
        if (bot_is_chatter_in(b, family_of(c), u->date > 0 ? u->date * 1000 : wall_ms, text,
                              strlen(text), &talk, err) != BOT_OK) {
            snprintf(result->note, sizeof result->note, "%s", err);
            return answer(result, 500, "store failed", NULL);
        }
    }
    if (talk && (u->kind != TG_EDITED || !is_allowed(c, u->from_id)))
        return answer(result, 200, "ignored (group talk)", NULL);
    if (!is_allowed(c, u->from_id)) {
        char sorry[256];
        snprintf(sorry, sizeof sorry, NOT_FAMILY, (long long)u->from_id);
        return answer(result, 200, "unknown user",
                       send_message(u->chat_id, u->message_id, sorry));
    }

    bot_result r;
    bot_message m = {
        /* message_id is 0 for scheduled messages: then the update's own
         * id (negative, apart from every real message id) keys it, which
         * a redelivery repeats */
        .family = family_of(c),
        .chat_id = u->chat_id,
        .message_id = u->message_id ? u->message_id : -u->update_id,
        .from_id = u->from_id,
        .who = u->from_name, .text = talk ? "" : text, .len = talk ? 0 : strlen(text),
        /* the message's own time: a late redelivery or an edit resolves
         * "20 min ago" against when it was written */
        .now_ms = u->date > 0 ? u->date * 1000 : wall_ms,
        .entered_ms = wall_ms, .edited = u->kind == TG_EDITED,
        .edit_ms = u->edit_date > 0 ? u->edit_date * 1000 : 0,
    };
    if (bot_handle(b, &m, &r) != BOT_OK)
        return store_failed(result, &r);
    if (talk && !r.edit_changed) /* an edit of talk into talk */
        return answer(result, 200, "ignored (group talk)", NULL);
    cJSON *reply = send_message(u->chat_id, u->message_id, r.reply.text);
    if (r.first_message_id)
        add_undo_button(reply, r.first_message_id, r.first_line, r.first_at_ms,
                        r.first_babies);
    else if (r.correction_id)
        add_put_back_button(reply, r.correction_id);
    return answer(result, 200, r.recorded ? "recorded" : "answered", reply);
}

/* A decoded event: who sent it, then what. */
static char *handle_request(const webhook_config *c, bot *b, tg_api *api,
                            http_event *e, int64_t wall_ms,
                            webhook_result *result) {
    char err[256];
    size_t secret_len = 0;
    const char *secret = http_event_header(e, "X-Telegram-Bot-Api-Secret-Token",
                                           &secret_len);
    if (strcmp(e->method, "POST") != 0)
        return respond(result, 405, "not a POST", NULL);
    /* nothing of the body decoded, parsed or stored for a caller without
     * the secret */
    if (!secret_matches(c->secret, secret, secret_len))
        return respond(result, 401, "wrong secret token", NULL);
    /* From here the sender is Telegram: whatever it sent that cannot be
     * read is answered 200 and logged (the note), never 4xx, which
     * Telegram would retry while holding back the chat's later updates. */
    if (http_event_read_body(e, err, sizeof err) != 0) {
        snprintf(result->note, sizeof result->note, "%s", err);
        return respond(result, 200, "undecodable: body not base64", NULL);
    }
    if (e->body_len > WEBHOOK_BODY_MAX) {
        snprintf(result->note, sizeof result->note, "%zu bytes, over %d",
                 e->body_len, WEBHOOK_BODY_MAX);
        return respond(result, 200, "undecodable: body too large", NULL);
    }
    tg_update u;
    char *response;
    if (tg_update_decode(e->body, e->body_len, &u, err, sizeof err) != 0) {
        snprintf(result->note, sizeof result->note, "%s", err);
        response = respond(result, 200, "undecodable: not a Telegram update", NULL);
    } else {
        cJSON *method = webhook_handle_update(c, b, api, &u, wall_ms, result);
        response = respond(result, result->status, result->outcome, method);
    }
    tg_update_free(&u);
    return response;
}

char *webhook_handle(const webhook_config *c, bot *b, tg_api *api,
                     const char *event, size_t len, int64_t wall_ms,
                     webhook_result *result) {
    http_event e;
    char err[256];
    char *response;
    result->note[0] = '\0';
    if (http_event_decode(event, len, &e, err, sizeof err) != 0)
        response = respond(result, 400, "not an HTTP event", NULL);
    else
        response = handle_request(c, b, api, &e, wall_ms, result);
    http_event_free(&e);
    return response;
}
