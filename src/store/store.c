/* store.c -- opening a store by name, and what every backend shares. */
#include "store.h"
#include "store_dynamodb.h"
#include "store_sqlite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int store_default_sqlite_path(char *path, size_t size) {
    const char *data = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    int n;
    if (data && data[0] == '/')
        n = snprintf(path, size, "%s/milkbot/milkbot.db", data);
    else if (home && home[0])
        n = snprintf(path, size, "%s/.local/share/milkbot/milkbot.db", home);
    else
        return -1;
    return n > 0 && (size_t)n < size ? 0 : -1;
}

store *store_open(const char *spec, char *err, size_t errlen) {
    if (strcmp(spec, "sqlite") == 0) {
        char path[4096];
        if (store_default_sqlite_path(path, sizeof path) != 0) {
            snprintf(err, errlen, "no default store: set XDG_DATA_HOME or HOME, "
                     "or give --store sqlite:PATH");
            return NULL;
        }
        return store_sqlite_open(path, 1, err, errlen);
    }
    if (strncmp(spec, "sqlite:", 7) == 0 && spec[7] != '\0')
        return store_sqlite_open(spec + 7, 0, err, errlen);
    if (strncmp(spec, "dynamodb:", 9) == 0)
        return store_dynamodb_open(spec + 9, err, errlen);
    snprintf(err, errlen, "unknown store \"%.100s\" (use sqlite:PATH or "
             "dynamodb:TABLE)", spec);
    return NULL;
}

int store_list_push(store_list *list, const store_feeding *f) {
    if (list->count == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 16;
        store_feeding *items = realloc(list->items, cap * sizeof *items);
        if (items == NULL) return STORE_ERROR;
        list->items = items;
        list->cap = cap;
    }
    list->items[list->count++] = *f;
    return STORE_OK;
}

void store_list_free(store_list *list) {
    free(list->items);
    list->items = NULL;
    list->count = list->cap = 0;
}

const char *store_kind_name(phrase_kind kind) { return phrase_kind_name(kind); }

int store_kind_from_name(const char *name, phrase_kind *kind) {
    static const phrase_kind kinds[] = {PHRASE_MILK, PHRASE_FORMULA,
                                        PHRASE_BREASTMILK, PHRASE_NURSING};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(name, phrase_kind_name(kinds[i])) == 0) {
            *kind = kinds[i];
            return 0;
        }
    return -1;
}

int store_family_valid(const char *family) {
    size_t n = 0;
    for (; family[n]; n++) {
        char c = family[n];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return 0;
    }
    return n > 0 && n < STORE_FAMILY_MAX;
}

const char *store_adopting_family(void) {
    const char *family = getenv("MILKBOT_FAMILY");
    return family && store_family_valid(family) ? family : STORE_DEFAULT_FAMILY;
}

static int cmp_i64(int64_t a, int64_t b) { return a < b ? -1 : a > b; }

int store_entry_cmp(const store_feeding *a, const store_feeding *b) {
    int c = cmp_i64(a->sent_ms, b->sent_ms);
    if (c == 0) c = cmp_i64(a->chat_id, b->chat_id);
    if (c == 0) c = cmp_i64(a->message_id, b->message_id);
    if (c == 0) c = cmp_i64(a->line, b->line);
    return c;
}

void store_stamp(int64_t sent_ms, int64_t chat_id, int64_t message_id,
                 char out[STORE_STAMP_MAX]) {
    /* fixed widths (STORE_STAMP_*), so that each part compares as text as
     * it does as a number; the chat and message offset by 2^63 so that
     * negative ids do too */
    snprintf(out, STORE_STAMP_MAX, "%015lld#%020llu#%020llu",
             (long long)(sent_ms > 0 ? sent_ms : 0),
             (unsigned long long)((uint64_t)chat_id ^ (1ULL << 63)),
             (unsigned long long)((uint64_t)message_id ^ (1ULL << 63)));
}

int store_time_cmp(const store_feeding *a, const store_feeding *b) {
    int c = cmp_i64(a->at_ms, b->at_ms);
    return c ? c : store_entry_cmp(a, b);
}
