/* bot.c -- the bot core: sets up a message's context (the family's zone, its
 * local today) and dispatches on what the message asks. Recording lives in
 * bot_record.c, answers in bot_report.c. */
#include "bot_internal.h"
#include "bot_lines.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bot *bot_new(store *s, const char *default_tz, char *err, size_t errlen) {
    char id[CLOCK_ZONE_ID_MAX];
    if (clock_zone_canonical(default_tz, id, sizeof id, err, errlen) != 0)
        return NULL;
    bot *b = calloc(1, sizeof *b);
    if (b == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    b->store = s;
    memcpy(b->default_tz, id, sizeof id);
    return b;
}

void bot_free(bot *b) {
    if (b == NULL) return;
    for (int i = 0; i < ZONE_CACHE_SIZE; i++) clock_zone_close(b->zones[i].zone);
    free(b);
}

/* The open zone for a canonical id, from the cache or newly opened. */
static clock_zone *zone_get(bot *b, const char *id) {
    for (int i = 0; i < ZONE_CACHE_SIZE; i++)
        if (b->zones[i].zone && strcmp(b->zones[i].id, id) == 0)
            return b->zones[i].zone;
    char err[256];
    clock_zone *zone = clock_zone_open(id, err, sizeof err);
    if (zone == NULL) return NULL;
    int slot = b->next_zone;
    b->next_zone = (b->next_zone + 1) % ZONE_CACHE_SIZE;
    clock_zone_close(b->zones[slot].zone);
    b->zones[slot].zone = zone;
    snprintf(b->zones[slot].id, sizeof b->zones[slot].id, "%s", id);
    return zone;
}

void bot_local(bot_turn *t, int64_t at_ms, clock_local *out) {
    clock_to_local(t->zone, at_ms, out);
}

int bot_day_total(bot_turn *t, clock_date date, const store_feeding *upto,
                  bot_day *d) {
    store_list list = {0};
    memset(d, 0, sizeof *d);
    d->from_ms = clock_from_local(t->zone, date, 0, 0);
    d->to_ms = clock_from_local(t->zone, clock_date_add(date, 1), 0, 0);
    if (t->bot->store->ops->list_range(t->bot->store, t->msg->family,
                                       d->from_ms, d->to_ms, &list,
                                       t->err) != STORE_OK) {
        store_list_free(&list);
        return BOT_STORE_FAILED;
    }
    for (size_t i = 0; i < list.count; i++) {
        if (upto && store_entry_cmp(&list.items[i], upto) > 0) continue;
        bot_day_count(t, d, &list.items[i]);
    }
    store_list_free(&list);
    return BOT_OK;
}

int bot_set_default_units(bot *b, const char *units, char *err, size_t errlen) {
    if (strcasecmp(units, "ml") != 0 && strcasecmp(units, "oz") != 0) {
        snprintf(err, errlen, "units must be ml or oz, not \"%.40s\"", units);
        return -1;
    }
    b->default_oz = strcasecmp(units, "oz") == 0;
    return 0;
}

void bot_day_count(bot_turn *t, bot_day *d, const store_feeding *f) {
    int i = bot_babies_index(&t->babies, f->baby);
    if (f->kind == PHRASE_NURSING) { /* no amount: counted on their own */
        d->sessions++;
        d->minutes += f->minutes;
        return;
    }
    d->total_ml += f->amount_ml;
    d->feeds++;
    d->baby_ml[i] += f->amount_ml;
    d->baby_feeds[i]++;
}

void bot_add_whose(bot_turn *t, const store_feeding *f) {
    if (t->babies.count >= 2 && f->baby[0]) reply_add(&t->out->reply, " for %s", f->baby);
}

