/* phrase_nursing.c -- nursing sessions (#16): sides, minutes, time ranges.
 *
 * A session is told by a word for it ("nursed", "bf"), by its sides each
 * with its minutes ("left 12 right 8", "L10 R5", "15 min left", "10 min
 * each side"), or by a time range ("nursed 2:10-2:35 left"). Parents write
 * minutes before or after their side, so the grammar only hands over each
 * side and each duration in the order written (the pieces), and
 * phrase_finish_nursing() pairs them: minutes go with the side they touch,
 * on the side the line began with ("left 12 right 8": after; "15 min left,
 * 10 min right": before). What cannot be paired is asked about, never
 * guessed. Whether a line is a session at all is decided at its end
 * (phrase_classify_nursing): a word for nursing ("nursed", "bf"), two
 * sides with minutes ("L10 R5"), "each side", a side with minutes in their
 * unit ("15 min left") or a letter touching them ("L10") make one; a
 * bottle stays a bottle ("60ml top up after bf", "R 110 milk", "120 R
 * said she was hungry", "120ml right after her bath": the words are its
 * note); and what could be either ("L 90", "left 10", "bf 120ml") is
 * asked about. */
#include "phrase_internal.h"
#include "phrase_grammar.h"

#include <stdio.h>
#include <string.h>

void phrase_add_piece(phrase_ctx *ctx, int side, int bare, const phrase_token *t) {
    int n = (int)(sizeof ctx->pieces / sizeof ctx->pieces[0]);
    if (ctx->npieces == n) {
        ctx->pieces_overflow = 1;
        return;
    }
    ctx->pieces[ctx->npieces].side = side;
    ctx->pieces[ctx->npieces].bare = bare;
    ctx->pieces[ctx->npieces].tok = *t;
    ctx->npieces++;
}

void phrase_add_nurse(phrase_ctx *ctx, const phrase_token *t) {
    phrase_follow(ctx, TK_NURSE, t);
    ctx->items++;
    /* a note word when the line turns out a bottle ("top up after bf") */
    phrase_note_word(ctx, t, 3);
    if (t->sub) { /* "breast", "boob": a session only with its details */
        if (!ctx->nurse_weak++ && !ctx->nurse) ctx->nurse_tok = *t;
        return;
    }
    if (!ctx->nurse++) ctx->nurse_tok = *t;
}

void phrase_add_each(phrase_ctx *ctx, const phrase_token *t) {
    /* "10 min each", "both sides 10 min each": the minutes are each
     * side's */
    for (int i = 0; i < ctx->npieces; i++)
        if (ctx->pieces[i].side == SIDE_BOTH) {
            ctx->pieces[i].side = SIDE_EACH;
            return;
        }
    phrase_token each = *t;
    each.sub = SIDE_EACH;
    phrase_add_piece(ctx, SIDE_EACH, 0, &each);
}

void phrase_add_side(phrase_ctx *ctx, const phrase_token *t) {
    int before = ctx->prev_code;
    phrase_token before_tok = ctx->prev;
    phrase_follow(ctx, TK_SIDE, t);
    if (ctx->failed) return;
    if (before == TK_NUMBER && t->len == 1 && before_tok.off + before_tok.len == t->off) {
        /* "2l": litres, which a baby's feeding is not given in */
        phrase_token run = before_tok;
        run.len = t->off + t->len - before_tok.off;
        phrase_fail(ctx, "\"%s\" at position %zu: give the amount in ml or oz, like "
                    "\"120ml\" or \"4oz\"", phrase_quote(ctx, &run).s,
                    phrase_position(ctx, run.off));
        return;
    }
    ctx->items++;
    /* "15 left": the bare number right before a side is its minutes, not
     * millilitres */
    if (before == TK_NUMBER && ctx->amounts == 1 && ctx->amount_bare &&
        ctx->amount.off == before_tok.off && !ctx->out->was_ml) {
        ctx->amounts = 0;
        ctx->amount_bare = 0;
        ctx->out->amount_ml = 0;
        phrase_add_piece(ctx, 0, 2, &before_tok); /* 2: a number before its side */
    }
    phrase_add_piece(ctx, t->sub, 0, t);
    phrase_note_word(ctx, t, 2);
}

