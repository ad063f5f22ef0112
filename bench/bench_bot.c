/* bench_bot.c -- messages through the bot core on a store: by default a
 * SQLite file on disk in WAL mode, as `milkbot chat` uses it; with
 * -s dynamodb:TABLE, DynamoDB (AWS settings from the environment; bench/run
 * points them at a local dynalite), where it also counts HTTP requests.
 *
 *   bench_bot [-n ROUNDS] [-d DIR] [-s dynamodb:TABLE]
 *
 * Each round, every one of 8 families records a feeding ("120ml formula",
 * one every 3 hours, so about 8 a day) and asks for the day's total, the
 * two messages a family sends most; on DynamoDB also "week" and "undo"
 * (then the feeding again). Prints the cost of each kind. Not a test: it
 * asserts nothing. */
#include "bot/bot.h"
#include "clock/clock.h"
#include "store/store.h"
#include "store/store_dynamodb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FAMILIES 8

static double seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef struct {
    const char *name, *text;
    double seconds;
    unsigned long requests;
    int count;
} kind;

int main(int argc, char **argv) {
    int rounds = 2000;
    const char *dir = "/tmp", *spec_arg = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-n") && i + 1 < argc) rounds = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-d") && i + 1 < argc) dir = argv[++i];
        else if (!strcmp(argv[i], "-s") && i + 1 < argc) spec_arg = argv[++i];
        else {
            fprintf(stderr, "usage: bench_bot [-n ROUNDS] [-d DIR] [-s dynamodb:TABLE]\n");
            return 2;
        }
    }
    char path[4096], spec[4200], err[512];
    int dynamodb = spec_arg && strncmp(spec_arg, "dynamodb:", 9) == 0;
    snprintf(path, sizeof path, "%s/bench-bot-%d.db", dir, (int)getpid());
    if (dynamodb)
        snprintf(spec, sizeof spec, "%s", spec_arg);
    else
        snprintf(spec, sizeof spec, "sqlite:%s", path);
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

    kind kinds[] = {
        {"record", "120ml formula", 0, 0, 0},
        {"total", "total?", 0, 0, 0},
        {"week", "week", 0, 0, 0},
        {"undo", "undo", 0, 0, 0},
        {"record again", "120ml formula", 0, 0, 0},
    };
    int nkinds = dynamodb ? 5 : 2;
    int64_t now = 1764316800000LL; /* 2025-11-28T08:00:00Z */
    int failures = 0;
    for (int r = 0; r < rounds; r++) {
        for (int f = 0; f < FAMILIES; f++) {
            for (int k = 0; k < nkinds; k++) {
                bot_result out;
                char family[STORE_FAMILY_MAX];
                snprintf(family, sizeof family, "b%d", f);
                bot_message m = {.family = family, .chat_id = 1000 + f,
                                 .from_id = 1000 + f, .who = "Alex", .now_ms = now,
                                 .entered_ms = now};
                m.message_id = (int64_t)r * nkinds + k + 1;
                m.text = kinds[k].text;
                m.len = strlen(kinds[k].text);
                unsigned long before = dynamodb ? dynamo_request_count(store_dynamodb_client(s)) : 0;
                double t0 = seconds();
                failures += bot_handle(b, &m, &out) != BOT_OK;
                kinds[k].seconds += seconds() - t0;
                if (dynamodb)
                    kinds[k].requests += dynamo_request_count(store_dynamodb_client(s)) - before;
                kinds[k].count++;
            }
        }
        now += 3 * 3600 * 1000LL;
    }
    if (dynamodb)
        printf("store: DynamoDB (%s), %d families, %d rounds\n", spec + 9, FAMILIES, rounds);
    else
        printf("store: SQLite file in WAL mode (synchronous=NORMAL), %d families, "
               "%d feedings recorded\n", FAMILIES, rounds * FAMILIES);
    for (int k = 0; k < nkinds; k++) {
        printf("%-14s %9.1f us/message %10.0f messages/s", kinds[k].name,
               kinds[k].seconds * 1e6 / kinds[k].count, kinds[k].count / kinds[k].seconds);
        if (dynamodb)
            printf("  %.1f requests/message", (double)kinds[k].requests / kinds[k].count);
        printf("\n");
    }
    if (failures) printf("(%d messages failed)\n", failures);
    bot_free(b);
    store_close(s);
    if (!dynamodb) {
        char wal[4200];
        unlink(path);
        snprintf(wal, sizeof wal, "%s-wal", path);
        unlink(wal);
        snprintf(wal, sizeof wal, "%s-shm", path);
        unlink(wal);
    }
    return failures ? 1 : 0;
}
