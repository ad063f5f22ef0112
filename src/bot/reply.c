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

void reply_add_amount(reply_text *r, int amount_ml) {
    if (!r->oz) {
        reply_add(r, "%d ml", amount_ml);
        return;
    }
    /* tenths of a US fluid ounce (29.5735 ml), rounded half up, in
     * integers: the same digits on every machine */
    long long tenths = ((long long)amount_ml * 100000 + 147867) / 295735;
    if (tenths == 0 && amount_ml > 0)
        reply_add(r, "<0.1 oz");
    else
        reply_add(r, "%lld.%lld oz", tenths / 10, tenths % 10);
}

void reply_add_feeding(reply_text *r, int amount_ml, phrase_kind kind) {
    reply_add_amount(r, amount_ml);
    reply_add(r, " %s", kind == PHRASE_BREASTMILK ? "breast milk" : phrase_kind_name(kind));
}

static const char *side_name(char side) { return side == 'L' ? "left" : "right"; }

void reply_add_session(reply_text *r, const char *sides, int left_min, int right_min,
                       int minutes) {
    size_t n = strlen(sides);
    reply_add(r, "nursing");
    if (strcmp(sides, "B") == 0) {
        if (left_min && left_min == right_min)
            reply_add(r, ", %d min each side", left_min);
        else if (minutes)
            reply_add(r, ", both sides, %d min", minutes);
        else
            reply_add(r, ", both sides");
        return;
    }
    if (n == 1 || (n == 2 && (left_min || right_min))) {
        /* "left 12 min then right 8 min": each side with its minutes */
        for (size_t i = 0; i < n; i++) {
            int m = sides[i] == 'L' ? left_min : right_min;
            reply_add(r, "%s%s", i ? " then " : ", ", side_name(sides[i]));
            if (m) reply_add(r, " %d min", m);
        }
        if (n == 1 && !left_min && !right_min && minutes) reply_add(r, " %d min", minutes);
        return;
    }
    for (size_t i = 0; i < n; i++) reply_add(r, "%s%s", i ? " then " : ", ", side_name(sides[i]));
    if (n > 2 && (left_min || right_min))
        reply_add(r, " (left %d min, right %d min)", left_min, right_min);
    else if (minutes)
        reply_add(r, ", %d min", minutes);
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

void reply_add_total(reply_text *r, int total_ml, int feeds, int sessions, int minutes) {
    if (feeds == 0 && sessions == 0) {
        reply_add(r, "no feeds");
        return;
    }
    if (feeds) {
        reply_add_amount(r, total_ml);
        reply_add(r, " in %d feed%s", feeds, feeds == 1 ? "" : "s");
    }
    if (sessions) {
        reply_add(r, "%s%d nursing session%s", feeds ? " + " : "", sessions,
                  sessions == 1 ? "" : "s");
        if (minutes) reply_add(r, " (%d min)", minutes);
    }
}

void reply_add_duration(reply_text *r, int64_t minutes) {
    if (minutes < 60)
        reply_add(r, "%lld min", (long long)minutes);
    else if (minutes % 60)
        reply_add(r, "%lldh %lldm", (long long)(minutes / 60), (long long)(minutes % 60));
    else
        reply_add(r, "%lldh", (long long)(minutes / 60));
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
