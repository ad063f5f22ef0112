/* chat_session.c -- see chat_session.h. */
#include "chat_session.h"

#include "lambda/tick_event.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t session_now(const chat_session *cs) {
    return cs->fixed_now ? cs->now_ms : clock_now_ms();
}

int64_t chat_session_user_id(const char *name) {
    uint64_t h = 14695981039346656037ULL; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return (int64_t)(h % ((1ULL << 52) - 1)) + 1;
}

int chat_session_start(chat_session *cs, bot *b, store *s, const char *family,
                       int64_t chat_id, const char *user, int fixed_now,
                       int64_t now_ms, char *err, size_t errlen) {
    char store_err[STORE_ERR_MAX];
    store_settings settings;
    memset(cs, 0, sizeof *cs);
    if (!store_family_valid(family)) {
        snprintf(err, errlen, "a family id is 1 to %d letters, digits, _ or -",
                 STORE_FAMILY_MAX - 1);
        return -1;
    }
    cs->bot = b;
    cs->store = s;
    snprintf(cs->family, sizeof cs->family, "%s", family);
    cs->chat_id = chat_id;
    snprintf(cs->user, sizeof cs->user, "%s", user);
    cs->fixed_now = fixed_now;
    cs->now_ms = now_ms;
    /* A store that cannot be read is reported now rather than at the
     * first message. No message id is taken yet: one taken now and used
     * minutes later would place this session's first message before what
     * other processes entered meanwhile, and "undo" would skip it. */
    if (s->ops->get_settings(s, family, session_now(cs), &settings, store_err) !=
        STORE_OK) {
        snprintf(err, errlen, "%s", store_err);
        return -1;
    }
    return 0;
}

void chat_session_end(chat_session *cs) {
    for (int i = 0; i < cs->nsent && i < CHAT_HISTORY; i++)
        free(cs->sent[i].text);
    free(cs->pending);
    cs->pending = NULL;
}

static int deliver(chat_session *cs, int64_t chat_id, int64_t id,
                   const char *text, size_t len, int64_t now_ms, int edited,
                   reply_text *out) {
    bot_message m = {
        .family = cs->family, .chat_id = chat_id, .message_id = id,
        .from_id = chat_session_user_id(cs->user), .who = cs->user,
        .text = text, .len = len, .now_ms = now_ms,
        .entered_ms = session_now(cs), .edited = edited,
        .edit_ms = edited ? session_now(cs) : 0,
    };
    bot_result result;
    if (bot_handle(cs->bot, &m, &result) != BOT_OK) cs->store_failed = 1;
    *out = result.reply;
    return 1;
}

/* The history slot of message `id` of the current chat, or -1. */
static int find_sent(const chat_session *cs, int64_t id) {
    for (int i = 0; id > 0 && i < cs->nsent && i < CHAT_HISTORY; i++)
        if (cs->sent[i].id == id && cs->sent[i].chat_id == cs->chat_id) return i;
    return -1;
}

/* Gives the message in history slot `slot` its id, unless it has one. Each
 * new message is numbered by the store as it is sent, as Telegram would:
 * another process on the same store may have sent some since this one's
 * last, and a shared id would make it look like their redelivery. A
 * message the store could not number stays in history without one (it
 * never reached the bot), and :again or :edit numbers it then. Returns 0,
 * or -1 with the failure as the reply. */
static int number(chat_session *cs, int slot, reply_text *out) {
    char err[STORE_ERR_MAX];
    if (cs->sent[slot].id > 0) return 0;
    if (cs->store->ops->next_message_id(cs->store, cs->family, cs->sent[slot].chat_id,
                                        &cs->sent[slot].id, err) == STORE_OK)
        return 0;
    cs->sent[slot].id = 0;
    cs->store_failed = 1;
    /* what the bot answers when its store fails (bot_store_failed) */
    reply_add(out, "\xE2\x9A\xA0\xEF\xB8\x8F Couldn't reach the feeding log "
              "(%s). Nothing was changed; please send that again.", err);
    return -1;
}

static int say_in_chat(void *ctx, const store_schedule *sc, const char *text,
                       int64_t *moved_to, char *err, size_t errlen) {
    (void)sc;
    (void)moved_to;
    (void)err;
    (void)errlen;
    reply_text *due = ctx;
    if (due->len) reply_add(due, "\n");
    reply_add(due, "%s", text);
    return 0;
}

/* The bot's own clock, as the session's passes a time: what is due in this
 * chat is said (and taken, as a tick would: once) into *due. Returns
 * whether anything was. */
static int tick(chat_session *cs, int64_t now_ms, reply_text *due) {
    char claim[33];
    bot_tick_result result;
    reply_clear(due);
    if (tick_claim_name(claim) != 0) return 0;
    if (bot_tick(cs->bot, now_ms, claim, cs->family, cs->chat_id, say_in_chat,
                 due, &result) != BOT_OK)
        cs->store_failed = 1;
    return due->len > 0;
}

/* *out, after what the clock said before it. */
static void after_due(const reply_text *due, reply_text *out) {
    if (due->len == 0) return;
    reply_text both = *due;
    reply_add(&both, "\n%s", out->text);
    *out = both;
}

