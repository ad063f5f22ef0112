#!/usr/bin/env bash
# dynamodb_cli_test.sh -- `milkbot chat --store dynamodb:TABLE` against
# dynalite, and what it wrote read back with the AWS CLI (a client that is
# not ours); the table `milkbot create-table` makes has template.yaml's key
# schema. usage: tests/dynamodb_cli_test.sh path/to/milkbot ENDPOINT_FILE
set -u
milkbot=${1:?usage: dynamodb_cli_test.sh path/to/milkbot ENDPOINT_FILE}
endpoint=$(cat "${2:?usage: dynamodb_cli_test.sh path/to/milkbot ENDPOINT_FILE}")
. "$(dirname "$0")/lib.sh"
template=$(dirname "$0")/../template.yaml
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret AWS_REGION=us-east-1
export AWS_DEFAULT_REGION=us-east-1 AWS_ENDPOINT_URL_DYNAMODB=$endpoint AWS_PAGER=
table=milkbot-cli-$$
now=2026-11-28T15:00:00Z
chat() { "$milkbot" chat --store "dynamodb:$table" --tz Europe/London --now "$now" --user Alex "$@"; }
aws_ddb() { aws dynamodb --endpoint-url "$endpoint" --output json "$@"; }

out=$("$milkbot" create-table "$table"); rc=$?
check "create-table: exit 0" 0 "$rc"
contains "create-table: says so" "created table $table" "$out"

# --- the table has template.yaml's keys and index ------------------------------
schema() { # the key schema and indexes, in a canonical form
    python3 -c '
import json, sys, yaml
class Loader(yaml.SafeLoader): pass
Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
def canon(t):
    keys = lambda ks: [(k["AttributeName"], k["KeyType"]) for k in ks]
    attrs = sorted((a["AttributeName"], a["AttributeType"]) for a in t["AttributeDefinitions"])
    gsis = sorted((g["IndexName"], tuple(keys(g["KeySchema"])), g["Projection"]["ProjectionType"])
                  for g in t.get("GlobalSecondaryIndexes", []))
    return json.dumps([attrs, keys(t["KeySchema"]), gsis, t.get("BillingModeSummary", {}).get("BillingMode", t.get("BillingMode"))])
if sys.argv[1] == "template":
    t = yaml.load(open(sys.argv[2]), Loader)["Resources"]["FeedingsTable"]["Properties"]
else:
    t = json.load(sys.stdin)["Table"]
print(canon(t))
' "$@"
}
check "same schema as template.yaml" "$(schema template "$template")" "$(aws_ddb describe-table --table-name "$table" | schema table)"

# --- a conversation on DynamoDB --------------------------------------------------
out=$(printf '12pm 120ml milk\nyesterday 7:30 90 ml formula\n9am 4oz bm \\\n10am 30ml\ntotal?\n' | chat); rc=$?
check "chat on dynamodb: exit 0" 0 "$rc"
check "chat on dynamodb: replies" "🍼 120 ml milk at 12:00 — today 120 ml in 1 feed
🍼 90 ml formula at 07:30 yesterday — yesterday 90 ml in 1 feed
🍼 118 ml breast milk at 09:00
🍼 30 ml milk at 10:00
Today: 268 ml in 3 feeds
Today (Sat 28 Nov): 268 ml in 3 feeds
09:00  118 ml breast milk — Alex
10:00  30 ml milk — Alex
12:00  120 ml milk — Alex" "$out"
# a second run continues the message ids (the store numbers every message
# the chat sends, total? included): a new message, not a redelivery
out=$(printf '2pm 60ml\nundo\n' | chat)
check "second run" "🍼 60 ml milk at 14:00 — today 328 ml in 4 feeds
↩️ Removed 60 ml milk at 14:00 today (entered by Alex). Today: 268 ml in 3 feeds." "$out"

# --- read back with the AWS CLI: the items and their attributes ------------------
items=$(aws_ddb query --table-name "$table" --consistent-read \
    --key-condition-expression 'pk = :pk AND begins_with(sk, :feed)' \
    --expression-attribute-values '{":pk":{"S":"log#family"},":feed":{"S":"feed#"}}')
