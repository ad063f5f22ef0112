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


/* The longest "N hours ago" we accept: older feedings are given with a day. */

const char *phrase_intent_name(phrase_intent intent) {
    static const char *const names[] = {"error", "record",   "total", "last",
                                        "week",  "undo", "timezone", "help",
                                        "greeting", "since", "babies", "correct",
                                        "units", "remind", "alert", "summary",
                                        "next"};
    return (unsigned)intent < sizeof names / sizeof names[0] ? names[intent]
                                                              : "error";
}

const char *phrase_kind_name(phrase_kind kind) {
    switch (kind) {
    case PHRASE_FORMULA: return "formula";
    case PHRASE_BREASTMILK: return "breastmilk";
    case PHRASE_NURSING: return "nursing";
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
size_t phrase_position(const phrase_ctx *ctx, uint32_t off) {
    size_t pos = 1;
    for (uint32_t i = 0; i < off && i < ctx->len; i++)
        if (((unsigned char)ctx->text[i] & 0xC0) != 0x80) pos++;
    return pos;
}

quoted phrase_quote(const phrase_ctx *ctx, const phrase_token *t) {
    quoted q;
    q.s[0] = '\0';
    if (utf8_copy_clean(q.s, QUOTE_MAX + 1, ctx->text + t->off, t->len) ==
        (size_t)-1)
        strcat(q.s, "\xE2\x80\xA6");
    return q;
}

void phrase_fail(phrase_ctx *ctx, const char *fmt, ...) {
    if (ctx->failed) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->out->message, sizeof ctx->out->message, fmt, ap);
    va_end(ap);
    ctx->failed = 1;
}

/* "X and Y": the second of two things that cannot both be in one phrase. */
void phrase_fail_twice(phrase_ctx *ctx, const char *what,
                       const phrase_token *first, const phrase_token *second,
                       const char *hint) {
    phrase_fail(ctx, "two %s: \"%s\" and \"%s\" at position %zu%s", what,
         phrase_quote(ctx, first).s, phrase_quote(ctx, second).s,
         phrase_position(ctx, second->off), hint);
}

void phrase_note_word(phrase_ctx *ctx, const phrase_token *t, int command) {
    if (ctx->nwords == PHRASE_MAX_WORDS) {
        ctx->words_overflow = 1;
        return;
    }
    ctx->words[ctx->nwords].off = t->off;
    ctx->words[ctx->nwords].len = t->len;
    ctx->words[ctx->nwords].command = command;
    ctx->nwords++;
}

static int is_numeric(int code) {
    return code == TK_NUMBER || code == TK_AMOUNT || code == TK_CLOCK ||
           code == TK_HOURH || code == TK_DURATION;
}

/* A word that may touch a number without changing what it means: emoji and
 * symbols ("🍼150"), brackets and quotes. Letters may not: "3pn", "b4",
 * "x2" or "4унции" are not understood, and so not stored. */
static int harmless_word(const phrase_ctx *ctx, const phrase_token *t) {
    const unsigned char *w = (const unsigned char *)ctx->text + t->off;
    for (uint32_t i = 0; i < t->len;) {
        unsigned char c = w[i];
        if (c >= 0xF0 || c == 0xE2) { /* emoji, U+2000-U+2FFF symbols */
            i++;
            while (i < t->len && (w[i] & 0xC0) == 0x80) i++;
        } else if (c == 0xEF && i + 2 < t->len && w[i + 1] == 0xB8 &&
                   w[i + 2] == 0x8F) { /* the emoji variation selector */
            i += 3;
        } else if (c != 0 && strchr("()[]\"'", c)) {
            i++;
        } else {
            return 0;
        }
    }
    return 1;
}

/* Two time-like readings of a bare number, for hints: "2215" or "7.30".
 * Writes "22:15" and returns 1 when the number reads as a time of day. */
static int time_reading(const phrase_ctx *ctx, const phrase_token *t,
                        char out[16]) {
    const char *p = ctx->text + t->off;
    int digits = 0, dot = -1;
    for (uint32_t i = 0; i < t->len; i++) {
        if (p[i] >= '0' && p[i] <= '9') digits++;
        else if (p[i] == '.' && dot < 0) dot = (int)i;
        else return 0;
    }
    int hour, minute;
    /* 2215, 0730; not 120 or 730, which are far more often millilitres */
    if (dot < 0 && (digits == 4 || (digits == 3 && p[0] == '0'))) {
        int v = 0;
        for (uint32_t i = 0; i < t->len; i++) v = v * 10 + (p[i] - '0');
        hour = v / 100;
        minute = v % 100;
    } else if (dot >= 1 && dot <= 2 && (int)t->len == dot + 3) { /* 7.30 */
        hour = dot == 2 ? (p[0] - '0') * 10 + (p[1] - '0') : p[0] - '0';
        minute = (p[dot + 1] - '0') * 10 + (p[dot + 2] - '0');
    } else {
        return 0;
    }
    if (hour > 23 || minute > 59) return 0;
    snprintf(out, 16, "%d:%02d", hour, minute);
    return 1;
}

/* The known short word a glued word is one typo from: "3pn" -> "pm". */
static const char *short_word_hint(const phrase_ctx *ctx, const phrase_token *t) {
    static const char *const words[] = {"am", "pm", "ml", "oz"};
    const char *found = NULL;
    if (t->len != 2 && t->len != 1) return NULL;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        const char *w = ctx->text + t->off;
        int same = (w[0] | 0x20) == words[i][0] ||
                   (t->len == 2 && (w[1] | 0x20) == words[i][1]);
        if (!same) continue;
        if (found) return NULL; /* two readings: no hint */
        found = words[i];
    }
    return found;
}

/* Checks `t` against the token before it, then makes it the previous one.
 * A number glued to letters is an error that names the whole run. */
void phrase_follow(phrase_ctx *ctx, int code, const phrase_token *t) {
    int prev = ctx->prev_code;
    phrase_token before = ctx->prev;
    ctx->prev_code = code;
    ctx->prev = *t;
    if (!ctx->failed && prev == TK_WORD &&
        (before.sub == WORD_MULT || before.sub == WORD_EACH) &&
        (code == TK_AMOUNT || code == TK_NUMBER)) {
        phrase_fail(ctx, "\"%s\" at position %zu: one feeding per line, each with "
             "its amount", phrase_quote(ctx, &before).s, phrase_position(ctx, before.off));
        return;
    }
    if (ctx->failed || prev == 0 || before.off + before.len != t->off) return;
    const phrase_token *word = NULL, *number = NULL;
    if (prev == TK_WORD && is_numeric(code)) word = &before, number = t;
    else if (code == TK_WORD && is_numeric(prev)) word = t, number = &before;
    if (word == NULL || harmless_word(ctx, word)) return;
    phrase_token run = before;
    run.len = t->off + t->len - before.off;
    /* a hint only for plain digits ("3pn" -> "3pm"), quoted like any
     * user text: never raw bytes in a reply */
    const char *hint = number == &before && prev == TK_NUMBER && number->len <= 5
                           ? short_word_hint(ctx, word)
                           : NULL;
    if (hint)
        phrase_fail(ctx, "didn't understand \"%s\" at position %zu (did you mean "
             "\"%s%s\"?)", phrase_quote(ctx, &run).s, phrase_position(ctx, run.off),
             phrase_quote(ctx, number).s, hint);
    else
        phrase_fail(ctx, "didn't understand \"%s\" at position %zu (a number "
             "needs a unit or am/pm, like \"120ml\" or \"4pm\")",
             phrase_quote(ctx, &run).s, phrase_position(ctx, run.off));
}

/* Rounds half up to whole millilitres; oz are US fluid ounces. */
static int64_t micro_to_ml(int64_t micro, int unit) {
    if (unit == UNIT_OZ) micro = micro * 295735 / 10000;
    return (micro + 500000) / 1000000;
}

/* Only "not" pairs two amounts into a correction ("110 not 120"): after
 * "sorry" or "wait" the order of old and new is anyone's guess ("100
 * sorry i meant 80", "120ml wait 30 more"). */
static int is_not(const phrase_ctx *ctx, const phrase_token *t) {
    const char *w = ctx->text + t->off;
    return t->len == 3 && (w[0] | 0x20) == 'n' && (w[1] | 0x20) == 'o' &&
           (w[2] | 0x20) == 't';
}

static int is_schedule(int command) {
    return command == CMD_REMIND || command == CMD_ALERT || command == CMD_SUMMARY ||
           command == CMD_NEXT;
}

/* A schedule's word with a feeding: a plan, never a feeding ("remind me
 * 90ml at 6pm", "120ml remind me in 3h"); the word quoted is its first
 * ("next" of "next feed"). */
/* Whether the schedule's word is one of the plans a feeding can't be
 * ("remind", "reminder", "next"): else a word a note may hold ("120ml for
 * the summary"). Sets *word to it ("next" of "the next feed"). */
