/* cli_lines.c -- standard input a line at a time, for the commands that
 * read one message or phrase per line (chat, parse). A line may hold any
 * byte, NUL included: it is handed on with its length. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

int cli_interactive(void) {
    return isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
}

int cli_lines_next(cli_lines *in, const char *prompt, const char **line,
                   size_t *len) {
    if (prompt) {
        fputs(prompt, stderr);
        fflush(stderr);
    }
    ssize_t n = getline(&in->buf, &in->cap, stdin);
    if (n < 0) return -1;
    /* a file written on Windows ends its lines in "\r\n" */
    if (n > 0 && in->buf[n - 1] == '\n') n--;
    if (n > 0 && in->buf[n - 1] == '\r') n--;
    *line = in->buf;
    *len = (size_t)n;
    return 0;
}

void cli_lines_free(cli_lines *in) {
    free(in->buf);
    in->buf = NULL;
    in->cap = 0;
}
