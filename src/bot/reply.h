/* reply.h -- building the bot's plain-text replies.
 *
 * A reply is plain text (no Markdown or HTML that user text could break),
 * at most BOT_REPLY_MAX bytes: comfortably under Telegram's 4096-character
 * limit, since a character is at least one byte. Appending never overflows;
 * what does not fit is cut at a character boundary and marked with "…". */
#ifndef MILKBOT_REPLY_H
#define MILKBOT_REPLY_H

#include "clock/clock.h"
#include "phrase/phrase.h"

#include <stddef.h>
#include <stdint.h>

#define BOT_REPLY_MAX 4000

typedef struct {
    char text[BOT_REPLY_MAX];
    size_t len;
    int full; /* something was cut */
    int oz;   /* amounts in US fluid ounces, one decimal (the family's
                 units); else in ml. Kept by reply_clear. */
} reply_text;

void reply_clear(reply_text *r);
/* printf-style append. */
void reply_add(reply_text *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends a new line (unless the reply is empty). */
void reply_newline(reply_text *r);

/* `text` with its first letter capitalised (it starts a sentence). */
void reply_add_sentence(reply_text *r, const char *text);
/* "120 ml", or in the reply's units "4.1 oz" */
void reply_add_amount(reply_text *r, int amount_ml);
/* "120 ml milk", "60 ml breast milk" (a bottle) */
void reply_add_feeding(reply_text *r, int amount_ml, phrase_kind kind);
/* A nursing session: "nursing, left 12 min then right 8 min", "nursing,
 * 10 min each side", "nursing, 20 min", "nursing" (see phrase.h's sides) */
void reply_add_session(reply_text *r, const char *sides, int left_min, int right_min,
                       int minutes);
/* "today", "yesterday", or "Thu 26 Nov" for `date` seen from `today` */
void reply_add_day(reply_text *r, clock_date date, clock_date today);
/* The same, starting a sentence: "Today", "Yesterday", "Thu 26 Nov" */
void reply_add_day_heading(reply_text *r, clock_date date, clock_date today);
/* "Thu 26 Nov" always */
void reply_add_date(reply_text *r, clock_date date);
/* "340 ml in 3 feeds", "340 ml in 3 feeds + 2 nursing sessions (35
 * min)", "2 nursing sessions (35 min)", or "no feeds" */
void reply_add_total(reply_text *r, int total_ml, int feeds, int sessions, int minutes);
/* A length of time: "3h", "3h 10m", "45 min" */
void reply_add_duration(reply_text *r, int64_t minutes);
/* "2h 15m ago", "just now", "1d 3h ago" */
void reply_add_since(reply_text *r, int64_t since_ms);

#endif