/* The end of "2:10-2:35" (or, with `hour`, the bare hour of "10pm-11"). */
void phrase_add_range(phrase_ctx *ctx, const phrase_token *dash,
                      const phrase_token *end, int hour) {
    phrase *out = ctx->out;
    phrase_follow(ctx, TK_RANGE, dash);
    phrase_follow(ctx, hour ? TK_NUMBER : TK_CLOCK, end);
    if (ctx->failed) return;
    if (ctx->range++) {
        phrase_fail_twice(ctx, "time ranges", &ctx->range_tok, dash, " (one session per line)");
        return;
    }
    ctx->range_tok = *dash;
    phrase_token e = *end;
    if (hour) {
        int leading_zero = end->len > 1 && ctx->text[end->off] == '0';
        if (!end->integer || end->micro > 23 * 1000000LL) {
            phrase_fail(ctx, "\"%s\" at position %zu is not a time of day: a time range "
                        "is like \"2:10-2:35\"", phrase_quote(ctx, end).s,
                        phrase_position(ctx, end->off));
            return;
        }
        e.hour = (int)(end->micro / 1000000);
        e.minute = 0;
        e.sub = e.hour >= 1 && e.hour <= 12 && !leading_zero ? PHRASE_CLOCK_BARE
                                                              : PHRASE_CLOCK_AS_WRITTEN;
    }
    int h = phrase_clock_hour(ctx, &e);
    if (h < 0) return;
    out->range = 1;
    out->end_hour = h;
    out->end_minute = e.minute;
    out->end_clock = (phrase_clock)e.sub;
    /* a start without am/pm takes the end's ("2-2:30pm"), or the other
     * one when it comes before the end only that way ("11:50-12:10am") */
    if (out->clock == PHRASE_CLOCK_BARE &&
        (out->end_clock == PHRASE_CLOCK_AM || out->end_clock == PHRASE_CLOCK_PM)) {
        int start = (out->hour % 12) * 60 + out->minute;
        int finish = (out->end_hour % 12) * 60 + out->end_minute;
        int end_pm = out->end_clock == PHRASE_CLOCK_PM;
        int pm = start <= finish ? end_pm : !end_pm;
        out->hour = out->hour % 12 + (pm ? 12 : 0);
        out->clock = pm ? PHRASE_CLOCK_PM : PHRASE_CLOCK_AM;
    }
}

/* "2-2:30pm": the bare number before the range is the start's hour. */
void phrase_add_range_start(phrase_ctx *ctx, const phrase_token *start,
                            const phrase_token *end) {
    (void)end;
    phrase_follow(ctx, TK_NUMBER, start);
    if (ctx->failed) return;
    if (!start->integer || start->micro > 23 * 1000000LL) {
        phrase_fail(ctx, "\"%s\" at position %zu is not a time of day: a time range "
                    "is like \"2:10-2:35\"", phrase_quote(ctx, start).s,
                    phrase_position(ctx, start->off));
        return;
    }
    phrase_token clock = *start;
    int leading_zero = start->len > 1 && ctx->text[start->off] == '0';
    clock.hour = (int)(start->micro / 1000000);
    clock.minute = 0;
    clock.sub = clock.hour >= 1 && clock.hour <= 12 && !leading_zero ? PHRASE_CLOCK_BARE
                                                                     : PHRASE_CLOCK_AS_WRITTEN;
    phrase_take_clock(ctx, &clock);
}

int phrase_nursing_said(const phrase_ctx *ctx) {
    int sides = 0;
    for (int i = 0; i < ctx->npieces; i++) {
        if (ctx->pieces[i].side >= SIDE_EACH) return 1;
        sides += ctx->pieces[i].side != 0;
    }
    return ctx->nurse || sides >= 2;
}

/* What the pieces of a line are: how many sides ("each side" counted in
 * `each`), bare numbers taken as minutes, and minutes with their unit. */