static int plan_word(const phrase_ctx *ctx, const phrase_token *t, phrase_token *word) {
    static const char *const plans[] = {"remind", "next"};
    const char *p = ctx->text + t->off;
    *word = *t;
    for (size_t k = 0; k < 2; k++) {
        size_t n = strlen(plans[k]);
        for (uint32_t i = 0; i + n <= t->len; i++) {
            size_t j = 0;
            while (j < n && (p[i + j] | 0x20) == plans[k][j]) j++;
            if (j < n) continue;
            word->off = t->off + (uint32_t)i;
            word->len = (uint32_t)n; /* "remind me": "remind" */
            if (i + n + 2 <= t->len && (p[i + n] | 0x20) == 'e' && (p[i + n + 1] | 0x20) == 'r' &&
                (i + n + 2 == t->len || (p[i + n + 2] | 0x20) != 's'))
                word->len += 2; /* "reminder", not "reminders" */
            else if (i + n < t->len && p[i + n] != ' ' && p[i + n] != '\t')
                continue; /* "reminders", "reminding": words of their own */
            return 1;
        }
    }
    return 0;
}

/* A schedule's word with a feeding: "remind me 90ml at 6pm", "next feed at
 * 6pm 90ml" are plans, never a feeding (as they always were); "summary
 * 120ml", "120ml alert 4h": one thing per line. */
static void schedule_with_feeding(phrase_ctx *ctx, const phrase_token *t) {
    phrase_token word;
    if (plan_word(ctx, t, &word))
        phrase_fail(ctx, "can't record a feeding in the future (\"%s\" at position %zu)",
                    phrase_quote(ctx, &word).s, phrase_position(ctx, word.off));
    else
        phrase_fail(ctx, "\"%s\" at position %zu: one thing per line: send the feeding "
                    "and \"%s\" one at a time", phrase_quote(ctx, t).s,
                    phrase_position(ctx, t->off), phrase_quote(ctx, t).s);
}

static void take_amount(phrase_ctx *ctx, const phrase_token *t, int unit,
                        int bare) {
    char when[16];
    ctx->items++;
    if (is_schedule(ctx->command)) { /* "remind me 90ml at 6pm" */
        schedule_with_feeding(ctx, &ctx->command_tok);
        return;
    }
    /* "not 120, 100", "110 not 120": the amount a correction replaces,
     * and the new one */
    int pair = ctx->amounts == 1 &&
               (ctx->vague_after ||
                /* "not 120, 100"; "no2 90ml" is not "no, 2": the word must
                 * stand apart */
                (ctx->command == CMD_VAGUE && is_not(ctx, &ctx->command_tok) &&
                 ctx->command_tok.off + ctx->command_tok.len < ctx->amount.off));
    if (ctx->amounts++ && !pair) {
        /* "2215 80ml", "7.30 80ml": one of them is probably a time */
        const phrase_token *timeish =
            ctx->amount_bare && time_reading(ctx, &ctx->amount, when) ? &ctx->amount
            : bare && time_reading(ctx, t, when)                      ? t
                                                                      : NULL;
        if (timeish)
            phrase_fail(ctx, "two amounts: \"%s\" and \"%s\" at position %zu "
                 "(did you mean the time %s?)", phrase_quote(ctx, &ctx->amount).s,
                 phrase_quote(ctx, t).s, phrase_position(ctx, t->off), when);
        else
            phrase_fail_twice(ctx, "amounts", &ctx->amount, t, " (one feeding per line)");
        return;
    }
    if (!pair) ctx->amount_bare = bare;
    if (unit == UNIT_ML) { /* "1.000ml": 1 ml, or a thousand? asked */
        const char *p = ctx->text + t->off;
        for (uint32_t i = 0; i + 4 <= t->len; i++)
            if ((p[i] == '.' || p[i] == ',') && i > 0 && p[i + 1] >= '0' && p[i + 1] <= '9' &&
                p[i + 2] >= '0' && p[i + 2] <= '9' && p[i + 3] >= '0' && p[i + 3] <= '9' &&
                (i + 4 == t->len || p[i + 4] < '0' || p[i + 4] > '9')) {
                phrase_fail(ctx, "\"%s\" at position %zu: write millilitres without a "
                     "separator, like \"1000ml\"", phrase_quote(ctx, t).s, phrase_position(ctx, t->off));
                return;
            }
    }
    if (!pair) ctx->amount = *t;
    else ctx->amount2 = *t;
    int64_t ml = micro_to_ml(t->micro, unit);
    if (ml < PHRASE_AMOUNT_MIN_ML || ml > PHRASE_AMOUNT_MAX_ML) {
        if (t->micro >= PHRASE_NUMBER_CAP * 1000000) /* saturated */
            phrase_fail(ctx, "amount \"%s\" is out of range (%d\xE2\x80\x93%d ml)",
                 phrase_quote(ctx, t).s, PHRASE_AMOUNT_MIN_ML,
                 PHRASE_AMOUNT_MAX_ML);
        else if (unit == UNIT_OZ)
            phrase_fail(ctx, "amount \"%s\" (%lld ml) is out of range (%d\xE2\x80\x93%d ml)",
                 phrase_quote(ctx, t).s, (long long)ml,
                 PHRASE_AMOUNT_MIN_ML, PHRASE_AMOUNT_MAX_ML);
        else if (ctx->amount_bare && time_reading(ctx, t, when))
            phrase_fail(ctx, "\"%s\" at position %zu: did you mean the time %s? "
                 "(as an amount, %lld ml is out of range)", phrase_quote(ctx, t).s,
                 phrase_position(ctx, t->off), when, (long long)ml);
        else
            phrase_fail(ctx, "amount %lld ml is out of range (%d\xE2\x80\x93%d ml)",
                 (long long)ml, PHRASE_AMOUNT_MIN_ML, PHRASE_AMOUNT_MAX_ML);
        return;
    }
    if (!pair) {
        ctx->out->amount_ml = (int)ml;
    } else if (ctx->vague_after) { /* "110 not 120" */
        ctx->out->was_ml = (int)ml;
    } else { /* "not 120, 100" */
        ctx->out->was_ml = ctx->out->amount_ml;
        ctx->out->amount_ml = (int)ml;
    }
}

void phrase_add_amount(phrase_ctx *ctx, const phrase_token *t) {
    phrase_follow(ctx, TK_AMOUNT, t);
    take_amount(ctx, t, t->unit, 0);
}

void phrase_add_number_unit(phrase_ctx *ctx, const phrase_token *n,
                            const phrase_token *u, int ago) {
    phrase_follow(ctx, TK_NUMBER, n);
    phrase_follow(ctx, TK_UNIT, u);
    phrase_token both = *n;
    both.len = u->off + u->len - n->off;
    both.unit = u->unit;
    if (u->unit == UNIT_ML || u->unit == UNIT_OZ)
        take_amount(ctx, &both, u->unit, 0);
    else if (ago)
        phrase_add_ago(ctx, &both);
    else
        phrase_add_duration(ctx, &both);
}


static void take_time(phrase_ctx *ctx, const phrase_token *t) {
    ctx->items++;
    if (ctx->times++) {
        phrase_fail_twice(ctx, "times", &ctx->time_tok, t, "");
        return;
    }
    ctx->time_tok = *t;
}

void phrase_add_clock(phrase_ctx *ctx, const phrase_token *t) {
    phrase_follow(ctx, TK_CLOCK, t);
    phrase_take_clock(ctx, t);
}

void phrase_add_hourh(phrase_ctx *ctx, const phrase_token *t) {
    if (ctx->nurse || ctx->npieces) { /* "nursed 1h left": how long */
        phrase_add_duration(ctx, t);
        return;
    }
    phrase_follow(ctx, TK_HOURH, t);
    /* "19h", "07h", "0h" are times; "2h" may be 2 o'clock or two hours
     * ("90ml took 2h", "every 3h") */
    int two_digits = t->len >= 3 && ctx->text[t->off + 1] >= '0' &&
                     ctx->text[t->off + 1] <= '9';
    if (t->hour >= 1 && t->hour <= 12 && !(two_digits && ctx->text[t->off] == '0')) {
        phrase_fail(ctx, "\"%s\" at position %zu could be %d o'clock or %d hour%s: "
             "write \"%dam\", \"%dpm\" or \"%s ago\"", phrase_quote(ctx, t).s,
             phrase_position(ctx, t->off), t->hour, t->hour, t->hour == 1 ? "" : "s",
             t->hour, t->hour, phrase_quote(ctx, t).s);
        return;
    }
    phrase_take_clock(ctx, t);
}

int phrase_clock_hour(phrase_ctx *ctx, const phrase_token *t) {
    int hour = t->hour;
    if (t->sub == PHRASE_CLOCK_AM || t->sub == PHRASE_CLOCK_PM) {
        if (hour < 1 || hour > 12 || t->minute > 59) {
            phrase_fail(ctx, "\"%s\" at position %zu is not a time of day "
                 "(hours 1\xE2\x80\x93" "12 with am/pm, minutes "
                 "0\xE2\x80\x93" "59)",
                 phrase_quote(ctx, t).s, phrase_position(ctx, t->off));
            return -1;
        }
        return hour % 12 + (t->sub == PHRASE_CLOCK_PM ? 12 : 0);
    }
    if (hour > 23 || t->minute > 59) {
        phrase_fail(ctx, "\"%s\" at position %zu is not a time of day "
             "(hours 0\xE2\x80\x93" "23, minutes 0\xE2\x80\x93" "59)",
             phrase_quote(ctx, t).s, phrase_position(ctx, t->off));
        return -1;
    }
    return hour;
}

