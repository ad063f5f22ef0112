/* bot_babies.c -- the family's babies. See bot_babies.h. */
#include "bot_babies.h"
#include "phrase/phrase.h"

#include <stdio.h>
#include <string.h>

/* A name's characters: letters (any script: UTF-8 bytes from 0x80), "-"
 * and "'". Digits, dots and spaces are not. */
static int name_char(unsigned char c) {
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z' ? 1 : c >= 0x80 || c == '-' || c == '\'';
}

/* Whether a..a+n and b are the same word, ASCII letters in any case. */
static int same_word(const char *a, size_t n, const char *b) {
    if (strlen(b) != n) return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z') x = (unsigned char)(x | 0x20);
        if (y >= 'A' && y <= 'Z') y = (unsigned char)(y | 0x20);
        if (x != y) return 0;
    }
    return 1;
}

/* Whether word w (n bytes) is `name`, or its possessive ("Mia's", "Mia’s"). */
static int names(const char *w, size_t n, const char *name) {
    size_t m = strlen(name);
    return same_word(w, n, name) ||
           (n == m + 2 && memcmp(w + m, "'s", 2) == 0 && same_word(w, m, name)) ||
           (n == m + 4 && memcmp(w + m, "\xE2\x80\x99s", 4) == 0 && same_word(w, m, name));
}

/* The next word of text[*at..len): its start, and its length (0 at the end). */
static size_t next_word(const char *text, size_t len, size_t *at, size_t *start) {
    while (*at < len && !name_char((unsigned char)text[*at])) (*at)++;
    *start = *at;
    while (*at < len && name_char((unsigned char)text[*at])) (*at)++;
    return *at - *start;
}

int bot_babies_index(const bot_babies *b, const char *name) {
    for (int i = 0; name[0] && i < b->count; i++)
        if (same_word(name, strlen(name), b->names[i])) return i;
    return b->count;
}

void bot_babies_from_list(const char *list, bot_babies *out) {
    size_t at = 0, start, n, len = strlen(list);
    memset(out, 0, sizeof *out);
    while ((n = next_word(list, len, &at, &start)) > 0 && out->count < STORE_BABIES_MAX)
        if (n < STORE_BABY_MAX)
            snprintf(out->names[out->count++], STORE_BABY_MAX, "%.*s", (int)n, list + start);
}

int bot_babies_read(const char *text, bot_babies *out, char *list, char *error,
                    size_t errlen) {
    size_t len = strlen(text), at = 0, start, n;
    memset(out, 0, sizeof *out);
    list[0] = '\0';
    for (size_t i = 0; i < len; i++)
        if (!name_char((unsigned char)text[i]) && text[i] != ' ' && text[i] != ',' &&
            text[i] != '&' && text[i] != '+') {
            snprintf(error, errlen, "a name is letters only, like \"babies Mia Leo\"");
            return -1;
        }
    while ((n = next_word(text, len, &at, &start)) > 0) {
        if (same_word(text + start, n, "and")) continue;
        if (same_word(text + start, n, "none") && out->count == 0 && at >= len) return 0;
        if (out->count == STORE_BABIES_MAX) {
            snprintf(error, errlen, "at most %d babies", STORE_BABIES_MAX);
            return -1;
        }
        if (n >= STORE_BABY_MAX) {
            snprintf(error, errlen, "a name is at most %d bytes", STORE_BABY_MAX - 1);
            return -1;
        }
        char name[STORE_BABY_MAX], probe[STORE_BABY_MAX + 32];
        snprintf(name, sizeof name, "%.*s", (int)n, text + start);
        int letters = 0;
        for (size_t i = 0; i < n; i++)
            letters |= name[i] != '-' && name[i] != '\'';
        if (!letters) {
            snprintf(error, errlen, "a name is letters only, like \"babies Mia Leo\"");
            return -1;
        }
        /* a name must stay a name in a feeding, wherever it stands: "120ml
         * Will" is not a question, "Noon 120ml" not a time, "No 60ml" not
         * a correction, "June 20 min ago" not a date */
        static const char *const probes[] = {"120ml %s", "%s 120ml", "%s 20 min ago 120ml",
                                             "120ml %s 2 hours ago"};
        for (size_t k = 0; k < sizeof probes / sizeof probes[0]; k++) {
            phrase p;
            int len_probe = snprintf(probe, sizeof probe, probes[k], name);
            phrase_parse(probe, (size_t)len_probe, &p);
            if (p.intent != PHRASE_RECORD || strcmp(p.note, name) != 0) {
                snprintf(error, errlen, "\"%s\" is a word milkbot reads as more than a "
                                        "name: give it another way, like a nickname", name);
                return -1;
            }
        }
        int twice = 0;
        for (int i = 0; i < out->count && !twice; i++) /* "Mia" and "Mia's" too */
            twice = names(name, strlen(name), out->names[i]) ||
                    names(out->names[i], strlen(out->names[i]), name);
        if (twice) {
            snprintf(error, errlen, "\"%s\" twice: each baby needs a name of its own", name);
            return -1;
        }
        memcpy(out->names[out->count++], name, sizeof name);
    }
    for (int i = 0; i < out->count; i++) {
        if (i) strcat(list, ",");
        strcat(list, out->names[i]);
    }
    return 0;
}