static int send_new(chat_session *cs, const char *text, size_t len,
                    reply_text *out) {
    reply_text due;
    due.oz = out->oz;
    tick(cs, session_now(cs), &due);
    int slot = cs->nsent % CHAT_HISTORY;
    if (cs->nsent >= CHAT_HISTORY) free(cs->sent[slot].text);
    char *copy = malloc(len + 1);
    if (copy == NULL) abort();
    memcpy(copy, text, len);
    copy[len] = '\0';
    cs->sent[slot].id = 0;
    cs->sent[slot].chat_id = cs->chat_id;
    cs->sent[slot].now_ms = session_now(cs);
    cs->sent[slot].text = copy;
    cs->sent[slot].len = len;
    cs->nsent++;
    if (number(cs, slot, out) == 0)
        deliver(cs, cs->chat_id, cs->sent[slot].id, copy, len,
                cs->sent[slot].now_ms, 0, out);
    after_due(&due, out);
    return 1;
}

static int last_slot(const chat_session *cs) {
    return cs->nsent ? (cs->nsent - 1) % CHAT_HISTORY : -1;
}

/* ":edit TEXT" or ":edit #N TEXT" */
static int edit(chat_session *cs, const char *args, reply_text *out) {
    int slot = last_slot(cs);
    int64_t id = 0;
    if (args[0] == '#') {
        char *end;
        id = strtoll(args + 1, &end, 10);
        while (*end == ' ') end++;
        args = end;
        slot = find_sent(cs, id);
    } else if (slot >= 0) {
        if (number(cs, slot, out) != 0) return 1;
        id = cs->sent[slot].id;
    }
    if (id <= 0) {
        reply_add(out, "(nothing to edit yet)");
        return 1;
    }
    /* an edit keeps the message's own time, as Telegram's "date" does */
    int64_t now = slot >= 0 ? cs->sent[slot].now_ms : session_now(cs);
    if (slot >= 0) {
        size_t len = strlen(args);
        char *copy = malloc(len + 1);
        if (copy == NULL) abort();
        memcpy(copy, args, len + 1);
        free(cs->sent[slot].text);
        cs->sent[slot].text = copy;
        cs->sent[slot].len = len;
    }
    return deliver(cs, slot >= 0 ? cs->sent[slot].chat_id : cs->chat_id, id, args,
                   strlen(args), now, 1, out);
}

static const char chat_help[] =
    "(chat commands: a line ending in \\ continues the message; :again "
    "delivers the last message again, :again #N message N; :edit TEXT "
    "edits the last message, :edit #N TEXT "
    "edits message N; :now RFC3339 fixes the clock; :user NAME changes the "
    "sender; :chat N changes the chat)";

/* Is `line` the chat command `name`, alone or followed by a space? */
static const char *command_args(const char *line, const char *name) {
    size_t n = strlen(name);
    if (strncmp(line, name, n) != 0) return NULL;
    if (line[n] == '\0') return line + n;
    if (line[n] != ' ') return NULL;
    line += n;
    while (*line == ' ') line++;
    return line;
}

static int chat_command(chat_session *cs, const char *line, reply_text *out) {
    const char *args;
    if ((args = command_args(line, ":again")) != NULL) {
        int slot = args[0] == '#' ? find_sent(cs, strtoll(args + 1, NULL, 10))
                                  : last_slot(cs);
        if (slot < 0) {
            reply_add(out, "(nothing to deliver again yet)");
            return 1;
        }
        if (number(cs, slot, out) != 0) return 1;
        return deliver(cs, cs->sent[slot].chat_id, cs->sent[slot].id,
                       cs->sent[slot].text, cs->sent[slot].len,
                       cs->sent[slot].now_ms, 0, out);
    }
    if ((args = command_args(line, ":edit")) != NULL) return edit(cs, args, out);
    if ((args = command_args(line, ":now")) != NULL) {
        if (clock_parse_rfc3339(args, &cs->now_ms) != 0) {
            reply_add(out, "(:now needs an RFC 3339 time like "
                           "2026-11-28T15:00:00+08:00)");
            return 1;
        }
        cs->fixed_now = 1;
        return tick(cs, cs->now_ms, out); /* what came due meanwhile */
    }
    if ((args = command_args(line, ":user")) != NULL && args[0]) {
        snprintf(cs->user, sizeof cs->user, "%s", args);
        return 0;
    }
    if ((args = command_args(line, ":chat")) != NULL) {
        char *end;
        long long chat = strtoll(args, &end, 10);
        if (end == args || *end != '\0' || chat == 0) {
            reply_add(out, "(:chat needs a chat number, like :chat 2 or :chat -100)");
            return 1;
        }
        cs->chat_id = chat;
        return 0;
    }
    if (command_args(line, ":help") != NULL) {
        reply_add(out, "%s", chat_help);
        return 1;
    }
    return -1; /* not a chat command: a message like ":)" */
}

int chat_session_line(chat_session *cs, const char *line, size_t len,
                      reply_text *out) {
    reply_clear(out);
    if (len && line[len - 1] == '\\') { /* the message goes on */
        char *more = realloc(cs->pending, cs->pending_len + len + 1);
        if (more == NULL) abort();
        memcpy(more + cs->pending_len, line, len - 1);
        more[cs->pending_len + len - 1] = '\n';
        cs->pending = more;
        cs->pending_len += len;
        return 0;
    }
    if (cs->pending) {
        char *message = realloc(cs->pending, cs->pending_len + len + 1);
        if (message == NULL) abort();
        memcpy(message + cs->pending_len, line, len);
        size_t total = cs->pending_len + len;
        cs->pending = NULL;
        cs->pending_len = 0;
        int shown = send_new(cs, message, total, out);
        free(message);
        return shown;
    }
    if (len && line[0] == ':' && memchr(line, '\0', len) == NULL) {
        char command[1024];
        snprintf(command, sizeof command, "%.*s", (int)len, line);
        int shown = chat_command(cs, command, out);
        if (shown >= 0) return shown;
    }
    return send_new(cs, line, len, out);
}
