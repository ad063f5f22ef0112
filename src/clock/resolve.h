/* resolve.h -- a parsed phrase, given now and the chat's zone, becomes a
 * command with real instants and local dates (rules 1-6 of
 * resolve.c; docs/phrases.md, "How a time finds its day").
 *
 * The parser knows no clock; this module knows no words. The result is what
 * the bot acts on and what `milkbot parse` prints. */
#ifndef MILKBOT_RESOLVE_H
#define MILKBOT_RESOLVE_H

#include "clock.h"
#include "phrase/phrase.h"

/* How far after now a feeding may be and still count as past: clocks differ,
 * and "12pm" typed at 11:50 means the bottle being made now. */
#define RESOLVE_FUTURE_TOLERANCE_MS (15 * 60 * 1000)

typedef struct {
    phrase_intent intent;

    /* PHRASE_RECORD, and PHRASE_CORRECT's new amount (with was_ml, the
     * one it replaces when given) */
    int amount_ml;
    int was_ml;
    phrase_kind kind;
    int both;                      /* the amount for each of the babies */
    /* a nursing session (kind PHRASE_NURSING): as in phrase.h; a time
     * range's minutes are counted here, on the zone's clock */
    char sides[PHRASE_SIDES_MAX];
    int left_min, right_min, minutes;
    int64_t at_ms;                 /* the feeding's instant */
    char at[CLOCK_RFC3339_MAX];    /* local RFC 3339, seconds 00 */
    char note[PHRASE_NOTE_MAX + 1]; /* PHRASE_BABIES: the names given */

    /* PHRASE_RECORD and PHRASE_TOTAL: the local date */
    char day[CLOCK_DATE_MAX];

    /* PHRASE_WEEK: 7 local days ending today */
    char from[CLOCK_DATE_MAX], to[CLOCK_DATE_MAX];

    /* PHRASE_GREETING */
    phrase_greeting greeting;

    /* PHRASE_SINCE: the window's start, local RFC 3339, and its length */
    char since[CLOCK_RFC3339_MAX];
    int64_t since_ms;
    int hours;

    /* PHRASE_UNITS */
    phrase_units units;

    /* PHRASE_REMIND, PHRASE_ALERT, PHRASE_SUMMARY (#17): what is asked,
     * its minutes (IN, EVERY), and for IN, AT and EVERY when it is first
     * due. AT is the next time the zone's clocks show hour:minute (24-hour)
     * after now (a bare "7" the next of 7:00 and 19:00; a time the clocks
     * skip moves forward by the gap, 2:30 to 3:30, as a feeding's does; a
     * repeated one is its first); a summary's bare hour is asked. */
    phrase_schedule schedule;
    int schedule_minutes;
    int hour, minute;
    int64_t due_ms;
    char due[CLOCK_RFC3339_MAX]; /* due_ms, local RFC 3339; "" when 0 */

    /* PHRASE_TIMEZONE: the canonical IANA id, "" when only asking */
    char tz[CLOCK_ZONE_ID_MAX];

    /* PHRASE_ERROR */
    char message[PHRASE_MESSAGE_MAX + 1];
} resolved;

/* Resolves `p` at instant `now_ms` in `zone`. Never fails: a phrase that
 * cannot be placed in time (a future feeding, an unknown zone) becomes
 * PHRASE_ERROR with a message. */
void resolve_phrase(const phrase *p, clock_zone *zone, int64_t now_ms,
                    resolved *out);

#endif
