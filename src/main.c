/* main.c -- `milkbot`: dispatches to a subcommand, and nothing else. */
#include "cli/cli.h"
#include "clock/clock.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: milkbot COMMAND [OPTIONS]\n"
    "\n"
    "Commands:\n"
    "  chat     talk to the bot in the terminal, on a local store\n"
    "  tick     say the reminders, alerts and summaries that are due\n"
    "  serve    run the bot on this machine: Telegram's updates by getUpdates\n"
    "           (TELEGRAM_BOT_TOKEN), on a local store\n"
    "  parse    show how a feeding phrase is understood (milkbot parse --help)\n"
    "  lambda   the AWS Lambda custom runtime (also run as \"bootstrap\")\n"
    "  invoke EVENT.json\n"
    "           run one Lambda webhook event through the handler\n"
    "  webhook set --url URL | info | delete\n"
    "           point Telegram at the deployed bot (TELEGRAM_BOT_TOKEN)\n"
    "  commands set\n"
    "           give the bot its command menu\n"
    "  create-table TABLE\n"
    "           create the DynamoDB table (for local development)\n"
    "  help     this help\n"
    "  --version\n"
    "           milkbot's version, ICU's and the zone rules' (tzdata)\n";

int main(int argc, char **argv) {
    /* Lambda starts the deployment package's "bootstrap": that is us */
    const char *name = strrchr(argv[0], '/');
    name = name ? name + 1 : argv[0];
    if (strcmp(name, "bootstrap") == 0) return cli_lambda();
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    const char *command = argv[1];
    if (strcmp(command, "parse") == 0) return cli_parse(argc - 1, argv + 1);
    if (strcmp(command, "chat") == 0) return cli_chat(argc - 1, argv + 1);
    if (strcmp(command, "tick") == 0) return cli_tick(argc - 1, argv + 1);
    if (strcmp(command, "serve") == 0) return cli_serve(argc - 1, argv + 1);
    if (strcmp(command, "invoke") == 0) return cli_invoke(argc - 1, argv + 1);
    if (strcmp(command, "lambda") == 0) return cli_lambda();
    if (strcmp(command, "webhook") == 0 || strcmp(command, "commands") == 0)
        return cli_telegram(argc - 1, argv + 1);
    if (strcmp(command, "create-table") == 0)
        return cli_create_table(argc - 1, argv + 1);
    if (strcmp(command, "--version") == 0 || strcmp(command, "version") == 0) {
        char err[256];
        if (clock_init(err, sizeof err) != 0) {
            fprintf(stderr, "milkbot: %s\n", err);
            return 1;
        }
        printf("milkbot %s, ICU %s, zone rules %s\n", MILKBOT_VERSION,
               clock_icu_version(), clock_zone_rules_version());
        return 0;
    }
    if (strcmp(command, "help") == 0 || strcmp(command, "--help") == 0 ||
        strcmp(command, "-h") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    fprintf(stderr, "milkbot: unknown command \"%s\"\n", command);
    fputs(usage, stderr);
    return 2;
}
