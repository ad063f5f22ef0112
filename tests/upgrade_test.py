"""upgrade_test.py -- a store written by the previous version (milkbot
48c7b71, a log per chat) becomes one family log on upgrade, on SQLite and
on DynamoDB (dynalite), with nothing lost: the stores of
tests/upgrade (made by make_old_stores.py from scenario.py), then
the family's day goes on through `milkbot invoke` of this version.

What it shows: both parents' old feedings, and the group's, are one day;
the zone one parent chose is the family's; an old update delivered again
acts no more (an undo, a record); old Undo buttons (a feeding's, a
correction's) still do exactly their own; undo takes the sender's own
entries, old ones too; nothing of the old store is deleted.

usage: upgrade_test.py path/to/milkbot"""
import json
import os
import sqlite3
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
STORES = os.path.join(HERE, "upgrade")
sys.path.insert(0, STORES)
from scenario import ALEX, GROUP, OLD_MESSAGES, SAM, SECRET, at  # noqa: E402
from services import Checks, FaultProxy, dynalite_with_table, dynamo  # noqa: E402
from telegram_events import button_update, invoke as invoke_milkbot, message_update  # noqa: E402

MILKBOT = os.path.abspath(sys.argv[1])
check = Checks("upgrade")
ENV = {"PATH": os.environ["PATH"], "MILKBOT_WEBHOOK_SECRET": SECRET,
       "ALLOWED_USER_IDS": f"{ALEX},{SAM}", "MILKBOT_TZ": "UTC",
       "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
       "AWS_REGION": "us-east-1"}
NAMES = {ALEX: "Alex", SAM: "Sam"}


def old(update_id):
    """An update the old version was sent, delivered again."""
    u, chat, message, user, name, date, text = OLD_MESSAGES[update_id - 1]
    return message_update(u, chat, message, user, name, date, text)


def new(update_id, chat, message, user, date, text):
    return message_update(update_id, chat, message, user, NAMES[user], date, text)


def press(update_id, chat, user, press_id, data):
    return button_update(update_id, chat, 9000 + update_id, user, NAMES[user], at(14, 30),
                         press_id, data)


DAY = "today"
# (what is sent, what this version must answer): every total counts the
# family's one log; each expected reply worked out by hand from scenario.py
STEPS = [
    ("Alex's old undo, delivered again: the same feeding, nothing more",
     old(5), "↩️ Removed 90 ml formula at 09:00 today (entered by Alex). "
             "Today: 410 ml in 5 feeds."),
    ("Alex's old 6am, delivered again: nothing recorded, its running total",
     old(2), "🍼 120 ml milk at 06:00 — today 120 ml in 1 feed"),
    ("Sam's total: both parents' old feedings and the group's, one day",
     new(20, SAM, 5, SAM, at(14, 0), "total"),
     "Today (Sat 28 Nov): 410 ml in 5 feeds\n06:00  120 ml milk — Alex\n"
     "07:00  60 ml milk — Sam\n10:00  110 ml milk — Alex\n12:00  70 ml milk — Sam\n"
     "13:00  50 ml milk — Alex"),
    ("Sam's undo takes Sam's newest, not Alex's",
     new(21, SAM, 6, SAM, at(14, 1), "undo"),
     "↩️ Removed 70 ml milk at 12:00 today (entered by Sam). Today: 340 ml in 4 feeds."),
    ("the old correction's Undo button puts 100 back",
     press(22, ALEX, ALEX, "press-back-6", "back:6"),
     "↩️ Put back: 100 ml milk at 10:00 Sat 28 Nov — Sat 28 Nov 330 ml in 4 feeds"),
    ("the old 6am reply's Undo button removes exactly it",
     press(23, ALEX, ALEX, "press-undo-2", f"undo:2.1@{at(6, 0)}"),
     "↩️ Removed 120 ml milk at 06:00 Sat 28 Nov (entered by Alex). "
     "Sat 28 Nov: 210 ml in 3 feeds."),
    ("Alex's /undo in the group takes Alex's own newest, written in his chat",
     new(24, GROUP, 51, ALEX, at(15, 0), "/undo"),
     "↩️ Removed 100 ml milk at 10:00 today (entered by Alex). Today: 110 ml in 2 feeds."),
    ("the zone Alex chose is the family's",
     new(25, SAM, 7, SAM, at(15, 5), "tz"),
     "🕒 Time zone: Europe/London. To change it: \"tz Asia/Singapore\"."),
    ("a new message in Alex's chat: new, after his old ones",
     new(26, ALEX, 7, ALEX, at(16, 0), "4pm 30ml"),
     "🍼 30 ml milk at 16:00 — today 140 ml in 3 feeds"),
    ("Sam's old undo, delivered again: its own feeding, nothing more",
     old(9), "↩️ Removed 80 ml milk at 11:00 today (entered by Sam). "
             "Today: 140 ml in 3 feeds."),
]
# the family's live feedings at the end: (chat, message, line, ml)
LIVE_AT_END = sorted([(SAM, 1, 1, 60), (GROUP, 50, 1, 50), (ALEX, 7, 1, 30)])



def invoke(spec, env, update, tmp):
    return invoke_milkbot(MILKBOT, spec, env, update, SECRET, tmp)


