#!/usr/bin/env bash
# invoke_test.sh -- `milkbot invoke` over the sample events in events/, in
# order on one store: what each answers, and what reaches the store.
# usage: tests/invoke_test.sh path/to/milkbot
set -u
milkbot=${1:?usage: invoke_test.sh path/to/milkbot}
events=$(dirname "$0")/../events
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"
export MILKBOT_WEBHOOK_SECRET=example-webhook-secret ALLOWED_USER_IDS=1111111
export MILKBOT_STORE=sqlite:$tmp/bot.db MILKBOT_TZ=Europe/London

invoke() { # invoke EVENT: prints "STATUS METHOD TEXT" (EVENT in events/, or a path)
    case $1 in /*) event=$1 ;; *) event=$events/$1 ;; esac
    "$milkbot" invoke "$event" | python3 -c '
import json, sys
r = json.load(sys.stdin)
call = json.loads(r["body"]) if r["body"] else {}
print(r["statusCode"], call.get("method", "-"), call.get("text", ""))'
}

check "record" "200 sendMessage 🍼 120 ml milk at 12:00 — today 120 ml in 1 feed" "$(invoke record.json)"
check "the same update again: the same answer" "200 sendMessage 🍼 120 ml milk at 12:00 — today 120 ml in 1 feed" "$(invoke record.json)"
check "two lines" "200 sendMessage 🍼 90 ml formula at 06:00
🍼 60 ml breast milk at 09:30
Today: 270 ml in 3 feeds" "$(invoke record-multiline.json)"
contains "total" "200 sendMessage Today (Sat 28 Nov): 270 ml in 3 feeds" "$(invoke total.json)"
contains "week" "200 sendMessage Last 7 days" "$(invoke week.json)"
check "undo" "200 sendMessage ↩️ Removed 60 ml breast milk at 09:30 today (entered by Alex). Today: 210 ml in 2 feeds." "$(invoke undo.json)"
check "edit" "200 sendMessage ✏️ Updated: 🍼 130 ml milk at 12:00 — today 220 ml in 2 feeds" "$(invoke edit.json)"
# (a button press has no date of its own: the day is seen from the real clock)
contains "the Undo button" "200 answerCallbackQuery ↩️ Removed 130 ml milk at 12:00" "$(invoke callback-undo.json)"
contains "payload 1.0" "200 sendMessage Last feed: 90 ml formula at 06:00" "$(invoke payload-v1-rest-api.json)"
contains "Function URL" "200 sendMessage 🍼 Send a feeding" "$(invoke function-url.json)"
contains "base64 body" "200 sendMessage 🍼 118 ml formula at 11:40" "$(invoke base64-body.json)"
check "wrong secret" "401 - " "$(invoke wrong-secret.json)"
contains "unknown user" "200 sendMessage Sorry, this bot keeps one family's feeding log. Your Telegram user id is 2222222" "$(invoke unknown-user.json)"
check "sticker" "200 - " "$(invoke sticker.json)"
check "malformed JSON with the secret: 200, no answer" "200 - " "$(invoke malformed-json.json)"
# the scheduler's tick event (#17): nothing due in this store yet
check "tick, nothing due" '{"due":0,"said":0,"moved":0,"lost":0,"failed":0,"refused":0,"chats_moved":0}' \
    "$("$milkbot" invoke "$events/tick.json")"
# nothing from the wrong secret or the stranger reached the store
check "the store" "2" "$(sqlite3 "$tmp/bot.db" 'SELECT count(*) FROM feedings WHERE removed_by IS NULL')"
check "the stranger's chat" "0" "$(sqlite3 "$tmp/bot.db" 'SELECT count(*) FROM feedings WHERE chat_id = 2222222')"

# a store that fails: 500 (Telegram delivers the update again), and the
# store's reason on stderr (issue 11, defect 8: it printed nothing)
status_of() { python3 -c 'import json, sys; print(json.load(sys.stdin)["statusCode"])'; }
cp "$tmp/bot.db" "$tmp/corrupt.db"
# every page but the header's and the schema's (read at open) overwritten
python3 -c 'import sys; sys.path.insert(0, sys.argv[1])
from services import corrupt_sqlite_data; corrupt_sqlite_data(sys.argv[2])' "$(dirname "$0")" "$tmp/corrupt.db"
out=$("$milkbot" invoke --store "sqlite:$tmp/corrupt.db" "$events/total.json" 2>"$tmp/err")
check "corrupt page: 500" 500 "$(status_of <<<"$out")"
contains "corrupt page: the reason on stderr" "database disk image is malformed" "$(cat "$tmp/err")"
cp "$tmp/bot.db" "$tmp/dropped.db"
sqlite3 "$tmp/dropped.db" 'DROP TABLE feedings'
"$milkbot" invoke --store "sqlite:$tmp/dropped.db" "$events/total.json" >/dev/null 2>"$tmp/err"
contains "a dropped table: the reason on stderr" "no such table: feedings" "$(cat "$tmp/err")"
out=$(AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:1 AWS_ACCESS_KEY_ID=AKIDEXAMPLE \
      AWS_SECRET_ACCESS_KEY=secret AWS_REGION=us-east-1 \
      "$milkbot" invoke --store dynamodb:feedings "$events/total.json" 2>"$tmp/err")
check "DynamoDB down: 500" 500 "$(status_of <<<"$out")"
contains "DynamoDB down: the reason on stderr" "DynamoDB" "$(cat "$tmp/err")"
check "store errors: no message text" "" "$(grep -i 'total' "$tmp/err")"

# the secret compared whole, before the body is read (issue 11, defect 9)
python3 - "$events/record.json" "$tmp" <<'PY'
import json, sys
event = json.load(open(sys.argv[1]))
event["headers"]["x-telegram-bot-api-secret-token"] += "\0trailing"
json.dump(event, open(sys.argv[2] + "/nul-secret.json", "w"))
event["headers"]["x-telegram-bot-api-secret-token"] = "wrong"
event.update(body="%%% not base64 %%%", isBase64Encoded=True)
json.dump(event, open(sys.argv[2] + "/bad-base64-wrong-secret.json", "w"))
PY
check "a NUL after the right secret: 401" "401 - " "$(invoke "$tmp/nul-secret.json")"
check "bad base64, wrong secret: 401" "401 - " "$(invoke "$tmp/bad-base64-wrong-secret.json")"
err=$(MILKBOT_WEBHOOK_SECRET= "$milkbot" invoke "$events/record.json" 2>&1 >/dev/null); rc=$?
check "an empty secret: exit 1" 1 "$rc"
contains "an empty secret: named" "MILKBOT_WEBHOOK_SECRET" "$err"

# configuration errors name the setting and fail
err=$(env -u MILKBOT_WEBHOOK_SECRET "$milkbot" invoke "$events/record.json" 2>&1 >/dev/null); rc=$?
check "no secret: exit 1" 1 "$rc"
contains "no secret: named" "MILKBOT_WEBHOOK_SECRET" "$err"
err=$(ALLOWED_USER_IDS=me "$milkbot" invoke "$events/record.json" 2>&1 >/dev/null); rc=$?
check "bad user ids: exit 1" 1 "$rc"
contains "bad user ids: named" "ALLOWED_USER_IDS" "$err"
err=$("$milkbot" invoke "$tmp/none.json" 2>&1 >/dev/null); rc=$?
check "missing event file: exit 1" 1 "$rc"
"$milkbot" invoke > /dev/null 2>&1; check "no event: exit 2" 2 $?
out=$("$milkbot" invoke - < "$events/total.json"); rc=$?
check "event on stdin" 0 "$rc"

finish "invoke"