typedef struct {
    int sides, each, bare, timed;
    int glued;  /* "L10": a side's letter touching its minutes */
    int letter; /* a side written as one letter ("L") */
    int breast; /* a side that names the breast ("left boob") */
    const phrase_token *side, *each_tok, *bare_tok;
} pieces_seen;

static pieces_seen count_pieces(const phrase_ctx *ctx) {
    pieces_seen c = {0};
    for (int i = 0; i < ctx->npieces; i++) {
        const phrase_token *t = &ctx->pieces[i].tok;
        if (ctx->pieces[i].side >= SIDE_EACH) {
            c.each++;
            c.each_tok = t;
        } else if (ctx->pieces[i].side) {
            c.sides++;
            if (c.side == NULL) c.side = t;
            c.letter |= t->len == 1;
            c.breast |= t->integer;
            c.glued |= t->len == 1 && i + 1 < ctx->npieces && !ctx->pieces[i + 1].side &&
                       ctx->pieces[i + 1].tok.off == t->off + 1;
        } else if (ctx->pieces[i].bare) {
            c.bare++;
            if (c.bare_tok == NULL) c.bare_tok = t;
        } else {
            c.timed++;
        }
    }
    return c;
}

/* "minutes at the breast, or millilitres?" */
static void ask_minutes_or_ml(phrase_ctx *ctx, const phrase_token *number,
                              const phrase_token *side) {
    quoted q = phrase_quote(ctx, number), s = phrase_quote(ctx, side);
    phrase_fail(ctx, "\"%s\" with \"%s\": minutes at the breast? say \"nursed %s min "
                "%s\"; for a bottle, \"%sml\"", q.s, s.s, q.s, s.s, q.s);
}

int phrase_classify_nursing(phrase_ctx *ctx) {
    pieces_seen c = count_pieces(ctx);
    int cmd = ctx->command, said = ctx->nurse || ctx->nurse_weak || c.breast;
    int details = c.sides || c.each || c.bare || c.timed || ctx->range;
    int unit_amount = ctx->amounts && !ctx->amount_bare;
    if (!said && !details) return LINE_NOT_SESSION; /* most lines: a bottle, a question */
    int words = 0; /* the line's other words */
    for (int i = 0; i < ctx->nwords; i++) words += ctx->words[i].command == 0;
    /* "last nursed", "total bf today": a question about sessions */
    if (said && !details && !ctx->amounts &&
        (cmd == CMD_TOTAL || cmd == CMD_LAST || cmd == CMD_WEEK || cmd == CMD_SINCE))
        return LINE_NOT_SESSION;
    /* a bottle that mentions nursing or a side among other words: "60ml
     * top up after bf", "2oz after breast", "3.5 oz ebm (to R)"; but
     * "bf 120ml" alone is asked about (a session, or bottle-fed?) */
    if (unit_amount && !c.bare && !c.timed && !c.each && !ctx->range &&
        !(ctx->nurse && c.sides) && (words || !ctx->nurse))
        return LINE_NOT_SESSION;
    /* a kind of milk makes a bottle of the rest: "R 110 milk", "60 ebm,
     * to L" (its numbers are amounts again) */
    if (ctx->any_kind && !said && !c.timed && !c.each && !ctx->range)
        return LINE_BOTTLE_AGAIN;
    if (c.each && ctx->amounts) { /* "120ml each side" */
        phrase_fail(ctx, "\"%s\" with an amount: a bottle has no sides; for a nursing "
                    "session give the minutes, like \"10 min each side\"",
                    phrase_quote(ctx, c.each_tok).s);
        return LINE_ASKED;
    }
    if (ctx->nurse || c.breast) return LINE_SESSION;
    /* "breast 15 min", "boob L10": a weak word with the session's details */
    if (ctx->nurse_weak && (c.sides || c.each || c.timed || ctx->range))
        return LINE_SESSION;
    /* "120 R said she was hungry", "gave 90 to L": a letter among words
     * is a person, not a side */
    if (c.sides == 1 && c.letter && !c.glued && words && !c.timed && !c.each && !ctx->range)
        return LINE_BOTTLE_AGAIN;
    if (c.sides >= 2 && (c.bare || c.timed || ctx->range)) return LINE_SESSION; /* "L10 R5" */
    if (c.sides == 1 && c.glued && !words) return LINE_SESSION; /* "L10" */
    if (c.each && (c.bare || c.timed)) return LINE_SESSION; /* "10 min each side" */
    if (c.sides && (c.timed || ctx->range) && !c.bare) return LINE_SESSION; /* "15 min left" */
    if (c.sides && c.bare) { /* "L 90", "left 10", "120 left": minutes, or ml? */
        ask_minutes_or_ml(ctx, c.bare_tok, c.side);
        return LINE_ASKED;
    }
    if ((c.sides || c.each) && ctx->amounts == 1 && ctx->amount_bare) {
        /* "fed on the left for 15" */
        ask_minutes_or_ml(ctx, &ctx->amount, c.side ? c.side : c.each_tok);
        return LINE_ASKED;
    }
    if ((c.sides || c.each) && !ctx->amounts && !ctx->command && ctx->nwords <= 1 &&
        !ctx->durations) { /* "left", "each side" alone */
        phrase_fail(ctx, "\"%s\": for a nursing session, say its minutes, like \"nursed 15 "
                    "min left\"; for a bottle, its amount, like \"120ml\"",
                    phrase_quote(ctx, c.side ? c.side : c.each_tok).s);
        return LINE_ASKED;
    }
    return ctx->nurse_weak || c.bare ? LINE_BOTTLE_AGAIN : LINE_NOT_SESSION;
}

