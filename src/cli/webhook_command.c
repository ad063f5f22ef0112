/* webhook_command.c -- setting the bot up with Telegram from the shell:
 *
 *   milkbot webhook set --url URL [--drop-pending]
 *   milkbot webhook info
 *   milkbot webhook delete [--drop-pending]
 *   milkbot commands set
 *
 * The bot token comes from TELEGRAM_BOT_TOKEN, or else from the SSM
 * parameter named by --token-param (or BOT_TOKEN_PARAM, as in Lambda);
 * the webhook's secret token (for `set`) from MILKBOT_WEBHOOK_SECRET, or
 * else the parameter named by --secret-param (WEBHOOK_SECRET_PARAM).
 * Parameters are read with the AWS credentials and region of the
 * environment. TELEGRAM_API_URL points elsewhere than
 * https://api.telegram.org (tests). Neither secret is ever printed. */
#include "cli.h"
#include "aws/secret_source.h"
#include "aws/ssm.h"
#include "telegram/bot_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: milkbot webhook set --url URL [--drop-pending] [SECRETS]\n"
    "       milkbot webhook info [SECRETS]\n"
    "       milkbot webhook delete [--drop-pending] [SECRETS]\n"
    "       milkbot commands set [SECRETS]\n"
    "SECRETS: the bot token is TELEGRAM_BOT_TOKEN, else read from SSM:\n"
    "  --token-param NAME   the token's SSM parameter (or BOT_TOKEN_PARAM)\n"
    "  --secret-param NAME  for `set`: the webhook secret's parameter, when\n"
    "                       MILKBOT_WEBHOOK_SECRET is not set (or\n"
    "                       WEBHOOK_SECRET_PARAM)\n";

/* Where the two secrets come from: the command line's parameter names,
 * and SSM, connected to once when a secret is read from it. */
typedef struct {
    const char *token_param, *secret_param;
    aws_json_client *ssm;
} secret_sources;

/* A secret from environment variable `value_env`, else from SSM parameter
 * `param` (else the one named by `param_env`). Returns 0, or -1 with a
 * message saying how to provide it. */
static int read_secret(secret_sources *from, const char *value_env,
                       const char *param, const char *param_env,
                       const char *option, char *out, size_t outlen,
                       char *err, size_t errlen) {
    switch (secret_source_find(value_env, param, param_env, out, outlen,
                               &param, err, errlen)) {
    case SECRET_IN_VALUE: return 0;
    case SECRET_TOO_LONG: return -1;
    case SECRET_NOWHERE:
        snprintf(err, errlen, "%s is not set, and no SSM parameter is named "
                 "(%s NAME or %s)", value_env, option, param_env);
        return -1;
    case SECRET_IN_PARAM: break;
    }
    char detail[400];
    if (from->ssm == NULL) {
        aws_config aws;
        if (aws_config_from_env(&aws, "ssm", detail, sizeof detail) == 0)
            from->ssm = ssm_client_new(&aws, detail, sizeof detail);
        memset(&aws, 0, sizeof aws);
    }
    if (from->ssm == NULL ||
        ssm_get_parameter(from->ssm, param, out, outlen, detail, sizeof detail) != 0) {
        snprintf(err, errlen, "reading %s from SSM parameter %.120s: %.300s",
                 value_env, param, detail);
        return -1;
    }
    return 0;
}

static tg_api *open_api(secret_sources *from, char *err, size_t errlen) {
    char token[256];
    if (read_secret(from, "TELEGRAM_BOT_TOKEN", from->token_param, "BOT_TOKEN_PARAM",
                    "--token-param", token, sizeof token, err, errlen) != 0)
        return NULL;
    tg_api *api = tg_api_new(getenv("TELEGRAM_API_URL"), token, err, errlen);
    memset(token, 0, sizeof token);
    return api;
}

static int call(tg_api *api, const char *method, cJSON *params, cJSON **result) {
    char err[512];
    int rc = tg_api_call_result(api, method, params, result, err, sizeof err);
    cJSON_Delete(params);
    if (rc != 0) fprintf(stderr, "milkbot: %s\n", err);
    return rc;
}

cJSON *cli_allowed_updates(void) {
    cJSON *updates = cJSON_CreateArray();
    cJSON_AddItemToArray(updates, cJSON_CreateString("message"));
    cJSON_AddItemToArray(updates, cJSON_CreateString("edited_message"));
    cJSON_AddItemToArray(updates, cJSON_CreateString("callback_query"));
    return updates;
}

