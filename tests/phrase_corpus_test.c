/* phrase_corpus_test.c -- runs tests/phrases.tsv: every case is one cmocka
 * test that parses, resolves and prints the phrase as `milkbot parse --json`
 * does, and requires exactly the expected JSON.
 *
 * usage: phrase_corpus_test CORPUS_FILE */
#include "cli/resolved_json.h"
#include "clock/clock.h"
#include "clock/resolve.h"
#include "phrase/phrase.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

typedef struct {
    int line;
    char *phrase;
    char *expected;
    int64_t now_ms;
    char tz[CLOCK_ZONE_ID_MAX];
    char name[96];
} corpus_case;

static void run_case(void **state) {
    const corpus_case *c = *state;
    char err[256], got[RESOLVED_OUTPUT_MAX];
    clock_zone *zone = clock_zone_open(c->tz, err, sizeof err);
    assert_non_null(zone);
    phrase p;
    resolved r;
    phrase_parse(c->phrase, strlen(c->phrase), &p);
    resolve_phrase(&p, zone, c->now_ms, &r);
    clock_zone_close(zone);
    assert_int_equal(resolved_json(&r, got, sizeof got), 0);
    if (strcmp(got, c->expected) != 0) {
        print_error("tests/phrases.tsv:%d: \"%s\"\n  expected %s\n  got      %s\n",
                    c->line, c->phrase, c->expected, got);
        fail();
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s tests/phrases.tsv\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (f == NULL) {
        perror(argv[1]);
        return 2;
    }
    char err[256];
    if (clock_init(err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        fclose(f);
        return 2;
    }

    size_t cap = 64, n = 0;
    corpus_case *cases = calloc(cap, sizeof *cases);
    int64_t now_ms = 0;
    char tz[CLOCK_ZONE_ID_MAX] = "UTC";
    char *line = NULL;
    size_t linecap = 0;
    ssize_t len;
    int lineno = 0, bad = 0;
    while ((len = getline(&line, &linecap, f)) >= 0) {
        lineno++;
        if (len > 0 && line[len - 1] == '\n') line[--len] = '\0';
        if (line[0] == '#' || len == 0) continue;
        if (strncmp(line, "@now ", 5) == 0) {
            if (clock_parse_rfc3339(line + 5, &now_ms) != 0) {
                fprintf(stderr, "%s:%d: bad @now\n", argv[1], lineno);
                bad = 1;
            }
            continue;
        }
        if (strncmp(line, "@tz ", 4) == 0) {
            snprintf(tz, sizeof tz, "%s", line + 4);
            continue;
        }
        char *tab = strrchr(line, '\t');
        if (tab == NULL) {
            fprintf(stderr, "%s:%d: no TAB before the expected JSON\n",
                    argv[1], lineno);
            bad = 1;
            continue;
        }
        if (n == cap) {
            corpus_case *more = realloc(cases, (cap *= 2) * sizeof *cases);
            if (more == NULL) abort();
            cases = more;
        }
        corpus_case *c = &cases[n++];
        *tab = '\0';
        c->line = lineno;
        c->phrase = strdup(line);
        c->expected = strdup(tab + 1);
        c->now_ms = now_ms;
        memcpy(c->tz, tz, sizeof tz);
        snprintf(c->name, sizeof c->name, "line %d: %.60s", lineno, line);
    }
    free(line);
    fclose(f);
    if (bad || n == 0) {
        fprintf(stderr, "%s: %zu cases, corpus file is malformed\n", argv[1], n);
        return 2;
    }

    struct CMUnitTest *tests = calloc(n, sizeof *tests);
    for (size_t i = 0; i < n; i++) {
        tests[i].name = cases[i].name;
        tests[i].test_func = run_case;
        tests[i].initial_state = &cases[i];
    }
    int failed = _cmocka_run_group_tests("phrase_corpus", tests, n, NULL, NULL);
    for (size_t i = 0; i < n; i++) {
        free(cases[i].phrase);
        free(cases[i].expected);
    }
    free(tests);
    free(cases);
    return failed;
}
