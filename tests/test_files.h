/* test_files.h -- reading a whole test data file (header-only). */
#ifndef MILKBOT_TEST_FILES_H
#define MILKBOT_TEST_FILES_H

#include <stdio.h>
#include <stdlib.h>

/* The file's bytes, NUL-terminated (free them), *len their count (may be
 * NULL); NULL when it cannot be read. */
static inline char *read_test_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = size >= 0 ? malloc((size_t)size + 1) : NULL;
    size_t n = text ? fread(text, 1, (size_t)size, f) : 0;
    fclose(f);
    if (text == NULL || n != (size_t)size) {
        free(text);
        return NULL;
    }
    text[n] = '\0';
    if (len) *len = n;
    return text;
}

#endif