void bot_add_split(bot_turn *t, const int *baby_ml) {
    int any = 0;
    for (int i = 0; i <= t->babies.count && i <= STORE_BABIES_MAX; i++) any |= baby_ml[i] != 0;
    if (t->babies.count < 2 || !any) return; /* no bottles to split: sessions only */
    reply_text *r = &t->out->reply;
    reply_add(r, " (");
    for (int i = 0; i < t->babies.count; i++) {
        reply_add(r, "%s%s ", i ? " \xC2\xB7 " : "", t->babies.names[i]);
        reply_add_amount(r, baby_ml[i]);
    }
    if (baby_ml[t->babies.count]) { /* from before they were named */
        reply_add(r, " \xC2\xB7 not named ");
        reply_add_amount(r, baby_ml[t->babies.count]);
    }
    reply_add(r, ")");
}

void bot_add_feed(bot_turn *t, const store_feeding *f) {
    if (f->kind == PHRASE_NURSING)
        reply_add_session(&t->out->reply, f->sides, f->left_min, f->right_min, f->minutes);
    else
        reply_add_feeding(&t->out->reply, f->amount_ml, f->kind);
}

void bot_add_day_total(bot_turn *t, const bot_day *d) {
    reply_add_total(&t->out->reply, d->total_ml, d->feeds, d->sessions, d->minutes);
}

int bot_store_failed(bot_turn *t) {
    reply_clear(&t->out->reply);
    reply_add(&t->out->reply,
              "\xE2\x9A\xA0\xEF\xB8\x8F Couldn't reach the feeding log (%s). "
              "Nothing was changed; please send that again.",
              t->err);
    t->out->recorded = 0;
    snprintf(t->out->error, sizeof t->out->error, "%s", t->err);
    return BOT_STORE_FAILED;
}

void bot_add_example(reply_text *r, const char *message) {
    /* a message that already shows what to type needs no second example */
    if (strstr(message, "like \"") || strstr(message, "(try /help)"))
        reply_add(r, ".");
    else
        reply_add(r, ". Try \"12pm 120ml milk\", or \"help\".");
}

void bot_add_feeding_line(bot_turn *t, const store_feeding *f) {
    reply_text *r = &t->out->reply;
    clock_local at;
    bot_local(t, f->at_ms, &at);
    /* 🍼 a bottle, 🤱 nursing */
    reply_add(r, f->kind == PHRASE_NURSING ? "\xF0\x9F\xA4\xB1 " : "\xF0\x9F\x8D\xBC ");
    bot_add_feed(t, f);
    bot_add_whose(t, f);
    reply_add(r, " at %02d:%02d", at.hour, at.minute);
    if (clock_date_cmp(at.date, t->today) != 0) {
        reply_add(r, " ");
        reply_add_day(r, at.date, t->today);
    }
    if (f->note[0]) reply_add(r, " (%s)", f->note);
}

/* Starts a message's context: the family's zone and local today. */
int bot_begin_turn(bot *b, const bot_message *m, bot_result *out, bot_turn *t) {
    store_settings settings;
    memset(out, 0, sizeof *out);
    reply_clear(&out->reply);
    memset(t, 0, sizeof *t);
    t->bot = b;
    t->msg = m;
    t->out = out;
    if (b->store->ops->get_settings(b->store, m->family, m->now_ms, &settings,
                                    t->err) != STORE_OK)
        return bot_store_failed(t);
    bot_babies_from_list(settings.babies, &t->babies);
    out->reply.oz = settings.units[0] ? strcmp(settings.units, "oz") == 0 : b->default_oz;
    t->units_chosen = settings.units[0] != '\0';
    t->zone = settings.tz[0] ? zone_get(b, settings.tz) : NULL;
    t->tz_is_default = t->zone == NULL;
    if (t->zone == NULL) t->zone = zone_get(b, b->default_tz);
    if (t->zone == NULL) {
        snprintf(t->err, sizeof t->err, "time zone data is missing");
        return bot_store_failed(t);
    }
    t->tz = clock_zone_id(t->zone);
    clock_local now;
    bot_local(t, m->edited ? bot_edit_time(m) : m->now_ms, &now);
    t->today = now.date;
    return BOT_OK;
}

