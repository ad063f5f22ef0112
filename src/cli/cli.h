/* cli.h -- the `milkbot` subcommands, and what they share. Each subcommand
 * takes its own argv (argv[0] is the subcommand's name) and returns the
 * process exit status: 0, 1 when the machine fails (a store, a network),
 * 2 for a usage error. */
#ifndef MILKBOT_CLI_H
#define MILKBOT_CLI_H

#include "bot/bot.h"
#include "telegram/bot_api.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

/* --- options: cli_options.c --------------------------------------------- */

/* The value of environment variable `name`, or `fallback` when it is unset
 * or empty: a setting emptied in the shell means "not set". */
const char *cli_env(const char *name, const char *fallback);

/* After getopt_long (optstring starting with ':') returned `c`, ':' for a
 * missing value or '?' for an unknown option: says which, prints `usage`
 * to stderr, and returns the usage-error exit status, 2. */
int cli_option_error(const char *command, int c, char **argv,
                     const char *usage);

/* Reads `text`, the value of --now, into *now_ms. Returns 0, or says that
 * it is not an RFC 3339 time, prints `usage` to stderr and returns 2. */
int cli_option_now(const char *command, const char *text, const char *usage,
                   int64_t *now_ms);

/* --- standard input, a line at a time: cli_lines.c ----------------------- */

/* Whether a person is at a terminal (standard input and output both are
 * one): then a command prompts and answers at once; piped, it writes only
 * its answers, for scripts. */
int cli_interactive(void);

/* The reader's buffer: zero-initialise, free with cli_lines_free. */
typedef struct {
    char *buf;
    size_t cap;
} cli_lines;

/* Shows `prompt` on stderr (none when NULL), then reads the next line of
 * standard input into *line and *len, without its "\n" or "\r\n"; the line
 * lasts until the next call. Returns 0, or -1 at the end of the input or on
 * a read error (ferror(stdin) tells which). */
int cli_lines_next(cli_lines *in, const char *prompt, const char **line,
                   size_t *len);

void cli_lines_free(cli_lines *in);

/* --- the subcommands ------------------------------------------------------ */

/* milkbot parse: see parse_command.c */
int cli_parse(int argc, char **argv);
/* milkbot chat: see chat_command.c */
int cli_chat(int argc, char **argv);
/* milkbot invoke: see invoke_command.c */
int cli_invoke(int argc, char **argv);
/* milkbot webhook ... and milkbot commands set: see webhook_command.c */
int cli_telegram(int argc, char **argv);
/* The kinds of update the bot reads (Telegram's allowed_updates, a new
 * array: free it, or hand it to an object): what `milkbot webhook set`
 * asks the webhook for, and what `milkbot serve` asks getUpdates for. */
cJSON *cli_allowed_updates(void);
/* milkbot serve: see serve_command.c */
int cli_serve(int argc, char **argv);
/* milkbot lambda, or started as "bootstrap": see lambda_command.c */
int cli_lambda(void);
/* milkbot tick: see tick_command.c */
int cli_tick(int argc, char **argv);

/* The scheduler's tick event (lambda/tick_event.h), handled as the Lambda
 * function does, also for `milkbot invoke`: a tick at now_ms, said through
 * `api` (NULL: nothing can be said, all is kept for a later tick). Returns
 * the invocation's response, {"due":N,"said":N,...,"chats_moved":N}
 * (malloc'd; NULL when out of memory), with the counts in *r and
 * bot_tick's status in *status. */
char *cli_tick_event(bot *b, tg_api *api, int64_t now_ms, bot_tick_result *r,
                     int *status);

/* A tick's counts for a log line (no message text): "2 due, 1 said, ...",
 * then the chats found to have a new id, then ": " and its last error. */
void cli_tick_counts(const bot_tick_result *r, char *out, size_t size);

/* milkbot create-table: see table_command.c */
int cli_create_table(int argc, char **argv);

#endif
