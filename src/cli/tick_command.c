/* tick_command.c -- `milkbot tick`: say what is due, once (#17).
 *
 *   milkbot tick [--store SPEC] [--tz ZONE] [--now RFC3339] [--print]
 *
 * One tick of the bot's own clock, on any store: every family's due
 * reminders, alerts and daily summaries are claimed and said. With
 * TELEGRAM_BOT_TOKEN set (and TELEGRAM_API_URL for a local Bot API) they
 * are sent with sendMessage; without it, or with --print, they are printed
 * in `milkbot chat`'s form, each after a line naming its chat. Run it every
 * minute (cron, a systemd timer) to have the bot remind on a local store;
 * on AWS the scheduler invokes the function with a tick event instead.
 * Two ticks at once, or one run again, say each thing once (bot.h).
 *
 * Exit status: 0 when everything due was said (or moved on), 1 when the
 * store failed or something could not be said (it is tried again by the
 * next tick), 2 for a usage error. */
#include "bot/bot.h"
#include "cli.h"
#include "lambda/tick_event.h"
#include "store/store.h"
#include "telegram/bot_api.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: milkbot tick [--store SPEC] [--tz ZONE] [--now RFC3339] [--print]\n";

static const char help[] =
    "Say the reminders, alerts and daily summaries that are due, once.\n"
    "\n"
    "  --store SPEC    sqlite:PATH, sqlite (the default file) or dynamodb:TABLE\n"
    "                  (default: $MILKBOT_STORE, else sqlite)\n"
    "  --tz ZONE       the zone of a family that has not chosen one\n"
    "                  (default: $MILKBOT_TZ, else UTC): the same as the\n"
    "                  chat's or webhook's, or its times read in another\n"
    "                  zone (a family that sent \"tz ...\" has its own)\n"
    "  --now RFC3339   the tick's time (default: the clock)\n"
    "  --print         print what is due instead of sending it\n"
    "  -h, --help      this help\n"
    "\n"
    "With TELEGRAM_BOT_TOKEN set, what is due is sent to its chat through\n"
    "the Bot API (TELEGRAM_API_URL for another server); else printed.\n";

/* Prints, in the chat's form: "[chat 42]" then the message. */
static int print_say(void *ctx, const store_schedule *sc, const char *text,
                     int64_t *moved_to, char *err, size_t errlen) {
    (void)ctx;
    (void)moved_to;
    if (printf("[chat %lld]\n%s\n", (long long)sc->chat_id, text) < 0 || fflush(stdout) != 0) {
        snprintf(err, errlen, "standard output could not be written");
        return -1;
    }
    return 0;
}

static int send_say(void *ctx, const store_schedule *sc, const char *text,
                    int64_t *moved_to, char *err, size_t errlen) {
    if (ctx == NULL) { /* nothing to send with: kept for a tick that has */
        snprintf(err, errlen, "no bot token to send with (TELEGRAM_BOT_TOKEN)");
        return -1;
    }
    int said = tg_api_send_message(ctx, sc->chat_id, text, err, errlen);
    if (said > 0) *moved_to = tg_api_migrated_to(ctx);
    return said;
}

void cli_tick_counts(const bot_tick_result *r, char *out, size_t size) {
    char moved[64] = "";
    if (r->chats_moved)
        snprintf(moved, sizeof moved, ", %d chat%s moved to a new id", r->chats_moved,
                 r->chats_moved == 1 ? "" : "s");
    snprintf(out, size, "%d due, %d said, %d moved on, %d taken by another tick, "
             "%d to try again, %d refused%s%s%s", r->due, r->said, r->moved, r->lost,
             r->failed, r->refused, moved, r->error[0] ? ": " : "", r->error);
}