static int webhook_set(tg_api *api, secret_sources *from, int argc,
                       char **argv) {
    const char *url = NULL;
    int drop = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--url") == 0 && i + 1 < argc) url = argv[++i];
        else if (strcmp(argv[i], "--drop-pending") == 0) drop = 1;
        else {
            fputs(usage, stderr);
            return 2;
        }
    }
    if (url == NULL || strncmp(url, "https://", 8) != 0) {
        fprintf(stderr, "milkbot webhook set: --url must be the stack's https:// "
                "WebhookUrl output\n");
        return 2;
    }
    char secret[256], err[512];
    if (read_secret(from, "MILKBOT_WEBHOOK_SECRET", from->secret_param,
                    "WEBHOOK_SECRET_PARAM", "--secret-param", secret,
                    sizeof secret, err, sizeof err) != 0) {
        fprintf(stderr, "milkbot webhook set: %s\n", err);
        return 1;
    }
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "url", url);
    cJSON_AddStringToObject(p, "secret_token", secret);
    cJSON_AddItemToObject(p, "allowed_updates", cli_allowed_updates());
    if (drop) cJSON_AddBoolToObject(p, "drop_pending_updates", 1);
    memset(secret, 0, sizeof secret);
    int rc = call(api, "setWebhook", p, NULL); /* frees p */
    if (rc != 0) return 1;
    printf("webhook set to %s\n", url);
    return 0;
}

static int webhook_info(tg_api *api) {
    cJSON *info;
    if (call(api, "getWebhookInfo", cJSON_CreateObject(), &info) != 0) return 1;
    const char *url = cJSON_GetStringValue(cJSON_GetObjectItem(info, "url"));
    printf("url: %s\n", url && url[0] ? url : "(none)");
    printf("pending updates: %d\n",
           (int)cJSON_GetNumberValue(cJSON_GetObjectItem(info, "pending_update_count")));
    const char *last = cJSON_GetStringValue(cJSON_GetObjectItem(info, "last_error_message"));
    const cJSON *when = cJSON_GetObjectItem(info, "last_error_date");
    if (last)
        printf("last error: %s (at %.0f, Unix time)\n", last,
               cJSON_IsNumber(when) ? when->valuedouble : 0);
    else
        printf("last error: none\n");
    cJSON_Delete(info);
    return 0;
}

static int webhook_delete(tg_api *api, int argc, char **argv) {
    cJSON *p = cJSON_CreateObject();
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--drop-pending") == 0) {
            cJSON_AddBoolToObject(p, "drop_pending_updates", 1);
        } else {
            cJSON_Delete(p);
            fputs(usage, stderr);
            return 2;
        }
    }
    if (call(api, "deleteWebhook", p, NULL) != 0) return 1;
    printf("webhook deleted\n");
    return 0;
}

static int commands_set(tg_api *api) {
    static const struct { const char *command, *description; } commands[] = {
        {"total", "today's feedings and total"},
        {"week", "the last 7 days"},
        {"last", "the last feeding, and how long ago"},
        {"undo", "remove the feeding entered last"},
        {"next", "when the next feed is likely"},
        {"reminders", "what is set: reminders, alert, summary"},
        {"stopreminders", "stop this chat's reminders"},
        {"tz", "show or set the time zone"},
        {"help", "how to record a feeding"},
    };
    cJSON *p = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(p, "commands");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "command", commands[i].command);
        cJSON_AddStringToObject(c, "description", commands[i].description);
        cJSON_AddItemToArray(list, c);
    }
    if (call(api, "setMyCommands", p, NULL) != 0) return 1;
    printf("commands set: /total /week /last /undo /tz /help\n");
    return 0;
}

int cli_telegram(int argc, char **argv) {
    /* argv[0] is "webhook" or "commands" */
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    int is_webhook = strcmp(argv[0], "webhook") == 0;
    const char *what = argv[1];
    if (!(is_webhook ? (!strcmp(what, "set") || !strcmp(what, "info") || !strcmp(what, "delete"))
                     : !strcmp(what, "set"))) {
        fprintf(stderr, "milkbot %s: unknown action \"%s\"\n", argv[0], what);
        fputs(usage, stderr);
        return 2;
    }
    /* the secrets' sources may come anywhere after the action */
    secret_sources from = {NULL, NULL, NULL};
    int rest = 0;
    for (int i = 2; i < argc; i++) {
        int token = strcmp(argv[i], "--token-param") == 0;
        if (token || strcmp(argv[i], "--secret-param") == 0) {
            if (i + 1 >= argc || argv[i + 1][0] == '\0') {
                fprintf(stderr, "milkbot %s: %s needs a parameter name\n", argv[0], argv[i]);
                return 2;
            }
            *(token ? &from.token_param : &from.secret_param) = argv[++i];
        } else {
            argv[2 + rest++] = argv[i];
        }
    }
    argc = 2 + rest;
    char err[512];
    tg_api *api = open_api(&from, err, sizeof err);
    if (api == NULL) {
        fprintf(stderr, "milkbot %s: %s\n", argv[0], err);
        aws_json_client_free(from.ssm);
        return 1;
    }
    int status;
    if (!is_webhook) status = commands_set(api);
    else if (!strcmp(what, "set")) status = webhook_set(api, &from, argc - 2, argv + 2);
    else if (!strcmp(what, "info")) status = webhook_info(api);
    else status = webhook_delete(api, argc - 2, argv + 2);
    tg_api_free(api);
    aws_json_client_free(from.ssm);
    return status;
}