void phrase_take_clock(phrase_ctx *ctx, const phrase_token *t) {
    take_time(ctx, t);
    if (ctx->failed) return;
    int hour = phrase_clock_hour(ctx, t);
    if (hour < 0) return;
    ctx->out->time = PHRASE_TIME_CLOCK;
    ctx->out->clock = (phrase_clock)t->sub;
    ctx->out->hour = hour;
    ctx->out->minute = t->minute;
}

/* A number with no unit: an hour right after "at", a day word or a part of
 * the day ("at 7", "yesterday 7 90ml"), otherwise millilitres. */
static void number_item(phrase_ctx *ctx, const phrase_token *t, int after) {
    if (!t->integer) {
        char when[16];
        /* "at 7.30", "yesterday 7.30": a dotted time */
        if ((after == TK_AT || after == TK_DAY || after == TK_PART) &&
            time_reading(ctx, t, when)) {
            const char *p = ctx->text + t->off;
            const char *dot = memchr(p, '.', t->len);
            phrase_token clock = *t;
            clock.hour = (int)(t->micro / 1000000);
            clock.minute = (dot[1] - '0') * 10 + (dot[2] - '0');
            clock.sub = clock.hour >= 1 && clock.hour <= 12 && p[0] != '0'
                            ? PHRASE_CLOCK_BARE
                            : PHRASE_CLOCK_AS_WRITTEN;
            phrase_take_clock(ctx, &clock);
            return;
        }
        /* a number with a fraction but no unit is nothing a parent
         * measures in millilitres: ask, never guess */
        if (after == TK_AT)
            phrase_fail(ctx, "\"at %s\" at position %zu is not a time of day "
                 "(like \"7:30\", \"7.30\" or \"7.30pm\")",
                 phrase_quote(ctx, t).s, phrase_position(ctx, t->off));
        else if (time_reading(ctx, t, when))
            phrase_fail(ctx, "\"%s\" at position %zu: did you mean the time %s? "
                 "(for an amount, give its unit, like \"%sml\" or \"%soz\")",
                 phrase_quote(ctx, t).s, phrase_position(ctx, t->off), when,
                 phrase_quote(ctx, t).s, phrase_quote(ctx, t).s);
        else
            phrase_fail(ctx, "\"%s\" at position %zu needs its unit, like \"%soz\" "
                 "or \"%sml\"", phrase_quote(ctx, t).s, phrase_position(ctx, t->off),
                 phrase_quote(ctx, t).s, phrase_quote(ctx, t).s);
        return;
    }
    if ((after == TK_AT || after == TK_DAY || after == TK_PART) &&
        t->micro <= 23 * 1000000LL) {
        phrase_token clock = *t;
        clock.hour = (int)(t->micro / 1000000);
        clock.minute = 0;
        int leading_zero = t->len > 1 && ctx->text[t->off] == '0';
        clock.sub = (clock.hour >= 1 && clock.hour <= 12 && !leading_zero)
                        ? PHRASE_CLOCK_BARE
                        : PHRASE_CLOCK_AS_WRITTEN;
        phrase_take_clock(ctx, &clock);
        return;
    }
    if (after == TK_AT) {
        phrase_fail(ctx, "\"at %s\" at position %zu is not a time of day "
             "(hours 0\xE2\x80\x93" "23)",
             phrase_quote(ctx, t).s, phrase_position(ctx, t->off));
        return;
    }
    take_amount(ctx, t, UNIT_ML, 1);
}

void phrase_number_again(phrase_ctx *ctx, const phrase_token *t) {
    number_item(ctx, t, 0);
}

/* A number without a unit after a schedule's word: never guessed. */
static void schedule_number(phrase_ctx *ctx, const phrase_token *t) {
    quoted q = phrase_quote(ctx, t);
    size_t at = phrase_position(ctx, t->off);
    ctx->items++;
    if (ctx->command == CMD_REMIND)
        phrase_fail(ctx, "\"%s\" at position %zu: a time of day, like \"remind %spm\" "
                    "or \"remind at %s\", or how long, like \"remind me in %sh\"",
                    q.s, at, q.s, q.s, q.s);
    else if (ctx->command == CMD_ALERT)
        phrase_fail(ctx, "\"%s\" at position %zu: after how long? like \"alert %sh\"",
                    q.s, at, q.s);
    else
        phrase_fail(ctx, "\"%s\" at position %zu: morning or evening? like \"summary "
                    "at %spm\"", q.s, at, q.s);
}

void phrase_add_number(phrase_ctx *ctx, const phrase_token *t) {
    int before = ctx->prev_code;
    phrase_follow(ctx, TK_NUMBER, t);
    if (ctx->command == CMD_REMIND || ctx->command == CMD_ALERT ||
        ctx->command == CMD_SUMMARY) {
        schedule_number(ctx, t); /* "remind 7", "alert 4": asked */
        return;
    }
    if (before == TK_SIDE) { /* "L10", "left 12": the side's minutes */
        ctx->items++;
        phrase_add_piece(ctx, 0, 1, t);
        return;
    }
    number_item(ctx, t, 0);
}

void phrase_add_hour(phrase_ctx *ctx, int after, const phrase_token *t) {
    phrase_follow(ctx, TK_NUMBER, t);
    number_item(ctx, t, after);
}

void phrase_add_now(phrase_ctx *ctx, const phrase_token *t) {
    phrase_follow(ctx, TK_NOW, t);
    take_time(ctx, t);
    if (!ctx->failed) ctx->out->time = PHRASE_TIME_NOW;
}

void phrase_add_at(phrase_ctx *ctx, const phrase_token *t) {
    phrase_follow(ctx, TK_AT, t);
}

/* "2.30 hours ago": 2 h 30 min, or 2.3 hours? */
static int minutes_like_decimal(const phrase_ctx *ctx, const phrase_token *t) {
    const char *p = ctx->text + t->off;
    for (uint32_t i = 1; i + 2 < t->len; i++)
        if (p[i] == '.' && p[i + 1] >= '0' && p[i + 1] <= '5' && p[i + 2] >= '0' &&
            p[i + 2] <= '9' && (i + 3 == t->len || p[i + 3] < '0' || p[i + 3] > '9'))
            return 1;
    return 0;
}

void phrase_add_ago(phrase_ctx *ctx, const phrase_token *t) {
    phrase_follow(ctx, TK_DURATION, t);
    take_time(ctx, t);
    if (ctx->failed) return;
    if (t->unit == UNIT_HOURS && minutes_like_decimal(ctx, t)) {
        phrase_fail(ctx, "\"%s\" at position %zu: hours and minutes, or a decimal? "
             "write the minutes, like \"150 min ago\"", phrase_quote(ctx, t).s,
             phrase_position(ctx, t->off));
        return;
    }
    int64_t micro_minutes = t->unit == UNIT_HOURS ? t->micro * 60 : t->micro;
    int64_t minutes = (micro_minutes + 500000) / 1000000;
    if (minutes > PHRASE_AGO_MAX_MINUTES) {
        phrase_fail(ctx, "\"%s ago\" at position %zu is too long ago (at most 48 "
             "hours); give the day and time instead, like \"yesterday 7pm\"",
             phrase_quote(ctx, t).s, phrase_position(ctx, t->off));
        return;
    }
    ctx->out->time = PHRASE_TIME_AGO;
    ctx->out->ago_minutes = (int)minutes;
}

static const char remind_examples[] =
    "like \"remind me in 3h\", \"remind 2:30am\" or \"remind every 3h\"";

/* A day, or a future word, with a schedule: "remind me tomorrow". */
static void schedule_day(phrase_ctx *ctx, const phrase_token *t) {
    quoted q = phrase_quote(ctx, t);
    size_t at = phrase_position(ctx, t->off);
    if (ctx->command == CMD_REMIND)
        phrase_fail(ctx, "\"%s\" at position %zu: a reminder is within the next 24 "
                    "hours: give its time, like \"remind 7am\", or how long, like "
                    "\"remind me in 3h\"", q.s, at);
    else if (ctx->command == CMD_SUMMARY)
        phrase_fail(ctx, "\"%s\" at position %zu: the summary comes every day: give "
                    "its time, like \"summary at 8pm\"", q.s, at);
    else
        phrase_fail(ctx, "\"%s\" at position %zu: the alert comes after a gap "
                    "without a feed: say how long, like \"alert 4h\"", q.s, at);
}

/* A duration without "ago": with an amount it is probably when ("120ml
 * 15 min" for 15 minutes ago), without one it is how long; which advice
 * fits is known only at the end (phrase_finish). */
void phrase_add_duration(phrase_ctx *ctx, const phrase_token *t) {
    phrase_follow(ctx, TK_DURATION, t);
    ctx->items++;
    if (!ctx->durations++) ctx->duration_tok = *t;
    phrase_add_piece(ctx, 0, 0, t); /* a nursing session's minutes, maybe */
}

