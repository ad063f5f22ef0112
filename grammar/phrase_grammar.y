/* phrase_grammar.y -- the grammar of the feeding phrase language (Lemon).
 *
 * A phrase is a sequence of items in any order: parents write
 * "12pm 120ml milk", "120ml milk at 12pm" and "milk, 120 ml, 12pm" alike. So
 * the grammar is a list of items, and each production below says which
 * tokens make one item. The order-dependent readings ("at 7", "yesterday 7":
 * a bare number right after them is an hour) are productions of two tokens;
 * the builder only checks the number's value (an hour must be 0-23).
 *
 * Actions only hand the item to a phrase_add_* builder (src/phrase/
 * phrase_build.c), which fills the tree and reports conflicts such as two
 * amounts; actions that can only fail are named phrase_error_*. The
 * intent is decided at the end by phrase_finish(), in this order:
 *
 *   the phrase has                      intent
 *   ----------------------------------  -----------------------------------
 *   an error from any item              error (its message, nothing else)
 *   a schedule's word: "remind",        remind, alert, summary or next
 *   "alert", "summary", "next"          (finish_schedule: its time, or how
 *                                       long, within phrase.h's bounds; an
 *                                       amount refuses the line, but
 *                                       "alert" and "summary" after one
 *                                       are note words)
 *   an amount and a correction word     correct: the last entry's amount
 *   ("make that"), or two amounts with  (the first of "not 120, 100" is
 *   "not"/"no"... ("110 not 120")       the one replaced); with a time, a
 *                                       day or a kind: error
 *   an amount                           record (command words join the
 *                                       note; undo/help/tz, "no" before
 *                                       it, a named day or a question
 *                                       with a number in it are errors)
 *   a duration without "ago", no amount error (how to write a feeding)
 *   a command (word or /command)        its intent; total or a greeting
 *                                       with a named day: total that day
 *   today/yesterday or a named day      total of that day
 *   only "?"                            help
 *   anything else                       error (the first unknown word)
 *
 * A number is never a note: the lexer keeps digits out of words, and the
 * builder refuses a number glued to letters. */

%name phraseParser
%token_prefix TK_
/* The builder state, passed once when the parser is set up: no globals. */
%extra_context {phrase_ctx *ctx}
%token_type {phrase_token}
/* One place turns a token the grammar cannot place into a message. */
%syntax_error { phrase_error_syntax(ctx, yymajor, &yyminor); }
%stack_overflow { phrase_error_syntax(ctx, 0, NULL); }

%include {
#include "phrase_internal.h"

#include <assert.h>
#include <string.h>
}

/* Token codes in the order the lexer's rules list them. UNIT, TIMEWORD and
 * AMPM have no production of their own: alone they are a syntax error with
 * a message of their own (a unit without a number, a time in words, am/pm
 * without a time). */
%token AMOUNT CLOCK HOURH NOW AT DURATION AGO FUTURE DAY PART KIND COMMAND
       ZONE QUESTION NUMBER UNIT WEEKDAY DATE DAYSAGO TIMEWORD AMPM WORD
       NURSE SIDE RANGE SPAN.

%nonassoc AT DAY PART.
%nonassoc NUMBER.

phrase ::= items.

items ::= .
items ::= items item.

/* Amounts: "120ml", "4 oz", and bare numbers (millilitres). */
item ::= AMOUNT(A).          { phrase_add_amount(ctx, &A); }
item ::= NUMBER(N).          { phrase_add_number(ctx, &N); }

/* A bare number right after "at", a day or a part of the day is an hour
 * ("at 7", "yesterday 7 90ml", "this morning 6.15"): the language's only
 * readings that depend on order. Lemon would otherwise end the item at
 * "at" and read the number alone; the precedences below make it take the
 * pair (shift), and leave no conflict. */
item ::= AT(A) NUMBER(N).    { phrase_add_at(ctx, &A); phrase_add_hour(ctx, TK_AT, &N); }
item ::= DAY(D) NUMBER(N).   { phrase_add_day(ctx, &D); phrase_add_hour(ctx, TK_DAY, &N); }
item ::= PART(P) NUMBER(N).  { phrase_add_part(ctx, &P); phrase_add_hour(ctx, TK_PART, &N); }
item ::= DAY(D) NUMBER(N) UNIT(U).  { phrase_add_day(ctx, &D);
                                      phrase_add_number_unit(ctx, &N, &U, 0); }
