#!/usr/bin/env python3
"""template_test.py -- template.yaml's values, pinned to what the code
expects: cfn-lint (template_lint_test.py) does not check them all (it let
an invalid BillingMode through).
usage: template_test.py template.yaml"""
import json
import re
import os
import sys

from cfn_template import load_template

from services import Checks

check = Checks("template")

path = sys.argv[1]
t = load_template(path)
res, params = t["Resources"], t["Parameters"]
table = res["FeedingsTable"]["Properties"]
fn = res["BotFunction"]["Properties"]
check("table: on-demand", table["BillingMode"] == "PAY_PER_REQUEST", table["BillingMode"])
check("table: point-in-time recovery",
      table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True)
# a first deploy that fails must be able to delete the table it made:
# deletion protection is a parameter, off until the owner turns it on
check("table: deletion protection by parameter, off at first",
      table["DeletionProtectionEnabled"] == {"If": ["ProtectTable", True, False]}
      and t["Conditions"]["ProtectTable"] == {"Equals": [{"Ref": "TableDeletionProtection"}, "true"]}
      and params["TableDeletionProtection"]["Default"] == "false",
      str(table.get("DeletionProtectionEnabled")))
check("table: kept when the stack goes, but not after a failed create",
      res["FeedingsTable"]["DeletionPolicy"] == "RetainExceptOnCreate"
      and res["FeedingsTable"]["UpdateReplacePolicy"] == "Retain")
check("table: string keys pk, sk",
      [(k["AttributeName"], k["KeyType"]) for k in table["KeySchema"]] == [("pk", "HASH"), ("sk", "RANGE")])
check("function: provided.al2023", fn["Runtime"] == "provided.al2023", fn["Runtime"])
check("function: bootstrap", fn["Handler"] == "bootstrap")
check("function: 128 MB", fn["MemorySize"] == 128)
check("function: a short timeout", 3 <= fn["Timeout"] <= 15, str(fn["Timeout"]))
check("function: built by `sam build` through the Makefile",
      fn["CodeUri"] == "." and res["BotFunction"]["Metadata"] == {"BuildMethod": "makefile"},
      str(fn["CodeUri"]))
check("function: architecture parameter, x86_64 by default",
      fn["Architectures"] == [{"Ref": "Architecture"}] and params["Architecture"]["Default"] == "x86_64")
check("function: no layer (secrets read from SSM by the code)", "Layers" not in fn)
check("function: concurrency capped unless the parameter is 0",
      fn["ReservedConcurrentExecutions"] == {"If": ["CapConcurrency", {"Ref": "ReservedConcurrency"},
                                                    {"Ref": "AWS::NoValue"}]}
      and params["ReservedConcurrency"]["MinValue"] == 0, str(fn.get("ReservedConcurrentExecutions")))
# AWS refuses any reservation in an account whose quota is under 100 plus
# it (new accounts: 10), so the default, which `sam deploy --guided`
# offers, must be no cap, or a first deploy fails there
check("function: no cap by default (new accounts could not deploy one)",
      params["ReservedConcurrency"]["Default"] == 0)
routes = res["WebhookApi"]["Properties"]["DefaultRouteSettings"]
check("route: throttled", routes == {"ThrottlingBurstLimit": 20, "ThrottlingRateLimit": 10}, str(routes))
env = fn["Environment"]["Variables"]
check("function: its settings", set(env) == {"MILKBOT_STORE", "MILKBOT_TZ", "MILKBOT_UNITS",
                                             "MILKBOT_FAMILY", "ALLOWED_USER_IDS",
                                             "WEBHOOK_SECRET_PARAM", "BOT_TOKEN_PARAM",
                                             "TELEGRAM_BOT_USERNAME",
                                             "MILKBOT_WEBHOOK_SECRET", "TELEGRAM_BOT_TOKEN",
                                             "MILKBOT_CA_BUNDLE"}, str(env))
check("function: no secret in the template", env["MILKBOT_WEBHOOK_SECRET"] == ""
      and env["TELEGRAM_BOT_TOKEN"] == "")
local = json.load(open(os.path.join(os.path.dirname(path), "events", "env.json")))
check("events/env.json: sets only what the template declares (all SAM lets it)",
      list(local) == ["BotFunction"] and set(local["BotFunction"]) <= set(env), str(local))
check("function: Amazon Linux's CA certificates",
      env["MILKBOT_CA_BUNDLE"] == "/etc/pki/tls/certs/ca-bundle.crt", env["MILKBOT_CA_BUNDLE"])
check("function: the store is the table", env["MILKBOT_STORE"] == {"Sub": "dynamodb:${FeedingsTable}"})
event = fn["Events"]["Webhook"]
check("function: POST /webhook on the HTTP API", event["Type"] == "HttpApi"
      and event["Properties"]["Path"] == "/webhook" and event["Properties"]["Method"] == "POST")
check("function: two events, the webhook and the clock", set(fn["Events"]) == {"Webhook", "Tick"},
      str(list(fn["Events"])))
tick = fn["Events"]["Tick"]
check("clock: an EventBridge Scheduler schedule", tick["Type"] == "ScheduleV2", tick["Type"])
tick = tick["Properties"]
check("clock: every minute, on time", tick["ScheduleExpression"] == "rate(1 minute)"
      and tick["FlexibleTimeWindow"] == {"Mode": "OFF"}, str(tick))
check("clock: named by CloudFormation (two stacks in one account and region)",
      tick.get("OmitName") is True and "Name" not in tick, str(tick))
