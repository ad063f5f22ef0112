/* bench_bot.c -- messages per second through the bot core on the SQLite
 * store: a file on disk in WAL mode, as `milkbot chat` uses it.
 *
 *   bench_bot [-n ROUNDS] [-d DIR]
 *
 * Each round, every one of 8 families records a feeding ("120ml formula",
 * one every 3 hours, so about 8 a day) and asks for the day's total, the
 * two messages a family sends most. Prints the cost of each kind and of the
 * mix. Not a test: it asserts nothing. */
#include "bot/bot.h"
#include "clock/clock.h"
#include "store/store.h"

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

int main(int argc, char **argv) {
    int rounds = 2000;
    const char *dir = "/tmp";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-n") && i + 1 < argc) rounds = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-d") && i + 1 < argc) dir = argv[++i];
        else {
            fprintf(stderr, "usage: bench_bot [-n ROUNDS] [-d DIR]\n");
            return 2;
        }
    }
    char path[4096], spec[4200], err[512];
    snprintf(path, sizeof path, "%s/bench-bot-%d.db", dir, (int)getpid());
    snprintf(spec, sizeof spec, "sqlite:%s", path);
    if (clock_init(err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    store *s = store_open(spec, err, sizeof err);
    bot *b = s ? bot_new(s, "Europe/London", err, sizeof err) : NULL;
    if (b == NULL) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }

    int64_t now = 1764316800000LL; /* 2025-11-28T08:00:00Z */
    double t_record = 0, t_total = 0;
    int failures = 0;
    static const char record[] = "120ml formula", total[] = "total?";
    for (int r = 0; r < rounds; r++) {
        for (int f = 0; f < FAMILIES; f++) {
            bot_result out;
            bot_message m = {.chat_id = 1000 + f, .who = "Alex", .now_ms = now,
                             .entered_ms = now};
            m.message_id = 2 * r + 1;
            m.text = record;
            m.len = sizeof record - 1;
            double t0 = seconds();
            failures += bot_handle(b, &m, &out) != BOT_OK || out.recorded != 1;
            double t1 = seconds();
            m.message_id = 2 * r + 2;
            m.text = total;
            m.len = sizeof total - 1;
            failures += bot_handle(b, &m, &out) != BOT_OK;
            double t2 = seconds();
            t_record += t1 - t0;
            t_total += t2 - t1;
        }
        now += 3 * 3600 * 1000LL;
    }
    int n = rounds * FAMILIES;
    printf("store: SQLite file in WAL mode (synchronous=NORMAL), %d families, "
           "%d feedings recorded\n", FAMILIES, n);
    printf("%-16s %9.1f us/message %10.0f messages/s\n", "record", t_record * 1e6 / n,
           n / t_record);
    printf("%-16s %9.1f us/message %10.0f messages/s\n", "total", t_total * 1e6 / n,
           n / t_total);
    printf("%-16s %9.1f us/message %10.0f messages/s\n", "record + total",
           (t_record + t_total) * 1e6 / (2 * n), 2 * n / (t_record + t_total));
    if (failures) printf("(%d messages failed)\n", failures);
    bot_free(b);
    store_close(s);
    char wal[4200];
    unlink(path);
    snprintf(wal, sizeof wal, "%s-wal", path);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", path);
    unlink(wal);
    return failures ? 1 : 0;
}
