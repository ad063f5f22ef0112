/* lambda_command.c -- `milkbot lambda`, also started as "bootstrap": the
 * webhook served by the Lambda runtime loop (lambda/runtime.h).
 *
 * Configuration, read once per container (a missing or invalid setting
 * fails the initialisation with a message naming it):
 *   MILKBOT_STORE            dynamodb:TABLE (or sqlite:PATH for local runs)
 *   MILKBOT_TZ               zone of a family that has not chosen one (UTC)
 *   MILKBOT_UNITS            units of a family that has not chosen its own:
 *                            ml (default) or oz
 *   MILKBOT_FAMILY           the family's log (default "family")
 *   ALLOWED_USER_IDS         the family's Telegram user ids
 *   MILKBOT_WEBHOOK_SECRET   the webhook's secret token, or else
 *   WEBHOOK_SECRET_PARAM     the SSM parameter holding it
 *   TELEGRAM_BOT_TOKEN / BOT_TOKEN_PARAM  likewise, for the Bot API call an
 *                            Undo button needs (TELEGRAM_API_URL for tests)
 *   TELEGRAM_BOT_USERNAME    the bot's username, for "@" in groups (optional)
 *   MILKBOT_SECRET_RECHECK_SECONDS  see cli/lambda_secrets.h (60)
 *   MILKBOT_CA_BUNDLE        CA certificates for HTTPS; by default Amazon
 *                            Linux's, /etc/pki/tls/certs/ca-bundle.crt
 *   AWS_REGION, AWS_* credentials, AWS_ENDPOINT_URL_{DYNAMODB,SSM}: as the
 *                            SDKs read them (aws/aws_config.h)
 *
 * Besides webhooks, the function's own clock invokes it every minute with
 * a tick event (lambda/tick_event.h): what is due is said through the Bot
 * API's sendMessage (bot.h, bot_tick), and logged as counts only.
 *
 * Init overlaps its two network waits: the secrets are read from SSM on a
 * thread while this one connects to DynamoDB (TCP and TLS) and loads the
 * zone rules, so the first message finds both connections open. */
#include "cli.h"
#include "cli/lambda_secrets.h"

#include "bot/bot.h"
#include "clock/clock.h"
#include "lambda/log.h"
#include "lambda/runtime.h"
#include "lambda/tick_event.h"
#include "store/store.h"
#include "store/store_dynamodb.h"
#include "telegram/bot_api.h"
#include "util/ca_bundle.h"
#include "webhook/webhook.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What every invocation uses, set up once per container. */
typedef struct {
    webhook_config config;
    lambda_secrets secrets;
    tg_api *api;
    store *store;
    dynamo_client *dynamodb; /* the store's client, when it is DynamoDB */
    bot *bot;
} app;

/* Answer this long before Lambda's deadline: time to post the answer. */
#define DEADLINE_MARGIN_MS 500

static int app_init(app *a, char *err, size_t errlen) {
    int64_t start = clock_now_ms();
    const char *spec = cli_env("MILKBOT_STORE", NULL);
    const char *tz = cli_env("MILKBOT_TZ", "UTC");
    if (spec == NULL) {
        snprintf(err, errlen, "MILKBOT_STORE is not set (dynamodb:TABLE)");
        return -1;
    }
    if (webhook_config_from_env(&a->config, 1, err, errlen) != 0) return -1;
    /* Debian's libcurl (linked in) would look where Amazon Linux has none */
    ca_bundle_set_default(CA_BUNDLE_AMAZON_LINUX);
    if (ca_bundle_check(err, errlen) != 0) return -1;
    if (lambda_secrets_init(&a->secrets, err, errlen) != 0) return -1;
    a->store = store_open(spec, err, errlen);
    if (a->store == NULL) return -1;
    if (strncmp(spec, "dynamodb:", 9) == 0) a->dynamodb = store_dynamodb_client(a->store);
    /* both connections below need the CA file: read it now, once */
    if ((a->secrets.ssm || a->dynamodb) && ca_bundle_load(err, errlen) != 0) return -1;

    if (lambda_secrets_start(&a->secrets, start, err, errlen) != 0) return -1;
    /* meanwhile: the table's connection (a failure here is the first
     * request's to report), the zone rules, the bot */
    if (a->dynamodb) {
        char ignored[256];
        aws_json_connect(a->dynamodb, 2000, ignored, sizeof ignored);
    }
    char id[CLOCK_ZONE_ID_MAX], why_units[128];
    if (clock_init(err, errlen) != 0) return -1;
    if (clock_zone_canonical(tz, id, sizeof id, err, errlen) != 0) {
        char detail[300];
        snprintf(detail, sizeof detail, "MILKBOT_TZ: %.280s", err);
        snprintf(err, errlen, "%s", detail);
        return -1;
    }
    a->bot = bot_new(a->store, id, err, errlen);
    if (a->bot == NULL) return -1;
    if (bot_set_default_units(a->bot, cli_env("MILKBOT_UNITS", "ml"), why_units,
                              sizeof why_units) != 0) {
        snprintf(err, errlen, "MILKBOT_UNITS: %s", why_units);
        return -1;
    }
    if (lambda_secrets_finish(&a->secrets, err, errlen) != 0) return -1;

    char why[300];
    if (webhook_config_set_secret(&a->config, a->secrets.webhook_secret, why,
                                  sizeof why) != 0) {
        snprintf(err, errlen, "%.300s: %.200s",
                 a->secrets.webhook_param[0] ? a->secrets.webhook_param
                                             : "MILKBOT_WEBHOOK_SECRET", why);
        return -1;
    }
    /* the bot's id (the token's first part): a group's replies to it */
    if (webhook_config_set_bot(&a->config, a->secrets.token, NULL, err, errlen) != 0)
        return -1;
    a->api = tg_api_new(cli_env("TELEGRAM_API_URL", NULL), a->secrets.token, err, errlen);
    /* the client keeps its own copy */
    memset(a->secrets.token, 0, sizeof a->secrets.token);
    return a->api ? 0 : -1;
}

