/* phrase_internal.h -- what the lexer, the grammar and the tree builder share.
 *
 * The lexer (grammar/phrase_lexer.re) cuts the input into tokens: a code from
 * the Lemon-generated header plus a phrase_token with the token's byte span
 * and decoded value. The grammar (grammar/phrase_grammar.y) decides which
 * tokens form one item and calls the phrase_add_* builders below, which fill
 * the tree and detect conflicts (two amounts, two times, ...). Nothing here
 * allocates. */
#ifndef MILKBOT_PHRASE_INTERNAL_H
#define MILKBOT_PHRASE_INTERNAL_H

#include "phrase.h"

#include <stdint.h>

/* phrase_token.sub for the tokens that come in several sorts. */
enum { UNIT_ML = 1, UNIT_OZ, UNIT_MINUTES, UNIT_HOURS, UNIT_DAYS /* a SPAN's only */ };
enum {
    CMD_TOTAL = 1,
    CMD_LAST,
    CMD_WEEK,
    CMD_UNDO,
    CMD_HELP,
    CMD_TIMEZONE,
    CMD_FEED,   /* /feed and /add: a feeding follows */
    CMD_CORRECT, /* "make that 110": a change to the last entry */
    CMD_VAGUE,   /* "no", "not", "sorry" before an amount: what was wrong? */
    CMD_NOTFED,  /* "spilled", "refused", "frozen": milk not drunk */
    CMD_SINCE,   /* "last 24 hours": a rolling window, micro = hours */
    CMD_BABIES,  /* "babies Mia Leo": the family's babies (the words after) */
    CMD_HELLO,   /* greetings and thanks: a friendly word back */
    CMD_THANKS,
    CMD_GOODNIGHT,
    CMD_UNITS,   /* "units oz": the family's units (the unit after) */
    /* What the bot says on its own (#17); `sched` tells "stop reminders"
     * and "reminders" from "remind" */
    CMD_REMIND,  /* "remind me", "reminders", "stop reminders" */
    CMD_ALERT,   /* "alert", "alert off" */
    CMD_SUMMARY, /* "daily summary", "summary off" */
    CMD_NEXT,    /* "next", "when is the next feed due" */
    CMD_UNKNOWN /* a slash command we do not have */
};

/* phrase_token.sched of a schedule's COMMAND: what its words say alone
 * ("reminders": show them; "stop reminders": off; "remind": nothing yet). */
enum { SCHED_NONE = 0, SCHED_SHOW, SCHED_OFF };

/* phrase_token.sub of a SPAN, how long written after a schedule's command
 * word ("remind me in 3h", "remind every 90 min", "alert after 4 hours",
 * "alert 4h"): micro is the value in `unit` (0: a number without one). */
enum { SPAN_IN = 1, SPAN_EVERY, SPAN_AFTER, SPAN_BARE };

/* phrase_token.sub of a SIDE: "left", "right", "each side" (as many
 * minutes on each), "both sides" (the minutes are both's). */
enum { SIDE_LEFT = 1, SIDE_RIGHT, SIDE_EACH, SIDE_BOTH };

/* phrase_token.sub of a WORD the builder judges by its place. */
enum {
    WORD_PLAIN = 0,
    WORD_UNITLIKE, /* "tbsp", "cups", "bottles": not right after a bare number */
    WORD_ASK,      /* "did", "is", "should": a question, when it opens the line */
    WORD_MULT,     /* "twice", "x": not right after an amount */
    WORD_BOTH,     /* "both": with "each" after the amount, every baby's */
    WORD_EACH,     /* "each": right after the amount, with "both" */
    WORD_FED       /* "gave", "him", "drank": a note, but the words around a
                      feeding, which do not make a line talk (phrase.words) */
};

/* Values are decoded with saturation: a 40-digit number cannot overflow, it
 * just becomes "too large" for the range checks. */
#define PHRASE_NUMBER_CAP 10000000LL /* integer part kept up to 10^7 */

typedef struct {
    uint32_t off, len; /* bytes into the input */
    int sub;           /* DAY: phrase_day, PART: phrase_part, KIND:
                          phrase_kind, CLOCK and HOURH: phrase_clock,
                          COMMAND: CMD_* */
    int unit;          /* AMOUNT, DURATION, HOURH: UNIT_* of `micro` */
    int hour, minute;  /* CLOCK, HOURH */
    int64_t micro;     /* NUMBER, DECIMAL, AMOUNT, DURATION: value x 10^6 */
    int integer;       /* NUMBER: written without a fraction; SIDE: names
                          the breast ("left boob") */
    int slash;         /* COMMAND: written as /command */
    int corrected;     /* read as the known word it is one typo away from */
    int sched;         /* COMMAND of a schedule: SCHED_* */
    int near_misses;   /* WORD: how many known words it is one typo from */
} phrase_token;

typedef struct {
    const unsigned char *start, *cur, *lim;
    int zone_next; /* the rest of the line is a time zone argument (or the
                      babies' names) */
    int tokens;    /* tokens returned so far */
    int last;      /* the code of the last token returned (0: none) */
    int schedule;  /* a schedule's command word was read: how long it is
                      ("in 3h", "every 90 min", "4h") is one SPAN token */
} phrase_lexer;