item ::= PART(P) NUMBER(N) UNIT(U). { phrase_add_part(ctx, &P);
                                      phrase_add_number_unit(ctx, &N, &U, 0); }
/* A number and a unit the lexer could not join ("5 ounzes", read as
 * ounces): an amount, or a duration. A unit alone is an error. */
item ::= NUMBER(N) UNIT(U).     { phrase_add_number_unit(ctx, &N, &U, 0); }
item ::= NUMBER(N) UNIT(U) AGO. { phrase_add_number_unit(ctx, &N, &U, 1); }

/* Times of day: "12pm", "7:30", "19h", "noon", "now", "at". */
item ::= CLOCK(C).           { phrase_add_clock(ctx, &C); }
item ::= HOURH(C).           { phrase_add_hourh(ctx, &C); }
item ::= NOW(T).             { phrase_add_now(ctx, &T); }
item ::= AT(T).              { phrase_add_at(ctx, &T); }

/* Relative times: "20 min ago", "2h ago", "half an hour ago". A duration
 * without "ago", and future words ("tomorrow", "in 15 minutes"), are errors
 * with a message of their own. */
item ::= DURATION(D) AGO.    { phrase_add_ago(ctx, &D); }
item ::= HOURH(D) AGO.       { phrase_add_ago(ctx, &D); }
item ::= DURATION(D).        { phrase_add_duration(ctx, &D); }
item ::= FUTURE(F).          { phrase_error_future(ctx, &F); }

/* Days, parts of the day and kinds of milk. A weekday, a date or "N days
 * ago" names the day of a question ("total 26 nov"). */
item ::= DAY(D).             { phrase_add_day(ctx, &D); }
item ::= WEEKDAY(D).         { phrase_add_asked_day(ctx, TK_WEEKDAY, &D); }
item ::= DATE(D).            { phrase_add_asked_day(ctx, TK_DATE, &D); }
item ::= DAYSAGO(D).         { phrase_add_asked_day(ctx, TK_DAYSAGO, &D); }
item ::= PART(P).            { phrase_add_part(ctx, &P); }
item ::= KIND(K).            { phrase_add_kind(ctx, &K); }

/* Nursing (#16): "nursed", a side, and the minutes beside it; which
 * minutes go with which side is decided by the builder, from their order
 * ("left 12 right 8", "15 min left"). A bare number right after a side is
 * its minutes ("L10"). A time range ("2:10-2:35", "2-2:30pm", "10pm-11")
 * is a session's start and end. */
item ::= NURSE(N).           { phrase_add_nurse(ctx, &N); }
item ::= SIDE(S).            { phrase_add_side(ctx, &S); }
item ::= CLOCK(A) RANGE(R) CLOCK(B).  { phrase_add_clock(ctx, &A);
                                        phrase_add_range(ctx, &R, &B, 0); }
item ::= CLOCK(A) RANGE(R) NUMBER(B). { phrase_add_clock(ctx, &A);
                                        phrase_add_range(ctx, &R, &B, 1); }
item ::= NUMBER(A) RANGE(R) CLOCK(B). { phrase_add_range_start(ctx, &A, &B);
                                        phrase_add_range(ctx, &R, &B, 0); }
/* ... also right after "at", a day or a part of the day, where a bare
 * number is an hour ("yesterday 2-2:30", "last night 2-2:30") */
item ::= AT(T) NUMBER(A) RANGE(R) CLOCK(B).  { phrase_add_at(ctx, &T);
                                               phrase_add_range_start(ctx, &A, &B);
                                               phrase_add_range(ctx, &R, &B, 0); }
item ::= DAY(D) NUMBER(A) RANGE(R) CLOCK(B). { phrase_add_day(ctx, &D);
                                               phrase_add_range_start(ctx, &A, &B);
                                               phrase_add_range(ctx, &R, &B, 0); }
