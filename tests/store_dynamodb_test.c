/* store_dynamodb_test.c -- the store conformance suite on DynamoDB: the real
 * client, through libcurl and SigV4, against dynalite on loopback; one fresh
 * table per test. */
#include "dynalite_env.h"
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

int main(void) {
    if (dynalite_env() != 0) return 2;
    const store_backend dynamodb = {"store_conformance(dynamodb on dynalite)",
                                    open_table, NULL};
    return store_conformance_run(&dynamodb);
}
