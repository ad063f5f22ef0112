/* bench_history.c -- what one message costs as a chat's history grows, on
 * each store (#11, "Reads bounded by what the reply shows"): the latency,
 * the HTTP requests and the bytes read of each kind of message, against
 * how many feedings the chat holds and how old they are.
 *
 *   bench_history [-n SIZES] [-r REPEATS] [-d DIR] [-s STORE]...
 *
 * STORE is "sqlite" (the default: a fresh file in DIR per history, WAL
 * mode, as `milkbot chat` uses it) or "dynamodb:TABLE" (AWS settings from
 * the environment; bench/run points them at a local dynalite; the table is
 * created unless it exists, and each history is a chat of its own); -s may
 * be given more than once. SIZES is a comma-separated list of history
 * sizes (default 10,200,2000); REPEATS, the messages of each kind timed
 * (default 7).
 *
 * Histories, for each size N, in Europe/London, "now" being Friday
 * 2025-11-28 15:00 UTC:
 *   day    N feedings today, evenly between midnight and now
 *   week   N feedings evenly over the 7 local days that "week" shows
 *   older  N feedings older than 8 days (the store's current window), one
 *          every 3 hours going back, and 4 today
 * Every history also holds REPEATS + 1 feedings 3 to 4 weeks old, each
 * alone in its message: the old replies whose Undo button is pressed. The
 * history is loaded through the store's own API (get_settings, then
 * add_message with up to 24 feedings a message, in time order), not
 * through the bot, so that loading stays fast.
 *
 * Then, REPEATS + 1 times (the first a warm-up, not counted), a minute
 * apart, through the bot core (bot_handle, bot_undo_feeding): record
 * ("120ml formula"), total ("total?"), week, undo (which takes back that
 * record, so the history keeps its size), last, and the Undo button of
 * one of the old replies ("button"). Prints, per store, history, size and message,
 * the median latency; on DynamoDB the HTTP requests and the bytes of
 * response bodies per message; on SQLite the pages it fetched from its
 * page cache per message (its b-tree pages touched, read from the file or
 * not: SQLite's "bytes read"), counted by a wrapper around its cache
 * (SQLITE_CONFIG_PCACHE2). Counts are means; what a store has no use for
 * is "n/a".
 * Not a test: it asserts nothing, but says when a reply was not the one
 * expected. */
#include "aws/dynamodb.h"
#include "bot/bot.h"
#include "clock/clock.h"
#include "store/store.h"
#include "store/store_dynamodb.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ZONE "Europe/London"
#define NOW_MS 1764342000000LL /* 2025-11-28T15:00:00Z, a Friday */
#define MINUTE_MS (60 * 1000LL)
#define HOUR_MS (60 * MINUTE_MS)
#define DAY_MS (24 * HOUR_MS)
#define MAX_STORES 4
#define MAX_SIZES 16
#define MAX_REPEATS 1000
#define OLDER_TODAY 4 /* the feedings today in an "older" history */

typedef enum { SHAPE_DAY, SHAPE_WEEK, SHAPE_OLDER, SHAPE_COUNT } shape;

static const char *const shape_names[SHAPE_COUNT] = {"day", "week", "older"};

/* The messages measured, in the order they are sent each repeat; `text`
 * NULL is the Undo button of an old reply. `expect` is a piece of the
 * reply that shows the message did what it should. */
typedef struct {
    const char *name, *text, *expect;
} message_kind;

static const message_kind kinds[] = {
    {"record", "120ml formula", "120 ml formula"},
    {"total", "total?", "Today"},
    {"week", "week", "Average"},
    {"undo", "undo", "Removed 120 ml formula"},
    {"last", "last", "Last feed"},
    {"button", NULL, "Removed"},
};
#define KINDS (int)(sizeof kinds / sizeof kinds[0])

/* One message kind's figures over the counted repeats. */
typedef struct {
    double seconds[MAX_REPEATS];
    unsigned long requests;
    unsigned long long bytes, pages;
    int count, unexpected;
} figures;

/* A feeding to load: its instant, and whether it is an old reply whose
 * Undo button is pressed (alone in its message). */
typedef struct {
    int64_t at_ms;
    int target;
} planned;

/* SQLite's own page cache, and the pages fetched from it so far. */
static sqlite3_pcache_methods2 sqlite_pcache;
static unsigned long long pages_fetched;
static int counting_pages;