int bot_babies_named(const bot_babies *b, const char *text, size_t len) {
    size_t at = 0, start, n;
    int named = 0, after_for = 0;
    while ((n = next_word(text, len, &at, &start)) > 0) {
        int name = 0;
        for (int i = 0; i < b->count && !name; i++) name = names(text + start, n, b->names[i]);
        if (name) named += 1 + after_for;
        after_for = same_word(text + start, n, "for");
    }
    return named;
}

/* Takes the words text[start..start+n) (and a "for " just before) out of
 * the note, and the space around them. */
static void cut_word(char *note, size_t start, size_t n) {
    size_t from = start;
    if (from >= 4 && same_word(note + from - 4, 3, "for") &&
        (from == 4 || note[from - 5] == ' '))
        from -= 4;
    size_t to = start + n;
    while (to < strlen(note) && note[to] == ' ') to++;
    memmove(note + from, note + to, strlen(note + to) + 1);
    size_t len = strlen(note);
    while (len > 0 && note[len - 1] == ' ') note[--len] = '\0';
}

int bot_babies_whose(const bot_babies *b, int both, char *note,
                     char whose[][STORE_BABY_MAX], int *n, char *error,
                     size_t errlen) {
    *n = 0;
    if (both && b->count > 2) {
        snprintf(error, errlen, "\"both\" is for two babies: send one line for each");
        return -1;
    }
    if (both && b->count < 2) {
        snprintf(error, errlen, b->count ? "\"both\": the family has one baby named (%s)"
                                         : "\"both\": name your babies first, like "
                                           "\"babies Mia Leo\"",
                 b->names[0]);
        return -1;
    }
    if (b->count == 0) {
        whose[(*n)++][0] = '\0';
        return 0;
    }
    /* the names the note holds, taken out of it */
    int found = -1, twice = 0;
    size_t at = 0, start, len;
    while ((len = next_word(note, strlen(note), &at, &start)) > 0) {
        int i = 0;
        while (i < b->count && !names(note + start, len, b->names[i])) i++;
        if (i == b->count) continue;
        if (found >= 0 && found != i) twice = 1;
        found = i;
        cut_word(note, start, len);
        at = start >= 4 ? start - 4 : 0; /* the note moved under us */
    }
    if (both || b->count == 1) {
        for (int i = 0; i < b->count; i++) memcpy(whose[(*n)++], b->names[i], STORE_BABY_MAX);
        if (both && found >= 0) {
            snprintf(error, errlen, "\"both\" with a name: send one line per baby, or "
                                    "\"both 60ml each\" alone");
            return -1;
        }
        return 0;
    }
    if (twice) {
        snprintf(error, errlen, "one baby per line, like \"120ml %s\" (or \"both 60ml each\")",
                 b->names[0]);
        return -1;
    }
    if (found < 0) {
        snprintf(error, errlen, "which baby? Say it, like \"120ml %s\" or \"120ml %s\" "
                                "(or \"both 60ml each\")",
                 b->names[0], b->names[1]);
        return -1;
    }
    memcpy(whose[(*n)++], b->names[found], STORE_BABY_MAX);
    return 0;
}