item ::= PART(P) NUMBER(A) RANGE(R) CLOCK(B). { phrase_add_part(ctx, &P);
                                                phrase_add_range_start(ctx, &A, &B);
                                                phrase_add_range(ctx, &R, &B, 0); }

/* Commands: "total", "/last@MilkBot", "tz Asia/Singapore", "units oz". */
item ::= COMMAND(C).         { phrase_add_command(ctx, &C); }
item ::= COMMAND(C) ZONE(Z). { phrase_add_command(ctx, &C);
                               phrase_add_zone(ctx, &Z); }
item ::= COMMAND(C) UNIT(U). { phrase_add_command(ctx, &C);
                               phrase_add_units(ctx, &C, &U); }
item ::= QUESTION.           { phrase_add_question(ctx); }

/* How long, after a schedule's command word (#17): "remind me in 3h",
 * "remind every 90 min", "alert after 4 hours", "alert 4h". */
item ::= SPAN(S).            { phrase_add_span(ctx, &S); }

/* Any other word is kept as the feeding's note. */
item ::= WORD(W).            { phrase_add_word(ctx, &W); }

%code {
/* What the line's tokens say (phrase.said_unit and the rest). */
typedef struct {
    int said_unit, said_command, unknown_command, words;
} vocabulary;

/* Whether a word is written in letters: emoji and symbols ("🍼", "☕",
 * four-byte or U+2xxx sequences) are not, and do not make a line talk. */
static int in_letters(const char *text, const phrase_token *t) {
    for (uint32_t i = 0; i < t->len; i++) {
        unsigned char c = (unsigned char)text[t->off + i];
        if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return 1;
        if ((c >= 0xC2 && c <= 0xDF) || c == 0xE0 || c == 0xE1 || (c >= 0xE3 && c <= 0xEF))
            return 1; /* the lead byte of a letter of another script */
    }
    return 0;
}

static void note_vocabulary(vocabulary *out, const char *text, int code,
                            const phrase_token *t) {
    /* a unit, or a word for nursing, says a feeding ("10 min left" may be
     * the family's talk: see phrase_nursing_said) */
    if (code == TK_AMOUNT || code == TK_UNIT || (code == TK_NURSE && t->sub == 0))
        out->said_unit = 1;
    if (code == TK_WORD && t->sub != WORD_FED && t->sub != WORD_UNITLIKE &&
        in_letters(text, t))
        out->words++;
    if (code != TK_COMMAND) return;
    if (t->sub == CMD_UNKNOWN) out->unknown_command = 1;
    else if (t->sub != CMD_VAGUE && t->sub != CMD_NOTFED &&
             !(t->sub >= CMD_HELLO && t->sub <= CMD_GOODNIGHT))
        out->said_command = 1;
}

void phrase_parse(const char *text, size_t len, phrase *out) {
    phrase_ctx ctx;
    yyParser parser; /* on the stack: parsing a phrase never allocates */
    phrase_lexer lexer;
    phrase_token tok;
    int code;
    vocabulary said = {0};

    phrase_ctx_init(&ctx, text, len, out);
    phraseParserInit(&parser, &ctx);
    phrase_lexer_init(&lexer, text, len);
    while (!ctx.failed && (code = phrase_lex(&lexer, &tok)) != 0) {
        note_vocabulary(&said, text, code, &tok);
        phraseParser(&parser, code, tok);
    }
    if (!ctx.failed) {
        memset(&tok, 0, sizeof tok);
        tok.off = (uint32_t)len;
        phraseParser(&parser, 0, tok);
    } else { /* the rest of the line, read only for its vocabulary */
        while ((code = phrase_lex(&lexer, &tok)) != 0) note_vocabulary(&said, text, code, &tok);
    }
    phraseParserFinalize(&parser);
    phrase_finish(&ctx);
    /* "L10 R5": a nursing session says a feeding with its minutes */
    out->said_unit = said.said_unit ||
                     (out->intent == PHRASE_RECORD && out->kind == PHRASE_NURSING &&
                      phrase_nursing_said(&ctx));
    out->said_command = said.said_command;
    out->unknown_command = said.unknown_command;
    out->words = said.words;
}
}
