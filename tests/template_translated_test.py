#!/usr/bin/env python3
"""template_translated_test.py -- template.yaml as CloudFormation will see
it: translated by aws-sam-translator (the SAM transform itself, offline),
as `sam package` leaves it (CodeUri an S3 object), in a commercial and a
China region. Checks what SAM makes of our settings: the role's policy is
exactly ours plus basic logging, in the region's partition; the stage is
throttled; the function has no layer and the concurrency cap; only the
webhook's API may invoke it. aws-sam-translator exists only on PyPI:
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


def translate(region):
    os.environ["AWS_DEFAULT_REGION"] = os.environ["AWS_REGION"] = region
    ArnGenerator.BOTO_SESSION_REGION_NAME = region  # it keeps the first one it saw
    with open(sys.argv[1]) as f:
        template = yaml_parse(f.read())
    ours = template["Resources"]["BotFunction"]["Properties"]["Policies"][0]["Statement"]
    template["Resources"]["BotFunction"]["Properties"]["CodeUri"] = "s3://bucket/milkbot.zip"
    return ours, transform(template, {"AllowedUserIds": "111111111"}, NoManagedPolicies())


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
    check(f"{region}: only the webhook's API may invoke the function", len(permissions) == 1
          and "WebhookApi" in json.dumps(permissions[0]["SourceArn"])
          and permissions[0]["Principal"] == "apigateway.amazonaws.com", str(permissions))
    check(f"{region}: the table's deletion policy survives",
          res["FeedingsTable"]["DeletionPolicy"] == "RetainExceptOnCreate")
check.finish()