int bot_handle(bot *b, const bot_message *m, bot_result *out) {
    bot_turn t;
    if (bot_begin_turn(b, m, out, &t) != BOT_OK) return BOT_STORE_FAILED;
    if (m->edited) return bot_edit(&t);

    /* A message of several lines is several feedings. */
    bot_lines lines;
    bot_lines_split(m->text, m->len, &lines);
    if (lines.count > 1) return bot_record(&t);

    phrase p;
    resolved r;
    const char *text = lines.count ? lines.items[0].text : "";
    size_t len = lines.count ? lines.items[0].len : 0;
    phrase_parse(text, len, &p);
    resolve_phrase(&p, t.zone, m->now_ms, &r);
    switch (r.intent) {
    case PHRASE_RECORD: return bot_record(&t);
    case PHRASE_TOTAL: return bot_total(&t, &r);
    case PHRASE_SINCE: return bot_since(&t, &r);
    case PHRASE_LAST: return bot_last(&t);
    case PHRASE_WEEK: return bot_week(&t);
    case PHRASE_UNDO: return bot_undo(&t);
    case PHRASE_CORRECT: return bot_correct(&t, &r);
    case PHRASE_TIMEZONE: return bot_timezone(&t, &r);
    case PHRASE_BABIES: return bot_babies_command(&t, &r);
    case PHRASE_UNITS: return bot_units(&t, &r);
    case PHRASE_HELP: return bot_help(&t);
    case PHRASE_GREETING: return bot_greeting(&t, r.greeting);
    case PHRASE_REMIND: return bot_remind(&t, &r);
    case PHRASE_ALERT: return bot_alert(&t, &r);
    case PHRASE_SUMMARY: return bot_summary(&t, &r);
    case PHRASE_NEXT: return bot_next(&t);
    default:
        reply_add(&out->reply, "\xF0\x9F\xA4\x94 "); /* 🤔 */
        reply_add_sentence(&out->reply, r.message);
        bot_add_example(&out->reply, r.message);
        return BOT_OK;
    }
}

/* Whether one line, in a group and not addressed to the bot, is for it:
 * nothing but milkbot's words (and filler), saying a feeding with its
 * unit or asking with a command word. Never an undo or a correction,
 * which change what is stored: "oops, I dropped the phone" and "make it
 * 150ml for Tom" are the family's talk; nor a change of time zone. A line
 * that tries a feeding but is wrong ("120ml 90ml") is answered with its
 * question. */
static int line_for_the_bot(const phrase *p, int words) {
    if (words > 0) return 0;
    switch (p->intent) {
    case PHRASE_RECORD:
    case PHRASE_ERROR: return p->said_unit;
    case PHRASE_TOTAL:
    case PHRASE_SINCE:
    case PHRASE_LAST:
    case PHRASE_WEEK:
    case PHRASE_HELP: return p->said_command;
    /* asking the zone, yes; changing it ("time zone of grandma is
     * different" would try) only when asked by name */
    case PHRASE_TIMEZONE: return p->said_command && p->zone[0] == '\0';
    case PHRASE_UNITS: return p->said_command && p->units == PHRASE_UNITS_ASK;
    case PHRASE_NEXT: return p->said_command;
    /* asking what is set, yes; setting a reminder, an alert or a summary
     * ("remind me in 3h" said to a partner) only when asked by name */
    case PHRASE_REMIND:
    case PHRASE_ALERT:
    case PHRASE_SUMMARY: return p->said_command && p->schedule == PHRASE_SCHEDULE_SHOW;
    default: return 0; /* undo, corrections, greetings */
    }
}

int bot_is_chatter(const char *text, size_t len) {
    bot_lines lines;
    bot_lines_split(text, len, &lines);
    if (lines.count == 0 || lines.overflow_line) return 1;
    for (int i = 0; i < lines.count; i++) {
        phrase p;
        phrase_parse(lines.items[i].text, lines.items[i].len, &p);
        if (!line_for_the_bot(&p, p.words)) return 1;
    }
    return 0;
}

