/* fuzz_bot.c -- libFuzzer harness: the bot core on a fresh in-memory SQLite
 * store, fed a conversation of arbitrary messages, edits, redeliveries and
 * clock jumps.
 *
 * Input layout: byte 0 picks the chat's default zone; the rest is split at
 * NUL bytes into steps. A step's first byte says what it is (low 3 bits):
 * 0-4 a new message (the rest of the step is its text), 5 an edit of an
 * earlier message, 6 a redelivery of an earlier message, 7 the clock moving
 * forward; its high bits choose which message or how far, and for a new
 * message which of the family's two parents sends it, each in their own
 * chat with the bot, both writing in the family's one log. Beyond crashes,
 * leaks and UB, it checks that every reply is non-empty, bounded and valid
 * UTF-8, that the store never fails, and that a redelivered message never
 * records anything. When the clock moves, the bot's own clock ticks (#17):
 * the reminders, alerts and summaries the conversation set that are due
 * are said (valid text, like a reply), and a second tick at the same time
 * says nothing: each is said once. */
#include "bot/bot.h"
#include "clock/clock.h"
#include "store/store.h"
#include "util/utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const zones[] = {"UTC", "Europe/London", "America/New_York",
                                    "Australia/Lord_Howe", "Asia/Kathmandu"};
#define MAX_STEPS 64

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    char err[256];
    if (clock_init(err, sizeof err) != 0) abort();
    return 0;
}

/* A reply, or what the bot says on its own, is text a person reads:
 * non-empty, bounded, valid UTF-8, and no control characters but line
 * breaks. */
static void check_text(const char *text) {
    const unsigned char *t = (const unsigned char *)text;
    size_t len = strlen(text);
    if (len == 0 || len >= BOT_REPLY_MAX) abort();
    for (size_t i = 0; i < len;) {
        size_t n = utf8_sequence_length(t + i, len - i);
        if (n == 0 || (n == 1 && t[i] < 0x20 && t[i] != '\n')) abort();
        i += n;
    }
}

static void check_reply(const bot_result *r) {
    check_text(r->reply.text);
}

#define ZONES (sizeof zones / sizeof zones[0])

static int say_checked(void *ctx, const store_schedule *sc, const char *text,
                       int64_t *moved_to, char *err, size_t errlen) {
    (void)sc;
    (void)moved_to;
    (void)err;
    (void)errlen;
    check_text(text);
    ++*(int *)ctx;
    return 0;
}

/* A tick at now, and the same tick again: the second says nothing (when
 * the first could take everything due: it takes at most STORE_DUE_MAX). */
static void tick_twice(bot *b, int64_t now) {
    bot_tick_result first, again;
    int said = 0;
    if (bot_tick(b, now, "fuzz-1", NULL, 0, say_checked, &said, &first) != BOT_OK) abort();
    if (said != first.said) abort();
    if (bot_tick(b, now, "fuzz-2", NULL, 0, say_checked, &said, &again) != BOT_OK) abort();
    if (first.due < STORE_DUE_MAX && (again.said != 0 || again.lost != 0)) abort();
}

/* One store and one bot per zone serve many inputs, each input in a family
 * of its own (families never see each other), because opening them costs ~0.75 ms
 * against a few microseconds per message. They are made anew every
 * RECYCLE inputs so memory stays bounded. */
#define RECYCLE 1000
static store *shared_store;
static bot *bots[ZONES];
static int64_t chat_counter;

static void recycle(void) {
    char err[512];
    for (size_t i = 0; i < ZONES; i++) bot_free(bots[i]);
    store_close(shared_store);
    shared_store = store_open("sqlite::memory:", err, sizeof err);
    if (shared_store == NULL) abort();
    for (size_t i = 0; i < ZONES; i++)
        if ((bots[i] = bot_new(shared_store, zones[i], err, sizeof err)) == NULL)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    if (chat_counter++ % RECYCLE == 0) recycle();
    bot *b = bots[data[0] % ZONES];
    char family[STORE_FAMILY_MAX];
    snprintf(family, sizeof family, "z%lld", (long long)chat_counter);

    /* 2026-03-08T06:30:00Z: a DST weekend in New York */
    int64_t now = 1772951400000LL;
    struct {
        const char *text;
        size_t len;
        int64_t now, chat_id;
    } sent[MAX_STEPS];
    int nsent = 0, steps = 0;
    const char *p = (const char *)data + 1, *end = (const char *)data + size;
    while (p < end && steps++ < MAX_STEPS) {
        const char *stop = memchr(p, '\0', (size_t)(end - p));
        if (stop == NULL) stop = end;
        if (stop > p) {
            unsigned op = (unsigned char)p[0];
            const char *text = p + 1;
            size_t len = (size_t)(stop - text);
            bot_result r;
            bot_message m = {.family = family, .who = "Fuzz", .entered_ms = now};
            if ((op & 7) == 7) { /* the clock moves on, by up to ~25 hours */
                now += (int64_t)(op >> 3) * 47 * 60000;
                tick_twice(b, now);
            } else if ((op & 7) >= 5 && nsent > 0) {
                /* an earlier message, edited or delivered again */
                int i = (int)(op >> 3) % nsent;
                m.message_id = i + 1;
                m.chat_id = m.from_id = sent[i].chat_id;
                m.now_ms = sent[i].now;
                if ((op & 7) == 5) {
                    sent[i].text = text;
                    sent[i].len = len;
                    m.edited = 1;
                }
                m.text = sent[i].text;
                m.len = sent[i].len;
                if (bot_handle(b, &m, &r) != BOT_OK) abort();
                check_reply(&r);
                if (!m.edited && r.recorded) abort(); /* recorded twice */
            } else if ((op & 7) < 5 && nsent < MAX_STEPS) {
                sent[nsent].text = text;
                sent[nsent].len = len;
                sent[nsent].now = now;
                /* a private chat's id is its user's */
                sent[nsent].chat_id = chat_counter * 2 + ((op >> 3) & 1);
                m.chat_id = m.from_id = sent[nsent].chat_id;
                m.message_id = ++nsent;
                m.text = text;
                m.len = len;
                m.now_ms = now;
                if (bot_handle(b, &m, &r) != BOT_OK) abort();
                check_reply(&r);
            }
        }
        p = stop + 1;
    }
    return 0;
}