/* A piece's minutes, rounded ("7.5 min" is 8); -1 out of range. */
static int piece_minutes(const phrase_token *t) {
    int64_t micro = t->unit == UNIT_HOURS ? t->micro * 60 : t->micro;
    int64_t minutes = (micro + 500000) / 1000000;
    return minutes >= 1 && minutes <= PHRASE_NURSE_MAX_MINUTES ? (int)minutes : -1;
}

/* Checks what a session cannot have with it; returns 0 when it fails. */
static int nursing_alone(phrase_ctx *ctx) {
    phrase *out = ctx->out;
    int cmd = ctx->command;
    const phrase_token *said = ctx->nurse ? &ctx->nurse_tok : &ctx->pieces[0].tok;
    if (ctx->amounts && ctx->amount_bare) { /* "bf 20": minutes? */
        quoted q = phrase_quote(ctx, &ctx->amount);
        phrase_fail(ctx, "\"%s\" at position %zu: minutes? say \"%s min\", and the side, "
                    "like \"nursed %s min left\"", q.s, phrase_position(ctx, ctx->amount.off),
                    q.s, q.s);
    } else if (ctx->amounts) {
        phrase_fail(ctx, "\"%s\" and \"%s\": a bottle and a nursing session are two "
                    "feedings: send each on its own line, like \"nursed 15 min left\" "
                    "and \"60ml formula\"", phrase_quote(ctx, said).s,
                    phrase_quote(ctx, &ctx->amount).s);
    } else if (ctx->specific_kind) {
        phrase_fail(ctx, "\"%s\" with \"%s\": a nursing session is at the breast; for "
                    "milk in a bottle give its amount, like \"90ml breast milk\"",
                    phrase_quote(ctx, &ctx->kind_tok).s, phrase_quote(ctx, said).s);
    } else if (ctx->both || ctx->each) {
        phrase_fail(ctx, "\"%s\": one baby's nursing session per line, with the baby's name",
                    phrase_quote(ctx, ctx->both ? &ctx->both_tok : &ctx->each_tok).s);
    } else if (cmd == CMD_CORRECT || cmd == CMD_VAGUE) {
        phrase_fail(ctx, "\"%s\": a correction changes only a bottle's amount; to change "
                    "a nursing session, send \"undo\", then the session again",
                    phrase_quote(ctx, &ctx->command_tok).s);
    } else if (cmd == CMD_UNDO || cmd == CMD_HELP || cmd == CMD_TIMEZONE || cmd == CMD_SINCE ||
               cmd == CMD_BABIES || cmd == CMD_UNITS ||
               (ctx->command_tok.slash && cmd != CMD_FEED)) {
        phrase_fail(ctx, "\"%s\" can't be combined with a nursing session; send it on "
                    "its own line", phrase_quote(ctx, &ctx->command_tok).s);
    } else if (phrase_question_with_number(ctx)) {
        /* "L10 last 7 days": a question with a number in it, never a note */
    } else if (ctx->asked_days) {
        phrase_fail(ctx, "\"%s\" at position %zu: a feeding can be placed today or "
                    "yesterday (like \"yesterday 7pm\")", phrase_quote(ctx, &ctx->asked_tok).s,
                    phrase_position(ctx, ctx->asked_tok.off));
    } else if (ctx->questions) {
        phrase_fail(ctx, "a nursing session with \"?\": to record it, send it without the "
                    "question mark; to ask which side is next, \"last\"");
    } else if (ctx->asking) {
        phrase_fail(ctx, "\"%s ...\" sounds like a question: to record a session, send "
                    "it like \"nursed 15 min left\"", phrase_quote(ctx, &ctx->asking_tok).s);
    } else if (out->part != PHRASE_NO_PART && out->time != PHRASE_TIME_CLOCK) {
        phrase_fail(ctx, "\"%s\" without a time: give it, like \"7am\" or "
                    "\"yesterday 9pm\"", phrase_quote(ctx, &ctx->part_tok).s);
    } else if (out->time == PHRASE_TIME_AGO && out->day != PHRASE_NO_DAY) {
        phrase_fail(ctx, "\"%s ago\" can't be combined with \"%s\"",
                    phrase_quote(ctx, &ctx->time_tok).s, phrase_quote(ctx, &ctx->day_tok).s);
    } else if (ctx->pieces_overflow) {
        phrase_fail(ctx, "too many sides and minutes: one session per line, like "
                    "\"L10 R5\"");
    }
    return !ctx->failed;
}