int bot_is_chatter_in(bot *b, const char *family, int64_t now_ms, const char *text,
                      size_t len, int *chatter, char *err) {
    bot_lines lines;
    int named_only = 0; /* lines for the bot if their words are names */
    *chatter = 1;
    bot_lines_split(text, len, &lines);
    if (lines.count == 0 || lines.overflow_line) return BOT_OK;
    for (int i = 0; i < lines.count; i++) {
        phrase p;
        phrase_parse(lines.items[i].text, lines.items[i].len, &p);
        if (line_for_the_bot(&p, p.words)) continue;
        if (p.intent != PHRASE_RECORD || !line_for_the_bot(&p, 0)) return BOT_OK;
        named_only = 1;
    }
    if (named_only) { /* "120ml Mia": the family's babies are not talk */
        store_settings settings;
        bot_babies babies;
        if (b->store->ops->get_settings(b->store, family, now_ms, &settings, err) !=
            STORE_OK)
            return BOT_STORE_FAILED;
        bot_babies_from_list(settings.babies, &babies);
        for (int i = 0; i < lines.count; i++) {
            phrase p;
            phrase_parse(lines.items[i].text, lines.items[i].len, &p);
            /* "both 60ml each": twins' words too */
            int named = bot_babies_named(&babies, lines.items[i].text, lines.items[i].len) +
                        (babies.count == 2 && p.both ? 2 : 0);
            if (!line_for_the_bot(&p, p.words - named)) return BOT_OK;
        }
    }
    *chatter = 0;
    return BOT_OK;
}

int bot_is_unknown_command(const char *text, size_t len) {
    bot_lines lines;
    bot_lines_split(text, len, &lines);
    if (lines.count == 0) return 0;
    phrase p;
    phrase_parse(lines.items[0].text, lines.items[0].len, &p);
    return p.unknown_command;
}

int bot_undo_feeding(bot *b, const char *family, int64_t chat_id,
                     int64_t message_id, int line, int babies, int64_t at_ms,
                     const char *press, int64_t now_ms, bot_result *out) {
    bot_message m = {.family = family, .chat_id = chat_id,
                     .message_id = message_id, .now_ms = now_ms,
                     .entered_ms = now_ms, .text = ""};
    bot_turn t;
    if (bot_begin_turn(b, &m, out, &t) != BOT_OK) return BOT_STORE_FAILED;
    store_feeding removed[STORE_BABIES_MAX];
    int n = 0;
    if (babies < 1 || babies > STORE_BABIES_MAX || line >= BABY_LINE_STEP) babies = 1;
    for (int k = 0; k < babies; k++) {
        /* each baby's feeding of a "both" line, with a press of its own
         * ("<press>/<k>"), so that the same press again answers alike */
        char each[160];
        int found;
        snprintf(each, sizeof each, k ? "%.100s/%d" : "%.100s", press ? press : "", k);
        if (b->store->ops->remove(b->store, family, chat_id, message_id,
                                  line + k * BABY_LINE_STEP, at_ms, press && press[0] ? each : "",
                                  &removed[n], &found, t.err) != STORE_OK)
            return bot_store_failed(&t);
        n += found;
    }
    if (n == 0) {
        reply_add(&out->reply, "That feeding was already removed.");
        return BOT_OK;
    }
    return bot_report_removed_all(&t, removed, n);
}

int bot_put_back(bot *b, const char *family, int64_t chat_id,
                 int64_t correction_id, const char *press, int64_t now_ms,
                 bot_result *out) {
    bot_message m = {.family = family, .chat_id = chat_id,
                     .message_id = correction_id, .now_ms = now_ms,
                     .entered_ms = now_ms, .text = ""};
    bot_turn t;
    if (bot_begin_turn(b, &m, out, &t) != BOT_OK) return BOT_STORE_FAILED;
    store_feeding now;
    int outcome;
    if (b->store->ops->put_back(b->store, family, chat_id, correction_id,
                                press ? press : "", &now, &outcome,
                                t.err) != STORE_OK)
        return bot_store_failed(&t);
    return bot_report_put_back(&t, outcome, &now);
}
