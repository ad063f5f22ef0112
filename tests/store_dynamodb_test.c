/* store_dynamodb_test.c -- the store conformance suite on DynamoDB: the real
 * client, through libcurl and SigV4, against dynalite on loopback; one fresh
 * table per test. It runs twice: calling the store directly (every answer
 * read from the table), and in turns as the bot calls it (get_chat first,
 * then answers from the turn's window), so both paths keep every promise. */
#include "dynalite_env.h"
#include "store/store_dynamodb.h"
#include "store_conformance.h"

#include <stdio.h>
#include <stdlib.h>

static store *open_table(void *ctx) {
    (void)ctx;
    char table[128], err[512];
    if (dynalite_new_table(table, sizeof table) != 0) return NULL;
    store *s = store_dynamodb_open(table, err, sizeof err);
    if (s == NULL) fprintf(stderr, "%s\n", err);
    return s;
}

/* The bot's way: every call is part of a turn begun with get_chat at a
 * message time near the suite's feedings (2025-11-28T20:00:00Z). */
#define TURN_NOW 1764360000000LL

typedef struct {
    store base;
    store *real;
} turn_store;

static store *real_in_turn(store *s, int64_t chat_id) {
    store *real = ((turn_store *)s)->real;
    store_chat chat;
    char err[STORE_ERR_MAX];
    if (real->ops->get_chat(real, chat_id, TURN_NOW, &chat, err) != STORE_OK)
        fprintf(stderr, "turn: %s\n", err);
    return real;
}

#define REAL(s) (((turn_store *)(s))->real)
static int t_add(store *s, store_feeding *feeds, size_t *n, int *already, char *err) {
    store *r = real_in_turn(s, feeds[0].chat_id);
    return r->ops->add_message(r, feeds, n, already, err);
}
static int t_list(store *s, int64_t c, int64_t a, int64_t b, store_list *out, char *err) {
    store *r = real_in_turn(s, c);
    return r->ops->list_range(r, c, a, b, out, err);
}
static int t_latest(store *s, int64_t c, int64_t b, store_feeding *out, int *found, char *err) {
    store *r = real_in_turn(s, c);
    return r->ops->latest_before(r, c, b, out, found, err);
}
static int t_undo(store *s, int64_t c, int64_t m, store_feeding *out, int *found, char *err) {
    store *r = real_in_turn(s, c);
    return r->ops->undo_last(r, c, m, out, found, err);
}
static int t_remove(store *s, int64_t c, int64_t m, int l, store_feeding *out, int *found,
                    char *err) {
    store *r = real_in_turn(s, c);
    return r->ops->remove(r, c, m, l, out, found, err);
}
static int t_replace(store *s, int64_t c, int64_t m, const store_feeding *feeds, size_t n,
                     store_list *old, char *err) {
    store *r = real_in_turn(s, c);
    return r->ops->replace_message(r, c, m, feeds, n, old, err);
}
static int t_get(store *s, int64_t c, int64_t now, store_chat *out, char *err) {
    return REAL(s)->ops->get_chat(REAL(s), c, now, out, err);
}
static int t_tz(store *s, int64_t c, const char *tz, char *err) {
    store *r = real_in_turn(s, c);
    return r->ops->set_tz(r, c, tz, err);
}
static int t_max(store *s, int64_t c, int64_t *out, char *err) {
    return REAL(s)->ops->max_message_id(REAL(s), c, out, err);
}
static void t_close(store *s) {
    store_close(REAL(s));
    free(s);
}
static const store_ops turn_ops = {t_add, t_list, t_latest, t_undo, t_remove,
                                   t_replace, t_get, t_tz, t_max, t_close};

static store *open_table_in_turns(void *ctx) {
    store *real = open_table(ctx);
    if (real == NULL) return NULL;
    turn_store *t = calloc(1, sizeof *t);
    t->base.ops = &turn_ops;
    t->real = real;
    return &t->base;
}

int main(void) {
    if (dynalite_env() != 0) return 2;
    const store_backend direct = {"store_conformance(dynamodb, direct)", open_table, NULL};
    const store_backend turns = {"store_conformance(dynamodb, in turns)",
                                 open_table_in_turns, NULL};
    int failed = store_conformance_run(&direct);
    failed += store_conformance_run(&turns);
    return failed;
}
