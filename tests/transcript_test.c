/* transcript_test.c -- golden conversations: tests/transcripts/NAME.txt.
 *
 * A transcript is what a parent types and exactly what the bot answers,
 * with a fixed clock and zone:
 *
 *   # why this transcript exists
 *   @tz Europe/London              zone of the chat (until "tz ...")
 *   @now 2026-11-28T15:00:00Z      the clock; may appear again later,
 *                                  then followed by what came due by
 *                                  then (reminders, alerts, summaries)
 *   @user Alex                     the sender; may appear again later
 *   @chat 2                        the chat written in (1 until then);
 *                                  may appear again later
 *   > 12pm 120ml milk              one message (chat commands as in
 *   🍼 120 ml milk at 12:00 — ...  `milkbot chat`), then its reply lines
 *
 * Each file is one cmocka test on a fresh store: SQLite in memory, or with
 * --dynamodb a new table on the test DynamoDB (dynalite_env.h), driven
 * through the same chat session as `milkbot chat`.
 *
 * usage: transcript_test [--dynamodb] FILE...  run them
 *        transcript_test --print FILE       print FILE with the replies the
 *                                           bot gives now (for writing one;
 *                                           read every reply before keeping)
 */
#include "cli/chat_session.h"
#include "dynalite_env.h"
#include "test_files.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

typedef struct {
    char *path;
    char name[128];
} transcript;

static int on_dynamodb; /* --dynamodb: a fresh table per transcript */

static store *fresh_store(char *err, size_t errlen) {
    if (!on_dynamodb) return store_open("sqlite::memory:", err, errlen);
    char table[128], spec[160];
    if (dynalite_new_table(table, sizeof table) != 0) {
        snprintf(err, errlen, "could not create a table");
        return NULL;
    }
    snprintf(spec, sizeof spec, "dynamodb:%s", table);
    return store_open(spec, err, errlen);
}

static void add_line(char **buf, size_t *len, const char *line) {
    size_t n = strlen(line);
    *buf = realloc(*buf, *len + n + 2);
    if (*len) (*buf)[(*len)++] = '\n';
    memcpy(*buf + *len, line, n + 1);
    *len += n;
}

/* Runs one transcript. With `print`, writes it out with the actual replies
 * and returns 0; otherwise returns the number of replies that differ. */
