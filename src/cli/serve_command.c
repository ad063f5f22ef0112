/* serve_command.c -- `milkbot serve`: the real bot without AWS (#18).
 *
 *   milkbot serve [--store SPEC] [--tz ZONE]
 *
 * Reads the bot's updates with the Bot API's getUpdates (a long poll of up
 * to 50 s) and answers each exactly as the webhook does: the same decoding,
 * family rules, bot core and replies (webhook_handle_update), the reply
 * sent with the method it names (sendMessage, answerCallbackQuery; an Undo
 * button's editMessageText too). On the SQLite store by default. Once a
 * minute, between polls, it says what is due (reminders, alerts, daily
 * summaries: the tick of `milkbot tick`).
 *
 * Settings, as the webhook reads them: TELEGRAM_BOT_TOKEN (required),
 * ALLOWED_USER_IDS (required), MILKBOT_FAMILY, TELEGRAM_BOT_USERNAME,
 * MILKBOT_TZ, MILKBOT_UNITS, MILKBOT_STORE; TELEGRAM_API_URL for another
 * Bot API server (tests). No webhook secret: nobody calls serve.
 *
 * Telegram holds either a webhook or getUpdates, never both: serve refuses
 * to start while a webhook is set, and says how to remove it.
 *
 * Exactly once across restarts. Its place in the updates (the last update
 * id handled) is kept in the store, per bot, in the same transaction as
 * the update's effect (store.h, begin_update): the update is handled, its
 * reply sent, and then both are saved at once. A crash or kill -9 at any
 * point before that leaves neither: the update comes again after the
 * restart and is handled as new. At any point after, both are there: the
 * restart goes on from the next one. Only the reply may be said twice (a
 * crash after it went out, before the save; a button's edited message
 * too), and it is not lost, since nothing is saved before it went out --
 * unless Telegram took it and never answered (a timeout): such a reply may
 * have been said, and is not sent again. Telegram's own redelivery
 * changes nothing more, as everywhere: every effect is also keyed by its
 * update or message.
 *
 * The write lock is held while the reply goes out, a round trip to
 * Telegram (a button's two: the edit and the answer). Another process
 * writing to the same file meanwhile (`milkbot chat`) waits for it, up to
 * store_sqlite.c's 5 s; so each Bot API call made inside an update is
 * given at most UPDATE_CALL_MS, and is then taken as sent without an
 * answer.
 *
 * SIGTERM and SIGINT: the update at hand is finished and saved, a poll in
 * progress is given up (its updates come again), and serve exits 0. A Bot
 * API that fails (network, 5xx, 409) is tried again after a wait that
 * doubles from 1 s to 60 s, with jitter; a 429 after the retry_after it
 * says. A store that fails: the update is tried again after the same
 * wait. One line per update on stderr: its id, kind, outcome and ms
 * (never message text, never the token).
 *
 * Exit status: 0 after SIGTERM/SIGINT; 1 when it cannot start for now
 * (the store cannot be opened, the Bot API is unreachable), which may pass
 * by itself; 2 for a usage error or a setting that is wrong (the token --
 * also when Telegram refuses it, at the start or since --, the family's
 * ids, the zone, the units, a store that is not SQLite); 3 when a webhook
 * is set for the bot, at the start or since (Telegram answers a poll 409
 * then). Waiting would not mend 2 or 3, so the systemd unit does not
 * restart them (RestartPreventExitStatus). */
#include "bot/bot.h"
#include "cli.h"
#include "clock/clock.h"
#include "store/store.h"
#include "telegram/bot_api.h"
#include "telegram/update.h"
#include "webhook/webhook.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char usage[] = "usage: milkbot serve [--store SPEC] [--tz ZONE]\n";

static const char help[] =
    "Run the bot: read its updates from Telegram (getUpdates) and answer\n"
    "them, and say reminders, alerts and summaries when due, until stopped\n"
    "(SIGTERM, Ctrl-C).\n"
    "\n"
    "  --store SPEC    sqlite:PATH or sqlite (the default file)\n"
    "                  (default: $MILKBOT_STORE, else sqlite)\n"
    "  --tz ZONE       the zone of a family that has not chosen one\n"
    "                  (default: $MILKBOT_TZ, else UTC)\n"
    "  -h, --help      this help\n"
    "\n"
    "Needs TELEGRAM_BOT_TOKEN and ALLOWED_USER_IDS (the family's Telegram\n"
    "user ids, comma-separated); reads MILKBOT_FAMILY, TELEGRAM_BOT_USERNAME\n"
    "and MILKBOT_UNITS as the webhook does. Telegram must have no webhook\n"
    "set for the bot: remove it with `milkbot webhook delete`.\n"
    "\n"
    "Exit status: 0 when stopped; 1 when it cannot start for now (the\n"
    "store, the network); 2 for a usage error or a wrong setting (Telegram\n"
    "refusing the token too); 3 when a webhook is set for the bot (at the\n"
    "start, or since).\n";