void phrase_error_future(phrase_ctx *ctx, const phrase_token *t) {
    phrase_follow(ctx, TK_FUTURE, t);
    if (ctx->command == CMD_REMIND || ctx->command == CMD_ALERT ||
        ctx->command == CMD_SUMMARY) { /* "remind me tomorrow" */
        schedule_day(ctx, t);
        return;
    }
    phrase_fail(ctx, "can't record a feeding in the future (\"%s\" at position %zu)",
         phrase_quote(ctx, t).s, phrase_position(ctx, t->off));
}

void phrase_add_day(phrase_ctx *ctx, const phrase_token *t) {
    phrase_follow(ctx, TK_DAY, t);
    ctx->items++;
    if (ctx->asked_days) {
        phrase_fail_twice(ctx, "days", &ctx->asked_tok, t, "");
        return;
    }
    if (ctx->days++ && ctx->out->day != (phrase_day)t->sub) {
        phrase_fail_twice(ctx, "days", &ctx->day_tok, t, "");
        return;
    }
    ctx->day_tok = *t;
    ctx->out->day = (phrase_day)t->sub;
}

void phrase_add_asked_day(phrase_ctx *ctx, int code, const phrase_token *t) {
    phrase_follow(ctx, code, t);
    ctx->items++;
    if (ctx->asked_days++ || ctx->days) {
        phrase_fail_twice(ctx, "days", ctx->days ? &ctx->day_tok : &ctx->asked_tok, t, "");
        return;
    }
    ctx->asked_tok = *t;
    ctx->asked_code = code;
    phrase *out = ctx->out;
    if (code == TK_WEEKDAY) {
        out->weekday = t->sub + 1;
        out->this_week = t->micro == 1;
    } else if (code == TK_DAYSAGO) {
        int64_t days = t->micro / 1000000;
        if (days < 1 || days > 366) {
            phrase_fail(ctx, "\"%s\" at position %zu: ask about a day of the last "
                 "year", phrase_quote(ctx, t).s, phrase_position(ctx, t->off));
            return;
        }
        out->days_ago = (int)days;
    } else {
        int day = t->hour, month = t->minute;
        if (t->sub) { /* numeric: day/month, or the American month/day */
            if (day >= 1 && day <= 12 && month >= 1 && month <= 12 && day != month) {
                static const char *const names[] = {
                    "January", "February", "March", "April", "May", "June", "July",
                    "August", "September", "October", "November", "December"};
                phrase_fail(ctx, "\"%s\" at position %zu could be %d %s or %d %s: "
                     "write the month's name, like \"%d %.3s\"", phrase_quote(ctx, t).s,
                     phrase_position(ctx, t->off), day, names[month - 1], month,
                     names[day - 1], day, names[month - 1]);
                return;
            }
            if (day >= 1 && day <= 12 && month > 12) { /* 11/26 */
                int swap = day;
                day = month;
                month = swap;
            }
        }
        if (day < 1 || day > 31 || month < 1 || month > 12) {
            phrase_fail(ctx, "\"%s\" at position %zu is not a date",
                 phrase_quote(ctx, t).s, phrase_position(ctx, t->off));
            return;
        }
        out->date_day = day;
        out->date_month = month;
        out->date_year = (int)t->micro;
    }
}

void phrase_add_part(phrase_ctx *ctx, const phrase_token *t) {
    phrase_follow(ctx, TK_PART, t);
    ctx->part_tok = *t;
    ctx->items++;
    if (ctx->out->part && ctx->out->part != (phrase_part)t->sub) {
        phrase_fail(ctx, "two parts of the day at position %zu",
             phrase_position(ctx, t->off));
        return;
    }
    ctx->out->part = (phrase_part)t->sub;
}

void phrase_add_kind(phrase_ctx *ctx, const phrase_token *t) {
    phrase_follow(ctx, TK_KIND, t);
    ctx->items++;
    ctx->any_kind = 1;
    if (t->sub == PHRASE_MILK) return; /* a specific kind wins over "milk" */
    if (ctx->specific_kind && ctx->out->kind != (phrase_kind)t->sub) {
        phrase_fail_twice(ctx, "kinds", &ctx->kind_tok, t, " (one feeding per line)");
        return;
    }
    ctx->specific_kind = 1;
    ctx->kind_tok = *t;
    ctx->out->kind = (phrase_kind)t->sub;
}

void phrase_add_command(phrase_ctx *ctx, const phrase_token *t) {
    int first = ctx->items == 0;
    phrase_follow(ctx, TK_COMMAND, t);
    ctx->items++;
    if (t->sub == CMD_UNKNOWN) {
        phrase_fail(ctx, "unknown command \"%s\" (try /help)",
             phrase_quote(ctx, t).s);
        return;
    }
    if (t->sub == CMD_BABIES && !first && !t->slash) {
        /* "gave the twins 120ml": only a line's first word names them */
        phrase_note_word(ctx, t, 0);
        return;
    }
    if (!t->slash) phrase_note_word(ctx, t, 1);
    if (is_schedule(t->sub)) {
        phrase_token word;
        if (ctx->amounts && plan_word(ctx, t, &word)) { /* "120ml remind me in 3h" */
            schedule_with_feeding(ctx, t);
            return;
        }
        ctx->sched_tok = *t;
        if (ctx->amounts) return; /* "120ml for the summary": a note word */
        ctx->sched_off |= t->sched == SCHED_OFF;
        ctx->sched_show |= t->sched == SCHED_SHOW;
    }
    if (t->sub == CMD_NOTFED) { /* decided at the end, whatever else */
        if (!ctx->notfed++) ctx->notfed_tok = *t;
        return;
    }
    /* "90ml not all of it": after the amount, only a note word (noted
     * above) */
    if (t->sub == CMD_VAGUE && ctx->amounts) {
        /* ... unless another amount follows: "110 not 120" corrects */
        if (ctx->amounts == 1 && is_not(ctx, t)) ctx->vague_after = 1;
        return;
    }
    /* a correction word makes the line a correction: never a feeding,
     * whatever else it holds ("sorry, i meant 90": the explicit one wins) */
    if (ctx->command == CMD_CORRECT) return;
    if (t->sub == CMD_CORRECT || (t->sub == CMD_VAGUE && ctx->command != CMD_VAGUE)) {
        ctx->command = t->sub;
        ctx->command_tok = *t;
        return;
    }
    if (ctx->command == CMD_VAGUE) return;
    /* "thanks, total?": the greeting gives way to the question */
    if (t->sub >= CMD_HELLO && t->sub <= CMD_GOODNIGHT && ctx->command) return;
    if (ctx->command >= CMD_HELLO && ctx->command <= CMD_GOODNIGHT) {
        ctx->command = t->sub;
        ctx->command_tok = *t;
        return;
    }
    int pair = (ctx->command == CMD_TOTAL && t->sub == CMD_WEEK) ||
               (ctx->command == CMD_WEEK && t->sub == CMD_TOTAL);
    if (pair) { /* "week total", "how much this week": the week's */
        ctx->command = CMD_WEEK;
        return;
    }
    if (ctx->command == CMD_TOTAL && t->sub == CMD_SINCE) { /* "how much in the last 24 hours" */
        ctx->command = CMD_SINCE;
        ctx->command_tok = *t;
        return;
    }
    if (ctx->command == CMD_SINCE && t->sub == CMD_TOTAL) return;
    if (ctx->command && ctx->command != t->sub) {
        phrase_fail(ctx, "\"%s\" and \"%s\" ask for different things: send them "
             "one at a time", phrase_quote(ctx, &ctx->command_tok).s, phrase_quote(ctx, t).s);
        return;
    }
    ctx->command = t->sub;
    ctx->command_tok = *t;
}

void phrase_add_units(phrase_ctx *ctx, const phrase_token *command,
                      const phrase_token *unit) {
    if (ctx->failed) return;
    if (command->sub != CMD_UNITS) { /* "total ml": a unit without a number */
        phrase_error_syntax(ctx, TK_UNIT, unit);
        return;
    }
    if (unit->unit != UNIT_ML && unit->unit != UNIT_OZ) {
        phrase_fail(ctx, "\"%s\" at position %zu: the units are ml or oz, like "
             "\"units oz\"", phrase_quote(ctx, unit).s, phrase_position(ctx, unit->off));
        return;
    }
    if (ctx->units && ctx->units != (unit->unit == UNIT_ML ? PHRASE_UNITS_ML : PHRASE_UNITS_OZ)) {
        phrase_fail_twice(ctx, "units", &ctx->units_tok, unit, "");
        return;
    }
    ctx->units = unit->unit == UNIT_ML ? PHRASE_UNITS_ML : PHRASE_UNITS_OZ;
    ctx->units_tok = *unit;
}

void phrase_add_span(phrase_ctx *ctx, const phrase_token *t) {
    phrase_follow(ctx, TK_DURATION, t);
    if (!is_schedule(ctx->command)) { /* "120ml alert 4h" */
        schedule_with_feeding(ctx, &ctx->sched_tok);
        return;
    }
    take_time(ctx, t); /* "remind in 3h at 4pm": two times */
    if (ctx->failed) return;
    if (!ctx->spans++) ctx->span_tok = *t;
}

