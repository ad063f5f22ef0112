/* phrase_lexer.re -- the words of the feeding phrase language (re2c).
 *
 * Cuts one line into tokens for the grammar. Rules are in the order a reader
 * thinks of them: amounts, times of day, relative times, days, kinds,
 * commands, filler, then plain words. Fixed multi-word phrases ("half an
 * hour", "last night", "how much", "breast milk") are single tokens here, so
 * the grammar never has to guess what "last" or "half" means.
 *
 * Safety on any bytes: the input is a (pointer, length) pair with no NUL
 * terminator. YYPEEK never reads at or past `lim`; it answers 0 there, and the
 * "\x00" rule tells that virtual end from a real NUL byte. Rules that end in a
 * letter carry the trailing context `/ end` (a non-alphanumeric byte, or the
 * virtual end) so that "12 amounts" is not "12 am" + "ounts". */
#include "phrase_internal.h"
#include "phrase_grammar.h"

#include <string.h>

void phrase_lexer_init(phrase_lexer *lx, const char *text, size_t len) {
    lx->start = (const unsigned char *)text;
    lx->cur = lx->start;
    lx->lim = lx->start + len;
    lx->zone_next = 0;
    lx->tokens = 0;
    lx->last = 0;
    lx->schedule = 0;
}

/* Decimal digits at [p, end) with an optional ".fraction" (or ",fraction":
 * the lexer lets a decimal comma through only right before a unit), or a
 * fraction alone (".75"), as millionths. The integer part saturates at
 * PHRASE_NUMBER_CAP; fraction digits past the sixth are dropped except that
 * they still round half up (so 0.4999995 rounds consistently). */
static const unsigned char *lex_micro(const unsigned char *p,
                                      const unsigned char *end,
                                      int64_t *micro, int *integer) {
    int64_t whole = 0;
    while (p < end && *p >= '0' && *p <= '9') {
        if (whole < PHRASE_NUMBER_CAP) whole = whole * 10 + (*p - '0');
        p++;
    }
    if (whole > PHRASE_NUMBER_CAP) whole = PHRASE_NUMBER_CAP;
    int64_t frac = 0, scale = 100000;
    *integer = 1;
    if (p + 1 < end && (*p == '.' || *p == ',') && p[1] >= '0' && p[1] <= '9') {
        *integer = 0;
        p++;
        while (p < end && *p >= '0' && *p <= '9') {
            if (scale > 0) frac += (*p - '0') * scale;
            scale /= 10;
            p++;
        }
    }
    *micro = whole * 1000000 + frac;
    return p;
}

static int lex_is_alpha(unsigned char c) {
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

/* A date: "26 nov", "26th November", "nov 26", "26/11", "26/11/2026".
 * Sets hour = day of the month, minute = month (0 when a numeric date could
 * be day/month or month/day: then `sub` holds the second number), micro =
 * the year (0 when not given). Month names are told apart by their first
 * three letters, which are unique. */
static void lex_date(const unsigned char *p, const unsigned char *end,
                     phrase_token *t) {
    static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
    int numbers[3] = {0, 0, 0}, count = 0, month = 0;
    while (p < end) {
        if (*p >= '0' && *p <= '9') {
            int v = 0;
            while (p < end && *p >= '0' && *p <= '9') v = v * 10 + (*p++ - '0');
            if (count < 3) numbers[count++] = v;
        } else if (lex_is_alpha(*p) && month == 0 && end - p >= 3) {
            for (int m = 0; m < 12 && month == 0; m++)
                if ((p[0] | 0x20) == months[3 * m] && (p[1] | 0x20) == months[3 * m + 1] &&
                    (p[2] | 0x20) == months[3 * m + 2])
                    month = m + 1;
            while (p < end && lex_is_alpha(*p)) p++;
        } else {
            p++;
        }
    }
    if (month) { /* the number is the day ("26th": the ordinal was skipped) */
        t->hour = numbers[0];
        t->minute = month;
        t->micro = count > 1 ? numbers[1] : 0; /* "26 nov 2025" */
    } else { /* day/month, or month/day: the builder decides */
        t->hour = numbers[0];
        t->minute = numbers[1];
        t->sub = 1; /* numeric */
        t->micro = count > 2 ? numbers[2] : 0;
    }
}

/* A clock time: hour digits, an optional [:.h] and two minute digits, then
 * an optional am/pm. The style decides how the hour is read later. */
static void lex_clock(const unsigned char *p, const unsigned char *end,
                      phrase_token *t) {
    const unsigned char *h = p;
    int hour = 0, minute = 0, leading_zero = (*p == '0' && p + 1 < end &&
                                              p[1] >= '0' && p[1] <= '9');
    while (p < end && *p >= '0' && *p <= '9') hour = hour * 10 + (*p++ - '0');
    int h_form = (p < end && (*p | 0x20) == 'h');
    if (p < end && (*p == ':' || *p == '.' || h_form)) {
        p++;
        while (p < end && *p >= '0' && *p <= '9')
            minute = minute * 10 + (*p++ - '0');
    }
    while (p < end && !lex_is_alpha(*p)) p++; /* spaces before am/pm */
    t->hour = hour;
    t->minute = minute;
    if (p < end)
        t->sub = (*p | 0x20) == 'a' ? PHRASE_CLOCK_AM : PHRASE_CLOCK_PM;
    else if (leading_zero || h_form || hour == 0 || hour > 12)
        t->sub = PHRASE_CLOCK_AS_WRITTEN;
    else
        t->sub = PHRASE_CLOCK_BARE;
    (void)h;
}

/* A quantity at [p, end): "120", "2.5", ".75", "2,5", "two", then maybe a
 * fraction ("1/2", "½", "¼", "¾", "⅓", "⅔", "⅛") or "and a half"; or a
 * fraction alone. As millionths; the lexer's patterns guarantee the shape. */
static int64_t lex_quantity(const unsigned char *p, const unsigned char *end) {
    static const char *const words[] = {"one", "two", "three", "four", "five",
                                        "six", "seven", "eight", "nine", "ten"};
    int64_t micro = 0;
    int integer;
    int fraction_only = p + 1 < end && p[1] == '/';
    if (!fraction_only && p < end && ((*p >= '0' && *p <= '9') || *p == '.')) {
        p = lex_micro(p, end, &micro, &integer);
    } else if (p < end && lex_is_alpha(*p)) {
        for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
            size_t n = strlen(words[i]), j = 0;
            while (j < n && p + j < end && (p[j] | 0x20) == words[i][j]) j++;
            if (j == n && (p + n == end || !lex_is_alpha(p[n]))) {
                micro = (int64_t)(i + 1) * 1000000;
                p += n;
                break;
            }
        }
    }
    while (p < end && (*p == ' ' || *p == '\t')) p++;
    if (p + 2 < end && p[0] >= '0' && p[0] <= '9' && p[1] == '/') {
        micro += (int64_t)(p[0] - '0') * 1000000 / (p[2] - '0');
    } else if (p + 1 < end && p[0] == 0xC2) { /* ¼ ½ ¾ */
        micro += p[1] == 0xBC ? 250000 : p[1] == 0xBD ? 500000 : 750000;
    } else if (p + 2 < end && p[0] == 0xE2 && p[1] == 0x85) { /* ⅓ ⅔ ⅛ */
        micro += p[2] == 0x93 ? 333333 : p[2] == 0x94 ? 666667 : 125000;
    } else if (p < end && (*p | 0x20) == 'a') { /* "and a half" */
        micro += 500000;
    }
    return micro;
}

