/* phrase.h -- what a parent typed, as a small plain tree (the AST).
 *
 * phrase_parse() turns one line of text into a `phrase`: the intent and the
 * pieces that were written (amount, kind, clock time, day word, ...). It
 * knows no clock and no time zone: turning "yesterday 7:30" into an instant is
 * the resolver's job (src/clock/). The language is specified by
 * grammar/phrase_lexer.re (words → tokens) and grammar/phrase_grammar.y
 * (tokens → this struct); docs/phrases.md describes it for its users.
 *
 * The struct owns all its text (fixed buffers), so it outlives the input and
 * needs no freeing. */
#ifndef MILKBOT_PHRASE_H
#define MILKBOT_PHRASE_H

#include <stddef.h>

typedef enum {
    PHRASE_ERROR = 0, /* not understood: see `message` */
    PHRASE_RECORD,    /* a feeding to record */
    PHRASE_TOTAL,     /* the total of one day */
    PHRASE_LAST,      /* when was the last feeding */
    PHRASE_WEEK,      /* the 7 local days ending today */
    PHRASE_UNDO,      /* remove the most recently entered feeding */
    PHRASE_TIMEZONE,  /* show, or set when `zone` is non-empty, the zone */
    PHRASE_HELP,
    PHRASE_GREETING,  /* "hello", "thanks", "night night": see `greeting` */
    PHRASE_SINCE,     /* the last `hours` hours: "last 24 hours" */
    PHRASE_BABIES,    /* show, or set when `note` names them, the babies */
    PHRASE_CORRECT,   /* the last entry's amount becomes `amount_ml`
                         ("make that 110"); `was_ml` when given */
    PHRASE_UNITS,     /* show, or set when `units` is not 0, the units */
    /* What the bot says on its own (#17): see `schedule` */
    PHRASE_REMIND,    /* "remind me in 3h", "remind 2:30am", "remind every
                         3h", "stop reminders", "reminders" */
    PHRASE_ALERT,     /* "alert 4h", "alert off", "alert" */
    PHRASE_SUMMARY,   /* "summary at 8pm", "summary off", "summary" */
    PHRASE_NEXT       /* "next": when the next feed is likely */
} phrase_intent;

/* What a PHRASE_REMIND, PHRASE_ALERT or PHRASE_SUMMARY asks. */
typedef enum {
    PHRASE_SCHEDULE_SHOW = 0, /* "reminders", "alert", "summary": what is set */
    PHRASE_SCHEDULE_IN,       /* "remind me in 3h": schedule_minutes from now;
                                 "alert 4h": after schedule_minutes without a
                                 feed */
    PHRASE_SCHEDULE_AT,       /* "remind 2:30am", "summary at 8pm": the clock
                                 time in hour/minute/clock (time is
                                 PHRASE_TIME_CLOCK), the next one to come */
    PHRASE_SCHEDULE_EVERY,    /* "remind every 3h": every schedule_minutes */
    PHRASE_SCHEDULE_OFF       /* "stop reminders", "alert off", "summary off" */
} phrase_schedule;

/* The bounds of what a schedule may say, in minutes. */
#define PHRASE_REMIND_IN_MAX (24 * 60)   /* "remind me in" 1 min .. 24 h */
#define PHRASE_REMIND_EVERY_MIN 30       /* "remind every" 30 min .. 12 h */
#define PHRASE_REMIND_EVERY_MAX (12 * 60)
#define PHRASE_ALERT_MIN 30              /* "alert" 30 min .. 24 h */
#define PHRASE_ALERT_MAX (24 * 60)

/* The units a family's replies use (PHRASE_UNITS): input is read in
 * either, always. */
typedef enum { PHRASE_UNITS_ASK = 0, PHRASE_UNITS_ML, PHRASE_UNITS_OZ } phrase_units;

typedef enum {
    PHRASE_HELLO = 1,
    PHRASE_THANKS,
    PHRASE_GOODNIGHT
} phrase_greeting;

/* What was fed: milk from a bottle (of some kind), or a nursing session
 * at the breast (#16: sides and minutes, no amount). */
typedef enum {
    PHRASE_MILK = 0,
    PHRASE_FORMULA,
    PHRASE_BREASTMILK,
    PHRASE_NURSING
} phrase_kind;

typedef enum { PHRASE_NO_DAY = 0, PHRASE_TODAY, PHRASE_YESTERDAY } phrase_day;

typedef enum {
    PHRASE_NO_PART = 0,
    PHRASE_MORNING,   /* bare hour read as am */
    PHRASE_AFTERNOON, /* bare hour read as pm */
    PHRASE_EVENING,   /* pm */
    PHRASE_TONIGHT,   /* pm */
    PHRASE_LAST_NIGHT /* pm for 6-11, am for 12-5 */
} phrase_part;

typedef enum {
    PHRASE_TIME_NONE = 0, /* no time given: now (rule 1) */
    PHRASE_TIME_CLOCK,    /* a clock time: see hour/minute/clock_* */
    PHRASE_TIME_NOW,      /* the word "now" */
    PHRASE_TIME_AGO       /* N minutes ago: see ago_minutes */
} phrase_time;

