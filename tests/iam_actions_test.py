#!/usr/bin/env python3
"""iam_actions_test.py -- the function's IAM policy grants exactly what its
code was seen to need: the DynamoDB and SSM actions (and the table's index)
that lambda_runtime_test.py and exactly_once_test.py recorded through
their proxy and fake SSM (files written by services.save_seen_actions),
compared with the policy statements of BotFunction in template.yaml. A
grant the code never used fails, as does a call the policy would refuse.
kms:Decrypt is not a call of ours (SSM makes it for WithDecryption): it is
checked to be allowed only through SSM.
usage: iam_actions_test.py template.yaml SEEN_ACTIONS_FILE..."""
import json
import os
import sys

from services import Checks
from cfn_template import load_template

check = Checks("iam_actions")
template = load_template(sys.argv[1])
seen = set()
for path in sys.argv[2:]:
    if not os.path.exists(path):
        check(f"{os.path.basename(path)} recorded (run the test that writes it first)", False, path)
        continue
    with open(path) as f:
        seen |= {tuple(json.loads(line)) for line in f if line.strip()}

statements = template["Resources"]["BotFunction"]["Properties"]["Policies"][0]["Statement"]
granted = set()
for s in statements:
    actions = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
    resources = s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]]
    check(f"statement {s.get('Sid')}: Allow", s["Effect"] == "Allow")
    for action in actions:
        if action == "kms:Decrypt":
            via = s.get("Condition", {}).get("StringEquals", {}).get("kms:ViaService", {})
            check("kms:Decrypt only through SSM", "ssm." in json.dumps(via), str(s))
            continue
        for resource in resources:
            text = json.dumps(resource)
            index = text.split("/index/")[1].split('"')[0] if "/index/" in text else None
            granted.add((action, index))
            if action.startswith("dynamodb:"):
                check(f"{action}: on the feedings table only", "FeedingsTable" in text, text)
            elif action.startswith("ssm:"):
                check(f"{action}: on the two parameters only", "Parameter}" in text, text)
            else:
                check(f"{action}: an action the function needs", False, text)


def show(pairs):
    return ", ".join(a + (f" (index {i})" if i else "") for a, i in sorted(pairs, key=str))


check("every action the code used is granted", seen <= granted, "refused: " + show(seen - granted))
check("every action granted was used by the code", granted <= seen,
      "never used: " + show(granted - seen))
check("no wildcard", not any("*" in a for a, _ in granted), show(granted))
check.finish()