/* After "tz"/"timezone": the rest of the line, trimmed, is the zone (it may
 * hold digits, '+' and '/': "Etc/GMT+5"). Separators and the filler words
 * "to" and "is" before it are skipped, as many as there are ("tz to is
 * Europe/London"). Returns 0 when nothing but punctuation is left. */
static int lex_zone(phrase_lexer *lx, phrase_token *tok) {
    const unsigned char *cur = lx->cur, *lim = lx->lim, *mar = cur;
    const unsigned char *start;
    for (;;) {
        start = cur;
        /*!re2c
        re2c:flags:input = custom;
        re2c:define:YYCTYPE = "unsigned char";
        re2c:api:style = free-form;
        re2c:yyfill:enable = 0;
        re2c:define:YYPEEK = "(cur < lim ? *cur : 0)";
        re2c:define:YYSKIP = "++cur;";
        re2c:define:YYBACKUP = "mar = cur;";
        re2c:define:YYRESTORE = "cur = mar;";
        re2c:define:YYSHIFT = "cur += @@;";

        [ \t:=]+                 { continue; }
        ('to' | 'is') / [ \t]    { continue; }
        *                        { break; }
        */
    }
    const unsigned char *p = start, *end = lim;
    while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' ||
                       end[-1] == '\n' || end[-1] == '.' || end[-1] == ',' ||
                       end[-1] == '!' || end[-1] == '?' || end[-1] == ';'))
        end--;
    (void)mar;
    if (end <= p) return 0;
    tok->off = (uint32_t)(p - lx->start);
    tok->len = (uint32_t)(end - p);
    lx->cur = lx->lim;
    return 1;
}

static int lex_span(phrase_lexer *lx, const unsigned char *at, phrase_token *tok);

