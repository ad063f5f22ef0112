/* update.c -- see update.h. */
#include "update.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* A JSON number that is a whole 64-bit id (exact up to 2^53, which covers
 * every Telegram id). Returns 0 on success. */
static int get_id(const cJSON *obj, const char *name, int64_t *out) {
    const cJSON *n = cJSON_GetObjectItem(obj, name);
    if (!cJSON_IsNumber(n)) return -1;
    double v = n->valuedouble;
    if (!(fabs(v) <= 9007199254740992.0) || v != floor(v)) return -1;
    *out = (int64_t)v;
    return 0;
}

static void sender(const cJSON *from, tg_update *u) {
    get_id(from, "id", &u->from_id);
    u->from_is_bot = cJSON_IsTrue(cJSON_GetObjectItem(from, "is_bot"));
    const char *first = cJSON_GetStringValue(cJSON_GetObjectItem(from, "first_name"));
    const char *last = cJSON_GetStringValue(cJSON_GetObjectItem(from, "last_name"));
    snprintf(u->from_name, sizeof u->from_name, "%s%s%s", first ? first : "",
             first && last ? " " : "", last ? last : "");
}

/* A message's chat, id, date and text; -1 if it lacks chat or id. */
static int message(const cJSON *m, tg_update *u) {
    if (get_id(cJSON_GetObjectItem(m, "chat"), "id", &u->chat_id) != 0 ||
        get_id(m, "message_id", &u->message_id) != 0)
        return -1;
    get_id(m, "date", &u->date);
    u->text = cJSON_GetStringValue(cJSON_GetObjectItem(m, "text"));
    return 0;
}

int tg_update_decode(const char *body, size_t len, tg_update *out, char *err,
                     size_t errlen) {
    memset(out, 0, sizeof *out);
    out->root = cJSON_ParseWithLength(body, len);
    if (!cJSON_IsObject(out->root)) {
        snprintf(err, errlen, "the body is not JSON");
        return -1;
    }
    if (get_id(out->root, "update_id", &out->update_id) != 0) {
        snprintf(err, errlen, "the body is not a Telegram update (no update_id)");
        return -1;
    }
    const cJSON *m;
    if ((m = cJSON_GetObjectItem(out->root, "message")) != NULL ||
        (m = cJSON_GetObjectItem(out->root, "edited_message")) != NULL) {
        int edited = cJSON_GetObjectItem(out->root, "message") == NULL;
        if (message(m, out) != 0) {
            snprintf(err, errlen, "the update's message has no chat or id");
            return -1;
        }
        sender(cJSON_GetObjectItem(m, "from"), out);
        /* photos, stickers, joins: no text, nothing to answer */
        out->kind = out->text ? (edited ? TG_EDITED : TG_MESSAGE) : TG_OTHER;
        return 0;
    }
    const cJSON *q = cJSON_GetObjectItem(out->root, "callback_query");
    if (q) {
        out->callback_id = cJSON_GetStringValue(cJSON_GetObjectItem(q, "id"));
        out->callback_data = cJSON_GetStringValue(cJSON_GetObjectItem(q, "data"));
        sender(cJSON_GetObjectItem(q, "from"), out);
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
