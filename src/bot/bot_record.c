/* bot_record.c -- recording feedings: a message of one or more lines, its
 * redelivery, and its edits.
 *
 * Every line is parsed and resolved on its own; the valid ones are written
 * in one store call (all or nothing), and the reply says which lines could
 * not be read. A redelivered message records nothing and gets the same
 * answer: the running total it shows counts only feedings entered up to that
 * message, so it does not change when the same message comes again. */
#include "bot_internal.h"
#include "bot_lines.h"
#include "util/utf8.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    int line;
    char message[PHRASE_MESSAGE_MAX + 1];
} line_error;

typedef struct {
    store_feeding feeds[STORE_MESSAGE_MAX_FEEDINGS];
    size_t count;
    line_error errors[BOT_MAX_LINES + 1];
    int nerrors;
    int lines;         /* non-blank lines read */
    int overflow_line; /* first line not read (past BOT_MAX_LINES), or 0 */
} parsed_message;

/* Error lines shown in one reply; the rest are counted. */
#define SHOWN_ERRORS 8

static void add_error(parsed_message *pm, int line, const char *message) {
    line_error *e = &pm->errors[pm->nerrors++];
    e->line = line;
    snprintf(e->message, sizeof e->message, "%s", message);
}

static void fill_feeding(bot_turn *t, const bot_line *line, const resolved *r,
                         const char *baby, int place, store_feeding *f) {
    const bot_message *m = t->msg;
    memset(f, 0, sizeof *f);
    f->chat_id = m->chat_id;
    f->message_id = m->message_id;
    f->line = line->number + place * BABY_LINE_STEP;
    snprintf(f->baby, sizeof f->baby, "%.*s", STORE_BABY_MAX - 1, baby);
    f->from_id = m->from_id;
    f->sent_ms = m->now_ms;
    f->at_ms = r->at_ms;
    memcpy(f->at, r->at, sizeof f->at);
    memcpy(f->day, r->day, sizeof f->day);
    f->amount_ml = r->amount_ml;
    f->kind = r->kind;
    memcpy(f->sides, r->sides, sizeof f->sides);
    f->left_min = r->left_min;
    f->right_min = r->right_min;
    f->minutes = r->minutes;
    memcpy(f->note, r->note, sizeof f->note);
    /* names and lines longer than the fields are cut at a character */
    utf8_copy_clean(f->who, sizeof f->who, m->who ? m->who : "",
                    m->who ? strlen(m->who) : 0);
    utf8_copy_clean(f->text, sizeof f->text, line->text, line->len);
    f->entered_at_ms = m->entered_ms;
}

static void parse_message(bot_turn *t, parsed_message *pm) {
    bot_lines lines;
    memset(pm, 0, offsetof(parsed_message, errors));
    pm->nerrors = 0;
    bot_lines_split(t->msg->text, t->msg->len, &lines);
    pm->lines = lines.count;
    for (int i = 0; i < lines.count; i++) {
        phrase p;
        resolved r;
        phrase_parse(lines.items[i].text, lines.items[i].len, &p);
        resolve_phrase(&p, t->zone, t->msg->now_ms, &r);
        if (r.intent == PHRASE_ERROR) {
            add_error(pm, lines.items[i].number, r.message);
        } else if (r.intent != PHRASE_RECORD) {
            add_error(pm, lines.items[i].number,
                      "that is a question or a command, not a feeding: "
                      "send it on its own");
        } else {
            char whose[STORE_BABIES_MAX][STORE_BABY_MAX], error[PHRASE_MESSAGE_MAX];
            int n;
            if (bot_babies_whose(&t->babies, r.both, r.note, whose, &n, error,
                                 sizeof error) != 0) {
                if (r.kind == PHRASE_NURSING) /* its example, not a bottle's */
                    snprintf(error, sizeof error, "whose session? Name one baby in the "
                             "line, like \"nursed 10 min left %s\"", t->babies.names[0]);
                add_error(pm, lines.items[i].number, error);
            } else if (pm->count + (size_t)n > STORE_MESSAGE_MAX_FEEDINGS) {
                add_error(pm, lines.items[i].number,
                          "too many feedings in one message (at most 24)");
            } else {
                for (int k = 0; k < n; k++)
                    fill_feeding(t, &lines.items[i], &r, whose[k], k, &pm->feeds[pm->count++]);
            }
        }
    }
    pm->overflow_line = lines.overflow_line;
}