static int lex_raw(phrase_lexer *lx, phrase_token *tok) {
    const unsigned char *cur = lx->cur, *lim = lx->lim, *mar = cur;
    const unsigned char *tok_start;

    if (lx->zone_next) {
        lx->zone_next = 0;
        memset(tok, 0, sizeof *tok);
        if (lex_zone(lx, tok)) return TK_ZONE;
    }

    for (;;) {
        tok_start = cur;
        memset(tok, 0, sizeof *tok);
        tok->off = (uint32_t)(cur - lx->start);
        if (lx->schedule && lex_span(lx, cur, tok)) return TK_SPAN;
#define SLASH(cmd)                                                             \
    do {                                                                       \
        tok->sub = (cmd);                                                      \
        tok->slash = 1;                                                        \
        TOKEN(TK_COMMAND);                                                     \
    } while (0)
#define TOKEN(code)                                                            \
    do {                                                                       \
        tok->len = (uint32_t)(cur - tok_start);                                \
        lx->cur = cur;                                                         \
        return (code);                                                         \
    } while (0)
        /*!re2c
        re2c:flags:input = custom;
        re2c:define:YYCTYPE = "unsigned char";
        re2c:api:style = free-form;
        re2c:yyfill:enable = 0;
        re2c:define:YYPEEK = "(cur < lim ? *cur : 0)";
        re2c:define:YYSKIP = "++cur;";
        re2c:define:YYBACKUP = "mar = cur;";
        re2c:define:YYRESTORE = "cur = mar;";
        re2c:define:YYSHIFT = "cur += @@;";

        ws    = [ \t\r\n\v\f] | "\xC2\xA0" | "\xE2\x80\xAF" | "\xE2\x80\x89"
              | "\xE3\x80\x80";
        sp    = ws+;
        // After a word or a number, what may follow it: not a letter. A
        // digit may ("4pm150ml", "ebm75"): words never hold digits, so a
        // number glued to a word is always two tokens, which the builder
        // judges (src/phrase/phrase_build.c: nothing is stored that was
        // not understood).
        end   = [^a-zA-Z];
        d     = [0-9];
        int   = d+;
        num   = d+ ("." d+)? | "." d+;
        // a decimal comma ("2,5oz") only right before a unit
        // a decimal comma before oz ("3,25oz"); before ml one digit only,
        // since "at 7,90ml" is a list, not 7.9 ml
        numc  = d+ "," d d?;
        numc1 = d+ "," d;
        dd    = d d?;
        ord   = 'st' | 'nd' | 'rd' | 'th';
        dend  = [^a-zA-Z0-9/];
        monthw = 'jan' | 'january' | 'feb' | 'february' | 'mar' | 'march'
              | 'apr' | 'april' | 'may' | 'jun' | 'june' | 'jul' | 'july'
              | 'aug' | 'august' | 'sep' | 'sept' | 'september' | 'oct'
              | 'october' | 'nov' | 'november' | 'dec' | 'december';
        fracd = d "/" [1-9];
        fracu = "\xC2" [\xBC-\xBE] | "\xE2\x85" [\x93\x94\x9B];
        numw  = 'one' | 'two' | 'three' | 'four' | 'five' | 'six' | 'seven'
              | 'eight' | 'nine' | 'ten';
        // "2 1/2" needs its space ("21/2" could be 21/2 or 2½: not read)
        qty   = (num | numc | numw) (sp fracd | sp? fracu | sp 'and' sp ('a' sp)? 'half')?
              | fracd | fracu;
        qtyml = (num | numc1 | numw) (sp fracd | sp? fracu | sp 'and' sp ('a' sp)? 'half')?
              | fracd | fracu;
        hh    = d d?;
        mm    = d d;
        ampm  = [aApP] "."? [mM] "."?;
        ml    = 'ml' | 'mls' | 'cc' | 'c' "." 'c' "."? | 'millilitre' | 'millilitres'
              | 'milliliter' | 'milliliters';
        oz    = (('fl' "."? | 'fluid') sp?)? ('oz' | 'ozs' | 'ounce' | 'ounces') | "\xE2\x84\xA5";
        mins  = 'm' | 'min' | 'mins' | 'minute' | 'minutes';
        hrs   = 'h' | 'hr' | 'hrs' | 'hour' | 'hours';
        hour  = 'hour' | 'hr';
        bot   = "@" [a-zA-Z0-9_]+;  // "@MilkBot" after a /command in a group
        window = ('in' sp 'the' sp)? ('last' | 'past' | 'previous') sp;
        // what turns a schedule off ("stop reminders", "no alert")
        stop  = 'stop' | 'cancel' | 'clear' | 'end' | 'no' | 'no' sp 'more'
              | 'turn' sp 'off' | 'delete' | 'remove' | 'disable';
        when  = 'when' (['\x60] | "\xE2\x80\x99")? 's' | 'when' sp ('is' | 'will' | 'should'
              | 'does' | 'do');
        // A word byte: not a separator, not a digit, not "@", and not part
        // of the multi-byte spaces above. Never NUL, so a word never runs
        // past the end.
        // The lead bytes of those spaces join only continuation bytes, so
        // no multi-byte sequence, valid or not, swallows a digit.
        wchar = [^ \t\r\n\v\f\x00,;!?.:~@#0-9\x80-\xff]
              | [\x80-\xC1\xC3-\xE1\xE4-\xff]
              | "\xC2" [\x80-\x9F\xA1-\xBF]
              | "\xE2" [\x81-\xBF] | "\xE2\x80" [\x80-\x88\x8A-\xAE\xB0-\xBF]
              | "\xE3" [\x81-\xBF] | "\xE3\x80" [\x81-\xBF];

        // Amounts: a quantity and a unit, touching or not ("120ml",
        // "4 oz", "2 1/2 oz", "3¼oz", ".75 oz", "2,5oz", "two and a half
        // oz", "5 fluid ounces").
        qtyml sp? ml / end {
            tok->micro = lex_quantity(tok_start, cur);
            tok->unit = UNIT_ML;
            TOKEN(TK_AMOUNT);
        }
        qty sp? oz / end {
            tok->micro = lex_quantity(tok_start, cur);
            tok->unit = UNIT_OZ;
            TOKEN(TK_AMOUNT);
        }

        // Times of day.
        hh [:.] mm sp? ampm / end { lex_clock(tok_start, cur, tok); TOKEN(TK_CLOCK); }
        hh sp? ampm / end         { lex_clock(tok_start, cur, tok); TOKEN(TK_CLOCK); }
        // "10:15p", "7a": a lone a/p only touching the time
        hh ([:.] mm)? [aApP] / end { lex_clock(tok_start, cur, tok); TOKEN(TK_CLOCK); }
        hh ":" mm / [^0-9]        { lex_clock(tok_start, cur, tok); TOKEN(TK_CLOCK); }
        hh 'h' mm / end           { lex_clock(tok_start, cur, tok); TOKEN(TK_CLOCK); }
        hh sp? 'o' ['\x60\-]? 'clock' / end {
            lex_clock(tok_start, cur, tok);
            tok->sub = PHRASE_CLOCK_BARE;
            if (tok->hour == 0 || tok->hour > 12) tok->sub = PHRASE_CLOCK_AS_WRITTEN;
            TOKEN(TK_CLOCK);
        }
        hh 'h' / end              {
            lex_clock(tok_start, cur, tok);
            tok->micro = (int64_t)tok->hour * 1000000;
            tok->unit = UNIT_HOURS;
            tok->sub = PHRASE_CLOCK_AS_WRITTEN;
            TOKEN(TK_HOURH);    /* "19h" is a time, "2h ago" a duration */
        }
        ('noon' | 'midday' | 'noonish') / end {
            tok->hour = 12; tok->sub = PHRASE_CLOCK_AS_WRITTEN; TOKEN(TK_CLOCK);
        }
        ('midnight' | 'midnite' | 'mid' sp 'night') / end {
            tok->hour = 0; tok->sub = PHRASE_CLOCK_AS_WRITTEN; TOKEN(TK_CLOCK);
        }
        'now' / end               { TOKEN(TK_NOW); }
        'at' / end                { TOKEN(TK_AT); }
        "@"                       { TOKEN(TK_AT); }

        // Relative times.
        num sp? mins / end {
            int integer;
            lex_micro(tok_start, cur, &tok->micro, &integer);
            tok->unit = UNIT_MINUTES;
            TOKEN(TK_DURATION);
        }
        num sp? hrs / end {
            int integer;
            lex_micro(tok_start, cur, &tok->micro, &integer);
            tok->unit = UNIT_HOURS;
            TOKEN(TK_DURATION);
        }
        ('an' | 'a' | 'one') sp hour / end {
            tok->micro = 1000000; tok->unit = UNIT_HOURS; TOKEN(TK_DURATION);
        }
        ('half' sp 'an' sp | 'a' sp 'half' sp | 'half' sp) hour / end {
            tok->micro = 30000000; tok->unit = UNIT_MINUTES; TOKEN(TK_DURATION);
        }
        'ago' / end               { TOKEN(TK_AGO); }
        ('tomorrow' | 'tmrw' | 'in' sp num sp? (mins | hrs)
            | 'in' sp ('an' | 'a' | 'half' sp 'an') sp hour
            | 'going' sp 'to' | 'gonna' | 'will' | 'planning' | 'plan' | 'planned'
            | 'later' | 'tomorow' | 'tomorrows'
            | 'tomoz' | 'tmr' | 'tmw' | 'tomo' | 'about' sp 'to' | 'due' | 'preparing'
            | 'prepare' | 'warming' | 'ready' | 'soon' | 'target' | 'goal' | 'aim'
            | 'max' | 'need' | 'needs') / end {
            TOKEN(TK_FUTURE);   /* a plan is not a feeding */
        }

        // Days and parts of the day.
        ('today' | 'tday' | 'tdy') / end { tok->sub = PHRASE_TODAY; TOKEN(TK_DAY); }
        ('yesterday' | 'yday' | 'yest' | 'ystd' | 'ystdy' | 'ydy' | 'y' ['\x60] 'day'
            | 'y' "\xE2\x80\x99" 'day') / end {
            tok->sub = PHRASE_YESTERDAY; TOKEN(TK_DAY);
        }
        // A weekday names a day the phrase language cannot place a feeding
        // on yet: never a note (the grammar reports it).
        // Weekdays and dates name a day for a question ("how much on
        // monday", "total 26 nov"); a feeding cannot be placed on one.
        'this' sp ('sunday' | 'sun') / end { tok->sub = 0; tok->micro = 1; TOKEN(TK_WEEKDAY); }
        ('last' sp)? ('sunday' | 'sun') / end            { tok->sub = 0; TOKEN(TK_WEEKDAY); }
        'this' sp ('monday' | 'mon') / end { tok->sub = 1; tok->micro = 1; TOKEN(TK_WEEKDAY); }
        ('last' sp)? ('monday' | 'mon') / end            { tok->sub = 1; TOKEN(TK_WEEKDAY); }
        'this' sp ('tuesday' | 'tues' | 'tue') / end { tok->sub = 2; tok->micro = 1; TOKEN(TK_WEEKDAY); }
        ('last' sp)? ('tuesday' | 'tues' | 'tue') / end { tok->sub = 2; TOKEN(TK_WEEKDAY); }
        'this' sp ('wednesday' | 'weds' | 'wed') / end { tok->sub = 3; tok->micro = 1; TOKEN(TK_WEEKDAY); }
        ('last' sp)? ('wednesday' | 'weds' | 'wed') / end { tok->sub = 3; TOKEN(TK_WEEKDAY); }
        'this' sp ('thursday' | 'thurs' | 'thu') / end { tok->sub = 4; tok->micro = 1; TOKEN(TK_WEEKDAY); }
        ('last' sp)? ('thursday' | 'thurs' | 'thu') / end { tok->sub = 4; TOKEN(TK_WEEKDAY); }
        'this' sp ('friday' | 'fri') / end { tok->sub = 5; tok->micro = 1; TOKEN(TK_WEEKDAY); }
        ('last' sp)? ('friday' | 'fri') / end            { tok->sub = 5; TOKEN(TK_WEEKDAY); }
        'this' sp ('saturday' | 'sat') / end { tok->sub = 6; tok->micro = 1; TOKEN(TK_WEEKDAY); }
        ('last' sp)? ('saturday' | 'sat') / end          { tok->sub = 6; TOKEN(TK_WEEKDAY); }
        dd ord? sp? monthw "."? (sp d d d d)? / dend { lex_date(tok_start, cur, tok); TOKEN(TK_DATE); }
        monthw "."? sp dd ord? (","? sp d d d d)? / dend { lex_date(tok_start, cur, tok); TOKEN(TK_DATE); }
        dd "/" dd ("/" (d d | d d d d))? / dend {
            lex_date(tok_start, cur, tok); TOKEN(TK_DATE);
        }
        (int | numw) sp 'day' 's'? sp 'ago' / end {
            tok->micro = lex_quantity(tok_start, cur); TOKEN(TK_DAYSAGO);
        }
        ('the' sp)? 'day' sp 'before' sp 'yesterday' / end {
            tok->micro = 2000000; TOKEN(TK_DAYSAGO);
        }
        // A rolling window: "last 24 hours", "past 12h", "last 2 days",
        // "last hour". In minutes it is asked for in hours.
        window int sp? hrs / end {
            const unsigned char *q = tok_start;
            while (q < cur && !(*q >= '0' && *q <= '9')) q++;
            tok->micro = lex_quantity(q, cur);
            tok->sub = CMD_SINCE;
            TOKEN(TK_COMMAND);
        }
        window (int sp 'day' 's'? | 'day') / end {
            const unsigned char *q = tok_start;
            while (q < cur && !(*q >= '0' && *q <= '9')) q++;
            tok->micro = (q < cur ? lex_quantity(q, cur) : 1000000) * 24;
            tok->sub = tok->micro == 7 * 24 * 1000000LL ? CMD_WEEK : CMD_SINCE;
            TOKEN(TK_COMMAND);
        }
        window 'hour' / end       { tok->micro = 1000000; tok->sub = CMD_SINCE; TOKEN(TK_COMMAND); }
        window (num sp? mins | 'half' sp 'hour' | num sp? hrs) / end {
            tok->sub = CMD_SINCE;
            tok->micro = -1; /* not whole hours: asked for in hours */
            TOKEN(TK_COMMAND);
        }
        ('this' sp)? 'morning' / end   { tok->sub = PHRASE_MORNING; TOKEN(TK_PART); }
        ('this' sp)? 'afternoon' / end { tok->sub = PHRASE_AFTERNOON; TOKEN(TK_PART); }
        ('this' sp)? 'evening' / end   { tok->sub = PHRASE_EVENING; TOKEN(TK_PART); }
        ('tonight' | 'tonite' | 'this' sp 'night') / end {
            tok->sub = PHRASE_TONIGHT; TOKEN(TK_PART);
        }
        (('last' | 'yesterday') sp ('night' | 'nite') | 'lastnight') / end {
            tok->sub = PHRASE_LAST_NIGHT; TOKEN(TK_PART);
        }

        // Nursing (#16): a session at the breast, told by a word for it
        // and by its sides, each with its minutes ("nursed 15 min left",
        // "left 12 right 8", "L10 R5", "10 min each side"). A side alone
        // is a note word unless the line is a nursing session
        // ("120ml right after her bath"): the builder decides.
        // ("nurse" alone is the noun: "the night nurse gave 60ml")
        ('nursed' | 'nursing' | 'bf' | 'bfed' | 'bf' ['\x60]? 'd' | 'breastfed'
            | 'breast' ("-" | sp)? 'fed' | 'breastfeed' 'ing'? | 'breast' ("-" | sp)? 'feed' 'ing'?
            | 'latched' | 'on' sp 'the' sp ('breast' | 'boob')
            | 'boob' sp? 'feed' 'ing'?) / end {
            TOKEN(TK_NURSE);
        }
        // a session only with its sides or minutes ("breast 15 min"); else
        // a note word ("2oz after breast")
        ('breast' | 'boob' | 'boobs') / end { tok->sub = 1; TOKEN(TK_NURSE); }
        // not a side: "120 right after her bath", "90 left in the bottle"
        ('right' sp ('after' | 'before' | 'away' | 'now' | 'then' | 'there' | 'here' | 'back')
            | 'left' sp ('in' | 'some' | 'the' | 'it' | 'a' | 'an' | 'her' | 'him' | 'home'))
            / end { TOKEN(TK_WORD); }
        ('left' | 'lt' | 'lhs') (sp 'side')? / end { tok->sub = SIDE_LEFT; TOKEN(TK_SIDE); }
        ('right' | 'rt' | 'rhs') (sp 'side')? / end { tok->sub = SIDE_RIGHT; TOKEN(TK_SIDE); }
        // naming the breast says nursing ("left boob 10")
        ('left' | 'lt') sp ('breast' | 'boob') / end {
            tok->sub = SIDE_LEFT; tok->integer = 1; TOKEN(TK_SIDE);
        }
        ('right' | 'rt') sp ('breast' | 'boob') / end {
            tok->sub = SIDE_RIGHT; tok->integer = 1; TOKEN(TK_SIDE);
        }
        // "L10 R5", "L 10", "15 min L", "L & R 20 min"
        [lL] / end                { tok->sub = SIDE_LEFT; TOKEN(TK_SIDE); }
        [rR] / end                { tok->sub = SIDE_RIGHT; TOKEN(TK_SIDE); }
        ('each' | 'per' | 'a') sp ('side' | 'breast' | 'boob') / end {
            tok->sub = SIDE_EACH; TOKEN(TK_SIDE);
        }
        'both' sp ('side' | 'sides' | 'breasts' | 'boobs') / end {
            tok->sub = SIDE_BOTH; TOKEN(TK_SIDE);
        }
        // Between two times: "2:10-2:35", "10pm - 10:30pm", "2:10 to 2:35";
        // only right after a time or a number ("up to 120ml" is a note)
        ("-" | "\xE2\x80\x93" | "\xE2\x80\x94" | 'to') / [0-9] {
            TOKEN(lx->last == TK_CLOCK || lx->last == TK_NUMBER ? TK_RANGE : TK_WORD);
        }
        ("-" | "\xE2\x80\x93" | "\xE2\x80\x94" | 'to') / " " [0-9] {
            TOKEN(lx->last == TK_CLOCK || lx->last == TK_NUMBER ? TK_RANGE : TK_WORD);
        }
        // "from 2:10 to 2:35"
        'from' / " " [0-9]        { continue; }

        // Kinds of milk.
        ('formula' | 'fm') / end  { tok->sub = PHRASE_FORMULA; TOKEN(TK_KIND); }
        ('breast' sp? 'milk' | 'bm' | 'ebm' | 'expressed' (sp 'milk')?
            | 'pumped' sp 'milk') / end {
            tok->sub = PHRASE_BREASTMILK; TOKEN(TK_KIND);
        }
        'milk' / end              { tok->sub = PHRASE_MILK; TOKEN(TK_KIND); }

        // Commands, as words and as Telegram /commands.
        ('total' | 'totals' | 'how' sp 'much') / end {
            tok->sub = CMD_TOTAL; TOKEN(TK_COMMAND);
        }
        'last' / end              { tok->sub = CMD_LAST; TOKEN(TK_COMMAND); }
        // "which side next?": the last session says
        (('which' | 'what') sp ('side' | 'breast' | 'boob') (sp 'next')?
            | 'next' sp ('side' | 'breast' | 'boob')) / end {
            tok->sub = CMD_LAST; TOKEN(TK_COMMAND);
        }
        ('week' | 'weekly' | ('last' | 'past' | 'this') sp 'week'
            | (('last' | 'past') sp)? ('7' | 'seven') sp 'days') / end {
            tok->sub = CMD_WEEK; TOKEN(TK_COMMAND);
        }
        ('oops' | ('undo' | 'delete' | 'remove') (sp ('last' | 'that' | 'it'))?
            | ('scrap' | 'scratch' | 'cancel') sp ('that' | 'it' | 'last')) / end {
            tok->sub = CMD_UNDO; TOKEN(TK_COMMAND);
        }
        // A correction of the last entry's amount ("make that 110"): never
        // a new feeding.
        ('make' sp ('that' | 'it') | 'should' sp ('have' sp 'been' | 'be')
            | ('should' ['\x60]? 've' | 'shoulda' | 'should' "\xE2\x80\x99" 've') sp 'been'
            | ('change' | 'update' | 'adjust' | 'correct') (sp ('that' | 'it' | 'last'))? sp 'to'
            | ('i' sp)? 'meant' | 'correction' | 'actually' | 'was' sp 'actually'
            | 'instead') / end {
            tok->sub = CMD_CORRECT; TOKEN(TK_COMMAND);
        }
        // Before an amount these say the last one was wrong ("no 90",
        // "nope, 110": asked about); after it they are a note ("90ml not
        // all of it"); between two amounts, a correction ("110 not 120").
        ('not' | 'no' | 'nope' | 'nah' | 'sorry' | 'wait' | 'wrong' | 'nvm' | 'ignore'
            | 'typo' | 'fix' | 'edit' | 'update' | 'replace' | ('it' | 'that') sp 'was'
            | 'correct' sp 'is') / end {
            tok->sub = CMD_VAGUE; TOKEN(TK_COMMAND);
        }
        ('never' sp 'mind' | 'nevermind') / end { TOKEN(TK_WORD); }
        // Milk that was not drunk: never a feeding.
        ('didn' ['\x60]? 't' | 'didnt' | 'never' | 'refused' | 'rejected'
            | 'wouldn' ['\x60]? 't' | 'wouldnt' | 'skipped' | 'spilled' | 'spilt'
            | 'wasted' | 'threw' | 'dumped' | 'untouched' | 'offered' | 'leftover'
            | 'leftovers' | 'left' sp 'over' | 'frozen' | 'fridge' | 'freezer'
            | 'stored' | 'defrosted' | 'bought' | 'pumped') / end {
            tok->sub = CMD_NOTFED; TOKEN(TK_COMMAND);
        }
        'help' / end              { tok->sub = CMD_HELP; TOKEN(TK_COMMAND); }
        // What the bot says on its own (#17): reminders, the alert after a
        // long gap, the daily summary, and when the next feed is likely.
        // Before an amount these are plans, not feedings ("remind me 90ml
        // at 6pm", "next feed at 6pm 90ml": the builder refuses them).
        ('remind' (sp ('me' | 'us'))?) / end {
            tok->sub = CMD_REMIND; TOKEN(TK_COMMAND);
        }
        ('reminder' | 'reminders' | ('what' | 'which' | 'any' | 'my' | 'show' | 'list')
            sp ('reminder' | 'reminders')) / end {
            tok->sub = CMD_REMIND; tok->sched = SCHED_SHOW; TOKEN(TK_COMMAND);
        }
        (stop sp (('the' | 'all' | 'my') sp)? ('reminder' | 'reminders')
            | ('reminder' | 'reminders') sp 'off'
            | 'stop' sp 'reminding' (sp ('me' | 'us'))?) / end {
            tok->sub = CMD_REMIND; tok->sched = SCHED_OFF; TOKEN(TK_COMMAND);
        }
        ('alert' (sp ('me' | 'us'))?) / end { tok->sub = CMD_ALERT; TOKEN(TK_COMMAND); }
        'alerts' / end {
            tok->sub = CMD_ALERT; tok->sched = SCHED_SHOW; TOKEN(TK_COMMAND);
        }
        (stop sp ('the' sp)? ('alert' | 'alerts') | ('alert' | 'alerts') sp 'off') / end {
            tok->sub = CMD_ALERT; tok->sched = SCHED_OFF; TOKEN(TK_COMMAND);
        }
        (('daily' sp)? ('summary' | 'summaries')) / end {
            tok->sub = CMD_SUMMARY; TOKEN(TK_COMMAND);
        }
        (stop sp ('the' sp)? ('daily' sp)? ('summary' | 'summaries')
            | ('daily' sp)? ('summary' | 'summaries') sp 'off') / end {
            tok->sub = CMD_SUMMARY; tok->sched = SCHED_OFF; TOKEN(TK_COMMAND);
        }
        // "weekly summary" is the week's feeds
        ('weekly' | 'week' | 'week' ['\x60]? 's') sp 'summary' / end {
            tok->sub = CMD_WEEK; TOKEN(TK_COMMAND);
        }
        // "next", "next feed?", "when is the next feed due", "when next?"
        // ("which side next", "next side": the last session, above)
        ((when sp)? ('the' sp)? 'next' (sp ('feed' | 'feeding' | 'feeds' | 'bottle'
            | 'one' | 'meal'))? (sp 'due')? | 'when' sp 'next') / end {
            tok->sub = CMD_NEXT; TOKEN(TK_COMMAND);
        }
        // The family's units: "units oz", "units ml", "units" shows them.
        ('units' | 'unit') / end  { tok->sub = CMD_UNITS; TOKEN(TK_COMMAND); }
        // The family's babies: "babies Mia Leo" names them, "babies" shows.
        // First in its line, the rest of the line is the names, whatever
        // words they are ("babies Will Grace"); elsewhere a note word
        // ("gave the twins 120ml").
        ('babies' | 'twins' | 'triplets') / end {
            tok->sub = CMD_BABIES;
            if (lx->tokens == 0) lx->zone_next = 1;
            TOKEN(TK_COMMAND);
        }
        // Greetings and thanks get a friendly word, never an error.
        ('hello' | 'hi' | 'hey' | 'hiya' | 'good' sp ('morning' | 'afternoon'
            | 'evening' | 'day')) / end { tok->sub = CMD_HELLO; TOKEN(TK_COMMAND); }
        ('thanks' | 'thank' sp 'you' | 'thankyou' | 'thx' | 'ty' | 'cheers'
            | 'ta') / end { tok->sub = CMD_THANKS; TOKEN(TK_COMMAND); }
        ('night' sp 'night' | 'nighty' sp 'night' | 'good' sp? 'night' | 'gn'
            | 'nite') / end { tok->sub = CMD_GOODNIGHT; TOKEN(TK_COMMAND); }
        ('tz' | 'timezone' | 'time' sp? 'zone') / end {
            tok->sub = CMD_TIMEZONE;
            lx->zone_next = 1;
            TOKEN(TK_COMMAND);
        }
        // Telegram's /commands, "/total@MilkBot" in a group.
        "/" ('total' | 'today') bot? / end  { SLASH(CMD_TOTAL); }
        "/last" bot? / end                  { SLASH(CMD_LAST); }
        "/week" bot? / end                  { SLASH(CMD_WEEK); }
        "/undo" bot? / end                  { SLASH(CMD_UNDO); }
        "/" ('help' | 'start') bot? / end   { SLASH(CMD_HELP); }
        "/" ('feed' | 'add') bot? / end     { SLASH(CMD_FEED); }
        "/babies" bot? / end                { lx->zone_next = 1; SLASH(CMD_BABIES); }
        "/units" bot? / end                 { SLASH(CMD_UNITS); }
        "/remind" bot? / end                { SLASH(CMD_REMIND); }
        "/reminders" bot? / end             { tok->sched = SCHED_SHOW; SLASH(CMD_REMIND); }
        "/stopreminders" bot? / end         { tok->sched = SCHED_OFF; SLASH(CMD_REMIND); }
        "/alert" bot? / end                 { SLASH(CMD_ALERT); }
        "/summary" bot? / end               { SLASH(CMD_SUMMARY); }
        // "/alert off": the menu's command, then the word
        ("/reminders" | "/remind") bot? sp ('off' | 'stop') / end {
            tok->sched = SCHED_OFF; SLASH(CMD_REMIND);
        }
        "/alert" bot? sp 'off' / end        { tok->sched = SCHED_OFF; SLASH(CMD_ALERT); }
        "/summary" bot? sp 'off' / end      { tok->sched = SCHED_OFF; SLASH(CMD_SUMMARY); }
        "/next" bot? / end                  { SLASH(CMD_NEXT); }
        "/" ('tz' | 'timezone') bot? / end  { lx->zone_next = 1; SLASH(CMD_TIMEZONE); }
        "/" [a-zA-Z_]+ bot? / end           { SLASH(CMD_UNKNOWN); }

        // Times and numbers in words ("half seven", "twenty past six"): not
        // understood, so never a note (the builder says how to write them).
        ('half' | 'quarter' | 'past' | 'two' | 'three' | 'four' | 'five'
            | 'six' | 'seven' | 'eight' | 'nine' | 'ten' | 'eleven' | 'twelve'
            | 'fifteen' | 'twenty' | 'thirty' | 'forty' | 'fifty' | 'hundred') / end {
            TOKEN(TK_TIMEWORD);
        }
        'since' / end             { tok->sub = 1; TOKEN(TK_TIMEWORD); }
        ('before' | 'after' | 'by' | 'until' | 'till' | 'til') / " " [0-9] {
            tok->sub = 2; TOKEN(TK_TIMEWORD);
        }
        ('month' | 'months' | 'year' | 'years' | 'fortnight') / end {
            tok->sub = 3; TOKEN(TK_TIMEWORD);
        }
        // am/pm with no time right before it
        ampm / end                { TOKEN(TK_AMPM); }

        // Filler before an amount, separators, and the question mark.
        ('about' | 'around' | 'approx' | 'approx.' | 'approximately'
            | 'roughly' | 'abt') / end { continue; }
        "~"                       { continue; }
        "-"? 'ish' / end          { continue; }
        "?"                       { TOKEN(TK_QUESTION); }
        [,;!.:]                   { continue; }
        sp                        { continue; }

        // Numbers without a unit, and every other word.
        int                       {
            lex_micro(tok_start, cur, &tok->micro, &tok->integer);
            TOKEN(TK_NUMBER);
        }
        d+ "." d+                 {
            lex_micro(tok_start, cur, &tok->micro, &tok->integer);
            TOKEN(TK_NUMBER);
        }
        "." d+                    {
            lex_micro(tok_start, cur, &tok->micro, &tok->integer);
            TOKEN(TK_NUMBER);
        }
        // A unit with no number right before it ("5 ounzes" once the typo
        // is read, or "ml" alone): the grammar pairs it with a number or
        // reports it.
        ml / end                  { tok->unit = UNIT_ML; TOKEN(TK_UNIT); }
        oz / end                  { tok->unit = UNIT_OZ; TOKEN(TK_UNIT); }
        ('min' | 'mins' | 'minute' | 'minutes') / end {
            tok->unit = UNIT_MINUTES; TOKEN(TK_UNIT);
        }
        ('hr' | 'hrs' | 'hour' | 'hours') / end { tok->unit = UNIT_HOURS; TOKEN(TK_UNIT); }
        "#" / [a-zA-Z]            { continue; }  // "#formula" is formula
        "#"                       { TOKEN(TK_WORD); } // "#2": glued, refused
        // Words that are a note after an amount but mean more right after a
        // number or at the start: the builder judges them (sub: WORD_*).
        ('tbsp' | 'tbs' | 'tablespoon' 's'? | 'tsp' | 'teaspoon' 's'? | 'dl' | 'cl' | 'l'
            | 'ltr' | 'litre' 's'? | 'liter' 's'? | 'cup' 's'? | 'kg' | 'g' | 'gram' 's'?
            | 'lb' 's'? | 'pound' 's'? | 'kcal' | 'cal' | 'calories' | 'bottle' 's'?
            | 'scoop' 's'? | 'sip' 's'? | 'drop' 's'? | 'serving' 's'? | 'pouch' 'es'?
            | 'feed' 's'? | 'feeding' 's'? | 'onz' | 'oz' "." 'z' "."? | 'o' "." 'z' "."?) / end {
            tok->sub = WORD_UNITLIKE; TOKEN(TK_WORD);
        }
        ('did' | 'has' | 'have' | 'is' | 'was' | 'should' | 'can' | 'does' | 'who'
            | 'will' | 'shall' | 'could' | 'would') / end {
            tok->sub = WORD_ASK; TOKEN(TK_WORD);
        }
        ('twice' | 'thrice' | 'double' | 'x' | 'times') / end {
            tok->sub = WORD_MULT; TOKEN(TK_WORD);
        }
        // Twins: "both 60ml each" is a feeding for each of the family's
        // babies; alone, each of the two is judged by the builder.
        'both' / end              { tok->sub = WORD_BOTH; TOKEN(TK_WORD); }
        'each' / end              { tok->sub = WORD_EACH; TOKEN(TK_WORD); }
        // The words a feeding is told with: a note like any word, but in a
        // group they do not make "gave him 120ml" the family's talk
        ('gave' | 'given' | 'fed' | 'had' | 'drank' | 'drunk' | 'took' | 'taken'
            | 'finished' | 'ate' | 'just' | 'he' | 'she' | 'him' | 'her' | 'baby'
            | 'of') / end {
            tok->sub = WORD_FED; TOKEN(TK_WORD);
        }
        wchar+                    { TOKEN(TK_WORD); }

        // The end of the input (YYPEEK's 0), or a real NUL byte (skipped).
        "\x00"                    {
            if (tok_start >= lim) { lx->cur = lim; return 0; }
            continue;
        }
        *                         { continue; }
        */
#undef TOKEN
#undef SLASH
    }
}

/* How long a SPAN says, at [p, end) after its preposition: "3h", "1.5
 * hours", "2h30", "2 hours 30 min", "90 min", "an hour", "half an hour",
 * "3 days", or a number without a unit (unit 0). */
static void lex_span_value(const unsigned char *p, const unsigned char *end,
                           phrase_token *t) {
    int integer;
    if (p < end && ((*p >= '0' && *p <= '9') || *p == '.')) {
        p = lex_micro(p, end, &t->micro, &integer);
        while (p < end && !lex_is_alpha(*p)) p++;
        if (p == end) return; /* a number alone */
        int letter = *p | 0x20;
        t->unit = letter == 'h' ? UNIT_HOURS : letter == 'd' ? UNIT_DAYS : UNIT_MINUTES;
        while (p < end && lex_is_alpha(*p)) p++;
        while (p < end && !(*p >= '0' && *p <= '9')) p++;
        if (t->unit == UNIT_HOURS && p < end) { /* "2h30": hours and minutes */
            int64_t minutes = 0;
            while (p < end && *p >= '0' && *p <= '9') minutes = minutes * 10 + (*p++ - '0');
            t->micro = t->micro * 60 + minutes * 1000000;
            t->unit = UNIT_MINUTES;
        }
        return;
    }
    t->unit = UNIT_MINUTES; /* "an hour", "half an hour", "every hour" */
    t->micro = 60000000;
    for (; p + 4 <= end; p++)
        if ((p[0] | 0x20) == 'h' && (p[1] | 0x20) == 'a' && (p[2] | 0x20) == 'l' &&
            (p[3] | 0x20) == 'f')
            t->micro = 30000000;
}

/* After a schedule's command word, how long, as one SPAN token ("in 3h",
 * "every 90 min", "after 4 hours", "4h"); 0 when the input at `at` is not
 * one (the ordinary rules read it). */
static int lex_span(phrase_lexer *lx, const unsigned char *at, phrase_token *tok) {
    const unsigned char *cur = at, *lim = lx->lim, *mar = cur;
    /*!re2c
    re2c:flags:input = custom;
    re2c:define:YYCTYPE = "unsigned char";
    re2c:api:style = free-form;
    re2c:yyfill:enable = 0;
    re2c:define:YYPEEK = "(cur < lim ? *cur : 0)";
    re2c:define:YYSKIP = "++cur;";
    re2c:define:YYBACKUP = "mar = cur;";
    re2c:define:YYRESTORE = "cur = mar;";
    re2c:define:YYSHIFT = "cur += @@;";

    prep = ('in' | 'every' | 'after') sp;
    hwords = 'h' | 'hr' | 'hrs' | 'hour' | 'hours';

    prep? num sp? (mins | hrs | 'd' | 'day' | 'days') / end { goto span; }
    prep? int sp? hwords sp? d d? (sp? mins)? / end { goto span; }
    prep? (('an' | 'a' | 'one') sp hour
        | ('half' sp 'an' sp | 'a' sp 'half' sp | 'half' sp) hour) / end { goto span; }
    'every' sp hour / end           { goto span; }
    prep num / end                  { goto span; }
    *                               { return 0; }
    */
span:
    (void)mar;
    tok->off = (uint32_t)(at - lx->start);
    tok->len = (uint32_t)(cur - at);
    {
        const unsigned char *p = at;
        int c0 = *p | 0x20, c1 = p + 1 < cur ? p[1] | 0x20 : 0;
        tok->sub = c0 == 'i' && c1 == 'n'   ? SPAN_IN
                   : c0 == 'e'               ? SPAN_EVERY
                   : c0 == 'a' && c1 == 'f' ? SPAN_AFTER
                                             : SPAN_BARE;
        if (tok->sub != SPAN_BARE) { /* past the preposition */
            while (p < cur && lex_is_alpha(*p)) p++;
            while (p < cur && !lex_is_alpha(*p) && !(*p >= '0' && *p <= '9') && *p != '.') p++;
        }
        lex_span_value(p, cur, tok);
    }
    lx->cur = cur;
    return 1;
}

/* Known words a parent may mistype, each a single token of its own. */
static const char *const vocabulary[] = {
    "yesterday", "today", "formula", "expressed", "breastmilk", "morning",
    "afternoon", "evening", "tonight", "midnight", "total", "totals", "weekly",
    "ounce", "ounces", "millilitre", "millilitres", "milliliter",
    "milliliters", "minute", "minutes", "hours", "timezone", "nursed",
    "nursing", "breastfed",
};

/* Whether `typed` (n bytes, ASCII letters) is one edit from `word`: one
 * letter changed, added or dropped, or two neighbours swapped. */
static int one_edit(const unsigned char *typed, size_t n, const char *word) {
    size_t m = strlen(word), i = 0;
    while (i < n && i < m && (typed[i] | 0x20) == word[i]) i++;
    if (i == n && n == m) return 0; /* the word itself */
    if (n == m) {
        if (i + 1 < n && (typed[i] | 0x20) == word[i + 1] &&
            (typed[i + 1] | 0x20) == word[i]) /* swapped */
            i += 2;
        else
            i += 1; /* changed */
        while (i < n && (typed[i] | 0x20) == word[i]) i++;
        return i == n;
    }
    if (n + 1 == m) { /* a letter dropped: skip it in word */
        for (size_t j = i; j < n; j++)
            if ((typed[j] | 0x20) != word[j + 1]) return 0;
        return 1;
    }
    if (n == m + 1) { /* a letter added: skip it in typed */
        for (size_t j = i; j < m; j++)
            if ((typed[j + 1] | 0x20) != word[j]) return 0;
        return 1;
    }
    return 0;
}

/* English words one edit from a known word, which are not typos of it
 * ("moaning" is not "morning", "yours" not "hours"): found by running a
 * dictionary of British English through the corrector. */
static const char *const not_typos[] = {
    "bounce", "bounces", "corning", "cursed", "cursing", "dunce", "dunces", "expresses", "fours",
    "horus", "jounce", "jounces", "meekly", "minuses", "minuted", "minuter",
    "minutest", "moaning", "mooning", "mourning", "nurse", "nurses", "nursling",
    "pounce", "pounces",
    "pours", "pursed", "pursing",
    "sours", "toady", "toddy", "tokay", "tonal", "tours", "weakly", "yours",
};

static int is_not_typo(const unsigned char *w, size_t n) {
    for (size_t i = 0; i < sizeof not_typos / sizeof not_typos[0]; i++) {
        size_t j = 0;
        while (j < n && not_typos[i][j] && (w[j] | 0x20) == not_typos[i][j]) j++;
        if (j == n && not_typos[i][j] == '\0') return 1;
    }
    return 0;
}

/* The next token, a known word's typo read as that word. */
static int lex_corrected(phrase_lexer *lx, phrase_token *tok) {
    int code = lex_raw(lx, tok);
    if (code != TK_WORD || tok->len < 5 || tok->len > 16) return code;
    const unsigned char *w = lx->start + tok->off;
    for (uint32_t i = 0; i < tok->len; i++)
        if (!lex_is_alpha(w[i])) return code;
    if (is_not_typo(w, tok->len)) return code;
    /* the token each known word it is one typo from would be; several
     * words that mean the same ("ounce", "ounces") are one reading */
    int corrected = 0, readings = 0, zone_next = 0;
    phrase_token read = {0};
    for (size_t i = 0; i < sizeof vocabulary / sizeof vocabulary[0]; i++) {
        if (!one_edit(w, tok->len, vocabulary[i])) continue;
        phrase_lexer sub;
        phrase_token t;
        phrase_lexer_init(&sub, vocabulary[i], strlen(vocabulary[i]));
        int c = lex_raw(&sub, &t);
        if (c == 0 || c == TK_WORD) continue;
        if (readings == 0 || c != corrected || t.sub != read.sub || t.unit != read.unit)
            readings++;
        corrected = c;
        read = t;
        zone_next = sub.zone_next;
    }
    if (readings != 1) {
        tok->near_misses = readings;
        return code;
    }
    /* a typo of one known word: the token that word is, where it was typed */
    read.off = tok->off;
    read.len = tok->len;
    read.corrected = 1;
    *tok = read;
    if (zone_next) lx->zone_next = 1;
    return corrected;
}

int phrase_lex(phrase_lexer *lx, phrase_token *tok) {
    int code = lex_corrected(lx, tok);
    if (code == TK_COMMAND &&
        (tok->sub == CMD_REMIND || tok->sub == CMD_ALERT || tok->sub == CMD_SUMMARY))
        lx->schedule = 1;
    if (code) lx->tokens++;
    lx->last = code;
    return code;
}
