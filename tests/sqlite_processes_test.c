/* sqlite_processes_test.c -- several processes on one SQLite file (#11):
 * what the in-process tests cannot reach, because SQLite's locks are
 * per process and the races need the operating system's interleaving.
 *
 *   - Several processes open a brand-new file at the same instant (released
 *     together from a pipe), many times over: every one opens, migrates or
 *     finds the schema migrated, and records a feeding; none sees "database
 *     is locked" or "table feedings already exists", and every feeding a
 *     process was told it recorded is in the file afterwards.
 *   - Three `milkbot chat` processes on one file take turns, then all type
 *     at once: every feeding is stored exactly once, and every reply names
 *     the feeding its own process sent (a message numbered like another
 *     process's would be taken for that one's redelivery, and lost). The
 *     same again with the three started together on a new file.
 *
 * usage: sqlite_processes_test path/to/milkbot */
#define _GNU_SOURCE /* pipe2 */
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

static const char *milkbot;
static char dir[] = "/tmp/milkbot-processes-XXXXXX";

enum {
    OPENERS = 8,  /* processes opening one new file at once */
    ROUNDS = 40,  /* new files, each opened by all of them */
    CHATTERS = 3, /* `milkbot chat` processes on one file */
    FEEDS = 20,   /* feedings each of them sends */
};

/* ---- opening a new file at once ----------------------------------------- */

/* In a child: waits for the start (the parent closes the pipe), opens
 * `spec`, records one feeding in chat `chat`; the exit status says how far
 * it got, and stderr why not. Never returns. */
static void open_and_record(int start_fd, const char *spec, int64_t chat) {
    char err[STORE_ERR_MAX], buf[1];
    while (read(start_fd, buf, 1) < 0 && errno == EINTR) {}
    store *s = store_open(spec, err, sizeof err);
    if (s == NULL) {
        fprintf(stderr, "process %lld: %s\n", (long long)chat, err);
        _exit(1);
    }
    store_feeding f = {.chat_id = chat, .message_id = 1, .line = 1, .from_id = chat,
                       .at_ms = 1000 * chat, .amount_ml = (int)chat,
                       .kind = PHRASE_MILK};
    size_t n = 1;
    int already;
    char family[STORE_FAMILY_MAX];
    snprintf(family, sizeof family, "f%lld", (long long)chat);
    store_settings settings;
    int rc = s->ops->get_settings(s, family, 0, &settings, err);
    if (rc == STORE_OK) rc = s->ops->add_message(s, family, &f, &n, &already, err);
    if (rc != STORE_OK) fprintf(stderr, "process %lld: %s\n", (long long)chat, err);
    store_close(s);
    _exit(rc == STORE_OK && !already ? 0 : 2);
}

/* Every process opens one brand-new file at the same moment, and what
 * each was told it recorded is there. */
static void test_new_file_opened_at_once(void **state) {
    (void)state;
    int failures = 0, lost = 0;
    for (int round = 0; round < ROUNDS; round++) {
        char spec[256], err[STORE_ERR_MAX];
        snprintf(spec, sizeof spec, "sqlite:%s/new-%d.db", dir, round);
        int start[2];
        assert_int_equal(pipe(start), 0);
        pid_t pids[OPENERS];
        for (int i = 0; i < OPENERS; i++) {
            pids[i] = fork();
            assert_true(pids[i] >= 0);
            if (pids[i] == 0) {
                close(start[1]);
                open_and_record(start[0], spec, i + 1);
            }
        }
        close(start[0]);
        close(start[1]); /* go */
        int ok[OPENERS];
        for (int i = 0; i < OPENERS; i++) {
            int status;
            assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
            ok[i] = WIFEXITED(status) && WEXITSTATUS(status) == 0;
            failures += !ok[i];
        }
        store *s = store_open(spec, err, sizeof err);
        if (s == NULL) fprintf(stderr, "round %d: %s\n", round, err);
        assert_non_null(s);
        for (int i = 0; i < OPENERS; i++) {
            store_list list = {0};
            char family[STORE_FAMILY_MAX];
            snprintf(family, sizeof family, "f%d", i + 1);
            assert_int_equal(s->ops->list_range(s, family, 0, INT64_MAX / 2,
                                                &list, err), STORE_OK);
            if (ok[i] && list.count != 1) {
                fprintf(stderr, "round %d: process %d's feeding was recorded "
                        "and is not there\n", round, i + 1);
                lost++;
            }
            store_list_free(&list);
        }
        store_close(s);
    }
    if (failures)
        fprintf(stderr, "%d of %d processes failed to open a new file and "
                "record\n", failures, OPENERS * ROUNDS);
    assert_int_equal(lost, 0);
    assert_int_equal(failures, 0);
}

/* ---- `milkbot chat` processes taking turns ------------------------------ */

typedef struct {
    pid_t pid;
    int to;      /* its stdin */
    FILE *from;  /* its stdout */
} chatter;

static void chatter_start(chatter *c, const char *db, const char *user) {
    int in[2], out[2];
    char spec[300];
    snprintf(spec, sizeof spec, "sqlite:%s", db);
    /* close-on-exec: the next chat must not hold this one's stdin open */
    assert_int_equal(pipe2(in, O_CLOEXEC), 0);
    assert_int_equal(pipe2(out, O_CLOEXEC), 0);
    c->pid = fork();
    assert_true(c->pid >= 0);
    if (c->pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]); close(in[1]); close(out[0]); close(out[1]);
        execl(milkbot, milkbot, "chat", "--store", spec, "--tz", "UTC",
              "--now", "2026-11-28T15:00:00Z", "--user", user, (char *)NULL);
        perror(milkbot);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    c->to = in[1];
    c->from = fdopen(out[0], "r");
    assert_non_null(c->from);
}

