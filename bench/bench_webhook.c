/* bench_webhook.c -- a warm invocation: the API Gateway event in, the Lambda
 * response out, through the webhook handler and the bot, on a store.
 *
 *   bench_webhook [-n MESSAGES] [-s STORE_SPEC]
 *
 * Default store: SQLite in memory, which leaves the handler's own work
 * (event and update decoding, parsing, ICU, the reply's JSON): reported as
 * CPU time per message. With -s sqlite:PATH or -s dynamodb:TABLE (AWS
 * settings from the environment), the latency includes the store. The
 * messages alternate a feeding ("120ml formula") and "total?". Not a test. */
#include "bot/bot.h"
#include "clock/clock.h"
#include "store/store.h"
#include "store/store_dynamodb.h"
#include "webhook/webhook.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    int n = 20000;
    const char *spec = "sqlite::memory:";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-n") && i + 1 < argc) n = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-s") && i + 1 < argc) spec = argv[++i];
        else {
            fprintf(stderr, "usage: bench_webhook [-n MESSAGES] [-s STORE_SPEC]\n");
            return 2;
        }
    }
    char err[512];
    if (clock_init(err, sizeof err) != 0) return 1;
    store *s = store_open(spec, err, sizeof err);
    if (s && strncmp(spec, "dynamodb:", 9) == 0 &&
        dynamo_create_table(store_dynamodb_client(s), spec + 9, err, sizeof err) != DYNAMO_OK) {
        store_close(s);
        s = NULL;
    }
    bot *b = s ? bot_new(s, "Europe/London", err, sizeof err) : NULL;
    webhook_config config = {0};
    strcpy(config.secret, "bench-secret");
    if (b == NULL || webhook_config_set_allowed(&config, "111111111", err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    char event[2048];
    double wall = 0, cpu = 0;
    int failures = 0;
    long long date = 1795867200; /* 2026-11-28T12:00:00Z */
    for (int i = 0; i < n; i++) {
        const char *text = i % 2 ? "total?" : "120ml formula";
        if (i % 2 == 0) date += 3 * 3600; /* a feeding every 3 hours */
        snprintf(event, sizeof event,
                 "{\"version\":\"2.0\",\"headers\":{\"content-type\":\"application/json\","
                 "\"x-telegram-bot-api-secret-token\":\"bench-secret\"},\"requestContext\":"
                 "{\"http\":{\"method\":\"POST\"}},\"isBase64Encoded\":false,\"body\":"
                 "\"{\\\"update_id\\\":%d,\\\"message\\\":{\\\"message_id\\\":%d,\\\"date\\\":%lld,"
                 "\\\"from\\\":{\\\"id\\\":111111111,\\\"is_bot\\\":false,\\\"first_name\\\":\\\"Ana\\\"},"
                 "\\\"chat\\\":{\\\"id\\\":111111111,\\\"type\\\":\\\"private\\\"},\\\"text\\\":\\\"%s\\\"}}\"}",
                 i + 1, i + 1, date, text);
        webhook_result result;
        double w0 = now_s(CLOCK_MONOTONIC), c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
        char *response = webhook_handle(&config, b, NULL, event, strlen(event), date * 1000, &result);
        cpu += now_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
        wall += now_s(CLOCK_MONOTONIC) - w0;
        failures += response == NULL || result.status != 200;
        free(response);
    }
    printf("store %s, %d messages (a feeding and \"total?\" alternately)\n", spec, n);
    printf("warm invocation   %9.1f us/message (wall)   %9.1f us/message (CPU)\n",
           wall * 1e6 / n, cpu * 1e6 / n);
    if (failures) printf("(%d messages failed)\n", failures);
    bot_free(b);
    store_close(s);
    webhook_config_free(&config);
    return failures ? 1 : 0;
}