/* getUpdates' long poll, in seconds: Telegram holds it up to this long
 * when nothing comes. */
#define POLL_S 50
/* What a call may take beyond the poll's own wait. */
#define POLL_SLACK_MS 15000
/* The longest a Bot API call made inside an update (its reply, a button's
 * edit) may take: two of them stay within the 5 s another writer of the
 * file waits for its lock (see the top). Telegram answers in well under
 * a second. */
#define UPDATE_CALL_MS 2000
/* The tick of the bot's clock: every minute, on the minute. */
#define TICK_MS 60000
/* Waits after a failure: 1 s, doubling, at most 60 s; a 429's retry_after
 * at most an hour. */
#define BACKOFF_MIN_MS 1000
#define BACKOFF_MAX_MS 60000
#define RETRY_AFTER_MAX_S 3600

static volatile sig_atomic_t stopping;

static void on_signal(int sig) {
    (void)sig;
    stopping = 1;
}

typedef struct {
    webhook_config config;
    store *store;
    bot *bot;
    tg_api *api;
    int64_t last;       /* the last update id handled and saved; 0: none */
    long backoff_ms;    /* the next wait after a failure; 0: none failed */
    unsigned rng;       /* jitter */
    int fatal;          /* a poll's answer that ends serve: its exit status */
} server;

/* Exit statuses that waiting would not mend (see the top). */
#define SERVE_WRONG_SETTING 2
#define SERVE_WEBHOOK_SET 3

/* Sleeps ms, or less when asked to stop. */
static void pause_ms(long ms) {
    while (ms > 0 && !stopping) {
        long step = ms < 100 ? ms : 100;
        struct timespec ts = {0, step * 1000000L};
        nanosleep(&ts, NULL);
        ms -= step;
    }
}

/* The wait after a failure: the backoff with equal jitter (half of it
 * fixed, half random), then doubled for the next; or a 429's retry_after. */
static long next_wait(server *x, int retry_after_s) {
    if (retry_after_s > 0)
        return (long)(retry_after_s < RETRY_AFTER_MAX_S ? retry_after_s : RETRY_AFTER_MAX_S) *
               1000;
    long base = x->backoff_ms ? x->backoff_ms : BACKOFF_MIN_MS;
    x->backoff_ms = base * 2 < BACKOFF_MAX_MS ? base * 2 : BACKOFF_MAX_MS;
    x->rng = x->rng * 1103515245u + 12345u;
    return base / 2 + (long)((x->rng >> 8) % (unsigned)(base / 2 + 1));
}

static const char *kind_name(tg_kind kind) {
    switch (kind) {
    case TG_MESSAGE: return "message";
    case TG_EDITED: return "edit";
    case TG_CALLBACK: return "button";
    case TG_MIGRATED: return "migrated";
    case TG_OTHER: break;
    }
    return "other";
}

/* Adds `what` to the log's note (after "; " when it has one), cut to fit. */
static void add_note(char *note, size_t size, const char *what) {
    size_t used = strlen(note);
    if (used && used + 2 < size) {
        memcpy(note + used, "; ", 2);
        used += 2;
    }
    size_t n = strlen(what);
    if (n > size - 1 - used) n = size - 1 - used;
    memcpy(note + used, what, n);
    note[used + n] = '\0';
}

/* Sends the reply `method` ({"method":..., params}; taken over). Returns 0
 * when sent or when sending it again would not help (refused for good, or
 * sent with no answer: never said twice on purpose), -1 when it was not
 * sent and may be later (network, 429, 5xx): the update is then handled
 * again. */
static int send_reply(server *x, cJSON *method, char *note, size_t notelen,
                      int *retry_after) {
    *retry_after = 0;
    if (method == NULL) return 0;
    cJSON *name = cJSON_DetachItemFromObject(method, "method");
    const char *m = cJSON_GetStringValue(name);
    char err[300];
    int rc = m ? tg_api_call(x->api, m, method, err, sizeof err) : 0;
    int retry = 0;
    if (rc != 0) {
        int code = tg_api_last_error(x->api, retry_after);
        retry = code == 0 || code == 429 || code >= 500;
        add_note(note, notelen, err);
    }
    cJSON_Delete(name);
    cJSON_Delete(method);
    return retry ? -1 : 0;
}

