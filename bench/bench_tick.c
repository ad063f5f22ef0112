/* bench_tick.c -- the bot's own clock (#17): what a tick costs, on a SQLite
 * file (WAL, as `milkbot tick` uses it) or, with -s dynamodb:TABLE, on
 * DynamoDB (AWS settings from the environment; bench/run points them at a
 * local dynalite), where it also counts HTTP requests.
 *
 *   bench_tick [-n TICKS] [-f FAMILIES] [-d DIR] [-s dynamodb:TABLE]
 *
 * FAMILIES families each record a feeding and set a daily summary (due
 * far ahead), so the store holds schedules that are not due. Then: TICKS
 * ticks with nothing due (what almost every tick of the minute clock
 * finds), and TICKS ticks that each find one family's reminder due and say
 * it (to a `say` that only counts). Prints the cost of each. Not a test:
 * it asserts nothing. */
#include "bot/bot.h"
#include "clock/clock.h"
#include "store/store.h"
#include "store/store_dynamodb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define T0 1795867200000LL /* 2026-11-28T12:00:00Z */
#define MINUTE_MS 60000LL

static double seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int count_say(void *ctx, const store_schedule *sc, const char *text,
                     int64_t *moved_to, char *err, size_t errlen) {
    (void)sc;
    (void)moved_to;
    (void)text;
    (void)err;
    (void)errlen;
    ++*(int *)ctx;
    return 0;
}

static unsigned long requests(store *s, int dynamodb) {
    return dynamodb ? dynamo_request_count(store_dynamodb_client(s)) : 0;
}

static int say(bot *b, const char *family, int64_t chat, int64_t id, int64_t at,
               const char *text) {
    bot_message m = {.family = family, .chat_id = chat, .message_id = id, .from_id = chat,
                     .who = "Bench", .text = text, .len = strlen(text), .now_ms = at,
                     .entered_ms = at};
    bot_result r;
    return bot_handle(b, &m, &r);
}

int main(int argc, char **argv) {
    int ticks = 2000, families = 100;
    const char *dir = "/tmp", *spec_arg = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-n") && i + 1 < argc) ticks = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-f") && i + 1 < argc) families = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-d") && i + 1 < argc) dir = argv[++i];
        else if (!strcmp(argv[i], "-s") && i + 1 < argc) spec_arg = argv[++i];
        else {
            fprintf(stderr, "usage: bench_tick [-n TICKS] [-f FAMILIES] [-d DIR] "
                            "[-s dynamodb:TABLE]\n");
            return 2;
        }
    }
    char path[4096], spec[4200], err[512];
    int dynamodb = spec_arg && strncmp(spec_arg, "dynamodb:", 9) == 0;
    snprintf(path, sizeof path, "%s/bench-tick-%d.db", dir, (int)getpid());
    snprintf(spec, sizeof spec, dynamodb ? "%s" : "sqlite:%s", dynamodb ? spec_arg : path);
    if (clock_init(err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    store *s = store_open(spec, err, sizeof err);
    if (s && dynamodb &&
        dynamo_create_table(store_dynamodb_client(s), spec + 9, err, sizeof err) != DYNAMO_OK) {
        store_close(s);
        s = NULL;
    }
    bot *b = s ? bot_new(s, "Europe/London", err, sizeof err) : NULL;
    if (b == NULL) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    /* the families: a feeding and a summary each, nothing due for hours */
    char family[32];
    for (int f = 0; f < families; f++) {
        snprintf(family, sizeof family, "bench%d", f);
        if (say(b, family, 1, 1, T0, "120ml") != BOT_OK ||
            say(b, family, 1, 2, T0, "summary at 11pm") != BOT_OK) {
            fprintf(stderr, "setting up the families failed\n");
            return 1;
        }
    }
    bot_tick_result r;
    int said = 0;
    unsigned long before = requests(s, dynamodb);
    double start = seconds();
    for (int i = 0; i < ticks; i++)
        if (bot_tick(b, T0 + 60 * MINUTE_MS, "bench", NULL, 0, count_say, &said, &r) != BOT_OK) {
            fprintf(stderr, "tick: %s\n", r.error);
            return 1;
        }
    double idle = (seconds() - start) / ticks;
    double idle_requests = (double)(requests(s, dynamodb) - before) / ticks;

    /* ticks that each say one reminder: set one a minute ahead, tick */
    double busy = 0;
    unsigned long busy_requests = 0;
    for (int i = 0; i < ticks; i++) {
        int64_t now = T0 + 120 * MINUTE_MS; /* each tick finds only the new one */
        snprintf(family, sizeof family, "bench%d", i % families);
        if (say(b, family, 1, 10 + i, now - MINUTE_MS, "remind me in 1 min") != BOT_OK) {
            fprintf(stderr, "setting a reminder failed\n");
            return 1;
        }
        before = requests(s, dynamodb);
        start = seconds();
        if (bot_tick(b, now, "bench", NULL, 0, count_say, &said, &r) != BOT_OK || r.said != 1) {
            fprintf(stderr, "tick: %d said; %s\n", r.said, r.error);
            return 1;
        }
        busy += seconds() - start;
        busy_requests += requests(s, dynamodb) - before;
    }
    const char *on = dynamodb ? "DynamoDB" : "SQLite file";
    printf("tick, nothing due  %9.1f us/tick", idle * 1e6);
    if (dynamodb) printf("  %.1f requests/tick", idle_requests);
    printf("  (%s, %d families with a summary set, %d ticks)\n", on, families, ticks);
    printf("tick, 1 reminder   %9.1f us/tick", busy / ticks * 1e6);
    if (dynamodb) printf("  %.1f requests/tick", (double)busy_requests / ticks);
    printf("  (%s: found, claimed, composed; the send not counted)\n", on);
    bot_free(b);
    store_close(s);
    if (!dynamodb) {
        unlink(path);
        char side[4200];
        snprintf(side, sizeof side, "%s-wal", path);
        unlink(side);
        snprintf(side, sizeof side, "%s-shm", path);
        unlink(side);
    }
    return 0;
}
