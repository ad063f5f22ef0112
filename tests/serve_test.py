"""serve_test.py -- `milkbot serve` (#18): the real bot without AWS, on a
real SQLite file, against a local fake Bot API that hands out updates by
getUpdates (services.PollingBotAPI) and records every call.

A set webhook is refused, with how to remove it. A conversation (a bottle,
/total, the Undo button) gets the webhook's replies, sent with
sendMessage, answerCallbackQuery and editMessageText. kill -9 right after
an update is answered, then a restart: the next getUpdates goes on after
the stored offset, and nothing is doubled or lost (the feedings table);
kill -9 while the reply is on its way (nothing saved yet): the restart
answers it, and records it once. kill -9 at every step of an update (a
bottle, an Undo press), by serve's crash hook MILKBOT_SERVE_CRASH_AT, then
a restart: the effect and the offset are saved together or not at all,
nothing is lost or doubled, and every update is answered (twice only when
killed after its reply went out and before the save). kill -9 while a
poll is held loses nothing either. A reply refused (502) undoes the
update, which is handled again; a slow Bot API holds the file's write
lock no longer than another writer waits. A reminder that came due is
said by serve's own clock, once.
SIGTERM while a poll is held exits 0 at once. A 429 (retry_after) and a
502 from getUpdates are waited out and tried again. A webhook set while
serve runs ends it (exit 3) with how to remove it; a wrong setting (a
token Telegram refuses, at the start or since, a zone, the family's ids,
a DynamoDB store) exits 2, never saying the token.

usage: serve_test.py path/to/milkbot"""
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
from services import Checks, polling_bot_api, wait_for  # noqa: E402
from telegram_events import button_update, message_update, migration_update  # noqa: E402,E501

MILKBOT = os.path.abspath(sys.argv[1])
check = Checks("serve")
TOKEN = "7391046628:serve-test-token"
BOT_ID = 7391046628
ALEX, SAM = 111111111, 222222222
NAMES = {ALEX: "Alex", SAM: "Sam"}
STARTED = []  # every serve process started


class Serve:
    """`milkbot serve` on the store file, its stderr in a file."""

    def __init__(self, tmp, api, db):
        self.tmp, self.api, self.db, self.runs = tmp, api, db, 0
        self.env = {"PATH": os.environ["PATH"], "HOME": tmp, "TELEGRAM_BOT_TOKEN": TOKEN,
                    "TELEGRAM_API_URL": api.url, "ALLOWED_USER_IDS": f"{ALEX},{SAM}",
                    "MILKBOT_TZ": "UTC", "TELEGRAM_BOT_USERNAME": "MilkLogBot"}
        self.proc = None

    def start(self, crash_at=None, env=None, store=None):
        self.runs += 1
        self.log = os.path.join(self.tmp, f"serve-{self.runs}.log")
        env = dict(self.env, **(env or {}))
        if crash_at:
            env["MILKBOT_SERVE_CRASH_AT"] = crash_at
        env = {k: v for k, v in env.items() if v is not None}
        with open(self.log, "w") as err:
            self.proc = subprocess.Popen([MILKBOT, "serve", "--store",
                                          store or "sqlite:" + self.db],
                                         env=env, stdout=subprocess.DEVNULL, stderr=err)
        STARTED.append(self.proc)
        return self.proc

    def stderr(self):
        with open(self.log) as f:
            return f.read()

    def polling(self, after_calls):
        """Whether a getUpdates came after the first after_calls calls."""
        return any(m == "getUpdates" for m, _, _ in self.api.calls[after_calls:])


def calls_of(api, method, start=0):
    return [(p, fault) for m, p, fault in api.calls[start:] if m == method]


def live_feedings(db):
    with sqlite3.connect(db) as c:
        return c.execute("SELECT message_id, amount_ml FROM feedings WHERE "
                         "removed_by IS NULL ORDER BY message_id").fetchall()


def all_feedings(db):
    with sqlite3.connect(db) as c:
        return c.execute("SELECT message_id, amount_ml, removed_by FROM feedings "
                         "ORDER BY message_id").fetchall()


def stored_offset(db):
    with sqlite3.connect(db) as c:
        row = c.execute("SELECT last_update_id FROM polls WHERE bot_id = ?",
                        (BOT_ID,)).fetchone()
    return row[0] if row else None


def main():
    with tempfile.TemporaryDirectory(prefix="milkbot-serve-") as tmp:
        try:
            converse(tmp)
        finally:
            for proc in STARTED:  # none left running, whatever failed
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
    check.finish()


