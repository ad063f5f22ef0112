/* store_dynamodb_test.c -- the store conformance suite on DynamoDB: the real
 * client, through libcurl and SigV4, against dynalite on loopback; one fresh
 * table per test. It runs twice: calling the store directly (every answer
 * read from the table), and in turns as the bot calls it (get_chat first,
 * then answers from the turn's window), so both paths keep every promise. */
#include "dynalite_env.h"
#include "forwarding_store.h"
#include "store/store_dynamodb.h"
#include "store_conformance.h"

#include <stdio.h>

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

/* Begins the turn each call belongs to, except for the calls that begin a
 * turn themselves (get_chat) or stand outside turns (max_message_id). */
static int begin_turn(forwarding_store *f, forward_op op, int64_t chat_id, char *err) {
    (void)err;
    if (op == FORWARD_GET_CHAT || op == FORWARD_MAX_MESSAGE_ID) return STORE_OK;
    store_chat chat;
    char turn_err[STORE_ERR_MAX];
    if (f->real->ops->get_chat(f->real, chat_id, TURN_NOW, &chat, turn_err) != STORE_OK)
        fprintf(stderr, "turn: %s\n", turn_err);
    return STORE_OK;
}

static store *open_table_in_turns(void *ctx) {
    forwarding_store *f = forwarding_store_new(open_table(ctx), begin_turn, NULL);
    return f ? &f->base : NULL;
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
