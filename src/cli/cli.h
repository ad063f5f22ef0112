/* cli.h -- the `milkbot` subcommands. Each takes its own argv (argv[0] is
 * the subcommand's name) and returns the process exit status. */
#ifndef MILKBOT_CLI_H
#define MILKBOT_CLI_H

/* After getopt_long (optstring starting with ':') returned `c`, ':' for a
 * missing value or '?' for an unknown option: says which, prints `usage`
 * to stderr, and returns the usage-error exit status, 2. */
int cli_option_error(const char *command, int c, char **argv,
                     const char *usage);

/* milkbot parse: see parse_command.c */
int cli_parse(int argc, char **argv);
/* milkbot chat: see chat_command.c */
int cli_chat(int argc, char **argv);
/* milkbot invoke: see invoke_command.c */
int cli_invoke(int argc, char **argv);
/* milkbot webhook ... and milkbot commands set: see webhook_command.c */
int cli_telegram(int argc, char **argv);
/* milkbot create-table: see table_command.c */
int cli_create_table(int argc, char **argv);

#endif