void phrase_lexer_init(phrase_lexer *lx, const char *text, size_t len);
/* Returns the next token's code (TK_* from phrase_grammar.h), 0 at the end.
 * Separators and ignored words are skipped, never returned. */
int phrase_lex(phrase_lexer *lx, phrase_token *tok);

#define PHRASE_MAX_WORDS 48

/* The builder's state while one phrase is parsed. */
typedef struct {
    const char *text;
    size_t len;
    phrase *out;
    int failed;       /* out->message is set; stop parsing */
    int items;        /* items seen, questions excluded */
    int questions;    /* '?' marks seen */
    int amounts;      /* amounts seen */
    phrase_token amount;
    int times;        /* clock times, "now" and "ago"s seen */
    phrase_token time_tok;
    int days;
    phrase_token day_tok;
    int specific_kind; /* formula or breast milk was named */
    phrase_token kind_tok;
    int command;       /* first CMD_* seen (0: none) */
    phrase_token command_tok;
    int zone_given;
    phrase_token zone_tok;
    int notfed;       /* "spilled", "refused": milk that was not drunk */
    phrase_token notfed_tok;
    int asking;       /* the line opens with "did", "is", "should"... */
    phrase_token asking_tok;
    int both, each;   /* "both" anywhere; "each" right after the amount */
    phrase_token both_tok, each_tok;
    phrase_token part_tok;
    int asked_days;   /* a weekday, a date or "N days ago" was named */
    phrase_token asked_tok;
    int asked_code;
    int amount_bare;  /* the amount was a number without a unit */
    int vague_after;  /* "not" right after the first amount */
    phrase_token amount2; /* the second amount of "110 not 120" */
    int durations;    /* a duration without "ago" */
    phrase_token duration_tok;
    /* Nursing: a word for it; how many sides and minutes (`pieces`,
     * below); a time range */
    int nurse;        /* "nursed", "bf" */
    int nurse_weak;   /* "breast", "boob": a session only with its details */
    phrase_token nurse_tok;
    int any_kind;     /* a kind of milk was named, "milk" too */
    int npieces, pieces_overflow;
    int range;
    phrase_token range_tok;
    int units;        /* PHRASE_UNITS_* named after "units" */
    phrase_token units_tok;
    /* A schedule (#17): its command word said "off" or "show" (SCHED_*,
     * any of its words); how long ("in 3h", a SPAN) */
    int sched_off, sched_show;
    phrase_token sched_tok; /* the last of its words */
    int spans;
    phrase_token span_tok;
    /* the previous token, to judge a number glued to a word ("3pn") */
    int prev_code;
    phrase_token prev;
    int nwords;
    int words_overflow;
    /* note words, in order; command words are flagged, because they are note
     * words in a feeding ("120ml last one before bed") but not otherwise.
     * phrase_ctx_init clears everything before it, and nothing from here
     * on: what follows is written before it is read. */
    struct {
        uint32_t off, len;
        int command; /* 1: a command word; 2: a side, 3: a word for nursing,
                        note words only when the line is no session */
    } words[PHRASE_MAX_WORDS];
    /* a nursing session's sides and minutes in the order written (side
     * 0: minutes; `bare`: a number without "min"); filled before read,
     * like `words`, so never cleared */
    struct {
        int side, bare;
        phrase_token tok;
    } pieces[8];
} phrase_ctx;

void phrase_ctx_init(phrase_ctx *ctx, const char *text, size_t len,
                     phrase *out);
void phrase_add_amount(phrase_ctx *ctx, const phrase_token *t);
void phrase_add_number(phrase_ctx *ctx, const phrase_token *t);
/* A number right after "at", a day or a part of the day (`after`: TK_AT,
 * TK_DAY, TK_PART): an hour ("at 7", "yesterday 7.30") when it can be one;
 * else an amount, or for "at" an error. */
void phrase_add_hour(phrase_ctx *ctx, int after, const phrase_token *t);
void phrase_add_clock(phrase_ctx *ctx, const phrase_token *t);
/* "19h" is a time; "2h" alone could be a time or two hours: asked. */
void phrase_add_hourh(phrase_ctx *ctx, const phrase_token *t);
void phrase_add_now(phrase_ctx *ctx, const phrase_token *t);
void phrase_add_at(phrase_ctx *ctx, const phrase_token *t);
void phrase_add_ago(phrase_ctx *ctx, const phrase_token *t);
void phrase_add_duration(phrase_ctx *ctx, const phrase_token *t);
void phrase_error_future(phrase_ctx *ctx, const phrase_token *t);
void phrase_add_day(phrase_ctx *ctx, const phrase_token *t);
void phrase_add_part(phrase_ctx *ctx, const phrase_token *t);
void phrase_add_kind(phrase_ctx *ctx, const phrase_token *t);
void phrase_add_command(phrase_ctx *ctx, const phrase_token *t);
void phrase_add_zone(phrase_ctx *ctx, const phrase_token *t);
void phrase_add_question(phrase_ctx *ctx);
void phrase_add_word(phrase_ctx *ctx, const phrase_token *t);
/* A day a question names: "monday", "26 nov", "2 days ago". */
void phrase_add_asked_day(phrase_ctx *ctx, int code, const phrase_token *t);
/* "120 mls", "5 ounzes" (read as "ounces"), "15 minuets ago". */
void phrase_add_number_unit(phrase_ctx *ctx, const phrase_token *n,
                            const phrase_token *u, int ago);