/* "which minutes?": a piece that cannot be paired with a side. */
static void fail_unpaired(phrase_ctx *ctx, const phrase_token *t) {
    phrase_fail(ctx, "\"%s\" at position %zu: which side? say the minutes next to each "
                "side, like \"left 12 right 8\"", phrase_quote(ctx, t).s,
                phrase_position(ctx, t->off));
}

/* Pairs sides and minutes (see the top) into out's sides and minutes. */
static void pair_pieces(phrase_ctx *ctx) {
    phrase *out = ctx->out;
    int n = ctx->npieces, sides = 0, minutes = 0, special = -1, mins[8];
    for (int i = 0; i < n; i++) {
        mins[i] = 0;
        if (ctx->pieces[i].side) {
            sides++;
            if (ctx->pieces[i].side >= SIDE_EACH) special = i;
            continue;
        }
        minutes++;
        mins[i] = piece_minutes(&ctx->pieces[i].tok);
        if (mins[i] < 0) {
            phrase_fail(ctx, "\"%s\" at position %zu: a nursing session's minutes are 1 "
                        "to %d", phrase_quote(ctx, &ctx->pieces[i].tok).s,
                        phrase_position(ctx, ctx->pieces[i].tok.off),
                        PHRASE_NURSE_MAX_MINUTES);
            return;
        }
    }
    int first_m = -1, last_m = -1;
    for (int i = 0; i < n; i++)
        if (!ctx->pieces[i].side) {
            if (first_m < 0) first_m = i;
            last_m = i;
        }
    if (special >= 0) { /* "10 min each side", "both sides 20 min" */
        const phrase_token *t = &ctx->pieces[special].tok;
        if (sides > 1) {
            phrase_fail(ctx, "\"%s\" with another side: say \"10 min each side\", or "
                        "\"left 10 right 10\"", phrase_quote(ctx, t).s);
            return;
        }
        if (minutes > 1) {
            fail_unpaired(ctx, &ctx->pieces[last_m].tok);
            return;
        }
        snprintf(out->sides, sizeof out->sides, "B");
        if (ctx->pieces[special].side == SIDE_EACH) {
            if (!minutes) {
                phrase_fail(ctx, "\"%s\": how many minutes, like \"10 min %s\"",
                            phrase_quote(ctx, t).s, phrase_quote(ctx, t).s);
                return;
            }
            out->left_min = out->right_min = mins[first_m];
            out->minutes = 2 * mins[first_m];
            if (out->minutes > PHRASE_NURSE_MAX_MINUTES)
                phrase_fail(ctx, "a nursing session of %d minutes: at most %d in all; "
                            "check the minutes", out->minutes, PHRASE_NURSE_MAX_MINUTES);
        } else {
            out->minutes = minutes ? mins[first_m] : 0;
        }
        return;
    }
    /* the sides, in order */
    size_t len = 0;
    for (int i = 0; i < n; i++) {
        if (!ctx->pieces[i].side) continue;
        char letter = ctx->pieces[i].side == SIDE_LEFT ? 'L' : 'R';
        if (len && out->sides[len - 1] == letter) {
            phrase_fail(ctx, "\"%s\" at position %zu: the same side twice in a row",
                        phrase_quote(ctx, &ctx->pieces[i].tok).s,
                        phrase_position(ctx, ctx->pieces[i].tok.off));
            return;
        }
        if (len + 1 >= sizeof out->sides) {
            phrase_fail(ctx, "too many sides: one session per line, like \"L10 R5\"");
            return;
        }
        out->sides[len++] = letter;
    }
    out->sides[len] = '\0';
    if (minutes == 0) return;
    if (sides == 0) { /* "bf 20 min" */
        if (minutes > 1) {
            phrase_fail_twice(ctx, "durations", &ctx->pieces[first_m].tok,
                              &ctx->pieces[last_m].tok,
                              " (for each side: \"left 12 right 8\")");
            return;
        }
        out->minutes = mins[first_m];
        return;
    }
    if (minutes == 1 && sides >= 2 && (first_m == 0 || first_m == n - 1)) {
        out->minutes = mins[first_m]; /* "left and right 20 min": in all */
        return;
    }
    /* each minutes with the side it touches, on the side the line began
     * with: "left 12 right 8" (after), "15 min left" (before); a side
     * left without its minutes when others have theirs is asked about
     * ("left 10 right") */
    int before = !ctx->pieces[0].side, paired[8] = {0};
    for (int i = 0; i < n; i++) {
        if (ctx->pieces[i].side) continue;
        int j = before ? i + 1 : i - 1;
        if (j < 0 || j >= n || !ctx->pieces[j].side || paired[j]) {
            fail_unpaired(ctx, &ctx->pieces[i].tok);
            return;
        }
        paired[j] = 1;
        if (ctx->pieces[j].side == SIDE_LEFT) out->left_min += mins[i];
        else out->right_min += mins[i];
    }
    for (int j = 0; j < n; j++)
        if (ctx->pieces[j].side && !paired[j]) {
            phrase_fail(ctx, "\"%s\" at position %zu: how many minutes? say them next to "
                        "each side, like \"left 12 right 8\"",
                        phrase_quote(ctx, &ctx->pieces[j].tok).s,
                        phrase_position(ctx, ctx->pieces[j].tok.off));
            return;
        }
    out->minutes = out->left_min + out->right_min;
    if (out->minutes > PHRASE_NURSE_MAX_MINUTES)
        phrase_fail(ctx, "a nursing session of %d minutes: at most %d in all; check "
                    "the minutes", out->minutes, PHRASE_NURSE_MAX_MINUTES);
}

void phrase_finish_nursing(phrase_ctx *ctx) {
    phrase *out = ctx->out;
    if (!nursing_alone(ctx)) return;
    pair_pieces(ctx);
    if (ctx->failed) return;
    if (out->range && (out->minutes || out->left_min || out->right_min)) {
        phrase_fail(ctx, "\"%s\": give the session's times or its minutes, not both",
                    phrase_quote(ctx, &ctx->range_tok).s);
        return;
    }
    if (!phrase_build_note(ctx, 2)) {
        phrase_fail(ctx, "the note is too long (at most %d bytes)", PHRASE_NOTE_MAX);
        return;
    }
    out->kind = PHRASE_NURSING;
    out->amount_ml = 0;
    out->intent = PHRASE_RECORD;
}
