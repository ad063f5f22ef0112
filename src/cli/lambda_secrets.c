/* lambda_secrets.c -- see lambda_secrets.h. */
#include "lambda_secrets.h"

#include "aws/aws_config.h"
#include "aws/secret_source.h"
#include "aws/ssm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How long the init's read may take: Lambda gives init 10 s in all. */
#define INIT_READ_MS 5000

/* One secret: its value from the environment, else its parameter's name. */
static int find(const char *value_env, const char *param_env, char *value,
                size_t valuelen, char *param, size_t paramlen, char *err,
                size_t errlen) {
    const char *name;
    switch (secret_source_find(value_env, NULL, param_env, value, valuelen,
                               &name, err, errlen)) {
    case SECRET_IN_VALUE: return 0;
    case SECRET_TOO_LONG: return -1;
    case SECRET_NOWHERE:
        snprintf(err, errlen, "neither %s nor %s is set", value_env, param_env);
        return -1;
    case SECRET_IN_PARAM: break;
    }
    if (strlen(name) >= paramlen) {
        snprintf(err, errlen, "%s is too long", param_env);
        return -1;
    }
    snprintf(param, paramlen, "%s", name);
    return 0;
}

int lambda_secrets_init(lambda_secrets *s, char *err, size_t errlen) {
    memset(s, 0, sizeof *s);
    if (find("MILKBOT_WEBHOOK_SECRET", "WEBHOOK_SECRET_PARAM", s->webhook_secret,
             sizeof s->webhook_secret, s->webhook_param, sizeof s->webhook_param,
             err, errlen) != 0 ||
        find("TELEGRAM_BOT_TOKEN", "BOT_TOKEN_PARAM", s->token, sizeof s->token,
             s->token_param, sizeof s->token_param, err, errlen) != 0)
        return -1;
    const char *every = getenv("MILKBOT_SECRET_RECHECK_SECONDS");
    long seconds = every && every[0] ? strtol(every, NULL, 10) : 60;
    if (seconds < 1 || seconds > 86400) {
        snprintf(err, errlen, "MILKBOT_SECRET_RECHECK_SECONDS must be 1 to "
                 "86400 (default 60)");
        return -1;
    }
    s->recheck_ms = seconds * 1000;
    if (s->webhook_param[0] == '\0' && s->token_param[0] == '\0') return 0;
    aws_config config;
    if (aws_config_from_env(&config, "ssm", err, errlen) != 0) return -1;
    s->ssm = ssm_client_new(&config, err, errlen);
    memset(&config, 0, sizeof config);
    return s->ssm ? 0 : -1;
}

static void *read_parameters(void *arg) {
    lambda_secrets *s = arg;
    const char *names[2];
    char *outs[2];
    size_t n = 0;
    _Static_assert(sizeof s->webhook_secret == sizeof s->token, "one size for both");
    if (s->webhook_param[0]) names[n] = s->webhook_param, outs[n++] = s->webhook_secret;
    if (s->token_param[0]) names[n] = s->token_param, outs[n++] = s->token;
    s->status = ssm_get_parameters(s->ssm, names, n, outs, sizeof s->token, s->err,
                                   sizeof s->err);
    return NULL;
}

int lambda_secrets_start(lambda_secrets *s, int64_t now_ms, char *err,
                         size_t errlen) {
    if (s->ssm == NULL) return 0;
    s->read_ms = now_ms;
    aws_json_set_deadline(s->ssm, now_ms + INIT_READ_MS);
    int rc = pthread_create(&s->thread, NULL, read_parameters, s);
    if (rc != 0) {
        snprintf(err, errlen, "cannot start a thread: %s", strerror(rc));
        return -1;
    }
    s->reading = 1;
    return 0;
}

int lambda_secrets_finish(lambda_secrets *s, char *err, size_t errlen) {
    if (!s->reading) return 0;
    pthread_join(s->thread, NULL);
    s->reading = 0;
    if (s->status != 0) {
        snprintf(err, errlen, "%s", s->err);
        return -1;
    }
    return 0;
}

int lambda_secrets_recheck(lambda_secrets *s, int64_t now_ms,
                           int64_t deadline_ms, char *err, size_t errlen) {
    if (s->ssm == NULL || s->webhook_param[0] == '\0' ||
        now_ms - s->read_ms < s->recheck_ms)
        return 0;
    s->read_ms = now_ms;
    char fresh[sizeof s->webhook_secret] = "";
    char *outs[1] = {fresh};
    const char *names[1] = {s->webhook_param};
    aws_json_set_deadline(s->ssm, deadline_ms);
    int rc = ssm_get_parameters(s->ssm, names, 1, outs, sizeof fresh, err, errlen);
    if (rc == 0 && strcmp(fresh, s->webhook_secret) != 0) {
        memcpy(s->webhook_secret, fresh, sizeof fresh);
        rc = 1;
    }
    memset(fresh, 0, sizeof fresh);
    return rc;
}

void lambda_secrets_free(lambda_secrets *s) {
    if (s->reading) pthread_join(s->thread, NULL);
    aws_json_client_free(s->ssm);
    memset(s, 0, sizeof *s);
}