static void chatter_say(chatter *c, int amount) {
    char line[32];
    int len = snprintf(line, sizeof line, "%dml\n", amount);
    /* a chat that ended early is reported by its exit status */
    if (write(c->to, line, (size_t)len) != len) perror("writing to a chat");
}

/* Reads one reply and checks it is about `amount`, the feeding this
 * process sent, not another's. Returns 1 when it is. */
static int chatter_hears(chatter *c, int amount) {
    char reply[1024], expected[64];
    if (fgets(reply, sizeof reply, c->from) == NULL) {
        fprintf(stderr, "no reply to %d ml\n", amount);
        return 0;
    }
    reply[strcspn(reply, "\n")] = '\0';
    snprintf(expected, sizeof expected, "\xF0\x9F\x8D\xBC %d ml milk at", amount);
    if (strncmp(reply, expected, strlen(expected)) == 0) return 1;
    fprintf(stderr, "sent %d ml, got \"%s\"\n", amount, reply);
    return 0;
}

static int chatter_end(chatter *c) {
    int status;
    close(c->to);
    fclose(c->from);
    if (waitpid(c->pid, &status, 0) != c->pid) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Process p's k-th feeding (p, k from 0): an amount no other one has. */
static int amount_of(int p, int k) { return 100 * (p + 1) + k + 1; }

/* CHATTERS `milkbot chat` processes on the file `db`, each sending `feeds`
 * feedings (at most 99): the first half in turns, each waiting for its
 * answer before the next types, the rest all at once. Returns the number of
 * problems, each said on stderr: a chat that failed, a reply naming
 * another's feeding, a feeding missing, doubled or unknown. */
static int chat_processes(const char *db, int feeds) {
    static const char *const users[CHATTERS] = {"Alex", "Sam", "Kim"};
    char spec[300], err[STORE_ERR_MAX];
    chatter c[CHATTERS];
    for (int p = 0; p < CHATTERS; p++) chatter_start(&c[p], db, users[p]);
    int wrong = 0, failed = 0;
    for (int k = 0; k < feeds / 2; k++)
        for (int p = 0; p < CHATTERS; p++) {
            chatter_say(&c[p], amount_of(p, k));
            wrong += !chatter_hears(&c[p], amount_of(p, k));
        }
    for (int p = 0; p < CHATTERS; p++)
        for (int k = feeds / 2; k < feeds; k++) chatter_say(&c[p], amount_of(p, k));
    for (int p = 0; p < CHATTERS; p++)
        for (int k = feeds / 2; k < feeds; k++)
            wrong += !chatter_hears(&c[p], amount_of(p, k));
    for (int p = 0; p < CHATTERS; p++) failed += chatter_end(&c[p]) != 0;

    /* every feeding once, none of another amount */
    int seen[CHATTERS][100] = {{0}};
    snprintf(spec, sizeof spec, "sqlite:%s", db);
    store *s = store_open(spec, err, sizeof err);
    if (s == NULL) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    store_list list = {0};
    int strays = 0, missing = 0, doubled = 0;
    /* `milkbot chat` writes in the default family's log */
    if (s->ops->list_range(s, STORE_DEFAULT_FAMILY, 0, INT64_MAX / 2, &list, err) !=
        STORE_OK) {
        fprintf(stderr, "%s\n", err);
        strays++;
    }
    for (size_t i = 0; i < list.count; i++) {
        int p = list.items[i].amount_ml / 100 - 1, k = list.items[i].amount_ml % 100 - 1;
        if (p >= 0 && p < CHATTERS && k >= 0 && k < feeds) seen[p][k]++;
        else strays++;
    }
    for (int p = 0; p < CHATTERS; p++)
        for (int k = 0; k < feeds; k++) {
            if (seen[p][k] == 0) missing++;
            if (seen[p][k] > 1) doubled++;
        }
    if (failed || wrong || missing || doubled || strays)
        fprintf(stderr, "%d chats failed; %d replies missing or naming another "
                "feeding; %d feedings missing, %d stored twice, %zu stored in "
                "all (of %d)\n", failed, wrong, missing, doubled, list.count,
                CHATTERS * feeds);
    store_list_free(&list);
    store_close(s);
    return failed + wrong + missing + doubled + strays;
}

/* On a file they share from the start, three parents chat for a while. */
static void test_chat_processes_take_turns(void **state) {
    (void)state;
    char db[256], spec[300], err[STORE_ERR_MAX];
    snprintf(db, sizeof db, "%s/family.db", dir);
    snprintf(spec, sizeof spec, "sqlite:%s", db);
    /* the file exists before they start: see the next test for a new one */
    store *s = store_open(spec, err, sizeof err);
    assert_non_null(s);
    store_close(s);
    assert_int_equal(chat_processes(db, FEEDS), 0);
}

/* Three parents start `milkbot chat` on a new file at once, again and
 * again: each is answered with its own feedings, all of them stored. */
static void test_chat_processes_on_new_file(void **state) {
    (void)state;
    int problems = 0;
    for (int round = 0; round < ROUNDS / 4; round++) {
        char db[256];
        snprintf(db, sizeof db, "%s/new-family-%d.db", dir, round);
        problems += chat_processes(db, 4);
    }
    assert_int_equal(problems, 0);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: sqlite_processes_test path/to/milkbot\n");
        return 2;
    }
    milkbot = argv[1];
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN); /* a chat that died is reported, not fatal */
    alarm(300);               /* a hung process fails the test, not CI */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_file_opened_at_once),
        cmocka_unit_test(test_chat_processes_take_turns),
        cmocka_unit_test(test_chat_processes_on_new_file),
    };
    int failed = cmocka_run_group_tests_name("sqlite_processes", tests, NULL, NULL);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return failed;
}