char *cli_tick_event(bot *b, tg_api *api, int64_t now_ms, bot_tick_result *r,
                     int *status) {
    char claim[33];
    memset(r, 0, sizeof *r);
    *status = BOT_STORE_FAILED;
    if (tick_claim_name(claim) != 0)
        snprintf(r->error, sizeof r->error, "no randomness to name this tick with");
    else
        *status = bot_tick(b, now_ms, claim, NULL, 0, send_say, api, r);
    char *response = malloc(200);
    if (response)
        snprintf(response, 200,
                 "{\"due\":%d,\"said\":%d,\"moved\":%d,\"lost\":%d,"
                 "\"failed\":%d,\"refused\":%d,\"chats_moved\":%d}",
                 r->due, r->said, r->moved, r->lost, r->failed, r->refused, r->chats_moved);
    return response;
}

int cli_tick(int argc, char **argv) {
    static const struct option longopts[] = {
        {"store", required_argument, NULL, 's'},
        {"tz", required_argument, NULL, 't'},
        {"now", required_argument, NULL, 'n'},
        {"print", no_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *spec = cli_env("MILKBOT_STORE", "sqlite");
    const char *tz = cli_env("MILKBOT_TZ", "UTC");
    const char *token = cli_env("TELEGRAM_BOT_TOKEN", NULL);
    int64_t now_ms = 0;
    int fixed_now = 0, print = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 's': spec = optarg; break;
        case 't': tz = optarg; break;
        case 'p': print = 1; break;
        case 'n':
            if (cli_option_now("tick", optarg, usage, &now_ms) != 0) return 2;
            fixed_now = 1;
            break;
        case 'h': fputs(usage, stdout); fputs(help, stdout); return 0;
        default: return cli_option_error("tick", c, argv, usage);
        }
    }
    if (optind < argc) {
        fprintf(stderr, "milkbot tick: unexpected \"%s\"\n", argv[optind]);
        fputs(usage, stderr);
        return 2;
    }
    char err[512], zone[CLOCK_ZONE_ID_MAX], claim[33];
    if (clock_init(err, sizeof err) != 0) {
        fprintf(stderr, "milkbot tick: %s\n", err);
        return 1;
    }
    if (clock_zone_canonical(tz, zone, sizeof zone, err, sizeof err) != 0) {
        fprintf(stderr, "milkbot tick: --tz: %s\n", err);
        fputs(usage, stderr);
        return 2;
    }
    if (tick_claim_name(claim) != 0) {
        fprintf(stderr, "milkbot tick: no randomness to name this tick with\n");
        return 1;
    }
    store *s = store_open(spec, err, sizeof err);
    if (s == NULL) {
        fprintf(stderr, "milkbot tick: %s\n", err);
        return 1;
    }
    bot *b = bot_new(s, zone, err, sizeof err);
    if (b && bot_set_default_units(b, cli_env("MILKBOT_UNITS", "ml"), err, sizeof err) != 0) {
        fprintf(stderr, "milkbot tick: MILKBOT_UNITS: %s\n", err);
        bot_free(b);
        store_close(s);
        return 2;
    }
    tg_api *api = NULL;
    if (b && !print && token)
        api = tg_api_new(cli_env("TELEGRAM_API_URL", NULL), token, err, sizeof err);
    if (b == NULL || (!print && token && api == NULL)) {
        fprintf(stderr, "milkbot tick: %s\n", err);
        bot_free(b);
        store_close(s);
        return 1;
    }
    bot_tick_result result;
    int status = bot_tick(b, fixed_now ? now_ms : clock_now_ms(), claim, NULL, 0,
                          api ? send_say : print_say, api, &result);
    /* one line for logs and cron mail: counts only, no message text */
    char counts[STORE_ERR_MAX + 200];
    cli_tick_counts(&result, counts, sizeof counts);
    fprintf(stderr, "milkbot tick: %s\n", counts);
    tg_api_free(api);
    bot_free(b);
    store_close(s);
    return status == BOT_OK && result.failed == 0 ? 0 : 1;
}
