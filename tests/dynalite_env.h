/* dynalite_env.h -- points the AWS settings at the test DynamoDB (dynalite,
 * started by ctest's "dynalite" fixture: scripts/dynalite) and makes fresh
 * tables. Header-only: each DynamoDB test includes it once. */
#ifndef MILKBOT_DYNALITE_ENV_H
#define MILKBOT_DYNALITE_ENV_H

#include "aws/dynamodb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Reads the endpoint file named by MILKBOT_TEST_DYNALITE and sets the
 * environment the store reads (fake credentials: dynalite checks none).
 * Returns 0, or -1 with a message on stderr. */
static int dynalite_env(void) {
    const char *file = getenv("MILKBOT_TEST_DYNALITE");
    char endpoint[256] = "";
    FILE *f = file ? fopen(file, "r") : NULL;
    if (f == NULL || fgets(endpoint, sizeof endpoint, f) == NULL) {
        fprintf(stderr, "no dynalite: MILKBOT_TEST_DYNALITE must name the "
                "endpoint file written by scripts/dynalite start\n");
        if (f) fclose(f);
        return -1;
    }
    fclose(f);
    endpoint[strcspn(endpoint, "\r\n")] = '\0';
    setenv("AWS_ENDPOINT_URL_DYNAMODB", endpoint, 1);
    setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", 1);
    setenv("AWS_SESSION_TOKEN", "session-token-for-tests", 1);
    setenv("AWS_REGION", "us-east-1", 1);
    return 0;
}

/* Creates a new, empty table and returns its name in `name`. */
static int dynalite_new_table(char *name, size_t size) {
    static int counter;
    char err[512];
    aws_config config;
    snprintf(name, size, "milkbot-test-%d-%d", (int)getpid(), ++counter);
    if (aws_config_from_env(&config, "dynamodb", err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    dynamo_client *c = dynamo_client_new(&config, err, sizeof err);
    int rc = c && dynamo_create_table(c, name, err, sizeof err) == DYNAMO_OK ? 0 : -1;
    if (rc) fprintf(stderr, "creating table %s: %s\n", name, err);
    dynamo_client_free(c);
    return rc;
}

#endif