void phrase_add_zone(phrase_ctx *ctx, const phrase_token *t) {
    ctx->zone_given = 1;
    ctx->zone_tok = *t;
}

void phrase_add_question(phrase_ctx *ctx) { ctx->questions++; }

void phrase_add_word(phrase_ctx *ctx, const phrase_token *t) {
    int before = ctx->prev_code;
    phrase_token before_tok = ctx->prev;
    phrase_follow(ctx, TK_WORD, t);
    if (ctx->failed) return;
    if (t->sub == WORD_UNITLIKE && before == TK_NUMBER) {
        /* "3 bottles", "2 tbsp", "4 onz": not millilitres */
        phrase_token run = before_tok;
        run.len = t->off + t->len - before_tok.off;
        phrase_fail(ctx, "\"%s\" at position %zu: give the amount in ml or oz, like "
             "\"120ml\" or \"4oz\"", phrase_quote(ctx, &run).s, phrase_position(ctx, run.off));
        return;
    }
    if (t->sub == WORD_MULT && (before == TK_NUMBER || before == TK_AMOUNT)) {
        phrase_fail(ctx, "\"%s\" at position %zu: one feeding per line, each with "
             "its amount", phrase_quote(ctx, t).s, phrase_position(ctx, t->off));
        return;
    }
    if (t->sub == WORD_BOTH) { /* judged at the end, with "each" */
        ctx->both = 1;
        ctx->both_tok = *t;
        ctx->items++;
        return;
    }
    if (t->sub == WORD_EACH && ctx->npieces && !ctx->pieces[ctx->npieces - 1].side &&
        ctx->pieces[ctx->npieces - 1].tok.off == before_tok.off) {
        phrase_add_each(ctx, t); /* "10 min each": each side's */
        ctx->items++;
        return;
    }
    if (t->sub == WORD_EACH &&
        (before == TK_NUMBER || before == TK_AMOUNT || (before == TK_KIND && ctx->amounts))) {
        ctx->each = 1;
        ctx->each_tok = *t;
        ctx->items++;
        return;
    }
    if (t->sub == WORD_ASK && ctx->items == 0 && !ctx->asking) {
        ctx->asking = 1;
        ctx->asking_tok = *t;
    }
    if (t->near_misses > 1) { /* one typo from two known words */
        phrase_fail(ctx, "didn't understand \"%s\" at position %zu",
             phrase_quote(ctx, t).s, phrase_position(ctx, t->off));
        return;
    }
    ctx->items++;
    phrase_note_word(ctx, t, 0);
}

/* Whether `t` follows a range's dash or "to" ("90-120ml"). */
static int after_range(const phrase_ctx *ctx, const phrase_token *t) {
    const unsigned char *p = (const unsigned char *)ctx->text;
    uint32_t i = t->off;
    while (i > 0 && p[i - 1] == ' ') i--;
    if (i >= 1 && p[i - 1] == '-') return 1;
    if (i >= 3 && p[i - 3] == 0xE2 && p[i - 2] == 0x80 && (p[i - 1] == 0x93 || p[i - 1] == 0x94))
        return 1;
    return i >= 2 && (p[i - 2] | 0x20) == 't' && (p[i - 1] | 0x20) == 'o';
}

void phrase_error_syntax(phrase_ctx *ctx, int code, const phrase_token *t) {
    if (t == NULL || t->len == 0) {
        phrase_fail(ctx, "the phrase is too complicated");
        return;
    }
    if (code == TK_TIMEWORD && t->sub == 1) {
        phrase_fail(ctx, "\"since\" at position %zu: totals since a time are not "
             "understood yet; ask \"last 6 hours\", or \"total\"",
             phrase_position(ctx, t->off));
        return;
    }
    if (code == TK_TIMEWORD && t->sub == 2) {
        phrase_fail(ctx, "\"%s\" a time, at position %zu: give the time it was, like "
             "\"7pm\"", phrase_quote(ctx, t).s, phrase_position(ctx, t->off));
        return;
    }
    if (code == TK_TIMEWORD && t->sub == 3) {
        phrase_fail(ctx, "\"%s\" at position %zu: totals are for a day, the last 7 "
             "days (\"week\") or up to 48 hours (\"last 24 hours\")",
             phrase_quote(ctx, t).s, phrase_position(ctx, t->off));
        return;
    }
    if (code == TK_TIMEWORD) {
        phrase_fail(ctx, "\"%s\" at position %zu: write times and amounts in "
             "digits, like \"7:30\" or \"90ml\"", phrase_quote(ctx, t).s,
             phrase_position(ctx, t->off));
        return;
    }
    if (code == TK_NUMBER && after_range(ctx, t)) { /* "nursed 2-3" */
        phrase_fail(ctx, "\"%s\" at position %zu: a time range needs a time of day on "
                    "each side, like \"nursed 2:10-2:35 left\"", phrase_quote(ctx, t).s,
                    phrase_position(ctx, t->off));
        return;
    }
    if (code == TK_AMOUNT && after_range(ctx, t)) { /* "90-120ml", "4 to 5oz" */
        quoted q = phrase_quote(ctx, t);
        phrase_fail(ctx, "\"%s\" at position %zu: one amount per feeding, the amount "
                    "drunk, like \"%s\"", q.s, phrase_position(ctx, t->off), q.s);
        return;
    }
    if (code == TK_RANGE) {
        phrase_fail(ctx, "\"%s\" at position %zu: a time range needs a time of day on "
             "each side, like \"nursed 2:10-2:35 left\"", phrase_quote(ctx, t).s,
             phrase_position(ctx, t->off));
        return;
    }
    if (code == TK_AMPM) {
        phrase_fail(ctx, "\"%s\" at position %zu needs a time right before it, like "
             "\"7%s\"", phrase_quote(ctx, t).s, phrase_position(ctx, t->off), phrase_quote(ctx, t).s);
        return;
    }
    if (code == TK_UNIT) {
        const char *example = t->unit == UNIT_OZ        ? "4 %s"
                              : t->unit == UNIT_MINUTES ? "15 %s ago"
                              : t->unit == UNIT_HOURS   ? "2 %s ago"
                                                        : "120 %s";
        char like[QUOTE_MAX + 16];
        quoted typed = phrase_quote(ctx, t);
        const char *word = !t->corrected            ? typed.s
                           : t->unit == UNIT_OZ      ? "oz"
                           : t->unit == UNIT_MINUTES ? "min"
                           : t->unit == UNIT_HOURS   ? "hours"
                                                     : "ml";
        snprintf(like, sizeof like, example, word);
        phrase_fail(ctx, "\"%s\" at position %zu needs a number right before it, "
             "like \"%s\"", phrase_quote(ctx, t).s, phrase_position(ctx, t->off), like);
        return;
    }
    phrase_fail(ctx, "didn't understand \"%s\" at position %zu",
         phrase_quote(ctx, t).s, phrase_position(ctx, t->off));
}

/* Words that only join a session's sides. */
static int joins_sides(const char *w, uint32_t len) {
    static const char *const joins[] = {"and", "then", "&", "+", "/", "-", "on", "the"};
    for (size_t i = 0; i < sizeof joins / sizeof joins[0]; i++) {
        size_t n = strlen(joins[i]), j = 0;
        while (j < n && j < len && (w[j] | 0x20) == joins[i][j]) j++;
        if (j == n && n == len) return 1;
    }
    return 0;
}

/* The note: the other words, in order, one space apart, as valid UTF-8;
 * `with_commands`: 0 without command words, 1 with them, 2 with them but
 * without the sides (a nursing session's). Returns 0 when it does not
 * fit. */
