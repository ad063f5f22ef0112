/* store_dynamodb.h -- the production store: one DynamoDB table. */
#ifndef MILKBOT_STORE_DYNAMODB_H
#define MILKBOT_STORE_DYNAMODB_H

#include "aws/dynamodb.h"
#include "store.h"

/* Opens the store on table `table`, with credentials, region and endpoint
 * from the environment (aws_config.h). No request is made yet. Returns
 * NULL with a message naming what is missing. */
store *store_dynamodb_open(const char *table, char *err, size_t errlen);

/* The store's client, for tests and benchmarks (request counts). */
dynamo_client *store_dynamodb_client(store *s);

#endif
