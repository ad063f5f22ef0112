#!/usr/bin/env python3
"""template_translated_test.py -- template.yaml as CloudFormation will see
it: translated by aws-sam-translator (the SAM transform itself, offline),
as `sam package` leaves it (CodeUri an S3 object), in a commercial and a
China region. Checks what SAM makes of our settings: the role's policy is
exactly ours plus basic logging, in the region's partition; the stage is
throttled; the function has no layer and the concurrency cap; only the
webhook's API may invoke it through its resource policy, and the clock's
schedule through a role that may invoke only this function.
aws-sam-translator exists only on PyPI:
where it is not installed this test is reported skipped, saying so.
usage: template_translated_test.py template.yaml"""
import importlib.util
import json
import os
import sys

from services import Checks

check = Checks("template_translated")
if importlib.util.find_spec("samtranslator") is None:
    check.skip("aws-sam-translator is not installed (it is only on PyPI): "
               "`python3 -m pip install --user aws-sam-translator`, then run the tests again")

from samtranslator.translator.arn_generator import ArnGenerator  # noqa: E402
from samtranslator.translator.transform import transform  # noqa: E402
from samtranslator.yaml_helper import yaml_parse  # noqa: E402


class NoManagedPolicies:
    """The translator asks IAM for managed policies only when a template
    names them by name: ours names none."""

    def load(self):
        return {}


def translate(region, parameters=None):
    os.environ["AWS_DEFAULT_REGION"] = os.environ["AWS_REGION"] = region
    ArnGenerator.BOTO_SESSION_REGION_NAME = region  # it keeps the first one it saw
    with open(sys.argv[1]) as f:
        template = yaml_parse(f.read())
    ours = template["Resources"]["BotFunction"]["Properties"]["Policies"][0]["Statement"]
    template["Resources"]["BotFunction"]["Properties"]["CodeUri"] = "s3://bucket/milkbot.zip"
    return ours, transform(template, {"AllowedUserIds": "111111111", **(parameters or {})},
                           NoManagedPolicies())


def one_or_list(value):
    """An IAM Action or Resource as a list, whichever way it is written."""
    return value if isinstance(value, list) else [value]


