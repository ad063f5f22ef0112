/* reply.c -- see reply.h. */
#include "reply.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define ELLIPSIS "\xE2\x80\xA6"

void reply_clear(reply_text *r) {
    r->text[0] = '\0';
    r->len = 0;
    r->full = 0;
}

/* Cuts the text back to a character boundary with room for the ellipsis. */
static void cut(reply_text *r) {
    size_t len = sizeof r->text - sizeof ELLIPSIS;
    if (len > r->len) len = r->len;
    while (len > 0 && ((unsigned char)r->text[len] & 0xC0) == 0x80) len--;
    memcpy(r->text + len, ELLIPSIS, sizeof ELLIPSIS);
    r->len = len + sizeof ELLIPSIS - 1;
    r->full = 1;
}

void reply_add(reply_text *r, const char *fmt, ...) {
    if (r->full) return;
    size_t room = sizeof r->text - r->len;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(r->text + r->len, room, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n >= room) {
        r->len = sizeof r->text - 1;
        cut(r);
        return;
    }
    r->len += (size_t)n;
}

void reply_newline(reply_text *r) {
    if (r->len) reply_add(r, "\n");
}

void reply_add_sentence(reply_text *r, const char *text) {
    if (text[0] >= 'a' && text[0] <= 'z')
        reply_add(r, "%c%s", text[0] - 'a' + 'A', text + 1);
    else
        reply_add(r, "%s", text);
}

void reply_add_feeding(reply_text *r, int amount_ml, phrase_kind kind) {
    reply_add(r, "%d ml %s", amount_ml,
              kind == PHRASE_BREASTMILK ? "breast milk" : phrase_kind_name(kind));
}

static const char *const weekdays[] = {"Sun", "Mon", "Tue", "Wed",
                                       "Thu", "Fri", "Sat"};
static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void reply_add_date(reply_text *r, clock_date date) {
    reply_add(r, "%s %d %s", weekdays[clock_weekday(date)], date.day,
              months[(date.month - 1) % 12]);
}

void reply_add_day(reply_text *r, clock_date date, clock_date today) {
    int64_t ago = clock_date_diff(date, today);
    if (ago == 0)
        reply_add(r, "today");
    else if (ago == 1)
        reply_add(r, "yesterday");
    else
        reply_add_date(r, date);
}

void reply_add_day_heading(reply_text *r, clock_date date, clock_date today) {
    size_t start = r->len;
    reply_add_day(r, date, today);
    if (r->len > start && r->text[start] >= 'a' && r->text[start] <= 'z')
        r->text[start] = (char)(r->text[start] - 'a' + 'A');
}

void reply_add_total(reply_text *r, int total_ml, int feeds) {
    if (feeds == 0)
        reply_add(r, "no feeds");
    else
        reply_add(r, "%d ml in %d feed%s", total_ml, feeds, feeds == 1 ? "" : "s");
}

void reply_add_since(reply_text *r, int64_t since_ms) {
    int64_t minutes = since_ms / 60000;
    if (minutes < 1) {
        reply_add(r, "just now");
        return;
    }
    int64_t days = minutes / (24 * 60), hours = minutes / 60 % 24;
    minutes %= 60;
    if (days)
        reply_add(r, "%lldd %lldh ago", (long long)days, (long long)hours);
    else if (hours)
        reply_add(r, "%lldh %lldm ago", (long long)hours, (long long)minutes);
    else
        reply_add(r, "%lldm ago", (long long)minutes);
}