/* Test hook: MILKBOT_SERVE_CRASH_AT=STEP kills serve (SIGKILL: no
 * clean-up at all) when it first reaches STEP of an update, so that tests
 * can show that a restart after a crash at any point loses and doubles
 * nothing. The steps, in order: "read" (getUpdates answered, nothing
 * done), "handled" (the effect written in the update's open transaction,
 * the reply not sent), "replied" (the reply sent, nothing saved yet),
 * "kept" (the effect and the place saved, before the next update). */
static void crash_point(const char *step) {
    const char *at = getenv("MILKBOT_SERVE_CRASH_AT");
    if (at && strcmp(at, step) == 0) raise(SIGKILL);
}

/* Handles one update of getUpdates' answer: its effect, its reply, and the
 * place after it, saved together. Returns 0, or -1 when it must be handled
 * again (the store failed, or its reply could not be sent yet: nothing is
 * saved), with *retry_after a 429's. */
static int handle_one(server *x, const cJSON *item, int *retry_after) {
    int64_t start = clock_now_ms();
    *retry_after = 0;
    const cJSON *id = cJSON_GetObjectItem(item, "update_id");
    if (!cJSON_IsNumber(id) || id->valuedouble < 0 || id->valuedouble > TG_MESSAGE_ID_MAX) {
        fprintf(stderr, "milkbot serve: an update without an update_id: skipped\n");
        return 0;
    }
    crash_point("read");
    int64_t update_id = (int64_t)id->valuedouble;
    webhook_result result = {.status = 200, .outcome = "", .note = ""};
    tg_update u;
    char err[STORE_ERR_MAX];
    char *body = NULL;
    int status = 0, replied = 0;
    const char *kind = "other";
    if (x->store->ops->begin_update(x->store, err) != 0) {
        fprintf(stderr, "milkbot serve: update %lld: %s\n", (long long)update_id, err);
        return -1;
    }
    tg_api_set_timeout(x->api, UPDATE_CALL_MS);
    body = cJSON_PrintUnformatted(item);
    if (body == NULL) {
        result.outcome = "out of memory";
        status = -1;
    } else if (tg_update_decode(body, strlen(body), &u, err, sizeof err) != 0) {
        /* answered 200 by the webhook: Telegram would only send it again */
        result.outcome = "undecodable: not a Telegram update";
        snprintf(result.note, sizeof result.note, "%s", err);
        tg_update_free(&u);
    } else {
        kind = kind_name(u.kind);
        cJSON *method = webhook_handle_update(&x->config, x->bot, x->api, &u,
                                              clock_now_ms(), &result);
        if (result.status >= 500) {
            cJSON_Delete(method);
            status = -1;
        } else {
            crash_point("handled");
            replied = method != NULL;
            if (send_reply(x, method, result.note, sizeof result.note, retry_after) != 0) {
                result.outcome = "reply not sent: again";
                status = -1;
                replied = 0;
            } else {
                crash_point("replied");
            }
        }
        tg_update_free(&u);
    }
    cJSON_free(body);
    tg_api_set_timeout(x->api, 0);
    if (x->store->ops->end_update(x->store, x->config.me.id, update_id, status == 0, err) != 0 &&
        status == 0) {
        add_note(result.note, sizeof result.note, err);
        result.outcome = replied ? "replied, not saved: again" : "not saved: again";
        status = -1;
    }
    if (status == 0) x->last = update_id;
    fprintf(stderr, "milkbot serve: update %lld %s: %s (%lld ms)%s%s\n",
            (long long)update_id, kind, result.outcome,
            (long long)(clock_now_ms() - start), result.note[0] ? ": " : "", result.note);
    if (status == 0) crash_point("kept");
    return status;
}

/* One tick of the bot's clock (tick_command.c), logged when it did
 * anything. */
static void tick(server *x) {
    bot_tick_result r;
    int status;
    char *response = cli_tick_event(x->bot, x->api, clock_now_ms(), &r, &status);
    free(response);
    if (r.due || status != BOT_OK) {
        char counts[STORE_ERR_MAX + 200];
        cli_tick_counts(&r, counts, sizeof counts);
        fprintf(stderr, "milkbot serve: tick: %s\n", counts);
    }
}

/* Telegram answers 401 (or 404, for a token of no bot) to a token it
 * does not know: a wrong one, or one revoked since. Says so and returns
 * 1 for those codes. */
static int token_refused(int code, const char *err) {
    if (code != 401 && code != 404) return 0;
    fprintf(stderr, "milkbot serve: Telegram refused TELEGRAM_BOT_TOKEN (%s): it "
            "is wrong, or was revoked; @BotFather's /token shows the bot's "
            "token\n", err);
    return 1;
}

