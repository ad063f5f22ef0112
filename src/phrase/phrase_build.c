/* phrase_build.c -- fills the phrase tree from the grammar's items.
 *
 * The grammar (grammar/phrase_grammar.y) calls one phrase_add_* function per
 * item, in the order the items were written. Each checks the item (a time of
 * day must exist, an amount must be in range) and its conflicts with what came
 * before (two amounts, two times); the first problem becomes the phrase's
 * error message, naming the words and their position, and parsing stops.
 * phrase_finish() then decides the intent from what was seen. */
#include "phrase_internal.h"
#include "phrase_grammar.h"
#include "utf8.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define QUOTE_MAX 40 /* bytes of a user's word quoted in a message */

/* The longest "N hours ago" we accept: older feedings are given with a day. */

const char *phrase_intent_name(phrase_intent intent) {
    static const char *const names[] = {"error", "record",   "total", "last",
                                        "week",  "undo", "timezone", "help"};
    return (unsigned)intent < sizeof names / sizeof names[0] ? names[intent]
                                                              : "error";
}

const char *phrase_kind_name(phrase_kind kind) {
    switch (kind) {
    case PHRASE_FORMULA: return "formula";
    case PHRASE_BREASTMILK: return "breastmilk";
    default: return "milk";
    }
}

/* Empties a phrase without touching more of its text buffers than needed. */
static void clear_phrase(phrase *out) {
    memset(out, 0, offsetof(phrase, note));
    out->note[0] = out->zone[0] = out->message[0] = '\0';
}

void phrase_ctx_init(phrase_ctx *ctx, const char *text, size_t len,
                     phrase *out) {
    /* Only the counters are cleared: the word list is filled before it is
     * read, and the text buffers only need their first byte. This runs for
     * every message, so it avoids clearing ~1.5 KB it would overwrite. */
    memset(ctx, 0, offsetof(phrase_ctx, words));
    ctx->nwords = 0;
    ctx->words_overflow = 0;
    ctx->text = text;
    ctx->len = len;
    ctx->out = out;
    clear_phrase(out);
}

/* The 1-based character position of byte offset `off`, as a person counts
 * (UTF-8 continuation bytes do not start a character). */
static size_t position(const phrase_ctx *ctx, uint32_t off) {
    size_t pos = 1;
    for (uint32_t i = 0; i < off && i < ctx->len; i++)
        if (((unsigned char)ctx->text[i] & 0xC0) != 0x80) pos++;
    return pos;
}

/* The token's text, valid UTF-8, shortened for a message. Returned by value:
 * C11 keeps the array alive until the end of the full expression, so
 * fail(ctx, "%s", quote(ctx, t).s) needs no buffer of its own. */
typedef struct {
    char s[QUOTE_MAX + 4]; /* the text, an ellipsis and NUL */
} quoted;

static quoted quote(const phrase_ctx *ctx, const phrase_token *t) {
    quoted q;
    q.s[0] = '\0';
    if (utf8_copy_clean(q.s, QUOTE_MAX + 1, ctx->text + t->off, t->len) ==
        (size_t)-1)
        strcat(q.s, "\xE2\x80\xA6");
    return q;
}

static void fail(phrase_ctx *ctx, const char *fmt, ...) {
    if (ctx->failed) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->out->message, sizeof ctx->out->message, fmt, ap);
    va_end(ap);
    ctx->failed = 1;
}

/* "X and Y": the second of two things that cannot both be in one phrase. */
static void fail_twice(phrase_ctx *ctx, const char *what,
                       const phrase_token *first, const phrase_token *second,
                       const char *hint) {
    fail(ctx, "two %s: \"%s\" and \"%s\" at position %zu%s", what,
         quote(ctx, first).s, quote(ctx, second).s,
         position(ctx, second->off), hint);
}

static void note_word(phrase_ctx *ctx, const phrase_token *t, int command) {
    if (ctx->nwords == PHRASE_MAX_WORDS) {
        ctx->words_overflow = 1;
        return;
    }
    ctx->words[ctx->nwords].off = t->off;
    ctx->words[ctx->nwords].len = t->len;
    ctx->words[ctx->nwords].command = command;
    ctx->nwords++;
}

/* Rounds half up to whole millilitres; oz are US fluid ounces. */
static int64_t micro_to_ml(int64_t micro, int unit) {
    if (unit == UNIT_OZ) micro = micro * 295735 / 10000;
    return (micro + 500000) / 1000000;
}