try:
    tick_event = json.loads(tick["Input"])
except (TypeError, ValueError) as e:
    tick_event = {"unparsed": repr(e)}
# the C code knows the tick by its top-level "milkbot" member; the rest
# are the scheduler's context attributes, filled in at each run
check("clock: the tick's event, as the code recognises it", tick_event == {
    "milkbot": "tick", "scheduled": "<aws.scheduler.scheduled-time>",
    "execution": "<aws.scheduler.execution-id>", "attempt": "<aws.scheduler.attempt-number>"},
    str(tick.get("Input")))
retry = tick.get("RetryPolicy", {})
# a late tick is superseded by the next: few retries, within a minute or two
# (60 is the least Scheduler takes; its defaults are 185 retries over 24 h)
check("clock: retried little, and not past the next ticks",
      set(retry) == {"MaximumRetryAttempts", "MaximumEventAgeInSeconds"}
      and 0 <= retry["MaximumRetryAttempts"] <= 2
      and 60 <= retry["MaximumEventAgeInSeconds"] <= 120, str(retry))
check("clock: the scheduler's own role, made by SAM (see template_translated_test.py)",
      "RoleArn" not in tick and "PermissionsBoundary" not in tick, str(tick))
check("clock: no dead-letter queue (a missed tick is not worth keeping)", "DeadLetterConfig" not in tick)
check("clock: on or off by the Reminders parameter, on by default",
      tick["State"] == {"If": ["RemindersOn", "ENABLED", "DISABLED"]}
      and t["Conditions"]["RemindersOn"] == {"Equals": [{"Ref": "Reminders"}, "Enabled"]}
      and params["Reminders"]["AllowedValues"] == ["Enabled", "Disabled"]
      and params["Reminders"]["Default"] == "Enabled", str(tick.get("State")))
# Scheduler invokes Lambda asynchronously: Lambda's own retries (2, for up
# to 6 h by default) would replay stale ticks; the webhook is synchronous
invoke = fn.get("EventInvokeConfig", {})
check("function: an asynchronous invocation (the tick) is not replayed late",
      invoke.get("MaximumRetryAttempts") == 0 and 60 <= invoke.get("MaximumEventAgeInSeconds", 0) <= 120
      and "DestinationConfig" not in invoke, str(invoke))
policies = fn["Policies"]
check("policy: one inline policy, no SAM template (they grant more)",
      len(policies) == 1 and list(policies[0]) == ["Statement"], str(policies))
statements = policies[0]["Statement"]
ssm = [s for s in statements if s["Action"] == "ssm:GetParameters"]
check("policy: read exactly the two parameters", len(ssm) == 1 and len(ssm[0]["Resource"]) == 2
      and "${WebhookSecretParameter}" in ssm[0]["Resource"][0]["Sub"]
      and "${BotTokenParameter}" in ssm[0]["Resource"][1]["Sub"], str(ssm))
check("policy: ARNs in the stack's partition", all("${AWS::Partition}" in r["Sub"]
                                                   for r in ssm[0]["Resource"]), str(ssm))
kms = [s for s in statements if s["Action"] == "kms:Decrypt"]
check("policy: decrypt only through SSM, in the region's partition", len(kms) == 1
      and kms[0]["Condition"]["StringEquals"]["kms:ViaService"]
      == {"Sub": "ssm.${AWS::Region}.${AWS::URLSuffix}"}, str(kms))
# which DynamoDB actions: iam_actions_test.py, against what the code calls
logs = res["BotLogGroup"]["Properties"]
check("logs: retention", logs["RetentionInDays"] == {"Ref": "LogRetentionDays"})
check("logs: their deletion policy stated", res["BotLogGroup"]["DeletionPolicy"] == "Delete")
check("output: the webhook URL", "/webhook" in t["Outputs"]["WebhookUrl"]["Value"]["Sub"])
check("no hard-coded partition or region", "amazonaws.com" not in open(path).read()
      and "us-east-1" not in open(path).read())
check("the default units: ml or oz, ml unless chosen",
      params["DefaultUnits"]["AllowedValues"] == ["ml", "oz"] and params["DefaultUnits"]["Default"] == "ml"
      and env["MILKBOT_UNITS"] == {"Ref": "DefaultUnits"})
for name in ("AllowedUserIds", "DefaultTimeZone", "WebhookSecretParameter", "BotTokenParameter",
             "ReservedConcurrency", "BotUsername", "Reminders"):
    check(f"parameter {name}", name in params)
check("the bot's username: optional, as Telegram spells them", params["BotUsername"]["Default"] == ""
      and env["TELEGRAM_BOT_USERNAME"] == {"Ref": "BotUsername"})
username = re.compile(params["BotUsername"]["AllowedPattern"])
check("the bot's username: the pattern takes names and refuses others",
      all(username.match(n) for n in ("", "MilkLogBot", "@milk_log_bot1"))
      and not any(username.match(n) for n in ("abc", "milk-bot", "has space", "x" * 33)))
check("the family's log: named by a parameter, checked as the code checks it",
      env["MILKBOT_FAMILY"] == {"Ref": "FamilyId"} and params["FamilyId"]["Default"] == "family")
family = re.compile(params["FamilyId"]["AllowedPattern"])
check("the family id: the pattern takes ids and refuses others",
      all(family.match(n) for n in ("family", "smith-2", "A_b", "x" * 32))
      and not any(family.match(n) for n in ("", "has space", "x" * 33, "log#x")))
check.finish()
