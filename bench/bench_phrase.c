/* bench_phrase.c -- what parsing and resolving a phrase costs.
 *
 *   bench_phrase [-n PHRASES] [-r ROUNDS] [-w CORPUS_OUT] [--tz ZONE]
 *
 * Builds a realistic mixed corpus (deterministic: the same on every run):
 * mostly feedings written every way parents write them, then commands,
 * questions with filler words, time zones and mistakes. Times each stage
 * over the whole corpus, best of ROUNDS, and prints ns/phrase and phrases/s.
 * -w also writes the corpus, one phrase per line, for timing the batch
 * `milkbot parse --json` (bench/run does). Not a test: it asserts nothing. */
#include "clock/clock.h"
#include "clock/resolve.h"
#include "phrase/phrase.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static unsigned rnd(unsigned n) { /* xorshift64*, modulo n */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (unsigned)((rng_state * 0x2545F4914F6CDD1DULL) >> 33) % n;
}

#define PICK(array) (array[rnd(sizeof array / sizeof array[0])])

static const char *const amounts[] = {"%dml", "%d ml", "%d mls", "%d",
                                      "~%dml", "about %d ml", "%dcc"};
static const char *const ounces[] = {"%doz", "%d oz", "%d fl oz", "%d.5oz"};
static const char *const times[] = {
    "",        "",         "",        "12pm",     "7:30",       "19:45",
    "6.15pm",  "at 7",     "at 3pm",  "noon",     "20 min ago", "2h ago",
    "an hour ago", "half an hour ago", "yesterday 7:30", "yesterday",
    "today 9am", "this morning 7", "last night 11", "tonight 7", "7h30",
    "0:30",    "12:30am",  "now",     "3 hours ago", "at 12"};
static const char *const kinds[] = {"", "", "milk", "formula", "fm",
                                    "breast milk", "bm", "ebm", "formula milk"};
static const char *const notes[] = {"", "", "", "baby", "baby drank", "emma",
                                    "🍼", "before bed", "fed", "bottle"};
static const char *const commands[] = {
    "total?", "total", "today", "how much today", "yesterday",
    "total yesterday", "/total", "/total@MilkBot", "last", "last feed?",
    "when was the last feed", "/last", "week", "last 7 days", "/week",
    "undo", "/undo", "delete last", "oops", "help", "/start", "?",
    "what's the total", "total so far?", "/tz", "tz Asia/Singapore",
    "timezone europe/london"};
static const char *const mistakes[] = {
    "blah", "120ml 90ml", "25:00 100ml", "5000ml", "tomorrow 100ml",
    "13pm 90ml", "/foo", "20 min 100ml", "hello", "tz Nowhere/City"};

static void make_phrase(char *buf, size_t size) {
    unsigned what = rnd(100);
    if (what < 65) { /* a feeding: parts in a random order */
        char amount[32], *parts[4];
        int ml = 30 + (int)rnd(19) * 10;
        if (rnd(5) == 0)
            snprintf(amount, sizeof amount, PICK(ounces), 1 + (int)rnd(7));
        else
            snprintf(amount, sizeof amount, PICK(amounts), ml);
        parts[0] = amount;
        parts[1] = (char *)PICK(times);
        parts[2] = (char *)PICK(kinds);
        parts[3] = (char *)PICK(notes);
        for (int i = 3; i > 0; i--) { /* shuffle */
            int j = (int)rnd((unsigned)i + 1);
            char *t = parts[i];
            parts[i] = parts[j];
            parts[j] = t;
        }
        buf[0] = '\0';
        for (int i = 0; i < 4; i++) {
            if (!parts[i][0]) continue;
            if (buf[0]) strncat(buf, " ", size - strlen(buf) - 1);
            strncat(buf, parts[i], size - strlen(buf) - 1);
        }
    } else if (what < 92) {
        snprintf(buf, size, "%s", PICK(commands));
    } else {
        snprintf(buf, size, "%s", PICK(mistakes));
    }
}

static double seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static volatile int sink; /* keeps the work from being optimised away */

static void report(const char *stage, double best, size_t n) {
    printf("%-16s %9.1f ns/phrase %12.0f phrases/s\n", stage, best * 1e9 / n,
           n / best);
}

int main(int argc, char **argv) {
    size_t n = 200000;
    int rounds = 5;
    const char *out_path = NULL, *tz = "Europe/London";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-n") && i + 1 < argc) n = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "-r") && i + 1 < argc) rounds = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-w") && i + 1 < argc) out_path = argv[++i];
        else if (!strcmp(argv[i], "--tz") && i + 1 < argc) tz = argv[++i];
        else {
            fprintf(stderr, "usage: bench_phrase [-n PHRASES] [-r ROUNDS] "
                            "[-w CORPUS_OUT] [--tz ZONE]\n");
            return 2;
        }
    }
    if (n == 0 || rounds < 1) return 2;

    char (*corpus)[96] = malloc(n * sizeof *corpus);
    size_t *lens = malloc(n * sizeof *lens);
    size_t bytes = 0;
    for (size_t i = 0; i < n; i++) {
        make_phrase(corpus[i], sizeof corpus[i]);
        lens[i] = strlen(corpus[i]);
        bytes += lens[i] + 1;
    }
    if (out_path) {
        FILE *f = fopen(out_path, "w");
        if (f == NULL) {
            perror(out_path);
            return 1;
        }
        for (size_t i = 0; i < n; i++) fprintf(f, "%s\n", corpus[i]);
        fclose(f);
    }

    char err[256];
    clock_zone *zone;
    if (clock_init(err, sizeof err) != 0 ||
        (zone = clock_zone_open(tz, err, sizeof err)) == NULL) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    int64_t now_ms;
    clock_parse_rfc3339("2026-11-28T15:00:00Z", &now_ms);

    printf("corpus: %zu phrases, %.1f bytes each on average, zone %s\n", n,
           (double)bytes / n, tz);
    double best_parse = 1e30, best_both = 1e30;
    for (int r = 0; r < rounds; r++) {
        phrase p;
        resolved res;
        int errors = 0;
        double t0 = seconds();
        for (size_t i = 0; i < n; i++) {
            phrase_parse(corpus[i], lens[i], &p);
            errors += p.intent == PHRASE_ERROR;
        }
        double t1 = seconds();
        for (size_t i = 0; i < n; i++) {
            phrase_parse(corpus[i], lens[i], &p);
            resolve_phrase(&p, zone, now_ms, &res);
            errors += res.intent == PHRASE_ERROR;
        }
        double t2 = seconds();
        sink = errors;
        if (t1 - t0 < best_parse) best_parse = t1 - t0;
        if (t2 - t1 < best_both) best_both = t2 - t1;
    }
    report("parse", best_parse, n);
    report("parse+resolve", best_both, n);
    clock_zone_close(zone);
    free(corpus);
    free(lens);
    return 0;
}
