/* parse_command.c -- `milkbot parse`: the phrase language from the shell.
 *
 *   milkbot parse [--json] [--now RFC3339] [--tz ZONE] [PHRASE...]
 *
 * With a phrase, prints how it is understood. Without, reads standard input
 * and prints exactly one line per input line, in order: the batch interface
 * that tests, tools and benchmarks use. Exit status: 0 when every phrase was
 * classified (an "error" intent is a classification), 2 for a usage error,
 * 1 when the machine itself fails (no zone data, a write error). */
#include "cli.h"
#include "clock/clock.h"
#include "clock/resolve.h"
#include "phrase/phrase.h"
#include "resolved_json.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: milkbot parse [--json] [--now RFC3339] [--tz ZONE] [PHRASE...]\n";

static const char help[] =
    "Show how milkbot understands a feeding phrase.\n"
    "\n"
    "  --json          one compact JSON object per phrase\n"
    "  --now RFC3339   fix the clock, e.g. 2026-11-28T15:00:00+08:00\n"
    "                  (default: the real clock)\n"
    "  --tz ZONE       IANA time zone (default: $MILKBOT_TZ, else UTC)\n"
    "  -h, --help      this help\n"
    "\n"
    "With PHRASE, parse it (several words are joined by spaces). Without,\n"
    "read standard input: one phrase per line, one output line each.\n"
    "\n"
    "Examples:\n"
    "  milkbot parse --tz Asia/Singapore 'yesterday 7:30 90 ml formula'\n"
    "  printf '120ml\\ntotal?\\n' | milkbot parse --json\n";

typedef struct {
    int json;
    int fixed_now;
    int64_t now_ms;
    clock_zone *zone;
} parse_options;

/* Parses, resolves and writes one phrase; returns -1 on a write error. */
static int parse_one(const parse_options *opt, const char *text, size_t len,
                     FILE *out) {
    phrase p;
    resolved r;
    char line[RESOLVED_OUTPUT_MAX];
    phrase_parse(text, len, &p);
    resolve_phrase(&p, opt->zone, opt->fixed_now ? opt->now_ms : clock_now_ms(),
                   &r);
    if ((opt->json ? resolved_json(&r, line, sizeof line)
                   : resolved_text(&r, line, sizeof line)) != 0)
        return -1;
    size_t n = strlen(line);
    line[n++] = '\n';
    return fwrite(line, 1, n, out) == n ? 0 : -1;
}

static int parse_stdin(const parse_options *opt) {
    int interactive = cli_interactive();
    cli_lines in = {0};
    const char *line;
    size_t len;
    int status = 0;

    if (!interactive) setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    while (cli_lines_next(&in, interactive ? "phrase> " : NULL, &line, &len) == 0) {
        if (parse_one(opt, line, len, stdout) != 0) {
            status = 1;
            break;
        }
        if (interactive) fflush(stdout);
    }
    if (ferror(stdin)) {
        fprintf(stderr, "milkbot parse: error reading standard input\n");
        status = 1;
    }
    cli_lines_free(&in);
    if (fflush(stdout) != 0) status = 1;
    if (status) fprintf(stderr, "milkbot parse: error writing output\n");
    return status;
}

int cli_parse(int argc, char **argv) {
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},
        {"now", required_argument, NULL, 'n'},
        {"tz", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    parse_options opt = {0};
    const char *tz = cli_env("MILKBOT_TZ", "UTC");
    const char *now_text = NULL;
    char err[256];
    int c;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': opt.json = 1; break;
        case 'n': now_text = optarg; break;
        case 't': tz = optarg; break;
        case 'h': fputs(usage, stdout); fputs(help, stdout); return 0;
        default:
            return cli_option_error("parse", c, argv, usage);
        }
    }
    /* after all the options: a bad option is reported before a bad --now */
    if (now_text) {
        if (cli_option_now("parse", now_text, usage, &opt.now_ms) != 0) return 2;
        opt.fixed_now = 1;
    }
    if (clock_init(err, sizeof err) != 0) {
        fprintf(stderr, "milkbot parse: %s\n", err);
        return 1;
    }
    opt.zone = clock_zone_open(tz, err, sizeof err);
    if (opt.zone == NULL) {
        fprintf(stderr, "milkbot parse: --tz: %s\n", err);
        fputs(usage, stderr);
        return 2;
    }

    int status;
    if (optind < argc) {
        /* Words given separately are one phrase: parse 12pm 120ml milk */
        size_t len = 0;
        for (int i = optind; i < argc; i++) len += strlen(argv[i]) + 1;
        char *text = malloc(len);
        if (text == NULL) {
            clock_zone_close(opt.zone);
            return 1;
        }
        text[0] = '\0';
        for (int i = optind; i < argc; i++) {
            if (i > optind) strcat(text, " ");
            strcat(text, argv[i]);
        }
        status = parse_one(&opt, text, strlen(text), stdout) == 0 &&
                         fflush(stdout) == 0
                     ? 0
                     : 1;
        free(text);
    } else {
        status = parse_stdin(&opt);
    }
    clock_zone_close(opt.zone);
    return status;
}