static sqlite3_pcache_page *counting_fetch(sqlite3_pcache *cache, unsigned key,
                                           int create) {
    pages_fetched++;
    return sqlite_pcache.xFetch(cache, key, create);
}

/* Counts every page SQLite fetches from now on. Must run before SQLite is
 * first used (sqlite3_config's rule); returns -1 when it cannot. */
static int count_sqlite_pages(void) {
    static sqlite3_pcache_methods2 counting;
    if (sqlite3_config(SQLITE_CONFIG_GETPCACHE2, &sqlite_pcache) != SQLITE_OK)
        return -1;
    counting = sqlite_pcache;
    counting.xFetch = counting_fetch;
    if (sqlite3_config(SQLITE_CONFIG_PCACHE2, &counting) != SQLITE_OK) return -1;
    counting_pages = 1;
    return 0;
}

static double seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int by_instant(const void *a, const void *b) {
    int64_t x = ((const planned *)a)->at_ms, y = ((const planned *)b)->at_ms;
    return (x > y) - (x < y);
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, by_value);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* "2 cores, Intel(R) Xeon(R) ...": for the header, so that figures name
 * the machine they were measured on. */
static void machine(char *out, size_t size) {
    char line[512], model[256] = "unknown CPU";
    FILE *f = fopen("/proc/cpuinfo", "r");
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "model name", 10) == 0 && strchr(line, ':')) {
            const char *v = strchr(line, ':') + 1;
            while (*v == ' ' || *v == '\t') v++;
            snprintf(model, sizeof model, "%s", v);
            model[strcspn(model, "\n")] = '\0';
            break;
        }
    if (f) fclose(f);
    snprintf(out, size, "%ld cores, %s", sysconf(_SC_NPROCESSORS_ONLN), model);
}

/* The instants of a history of `shape` and size n, plus `targets` old
 * replies, in time order. Returns NULL when out of memory; *count is
 * set. */
static planned *plan_history(clock_zone *zone, shape sh, int n, int targets,
                             size_t *count) {
    size_t total = (size_t)n + (sh == SHAPE_OLDER ? OLDER_TODAY : 0) + (size_t)targets;
    planned *p = calloc(total, sizeof *p);
    if (p == NULL) return NULL;
    clock_local now;
    clock_to_local(zone, NOW_MS, &now);
    int64_t midnight = clock_from_local(zone, now.date, 0, 0);
    int64_t week_start = clock_from_local(zone, clock_date_add(now.date, -6), 0, 0);
    /* feedings end 10 minutes before now, so "last" has one to show and
     * nothing lies in the future */
    int64_t end = NOW_MS - 10 * MINUTE_MS;
    size_t k = 0;
    for (int i = 0; i < n; i++) {
        int64_t at;
        if (sh == SHAPE_DAY)
            at = midnight + (end - midnight) * i / n;
        else if (sh == SHAPE_WEEK)
            at = week_start + (end - week_start) * i / n;
        else
            at = NOW_MS - 8 * DAY_MS - 3 * HOUR_MS * (1 + (int64_t)i);
        p[k++] = (planned){at, 0};
    }
    for (int i = 0; sh == SHAPE_OLDER && i < OLDER_TODAY; i++)
        p[k++] = (planned){midnight + (end - midnight) * i / OLDER_TODAY, 0};
    /* old replies 3 to 4 weeks back, at 7:30 (not on the 3-hour grid) */
    for (int i = 0; i < targets; i++) {
        clock_date d = clock_date_add(now.date, -21 - i % 8);
        p[k++] = (planned){clock_from_local(zone, d, 7, 30) + i / 8 * MINUTE_MS, 1};
    }
    qsort(p, k, sizeof *p, by_instant);
    *count = k;
    return p;
}