/* Nursing (#16): "nursed", "bf"; a side ("left", "L", "each side"); a
 * time range's end `end` (a clock, or with `hour` a bare number read as
 * an hour: "10pm-11"), after its start was added; a bare number as a
 * range's start ("2-2:30pm"), judged with its end. */
void phrase_add_nurse(phrase_ctx *ctx, const phrase_token *t);
void phrase_add_side(phrase_ctx *ctx, const phrase_token *t);
void phrase_add_range(phrase_ctx *ctx, const phrase_token *dash,
                      const phrase_token *end, int hour);
void phrase_add_range_start(phrase_ctx *ctx, const phrase_token *start,
                            const phrase_token *end);
/* "in 3h", "every 90 min", "after 4 hours", "4h" after a schedule's
 * command word (a SPAN). */
void phrase_add_span(phrase_ctx *ctx, const phrase_token *t);
/* "units oz": the unit a command names (only "units" takes one). */
void phrase_add_units(phrase_ctx *ctx, const phrase_token *command,
                      const phrase_token *unit);
/* A token the grammar cannot place ("ago" alone, a unit without a number):
 * `code` is its TK_* code (0 when the parser's stack overflowed). */
void phrase_error_syntax(phrase_ctx *ctx, int code, const phrase_token *t);
/* Decide the intent once every token is in. */
void phrase_finish(phrase_ctx *ctx);

/* What the builders share (phrase_build.c, phrase_nursing.c). */
#define QUOTE_MAX 40 /* bytes of a user's word quoted in a message */
/* The token's text, valid UTF-8, shortened for a message. Returned by value:
 * C11 keeps the array alive until the end of the full expression, so
 * phrase_fail(ctx, "%s", phrase_quote(ctx, t).s) needs no buffer. */
typedef struct {
    char s[QUOTE_MAX + 4]; /* the text, an ellipsis and NUL */
} quoted;
quoted phrase_quote(const phrase_ctx *ctx, const phrase_token *t);
/* The 1-based character position of byte offset `off`, as a person counts. */
size_t phrase_position(const phrase_ctx *ctx, uint32_t off);
/* The phrase's error (the first one stands), and parsing stops. */
void phrase_fail(phrase_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* "two X: ... and ...". */
void phrase_fail_twice(phrase_ctx *ctx, const char *what, const phrase_token *first,
                       const phrase_token *second, const char *hint);
/* Checks `t` (code `code`) against the token before it: a number glued to
 * letters is an error. */
void phrase_follow(phrase_ctx *ctx, int code, const phrase_token *t);
/* A word of the note; `command`: 1 a command word, 2 a side, 3 a word
 * for nursing. */
void phrase_note_word(phrase_ctx *ctx, const phrase_token *t, int command);
/* The note from the words (see phrase_build.c); 0 when too long. */
/* A bare number as an amount (or an hour), as outside a session. */
void phrase_number_again(phrase_ctx *ctx, const phrase_token *t);
int phrase_build_note(phrase_ctx *ctx, int with_commands);
/* A command word with a number among the line's words ("7 days"): the
 * phrase's error is set, returns 1. */
int phrase_question_with_number(phrase_ctx *ctx);
/* A clock time's hour, 0-23, once checked; -1 when it is no time of day
 * (the phrase's error is set). */
int phrase_clock_hour(phrase_ctx *ctx, const phrase_token *t);
/* A clock time, checked, as the phrase's time. */
void phrase_take_clock(phrase_ctx *ctx, const phrase_token *t);
/* Nursing (phrase_nursing.c): a side (side != 0) or minutes (0) in the
 * order written; whether the line is a nursing session; and its finish. */
void phrase_add_piece(phrase_ctx *ctx, int side, int bare, const phrase_token *t);
/* What a line with a nursing word or sides and minutes is, at its end:
 * a session (then phrase_finish_nursing), not one, a bottle whose bare
 * numbers the pieces took must be amounts again, or failed (asked). */
enum { LINE_NOT_SESSION = 0, LINE_SESSION, LINE_BOTTLE_AGAIN, LINE_ASKED };
int phrase_classify_nursing(phrase_ctx *ctx);
/* Whether a session says it is one beyond doubt (a word for nursing, two
 * sides, "each side"): in a group, "10 min left" may be talk. */
int phrase_nursing_said(const phrase_ctx *ctx);
/* "each" right after a session's minutes: each side's. */
void phrase_add_each(phrase_ctx *ctx, const phrase_token *t);
void phrase_finish_nursing(phrase_ctx *ctx);

#endif