check "cross-read: the feed items" "feed#2026-11-27T07:30:00.000Z#1#000000000002.0001 90 formula 2026-11-27T07:30:00+00:00 2026-11-27 Alex 1795878000000 yesterday 7:30 90 ml formula live
feed#2026-11-28T09:00:00.000Z#1#000000000003.0001 118 breastmilk 2026-11-28T09:00:00+00:00 2026-11-28 Alex 1795878000000 9am 4oz bm  live
feed#2026-11-28T10:00:00.000Z#1#000000000003.0002 30 milk 2026-11-28T10:00:00+00:00 2026-11-28 Alex 1795878000000 10am 30ml live
feed#2026-11-28T12:00:00.000Z#1#000000000001.0001 120 milk 2026-11-28T12:00:00+00:00 2026-11-28 Alex 1795878000000 12pm 120ml milk live
feed#2026-11-28T14:00:00.000Z#1#000000000005.0001 60 milk 2026-11-28T14:00:00+00:00 2026-11-28 Alex 1795878000000 2pm 60ml removed by 6" \
    "$(python3 -c '
import json, sys
for i in json.load(sys.stdin)["Items"]:
    state = "removed by " + i["removed_by"]["N"] if "removed_by" in i else "live"
    print(i["sk"]["S"], i["amount_ml"]["N"], i["kind"]["S"], i["at"]["S"], i["day"]["S"],
          i["who"]["S"], i["entered_at"]["N"], i["text"]["S"], state)' <<< "$items")"
settings=$(aws_ddb get-item --table-name "$table" --key '{"pk":{"S":"log#family"},"sk":{"S":"settings"}}')
check "cross-read: no zone until one is chosen" "no tz" "$(python3 -c '
import json, sys
print(json.load(sys.stdin)["Item"].get("tz", {}).get("S", "no tz"))' <<< "$settings")"
# the undo's receipt (message 6 of chat 1): what it removed, so that a
# redelivery answers the same
check "cross-read: the undo's receipt" "done feed#2026-11-28T14:00:00.000Z#1#000000000005.0001 60" \
    "$(python3 -c '
import json, sys
r = json.load(sys.stdin)["Item"]["undone"]["M"]["1.6"]["M"]
print(r["state"]["S"], r["target"]["S"], r["feeding"]["M"]["amount_ml"]["N"])' <<< "$settings")"
printf 'tz Asia/Kolkata\n' | chat > /dev/null
tz=$(aws_ddb get-item --table-name "$table" --key '{"pk":{"S":"log#family"},"sk":{"S":"settings"}}' \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["Item"]["tz"]["S"])')
check "cross-read: the family's zone" "Asia/Kolkata" "$tz"

# --- milkbot invoke works on DynamoDB too ----------------------------------------
events=$(dirname "$0")/../events
out=$(MILKBOT_WEBHOOK_SECRET=example-webhook-secret ALLOWED_USER_IDS=1111111 \
    "$milkbot" invoke --store "dynamodb:$table" --tz Europe/London "$events/record.json")
contains "invoke on dynamodb" '"statusCode":200' "$out"
contains "invoke on dynamodb: the reply" '120 ml milk at 12:00' "$out"

# --- missing settings are named -----------------------------------------------------
# (and no AWS CLI profile of this machine's user to fall back on)
export AWS_SHARED_CREDENTIALS_FILE=/nonexistent AWS_CONFIG_FILE=/nonexistent
err=$(echo total | env -u AWS_ACCESS_KEY_ID "$milkbot" chat --store "dynamodb:$table" 2>&1 >/dev/null); rc=$?
check "no credentials: exit 1" 1 "$rc"
contains "no credentials: message" "AWS_ACCESS_KEY_ID" "$err"
err=$(echo total | env -u AWS_REGION -u AWS_DEFAULT_REGION "$milkbot" chat --store "dynamodb:$table" 2>&1 >/dev/null); rc=$?
contains "no region: message" "AWS_REGION" "$err"
err=$(echo total | env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN "$milkbot" chat --store "dynamodb:$table" 2>&1 >/dev/null); rc=$?
check "no credentials anywhere: exit 1" 1 "$rc"
contains "no credentials anywhere: how to give them" "aws configure" "$err"

err=$(echo total | "$milkbot" chat --store "dynamodb:no-such-table" --now "$now" 2>&1 >/dev/null); rc=$?
check "missing table: exit 1" 1 "$rc"
contains "missing table: a clear message" "ResourceNotFoundException" "$err"

finish "dynamodb cli"