static void take_amount(phrase_ctx *ctx, const phrase_token *t, int unit) {
    ctx->items++;
    ctx->last_item = TK_AMOUNT;
    if (ctx->amounts++) {
        fail_twice(ctx, "amounts", &ctx->amount, t, " (one feeding per line)");
        return;
    }
    ctx->amount = *t;
    int64_t ml = micro_to_ml(t->micro, unit);
    if (ml < PHRASE_AMOUNT_MIN_ML || ml > PHRASE_AMOUNT_MAX_ML) {
        if (t->micro >= PHRASE_NUMBER_CAP * 1000000) /* saturated */
            fail(ctx, "amount \"%s\" is out of range (%d\xE2\x80\x93%d ml)",
                 quote(ctx, t).s, PHRASE_AMOUNT_MIN_ML,
                 PHRASE_AMOUNT_MAX_ML);
        else if (unit == UNIT_OZ)
            fail(ctx, "amount \"%s\" (%lld ml) is out of range (%d\xE2\x80\x93%d ml)",
                 quote(ctx, t).s, (long long)ml,
                 PHRASE_AMOUNT_MIN_ML, PHRASE_AMOUNT_MAX_ML);
        else
            fail(ctx, "amount %lld ml is out of range (%d\xE2\x80\x93%d ml)",
                 (long long)ml, PHRASE_AMOUNT_MIN_ML, PHRASE_AMOUNT_MAX_ML);
        return;
    }
    ctx->out->amount_ml = (int)ml;
}

void phrase_add_amount(phrase_ctx *ctx, const phrase_token *t) {
    take_amount(ctx, t, t->unit);
}

static void take_time(phrase_ctx *ctx, const phrase_token *t, int item) {
    ctx->items++;
    ctx->last_item = item;
    if (ctx->times++) {
        fail_twice(ctx, "times", &ctx->time_tok, t, "");
        return;
    }
    ctx->time_tok = *t;
}

void phrase_add_clock(phrase_ctx *ctx, const phrase_token *t) {
    take_time(ctx, t, TK_CLOCK);
    if (ctx->failed) return;
    int hour = t->hour;
    if (t->sub == PHRASE_CLOCK_AM || t->sub == PHRASE_CLOCK_PM) {
        if (hour < 1 || hour > 12 || t->minute > 59) {
            fail(ctx, "\"%s\" at position %zu is not a time of day "
                 "(hours 1\xE2\x80\x93" "12 with am/pm, minutes "
                 "0\xE2\x80\x93" "59)",
                 quote(ctx, t).s, position(ctx, t->off));
            return;
        }
        hour = hour % 12 + (t->sub == PHRASE_CLOCK_PM ? 12 : 0);
    } else if (hour > 23 || t->minute > 59) {
        fail(ctx, "\"%s\" at position %zu is not a time of day "
             "(hours 0\xE2\x80\x93" "23, minutes 0\xE2\x80\x93" "59)",
             quote(ctx, t).s, position(ctx, t->off));
        return;
    }
    ctx->out->time = PHRASE_TIME_CLOCK;
    ctx->out->clock = (phrase_clock)t->sub;
    ctx->out->hour = hour;
    ctx->out->minute = t->minute;
}

/* A number with no unit: an hour right after "at", a day word or a part of
 * the day ("at 7", "yesterday 7 90ml"), otherwise millilitres. */
void phrase_add_number(phrase_ctx *ctx, const phrase_token *t) {
    int after = ctx->last_item;
    if ((after == TK_AT || after == TK_DAY || after == TK_PART) && t->integer &&
        t->micro <= 23 * 1000000LL) {
        phrase_token clock = *t;
        clock.hour = (int)(t->micro / 1000000);
        clock.minute = 0;
        int leading_zero = t->len > 1 && ctx->text[t->off] == '0';
        clock.sub = (clock.hour >= 1 && clock.hour <= 12 && !leading_zero)
                        ? PHRASE_CLOCK_BARE
                        : PHRASE_CLOCK_AS_WRITTEN;
        phrase_add_clock(ctx, &clock);
        return;
    }
    if (after == TK_AT) {
        fail(ctx, "\"at %s\" at position %zu is not a time of day "
             "(hours 0\xE2\x80\x93" "23)",
             quote(ctx, t).s, position(ctx, t->off));
        return;
    }
    take_amount(ctx, t, UNIT_ML);
}

void phrase_add_now(phrase_ctx *ctx, const phrase_token *t) {
    take_time(ctx, t, TK_NOW);
    if (!ctx->failed) ctx->out->time = PHRASE_TIME_NOW;
}