/* Refuses a bot whose updates go to a webhook. Returns 0 when none is set,
 * SERVE_WEBHOOK_SET when one is, SERVE_WRONG_SETTING when Telegram refuses
 * the token, -1 when Telegram could not say (each said). */
static int check_no_webhook(server *x) {
    char err[300];
    cJSON *info = NULL, *none = cJSON_CreateObject();
    int rc = tg_api_call_result(x->api, "getWebhookInfo", none, &info, err, sizeof err);
    cJSON_Delete(none);
    if (rc != 0) {
        int retry_after;
        if (token_refused(tg_api_last_error(x->api, &retry_after), err))
            return SERVE_WRONG_SETTING;
        fprintf(stderr, "milkbot serve: %s\n", err);
        return -1;
    }
    const char *url = cJSON_GetStringValue(cJSON_GetObjectItem(info, "url"));
    int set = url && url[0];
    if (set)
        fprintf(stderr, "milkbot serve: a webhook is set for this bot (%.200s): "
                "Telegram sends its updates there, and serve cannot read them. "
                "Remove it with `milkbot webhook delete`, run with the same "
                "TELEGRAM_BOT_TOKEN (the webhook's bot then stops answering), "
                "then start serve again.\n", url);
    cJSON_Delete(info);
    return set ? SERVE_WEBHOOK_SET : 0;
}

/* getUpdates' allowed_updates: what the webhook is set for. */
static cJSON *poll_params(const server *x, int timeout_s) {
    cJSON *p = cJSON_CreateObject();
    if (x->last > 0) cJSON_AddNumberToObject(p, "offset", (double)(x->last + 1));
    cJSON_AddNumberToObject(p, "timeout", timeout_s);
    cJSON_AddItemToObject(p, "allowed_updates", cli_allowed_updates());
    return p;
}

/* Polls once (for at most timeout_s) and handles what came. Returns 0, or
 * -1 after a failure, with *retry_after a 429's. */
static int poll_once(server *x, int timeout_s, int *retry_after) {
    char err[300];
    cJSON *updates = NULL;
    cJSON *params = poll_params(x, timeout_s);
    tg_api_set_timeout(x->api, timeout_s * 1000L + POLL_SLACK_MS);
    tg_api_set_stop(x->api, &stopping); /* a poll may be given up */
    int rc = tg_api_call_result(x->api, "getUpdates", params, &updates, err, sizeof err);
    tg_api_set_stop(x->api, NULL); /* an answer may not */
    tg_api_set_timeout(x->api, 0);
    cJSON_Delete(params);
    if (rc != 0) {
        int code = tg_api_last_error(x->api, retry_after);
        if (stopping) return -1;
        if (token_refused(code, err)) {
            x->fatal = SERVE_WRONG_SETTING; /* revoked since the start */
            return -1;
        }
        fprintf(stderr, "milkbot serve: %s\n", err);
        /* 409: a webhook set since (it will not go away by waiting), or
         * another process reading this bot's updates (it may) */
        int webhook = code == 409 ? check_no_webhook(x) : -1;
        if (webhook > 0)
            x->fatal = webhook;
        else if (webhook == 0)
            fprintf(stderr, "milkbot serve: another process is reading this "
                    "bot's updates? Telegram serves one at a time\n");
        return -1;
    }
    const cJSON *item;
    int status = 0;
    cJSON_ArrayForEach(item, updates) {
        if (stopping) break; /* the rest come again */
        if (handle_one(x, item, retry_after) != 0) {
            status = -1; /* it and the rest come again */
            break;
        }
    }
    cJSON_Delete(updates);
    return status;
}

static int run(server *x) {
    /* the store first: one that cannot keep the place says so offline */
    char err[STORE_ERR_MAX];
    if (x->store->ops->get_update_offset(x->store, x->config.me.id, &x->last, err) != 0) {
        fprintf(stderr, "milkbot serve: %s\n", err);
        return 1;
    }
    int webhook = check_no_webhook(x);
    if (webhook != 0) return webhook > 0 ? webhook : 1;
    fprintf(stderr, "milkbot serve: bot %lld, reading updates after %lld\n",
            (long long)x->config.me.id, (long long)x->last);
    int64_t next_tick = 0;
    while (!stopping) {
        int64_t now = clock_now_ms();
        if (now >= next_tick) {
            tick(x);
            now = clock_now_ms();
            next_tick = (now / TICK_MS + 1) * TICK_MS;
        }
        /* the poll ends by the next tick */
        long until_tick_s = (long)((next_tick - now + 999) / 1000);
        int timeout_s = until_tick_s < POLL_S ? (int)until_tick_s : POLL_S;
        if (timeout_s < 1) timeout_s = 1;
        int retry_after = 0;
        if (poll_once(x, timeout_s, &retry_after) == 0) {
            x->backoff_ms = 0;
            continue;
        }
        if (stopping) break;
        if (x->fatal) return x->fatal;
        long wait = next_wait(x, retry_after);
        fprintf(stderr, "milkbot serve: trying again in %ld ms\n", wait);
        pause_ms(wait);
    }
    fprintf(stderr, "milkbot serve: stopped after update %lld\n", (long long)x->last);
    return 0;
}