static void add_errors(bot_turn *t, const parsed_message *pm) {
    reply_text *r = &t->out->reply;
    for (int i = 0; i < pm->nerrors && i < SHOWN_ERRORS; i++) {
        reply_newline(r);
        reply_add(r, "\xE2\x9A\xA0\xEF\xB8\x8F Line %d not recorded: %s",
                  pm->errors[i].line, pm->errors[i].message);
    }
    if (pm->nerrors > SHOWN_ERRORS) {
        reply_newline(r);
        reply_add(r, "\xE2\x9A\xA0\xEF\xB8\x8F %d more lines not recorded",
                  pm->nerrors - SHOWN_ERRORS);
    }
    if (pm->overflow_line) {
        reply_newline(r);
        reply_add(r, "\xE2\x9A\xA0\xEF\xB8\x8F Lines from %d on not read: "
                  "a message is read up to %d lines", pm->overflow_line,
                  BOT_MAX_LINES);
    }
}

/* The feedings' lines and the running total of each day they fall on. */
static int reply_recorded(bot_turn *t, const store_feeding *feeds, size_t n,
                          int upto_entry, const parsed_message *pm) {
    reply_text *r = &t->out->reply;
    /* the message's last line (NULL: count the whole day) */
    const store_feeding *upto = NULL;
    for (size_t i = 0; upto_entry && i < n; i++)
        if (upto == NULL || store_entry_cmp(&feeds[i], upto) > 0) upto = &feeds[i];

    clock_date days[STORE_MESSAGE_MAX_FEEDINGS];
    size_t ndays = 0;
    for (size_t i = 0; i < n; i++) {
        clock_local at;
        bot_local(t, feeds[i].at_ms, &at);
        size_t d = 0;
        while (d < ndays && clock_date_cmp(days[d], at.date) != 0) d++;
        if (d == ndays) days[ndays++] = at.date;
    }

    for (size_t i = 0; i < n; i++) {
        if (i > 0) reply_newline(r); /* the first continues the reply */
        bot_add_feeding_line(t, &feeds[i]);
    }
    for (size_t d = 0; d < ndays; d++) {
        bot_day day;
        if (bot_day_total(t, days[d], upto, &day) != BOT_OK)
            return bot_store_failed(t);
        if (n == 1) {
            reply_add(r, " \xE2\x80\x94 "); /* — */
            reply_add_day(r, days[d], t->today);
            reply_add(r, " ");
        } else {
            reply_newline(r);
            reply_add_day_heading(r, days[d], t->today);
            reply_add(r, ": ");
        }
        bot_add_day_total(t, &day);
        bot_add_split(t, day.baby_ml);
    }
    if (pm) add_errors(t, pm);
    return BOT_OK;
}

/* No line was a feeding: say why, with an example. */
static int reply_nothing(bot_turn *t, const parsed_message *pm,
                         const char *intro) {
    reply_text *r = &t->out->reply;
    if (pm->nerrors == 1 && pm->lines <= 1 && !pm->overflow_line) {
        reply_add(r, "\xF0\x9F\xA4\x94 %s", intro);
        if (intro[0])
            reply_add(r, "%s", pm->errors[0].message);
        else
            reply_add_sentence(r, pm->errors[0].message);
        bot_add_example(r, pm->errors[0].message);
        return BOT_OK;
    }
    reply_add(r, "\xF0\x9F\xA4\x94 %sNothing recorded.", intro);
    add_errors(t, pm);
    reply_newline(r);
    reply_add(r, "Try \"12pm 120ml milk\", one feeding per line, or \"help\".");
    return BOT_OK;
}

/* The reply's Undo button: the first feeding, and for a "both" line the
 * other babies' feedings of that line too (BABY_LINE_STEP apart). */
