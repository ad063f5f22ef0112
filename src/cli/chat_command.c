/* chat_command.c -- `milkbot chat`: the bot in a terminal, on a local store.
 *
 *   milkbot chat [--store SPEC] [--tz ZONE] [--now RFC3339] [--user NAME]
 *                [--chat ID]
 *
 * Each line typed is one message to the bot; its reply is printed. With a
 * terminal there is a prompt; piped, there is none (one reply per message,
 * for scripts). See chat_session.h for the chat commands (:again, :edit). */
#include "bot/bot.h"
#include "chat_session.h"
#include "cli.h"
#include "store/store.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: milkbot chat [--store SPEC] [--tz ZONE] [--now RFC3339] "
    "[--user NAME] [--chat ID]\n";

static const char help[] =
    "Chat with milkbot in the terminal, on a local store.\n"
    "\n"
    "  --store SPEC    sqlite:PATH, or sqlite for the default file\n"
    "                  ($XDG_DATA_HOME/milkbot/milkbot.db, else\n"
    "                  ~/.local/share/milkbot/milkbot.db); default: sqlite\n"
    "  --tz ZONE       the zone of chats that have not chosen one\n"
    "                  (default: $MILKBOT_TZ, else UTC)\n"
    "  --now RFC3339   fix the clock, e.g. 2026-11-28T15:00:00+08:00\n"
    "  --user NAME     who is typing (default: $USER)\n"
    "  --chat ID       which chat (default: 1)\n"
    "  -h, --help      this help\n"
    "\n"
    "Type feedings (\"12pm 120ml milk\") and questions (\"total?\"); type\n"
    "\"help\" for more, \":help\" for the chat commands. Ctrl-D ends.\n";

int cli_chat(int argc, char **argv) {
    static const struct option longopts[] = {
        {"store", required_argument, NULL, 's'},
        {"tz", required_argument, NULL, 't'},
        {"now", required_argument, NULL, 'n'},
        {"user", required_argument, NULL, 'u'},
        {"chat", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *spec = getenv("MILKBOT_STORE");
    const char *tz = getenv("MILKBOT_TZ");
    const char *user = getenv("USER");
    int64_t chat_id = 1, now_ms = 0;
    int fixed_now = 0, c;
    char err[512];

    if (spec == NULL || spec[0] == '\0') spec = "sqlite";
    if (tz == NULL || tz[0] == '\0') tz = "UTC";
    if (user == NULL || user[0] == '\0') user = "me";
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 's': spec = optarg; break;
        case 't': tz = optarg; break;
        case 'u': user = optarg; break;
        case 'n':
            if (clock_parse_rfc3339(optarg, &now_ms) != 0) {
                fprintf(stderr, "milkbot chat: --now \"%s\" is not an RFC 3339 "
                        "time like 2026-11-28T15:00:00+08:00\n", optarg);
                fputs(usage, stderr);
                return 2;
            }
            fixed_now = 1;
            break;
        case 'c':
            chat_id = strtoll(optarg, &end, 10);
            if (*end != '\0' || end == optarg) {
                fprintf(stderr, "milkbot chat: --chat \"%s\" is not a number\n",
                        optarg);
                fputs(usage, stderr);
                return 2;
            }
            break;
        case 'h': fputs(usage, stdout); fputs(help, stdout); return 0;
        default:
            return cli_option_error("chat", c, argv, usage);
        }
    }
    if (optind < argc) {
        fprintf(stderr, "milkbot chat: unexpected \"%s\" (type messages once "
                "it runs)\n", argv[optind]);
        fputs(usage, stderr);
        return 2;
    }
    if (clock_init(err, sizeof err) != 0) {
        fprintf(stderr, "milkbot chat: %s\n", err);
        return 1;
    }
    char id[CLOCK_ZONE_ID_MAX];
    if (clock_zone_canonical(tz, id, sizeof id, err, sizeof err) != 0) {
        fprintf(stderr, "milkbot chat: --tz: %s\n", err);
        fputs(usage, stderr);
        return 2;
    }
    store *s = store_open(spec, err, sizeof err);
    if (s == NULL) {
        fprintf(stderr, "milkbot chat: %s\n", err);
        return 1;
    }
    bot *b = bot_new(s, id, err, sizeof err);
    chat_session cs;
    if (b == NULL || chat_session_start(&cs, b, s, chat_id, user, fixed_now,
                                        now_ms, err, sizeof err) != 0) {
        fprintf(stderr, "milkbot chat: %s\n", err);
        bot_free(b);
        store_close(s);
        return 1;
    }

    int interactive = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
    if (interactive)
        fprintf(stderr, "milkbot: type a feeding (\"12pm 120ml milk\"), "
                "\"total?\", \"undo\" or \"help\"; Ctrl-D ends.\n");
    char *line = NULL;
    size_t cap = 0;
    reply_text reply;
    int status = 0;
    for (;;) {
        if (interactive) {
            fputs(cs.pending ? "  ...> " : "you> ", stderr);
            fflush(stderr);
        }
        ssize_t n = getline(&line, &cap, stdin);
        if (n < 0) break;
        if (n > 0 && line[n - 1] == '\n') n--;
        if (n > 0 && line[n - 1] == '\r') n--;
        if (chat_session_line(&cs, line, (size_t)n, &reply) == 0) continue;
        if (printf(interactive ? "%s\n\n" : "%s\n", reply.text) < 0) {
            status = 1;
            break;
        }
        fflush(stdout);
    }
    free(line);
    if (cs.store_failed) status = 1;
    chat_session_end(&cs);
    bot_free(b);
    store_close(s);
    return status;
}