static void fill_feeding(clock_zone *zone, int64_t chat_id, int64_t message_id,
                         int line, int64_t at_ms, int64_t sent_ms,
                         store_feeding *f) {
    clock_local at;
    memset(f, 0, sizeof *f);
    f->chat_id = chat_id;
    f->message_id = message_id;
    f->line = line;
    f->from_id = chat_id;
    f->sent_ms = sent_ms;
    f->at_ms = at_ms;
    clock_to_local(zone, at_ms, &at);
    clock_format_rfc3339(&at, f->at);
    clock_format_date(at.date, f->day);
    f->amount_ml = 90 + 10 * (int)(message_id % 7);
    f->kind = line % 2 ? PHRASE_FORMULA : PHRASE_BREASTMILK;
    snprintf(f->who, sizeof f->who, "%s", line % 3 ? "Alex" : "Sam");
    snprintf(f->text, sizeof f->text, "%02d:%02d %d ml %s", at.hour, at.minute,
             f->amount_ml, f->kind == PHRASE_FORMULA ? "formula" : "breast milk");
    f->entered_at_ms = sent_ms;
}

/* Writes one message of history, as the bot would: the turn begun at the
 * time it was sent (a minute after its last feeding), then its
 * feedings. */
static int load_message(store *s, const char *family, store_feeding *feeds,
                        size_t n, char *err) {
    store_settings settings;
    int already;
    if (n == 0) return STORE_OK;
    if (s->ops->get_settings(s, family, feeds[0].entered_at_ms, &settings, err) != STORE_OK)
        return STORE_ERROR;
    return s->ops->add_message(s, family, feeds, &n, &already, err);
}

/* Loads a planned history into `family`'s log, written by user `chat_id`
 * in their private chat, numbering its messages from 1; the message ids of
 * the old replies go to targets[], their feedings' instants (which their
 * Undo buttons carry) to target_at[]. */
static int load_history(store *s, clock_zone *zone, const char *family, int64_t chat_id,
                        const planned *p, size_t count, int64_t *targets,
                        int64_t *target_at, int64_t *next_id, char *err) {
    store_feeding feeds[STORE_MESSAGE_MAX_FEEDINGS];
    size_t n = 0;
    int64_t id = 1;
    int t = 0;
    for (size_t i = 0; i < count; i++) {
        if (p[i].target || n == STORE_MESSAGE_MAX_FEEDINGS) {
            if (load_message(s, family, feeds, n, err) != STORE_OK) return STORE_ERROR;
            if (n) id++;
            n = 0;
        }
        /* a message is sent a minute after its last feeding: the
         * feedings already in it take that time too */
        int64_t sent = p[i].at_ms + MINUTE_MS;
        fill_feeding(zone, chat_id, id, (int)n + 1, p[i].at_ms, sent, &feeds[n]);
        for (size_t j = 0; j < n; j++) feeds[j].entered_at_ms = feeds[j].sent_ms = sent;
        n++;
        if (p[i].target) {
            target_at[t] = p[i].at_ms;
            targets[t++] = id;
            if (load_message(s, family, feeds, n, err) != STORE_OK) return STORE_ERROR;
            id++;
            n = 0;
        }
    }
    if (load_message(s, family, feeds, n, err) != STORE_OK) return STORE_ERROR;
    if (n) id++;
    *next_id = id;
    return STORE_OK;
}

typedef struct {
    const char *spec; /* "sqlite" or "dynamodb:TABLE" */
    int dynamodb;
} store_choice;

typedef struct {
    const char *dir;
    int repeats;
    clock_zone *zone;
    int failures, unexpected;
    char example[256]; /* the first unexpected reply */
} bench;

/* Opens the store for one history: a fresh SQLite file, or the table. */
static store *open_store(const bench *bn, const store_choice *sc, int case_no,
                         char *path, size_t size, char *err) {
    char spec[4200];
    if (sc->dynamodb) {
        snprintf(spec, sizeof spec, "%s", sc->spec);
    } else {
        snprintf(path, size, "%s/bench-history-%d-%d.db", bn->dir, (int)getpid(), case_no);
        snprintf(spec, sizeof spec, "sqlite:%s", path);
    }
    return store_open(spec, err, STORE_ERR_MAX);
}

static void remove_sqlite(const char *path) {
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    char name[4200];
    for (size_t i = 0; i < 3; i++) {
        snprintf(name, sizeof name, "%s%s", path, suffixes[i]);
        unlink(name);
    }
}

/* Loads one history and sends the messages; prints its rows unless
 * `quiet`. Returns 0, or -1 with a message on stderr. */
