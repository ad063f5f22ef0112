"""tick_test.py -- the bot's own clock (#17) through `milkbot tick`, on
SQLite and on DynamoDB (a private dynalite), against a fake Bot API that
records every sendMessage.

A family's day: Alex records a bottle and asks "remind me in 3h", Sam asks
"remind every 3h", the family group asks for an alert after 4 hours
without a feed, Alex for the day's summary at 8pm (all through the webhook,
`milkbot invoke`, as Telegram delivers them). Ticks at chosen times then
say each thing once, at its time: a tick run again says nothing more; a
Bot API that fails (502) gets the message at the next tick, one that
refuses for good (403) never again; the alert says a gap once, and the
next gap after the next feed; "stop reminders" stops them. Two ticks run
at once, while the Bot API is slow, say each of eight reminders once
between them.

usage: tick_test.py path/to/milkbot"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
from services import Checks, bot_api, dynalite_with_table, sent  # noqa: E402
from telegram_events import invoke as invoke_milkbot, message_update, migration_update  # noqa: E402,E501

MILKBOT = os.path.abspath(sys.argv[1])
check = Checks("tick")
SECRET = "tick-test-secret"
TOKEN = "7391046628:tick-test-token"
ALEX, SAM = 111111111, 222222222
GROUP = -1002143658709
MIDNIGHT = 1795910400  # Sunday 2026-11-29T00:00:00Z
ENV = {"PATH": os.environ["PATH"], "MILKBOT_WEBHOOK_SECRET": SECRET,
       "ALLOWED_USER_IDS": f"{ALEX},{SAM}", "MILKBOT_TZ": "UTC",
       "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BOT_USERNAME": "MilkLogBot",
       "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
       "AWS_REGION": "us-east-1"}
NAMES = {ALEX: "Alex", SAM: "Sam"}


def at(hour, minute=0):
    return f"2026-11-29T{hour:02d}:{minute:02d}:00Z"


class Family:
    """Messages of the family, through the webhook, on one store."""

    def __init__(self, spec, env, tmp):
        self.spec, self.env, self.tmp = spec, env, tmp
        self.ids, self.updates = {}, 0

    def say(self, chat, user, hour, minute, text):
        self.ids[chat] = self.ids.get(chat, 0) + 1
        self.updates += 1
        self.last = message_update(7000 + self.updates, chat, self.ids[chat], user,
                                   NAMES[user], MIDNIGHT + hour * 3600 + minute * 60, text)
        return self.again(self.last)

    def again(self, update):
        """The update delivered (again)."""
        return invoke_milkbot(MILKBOT, self.spec, self.env, update, SECRET, self.tmp)


def tick(spec, env, api, when):
    """`milkbot tick --now when`: its exit status and its stderr line."""
    run = subprocess.run([MILKBOT, "tick", "--store", spec, "--now", when],
                         env=dict(env, TELEGRAM_API_URL=api.url), capture_output=True,
                         text=True, timeout=60)
    return run.returncode, run.stderr.strip()


def new_messages(api, seen):
    """What the Bot API took since the last call (seen: a one-item list)."""
    now = sent(api)
    fresh, seen[0] = now[seen[0]:], len(now)
    return fresh


def day(name, spec, env):
    api = bot_api(TOKEN)
    seen = [0]
    with tempfile.TemporaryDirectory() as tmp:
        fam = Family(spec, env, tmp)
        said = [fam.say(ALEX, ALEX, 9, 0, "9am 120ml"), fam.say(ALEX, ALEX, 9, 1, "remind me in 3h")]
        remind = fam.last
        said += [
            fam.say(SAM, SAM, 9, 3, "remind every 3h"),
            fam.say(GROUP, SAM, 9, 2, "@MilkLogBot alert 4h"),
            fam.say(ALEX, ALEX, 9, 4, "summary at 8pm"),
        ]
        summary = fam.last
        check(f"{name}: the schedules are set, each answered",
              said[1] == "⏰ I'll remind this chat at 12:01 (in 3h), with the last feed."
              and said[2] == "⏰ I'll remind this chat every 3h, first at 12:03, with the last "
                             "feed, until \"stop reminders\"."
              and said[3].startswith("⚠️ I'll tell this chat when no feed has been recorded "
                                     "for 4h, once each time. The last feed was at 09:00: "
                                     "next alert at 13:00 if none before.")
              and said[4] == "📊 The day's summary in this chat every day at 20:00 (UTC), "
                             "first at 20:00.", said)
        # "remind me in 3h" delivered again (an answer lost) sets nothing twice
        again = fam.again(remind)
        check(f"{name}: a reminder delivered again answers alike", again == said[1], again)

        status, log = tick(spec, env, api, at(12, 0))
        check(f"{name}: 12:00, nothing is due yet", status == 0 and
              new_messages(api, seen) == [], log)

        status, log = tick(spec, env, api, at(12, 1))
        got = new_messages(api, seen)
        check(f"{name}: 12:01, Alex's reminder, with the last feed", status == 0 and got == [
            (ALEX, "⏰ Reminder. Last feed: 120 ml milk at 09:00 today (Alex), 3h 1m ago.")],
            (got, log))
        status, log = tick(spec, env, api, at(12, 1))
        check(f"{name}: the same tick again says nothing more",
              status == 0 and new_messages(api, seen) == [], log)

        api.plan = ["502"]
        status, log = tick(spec, env, api, at(12, 3))
        check(f"{name}: 12:03, the Bot API fails: the tick says so, nothing taken",
              status == 1 and new_messages(api, seen) == [] and "1 to try again" in log
              and TOKEN not in log and "tick-test-token" not in log, log)
        status, log = tick(spec, env, api, at(12, 4))
        got = new_messages(api, seen)
        check(f"{name}: 12:04, the next tick says it, once", status == 0 and got == [
            (SAM, "⏰ Reminder (every 3h). Last feed: 120 ml milk at 09:00 today (Alex), "
                  "3h 4m ago.")], (got, log))

        status, log = tick(spec, env, api, at(13, 0))
        got = new_messages(api, seen)
        check(f"{name}: 13:00, 4 hours without a feed: the group is told", got == [
            (GROUP, "⚠️ No feed recorded for 4h. Last feed: 120 ml milk "
                    "at 09:00 today (Alex), 4h 0m ago.")], (got, log))
        status, log = tick(spec, env, api, at(14, 0))
        check(f"{name}: 14:00, the same gap is not told twice",
              new_messages(api, seen) == [], log)
        fam.say(ALEX, ALEX, 14, 30, "2:30pm 90ml")
        status, log = tick(spec, env, api, at(15, 3))
        got = new_messages(api, seen)
        check(f"{name}: 15:03, Sam's reminder again (every 3h from 12:03)", got == [
            (SAM, "⏰ Reminder (every 3h). Last feed: 90 ml milk at 14:30 today (Alex), "
                  "33m ago.")], (got, log))
        status, log = tick(spec, env, api, at(18, 29))
        got = new_messages(api, seen)
        check(f"{name}: 18:29, the new gap is not 4 hours yet (Sam's 18:03 said)",
              [c for c, _ in got] == [SAM], (got, log))
        status, log = tick(spec, env, api, at(18, 30))
        got = new_messages(api, seen)
        check(f"{name}: 18:30, the next gap is told, once", got == [
            (GROUP, "⚠️ No feed recorded for 4h. Last feed: 90 ml milk "
                    "at 14:30 today (Alex), 4h 0m ago.")], (got, log))

        status, log = tick(spec, env, api, at(20, 0))
        got = new_messages(api, seen)
        check(f"{name}: 20:00, Alex's summary of the day", got == [
            (ALEX, "📊 Today so far (Sun 29 Nov, 20:00): 210 ml in 2 feeds, one every "
                   "5h 30m on average.\nThe 7 days before: nothing recorded to compare "
                   "with.")], (got, log))

        # the summary's message delivered again (an answer lost): the
        # summary is set already, and not said twice today
        again = fam.again(summary)
        status, log = tick(spec, env, api, at(20, 1))
        got = new_messages(api, seen)
        check(f"{name}: \"summary at 8pm\" delivered again says no second summary",
              again == said[4] and got == [], (again, got, log))

        stopped = fam.say(SAM, SAM, 20, 30, "stop reminders")
        check(f"{name}: stop reminders", stopped == "🔕 Stopped 1 reminder in this chat.",
              stopped)
        status, log = tick(spec, env, api, at(21, 3))
        got = new_messages(api, seen)
        check(f"{name}: 21:03, Sam's reminder is stopped", got == [], (got, log))

        fam.say(ALEX, ALEX, 21, 10, "remind me in 1 min")
        api.plan = ["403"]
        status, log = tick(spec, env, api, at(21, 11))
        check(f"{name}: a chat that blocked the bot refuses for good",
              new_messages(api, seen) == [] and "1 refused" in log, log)
        status, log = tick(spec, env, api, at(21, 12))
        calls = [c for c in api.calls if c[0] == "sendMessage"]
        check(f"{name}: and it is not tried again", status == 0 and len(calls) == 9
              and new_messages(api, seen) == [], (len(calls), log))
        # the Bot API takes the message but answers too late (the client
        # waits 5 s): it may have been said, so it is not sent again
        fam.say(ALEX, ALEX, 21, 20, "remind me in 1 min")
        api.delay = 6
        status, log = tick(spec, env, api, at(21, 21))
        api.delay = 0
        got = new_messages(api, seen)
        status2, log2 = tick(spec, env, api, at(21, 22))
        check(f"{name}: a send without an answer is not sent again",
              len(got) == 1 and "no answer: not sent again" in log and "1 refused" in log
              and new_messages(api, seen) == [] and status2 == 0, (got, log, log2))
        check(f"{name}: every call used the bot's token",
              all(c[0] != "wrong token" for c in api.calls), api.calls)

        # two ticks at once, the Bot API slow: each reminder said once
        groups = [-1001000000000 - k for k in range(8)]
        for k, chat in enumerate(groups):
            fam.say(chat, ALEX, 22, 0, "@MilkLogBot remind me in 5 min")
        api.delay = 0.2
        env_api = dict(env, TELEGRAM_API_URL=api.url)
        procs = [subprocess.Popen([MILKBOT, "tick", "--store", spec, "--now", at(22, 5)],
                                  env=env_api, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
        logs = [p.communicate(timeout=120)[1].strip() for p in procs]
        got = new_messages(api, seen)
        check(f"{name}: two ticks at once say each of 8 reminders once",
              sorted(c for c, _ in got) == sorted(groups)
              and all(p.returncode == 0 for p in procs), (got, logs))

        # a basic group upgraded to a supergroup (a new id) with nobody's
        # message since: Telegram refuses the old id and names the new,
        # and the tick says it there, and so do later ticks
        old, new = -5001, -1001000005001
        fam.say(old, ALEX, 22, 10, "@MilkLogBot remind me in 5 min")
        fam.say(old, SAM, 22, 11, "@MilkLogBot remind me in 10 min")
        api.migrated[old] = new
        mark = len(api.calls)
        status, log = tick(spec, env, api, at(22, 15))
        got = new_messages(api, seen)
        check(f"{name}: an upgraded group: the reminder said under its new id",
              status == 0 and [c for c, _ in got] == [new]
              and "Reminder" in got[0][1] and "1 said" in log
              and "1 chat moved to a new id" in log, (got, log))
        status, log = tick(spec, env, api, at(22, 21))
        got = new_messages(api, seen)
        tried_old = [c for c in api.calls[mark:] if c[1].get("chat_id") == old]
        check(f"{name}: an upgraded group: the next reminder said there at once",
              status == 0 and [c for c, _ in got] == [new] and len(tried_old) == 1
              and "moved to a new id" not in log, (got, log, tried_old))

        # the service message came first (in the old chat; the new chat's
        # comes too): the reminder never tries the old id
        old, new = -5002, -1001000005002
        fam.say(old, ALEX, 22, 30, "@MilkLogBot remind me in 5 min")
        fam.updates += 1
        moved = fam.again(migration_update(7000 + fam.updates, old, 99, SAM, "Sam",
                                           MIDNIGHT + 22 * 3600 + 31 * 60,
                                           "migrate_to_chat_id", new))
        fam.updates += 1
        again = fam.again(migration_update(7000 + fam.updates, new, 1, SAM, "Sam",
                                           MIDNIGHT + 22 * 3600 + 31 * 60,
                                           "migrate_from_chat_id", old))
        mark = len(api.calls)
        status, log = tick(spec, env, api, at(22, 35))
        got = new_messages(api, seen)
        check(f"{name}: the upgrade's service messages: no reply, and the reminder "
              "said in the new chat", moved == "" and again == "" and status == 0
              and [c for c, _ in got] == [new]
              and all(c[1].get("chat_id") != old for c in api.calls[mark:]),
              (moved, again, got, log))
        api.shutdown()


def main():
    with tempfile.TemporaryDirectory() as tmp:
        day("sqlite", f"sqlite:{os.path.join(tmp, 'milkbot.db')}", ENV)
    db, env = dynalite_with_table(MILKBOT, ENV)
    try:
        day("dynamodb", "dynamodb:feedings", env)
    finally:
        db.stop()
    check.finish()


main()
