"""nursing_test.py -- nursing sessions and the family's units through the
webhook (`milkbot invoke`, the Lambda's handler), on SQLite and on DynamoDB
(a private dynalite), as Telegram delivers them (#16): Sam nurses and says
so in the family group (bot privacy off: the group's talk must record
nothing), Alex gives a bottle; "which side next?"; a session delivered
again records nothing twice; the family switches its units, and Alex's
older "units" message, delivered again after Sam's newer one, changes
nothing. The deployment's default units (MILKBOT_UNITS=oz) apply until
the family chooses. The stored sessions are read back from each store.

usage: nursing_test.py path/to/milkbot"""
import os
import sqlite3
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
from services import Checks, dynalite_with_table, dynamo  # noqa: E402
from telegram_events import invoke as invoke_milkbot, message_update  # noqa: E402

MILKBOT = os.path.abspath(sys.argv[1])
check = Checks("nursing")
SECRET = "nursing-test-secret"
ALEX, SAM = 111111111, 222222222
GROUP = -1002143658709
MIDNIGHT = 1795910400  # Sunday 2026-11-29T00:00:00Z
ENV = {"PATH": os.environ["PATH"], "MILKBOT_WEBHOOK_SECRET": SECRET,
       "ALLOWED_USER_IDS": f"{ALEX},{SAM}", "MILKBOT_TZ": "UTC", "MILKBOT_UNITS": "oz",
       "TELEGRAM_BOT_TOKEN": "7391046628:test", "TELEGRAM_BOT_USERNAME": "MilkLogBot",
       "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
       "AWS_REGION": "us-east-1"}
NAMES = {ALEX: "Alex", SAM: "Sam"}


def steps():
    """(what, update, expected reply; "" for none), in order."""
    ids = {}
    made = {}

    def say(key, chat, user, hour, minute, text):
        ids[chat] = ids.get(chat, 0) + 1
        update = message_update(len(made) + 5000, chat, ids[chat], user, NAMES[user],
                                MIDNIGHT + hour * 3600 + minute * 60, text)
        if chat == GROUP:
            update["message"]["chat"] = {"id": GROUP, "title": "Oliver's feeds",
                                         "type": "supergroup"}
        made[key] = update
        return update

    return [
        ("a session said to the group, both sides with their minutes",
         say("L12", GROUP, SAM, 2, 40, "L12 R8"),
         "🤱 nursing, left 12 min then right 8 min at 02:40 — today 1 nursing session (20 min)"),
        ("the same update again (an answer lost): nothing recorded twice", made["L12"],
         "🤱 nursing, left 12 min then right 8 min at 02:40 — today 1 nursing session (20 min)"),
        ("the group's talk of sides: no reply", say("talk", GROUP, ALEX, 3, 0,
                                                    "she left 10 min ago, right?"), ""),
        ("a bottle in Alex's chat: the deployment's default units (oz)",
         say("bottle", ALEX, ALEX, 5, 0, "5am 120ml formula"),
         "🍼 4.1 oz formula at 05:00 — today 4.1 oz in 1 feed + 1 nursing session (20 min)"),
        ("which side next, asked in Sam's chat",
         say("next", SAM, SAM, 5, 5, "which side next?"),
         "Last feed: 4.1 oz formula at 05:00 today (Alex), 5m ago\n"
         "Last nursing: nursing, left 12 min then right 8 min at 02:40 today (Sam), 2h 25m ago\n"
         "➡️ Next: start on the right (it began on the left)."),
        ("a time range in the group",
         say("range", GROUP, SAM, 7, 0, "nursed 6:30-6:55 right"),
         "🤱 nursing, right 25 min at 06:30 — today 4.1 oz in 1 feed + 2 nursing sessions (45 min)"),
        ("Alex chooses ml", say("alex-ml", ALEX, ALEX, 8, 0, "units ml"),
         "📏 Units set to ml: replies give amounts like 120 ml. Amounts can be typed in ml or "
         "oz either way."),
        ("Sam chooses oz, later", say("sam-oz", SAM, SAM, 8, 5, "units oz"),
         "📏 Units set to oz: replies give amounts like 4.1 oz (US fluid ounces). Amounts can "
         "be typed in ml or oz either way."),
        ("Alex's older choice delivered again changes nothing", made["alex-ml"],
         "📏 Units: oz (chosen since)."),
        ("the day's total in the family's units",
         say("total", ALEX, ALEX, 8, 10, "total"),
         "Today (Sun 29 Nov): 4.1 oz in 1 feed + 2 nursing sessions (45 min)\n"
         "02:40  nursing, left 12 min then right 8 min — Sam\n"
         "05:00  4.1 oz formula — Alex\n"
         "06:30  nursing, right 25 min — Sam"),
        ("a correction of a session changes nothing",
         say("fix", GROUP, SAM, 8, 15, "/feed@MilkLogBot make that 100"),
         "🤔 The last feeding you entered is nursing, right 25 min at 06:30: a correction "
         "changes a bottle's amount, so nothing changed. To change the session, send "
         "\"undo\", then the session again."),
    ]


# the family's live feedings at the end: (kind, amount, sides, left, right, minutes)
LIVE_AT_END = sorted([("nursing", 0, "LR", 12, 8, 20), ("formula", 120, "", 0, 0, 0),
                      ("nursing", 0, "R", 0, 25, 25)])


def run(name, spec, env, tmp):
    for what, update, expected in steps():
        got = invoke_milkbot(MILKBOT, spec, env, update, SECRET, tmp)
        check(f"{name}: {what}", got == expected, f"got {got!r}\nexpected {expected!r}")


def n(item, key):
    return int(item[key]["N"]) if key in item else 0


with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "nursing.db")
    run("sqlite", f"sqlite:{path}", ENV, tmp)
    con = sqlite3.connect(path)
    live = sorted(con.execute("SELECT kind, amount_ml, sides, left_min, right_min, minutes "
                              "FROM feedings WHERE removed_by IS NULL").fetchall())
    con.close()
    check("sqlite: the sessions as stored", live == LIVE_AT_END, str(live))

    db, env = dynalite_with_table(MILKBOT, ENV)
    try:
        run("dynamodb", "dynamodb:feedings", env, tmp)
        items = dynamo(db.endpoint, "Query", {
            "TableName": "feedings", "ConsistentRead": True,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :f)",
            "ExpressionAttributeValues": {":pk": {"S": "log#family"},
                                          ":f": {"S": "feed#"}}})["Items"]
        live = sorted((i["kind"]["S"], n(i, "amount_ml"), i.get("sides", {}).get("S", ""),
                       n(i, "left_min"), n(i, "right_min"), n(i, "minutes"))
                      for i in items if "removed_by" not in i)
        check("dynamodb: the sessions as stored", live == LIVE_AT_END, str(live))
    finally:
        db.stop()
check.finish()