static int run_transcript(const char *path, int print) {
    char *text = read_test_file(path, NULL);
    if (text == NULL) {
        fprintf(stderr, "%s: cannot read\n", path);
        return 1;
    }
    char err[512], tz[CLOCK_ZONE_ID_MAX] = "UTC", user[STORE_WHO_MAX] = "Alex";
    int64_t now_ms = 0, chat_id = 1;
    int failures = 0, started = 0, lineno = 0, input_line = 0;
    store *s = fresh_store(err, sizeof err);
    bot *b = NULL;
    chat_session cs;
    char *expected = NULL, *input = NULL;
    size_t expected_len = 0;
    reply_text reply;
    int have_reply = 0;
    if (s == NULL) {
        fprintf(stderr, "%s: %s\n", path, err);
        free(text);
        return 1;
    }

    /* Compares the previous message's reply with the lines that followed. */
#define SETTLE()                                                               \
    do {                                                                       \
        if (input) {                                                           \
            const char *got = have_reply ? reply.text : "";                    \
            const char *want = expected ? expected : "";                       \
            if (print) {                                                       \
                if (got[0]) printf("%s\n", got);                               \
            } else if (strcmp(got, want) != 0) {                               \
                failures++;                                                    \
                fprintf(stderr, "%s:%d: > %s\n--- expected\n%s\n--- got\n%s\n", \
                        path, input_line, input, want, got);                   \
            }                                                                  \
            free(input);                                                       \
            input = NULL;                                                      \
        }                                                                      \
        free(expected);                                                        \
        expected = NULL;                                                       \
        expected_len = 0;                                                      \
    } while (0)

    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        lineno++;
        size_t len = strlen(line);
        if (len && line[len - 1] == '\r') line[--len] = '\0';
        int directive = line[0] == '@' || line[0] == '#' || line[0] == '>';
        if (directive) SETTLE();
        if (print && (directive || !input)) printf("%s\n", line);
        if (line[0] == '#' || len == 0) continue;
        if (line[0] == '@') {
            if (strncmp(line, "@tz ", 4) == 0) {
                snprintf(tz, sizeof tz, "%s", line + 4);
            } else if (strncmp(line, "@now ", 5) == 0) {
                if (clock_parse_rfc3339(line + 5, &now_ms) != 0) failures++;
                if (started) {
                    /* what the bot's own clock said meanwhile (#17): the
                     * lines after the directive */
                    char command[128];
                    snprintf(command, sizeof command, ":now %s", line + 5);
                    have_reply = chat_session_line(&cs, command, strlen(command), &reply);
                    input = strdup(line);
                    input_line = lineno;
                }
            } else if (strncmp(line, "@user ", 6) == 0) {
                snprintf(user, sizeof user, "%s", line + 6);
                if (started) snprintf(cs.user, sizeof cs.user, "%s", user);
            } else if (strncmp(line, "@chat ", 6) == 0) {
                chat_id = strtoll(line + 6, NULL, 10);
                if (started) cs.chat_id = chat_id;
            } else {
                fprintf(stderr, "%s:%d: unknown directive\n", path, lineno);
                failures++;
            }
            continue;
        }
        if (line[0] == '>') {
            if (!started) {
                b = bot_new(s, tz, err, sizeof err);
                if (b == NULL || chat_session_start(&cs, b, s, STORE_DEFAULT_FAMILY, chat_id,
                                                    user, 1, now_ms, err, sizeof err) != 0) {
                    fprintf(stderr, "%s: %s\n", path, err);
                    failures++;
                    break;
                }
                started = 1;
            }
            const char *message = line[1] == ' ' ? line + 2 : line + 1;
            input = strdup(message);
            input_line = lineno;
            have_reply = chat_session_line(&cs, message, strlen(message), &reply);
            continue;
        }
        add_line(&expected, &expected_len, line);
    }
    SETTLE();
#undef SETTLE
    if (started) chat_session_end(&cs);
    bot_free(b);
    store_close(s);
    free(text);
    return failures;
}

static void run_case(void **state) {
    const transcript *t = *state;
    if (run_transcript(t->path, 0) != 0) fail_msg("%s: replies differ", t->path);
}

int main(int argc, char **argv) {
    char err[256];
    if (clock_init(err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    if (argc == 3 && strcmp(argv[1], "--print") == 0)
        return run_transcript(argv[2], 1);
    if (argc > 1 && strcmp(argv[1], "--dynamodb") == 0) {
        if (dynalite_env() != 0) return 2;
        on_dynamodb = 1;
        argv++;
        argc--;
    }
    if (argc < 2) {
        fprintf(stderr, "usage: transcript_test FILE... | --print FILE\n");
        return 2;
    }
    int n = argc - 1;
    transcript *cases = calloc((size_t)n, sizeof *cases);
    struct CMUnitTest *tests = calloc((size_t)n, sizeof *tests);
    for (int i = 0; i < n; i++) {
        const char *base = strrchr(argv[i + 1], '/');
        cases[i].path = argv[i + 1];
        snprintf(cases[i].name, sizeof cases[i].name, "%s", base ? base + 1 : argv[i + 1]);
        tests[i].name = cases[i].name;
        tests[i].test_func = run_case;
        tests[i].initial_state = &cases[i];
    }
    int failed = _cmocka_run_group_tests(on_dynamodb ? "transcripts(dynamodb)"
                                                     : "transcripts(sqlite)",
                                         tests, (size_t)n, NULL, NULL);
    free(tests);
    free(cases);
    return failed;
}