int phrase_build_note(phrase_ctx *ctx, int with_commands) {
    char *note = ctx->out->note;
    size_t used = 0;
    if (ctx->words_overflow) return 0;
    for (int i = 0; i < ctx->nwords; i++) {
        if (ctx->words[i].command >= 2 && with_commands == 2) continue; /* a side */
        if (with_commands == 2 && joins_sides(ctx->text + ctx->words[i].off,
                                              ctx->words[i].len))
            continue; /* "left and right", "L10 then R5" */
        if (ctx->words[i].command == 1 && !with_commands) continue;
        /* brackets and quotes around an amount say nothing: "(120ml)" */
        uint32_t k = 0;
        while (k < ctx->words[i].len && ctx->text[ctx->words[i].off + k] &&
               strchr("()[]\"'#", ctx->text[ctx->words[i].off + k]))
            k++;
        if (k == ctx->words[i].len) continue;
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

static int has_digit(const phrase_ctx *ctx, const phrase_token *t) {
    for (uint32_t i = 0; i < t->len; i++)
        if (ctx->text[t->off + i] >= '0' && ctx->text[t->off + i] <= '9') return 1;
    return 0;
}

int phrase_question_with_number(phrase_ctx *ctx) {
    /* any command word of the line, not only the one that decided it
     * ("total 7 days": the week's words pair with "total") */
    for (int i = 0; i < ctx->nwords; i++) {
        if (ctx->words[i].command != 1) continue;
        phrase_token w = {0};
        w.off = ctx->words[i].off;
        w.len = ctx->words[i].len;
        if (!has_digit(ctx, &w)) continue;
        phrase_fail(ctx, "\"%s\" is a question: send it on its own line",
                    phrase_quote(ctx, &w).s);
        return 1;
    }
    return 0;
}

static const char correction_advice[] =
    "a correction changes only the amount of the last feeding entered, like "
    "\"make that 110ml\"; to change more, send \"undo\", then the whole "
    "feeding";

static void finish_record(phrase_ctx *ctx) {
    phrase *out = ctx->out;
    int cmd = ctx->command;
    if (ctx->asked_days) {
        phrase_fail(ctx, "\"%s\" at position %zu: a feeding can be placed today or "
             "yesterday (like \"yesterday 7pm\")", phrase_quote(ctx, &ctx->asked_tok).s,
             phrase_position(ctx, ctx->asked_tok.off));
        return;
    }
    if (cmd == CMD_SINCE || (cmd && has_digit(ctx, &ctx->command_tok)) ||
        phrase_question_with_number(ctx)) {
        /* "last 24 hours", "last 7 days": a question with a number in it,
         * never a note */
        if (!ctx->failed)
            phrase_fail(ctx, "\"%s\" is a question: send it on its own line",
                        phrase_quote(ctx, &ctx->command_tok).s);
        return;
    }
    phrase_part part = out->part;
    if (out->time == PHRASE_TIME_CLOCK &&
        ((part == PHRASE_MORNING && out->clock == PHRASE_CLOCK_PM) ||
         ((part == PHRASE_AFTERNOON || part == PHRASE_EVENING ||
           part == PHRASE_TONIGHT) && out->clock == PHRASE_CLOCK_AM))) {
        /* "this morning 11pm": which one? */
        phrase_fail(ctx, "\"%s\" doesn't fit the part of the day given with it",
             phrase_quote(ctx, &ctx->time_tok).s);
        return;
    }
    if (ctx->questions) { /* "did she have 120ml?", "120?" */
        phrase_fail(ctx, "an amount with \"?\": to record it, send it without the "
             "question mark");
        return;
    }
    if (ctx->asking) {
        phrase_fail(ctx, "\"%s ...\" sounds like a question: to record a feeding, "
             "send the amount, like \"120ml\"", phrase_quote(ctx, &ctx->asking_tok).s);
        return;
    }
    if (out->part != PHRASE_NO_PART && out->time != PHRASE_TIME_CLOCK) {
        phrase_fail(ctx, "\"%s\" without a time: give it, like \"7am\" or "
             "\"yesterday 9pm\"", phrase_quote(ctx, &ctx->part_tok).s);
        return;
    }
    if (out->was_ml && (!phrase_build_note(ctx, 0) || out->note[0])) {
        /* "90ml, not 120 like last time", "only 90 not the usual 120": a
         * new feeding that mentions another amount, or a correction? */
        phrase_fail(ctx, "two amounts: \"%s\" and \"%s\": for a new feeding, send "
             "one amount; to change the last one, \"make that %s\"",
             phrase_quote(ctx, &ctx->amount).s, phrase_quote(ctx, &ctx->amount2).s,
             phrase_quote(ctx, ctx->vague_after ? &ctx->amount : &ctx->amount2).s);
        return;
    }
    out->note[0] = '\0';
    if (cmd == CMD_CORRECT || out->was_ml) { /* never a second feeding */
        if (out->time != PHRASE_TIME_NONE || out->day != PHRASE_NO_DAY ||
            ctx->specific_kind || ctx->durations || ctx->notfed) {
            /* "make that 110 at 3pm": more than an amount to change */
            phrase_fail(ctx, "\"%s\": %s", phrase_quote(ctx, cmd == CMD_CORRECT || cmd == CMD_VAGUE
                                                  ? &ctx->command_tok : &ctx->amount).s,
                 correction_advice);
            return;
        }
        out->intent = PHRASE_CORRECT; /* other words are not kept */
        return;
    }
    if (cmd == CMD_VAGUE && (out->time != PHRASE_TIME_NONE || out->day != PHRASE_NO_DAY)) {
        /* "2pm not 3": the time was wrong */
        phrase_fail(ctx, "\"%s\": %s", phrase_quote(ctx, &ctx->command_tok).s, correction_advice);
        return;
    }
    if (cmd == CMD_VAGUE) { /* "no 90": a correction, or a new feeding? */
        quoted amount = phrase_quote(ctx, &ctx->amount);
        phrase_fail(ctx, "\"%s\" before the amount: to change the last feeding, send "
             "\"make that %s\"; for a new feeding, leave out \"%s\"",
             phrase_quote(ctx, &ctx->command_tok).s, amount.s,
             phrase_quote(ctx, &ctx->command_tok).s);
        return;
    }
    if (ctx->amount_bare && !ctx->command_tok.slash &&
        (cmd == CMD_TOTAL || cmd == CMD_LAST || cmd == CMD_WEEK)) {
        /* "total 26 nov": a question, or a feeding? ask */
        phrase_fail(ctx, "\"%s\" next to \"%s\": for a feeding, give the unit, "
             "like \"%sml\"", phrase_quote(ctx, &ctx->amount).s,
             phrase_quote(ctx, &ctx->command_tok).s, phrase_quote(ctx, &ctx->amount).s);
        return;
    }
    if (ctx->durations) {
        quoted q = phrase_quote(ctx, &ctx->duration_tok);
        phrase_fail(ctx, "\"%s\" at position %zu needs \"ago\", like \"%s ago\"",
             q.s, phrase_position(ctx, ctx->duration_tok.off), q.s);
        return;
    }
    if (cmd == CMD_UNDO || cmd == CMD_HELP || cmd == CMD_TIMEZONE || cmd == CMD_UNITS ||
        (ctx->command_tok.slash && cmd != CMD_FEED)) {
        phrase_fail(ctx, "\"%s\" can't be combined with an amount; send it on its "
             "own line", phrase_quote(ctx, &ctx->command_tok).s);
        return;
    }
    if (out->time == PHRASE_TIME_AGO && out->day != PHRASE_NO_DAY) {
        phrase_fail(ctx, "\"%s ago\" can't be combined with \"%s\"",
             phrase_quote(ctx, &ctx->time_tok).s,
             phrase_quote(ctx, &ctx->day_tok).s);
        return;
    }
    if (ctx->range) { /* "120ml 2:10-2:35" */
        phrase_fail(ctx, "\"%s\": a bottle is given at one time: say when it started, "
                    "like \"%s 2:10\" (a time range is a nursing session's)",
                    phrase_quote(ctx, &ctx->range_tok).s, phrase_quote(ctx, &ctx->amount).s);
        return;
    }
    if (ctx->each && !ctx->both) {
        phrase_fail(ctx, "\"%s\" at position %zu: one feeding per line, each with its "
             "amount (for twins: \"both 60ml each\")", phrase_quote(ctx, &ctx->each_tok).s,
             phrase_position(ctx, ctx->each_tok.off));
        return;
    }
    if (ctx->both && !ctx->each) {
        /* "both 120ml": 120 each, or 120 shared? */
        phrase_fail(ctx, "\"%s\": say how much each baby had, like \"both %s%s each\"",
             phrase_quote(ctx, &ctx->both_tok).s, phrase_quote(ctx, &ctx->amount).s,
             ctx->amount_bare ? "ml" : "");
        return;
    }
    out->both = ctx->both;
    if (!phrase_build_note(ctx, 1)) {
        phrase_fail(ctx, "the note is too long (at most %d bytes)", PHRASE_NOTE_MAX);
        return;
    }
    out->intent = PHRASE_RECORD;
}

static void finish_command(phrase_ctx *ctx) {
    phrase *out = ctx->out;
    int greeting = ctx->command >= CMD_HELLO && ctx->command <= CMD_GOODNIGHT;
    if ((ctx->times || ctx->out->part) && !greeting &&
        ctx->command != CMD_TIMEZONE && ctx->command != CMD_HELP) {
        /* "how much at 7pm", "total last night": not understood yet */
        phrase_fail(ctx, "\"%s\" takes a day, not a time: like \"%s\" or \"%s "
             "yesterday\"", phrase_quote(ctx, &ctx->command_tok).s,
             phrase_quote(ctx, &ctx->command_tok).s, phrase_quote(ctx, &ctx->command_tok).s);
        return;
    }
    if (ctx->asked_days && (greeting || ctx->command == CMD_TOTAL)) {
        out->intent = PHRASE_TOTAL; /* "how much on monday", "total 26 nov" */
        return;
    }
    if (ctx->asked_days) {
        phrase_fail(ctx, "\"%s\" doesn't take a day: ask \"total %s\" for that "
             "day's feeds", phrase_quote(ctx, &ctx->command_tok).s,
             phrase_quote(ctx, &ctx->asked_tok).s);
        return;
    }
    if (ctx->durations) { /* "last 90 min": a window, or the last feed? */
        phrase_fail(ctx, "\"%s\" with \"%s\": ask \"%s\" alone, or for a window "
             "\"last 2 hours\"", phrase_quote(ctx, &ctx->command_tok).s,
             phrase_quote(ctx, &ctx->duration_tok).s, phrase_quote(ctx, &ctx->command_tok).s);
        return;
    }
    switch (ctx->command) {
    case CMD_SINCE: {
        int64_t hours = ctx->command_tok.micro / 1000000;
        if (ctx->command_tok.micro < 0) {
            phrase_fail(ctx, "\"%s\": a window of whole hours, like \"last 2 hours\"",
                 phrase_quote(ctx, &ctx->command_tok).s);
            return;
        }
        if (hours < 1 || hours > 48) {
            phrase_fail(ctx, "\"%s\": a window of 1 to 48 hours (or \"week\")",
                 phrase_quote(ctx, &ctx->command_tok).s);
            return;
        }
        out->intent = PHRASE_SINCE;
        out->hours = (int)hours;
        break;
    }
    case CMD_BABIES: /* the rest of the line, as typed, is the names */
        if (ctx->zone_given && has_digit(ctx, &ctx->zone_tok)) {
            /* "babies 120ml": a feeding? */
            phrase_fail(ctx, "\"%s\" takes the babies' names, like \"babies Mia Leo\"; for "
                 "a feeding of each, \"both 60ml each\"", phrase_quote(ctx, &ctx->command_tok).s);
            return;
        }
        if (ctx->zone_given) {
            if (ctx->zone_tok.len > PHRASE_NOTE_MAX) {
                phrase_fail(ctx, "too many names (at most %d bytes)", PHRASE_NOTE_MAX);
                return;
            }
            utf8_copy_clean(out->note, sizeof out->note, ctx->text + ctx->zone_tok.off,
                            ctx->zone_tok.len);
        }
        out->intent = PHRASE_BABIES;
        break;
    case CMD_UNITS: { /* "units oz"; "units" alone asks */
        int words = 0;
        for (int i = 0; i < ctx->nwords; i++) words += ctx->words[i].command == 0;
        if (words || ctx->words_overflow) {
            phrase_fail(ctx, "\"%s\" takes ml or oz, like \"units oz\"",
                        phrase_quote(ctx, &ctx->command_tok).s);
            return;
        }
        out->intent = PHRASE_UNITS;
        out->units = (phrase_units)ctx->units;
        break;
    }
    case CMD_TOTAL: out->intent = PHRASE_TOTAL; break;
    case CMD_LAST: out->intent = PHRASE_LAST; break;
    case CMD_WEEK: out->intent = PHRASE_WEEK; break;
    case CMD_UNDO: out->intent = PHRASE_UNDO; break;
    case CMD_HELP: out->intent = PHRASE_HELP; break;
    case CMD_HELLO: out->intent = PHRASE_GREETING; out->greeting = PHRASE_HELLO; break;
    case CMD_THANKS: out->intent = PHRASE_GREETING; out->greeting = PHRASE_THANKS; break;
    case CMD_GOODNIGHT:
        out->intent = PHRASE_GREETING;
        out->greeting = PHRASE_GOODNIGHT;
        break;
    case CMD_TIMEZONE:
        if (ctx->zone_given) {
            if (ctx->zone_tok.len > PHRASE_ZONE_MAX) {
                phrase_fail(ctx, "unknown time zone \"%s\"",
                     phrase_quote(ctx, &ctx->zone_tok).s);
                return;
            }
            utf8_copy_clean(out->zone, sizeof out->zone,
                            ctx->text + ctx->zone_tok.off, ctx->zone_tok.len);
        }
        out->intent = PHRASE_TIMEZONE;
        break;
    case CMD_CORRECT:
        phrase_fail(ctx, "\"%s\" needs the right amount, like \"make that 110ml\"",
             phrase_quote(ctx, &ctx->command_tok).s);
        return;
    case CMD_VAGUE:
        phrase_fail(ctx, "\"%s\": to change the last feeding, send the right amount, "
             "like \"make that 110ml\"; to remove it, \"undo\"",
             phrase_quote(ctx, &ctx->command_tok).s);
        return;
    default: { /* CMD_FEED without an amount */
        phrase_fail(ctx, "\"%s\" needs an amount, like \"/feed 120ml\"",
             phrase_quote(ctx, &ctx->command_tok).s);
        return;
    }
    }
    if (out->intent != PHRASE_TOTAL) out->day = PHRASE_NO_DAY;
}

/* "30 minutes", "1 hour", "24 hours": a schedule's bound. */
typedef struct {
    char s[24];
} span_text;

static span_text minutes_text(int minutes) {
    span_text t;
    if (minutes % 60 == 0)
        snprintf(t.s, sizeof t.s, "%d hour%s", minutes / 60, minutes == 60 ? "" : "s");
    else
        snprintf(t.s, sizeof t.s, "%d minute%s", minutes, minutes == 1 ? "" : "s");
    return t;
}

/* A SPAN's minutes, checked against [min, max]; -1 with the phrase's error
 * set. `what` says what the bounds are of. */
static int span_minutes(phrase_ctx *ctx, int min, int max, const char *what,
                        const char *example) {
    const phrase_token *t = &ctx->span_tok;
    quoted q = phrase_quote(ctx, t);
    size_t at = phrase_position(ctx, t->off);
    if (t->unit == 0) { /* "in 3": minutes or hours? */
        phrase_fail(ctx, "\"%s\" at position %zu: hours or minutes? like %s", q.s, at,
                    example);
        return -1;
    }
    if (t->unit == UNIT_HOURS && minutes_like_decimal(ctx, t)) { /* "in 2.30 hours" */
        phrase_fail(ctx, "\"%s\" at position %zu: hours and minutes, or a decimal? "
                    "write it like \"2h30\" or \"150 min\"", q.s, at);
        return -1;
    }
    int64_t micro = t->micro;
    if (t->unit == UNIT_HOURS) micro *= 60;
    if (t->unit == UNIT_DAYS) micro *= 24 * 60;
    int64_t minutes = (micro + 500000) / 1000000;
    if (minutes < min || minutes > max) {
        phrase_fail(ctx, "\"%s\" at position %zu: %s %s to %s (like %s)", q.s, at, what,
                    minutes_text(min).s, minutes_text(max).s, example);
        return -1;
    }
    return (int)minutes;
}

/* The first word of the line that is none of the schedule's ("remind me
 * to feed him in 3h": "to"), or NULL. */
static int schedule_stray(const phrase_ctx *ctx, phrase_token *w) {
    for (int i = 0; i < ctx->nwords; i++)
        if (ctx->words[i].command != 1) {
            memset(w, 0, sizeof *w);
            w->off = ctx->words[i].off;
            w->len = ctx->words[i].len;
            return 1;
        }
    if (ctx->both || ctx->each) {
        *w = ctx->both ? ctx->both_tok : ctx->each_tok;
        return 1;
    }
    if (ctx->any_kind || ctx->nurse || ctx->npieces || ctx->range || ctx->durations ||
        ctx->notfed || ctx->words_overflow) {
        memset(w, 0, sizeof *w); /* named by the command's advice */
        return 2;
    }
    return 0;
}

/* A reminder, the alert, the summary or "next" (#17), once every token is
 * in: what it asks (phrase.schedule), checked against its bounds. */
static void finish_schedule(phrase_ctx *ctx) {
    phrase *out = ctx->out;
    int cmd = ctx->command;
    quoted word = phrase_quote(ctx, &ctx->command_tok);
    const char *advice = cmd == CMD_REMIND ? remind_examples
                         : cmd == CMD_ALERT
                             ? "like \"alert 4h\" (after 4 hours without a feed), or \"alert off\""
                         : cmd == CMD_SUMMARY ? "like \"summary at 8pm\", or \"summary off\""
                                              : "send \"next\" on its own";
    int timed = ctx->spans || ctx->times || out->part;
    if (cmd == CMD_REMIND && !timed && !ctx->sched_off && !ctx->sched_show) {
        /* "remind me", "remind me to feed him" */
        phrase_fail(ctx, "\"%s\" needs a time: %s", word.s, remind_examples);
        return;
    }
    if (ctx->days || ctx->asked_days) { /* "remind me yesterday" */
        if (cmd == CMD_NEXT) {
            phrase_fail(ctx, "\"%s\" takes nothing else: %s", word.s, advice);
            return;
        }
        schedule_day(ctx, ctx->days ? &ctx->day_tok : &ctx->asked_tok);
        return;
    }
    phrase_token stray;
    int strayed = schedule_stray(ctx, &stray);
    if (strayed == 1) {
        phrase_fail(ctx, "didn't understand \"%s\" at position %zu: %s",
                    phrase_quote(ctx, &stray).s, phrase_position(ctx, stray.off), advice);
        return;
    }
    if (strayed || (cmd == CMD_NEXT && timed)) {
        phrase_fail(ctx, "\"%s\": %s", word.s, advice);
        return;
    }
    if (ctx->sched_off) { /* "stop reminders", "alert off" */
        if (timed) {
            phrase_fail(ctx, "\"%s\" takes nothing else: send it on its own", word.s);
            return;
        }
        out->schedule = PHRASE_SCHEDULE_OFF;
        out->intent = cmd == CMD_REMIND ? PHRASE_REMIND
                      : cmd == CMD_ALERT ? PHRASE_ALERT
                                         : PHRASE_SUMMARY;
        return;
    }
    if (cmd == CMD_NEXT) {
        out->intent = PHRASE_NEXT;
        return;
    }
    out->intent = cmd == CMD_REMIND ? PHRASE_REMIND
                  : cmd == CMD_ALERT ? PHRASE_ALERT
                                     : PHRASE_SUMMARY;
    if (!timed) {
        out->schedule = PHRASE_SCHEDULE_SHOW; /* "reminders", "alert", "summary" */
        return;
    }
    if (ctx->spans) {
        int sub = ctx->span_tok.sub, minutes;
        quoted q = phrase_quote(ctx, &ctx->span_tok);
        size_t at = phrase_position(ctx, ctx->span_tok.off);
        if (cmd == CMD_SUMMARY) {
            phrase_fail(ctx, "\"%s\" at position %zu: the summary comes at a time of day, "
                        "like \"summary at 8pm\"", q.s, at);
            return;
        }
        if (cmd == CMD_ALERT && sub == SPAN_EVERY) {
            phrase_fail(ctx, "\"%s\" at position %zu: the alert is said once per gap "
                        "without a feed: say after how long, like \"alert 4h\"", q.s, at);
            return;
        }
        if (cmd == CMD_ALERT) {
            minutes = span_minutes(ctx, PHRASE_ALERT_MIN, PHRASE_ALERT_MAX,
                                   "the alert can come after a gap of", "\"alert 4h\"");
            if (minutes < 0) return;
            out->schedule = PHRASE_SCHEDULE_IN;
            out->schedule_minutes = minutes;
            return;
        }
        if (sub == SPAN_AFTER || sub == SPAN_BARE) { /* "remind 3h": at 3, or in 3 hours? */
            phrase_fail(ctx, "\"%s\" at position %zu: in how long, or at what time? like "
                        "\"remind me in 3h\" or \"remind 3pm\"", q.s, at);
            return;
        }
        if (sub == SPAN_EVERY) {
            minutes = span_minutes(ctx, PHRASE_REMIND_EVERY_MIN, PHRASE_REMIND_EVERY_MAX,
                                   "a repeating reminder can be every", "\"remind every 3h\"");
            if (minutes < 0) return;
            out->schedule = PHRASE_SCHEDULE_EVERY;
        } else {
            minutes = span_minutes(ctx, 1, PHRASE_REMIND_IN_MAX, "a reminder can be in",
                                   "\"remind me in 3h\"");
            if (minutes < 0) return;
            out->schedule = PHRASE_SCHEDULE_IN;
        }
        out->schedule_minutes = minutes;
        return;
    }
    /* a time of day: "remind 2:30am", "summary at 8pm", "remind at 7 tonight" */
    if (out->time != PHRASE_TIME_CLOCK) {
        const phrase_token *t = ctx->times ? &ctx->time_tok : &ctx->part_tok;
        if (cmd == CMD_ALERT)
            phrase_fail(ctx, "\"%s\" at position %zu: the alert comes after a gap "
                        "without a feed: say how long, like \"alert 4h\"",
                        phrase_quote(ctx, t).s, phrase_position(ctx, t->off));
        else
            phrase_fail(ctx, "\"%s\" at position %zu: give the time, %s",
                        phrase_quote(ctx, t).s, phrase_position(ctx, t->off),
                        cmd == CMD_REMIND ? "like \"remind 7pm\" or \"remind me in 3h\""
                                          : "like \"summary at 8pm\"");
        return;
    }
    if (cmd == CMD_ALERT) { /* "alert 4pm" */
        phrase_fail(ctx, "\"%s\" at position %zu: the alert comes after a gap without "
                    "a feed: say how long, like \"alert 4h\"",
                    phrase_quote(ctx, &ctx->time_tok).s, phrase_position(ctx, ctx->time_tok.off));
        return;
    }
    phrase_part part = out->part;
    int hour = out->hour;
    int fits = part == PHRASE_NO_PART ||
               (out->clock == PHRASE_CLOCK_BARE && part != PHRASE_LAST_NIGHT) ||
               (part == PHRASE_MORNING && hour < 12) ||
               ((part == PHRASE_AFTERNOON || part == PHRASE_EVENING) && hour >= 12) ||
               (part == PHRASE_TONIGHT && (hour >= 18 || hour < 6));
    if (!fits) { /* "remind 7am tonight", "remind 2am last night" */
        phrase_fail(ctx, "\"%s\" doesn't fit the part of the day given with it",
                    phrase_quote(ctx, &ctx->time_tok).s);
        return;
    }
    out->schedule = PHRASE_SCHEDULE_AT;
}

void phrase_finish(phrase_ctx *ctx) {
    phrase *out = ctx->out;
    if (!ctx->failed && ctx->notfed) {
        phrase_fail(ctx, "\"%s\": only milk that was drunk is recorded; send what "
             "the baby drank, like \"90ml\"", phrase_quote(ctx, &ctx->notfed_tok).s);
    }
    if (!ctx->failed && is_schedule(ctx->command)) {
        finish_schedule(ctx);
    } else if (!ctx->failed) {
        int nursing = phrase_classify_nursing(ctx);
        if (nursing == LINE_BOTTLE_AGAIN) /* its numbers are amounts again */
            for (int i = 0; i < ctx->npieces && !ctx->failed; i++)
                if (!ctx->pieces[i].side && ctx->pieces[i].bare)
                    phrase_number_again(ctx, &ctx->pieces[i].tok);
        if (ctx->failed)
            ;
        else if (nursing == LINE_SESSION)
            phrase_finish_nursing(ctx);
        else if (ctx->amounts)
            finish_record(ctx);
        else if (ctx->range && !ctx->command)
            phrase_fail(ctx, "\"%s\": a time range is a nursing session's, like "
                        "\"nursed 2:10-2:35 left\"", phrase_quote(ctx, &ctx->range_tok).s);
        else if (ctx->durations && !ctx->command) {
            quoted q = phrase_quote(ctx, &ctx->duration_tok);
            phrase_fail(ctx, "\"%s\" is how long, not how much: a feeding needs "
                 "an amount, like \"120ml %s ago\"", q.s, q.s);
        }
        else if (ctx->command)
            finish_command(ctx);
        else if ((ctx->days || ctx->asked_days) && !ctx->times)
            out->intent = PHRASE_TOTAL; /* "yesterday", "today?", "monday" */
        else if (ctx->questions && !ctx->items)
            out->intent = PHRASE_HELP; /* "?" */
        else {
            int first_word = -1;
            for (int i = 0; i < ctx->nwords && first_word < 0; i++)
                if (ctx->words[i].command != 1) first_word = i;
            if (first_word >= 0) {
                phrase_token w = {0};
                w.off = ctx->words[first_word].off;
                w.len = ctx->words[first_word].len;
                phrase_fail(ctx, "didn't understand \"%s\" at position %zu "
                     "(a feeding needs an amount, like \"120ml\")",
                     phrase_quote(ctx, &w).s, phrase_position(ctx, w.off));
            } else if (ctx->items || ctx->questions) {
                phrase_fail(ctx, "no amount: say how much, like \"120ml\"");
            } else {
                phrase_fail(ctx, "empty message: send a feeding like \"120ml\", or "
                     "\"help\"");
            }
        }
    }
    if (!ctx->failed && out->intent != PHRASE_RECORD && (ctx->both || ctx->each) &&
        out->intent != PHRASE_BABIES) {
        /* "total both": nothing to say both of, yet */
        const phrase_token *w = ctx->both ? &ctx->both_tok : &ctx->each_tok;
        phrase_fail(ctx, "didn't understand \"%s\" at position %zu", phrase_quote(ctx, w).s,
             phrase_position(ctx, w->off));
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
        phrase kept = *out; /* only the fields before the text buffers */
        memset(out, 0, offsetof(phrase, note));
        out->intent = kept.intent;
        if (kept.intent == PHRASE_TOTAL) {
            out->day = kept.day;
            out->weekday = kept.weekday;
            out->this_week = kept.this_week;
            out->days_ago = kept.days_ago;
            out->date_day = kept.date_day;
            out->date_month = kept.date_month;
            out->date_year = kept.date_year;
        }
        if (kept.intent == PHRASE_GREETING) out->greeting = kept.greeting;
        if (kept.intent == PHRASE_SINCE) out->hours = kept.hours;
        if (kept.intent == PHRASE_UNITS) out->units = kept.units;
        if (kept.intent == PHRASE_REMIND || kept.intent == PHRASE_ALERT ||
            kept.intent == PHRASE_SUMMARY) {
            out->schedule = kept.schedule;
            out->schedule_minutes = kept.schedule_minutes;
            if (kept.schedule == PHRASE_SCHEDULE_AT) { /* as a feeding's clock time */
                out->time = kept.time;
                out->clock = kept.clock;
                out->hour = kept.hour;
                out->minute = kept.minute;
                out->part = kept.part;
            }
        }
        if (kept.intent == PHRASE_CORRECT) {
            out->amount_ml = kept.amount_ml;
            out->was_ml = kept.was_ml;
        }
        if (kept.intent != PHRASE_BABIES) out->note[0] = '\0';
    }
}