static int run_case(bench *bn, const store_choice *sc, shape sh, int n, int case_no,
                    int quiet) {
    char err[STORE_ERR_MAX], path[4096] = "";
    int rounds = bn->repeats + 1, rc = -1;
    int64_t chat_id = (int64_t)getpid() * 1000 + case_no, next_id = 1;
    char family[STORE_FAMILY_MAX];
    snprintf(family, sizeof family, "h%lld", (long long)chat_id);
    int64_t *targets = calloc((size_t)rounds, sizeof *targets);
    int64_t *target_at = calloc((size_t)rounds, sizeof *target_at);
    figures *fig = calloc(KINDS, sizeof *fig);
    size_t count = 0;
    planned *plan = plan_history(bn->zone, sh, n, rounds, &count);
    store *s = targets && target_at && fig && plan
                   ? open_store(bn, sc, case_no, path, sizeof path, err)
                   : NULL;
    bot *b = s ? bot_new(s, ZONE, err, sizeof err) : NULL;
    if (b == NULL) {
        fprintf(stderr, "%s\n", targets && target_at && fig && plan ? err : "out of memory");
        goto done;
    }
    if (load_history(s, bn->zone, family, chat_id, plan, count, targets, target_at, &next_id, err) !=
        STORE_OK) {
        fprintf(stderr, "loading the history: %s\n", err);
        goto done;
    }
    dynamo_client *client = sc->dynamodb ? store_dynamodb_client(s) : NULL;
    int64_t message_id = next_id + 1000;
    for (int r = 0; r < rounds; r++) {
        int64_t now = NOW_MS + r * MINUTE_MS;
        for (int k = 0; k < KINDS; k++) {
            bot_result out;
            bot_message m = {.family = family, .chat_id = chat_id,
                             .message_id = message_id, .from_id = chat_id,
                             .who = "Alex", .text = kinds[k].text,
                             .len = kinds[k].text ? strlen(kinds[k].text) : 0,
                             .now_ms = now, .entered_ms = now};
            char press[64];
            snprintf(press, sizeof press, "press-%d-%d", case_no, r);
            message_id++;
            unsigned long requests = client ? dynamo_request_count(client) : 0;
            unsigned long long bytes = client ? dynamo_bytes_received(client) : 0;
            unsigned long long pages = pages_fetched;
            double t0 = seconds();
            int status = kinds[k].text
                             ? bot_handle(b, &m, &out)
                             : bot_undo_feeding(b, family, chat_id, targets[r], 1, 1, target_at[r],
                                                press, now, &out);
            double t = seconds() - t0;
            int expected = status == BOT_OK && strstr(out.reply.text, kinds[k].expect);
            bn->failures += status != BOT_OK;
            if (!expected && status == BOT_OK && bn->example[0] == '\0')
                snprintf(bn->example, sizeof bn->example, "%s: %.200s", kinds[k].name,
                         out.reply.text);
            if (r == 0) continue; /* the warm-up */
            figures *f = &fig[k];
            f->seconds[f->count++] = t;
            if (client) {
                f->requests += dynamo_request_count(client) - requests;
                f->bytes += dynamo_bytes_received(client) - bytes;
            }
            f->pages += pages_fetched - pages;
            f->unexpected += !expected;
        }
    }
    for (int k = 0; k < KINDS && !quiet; k++) {
        figures *f = &fig[k];
        printf("%-8s  %-5s  %5d  %-10s  %9.3f ms", sc->dynamodb ? "dynamodb" : "sqlite",
               shape_names[sh], n, kinds[k].name, median(f->seconds, f->count) * 1e3);
        if (client)
            printf("  %8.1f  %11.0f  %7s", (double)f->requests / f->count,
                   (double)f->bytes / f->count, "n/a");
        else if (counting_pages)
            printf("  %8s  %11s  %7.1f", "n/a", "n/a", (double)f->pages / f->count);
        else
            printf("  %8s  %11s  %7s", "n/a", "n/a", "n/a");
        if (f->unexpected) printf("  (%d unexpected replies)", f->unexpected);
        printf("\n");
        bn->unexpected += f->unexpected;
    }
    fflush(stdout);
    rc = 0;
done:
    bot_free(b);
    store_close(s);
    if (path[0]) remove_sqlite(path);
    free(plan);
    free(fig);
    free(targets);
    free(target_at);
    return rc;
}