/* How a clock time was written, which decides how it is read. */
typedef enum {
    PHRASE_CLOCK_AS_WRITTEN = 0, /* 24-hour: 19:45, 07:30, 7h30, 0:30, noon */
    PHRASE_CLOCK_AM,             /* 7am: hour is 1-12 as typed */
    PHRASE_CLOCK_PM,             /* 7pm */
    PHRASE_CLOCK_BARE            /* 7, 7:30: hour 1-12, am or pm unknown */
} phrase_clock;

#define PHRASE_NOTE_MAX 240    /* bytes of note text kept (UTF-8) */
#define PHRASE_ZONE_MAX 64     /* bytes of a time zone argument */
#define PHRASE_MESSAGE_MAX 200 /* bytes of an error message */
#define PHRASE_AMOUNT_MIN_ML 1
#define PHRASE_AMOUNT_MAX_ML 1000
/* A nursing session: at most this many minutes in all (a longer one is a
 * typo far more often than a feed), and sides as in store.h's `sides`. */
#define PHRASE_NURSE_MAX_MINUTES 180
#define PHRASE_SIDES_MAX 8

/* How far back a phrase may place a feeding from the message that says
 * it: "yesterday" at its first minute, sent at today's last, when
 * yesterday had 25 hours (48:59), or "48 hours ago". The resolver refuses
 * anything further back (no valid phrase reaches it), and the stores
 * derive from it how far back a message's own feedings can lie. */
#define PHRASE_REACH_MS (49LL * 3600 * 1000)
/* "N ago" at most: within the reach */
#define PHRASE_AGO_MAX_MINUTES (48 * 60)

typedef struct {
    phrase_intent intent;

    /* PHRASE_RECORD */
    int amount_ml;
    phrase_kind kind;
    phrase_time time;
    phrase_clock clock;
    int hour, minute;  /* PHRASE_TIME_CLOCK */
    int ago_minutes;   /* PHRASE_TIME_AGO */
    phrase_day day;    /* also PHRASE_TOTAL's day (none means today) */
    phrase_part part;
    int both;          /* "both 60ml each": the amount for each baby */

    /* A nursing session (kind PHRASE_NURSING, amount_ml 0): the sides in
     * the order nursed ("L", "R", "LR", "RL", "LRL"; "B": both, in an order
     * not said; "": not said), the minutes on each side and in all (0:
     * not said). A time range ("nursed 2:10-2:35 left") starts at the
     * clock time above and ends at end_hour:end_minute (`range` set): the
     * resolver counts its minutes, on the zone's clock. */
    char sides[PHRASE_SIDES_MAX];
    int left_min, right_min, minutes;
    int range;
    int end_hour, end_minute;
    phrase_clock end_clock;

    phrase_units units; /* PHRASE_UNITS */

    /* PHRASE_REMIND, PHRASE_ALERT, PHRASE_SUMMARY. AT keeps time, clock,
     * hour, minute and part as a feeding's clock time ("remind me at 7
     * tonight": 7, PHRASE_CLOCK_BARE, PHRASE_TONIGHT); day is never set
     * (a day with a schedule is an error). */
    phrase_schedule schedule;
    int schedule_minutes;  /* PHRASE_SCHEDULE_IN and _EVERY, within the
                              intent's bounds below; 0 otherwise */

    phrase_greeting greeting; /* PHRASE_GREETING */

    /* What the line says in milkbot's vocabulary, whatever the intent,
     * from every token of the line (also those after an error): whether
     * it has an amount with its unit (or a unit), a command word (not a
     * greeting, nor a word that is a command only beside an amount: "no",
     * "sorry", "spilled"), or a /command milkbot does not have; and how
     * many of its words are none of milkbot's (a note's, or ones a
     * question passes over: "yesterday was rough"; not counted: filler
     * such as "how much did", the words a feeding is told with, "gave
     * him", and emoji). In a group the bot answers a
     * line only when these show it is meant for it (bot_is_chatter). */
    int said_unit;
    int said_command;
    int unknown_command;
    int words;

    /* PHRASE_CORRECT: the amount the correction replaces, when the parent
     * said it ("not 120, 100"; 0: not said). amount_ml is the new one. */
    int was_ml;

    /* PHRASE_TOTAL: the day asked about, when not today or yesterday (at
     * most one is set; the resolver finds the date) */
    int weekday;                         /* 1-7, Sunday = 1; 0: none */
    int this_week;                       /* "this monday": today counts */
    int days_ago;                        /* "3 days ago"; 0: none */
    int date_day, date_month, date_year; /* a date; year 0: the latest */

    /* PHRASE_SINCE */
    int hours;

    /* The text buffers come last (the parser clears only what precedes
     * them, and their first bytes). */
    char note[PHRASE_NOTE_MAX + 1]; /* other words, in order; "" if none;
                                       PHRASE_BABIES: the names given */

    /* PHRASE_TIMEZONE: the zone as typed (empty when only asking) */
    char zone[PHRASE_ZONE_MAX + 1];

    /* PHRASE_ERROR: what was not understood, and where */
    char message[PHRASE_MESSAGE_MAX + 1];
} phrase;

/* Parse `len` bytes at `text` (any bytes: NUL, invalid UTF-8 and very long
 * lines are safe) into *out. Never fails: a phrase that is not understood
 * becomes PHRASE_ERROR with a message saying what and where. Does not
 * allocate. */
void phrase_parse(const char *text, size_t len, phrase *out);

/* Names used in JSON and messages. */
const char *phrase_intent_name(phrase_intent intent);
const char *phrase_kind_name(phrase_kind kind);

#endif
