/* addressee.c -- see addressee.h. */
#include "addressee.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int name_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '_';
}

int tg_bot_identity_set(tg_bot_identity *me, const char *token,
                        const char *username, char *err, size_t errlen) {
    memset(me, 0, sizeof *me);
    if (token) { /* the id only: digits before the colon */
        int64_t id = 0;
        const char *p = token;
        while (*p >= '0' && *p <= '9' && id < (INT64_C(1) << 52)) id = id * 10 + (*p++ - '0');
        if (*p == ':' && p > token && id < (INT64_C(1) << 52)) me->id = id;
    }
    if (username == NULL || username[0] == '\0') return 0;
    if (username[0] == '@') username++;
    size_t n = strlen(username);
    int ok = n >= 5 && n <= TG_USERNAME_MAX;
    for (size_t i = 0; ok && i < n; i++) ok = name_char(username[i]);
    if (!ok) {
        snprintf(err, errlen, "TELEGRAM_BOT_USERNAME: not a Telegram username "
                 "(5 to 32 letters, digits or _)");
        return -1;
    }
    memcpy(me->username, username, n + 1);
    return 0;
}

/* Whether text[at..] is "@<username>" ending at a non-name character. */
static size_t mention_at(const char *text, size_t at, size_t len,
                         const char *username) {
    size_t n = strlen(username);
    if (n == 0 || at + 1 + n > len || text[at] != '@' ||
        strncasecmp(text + at + 1, username, n) != 0)
        return 0;
    if (at + 1 + n < len && name_char(text[at + 1 + n])) return 0;
    if (at > 0 && name_char(text[at - 1])) return 0; /* a@ThisBot: an address */
    return 1 + n;
}

tg_addressee tg_addressee_of(const tg_update *u, const tg_bot_identity *me,
                             char **text) {
    const char *in = u->text ? u->text : "";
    size_t len = strlen(in);
    char *out = malloc(len + 1);
    *text = out;
    if (out == NULL) return TG_FOR_NOBODY;
    tg_addressee who = TG_FOR_NOBODY;
    size_t o = 0, i = 0;
    /* a leading command: "/name" (a letter first, as Telegram's commands)
     * and maybe "@bot" right after it */
    if (in[0] == '/' && ((in[1] >= 'a' && in[1] <= 'z') || (in[1] >= 'A' && in[1] <= 'Z'))) {
        who = TG_FOR_EVERY_BOT;
        out[o++] = in[i++];
        while (i < len && name_char(in[i])) out[o++] = in[i++];
        if (i < len && in[i] == '@') {
            size_t start = ++i;
            while (i < len && name_char(in[i])) i++;
            size_t n = i - start;
            if (n == 0) /* "/feed@ 120ml": no name after all */
                who = TG_FOR_EVERY_BOT;
            else if (me->username[0] && (n != strlen(me->username) ||
                                         strncasecmp(in + start, me->username, n) != 0))
                who = TG_FOR_ANOTHER_BOT;
            else
                who = TG_FOR_US;
        }
    }
    /* mentions of this bot anywhere: taken out */
    while (i < len) {
        size_t m = mention_at(in, i, len, me->username);
        if (m) {
            if (who == TG_FOR_NOBODY || who == TG_FOR_EVERY_BOT) who = TG_FOR_US;
            i += m;
            continue;
        }
        out[o++] = in[i++];
    }
    out[o] = '\0';
    if (who == TG_FOR_NOBODY && me->id != 0 && u->reply_to_from_id == me->id)
        who = TG_FOR_US;
    if (!u->in_group) who = TG_FOR_US; /* only the bot reads a private chat */
    return who;
}