def converse(tmp):
    db = os.path.join(tmp, "milkbot.db")
    api = polling_bot_api(TOKEN)
    serve = Serve(tmp, api, db)
    now = int(time.time())
    ids = {"update": 500, "message": 0}

    def say(user, text):
        ids["update"] += 1
        ids["message"] += 1
        api.push(message_update(ids["update"], user, ids["message"], user, NAMES[user],
                                now, text))
        return ids["update"], ids["message"]

    # wrong settings: exit 2 (the unit does not restart it), saying which
    for name, env, store, says in (
            ("no token", {"TELEGRAM_BOT_TOKEN": None}, None, "TELEGRAM_BOT_TOKEN is not set"),
            ("a token Telegram refuses", {"TELEGRAM_BOT_TOKEN": "7391046628:revoked-token"},
             None, "Telegram refused TELEGRAM_BOT_TOKEN"),
            ("a zone that is none", {"MILKBOT_TZ": "Mars/Olympus"}, None, "MILKBOT_TZ:"),
            ("no family", {"ALLOWED_USER_IDS": None}, None, "ALLOWED_USER_IDS"),
            ("a DynamoDB store", {}, "dynamodb:milkbot", "SQLite")):
        proc = serve.start(env=env, store=store)
        status = exit_status(proc, 20)
        err = serve.stderr()
        check(f"{name}: exit 2, saying so", status == 2 and says in err, f"{status}: {err}")
        check(f"{name}: never the token", "revoked-token" not in err and
              TOKEN.split(":")[1] not in err, err)
    check("wrong settings: nothing read", not calls_of(api, "getUpdates"), api.calls)

    # a webhook set: refused, saying how to remove it
    api.webhook = "https://example.execute-api.us-east-1.amazonaws.com/webhook"
    proc = serve.start()
    status = exit_status(proc, 20)
    err = serve.stderr()
    check("a webhook set: exit 3", status == 3, f"{status}: {err}")
    check("a webhook set: says `milkbot webhook delete`",
          "milkbot webhook delete" in err and "webhook is set" in err, err)
    check("a webhook set: no getUpdates", not calls_of(api, "getUpdates"), api.calls)
    api.webhook = ""

    # a conversation
    proc = serve.start()
    mark = len(api.calls)
    _, first = say(ALEX, "120ml")
    reply = wait_for(lambda: [p for p, f in calls_of(api, "sendMessage", mark)
                              if p.get("reply_parameters", {}).get("message_id") == first])
    check("a bottle: answered with sendMessage", reply, serve.stderr())
    button = None
    if reply:
        p = reply[0]
        check("a bottle: to Alex's chat, quoting the message",
              p["chat_id"] == ALEX and "120" in p["text"], p)
        try:
            button = p["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        except (KeyError, IndexError):
            button = None
        check("a bottle: an Undo button", button and button.startswith("undo:"), p)
    check("a bottle: recorded", live_feedings(db) == [(first, 120)], all_feedings(db))
    _, total = say(SAM, "/total")
    reply = wait_for(lambda: [p for p, f in calls_of(api, "sendMessage", mark)
                              if p.get("reply_parameters", {}).get("message_id") == total])
    check("/total: answered", reply and reply[0]["chat_id"] == SAM and "120" in reply[0]["text"],
          reply)
    if button:
        ids["update"] += 1
        api.push(button_update(ids["update"], ALEX, 9001, ALEX, "Alex", now, "press-1",
                               button))
        answered = wait_for(lambda: calls_of(api, "answerCallbackQuery", mark))
        check("Undo: answerCallbackQuery", answered and
              answered[0][0]["callback_query_id"] == "press-1", answered)
        edited = calls_of(api, "editMessageText", mark)
        check("Undo: the reply edited", edited and edited[0][0]["message_id"] == 9001 and
              edited[0][0]["chat_id"] == ALEX, edited)
        check("Undo: the feeding removed", live_feedings(db) == [], all_feedings(db))
    check("the offset kept", wait_for(lambda: stored_offset(db) == ids["update"], 5),
          stored_offset(db))
    log = serve.stderr()
    check("a line per update, no text", f"update {ids['update']} button: undone by button"
          in log and "120ml" not in log and TOKEN.split(":")[1] not in log, log)

    # kill -9 right after an update is answered, then a restart
    mark = len(api.calls)
    update, message = say(ALEX, "90ml")
    wait_for(lambda: [p for p, f in calls_of(api, "sendMessage", mark)
                      if p.get("reply_parameters", {}).get("message_id") == message])
    proc.kill()
    proc.wait()
    kept = stored_offset(db)
    check("kill -9: the offset is the update's or the one before",
          kept in (update, update - 1), kept)
    _, after = say(SAM, "60ml")
    mark = len(api.calls)
    proc = serve.start()
    wait_for(lambda: stored_offset(db) == ids["update"])
    polls = calls_of(api, "getUpdates", mark)
    check("restart: getUpdates from the stored offset",
          polls and polls[0][0].get("offset") == kept + 1, polls[:1])
    check("restart: nothing doubled, nothing lost",
          live_feedings(db) == [(message, 90), (after, 60)], all_feedings(db))
    replies = [p for p, f in calls_of(api, "sendMessage", mark)
               if p.get("reply_parameters", {}).get("message_id") == after]
    check("restart: the next update answered once", len(replies) == 1, replies)

    # kill -9 while the reply is on its way: nothing saved yet; the restart
    # handles the update again, answers it, records it once
    mark = len(api.calls)
    api.delay = 3  # the Bot API holds every answer but getUpdates'
    update, slow = say(ALEX, "45ml")
    wait_for(lambda: [p for p, f in calls_of(api, "sendMessage", mark)
                      if p.get("reply_parameters", {}).get("message_id") == slow])
    proc.kill()
    proc.wait()
    api.delay = 0
    check("kill -9 mid-reply: not recorded yet", live_feedings(db)[-1:] == [(after, 60)],
          all_feedings(db))
    check("kill -9 mid-reply: not marked", stored_offset(db) == update - 1, stored_offset(db))
    mark = len(api.calls)
    proc = serve.start()
    replies = wait_for(lambda: [p for p, f in calls_of(api, "sendMessage", mark)
                                if p.get("reply_parameters", {}).get("message_id") == slow])
    check("kill -9 mid-reply: answered after the restart", replies, serve.stderr())
    check("kill -9 mid-reply: recorded once",
          live_feedings(db) == [(message, 90), (after, 60), (slow, 45)], all_feedings(db))
    check("kill -9 mid-reply: then marked",
          wait_for(lambda: stored_offset(db) == update, 5), stored_offset(db))

    check("before the crashes: SIGTERM, exit 0", stop(proc) == 0, serve.stderr())
    crash_at_every_step(serve, api, db, say, ids, now)

    # kill -9 while a poll is held: nothing read yet; what comes meanwhile
    # is handled after the restart, once
    mark = len(api.calls)
    proc = serve.start()
    wait_for(lambda: serve.polling(mark))
    time.sleep(0.3)
    proc.kill()
    proc.wait()
    before = live_feedings(db)
    update, message = say(ALEX, "55ml")
    proc = serve.start()
    check("kill -9 mid-poll: the next update handled after the restart",
          wait_for(lambda: stored_offset(db) == update, 10), stored_offset(db))
    check("kill -9 mid-poll: recorded once", live_feedings(db) == before + [(message, 55)],
          all_feedings(db))

    # the reply refused (502): the update is undone, then handled again
    mark = len(api.calls)
    before = live_feedings(db)
    api.plan = ["502"]
    update, message = say(SAM, "65ml")
    check("a reply refused: handled again, then saved",
          wait_for(lambda: stored_offset(db) == update, 15), serve.stderr())
    check("a reply refused: recorded once", live_feedings(db) == before + [(message, 65)],
          all_feedings(db))
    sent = [f for p, f in calls_of(api, "sendMessage", mark)
            if p.get("reply_parameters", {}).get("message_id") == message]
    check("a reply refused: sent again, then delivered", sent == ["502", None], sent)
    check("a reply refused: logged", "reply not sent: again" in serve.stderr(), serve.stderr())

    # a slow Bot API: the file's write lock is held while a reply goes out,
    # but no call inside an update waits more than 2 s for its answer, so
    # another writer (waiting 5 s, as milkbot chat does; here 4) gets in,
    # though Telegram would take 6 s
    mark = len(api.calls)
    before = live_feedings(db)
    api.delay = 6
    update, message = say(ALEX, "35ml")
    wait_for(lambda: [p for p, f in calls_of(api, "sendMessage", mark)
                      if p.get("reply_parameters", {}).get("message_id") == message])
    started = time.monotonic()
    other = sqlite3.connect(db, timeout=4, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        waited = f"got the lock after {time.monotonic() - started:.1f} s"
    except sqlite3.OperationalError as e:
        waited = f"{e} after {time.monotonic() - started:.1f} s"
    other.close()
    check("a slow Bot API: another writer gets the file", waited.startswith("got"), waited)
    check("a slow Bot API: the update saved",
          wait_for(lambda: stored_offset(db) == update, 10), serve.stderr())
    api.delay = 0
    replies = [p for p, f in calls_of(api, "sendMessage", mark)
               if p.get("reply_parameters", {}).get("message_id") == message]
    check("a slow Bot API: recorded once, the reply taken as sent (not sent again)",
          live_feedings(db) == before + [(message, 35)] and len(replies) == 1,
          f"{all_feedings(db)} {replies}")

    # a reminder, set by a message written two minutes ago, due a minute
    # ago: said by serve's own clock (a tick at the start, then each
    # minute), once, however often serve is restarted
    ids["update"] += 1
    ids["message"] += 1
    api.push(message_update(ids["update"], SAM, ids["message"], SAM, "Sam",
                            int(time.time()) - 120, "remind me in 1 min"))
    check("a reminder: set", wait_for(lambda: stored_offset(db) == ids["update"], 10),
          serve.stderr())
    check("before the restart: SIGTERM, exit 0", stop(proc) == 0, serve.stderr())
    mark = len(api.calls)
    proc = serve.start()

    def reminders():
        return [p for p, f in calls_of(api, "sendMessage", mark)
                if p["chat_id"] == SAM and "Reminder" in p.get("text", "")]
    said = wait_for(reminders, 10)
    check("a reminder: said by serve's clock", said and "Last feed" in said[0]["text"],
          f"{said} {serve.stderr()}")
    # the tick's log line is written after its sendMessage was answered:
    # wait for it, as for the message
    check("a reminder: logged as a tick",
          wait_for(lambda: "tick: 1 due, 1 said" in serve.stderr(), 10), serve.stderr())
    check("another restart: SIGTERM, exit 0", stop(proc) == 0, serve.stderr())
    proc = serve.start()
    wait_for(lambda: serve.polling(len(api.calls) - 1))
    check("a reminder: said once", len(reminders()) == 1, reminders())

    # the family group becomes a supergroup: Telegram's service messages,
    # each handled inside its update's transaction, move what the group
    # set to the new id, once, with no reply
    group, supergroup = -4001, -1001000004001

    def schedules_of(chat):
        with sqlite3.connect(db) as c:
            return c.execute("SELECT kind FROM schedules WHERE chat_id = ?",
                             (chat,)).fetchall()

    def push(update):
        ids["update"] += 1
        ids["message"] += 1
        api.push(update)
        return wait_for(lambda: stored_offset(db) == ids["update"], 10)

    set_in_group = push(message_update(ids["update"] + 1, group, ids["message"] + 1, ALEX,
                                       "Alex", int(time.time()), "/remind every 3h"))
    check("an upgraded group: its reminder set", set_in_group
          and schedules_of(group) == [(2,)], (schedules_of(group), serve.stderr()))
    mark = len(api.calls)
    moved = push(migration_update(ids["update"] + 1, group, ids["message"] + 1, SAM, "Sam",
                                  int(time.time()), "migrate_to_chat_id", supergroup))
    again = push(migration_update(ids["update"] + 1, supergroup, 1, SAM, "Sam",
                                  int(time.time()), "migrate_from_chat_id", group))
    check("an upgraded group: the service messages move its reminder, once, unanswered",
          moved and again and schedules_of(group) == []
          and schedules_of(supergroup) == [(2,)] and calls_of(api, "sendMessage", mark) == []
          and "migrated" in serve.stderr(),
          (schedules_of(group), schedules_of(supergroup), serve.stderr()))

    # SIGTERM while a poll is held
    wait_for(lambda: serve.polling(len(api.calls) - 1))
    time.sleep(0.5)
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    status = exit_status(proc, 10)
    took = time.monotonic() - started
    check("SIGTERM mid-poll: exit 0", status == 0, f"{status}: {serve.stderr()}")
    check("SIGTERM mid-poll: at once", took < 5, f"{took:.1f} s")
    check("SIGTERM: says it stopped", "stopped after update" in serve.stderr(), serve.stderr())

    # a 429 with retry_after, then a 502: waited out, tried again
    api.poll_plan = ["429", "502"]
    mark = len(api.calls)
    _, late = say(ALEX, "30ml")
    proc = serve.start()
    reply = wait_for(lambda: [p for p, f in calls_of(api, "sendMessage", mark)
                              if p.get("reply_parameters", {}).get("message_id") == late], 30)
    polls = calls_of(api, "getUpdates", mark)
    check("429 and 502: tried again, then answered",
          reply and [f for _, f in polls[:3]] == ["429", "502", None],
          f"{polls} {serve.stderr()}")
    check("429 and 502: recorded once", live_feedings(db)[-1] == (late, 30), all_feedings(db))
    check("429 and 502: logged", "Too Many Requests" in serve.stderr() and
          "trying again" in serve.stderr(), serve.stderr())
    proc.send_signal(signal.SIGINT)
    status = exit_status(proc, 10)
    check("SIGINT: exit 0", status == 0, status)

    def ended_by(change):
        """serve started, change() made once it polls: its exit status, its
        stderr."""
        mark = len(api.calls)
        proc = serve.start()
        wait_for(lambda: serve.polling(mark))
        change()
        return wait_for(lambda: proc.poll(), 20), serve.stderr()

    # a webhook set while serve runs: the next poll's 409 ends it, saying so
    api.max_wait = 1
    status, err = ended_by(lambda: setattr(api, "webhook", "https://example.org/webhook"))
    check("a webhook set since: exit 3", status == 3, f"{status}: {err}")
    check("a webhook set since: says so, and how to remove it",
          "webhook is set for this bot" in err and "milkbot webhook delete" in err, err)
    api.webhook = ""

    # the token revoked while serve runs: the next poll's 401 ends it
    status, err = ended_by(lambda: setattr(api, "token", "7391046628:the-new-token"))
    check("the token revoked since: exit 2", status == 2, f"{status}: {err}")
    check("the token revoked since: says so, never the token",
          "Telegram refused TELEGRAM_BOT_TOKEN" in err and TOKEN.split(":")[1] not in err, err)
    api.token, api.max_wait = TOKEN, 50


STEPS = ("read", "handled", "replied", "kept")  # serve_command.c's crash points


def exit_status(proc, timeout):
    """proc's exit status, or "still running" (and killed) after timeout s."""
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        return "still running"


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    return exit_status(proc, 10)


def crash_at_every_step(serve, api, db, say, ids, now):
    """serve is stopped. For each step of an update, a bottle then an Undo
    press of it: serve killed (SIGKILL) at that step, then restarted."""
    for step in STEPS:
        before = live_feedings(db)
        # a bottle
        update, message = say(SAM, "75ml")
        mark = len(api.calls)
        proc = serve.start(crash_at=step)
        status = wait_for(lambda: proc.poll(), 20)
        check(f"crash at {step}: killed", status == -signal.SIGKILL,
              f"{status}: {serve.stderr()}")
        saved = step == "kept"
        check(f"crash at {step}: the bottle and the offset saved together",
              (live_feedings(db), stored_offset(db)) ==
              ((before + [(message, 75)], update) if saved else (before, update - 1)),
              (all_feedings(db), stored_offset(db)))
        proc = serve.start()
        check(f"crash at {step}: after the restart, the offset goes on",
              wait_for(lambda: stored_offset(db) == update, 10), stored_offset(db))
        check(f"crash at {step}: the bottle recorded once",
              live_feedings(db) == before + [(message, 75)], all_feedings(db))
        replies = [p for p, f in calls_of(api, "sendMessage", mark)
                   if p.get("reply_parameters", {}).get("message_id") == message]
        # said twice only when killed after it went out, before the save
        check(f"crash at {step}: the bottle answered",
              len(replies) == (2 if step == "replied" else 1), replies)
        stop(proc)
        if not replies:
            continue
        # its Undo button pressed
        try:
            button = replies[-1]["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        except (KeyError, IndexError):
            check(f"crash at {step}: an Undo button", False, replies[-1])
            continue
        ids["update"] += 1
        press = f"press-{step}"
        api.push(button_update(ids["update"], SAM, 9100 + ids["update"], SAM, "Sam", now,
                               press, button))
        mark = len(api.calls)
        proc = serve.start(crash_at=step)
        status = wait_for(lambda: proc.poll(), 20)
        check(f"crash at {step}: killed at the press", status == -signal.SIGKILL,
              f"{status}: {serve.stderr()}")
        check(f"crash at {step}: the press and the offset saved together",
              (live_feedings(db), stored_offset(db)) ==
              ((before, ids["update"]) if saved
               else (before + [(message, 75)], ids["update"] - 1)),
              (all_feedings(db), stored_offset(db)))
        proc = serve.start()
        check(f"crash at {step}: the press handled after the restart",
              wait_for(lambda: stored_offset(db) == ids["update"], 10), stored_offset(db))
        check(f"crash at {step}: the feeding removed, once", live_feedings(db) == before and
              [r for r in all_feedings(db) if r[0] == message] == [(message, 75, 0)],
              all_feedings(db))
        answers = [p for p, f in calls_of(api, "answerCallbackQuery", mark)
                   if p.get("callback_query_id") == press]
        check(f"crash at {step}: the press answered",
              len(answers) == (2 if step == "replied" else 1) and
              all(a["text"] == answers[0]["text"] for a in answers), answers)
        stop(proc)


if __name__ == "__main__":
    main()
