#!/usr/bin/env python3
"""template_test.py -- template.yaml's values, pinned to what the code
expects: cfn-lint (template_lint_test.py) does not check them all (it let
an invalid BillingMode through).
usage: template_test.py template.yaml"""
import sys

import yaml

from services import Checks

check = Checks("template")


class Loader(yaml.SafeLoader):
    pass


# CloudFormation's short tags (!Ref, !Sub) as plain {"Ref": ...} values
Loader.add_multi_constructor("!", lambda loader, suffix, node: {
    suffix: loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode)
    else loader.construct_sequence(node)})

path = sys.argv[1]
t = yaml.load(open(path), Loader)
res, params = t["Resources"], t["Parameters"]
table = res["FeedingsTable"]["Properties"]
fn = res["BotFunction"]["Properties"]
check("table: on-demand", table["BillingMode"] == "PAY_PER_REQUEST", table["BillingMode"])
check("table: point-in-time recovery",
      table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True)
check("table: deletion protection", table["DeletionProtectionEnabled"] is True)
check("table: kept when the stack goes", res["FeedingsTable"]["DeletionPolicy"] == "Retain")
check("table: string keys pk, sk",
      [(k["AttributeName"], k["KeyType"]) for k in table["KeySchema"]] == [("pk", "HASH"), ("sk", "RANGE")])
check("function: provided.al2023", fn["Runtime"] == "provided.al2023", fn["Runtime"])
check("function: bootstrap", fn["Handler"] == "bootstrap")
check("function: 128 MB", fn["MemorySize"] == 128)
check("function: a short timeout", 3 <= fn["Timeout"] <= 15, str(fn["Timeout"]))
check("function: the package", fn["CodeUri"] == "build/milkbot-lambda.zip", fn["CodeUri"])
check("function: architecture parameter, x86_64 by default",
      fn["Architectures"] == [{"Ref": "Architecture"}] and params["Architecture"]["Default"] == "x86_64")
check("function: the extension layer", fn["Layers"] == [{"Ref": "ParametersSecretsExtensionArn"}])
env = fn["Environment"]["Variables"]
check("function: its settings", set(env) == {"MILKBOT_STORE", "MILKBOT_TZ", "ALLOWED_USER_IDS",
                                             "WEBHOOK_SECRET_PARAM", "BOT_TOKEN_PARAM",
                                             "GNUTLS_NO_IMPLICIT_INIT", "MILKBOT_CA_BUNDLE"}, str(env))
check("function: Amazon Linux's CA certificates",
      env["MILKBOT_CA_BUNDLE"] == "/etc/pki/tls/certs/ca-bundle.crt", env["MILKBOT_CA_BUNDLE"])
check("function: the store is the table", env["MILKBOT_STORE"] == {"Sub": "dynamodb:${FeedingsTable}"})
event = fn["Events"]["Webhook"]
check("function: POST /webhook on the HTTP API", event["Type"] == "HttpApi"
      and event["Properties"]["Path"] == "/webhook" and event["Properties"]["Method"] == "POST")
policies = fn["Policies"]
check("policy: CRUD on this table only",
      policies[0] == {"DynamoDBCrudPolicy": {"TableName": {"Ref": "FeedingsTable"}}}, str(policies[0]))
statements = policies[1]["Statement"]
ssm = [s for s in statements if s["Action"] == "ssm:GetParameter"]
check("policy: read exactly the two parameters", len(ssm) == 1 and len(ssm[0]["Resource"]) == 2
      and "${WebhookSecretParameter}" in ssm[0]["Resource"][0]["Sub"]
      and "${BotTokenParameter}" in ssm[0]["Resource"][1]["Sub"], str(ssm))
kms = [s for s in statements if s["Action"] == "kms:Decrypt"]
check("policy: decrypt only through SSM", len(kms) == 1
      and "kms:ViaService" in kms[0]["Condition"]["StringEquals"], str(kms))
check("policy: nothing else", len(statements) == 2 and len(policies) == 2)
logs = res["BotLogGroup"]["Properties"]
check("logs: retention", logs["RetentionInDays"] == {"Ref": "LogRetentionDays"})
check("output: the webhook URL", "/webhook" in t["Outputs"]["WebhookUrl"]["Value"]["Sub"])
for name in ("AllowedUserIds", "DefaultTimeZone", "WebhookSecretParameter", "BotTokenParameter",
             "ParametersSecretsExtensionArn"):
    check(f"parameter {name}", name in params)
check.finish()