void phrase_add_at(phrase_ctx *ctx, const phrase_token *t) {
    (void)t;
    ctx->last_item = TK_AT;
}

void phrase_add_ago(phrase_ctx *ctx, const phrase_token *t) {
    take_time(ctx, t, TK_AGO);
    if (ctx->failed) return;
    int64_t micro_minutes = t->unit == UNIT_HOURS ? t->micro * 60 : t->micro;
    int64_t minutes = (micro_minutes + 500000) / 1000000;
    if (minutes > PHRASE_AGO_MAX_MINUTES) {
        fail(ctx, "\"%s ago\" at position %zu is too long ago (at most 48 "
             "hours); give the day and time instead, like \"yesterday 7pm\"",
             quote(ctx, t).s, position(ctx, t->off));
        return;
    }
    ctx->out->time = PHRASE_TIME_AGO;
    ctx->out->ago_minutes = (int)minutes;
}

void phrase_add_duration(phrase_ctx *ctx, const phrase_token *t) {
    quoted q = quote(ctx, t);
    fail(ctx, "\"%s\" at position %zu needs \"ago\", like \"%s ago\"", q.s,
         position(ctx, t->off), q.s);
}

void phrase_add_future(phrase_ctx *ctx, const phrase_token *t) {
    fail(ctx, "can't record a feeding in the future (\"%s\" at position %zu)",
         quote(ctx, t).s, position(ctx, t->off));
}

void phrase_add_day(phrase_ctx *ctx, const phrase_token *t) {
    ctx->items++;
    ctx->last_item = TK_DAY;
    if (ctx->days++ && ctx->out->day != (phrase_day)t->sub) {
        fail_twice(ctx, "days", &ctx->day_tok, t, "");
        return;
    }
    ctx->day_tok = *t;
    ctx->out->day = (phrase_day)t->sub;
}

void phrase_add_part(phrase_ctx *ctx, const phrase_token *t) {
    ctx->items++;
    ctx->last_item = TK_PART;
    if (ctx->out->part && ctx->out->part != (phrase_part)t->sub) {
        fail(ctx, "two parts of the day at position %zu",
             position(ctx, t->off));
        return;
    }
    ctx->out->part = (phrase_part)t->sub;
}

void phrase_add_kind(phrase_ctx *ctx, const phrase_token *t) {
    ctx->items++;
    ctx->last_item = TK_KIND;
    if (t->sub == PHRASE_MILK) return; /* a specific kind wins over "milk" */
    if (ctx->specific_kind && ctx->out->kind != (phrase_kind)t->sub) {
        fail_twice(ctx, "kinds", &ctx->kind_tok, t, " (one feeding per line)");
        return;
    }
    ctx->specific_kind = 1;
    ctx->kind_tok = *t;
    ctx->out->kind = (phrase_kind)t->sub;
}

void phrase_add_command(phrase_ctx *ctx, const phrase_token *t) {
    ctx->items++;
    ctx->last_item = TK_COMMAND;
    if (t->sub == CMD_UNKNOWN) {
        fail(ctx, "unknown command \"%s\" (try /help)",
             quote(ctx, t).s);
        return;
    }
    if (!t->slash) note_word(ctx, t, 1);
    if (ctx->command && ctx->command != t->sub) {
        fail_twice(ctx, "commands", &ctx->command_tok, t, "");
        return;
    }
    ctx->command = t->sub;
    ctx->command_tok = *t;
}

void phrase_add_zone(phrase_ctx *ctx, const phrase_token *t) {
    ctx->zone_given = 1;
    ctx->zone_tok = *t;
}

void phrase_add_question(phrase_ctx *ctx) { ctx->questions++; }

void phrase_add_word(phrase_ctx *ctx, const phrase_token *t) {
    ctx->items++;
    ctx->last_item = TK_WORD;
    note_word(ctx, t, 0);
}

void phrase_syntax_error(phrase_ctx *ctx, const phrase_token *t) {
    if (t == NULL || t->len == 0) {
        fail(ctx, "the phrase is too complicated");
        return;
    }
    fail(ctx, "didn't understand \"%s\" at position %zu",
         quote(ctx, t).s, position(ctx, t->off));
}

/* The note: the other words, in order, one space apart, as valid UTF-8.
 * Returns 0 when it does not fit. */
