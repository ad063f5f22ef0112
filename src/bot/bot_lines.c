/* bot_lines.c -- see bot_lines.h. */
#include "bot_lines.h"

static int is_blank(const char *s, size_t len) {
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') return 0;
    return 1;
}

void bot_lines_split(const char *text, size_t len, bot_lines *out) {
    size_t start = 0;
    int number = 0;
    out->count = 0;
    out->overflow_line = 0;
    while (start <= len && len > 0) {
        size_t end = start;
        while (end < len && text[end] != '\n') end++;
        number++;
        size_t line_len = end - start;
        if (line_len && text[start + line_len - 1] == '\r') line_len--;
        if (!is_blank(text + start, line_len)) {
            if (out->count == BOT_MAX_LINES || number > BOT_MAX_LINE_NUMBER) {
                out->overflow_line = number;
                return;
            }
            out->items[out->count].text = text + start;
            out->items[out->count].len = line_len;
            out->items[out->count].number = number;
            out->count++;
        }
        if (end == len) break;
        start = end + 1;
    }
}
