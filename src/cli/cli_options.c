/* cli_options.c -- what the subcommands share about their options: defaults
 * from the environment, --now, and the message for a bad option. */
#include "cli.h"

#include "clock/clock.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

const char *cli_env(const char *name, const char *fallback) {
    const char *value = getenv(name);
    return value && value[0] ? value : fallback;
}

int cli_option_error(const char *command, int c, char **argv,
                     const char *usage) {
    if (c == ':')
        fprintf(stderr, "milkbot %s: option %s needs a value\n", command,
                argv[optind - 1]);
    else
        fprintf(stderr, "milkbot %s: unknown option \"%s\"\n", command,
                argv[optind - 1]);
    fputs(usage, stderr);
    return 2;
}

int cli_option_now(const char *command, const char *text, const char *usage,
                   int64_t *now_ms) {
    if (clock_parse_rfc3339(text, now_ms) == 0) return 0;
    fprintf(stderr, "milkbot %s: --now \"%s\" is not an RFC 3339 time like "
            "2026-11-28T15:00:00+08:00\n", command, text);
    fputs(usage, stderr);
    return 2;
}
