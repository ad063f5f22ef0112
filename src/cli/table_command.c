/* table_command.c -- `milkbot create-table TABLE`: a developer command that
 * creates the bot's DynamoDB table with the key schema and indexes of
 * template.yaml (src/aws/dynamodb.c: dynamo_create_table),
 * usually on a local endpoint (AWS_ENDPOINT_URL_DYNAMODB=http://...). */
#include "aws/dynamodb.h"
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char usage[] = "usage: milkbot create-table TABLE\n";

int cli_create_table(int argc, char **argv) {
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage, stdout);
        fputs("Creates TABLE with milkbot's key schema (pk, sk; indexes by_entry\n"
              "and by_due) and waits until it is active. AWS settings come from the\n"
              "environment: AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,\n"
              "AWS_ENDPOINT_URL_DYNAMODB (e.g. http://127.0.0.1:8000 for dynalite).\n",
              stdout);
        return 0;
    }
    if (argc != 2 || argv[1][0] == '-') {
        fputs(usage, stderr);
        return 2;
    }
    char err[512];
    aws_config config;
    if (aws_config_from_env(&config, "dynamodb", err, sizeof err) != 0) {
        fprintf(stderr, "milkbot create-table: %s\n", err);
        return 1;
    }
    dynamo_client *c = dynamo_client_new(&config, err, sizeof err);
    if (c == NULL || dynamo_create_table(c, argv[1], err, sizeof err) != DYNAMO_OK) {
        fprintf(stderr, "milkbot create-table: %s\n", err);
        dynamo_client_free(c);
        return 1;
    }
    dynamo_client_free(c);
    printf("created table %s at %s\n", argv[1], config.endpoint);
    return 0;
}