int cli_serve(int argc, char **argv) {
    static const struct option longopts[] = {
        {"store", required_argument, NULL, 's'},
        {"tz", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *spec = cli_env("MILKBOT_STORE", "sqlite");
    const char *tz = cli_env("MILKBOT_TZ", "UTC"), *tz_from = "MILKBOT_TZ";
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 's': spec = optarg; break;
        case 't': tz = optarg, tz_from = "--tz"; break;
        case 'h': fputs(usage, stdout); fputs(help, stdout); return 0;
        default: return cli_option_error("serve", c, argv, usage);
        }
    }
    if (optind < argc) {
        fprintf(stderr, "milkbot serve: unexpected \"%s\"\n", argv[optind]);
        fputs(usage, stderr);
        return 2;
    }
    if (strncmp(spec, "dynamodb:", 9) == 0) {
        fprintf(stderr, "milkbot serve: serve keeps the family's log in SQLite "
                "(--store sqlite or sqlite:PATH), not in DynamoDB: on AWS, "
                "Telegram calls the webhook (milkbot lambda)\n");
        return SERVE_WRONG_SETTING;
    }
    const char *token = cli_env("TELEGRAM_BOT_TOKEN", NULL);
    if (token == NULL) {
        fprintf(stderr, "milkbot serve: TELEGRAM_BOT_TOKEN is not set (the bot's "
                "token, from @BotFather)\n");
        return SERVE_WRONG_SETTING;
    }
    char err[512], zone[CLOCK_ZONE_ID_MAX];
    server x = {.rng = (unsigned)clock_now_ms() ^ (unsigned)getpid()};
    /* secret_later: serve has no webhook secret, and never sets one (no
     * request comes in to check) */
    if (webhook_config_from_env(&x.config, 1, err, sizeof err) != 0 ||
        webhook_config_set_bot(&x.config, token, NULL, err, sizeof err) != 0) {
        fprintf(stderr, "milkbot serve: %s\n", err);
        webhook_config_free(&x.config);
        return SERVE_WRONG_SETTING;
    }
    if (x.config.me.id == 0) {
        fprintf(stderr, "milkbot serve: TELEGRAM_BOT_TOKEN is not a bot token "
                "(<bot id>:<secret>)\n");
        webhook_config_free(&x.config);
        return SERVE_WRONG_SETTING;
    }
    if (clock_init(err, sizeof err) != 0) {
        fprintf(stderr, "milkbot serve: %s\n", err);
        webhook_config_free(&x.config);
        return 1;
    }
    if (clock_zone_canonical(tz, zone, sizeof zone, err, sizeof err) != 0) {
        fprintf(stderr, "milkbot serve: %s: %s\n", tz_from, err);
        if (tz_from[0] == '-') fputs(usage, stderr);
        webhook_config_free(&x.config);
        return SERVE_WRONG_SETTING;
    }
    int status = 1;
    x.store = store_open(spec, err, sizeof err);
    if (x.store) x.bot = bot_new(x.store, zone, err, sizeof err);
    if (x.bot && bot_set_default_units(x.bot, cli_env("MILKBOT_UNITS", "ml"), err,
                                       sizeof err) != 0) {
        fprintf(stderr, "milkbot serve: MILKBOT_UNITS: %s\n", err);
        status = SERVE_WRONG_SETTING;
    } else if (x.bot) {
        x.api = tg_api_new(cli_env("TELEGRAM_API_URL", NULL), token, err, sizeof err);
    }
    if (x.api) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal; /* no SA_RESTART: a sleep ends at once */
        sigemptyset(&sa.sa_mask);
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        status = run(&x);
    } else if (status != SERVE_WRONG_SETTING) {
        fprintf(stderr, "milkbot serve: %s\n", err);
    }
    tg_api_free(x.api);
    bot_free(x.bot);
    store_close(x.store);
    webhook_config_free(&x.config);
    return status;
}
