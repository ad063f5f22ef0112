"""family_test.py -- a family's day through the webhook (`milkbot invoke`),
on SQLite and on DynamoDB (a private dynalite): Alex and Sam each in their
own private chat with the bot and both in the family group, which
Telegram upgrades to a supergroup halfway; then they name their twins. Run twice per store: with the
bot's privacy mode off (every group message arrives; the family's talk
must change nothing and get no reply) and on (only commands, mentions and
replies arrive). Both runs must answer alike and end with the same log.

usage: family_test.py path/to/milkbot"""
import os
import sqlite3
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
from services import Checks, dynalite_with_table, dynamo  # noqa: E402
from telegram_events import invoke as invoke_milkbot, message_update  # noqa: E402

MILKBOT = os.path.abspath(sys.argv[1])
check = Checks("family")
SECRET = "family-test-secret"
ALEX, SAM = 111111111, 222222222
GROUP, SUPERGROUP = -4098317265, -1002143658709
MIDNIGHT = 1795910400  # Sunday 2026-11-29T00:00:00Z
ENV = {"PATH": os.environ["PATH"], "MILKBOT_WEBHOOK_SECRET": SECRET,
       "ALLOWED_USER_IDS": f"{ALEX},{SAM}", "MILKBOT_TZ": "UTC",
       "TELEGRAM_BOT_TOKEN": "7391046628:test", "TELEGRAM_BOT_USERNAME": "MilkLogBot",
       "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
       "AWS_REGION": "us-east-1"}
NAMES = {ALEX: "Alex", SAM: "Sam"}
_ids = {}


def say(chat, user, hour, minute, text, **extra):
    """A message of `user` in `chat`, numbered as that chat numbers them."""
    _ids[chat] = _ids.get(chat, 0) + 1
    update = message_update(len(_ids) * 1000 + _ids[chat], chat, _ids[chat], user,
                            NAMES[user], MIDNIGHT + hour * 3600 + minute * 60, text)
    if chat in (GROUP, SUPERGROUP):
        update["message"]["chat"] = {"id": chat, "title": "Oliver's feeds",
                                     "type": "group" if chat == GROUP else "supergroup"}
    update["message"].update(extra)
    if "migrate_to_chat_id" in extra or "migrate_from_chat_id" in extra:
        del update["message"]["text"]
    return update


TOTAL_AT_8 = "Today (Sun 29 Nov): 210 ml in 2 feeds\n07:00  120 ml milk — Alex\n" \
             "08:00  90 ml formula — Sam"


