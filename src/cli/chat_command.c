/* chat_command.c -- `milkbot chat`: the bot in a terminal, on a local store.
 *
 *   milkbot chat [--store SPEC] [--tz ZONE] [--now RFC3339] [--user NAME]
 *                [--chat ID] [--family ID]
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

static const char usage[] =
    "usage: milkbot chat [--store SPEC] [--tz ZONE] [--now RFC3339] "
    "[--user NAME] [--chat ID] [--family ID]\n";

static const char help[] =
    "Chat with milkbot in the terminal, on a local store.\n"
    "\n"
    "  --store SPEC    sqlite:PATH, or sqlite for the default file\n"
    "                  ($XDG_DATA_HOME/milkbot/milkbot.db, else\n"
    "                  ~/.local/share/milkbot/milkbot.db); default: sqlite\n"
    "  --tz ZONE       the zone of a family that has not chosen one\n"
    "                  (default: $MILKBOT_TZ, else UTC)\n"
    "  (a family that chose no units: $MILKBOT_UNITS, ml by default, or oz)\n"
    "  --now RFC3339   fix the clock, e.g. 2026-11-28T15:00:00+08:00\n"
    "  --user NAME     who is typing (default: $USER)\n"
    "  --chat ID       which chat (default: 1)\n"
    "  --family ID     whose log (default: $MILKBOT_FAMILY, else family)\n"
    "  -h, --help      this help\n"
    "\n"
    "Type feedings (\"12pm 120ml milk\") and questions (\"total?\"); type\n"
    "\"help\" for more, \":help\" for the chat commands. Ctrl-D ends.\n";

/* What the command line asks for. */
typedef struct {
    const char *spec, *tz, *user, *family;
    int64_t chat_id, now_ms;
    int fixed_now;
} chat_options;

/* The bot on its store, and the session that talks to it. */
typedef struct {
    store *store;
    bot *bot;
    chat_session session;
} chat_parts;

/* What the steps below return when the chat goes on; any other value is
 * the exit status to end with. */
enum { CHAT_GOES_ON = -1 };

/* Reads the options into *opt (their defaults from the environment).
 * Returns CHAT_GOES_ON, or 0 after --help, or 2 after saying what is
 * wrong with them. */
static int read_options(int argc, char **argv, chat_options *opt) {
    static const struct option longopts[] = {
        {"store", required_argument, NULL, 's'},
        {"tz", required_argument, NULL, 't'},
        {"now", required_argument, NULL, 'n'},
        {"user", required_argument, NULL, 'u'},
        {"chat", required_argument, NULL, 'c'},
        {"family", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    *opt = (chat_options){
        .spec = cli_env("MILKBOT_STORE", "sqlite"),
        .tz = cli_env("MILKBOT_TZ", "UTC"),
        .user = cli_env("USER", "me"),
        .chat_id = 1,
        .family = cli_env("MILKBOT_FAMILY", STORE_DEFAULT_FAMILY),
    };
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 's': opt->spec = optarg; break;
        case 't': opt->tz = optarg; break;
        case 'u': opt->user = optarg; break;
        case 'f': opt->family = optarg; break;
        case 'n':
            if (cli_option_now("chat", optarg, usage, &opt->now_ms) != 0) return 2;
            opt->fixed_now = 1;
            break;
        case 'c':
            opt->chat_id = strtoll(optarg, &end, 10);
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
    if (!store_family_valid(opt->family)) {
        fprintf(stderr, "milkbot chat: --family \"%s\": a family id is 1 to %d "
                "letters, digits, _ or -\n", opt->family, STORE_FAMILY_MAX - 1);
        fputs(usage, stderr);
        return 2;
    }
    if (optind < argc) {
        fprintf(stderr, "milkbot chat: unexpected \"%s\" (type messages once "
                "it runs)\n", argv[optind]);
        fputs(usage, stderr);
        return 2;
    }
    return CHAT_GOES_ON;
}

/* Opens the store, the bot (chats without a zone of their own in opt->tz)
 * and the session. Returns CHAT_GOES_ON, or after saying why: 2 for a zone
 * that does not exist, 1 for what fails on this machine (nothing is left
 * open then). */
static int chat_open(chat_parts *chat, const chat_options *opt) {
    char err[512], zone[CLOCK_ZONE_ID_MAX];
    if (clock_init(err, sizeof err) != 0) {
        fprintf(stderr, "milkbot chat: %s\n", err);
        return 1;
    }
    if (clock_zone_canonical(opt->tz, zone, sizeof zone, err, sizeof err) != 0) {
        fprintf(stderr, "milkbot chat: --tz: %s\n", err);
        fputs(usage, stderr);
        return 2;
    }
    chat->store = store_open(opt->spec, err, sizeof err);
    if (chat->store == NULL) {
        fprintf(stderr, "milkbot chat: %s\n", err);
        return 1;
    }
    chat->bot = bot_new(chat->store, zone, err, sizeof err);
    if (chat->bot && bot_set_default_units(chat->bot, cli_env("MILKBOT_UNITS", "ml"), err,
                                           sizeof err) != 0) {
        fprintf(stderr, "milkbot chat: MILKBOT_UNITS: %s\n", err);
        bot_free(chat->bot);
        store_close(chat->store);
        return 2;
    }
    if (chat->bot == NULL ||
        chat_session_start(&chat->session, chat->bot, chat->store, opt->family,
                           opt->chat_id, opt->user, opt->fixed_now, opt->now_ms,
                           err, sizeof err) != 0) {
        fprintf(stderr, "milkbot chat: %s\n", err);
        bot_free(chat->bot);
        store_close(chat->store);
        return 1;
    }
    return CHAT_GOES_ON;
}

static void chat_close(chat_parts *chat) {
    chat_session_end(&chat->session);
    bot_free(chat->bot);
    store_close(chat->store);
}

/* At a terminal: what to type next, a message or the rest of one. */
static const char *prompt(const chat_session *cs, int interactive) {
    if (!interactive) return NULL;
    return cs->pending ? "  ...> " : "you> ";
}

/* Each line typed is a message, each reply printed, until the input ends.
 * Returns the exit status: 1 when a reply could not be written or a
 * message not stored, else 0. */
static int converse(chat_session *cs) {
    int interactive = cli_interactive();
    cli_lines in = {0};
    const char *line;
    size_t len;
    reply_text reply;
    int status = 0;
    if (interactive)
        fprintf(stderr, "milkbot: type a feeding (\"12pm 120ml milk\"), "
                "\"total?\", \"undo\" or \"help\"; Ctrl-D ends.\n");
    while (cli_lines_next(&in, prompt(cs, interactive), &line, &len) == 0) {
        if (chat_session_line(cs, line, len, &reply) == 0) continue;
        if (printf(interactive ? "%s\n\n" : "%s\n", reply.text) < 0) {
            status = 1;
            break;
        }
        fflush(stdout);
    }
    cli_lines_free(&in);
    return cs->store_failed ? 1 : status;
}

int cli_chat(int argc, char **argv) {
    chat_options opt;
    chat_parts chat;
    int status = read_options(argc, argv, &opt);
    if (status == CHAT_GOES_ON) status = chat_open(&chat, &opt);
    if (status != CHAT_GOES_ON) return status;
    status = converse(&chat.session);
    chat_close(&chat);
    return status;
}
