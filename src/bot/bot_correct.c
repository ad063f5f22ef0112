/* bot_correct.c -- corrections: "make that 110" changes the amount of the
 * feeding entered last, instead of recording a second one beside it, and
 * the correction's Undo button puts the amount back.
 *
 * The store does the change, exactly once per message (amend_last): a
 * redelivered correction answers as the first time. When the parent said
 * the amount being replaced ("not 120, 100"), the store changes the
 * feeding only if it has that amount, so a correction never lands on a
 * feeding the parent did not mean. Only the amount changes: the feeding
 * keeps its time, kind, note and its place in entry order. */
#include "bot_internal.h"

#include <stdint.h>
#include <stdio.h>

/* " at 03:10", " for Mia at 03:10 yesterday" */
static void add_when(bot_turn *t, const store_feeding *f) {
    reply_text *r = &t->out->reply;
    clock_local at;
    bot_local(t, f->at_ms, &at);
    bot_add_whose(t, f);
    reply_add(r, " at %02d:%02d", at.hour, at.minute);
    if (clock_date_cmp(at.date, t->today) != 0) {
        reply_add(r, " ");
        reply_add_day(r, at.date, t->today);
    }
}

/* " — today 540 ml in 5 feeds", for the day of feeding f. */
static int add_day_total(bot_turn *t, const store_feeding *f) {
    reply_text *r = &t->out->reply;
    clock_local at;
    bot_day day;
    bot_local(t, f->at_ms, &at);
    if (bot_day_total(t, at.date, NULL, &day) != BOT_OK) return bot_store_failed(t);
    reply_add(r, " \xE2\x80\x94 "); /* — */
    reply_add_day(r, at.date, t->today);
    reply_add(r, " ");
    bot_add_day_total(t, &day);
    bot_add_split(t, day.baby_ml);
    return BOT_OK;
}

int bot_correct(bot_turn *t, const resolved *asked) {
    store *st = t->bot->store;
    reply_text *r = &t->out->reply;
    store_feeding before;
    int outcome;
    if (st->ops->amend_last(st, t->msg->family, t->msg->chat_id, t->msg->message_id,
                            t->msg->from_id, asked->amount_ml, asked->was_ml,
                            &before, &outcome, t->err) != STORE_OK)
        return bot_store_failed(t);
    switch (outcome) {
    case STORE_AMEND_NONE: {
        /* the family's others may have entered some: say whose this is */
        store_feeding any;
        int found;
        if (st->ops->latest_before(st, t->msg->family, INT64_MAX / 2, &any, &found,
                                   t->err) != STORE_OK)
            return bot_store_failed(t);
        reply_add(r, found ? "Nothing of yours to change: a correction changes the last "
                             "feeding you entered."
                           : "Nothing to change yet: send a feeding like \"120ml\".");
        return BOT_OK;
    }
    case STORE_AMEND_OTHER:
        reply_add(r, "\xF0\x9F\xA4\x94 The last feeding entered is ");
        reply_add_feeding(r, before.amount_ml, before.kind);
        add_when(t, &before);
        reply_add(r, ", not ");
        reply_add_amount(r, asked->was_ml);
        reply_add(r, ": nothing changed. To change it, send \"make that %dml\".",
                  asked->amount_ml);
        return BOT_OK;
    case STORE_AMEND_NURSING:
        reply_add(r, "\xF0\x9F\xA4\x94 The last feeding you entered is ");
        bot_add_feed(t, &before);
        add_when(t, &before);
        reply_add(r, ": a correction changes a bottle's amount, so nothing changed. "
                  "To change the session, send \"undo\", then the session again.");
        return BOT_OK;
    case STORE_AMEND_GONE:
        reply_add(r, "That feeding was removed or replaced before the "
                  "correction reached it: nothing changed.");
        return BOT_OK;
    default:
        break;
    }
    if (before.amount_ml == asked->amount_ml) {
        reply_add(r, "\xE2\x9C\x8F\xEF\xB8\x8F Already ");
        reply_add_feeding(r, before.amount_ml, before.kind);
        add_when(t, &before);
        reply_add(r, ": nothing changed.");
        return BOT_OK;
    }
    /* "✏️ 120 → 110 ml milk at 03:10 (note) — today 540 ml in 5 feeds" */
    reply_add(r, "\xE2\x9C\x8F\xEF\xB8\x8F ");
    if (r->oz) reply_add_amount(r, before.amount_ml);
    else reply_add(r, "%d", before.amount_ml);
    reply_add(r, " \xE2\x86\x92 ");
    reply_add_feeding(r, asked->amount_ml, before.kind);
    add_when(t, &before);
    if (before.note[0]) reply_add(r, " (%s)", before.note);
    t->out->correction_id = t->msg->message_id;
    return add_day_total(t, &before);
}

int bot_report_put_back(bot_turn *t, int outcome, const store_feeding *now) {
    reply_text *r = &t->out->reply;
    switch (outcome) {
    case STORE_AMEND_DONE:
        reply_add(r, "\xE2\x86\xA9\xEF\xB8\x8F Put back: "); /* ↩️ */
        reply_add_feeding(r, now->amount_ml, now->kind);
        add_when(t, now);
        return add_day_total(t, now);
    case STORE_AMEND_OTHER:
        reply_add(r, "That feeding was changed again since (now ");
        reply_add_feeding(r, now->amount_ml, now->kind);
        reply_add(r, "): nothing put back.");
        return BOT_OK;
    case STORE_AMEND_GONE:
        reply_add(r, "That feeding was removed since: nothing put back.");
        return BOT_OK;
    default:
        reply_add(r, "That correction is too old to put back: send the right "
                  "amount, like \"make that 120ml\".");
        return BOT_OK;
    }
}
