/* update.c -- see update.h. */
#include "update.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* A message's date, Unix seconds: any whole number a double holds exactly
 * (in milliseconds, still within int64_t). */
#define DATE_MAX ((INT64_C(1) << 53) - 1)

/* A JSON number that is a whole number from min to max (bounds within
 * 2^53, where a double holds every whole number exactly). Returns 0, or -1
 * when it is absent, not whole, or out of bounds. */
static int get_id(const cJSON *obj, const char *name, int64_t min, int64_t max,
                  int64_t *out) {
    const cJSON *n = cJSON_GetObjectItem(obj, name);
    if (!cJSON_IsNumber(n)) return -1;
    double v = n->valuedouble;
    if (!(v >= (double)min && v <= (double)max) || v != floor(v)) return -1;
    *out = (int64_t)v;
    return 0;
}

/* The sender (absent: id 0, nobody's); -1 when its id is there but not a
 * Telegram user id. */
static int sender(const cJSON *from, tg_update *u) {
    if (cJSON_GetObjectItem(from, "id") &&
        get_id(from, "id", 1, TG_CHAT_ID_MAX, &u->from_id) != 0)
        return -1;
    u->from_is_bot = cJSON_IsTrue(cJSON_GetObjectItem(from, "is_bot"));
    const char *first = cJSON_GetStringValue(cJSON_GetObjectItem(from, "first_name"));
    const char *last = cJSON_GetStringValue(cJSON_GetObjectItem(from, "last_name"));
    snprintf(u->from_name, sizeof u->from_name, "%s%s%s", first ? first : "",
             first && last ? " " : "", last ? last : "");
    return 0;
}

/* A message's chat, id, date and text; -1 if it lacks chat or id, or they
 * are not ones Telegram sends. */
static int message(const cJSON *m, tg_update *u) {
    if (get_id(cJSON_GetObjectItem(m, "chat"), "id", -TG_CHAT_ID_MAX, TG_CHAT_ID_MAX,
               &u->chat_id) != 0 ||
        get_id(m, "message_id", 0, TG_MESSAGE_ID_MAX, &u->message_id) != 0)
        return -1;
    get_id(m, "date", -DATE_MAX, DATE_MAX, &u->date);
    get_id(m, "edit_date", -DATE_MAX, DATE_MAX, &u->edit_date);
    u->text = cJSON_GetStringValue(cJSON_GetObjectItem(m, "text"));
    const char *type = cJSON_GetStringValue(
        cJSON_GetObjectItem(cJSON_GetObjectItem(m, "chat"), "type"));
    u->in_group = type && (strcmp(type, "group") == 0 || strcmp(type, "supergroup") == 0);
    const cJSON *replied = cJSON_GetObjectItem(cJSON_GetObjectItem(m, "reply_to_message"), "from");
    if (get_id(replied, "id", 1, TG_CHAT_ID_MAX, &u->reply_to_from_id) != 0)
        u->reply_to_from_id = 0;
    return 0;
}

/* The service message of a group upgraded to a supergroup: in the old
 * chat (a group) it names the new id (migrate_to_chat_id), in the new one
 * (a supergroup) the old (migrate_from_chat_id). 1 when m is one, with
 * ids of the kinds Telegram gives: a group's negative, a supergroup's
 * -100 followed by its number (at most TG_SUPERGROUP_ID_MAX). Anything
 * else (a private chat, a channel, ids of the wrong kind) is not a move:
 * no one can move a parent's private chat's reminders. */
static int migrated(const cJSON *m, tg_update *u) {
    const char *type = cJSON_GetStringValue(
        cJSON_GetObjectItem(cJSON_GetObjectItem(m, "chat"), "type"));
    int64_t from = 0, to = 0;
    if (type && strcmp(type, "group") == 0 &&
        get_id(m, "migrate_to_chat_id", -TG_CHAT_ID_MAX, TG_SUPERGROUP_ID_MAX, &to) == 0)
        from = u->chat_id;
    else if (type && strcmp(type, "supergroup") == 0 &&
             get_id(m, "migrate_from_chat_id", TG_SUPERGROUP_ID_MAX + 1, -1, &from) == 0)
        to = u->chat_id;
    if (from >= 0 || from <= TG_SUPERGROUP_ID_MAX || to > TG_SUPERGROUP_ID_MAX) return 0;
    u->moved_from = from;
    u->moved_to = to;
    return 1;
}

int tg_update_decode(const char *body, size_t len, tg_update *out, char *err,
                     size_t errlen) {
    memset(out, 0, sizeof *out);
    const char *end = NULL;
    out->root = cJSON_ParseWithLengthOpts(body, len, &end, 0);
    /* one JSON value, and nothing after it: not even after a NUL byte,
     * where cJSON stops reading */
    while (out->root && end < body + len && *end && strchr(" \t\r\n", *end)) end++;
    if (!cJSON_IsObject(out->root) || end != body + len) {
        snprintf(err, errlen, "the body is not JSON");
        return -1;
    }
    if (get_id(out->root, "update_id", 0, TG_MESSAGE_ID_MAX, &out->update_id) != 0) {
        snprintf(err, errlen, "the body is not a Telegram update (no update_id, or "
                 "not one Telegram sends)");
        return -1;
    }
    const cJSON *m;
    if ((m = cJSON_GetObjectItem(out->root, "message")) != NULL ||
        (m = cJSON_GetObjectItem(out->root, "edited_message")) != NULL) {
        int edited = cJSON_GetObjectItem(out->root, "message") == NULL;
        if (message(m, out) != 0) {
            snprintf(err, errlen, "the update's message has no chat or id, or "
                     "not ones Telegram sends");
            return -1;
        }
        if (sender(cJSON_GetObjectItem(m, "from"), out) != 0) {
            snprintf(err, errlen, "the update's sender has an id Telegram does not send");
            return -1;
        }
        /* photos, stickers, joins: no text, nothing to answer */
        out->kind = out->text ? (edited ? TG_EDITED : TG_MESSAGE) : TG_OTHER;
        if (!edited && migrated(m, out)) out->kind = TG_MIGRATED;
        return 0;
    }
    const cJSON *q = cJSON_GetObjectItem(out->root, "callback_query");
    if (q) {
        out->callback_id = cJSON_GetStringValue(cJSON_GetObjectItem(q, "id"));
        out->callback_data = cJSON_GetStringValue(cJSON_GetObjectItem(q, "data"));
        if (sender(cJSON_GetObjectItem(q, "from"), out) != 0) {
            snprintf(err, errlen, "the button's presser has an id Telegram does not send");
            return -1;
        }
        if (out->callback_id == NULL) {
            snprintf(err, errlen, "the callback query has no id");
            return -1;
        }
        /* the button's message: absent, or "inaccessible", when too old */
        const cJSON *bm = cJSON_GetObjectItem(q, "message");
        if (bm == NULL || message(bm, out) != 0) out->chat_id = out->message_id = 0;
        out->text = NULL;
        out->kind = TG_CALLBACK;
        return 0;
    }
    out->kind = TG_OTHER; /* channel posts, my_chat_member, polls, ... */
    return 0;
}

void tg_update_free(tg_update *u) {
    cJSON_Delete(u->root);
    memset(u, 0, sizeof *u);
}
