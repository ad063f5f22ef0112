/* invoke_command.c -- `milkbot invoke EVENT.json`: one API Gateway event
 * through exactly the webhook handler the Lambda runs, response printed:
 * the local equivalent of `sam local invoke`, on either store.
 *
 * Configuration as in Lambda, from the environment: MILKBOT_STORE (default
 * the local SQLite file), MILKBOT_TZ, MILKBOT_UNITS, MILKBOT_WEBHOOK_SECRET,
 * ALLOWED_USER_IDS, MILKBOT_FAMILY; --store and --tz override the first two. With
 * TELEGRAM_BOT_TOKEN (and TELEGRAM_API_URL), an Undo button also edits
 * the bot's message, as in Lambda; without, that edit is skipped. */
#include "bot/bot.h"
#include "cli.h"
#include "lambda/tick_event.h"
#include "store/store.h"
#include "telegram/bot_api.h"
#include "webhook/webhook.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: milkbot invoke [--store SPEC] [--tz ZONE] EVENT.json|-\n";

/* The whole file (or standard input for "-"); NULL with a message. */
static char *read_all(const char *path, size_t *len) {
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (f == NULL) return NULL;
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap) break;
        char *more = realloc(buf, cap *= 2);
        if (more == NULL) {
            free(buf);
            buf = NULL;
        } else {
            buf = more;
        }
    }
    if (f != stdin) fclose(f);
    *len = n;
    return buf;
}

int cli_invoke(int argc, char **argv) {
    static const struct option longopts[] = {
        {"store", required_argument, NULL, 's'},
        {"tz", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *spec = cli_env("MILKBOT_STORE", "sqlite");
    const char *tz = cli_env("MILKBOT_TZ", "UTC");
    char err[512];
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 's': spec = optarg; break;
        case 't': tz = optarg; break;
        case 'h':
            fputs(usage, stdout);
            fputs("Runs one Lambda event (API Gateway or Function URL, carrying a\n"
                  "Telegram update) through the webhook handler and prints the\n"
                  "response; or the scheduler's tick event ({\"milkbot\": \"tick\"}),\n"
                  "saying what is due through the Bot API (TELEGRAM_BOT_TOKEN).\n"
                  "Needs MILKBOT_WEBHOOK_SECRET and ALLOWED_USER_IDS;\n"
                  "see events/ for samples.\n", stdout);
            return 0;
        default:
            fprintf(stderr, "milkbot invoke: bad option \"%s\"\n", argv[optind - 1]);
            fputs(usage, stderr);
            return 2;
        }
    }
    if (optind != argc - 1) {
        fputs(usage, stderr);
        return 2;
    }
    webhook_config config;
    if (clock_init(err, sizeof err) != 0 ||
        webhook_config_from_env(&config, 0, err, sizeof err) != 0) {
        fprintf(stderr, "milkbot invoke: %s\n", err);
        webhook_config_free(&config);
        return 1;
    }
    size_t len;
    char *event = read_all(argv[optind], &len);
    if (event == NULL) {
        fprintf(stderr, "milkbot invoke: cannot read %s\n", argv[optind]);
        webhook_config_free(&config);
        return 1;
    }
    store *s = store_open(spec, err, sizeof err);
    bot *b = s ? bot_new(s, tz, err, sizeof err) : NULL;
    char why[200];
    if (b && bot_set_default_units(b, cli_env("MILKBOT_UNITS", "ml"), why, sizeof why) != 0) {
        snprintf(err, sizeof err, "MILKBOT_UNITS: %s", why);
        bot_free(b);
        b = NULL;
    }
    const char *token = cli_env("TELEGRAM_BOT_TOKEN", NULL);
    tg_api *api = b && token
                      ? tg_api_new(getenv("TELEGRAM_API_URL"), token, err, sizeof err)
                      : NULL;
    int status = 1;
    if (b == NULL) {
        fprintf(stderr, "milkbot invoke: %s\n", err);
    } else {
        tick_event tick;
        webhook_result result;
        memset(&result, 0, sizeof result);
        char *response;
        if (tick_event_parse(event, len, &tick)) { /* the scheduler's (#17) */
            bot_tick_result r;
            int ticked;
            response = cli_tick_event(b, api, clock_now_ms(), &r, &ticked);
            if (ticked != BOT_OK || r.error[0])
                snprintf(result.note, sizeof result.note, "tick: %.240s", r.error);
        } else {
            response = webhook_handle(&config, b, api, event, len, clock_now_ms(), &result);
        }
        if (response) {
            printf("%s\n", response);
            status = 0;
        }
        /* why a 5xx failed (the store's reason), or what else went wrong */
        if (result.note[0])
            fprintf(stderr, "milkbot invoke: %s%s%s\n",
                    result.status >= 500 ? result.outcome : "",
                    result.status >= 500 ? ": " : "", result.note);
        free(response);
    }
    tg_api_free(api);
    bot_free(b);
    store_close(s);
    free(event);
    webhook_config_free(&config);
    return status;
}