static int build_note(phrase_ctx *ctx, int with_commands) {
    char *note = ctx->out->note;
    size_t used = 0;
    if (ctx->words_overflow) return 0;
    for (int i = 0; i < ctx->nwords; i++) {
        if (ctx->words[i].command && !with_commands) continue;
        if (used && used < PHRASE_NOTE_MAX) note[used++] = ' ';
        size_t n = utf8_copy_clean(note + used, PHRASE_NOTE_MAX + 1 - used,
                                   ctx->text + ctx->words[i].off,
                                   ctx->words[i].len);
        if (n == (size_t)-1) return 0;
        used += n;
    }
    note[used] = '\0';
    return 1;
}

static void finish_record(phrase_ctx *ctx) {
    phrase *out = ctx->out;
    int cmd = ctx->command;
    if (cmd == CMD_UNDO || cmd == CMD_HELP || cmd == CMD_TIMEZONE ||
        (ctx->command_tok.slash && cmd != CMD_FEED)) {
        fail(ctx, "\"%s\" can't be combined with an amount; send it on its "
             "own line", quote(ctx, &ctx->command_tok).s);
        return;
    }
    if (out->time == PHRASE_TIME_AGO && out->day != PHRASE_NO_DAY) {
        fail(ctx, "\"%s ago\" can't be combined with \"%s\"",
             quote(ctx, &ctx->time_tok).s,
             quote(ctx, &ctx->day_tok).s);
        return;
    }
    if (!build_note(ctx, 1)) {
        fail(ctx, "the note is too long (at most %d bytes)", PHRASE_NOTE_MAX);
        return;
    }
    out->intent = PHRASE_RECORD;
}

static void finish_command(phrase_ctx *ctx) {
    phrase *out = ctx->out;
    switch (ctx->command) {
    case CMD_TOTAL: out->intent = PHRASE_TOTAL; break;
    case CMD_LAST: out->intent = PHRASE_LAST; break;
    case CMD_WEEK: out->intent = PHRASE_WEEK; break;
    case CMD_UNDO: out->intent = PHRASE_UNDO; break;
    case CMD_HELP: out->intent = PHRASE_HELP; break;
    case CMD_TIMEZONE:
        if (ctx->zone_given) {
            if (ctx->zone_tok.len > PHRASE_ZONE_MAX) {
                fail(ctx, "unknown time zone \"%s\"",
                     quote(ctx, &ctx->zone_tok).s);
                return;
            }
            utf8_copy_clean(out->zone, sizeof out->zone,
                            ctx->text + ctx->zone_tok.off, ctx->zone_tok.len);
        }
        out->intent = PHRASE_TIMEZONE;
        break;
    default: { /* CMD_FEED without an amount */
        fail(ctx, "\"%s\" needs an amount, like \"/feed 120ml\"",
             quote(ctx, &ctx->command_tok).s);
        return;
    }
    }
    if (out->intent != PHRASE_TOTAL) out->day = PHRASE_NO_DAY;
}

void phrase_finish(phrase_ctx *ctx) {
    phrase *out = ctx->out;
    if (!ctx->failed) {
        if (ctx->amounts)
            finish_record(ctx);
        else if (ctx->command)
            finish_command(ctx);
        else if (ctx->days && !ctx->times)
            out->intent = PHRASE_TOTAL; /* "yesterday", "today?" */
        else if (ctx->questions && !ctx->items)
            out->intent = PHRASE_HELP; /* "?" */
        else {
            int first_word = -1;
            for (int i = 0; i < ctx->nwords && first_word < 0; i++)
                if (!ctx->words[i].command) first_word = i;
            if (first_word >= 0) {
                phrase_token w = {0};
                w.off = ctx->words[first_word].off;
                w.len = ctx->words[first_word].len;
                fail(ctx, "didn't understand \"%s\" at position %zu "
                     "(a feeding needs an amount, like \"120ml\")",
                     quote(ctx, &w).s, position(ctx, w.off));
            } else if (ctx->items || ctx->questions) {
                fail(ctx, "no amount: say how much, like \"120ml\"");
            } else {
                fail(ctx, "empty message: send a feeding like \"120ml\", or "
                     "\"help\"");
            }
        }
    }
    if (ctx->failed) {
        /* An error carries only its message. */
        memset(out, 0, offsetof(phrase, note));
        out->intent = PHRASE_ERROR;
        out->note[0] = out->zone[0] = '\0';
        return;
    }
    if (out->intent != PHRASE_RECORD) {
        /* A command carries only its own fields (total: day; tz: zone). */
        phrase_intent intent = out->intent;
        phrase_day day = out->day;
        memset(out, 0, offsetof(phrase, note));
        out->intent = intent;
        if (intent == PHRASE_TOTAL) out->day = day;
        out->note[0] = '\0';
    }
}
