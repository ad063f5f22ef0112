/* schedule_tool.c -- a tick's store calls, one process each, for the fault
 * tests (tests/dynamodb_fault_test.py) to run through their proxy: there
 * the claim's answer can be lost on the wire, which no in-process test can
 * do. One schedule: family "family", chat 1, "remind every 3h", due at T
 * (2026-11-28T15:00:00Z).
 *   schedule_tool STORE put            sets it; prints "set"
 *   schedule_tool STORE tick NAME      reads the due schedules at T and
 *                                      claims the first as attempt NAME
 *                                      (next due T + 3 h); prints "won",
 *                                      "lost" or "none due"
 *   schedule_tool STORE late NAME      claims it as a tick that read it
 *                                      before (due at T); prints "won" or
 *                                      "lost"
 *   schedule_tool STORE move           moves chat 1's schedules to chat
 *                                      NEW_CHAT (the group became a
 *                                      supergroup); prints "moved N"
 * Exit 0, or 1 with the store's message on stderr. */
#include "store/store.h"

#include <stdio.h>
#include <string.h>

#define T 1795878000000LL /* 2026-11-28T15:00:00Z */
#define NEXT (T + 3 * 3600 * 1000LL)
#define NEW_CHAT (-1001000000001LL)

static store_schedule the_schedule(void) {
    store_schedule sc = {.family = "family", .chat_id = 1, .kind = STORE_REMIND_EVERY,
                         .due_ms = T, .every_min = 180, .set_ms = T - 3600 * 1000LL};
    store_stamp(sc.set_ms, 1, 5, sc.by);
    return sc;
}

int main(int argc, char **argv) {
    char err[STORE_ERR_MAX];
    int alone = argc == 3 && (strcmp(argv[2], "put") == 0 || strcmp(argv[2], "move") == 0);
    if (!alone && argc != 4) {
        fprintf(stderr, "usage: schedule_tool STORE put|move|tick NAME|late NAME\n");
        return 2;
    }
    store *s = store_open(argv[1], err, sizeof err);
    if (s == NULL) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    int status = STORE_OK;
    store_schedule sc = the_schedule();
    if (strcmp(argv[2], "put") == 0) {
        int stale;
        status = s->ops->put_schedule(s, &sc, &stale, err);
        if (status == STORE_OK) puts(stale ? "stale" : "set");
    } else if (strcmp(argv[2], "move") == 0) {
        int moved;
        status = s->ops->move_schedules(s, sc.family, sc.chat_id, NEW_CHAT, &moved, err);
        if (status == STORE_OK) printf("moved %d\n", moved);
    } else {
        store_schedule due[STORE_DUE_MAX];
        size_t n = 1;
        int won = 0;
        if (strcmp(argv[2], "tick") == 0) {
            status = s->ops->due_schedules(s, T, due, STORE_DUE_MAX, &n, err);
            if (status == STORE_OK && n > 0) sc = due[0];
        }
        if (status == STORE_OK && n > 0)
            status = s->ops->claim_schedule(s, &sc, NEXT, T, argv[3], &won, err);
        if (status == STORE_OK) puts(n == 0 ? "none due" : won ? "won" : "lost");
    }
    if (status != STORE_OK) fprintf(stderr, "%s\n", err);
    store_close(s);
    return status == STORE_OK ? 0 : 1;
}