static void app_free(app *a) {
    lambda_secrets_free(&a->secrets);
    tg_api_free(a->api);
    bot_free(a->bot);
    store_close(a->store);
    webhook_config_free(&a->config);
}

/* A request's secret did not match: maybe the secret was rotated. Returns
 * 1 when a new secret was read and set. */
static int secret_rotated(app *a, const lambda_invocation *inv, int64_t now,
                          int64_t deadline) {
    char err[512], why[300];
    int changed = lambda_secrets_recheck(&a->secrets, now, deadline, err, sizeof err);
    if (changed < 0) log_line("error", inv->request_id, err, NULL);
    if (changed <= 0) return 0;
    char old[sizeof a->config.secret];
    memcpy(old, a->config.secret, sizeof old);
    int status = webhook_config_set_secret(&a->config, a->secrets.webhook_secret,
                                           why, sizeof why);
    if (status != 0) { /* refused (empty, say): the old one stays */
        memcpy(a->config.secret, old, sizeof old);
        snprintf(err, sizeof err, "%.300s: %.200s", a->secrets.webhook_param, why);
        log_line("error", inv->request_id, err, NULL);
    } else {
        log_line("info", inv->request_id, "webhook secret changed in SSM: read again", NULL);
    }
    memset(old, 0, sizeof old);
    return status == 0;
}

/* A tick of the scheduler: what is due is said. The invocation always
 * succeeds (a retried tick would only find less to do; what could not be
 * said waits for the next tick), and answers with its counts. */
static void handle_tick(app *a, const lambda_invocation *inv,
                        const tick_event *tick, int64_t start,
                        lambda_answer *answer) {
    bot_tick_result r;
    int status;
    char *response = cli_tick_event(a->bot, a->api, start, &r, &status);
    cJSON *fields = cJSON_CreateObject();
    cJSON_AddStringToObject(fields, "scheduled", tick->scheduled);
    cJSON_AddNumberToObject(fields, "attempt", tick->attempt);
    cJSON_AddNumberToObject(fields, "due", r.due);
    cJSON_AddNumberToObject(fields, "said", r.said);
    cJSON_AddNumberToObject(fields, "moved", r.moved);
    cJSON_AddNumberToObject(fields, "lost", r.lost);
    cJSON_AddNumberToObject(fields, "failed", r.failed);
    cJSON_AddNumberToObject(fields, "refused", r.refused);
    if (r.chats_moved) cJSON_AddNumberToObject(fields, "chats_moved", r.chats_moved);
    if (r.error[0]) cJSON_AddStringToObject(fields, "note", r.error);
    cJSON_AddNumberToObject(fields, "ms", (double)(clock_now_ms() - start));
    log_line(status != BOT_OK || r.failed ? "error" : "info", inv->request_id,
             "tick", fields);
    answer->response = response;
}

static void handle(void *context, const lambda_invocation *inv,
                   lambda_answer *answer) {
    app *a = context;
    int64_t start = clock_now_ms();
    /* a store or Bot API that hangs becomes a 500 (Telegram retries), not
     * a killed invocation */
    int64_t deadline = inv->deadline_ms ? inv->deadline_ms - DEADLINE_MARGIN_MS : 0;
    if (a->dynamodb) dynamo_set_deadline(a->dynamodb, deadline);
    tg_api_set_deadline(a->api, deadline);
    tick_event tick;
    if (tick_event_parse(inv->event, inv->len, &tick)) {
        handle_tick(a, inv, &tick, start, answer);
        return;
    }
    webhook_result result;
    char *response = webhook_handle(&a->config, a->bot, a->api, inv->event,
                                    inv->len, start, &result);
    /* 401 is decided before anything else: handling again is safe */
    if (response && result.status == 401 && secret_rotated(a, inv, start, deadline)) {
        free(response);
        response = webhook_handle(&a->config, a->bot, a->api, inv->event,
                                  inv->len, start, &result);
    }
    /* logged before the response is posted: after it, Lambda may freeze
     * the process before the line is out */
    cJSON *fields = cJSON_CreateObject();
    cJSON_AddNumberToObject(fields, "status", result.status);
    cJSON_AddStringToObject(fields, "outcome", result.outcome ? result.outcome : "");
    if (result.note[0]) cJSON_AddStringToObject(fields, "note", result.note);
    cJSON_AddNumberToObject(fields, "ms", (double)(clock_now_ms() - start));
    log_line(result.status >= 500 ? "error" : "info", inv->request_id,
             "handled", fields);
    answer->response = response; /* NULL: out of memory, reported so */
}

int cli_lambda(void) {
    char err[512];
    lambda_runtime *rt = lambda_runtime_new(err, sizeof err);
    if (rt == NULL) {
        lambda_runtime_init_error(NULL, err);
        return 1;
    }
    app a;
    memset(&a, 0, sizeof a);
    int status = 1;
    if (app_init(&a, err, sizeof err) != 0) {
        lambda_runtime_init_error(rt, err);
    } else {
        /* once per container: which rules its times are computed with */
        cJSON *versions = cJSON_CreateObject();
        cJSON_AddStringToObject(versions, "version", MILKBOT_VERSION);
        cJSON_AddStringToObject(versions, "icu", clock_icu_version());
        cJSON_AddStringToObject(versions, "zone_rules", clock_zone_rules_version());
        log_line("info", NULL, "initialised", versions);
        status = lambda_runtime_run(rt, handle, &a);
    }
    app_free(&a);
    lambda_runtime_free(rt);
    return status;
}