for region, partition in (("eu-west-1", "aws"), ("cn-north-1", "aws-cn")):
    try:
        ours, out = translate(region)
    except Exception as e:  # noqa: BLE001 -- the translator's complaint is the finding
        check(f"{region}: translates", False, repr(e))
        continue
    res = out["Resources"]
    fn = res["BotFunction"]["Properties"]
    role = res["BotFunctionRole"]["Properties"]
    check(f"{region}: the role's only inline policy is ours",
          [p["PolicyDocument"]["Statement"] for p in role["Policies"]] == [ours],
          json.dumps(role["Policies"])[:500])
    check(f"{region}: basic logging, in the {partition} partition",
          role["ManagedPolicyArns"] == [f"arn:{partition}:iam::aws:policy/service-role/"
                                        "AWSLambdaBasicExecutionRole"], str(role["ManagedPolicyArns"]))
    check(f"{region}: no layer", "Layers" not in fn, str(fn.get("Layers")))
    check(f"{region}: concurrency cap", "ReservedConcurrentExecutions" in fn)
    check(f"{region}: the architecture parameter",
          fn["Architectures"] == [{"Ref": "Architecture"}], str(fn["Architectures"]))
    check(f"{region}: the code from the packaged object",
          fn["Code"] == {"S3Bucket": "bucket", "S3Key": "milkbot.zip"}, str(fn["Code"]))
    stages = [r["Properties"] for r in res.values() if r["Type"] == "AWS::ApiGatewayV2::Stage"]
    check(f"{region}: the stage is throttled", len(stages) == 1 and stages[0]["DefaultRouteSettings"]
          == {"ThrottlingBurstLimit": 20, "ThrottlingRateLimit": 10}, str(stages))
    permissions = [r["Properties"] for r in res.values() if r["Type"] == "AWS::Lambda::Permission"]
    check(f"{region}: the function's resource policy admits only the webhook's API", len(permissions) == 1
          and "WebhookApi" in json.dumps(permissions[0]["SourceArn"])
          and permissions[0]["Principal"] == "apigateway.amazonaws.com", str(permissions))
    check(f"{region}: the table's deletion policy survives",
          res["FeedingsTable"]["DeletionPolicy"] == "RetainExceptOnCreate")
    function_arn = {"Fn::GetAtt": ["BotFunction", "Arn"]}
    schedules = {k: r["Properties"] for k, r in res.items() if r["Type"] == "AWS::Scheduler::Schedule"}
    check(f"{region}: one schedule, the clock", len(schedules) == 1, str(list(schedules)))
    schedule = next(iter(schedules.values()), {})
    target = schedule.get("Target", {})
    check(f"{region}: the clock invokes the function itself (a templated Lambda target)",
          target.get("Arn") == function_arn, str(target.get("Arn")))
    check(f"{region}: every minute, on or off by the Reminders parameter",
          schedule.get("ScheduleExpression") == "rate(1 minute)"
          and schedule.get("FlexibleTimeWindow") == {"Mode": "OFF"}
          and schedule.get("State") == {"Fn::If": ["RemindersOn", "ENABLED", "DISABLED"]}
          and "Name" not in schedule, json.dumps(schedule)[:500])
    try:
        tick = json.loads(target.get("Input"))
    except (TypeError, ValueError) as e:
        tick = {"unparsed": repr(e)}
    check(f"{region}: the tick's event passed as it is written", tick.get("milkbot") == "tick"
          and set(tick) == {"milkbot", "scheduled", "execution", "attempt"}, str(target.get("Input")))
    retry = target.get("RetryPolicy", {})
    check(f"{region}: the tick retried little and briefly", retry.get("MaximumRetryAttempts", 185) <= 2
          and 60 <= retry.get("MaximumEventAgeInSeconds", 86400) <= 120, str(retry))
    # the schedule's execution role: assumed by the scheduler only, and
    # allowed exactly one thing, to invoke this function
    role_arn = target.get("RoleArn")
    role_ref = role_arn["Fn::GetAtt"][0] if isinstance(role_arn, dict) and "Fn::GetAtt" in role_arn else None
    tick_role = res.get(role_ref, {}).get("Properties", {})
    check(f"{region}: the clock's role is made in the stack", res.get(role_ref, {}).get("Type")
          == "AWS::IAM::Role", str(role_arn))
    trust = tick_role.get("AssumeRolePolicyDocument", {}).get("Statement", [])
    check(f"{region}: the clock's role is assumed by EventBridge Scheduler only",
          len(trust) == 1 and trust[0]["Effect"] == "Allow"
          and one_or_list(trust[0]["Action"]) == ["sts:AssumeRole"]
          and trust[0]["Principal"] == {"Service": ["scheduler.amazonaws.com"]}, json.dumps(trust))
    statements = [st for p in tick_role.get("Policies", []) for st in p["PolicyDocument"]["Statement"]]
    check(f"{region}: the clock's role may only lambda:InvokeFunction on the function's ARN",
          len(statements) == 1 and statements[0]["Effect"] == "Allow"
          and one_or_list(statements[0]["Action"]) == ["lambda:InvokeFunction"]
          and one_or_list(statements[0]["Resource"]) == [function_arn]
          and "Condition" not in statements[0] and "NotAction" not in statements[0]
          and "NotResource" not in statements[0], json.dumps(statements))
    check(f"{region}: the clock's role has no managed policy",
          not tick_role.get("ManagedPolicyArns"), str(tick_role.get("ManagedPolicyArns")))
    roles = sorted(k for k, r in res.items() if r["Type"] == "AWS::IAM::Role")
    check(f"{region}: two roles, the function's and the clock's", roles == sorted(["BotFunctionRole", str(role_ref)]),
          str(roles))
    invoke = [r["Properties"] for r in res.values() if r["Type"] == "AWS::Lambda::EventInvokeConfig"]
    check(f"{region}: Lambda does not replay a failed or late tick", len(invoke) == 1
          and invoke[0]["FunctionName"] == {"Ref": "BotFunction"} and invoke[0]["Qualifier"] == "$LATEST"
          and invoke[0]["MaximumRetryAttempts"] == 0 and invoke[0]["MaximumEventAgeInSeconds"] <= 120,
          str(invoke))
try:
    _, off = translate("eu-west-1", {"Reminders": "Disabled"})
    check("the clock turned off still translates",
          any(r["Type"] == "AWS::Scheduler::Schedule" for r in off["Resources"].values()))
except Exception as e:  # noqa: BLE001 -- the translator's complaint is the finding
    check("the clock turned off still translates", False, repr(e))
check.finish()