def steps(privacy_on):
    """(what, update, expected reply; "" for none), in order. With privacy
    on, Telegram never delivers the group's talk, and a feeding said to
    the group needs a command."""
    _ids.clear()
    s = [("Alex records in his private chat", say(ALEX, ALEX, 7, 5, "7am 120ml"),
          "🍼 120 ml milk at 07:00 — today 120 ml in 1 feed")]
    if not privacy_on:
        s.append(("the group's talk: no reply", say(GROUP, SAM, 7, 30, "morning! did he sleep?"),
                  ""))
    s.append(("Sam records in the group",
              say(GROUP, SAM, 8, 5, "/feed@MilkLogBot 8am 90ml formula" if privacy_on
                  else "8am 90ml formula"),
              "🍼 90 ml formula at 08:00 — today 210 ml in 2 feeds"))
    if not privacy_on:
        s.append(("talk that sounds like undo: no reply, nothing removed",
                  say(GROUP, ALEX, 8, 10, "oops, I dropped the phone"), ""))
    s += [
        ("a total in the group: the family's day", say(GROUP, SAM, 8, 15, "/total@MilkLogBot"),
         TOTAL_AT_8),
        ("the group becomes a supergroup: the old group's last message",
         say(GROUP, ALEX, 8, 20, "", migrate_to_chat_id=SUPERGROUP), ""),
        ("... and the supergroup's first",
         say(SUPERGROUP, ALEX, 8, 20, "", migrate_from_chat_id=GROUP), ""),
        ("Alex mentions the bot in the supergroup",
         say(SUPERGROUP, ALEX, 9, 5, "@MilkLogBot 9am 60ml"),
         "🍼 60 ml milk at 09:00 — today 270 ml in 3 feeds"),
        ("Sam's /undo in the supergroup takes Sam's feeding from the old group",
         say(SUPERGROUP, SAM, 9, 10, "/undo@MilkLogBot"),
         "↩️ Removed 90 ml formula at 08:00 today (entered by Sam). Today: 180 ml in 2 feeds."),
        ("Sam's total in his private chat", say(SAM, SAM, 9, 15, "total"),
         "Today (Sun 29 Nov): 180 ml in 2 feeds\n07:00  120 ml milk — Alex\n"
         "09:00  60 ml milk — Alex"),
        # twins: the family names its babies; then each feeding names one
        ("Alex names the twins in the supergroup",
         say(SUPERGROUP, ALEX, 9, 50, "/babies@MilkLogBot Mia Leo"),
         "👶 Babies: Mia and Leo. Name one in each feeding, like \"120ml Mia\", or send "
         "\"both 60ml each\"."),
        ("a feeding for Mia said to the group",
         say(SUPERGROUP, SAM, 10, 5, "@MilkLogBot 10am 90ml Mia" if privacy_on
             else "10am 90ml Mia"),
         "🍼 90 ml milk for Mia at 10:00 — today 270 ml in 3 feeds "
         "(Mia 90 ml · Leo 0 ml · not named 180 ml)"),
    ]
    if not privacy_on:
        s.append(("talk that names a baby and an amount: no reply",
                  say(SUPERGROUP, ALEX, 10, 10, "Mia loves her 120ml bottle"), ""))
        s.append(("talk with \"each\" and \"for\": no reply",
                  say(SUPERGROUP, SAM, 10, 11, "just for 120ml each bottle"), ""))
    mention = "@MilkLogBot " if privacy_on else ""
    s += [
        ("both babies in the group",
         say(SUPERGROUP, ALEX, 10, 15, mention + "both 30ml each at 10:15"),
         "🍼 30 ml milk for Mia at 10:15\n🍼 30 ml milk for Leo at 10:15\n"
         "Today: 330 ml in 5 feeds (Mia 120 ml · Leo 30 ml · not named 180 ml)"),
        ("\"for Leo\" in the group",
         say(SUPERGROUP, SAM, 10, 20, mention + "10:20 40ml for Leo"),
         "🍼 40 ml milk for Leo at 10:20 — today 370 ml in 6 feeds "
         "(Mia 120 ml · Leo 70 ml · not named 180 ml)"),
    ]
    s.append(("a feeding that names no baby: asked about, not recorded",
              say(SAM, SAM, 10, 35, "10:30 100ml"),
              "🤔 Which baby? Say it, like \"120ml Mia\" or \"120ml Leo\" "
              "(or \"both 60ml each\")."))
    return s


# the family's live feedings at the end: (chat, ml)
LIVE_AT_END = sorted([(ALEX, 120), (SUPERGROUP, 60), (SUPERGROUP, 90), (SUPERGROUP, 30),
                      (SUPERGROUP, 30), (SUPERGROUP, 40)])



def invoke(spec, env, update, tmp):
    return invoke_milkbot(MILKBOT, spec, env, update, SECRET, tmp)


def run(name, spec, env, tmp, privacy_on):
    for what, update, expected in steps(privacy_on):
        got = invoke(spec, env, update, tmp)
        check(f"{name}, privacy {'on' if privacy_on else 'off'}: {what}", got == expected,
              f"got {got!r}\nexpected {expected!r}")



with tempfile.TemporaryDirectory() as tmp:
    for privacy_on in (False, True):
        path = os.path.join(tmp, f"family-{privacy_on}.db")
        run("sqlite", f"sqlite:{path}", ENV, tmp, privacy_on)
        con = sqlite3.connect(path)
        live = sorted(con.execute("SELECT chat_id, amount_ml FROM feedings WHERE family = "
                                  "'family' AND removed_by IS NULL").fetchall())
        con.close()
        check(f"sqlite, privacy {'on' if privacy_on else 'off'}: the log at the end",
              live == LIVE_AT_END, str(live))

        db, env = dynalite_with_table(MILKBOT, ENV)
        try:
            run("dynamodb", "dynamodb:feedings", env, tmp, privacy_on)
            items = dynamo(db.endpoint, "Query", {
                "TableName": "feedings", "ConsistentRead": True,
                "KeyConditionExpression": "pk = :pk AND begins_with(sk, :f)",
                "ExpressionAttributeValues": {":pk": {"S": "log#family"},
                                              ":f": {"S": "feed#"}}})["Items"]
            live = sorted((int(i["chat_id"]["N"]), int(i["amount_ml"]["N"])) for i in items
                          if "removed_by" not in i)
            check(f"dynamodb, privacy {'on' if privacy_on else 'off'}: the log at the end",
                  live == LIVE_AT_END, str(live))
        finally:
            db.stop()
check.finish()
