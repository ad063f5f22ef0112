/* bot_lines.h -- a message cut into its non-blank lines. */
#ifndef MILKBOT_BOT_LINES_H
#define MILKBOT_BOT_LINES_H

#include <stddef.h>

/* Lines read from one message; Telegram allows 4096 characters, and a
 * night's catch-up is a dozen lines, so more is a mistake, said as such. */
#define BOT_MAX_LINES 64
/* Nor is a line past the 999th read (blank ones count): a feeding's key
 * holds its line below 1000, and the line of a twin's feeding 1000 more
 * per baby (bot_record.c). */
#define BOT_MAX_LINE_NUMBER 999
/* Line numbers of a line's second and later babies ("both 60ml each"):
 * the line's own number plus this times the baby's place, so that each
 * feeding keeps a key of its own. */
#define BABY_LINE_STEP (BOT_MAX_LINE_NUMBER + 1)

typedef struct {
    const char *text; /* into the message: not NUL-terminated */
    size_t len;       /* without the line break ('\r' stripped too) */
    int number;       /* 1-based line number in the message */
} bot_line;

typedef struct {
    bot_line items[BOT_MAX_LINES];
    int count;
    int overflow_line; /* number of the first line not read, 0 if none */
} bot_lines;

void bot_lines_split(const char *text, size_t len, bot_lines *out);

#endif