def another_family_first(name, spec, env, tmp):
    """Another family than the deployment's (MILKBOT_FAMILY, here the
    default) reads the old store first, as `milkbot chat --family` could:
    it adopts nothing, and the deployment's family still does."""
    for who, deployment in (("another family", None), ("the family, before it is the "
                                                       "deployment's", "grandparents")):
        family = "grandparents" if deployment is None else "family"
        run = subprocess.run([MILKBOT, "chat", "--store", spec, "--family", family,
                              "--now", "2026-11-28T13:30:00Z"], input="total\n",
                             env=dict(env, MILKBOT_FAMILY=deployment) if deployment else env,
                             capture_output=True, text=True, timeout=60)
        got = run.stdout.strip() or run.stderr.strip()
        check(f"{name}: {who} reads first and adopts nothing",
              got == 'No feeds recorded today (Sat 28 Nov) yet. Send one like "120ml".', got)


def run_steps(name, spec, env, tmp, steps=STEPS):
    for what, update, expected in steps:
        got = invoke(spec, env, update, tmp)
        check(f"{name}: {what}", got == expected, f"got {got!r}\nexpected {expected!r}")



def scan(endpoint):
    items, request = [], {"TableName": "feedings"}
    while True:
        page = dynamo(endpoint, "Scan", request)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return items
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def test_sqlite(tmp):
    path = os.path.join(tmp, "old.db")
    con = sqlite3.connect(path)
    with open(os.path.join(STORES, "sqlite.sql")) as f:
        con.executescript(f.read())
    before = con.execute("SELECT count(*) FROM feedings").fetchone()[0]
    con.close()
    check("sqlite: the old file is schema 3", sqlite3.connect(path).execute(
        "PRAGMA user_version").fetchone()[0] == 3)
    another_family_first("sqlite", f"sqlite:{path}", ENV, tmp)
    run_steps("sqlite", f"sqlite:{path}", ENV, tmp)
    con = sqlite3.connect(path)
    live = sorted(con.execute("SELECT chat_id, message_id, line, amount_ml FROM feedings "
                              "WHERE family = 'family' AND removed_by IS NULL").fetchall())
    check("sqlite: the family's live feedings at the end", live == LIVE_AT_END, str(live))
    check("sqlite: schema 9", con.execute("PRAGMA user_version").fetchone()[0] == 9)
    check("sqlite: no row deleted, none left outside the family",
          con.execute("SELECT count(*) FROM feedings WHERE family <> 'family'").fetchone()[0]
          == 0 and con.execute("SELECT count(*) FROM feedings").fetchone()[0] >= before)
    check("sqlite: the other family has its own settings, no zone",
          con.execute("SELECT tz FROM families WHERE family = 'grandparents'").fetchall()
          == [("",)])
    con.close()


def test_dynamodb(tmp):
    db, env = dynalite_with_table(MILKBOT, ENV)
    try:
        with open(os.path.join(STORES, "dynamodb.json")) as f:
            old_items = json.load(f)
        for item in old_items:
            dynamo(db.endpoint, "PutItem", {"TableName": "feedings", "Item": item})
        old_feedings = sum(1 for i in old_items if i["sk"]["S"].startswith("feed#"))
        another_family_first("dynamodb", "dynamodb:feedings", env, tmp)
        # the adoption cut off halfway (as by the invocation's deadline):
        # the third copy fails, the message answers 5xx
        proxy = FaultProxy(db.endpoint)
        env = dict(env, AWS_ENDPOINT_URL_DYNAMODB=proxy.endpoint)
        proxy.only = {"PutItem": [None, None, None] + ["500"] * 20}
        got = invoke("dynamodb:feedings", env, STEPS[0][1], tmp)
        check("dynamodb: an adoption cut off halfway fails the message",
              got.startswith("exit") or got.startswith("status 5"), got)
        proxy.only = {}
        before = proxy.targets.count("PutItem")
        run_steps("dynamodb", "dynamodb:feedings", env, tmp, STEPS[:1])
        # its claim again, then only the copies not made before: 2 were
        check("dynamodb: delivered again, the adoption copies only the rest",
              proxy.targets.count("PutItem") - before == 1 + old_feedings - 2,
              f"{proxy.targets.count('PutItem') - before} PutItem for {old_feedings} "
              "old feedings")
        run_steps("dynamodb", "dynamodb:feedings", env, tmp, STEPS[1:])
        proxy.close()
        items = scan(db.endpoint)
        live = sorted((int(i["chat_id"]["N"]), int(i["message_id"]["N"]), int(i["line"]["N"]),
                       int(i["amount_ml"]["N"])) for i in items
                      if i["pk"]["S"] == "log#family" and i["sk"]["S"].startswith("feed#")
                      and "removed_by" not in i)
        check("dynamodb: the family's live feedings at the end", live == LIVE_AT_END, str(live))
        kept = [i for i in items if i["pk"]["S"].startswith("chat#")]
        check("dynamodb: the old items are all still there, unchanged",
              sorted(json.dumps(i, sort_keys=True) for i in kept)
              == sorted(json.dumps(i, sort_keys=True) for i in old_items))
        adoption = [i for i in items if i["pk"]["S"] == "meta"]
        check("dynamodb: the adoption names the family",
              [i["family"]["S"] for i in adoption] == ["family"], str(adoption))
    finally:
        db.stop()


with tempfile.TemporaryDirectory() as tmp:
    test_sqlite(tmp)
    test_dynamodb(tmp)
check.finish()