static void set_first(bot_turn *t, const store_feeding *feeds, size_t n) {
    bot_result *out = t->out;
    out->first_message_id = feeds[0].message_id;
    out->first_line = feeds[0].line;
    out->first_at_ms = feeds[0].at_ms;
    out->first_babies = 1;
    for (size_t i = 1; i < n; i++)
        if (feeds[i].line % BABY_LINE_STEP == feeds[0].line &&
            feeds[i].line / BABY_LINE_STEP == out->first_babies)
            out->first_babies++;
}

int bot_record(bot_turn *t) {
    parsed_message pm;
    parse_message(t, &pm);
    if (pm.count == 0) return reply_nothing(t, &pm, "");

    size_t n = pm.count;
    int already;
    if (t->bot->store->ops->add_message(t->bot->store, t->msg->family, pm.feeds,
                                        &n, &already, t->err) != STORE_OK)
        return bot_store_failed(t);
    if (!already) t->out->recorded = (int)n;
    if (n) { /* a redelivery answers with the same Undo button */
        set_first(t, pm.feeds, n);
    }
    if (n == 0) {
        reply_add(&t->out->reply, "That message was recorded before, and its "
                  "feedings have been undone since.");
        return BOT_OK;
    }
    return reply_recorded(t, pm.feeds, n, 1, &pm);
}

int64_t bot_edit_time(const bot_message *m) {
    return m->edit_ms > 0 ? m->edit_ms : m->entered_ms;
}

int bot_edit(bot_turn *t) {
    parsed_message pm;
    store_list old = {0};
    reply_text *r = &t->out->reply;
    int stale = 0;
    parse_message(t, &pm);
    if (t->bot->store->ops->replace_message(t->bot->store, t->msg->family,
                                            t->msg->chat_id, t->msg->message_id,
                                            t->msg->edit_ms,
                                            pm.feeds, pm.count, &old, &stale,
                                            t->err) != STORE_OK) {
        store_list_free(&old);
        return bot_store_failed(t);
    }
    int status = BOT_OK;
    if (stale) {
        /* a late copy of an edit older than the one applied: it changed
         * nothing, and the message reads as its newest edit made it */
        if (old.count) {
            set_first(t, old.items, old.count);
            reply_add(r, "\xE2\x9C\x8F\xEF\xB8\x8F Updated:"); /* ✏️ */
            reply_add(r, old.count == 1 ? " " : "\n");
            status = reply_recorded(t, old.items, old.count, 0, NULL);
        } else {
            reply_add(r, "\xE2\x9C\x8F\xEF\xB8\x8F Updated: that message has no "
                      "feeding now.");
        }
    } else if (pm.count) {
        t->out->edit_changed = 1;
        /* the full day total is an edit's running total: it is
         * answered now */
        t->out->recorded = (int)pm.count;
        set_first(t, pm.feeds, pm.count);
        reply_add(r, "\xE2\x9C\x8F\xEF\xB8\x8F Updated:"); /* ✏️ */
        reply_add(r, pm.count == 1 ? " " : "\n");
        status = reply_recorded(t, pm.feeds, pm.count, 0, &pm);
    } else if (old.count) {
        t->out->edit_changed = 1;
        reply_add(r, "\xE2\x9C\x8F\xEF\xB8\x8F Updated: that message no longer "
                  "has a feeding, so I removed it:");
        for (size_t i = 0; i < old.count; i++) {
            reply_newline(r);
            bot_add_feeding_line(t, &old.items[i]);
        }
        bot_day day;
        clock_local at;
        bot_local(t, old.items[0].at_ms, &at);
        if (bot_day_total(t, at.date, NULL, &day) != BOT_OK) {
            status = bot_store_failed(t);
        } else {
            reply_newline(r);
            reply_add_day_heading(r, at.date, t->today);
            reply_add(r, ": ");
            bot_add_day_total(t, &day);
            add_errors(t, &pm);
        }
    } else {
        status = reply_nothing(t, &pm, "That edit has no feeding: ");
    }
    store_list_free(&old);
    return status;
}
