/* cli_options.c -- what the subcommands share about their options. */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>

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