/* Creates the table of "dynamodb:TABLE" unless it is there. */
static int make_table(const char *spec) {
    char err[512];
    store *s = store_open(spec, err, sizeof err);
    dynamo_status st = s ? dynamo_create_table(store_dynamodb_client(s), spec + 9, err,
                                               sizeof err)
                         : DYNAMO_ERROR;
    store_close(s);
    if (st == DYNAMO_OK || strstr(err, "ResourceInUseException")) return 0;
    fprintf(stderr, "%s\n", err);
    return -1;
}

static int usage(void) {
    fprintf(stderr, "usage: bench_history [-n SIZES] [-r REPEATS] [-d DIR] "
                    "[-s sqlite|dynamodb:TABLE]...\n");
    return 2;
}

int main(int argc, char **argv) {
    bench bn = {.dir = "/tmp", .repeats = 7};
    store_choice stores[MAX_STORES];
    int nstores = 0, sizes[MAX_SIZES] = {10, 200, 2000}, nsizes = 3;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-n") && i + 1 < argc) {
            char *p = argv[++i];
            for (nsizes = 0; nsizes < MAX_SIZES && *p; nsizes++) {
                sizes[nsizes] = (int)strtol(p, &p, 10);
                if (sizes[nsizes] < 1 || sizes[nsizes] > 1000000 || (*p && *p != ','))
                    return usage();
                if (*p) p++;
            }
        } else if (!strcmp(argv[i], "-r") && i + 1 < argc) {
            bn.repeats = atoi(argv[++i]);
            if (bn.repeats < 1 || bn.repeats > MAX_REPEATS - 1) return usage();
        } else if (!strcmp(argv[i], "-d") && i + 1 < argc) {
            bn.dir = argv[++i];
        } else if (!strcmp(argv[i], "-s") && i + 1 < argc && nstores < MAX_STORES) {
            const char *spec = argv[++i];
            int dynamodb = strncmp(spec, "dynamodb:", 9) == 0;
            if (!dynamodb && strcmp(spec, "sqlite") != 0) return usage();
            stores[nstores++] = (store_choice){spec, dynamodb};
        } else {
            return usage();
        }
    }
    if (nstores == 0) stores[nstores++] = (store_choice){"sqlite", 0};

    char err[512], cpu[400];
    count_sqlite_pages(); /* else its column says n/a */
    if (clock_init(err, sizeof err) != 0 ||
        (bn.zone = clock_zone_open(ZONE, err, sizeof err)) == NULL) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    for (int i = 0; i < nstores; i++)
        if (stores[i].dynamodb && make_table(stores[i].spec) != 0) return 1;

    machine(cpu, sizeof cpu);
    printf("machine: %s\n", cpu);
    printf("history: day = N feedings today; week = N over the 7 days of \"week\"; "
           "older = N older than 8 days (3 h apart) + %d today; each + %d "
           "feedings 3-4 weeks old, alone in their messages\n", OLDER_TODAY,
           bn.repeats + 1);
    printf("messages through the bot core, %s, now 2025-11-28T15:00Z; button = the "
           "Undo button of a reply 3-4 weeks old\n", ZONE);
    printf("latency: median of %d (after a warm-up); requests, bytes read (response "
           "bodies) and pages (SQLite's page fetches): mean per message\n\n",
           bn.repeats);
    printf("%-8s  %-5s  %5s  %-10s  %12s  %8s  %11s  %7s\n", "store", "hist", "N",
           "message", "latency", "requests", "bytes read", "pages");
    int case_no = 0, rc = 0;
    for (int i = 0; i < nstores && rc == 0; i++) {
        /* a history not shown first, so that the first one shown does not
         * pay for warming up the store (dynalite's JIT, SQLite's code) */
        rc = run_case(&bn, &stores[i], SHAPE_WEEK, 10, case_no++, 1);
        for (int sh = 0; sh < SHAPE_COUNT && rc == 0; sh++)
            for (int z = 0; z < nsizes && rc == 0; z++)
                rc = run_case(&bn, &stores[i], (shape)sh, sizes[z], case_no++, 0);
    }
    if (bn.failures) printf("(%d messages failed)\n", bn.failures);
    if (bn.example[0]) printf("(an unexpected reply: %s)\n", bn.example);
    clock_zone_close(bn.zone);
    return rc || bn.failures ? 1 : 0;
}
