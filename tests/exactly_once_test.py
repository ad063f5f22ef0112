#!/usr/bin/env python3
"""exactly_once_test.py -- the promise of issue 11, end to end: whatever
goes wrong between Telegram, the bot and its store, one update changes the
log exactly once and is answered as it was the first time.

Each scenario is a short history (100, 110 and 120 ml recorded, one message
each) and then one update under test: a record, a record of two lines, an
edit, `undo` (also of feedings older than any window a DynamoDB turn reads),
the Undo button, `tz`, a correction (`make that 115`; also of a feeding
older than any window) and its Undo button. A clean delivery gives the reference reply; a small
reference model (Model, below: the rules of README and src/store/store.h)
gives the state expected after it, which the clean delivery must leave too.
Then the update is delivered under each fault, and after each case:
  (a) the log (live feedings by message and line, amount and instant; the
      chat's zone), read from the SQLite file or the table itself, equals
      the model's, and
  (b) the reply that finally got 200 equals the clean reply.
As Telegram does, an update whose answer is not 200 is delivered again
(at most MAX_DELIVERIES times).

Faults on DynamoDB (a FaultProxy in front of a private, in-memory dynalite),
each at every request the update makes in its clean run:
  applied-500, applied-timeout  DynamoDB applied it, the answer was lost (a
                                500; no answer before the client's 10 s
                                timeout, src/aws/aws_json.c); retried
  throttle, 500                 refused once, then fine
  timeout                       never arrived, no answer: retried
  permanent-500                 this request and every later one of the
                                delivery fail: the delivery answers 500
  permanent-applied-500         the same, but each attempt was applied
and, on both stores, "redelivered": answered 200 but the answer was lost,
so Telegram delivers it again; on SQLite "locked": another process holds
the file's write lock past the store's 5 s busy timeout.

Concurrency: two or three copies of the update at once. On DynamoDB each
copy has its own proxy and a Sequencer lets their requests through one at a
time in a chosen order (up to 12 interleavings of two copies, among them
all that matter most, and 3 of three copies), only once every copy still
running has a request waiting: so that, say, both copies read the chat
before either writes. On SQLite the copies are
processes on one file, started at once, or held behind the file's write
lock until all have read; and the history itself is written by three
processes at once on a new file. Every copy's reply must equal the clean
one, and the log the model's.

Sequences, on both stores: an undo delivered again after the message whose
feeding it removed was edited (it must not act again); an older edit
delivered again after a newer one (the newer text stays).

usage: exactly_once_test.py path/to/milkbot [SUBSTRING]
(SUBSTRING runs only the cases whose name contains it.)"""
import concurrent.futures
import itertools
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

from services import Checks, Dynalite, FaultProxy, dynamo
from telegram_events import webhook_event

MILKBOT = os.path.abspath(sys.argv[1])
ONLY = sys.argv[2] if len(sys.argv) > 2 else ""
check = Checks("exactly_once")

SECRET = "exactly-once-secret"
USER = 1111111
TABLE = "feedings"
MAX_DELIVERIES = 4  # Telegram retries longer; a correct bot needs two
FAST_WORKERS = 4    # cases at once; each case is sequential inside
DYNAMO_FAULTS = ["applied-500", "applied-timeout", "throttle", "500", "timeout",
                 "permanent-500", "permanent-applied-500"]
SLOW_FAULTS = {"applied-timeout", "timeout", "locked"}  # ~10 s of waiting each

# Message dates, on the minute: the update under test ten minutes ago, the
# history in the hour and a half before, all within every window a store reads.
# (A button press has no date: its reply names the day from the real clock,
# so a run across midnight UTC would see "today" change under it.)
OP_DATE = int(time.time()) // 60 * 60 - 600
HISTORY = [(101, OP_DATE - 5400, "100ml"), (102, OP_DATE - 3600, "110ml"),
           (103, OP_DATE - 1800, "120ml")]
OP_MESSAGE = 104
# the second line of the multi-line record names an hour: three hours
# before the message, on the hour (12-hour clock, as parents write it)
_H = (OP_DATE - 3 * 3600) // 3600 * 3600
SECOND_LINE = "100ml %d%s" % ((time.gmtime(_H).tm_hour + 11) % 12 + 1,
                              "am" if time.gmtime(_H).tm_hour < 12 else "pm")


# --- updates and events ------------------------------------------------------

class Update:
    """One Telegram update: kind "message", "edited" or "button"."""

    def __init__(self, kind, update_id, message_id, date, text="", data="", edit_date=OP_DATE):
        self.kind, self.update_id, self.message_id = kind, update_id, message_id
        self.date, self.text, self.data, self.edit_date = date, text, data, edit_date

    def event(self, chat_id):
        """The API Gateway (payload 2.0) event carrying it to chat_id."""
        person = {"id": USER, "is_bot": False, "first_name": "Alex"}
        # a chat of its own per case (new_chat), and one where every
        # message is for the bot: in a group, "undo" and "make that 110"
        # would be the family's talk (docs/phrases.md, "In a group")
        chat = {"id": chat_id, "first_name": "Alex", "type": "private"}
        if self.kind == "button":
            body = {"update_id": self.update_id, "callback_query": {
                "id": "4382bfdwdsb323b2d9", "from": person, "chat_instance": "1",
                "data": self.data, "message": {
                    "message_id": 9000 + self.message_id, "chat": chat, "date": self.date,
                    "from": {"id": 7000000001, "is_bot": True, "first_name": "MilkBot"},
                    "text": "🍼 110 ml milk"}}}
        else:
            message = {"message_id": self.message_id, "from": person, "chat": chat,
                       "date": self.date, "text": self.text}
            if self.kind == "edited":
                message["edit_date"] = self.edit_date
            body = {"update_id": self.update_id,
                    "edited_message" if self.kind == "edited" else "message": message}
        return webhook_event(body, SECRET)


def message(message_id, date, text, update_id=None):
    return Update("message", update_id or message_id - 100, message_id, date, text)


def edit(message_id, text, edit_date=OP_DATE, update_id=5):
    date = {m: d for m, d, _ in HISTORY}[message_id]
    return Update("edited", update_id, message_id, date, text, edit_date=edit_date)


HISTORY_UPDATES = [message(m, d, t) for m, d, t in HISTORY]
# the same ten days earlier: beyond any window a DynamoDB turn reads (50 hours)
OLD_HISTORY = [message(m, d - 10 * 86400, t) for m, d, t in HISTORY]
SCENARIOS = {  # name -> (history, the update under test)
    "record": (HISTORY_UPDATES, message(OP_MESSAGE, OP_DATE, "130ml")),
    "multi-line record": (HISTORY_UPDATES, message(OP_MESSAGE, OP_DATE, "90ml\n" + SECOND_LINE)),
    "edit": (HISTORY_UPDATES, edit(102, "130ml")),
    "undo": (HISTORY_UPDATES, message(OP_MESSAGE, OP_DATE, "undo")),
    "undo of a 10-day-old feeding": (OLD_HISTORY, message(OP_MESSAGE, OP_DATE, "undo")),
    "undo button": (HISTORY_UPDATES, Update("button", 5, 102, OP_DATE, data="undo:102.1")),
    # as this version writes it: with the feeding's instant, the store's key
    "undo button (with the instant)": (HISTORY_UPDATES, Update(
        "button", 5, 102, OP_DATE, data="undo:102.1@%d" % HISTORY[1][1])),
    "tz": (HISTORY_UPDATES, message(OP_MESSAGE, OP_DATE, "tz Asia/Singapore")),
    # issue 13: a correction changes the last entry's amount in place
    "correction": (HISTORY_UPDATES, message(OP_MESSAGE, OP_DATE, "make that 115")),
    "correction of a 10-day-old feeding": (OLD_HISTORY, message(OP_MESSAGE, OP_DATE,
                                                                "not 120, 115")),
    "correction's button": (HISTORY_UPDATES + [message(OP_MESSAGE, OP_DATE - 60, "make that 115")],
                            Update("button", 6, OP_MESSAGE, OP_DATE, data="back:%d" % OP_MESSAGE)),
}
UNDO = message(OP_MESSAGE, OP_DATE, "undo")
# name -> (updates in turn, pairs (i, j): update j is update i again, and
# must report the same action; the totals after it may have changed since)
SEQUENCES = {
    "undo, its feeding's message edited, the undo again":
        ([UNDO, edit(103, "125ml"), UNDO], [(0, 2)]),
    "correction, its feeding undone, the correction again":
        ([message(OP_MESSAGE, OP_DATE, "make that 115"), message(OP_MESSAGE + 1, OP_DATE, "undo"),
          message(OP_MESSAGE, OP_DATE, "make that 115")], [(0, 2)]),
    # a refused correction stays refused when delivered again after a new
    # feeding that it would fit
    "refused correction, a new feeding, the correction again":
        ([message(OP_MESSAGE, OP_DATE, "not 130, 115"), message(OP_MESSAGE + 1, OP_DATE, "130ml"),
          message(OP_MESSAGE, OP_DATE, "not 130, 115")], [(0, 2)]),
    "edit 1, edit 2, edit 1 again":
        ([edit(102, "130ml", OP_DATE - 120), edit(102, "140ml", OP_DATE - 60, 6),
          edit(102, "130ml", OP_DATE - 120)], []),
}


# --- the reference model -----------------------------------------------------

class Model:
    """The documented rules on a dict of feedings keyed by (message, line):
    a message records its lines once (a redelivery adds nothing); undo
    removes the live feeding entered last, once per undo message; the
    button removes exactly its feeding; an edit makes its message's
    feedings exactly the new text's; tz sets the chat's zone; a correction
    ("make that N", "not W, N") sets the amount of the live feeding entered
    last (if it is W), once per message, and its button ("back:M") puts
    it back once per press if the feeding still has that amount."""

    def __init__(self):
        self.feedings = {}  # (message, line) -> (amount_ml, at_ms, live)
        self.tz = ""
        self.seen = set()   # messages already acted on
        self.edited = {}    # message -> the edit_date of its text now
        self.amended = {}   # correction message -> (key, from, to)
        self.presses = set()

    @staticmethod
    def parse(text, date):
        """(amount, at_ms) per line: "130ml" (the message's minute), or
        "100ml 7am" (that hour's most recent occurrence, in UTC, the zone the
        history runs in)."""
        out = []
        for line in text.split("\n"):
            m = re.fullmatch(r"(\d+)ml(?: (\d+)(am|pm))?", line)
            at = date - date % 60
            if m.group(2):
                hour = int(m.group(2)) % 12 + (12 if m.group(3) == "pm" else 0)
                at = date - date % 86400 + hour * 3600
                if at > date + 15 * 60:
                    at -= 86400
            out.append((int(m.group(1)), at * 1000))
        return out

    def apply(self, u):
        if u.kind == "button" and u.data.startswith("back:"):
            fix = self.amended.get(int(u.data[len("back:"):]))
            if u.data in self.presses or fix is None:
                return
            self.presses.add(u.data)
            key, was, now = fix
            if self.feedings[key][2] and self.feedings[key][0] == now:
                self.feedings[key] = (was,) + self.feedings[key][1:]
        elif u.kind == "button":
            key = tuple(int(x) for x in u.data[len("undo:"):].split("@")[0].split("."))
            if key in self.feedings:
                self.feedings[key] = self.feedings[key][:2] + (False,)
        elif u.kind == "edited":
            if u.edit_date < self.edited.get(u.message_id, 0):
                return  # an older edit arriving late: the newer text stays
            self.edited[u.message_id] = u.edit_date
            for key in [k for k in self.feedings if k[0] == u.message_id]:
                del self.feedings[key]
            for line, (amount, at) in enumerate(self.parse(u.text, u.date), 1):
                self.feedings[(u.message_id, line)] = (amount, at, True)
        elif u.message_id in self.seen:
            return  # a redelivery: nothing more
        elif u.text == "undo":
            live = [k for k, f in self.feedings.items() if f[2]]
            if live:
                key = max(live)
                self.feedings[key] = self.feedings[key][:2] + (False,)
        elif u.text.startswith(("make that ", "not ")):
            amounts = [int(x) for x in re.findall(r"\d+", u.text)]
            live = [k for k, f in self.feedings.items() if f[2]]
            if live:
                key = max(live)
                if len(amounts) == 1 or self.feedings[key][0] == amounts[0]:
                    self.amended[u.message_id] = (key, self.feedings[key][0], amounts[-1])
                    self.feedings[key] = (amounts[-1],) + self.feedings[key][1:]
        elif u.text.startswith("tz "):
            self.tz = u.text[3:]
        else:
            for line, (amount, at) in enumerate(self.parse(u.text, u.date), 1):
                self.feedings[(u.message_id, line)] = (amount, at, True)
        self.seen.add(u.message_id)

    def state(self):
        return {"feedings": sorted((m, l, a, at) for (m, l), (a, at, live)
                                   in self.feedings.items() if live), "tz": self.tz}


def expected_state(updates):
    model = Model()
    for u in updates:
        model.apply(u)
    return model.state()


def state_diff(want, got):
    """What differs, for a person: missing and extra feedings, the zone."""
    if "error" in got:
        return "state unreadable: " + got["error"]
    out = []
    w, g = list(want["feedings"]), list(got["feedings"])
    for f in list(w):
        if f in g:
            w.remove(f)
            g.remove(f)
    show = lambda f: "%d.%d %d ml at %s" % (f[0], f[1], f[2],
                                            time.strftime("%H:%M", time.gmtime(f[3] // 1000)))
    if w:
        out.append("missing " + ", ".join(map(show, w)))
    if g:
        out.append("extra " + ", ".join(map(show, g)))
    if want["tz"] != got["tz"]:
        out.append(f"tz {got['tz']!r}, expected {want['tz']!r}")
    return "; ".join(out)


# --- the stores --------------------------------------------------------------

def base_env():
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "MILKBOT_", "TELEGRAM_"))}
    env.update(MILKBOT_WEBHOOK_SECRET=SECRET, ALLOWED_USER_IDS=str(USER), MILKBOT_TZ="UTC",
               AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="secret",
               AWS_REGION="us-east-1")
    return env


ENV = base_env()


def family_of(chat_id):
    """Each case's chat is in a family of its own (MILKBOT_FAMILY), so that
    cases on one table never see each other's feedings."""
    return f"case{-chat_id}"


class SQLiteStore:
    """A file per chat; its state read with the sqlite3 module."""
    name = "sqlite"

    def __init__(self, tmp):
        self.tmp = tmp

    def spec(self, chat_id):
        return f"sqlite:{self.path(chat_id)}"

    def path(self, chat_id):
        return os.path.join(self.tmp, f"chat{-chat_id}.db")

    def env(self, proxy=None):
        return ENV

    def state(self, chat_id):
        try:
            db = sqlite3.connect(self.path(chat_id), timeout=10)
            try:
                rows = db.execute("SELECT message_id, line, amount_ml, at_ms FROM feedings "
                                  "WHERE family = ? AND chat_id = ? AND removed_by IS NULL",
                                  (family_of(chat_id), chat_id)).fetchall()
                tz = db.execute("SELECT tz FROM families WHERE family = ?",
                                (family_of(chat_id),)).fetchone()
            finally:
                db.close()
        except sqlite3.Error as e:
            return {"error": str(e)}
        return {"feedings": sorted(rows), "tz": tz[0] if tz else ""}


class DynamoStore:
    """One table, a chat and its family per case; its state read by Query,
    past the proxy."""
    name = "dynamodb"

    def __init__(self, db):
        self.db = db

    def spec(self, chat_id):
        return f"dynamodb:{TABLE}"

    def env(self, proxy=None):
        return dict(ENV, AWS_ENDPOINT_URL_DYNAMODB=(proxy or self.db).endpoint)

    def query(self, request):
        """One Query straight to dynalite, past the proxy."""
        return dynamo(self.db.endpoint, "Query", request, timeout=10)

    def state(self, chat_id):
        request = {"TableName": TABLE, "ConsistentRead": True,
                   "KeyConditionExpression": "pk = :pk",
                   "ExpressionAttributeValues": {":pk": {"S": f"log#{family_of(chat_id)}"}}}
        items = []
        try:
            while True:
                page = self.query(request)
                items += page["Items"]
                if "LastEvaluatedKey" not in page:
                    break
                request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        except OSError as e:
            return {"error": str(e)}
        n = lambda item, name: int(item[name]["N"])
        feedings = sorted((n(i, "message_id"), n(i, "line"), n(i, "amount_ml"), n(i, "at_ms"))
                          for i in items if i["sk"]["S"].startswith("feed#")
                          and "removed_by" not in i)
        tz = [i.get("tz", {}).get("S", "") for i in items if i["sk"]["S"] == "settings"]
        return {"feedings": feedings, "tz": tz[0] if tz else ""}


# --- delivering --------------------------------------------------------------

_chats = itertools.count(1)
_chats_lock = threading.Lock()


def new_chat():
    """A chat no other case uses: every case on one table."""
    with _chats_lock:
        return -(1000000 + next(_chats))


EVENTS = None  # the folder of the events in flight: main() sets it


class Delivery:
    """One `milkbot invoke` of an event: its status and reply."""

    def __init__(self, store, chat_id, update, proxy=None):
        # from a file, so that the process has read it when it opens the store
        fd, self.path = tempfile.mkstemp(".json", dir=EVENTS)
        with os.fdopen(fd, "w") as f:
            f.write(update.event(chat_id))
        self.proc = subprocess.Popen(
            [MILKBOT, "invoke", "--store", store.spec(chat_id), self.path],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=dict(store.env(proxy), MILKBOT_FAMILY=family_of(chat_id)))

    def wait(self):
        out, err = self.proc.communicate(timeout=120)
        os.unlink(self.path)
        # the end of it: a sanitizer's report ends with its summary
        self.stderr = err.decode(errors="replace").strip()[-600:]
        try:
            response = json.loads(out)
            self.status = response["statusCode"]
            self.reply = reply_of(response["body"])
        except (ValueError, KeyError):  # no response at all: Lambda answers 5xx
            self.status, self.reply = None, None
            self.stderr = f"no response, exit {self.proc.returncode}: {self.stderr}"
        return self


def reply_of(body):
    """The Bot API call a response makes, without the chat's id (each case
    has its own chat): what a parent sees."""
    if not body:
        return {}
    call = json.loads(body)
    call.pop("chat_id", None)
    return call


def deliver(store, chat_id, update, proxy=None):
    return Delivery(store, chat_id, update, proxy).wait()


def until_answered(store, chat_id, update, first, proxy=None):
    """Telegram's redelivery: the update again until it gets 200. Returns
    (the delivery that got 200 or the last one, how many were made)."""
    d, n = first, 1
    while d.status != 200 and n < MAX_DELIVERIES:
        d, n = deliver(store, chat_id, update, proxy), n + 1
    return d, n


def write_history(store, chat_id, history, proxy=None):
    """The history, one message after another; None, or what went wrong."""
    for u in history:
        d, _ = until_answered(store, chat_id, u, deliver(store, chat_id, u, proxy), proxy)
        if d.status != 200:
            return f"history message {u.message_id}: {failure(d)}"
    return None


def show_reply(reply):
    if reply is None:
        return "no reply"
    if not reply:
        return "(no method)"
    return f"{reply.get('method')} {reply.get('text')!r}"


def failure(d):
    """Why a delivery did not answer 200."""
    if d.status is None:
        return d.stderr
    return f"status {d.status}, " + (f"stderr: {d.stderr}" if d.stderr else "nothing on stderr")


def not_answered(label, d, n):
    return f"{label}: no 200 after {n} deliveries ({failure(d)})"


# --- cases -------------------------------------------------------------------

class Case:
    """One check: a scenario on a store under a fault (or a concurrency
    setting); run() returns (name, ok, detail)."""

    def __init__(self, store, scenario, fault, index=None, note=""):
        self.store, self.scenario, self.fault, self.index = store, scenario, fault, index
        self.history, self.update = SCENARIOS[scenario]
        self.note, self.slow = note, fault in SLOW_FAULTS

    @property
    def name(self):
        where = "" if self.index is None else f" at request {self.index + 1}"
        note = f" ({self.note})" if self.note else ""
        return f"{self.scenario} | {self.store.name} | {self.fault}{where}{note}"

    def judge(self, chat_id, replies, extra=()):
        """Compares the log with the model and each reply with the clean one:
        replies are (label, delivery, deliveries made)."""
        want = expected_state(self.history + [self.update])
        problems = []
        diff = state_diff(want, self.store.state(chat_id))
        if diff:
            problems.append("state: " + diff)
        clean = CLEAN[(self.store.name, self.scenario)]["reply"]
        for label, d, n in replies:
            if d.status != 200:
                problems.append(not_answered(label, d, n))
            elif d.reply != clean:
                problems.append(f"{label}: replied {show_reply(d.reply)}, the clean delivery "
                                f"{show_reply(clean)}" + (f" (after {n} deliveries)" if n > 1 else ""))
        problems += extra
        return self.name, not problems, "\n  ".join(problems)


class FaultCase(Case):
    """The update delivered once with a fault, then again until 200."""

    def run(self):
        chat = new_chat()
        store, update = self.store, self.update
        proxy = FaultProxy(store.db.endpoint) if store.name == "dynamodb" else None
        try:
            broken = write_history(store, chat, self.history, proxy)
            if broken:
                return self.name, False, broken
            if self.fault == "redelivered":
                first = deliver(store, chat, update, proxy)
                if first.status != 200:
                    return self.judge(chat, [("first delivery", first, 1)])
                d, n = until_answered(store, chat, update, deliver(store, chat, update, proxy), proxy)
                return self.judge(chat, [("first delivery", first, 1), ("redelivery", d, n)])
            if self.fault == "locked":
                return self.run_locked(chat)
            if self.fault.startswith("permanent-"):
                proxy.plan, proxy.forever = [None] * self.index, self.fault[len("permanent-"):]
            else:
                proxy.plan = [None] * self.index + [self.fault]
            first = deliver(store, chat, update, proxy)
            proxy.plan, proxy.forever = [], None  # the outage is over
            d, n = until_answered(store, chat, update, first, proxy)
            return self.judge(chat, [("reply", d, n)])
        finally:
            if proxy:
                proxy.close()

    def run_locked(self, chat):
        """Another process holds the file's write lock for the first delivery."""
        holder = sqlite3.connect(self.store.path(chat), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            first = deliver(self.store, chat, self.update)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        d, n = until_answered(self.store, chat, self.update, first)
        extra = [] if first.status != 200 else ["the locked delivery answered 200 (expected a 5xx)"]
        return self.judge(chat, [("reply", d, n)], extra)


class Sequencer:
    """Lets the requests of several copies through one at a time: a request
    waits until every copy still running has one waiting (or STALL_S pass),
    then the schedule (a string of copy letters) names whose goes; entries
    for a copy with nothing waiting are skipped, and once the schedule is
    used up, the first copy waiting goes."""
    STALL_S = 3

    def __init__(self, copies, schedule):
        self.cv = threading.Condition()
        self.running, self.waiting = set(range(copies)), set()
        self.schedule = [ord(c) - ord("A") for c in schedule]
        self.chosen, self.busy = None, False
        self.order = []  # whose request went, in turn

    def gate(self, copy):
        sequencer = self

        class Turn:
            def __enter__(self):
                sequencer.enter(copy)

            def __exit__(self, *exc):
                sequencer.leave()

        return Turn()

    def enter(self, copy):
        with self.cv:
            self.waiting.add(copy)
            self.cv.notify_all()
            since = time.monotonic()
            while self.chosen != copy:
                if (self.chosen is None and not self.busy and self.waiting
                        and (self.running <= self.waiting
                             or time.monotonic() - since > self.STALL_S)):
                    self.chosen = self.pick()
                    self.cv.notify_all()
                    continue
                self.cv.wait(0.05)
            self.chosen, self.busy = None, True
            self.waiting.discard(copy)
            self.order.append(chr(ord("A") + copy))

    def pick(self):
        while self.schedule:
            c = self.schedule.pop(0)
            if c in self.waiting:
                return c
        return min(self.waiting)

    def leave(self):
        with self.cv:
            self.busy = False
            self.cv.notify_all()

    def finished(self, copy):
        with self.cv:
            self.running.discard(copy)
            self.cv.notify_all()


def wait_until_reading(deliveries, path, limit=2.5):
    """Waits until every process has opened the file's write-ahead log,
    which SQLite does for its first read, or has ended; at most `limit`
    seconds, well within the 5 s a store waits for a busy file. Then a
    little longer, for the reads to finish."""
    wal = os.path.realpath(path) + "-wal"
    pending = {d.proc.pid for d in deliveries}
    deadline = time.monotonic() + limit
    while pending and time.monotonic() < deadline:
        for pid in list(pending):
            try:
                fds = os.listdir(f"/proc/{pid}/fd")
                if any(os.readlink(f"/proc/{pid}/fd/{fd}") == wal for fd in fds):
                    pending.discard(pid)
            except OSError:
                pending.discard(pid)  # it has ended (or this is not Linux)
        time.sleep(0.01)
    time.sleep(0.2)


class ConcurrentCase(Case):
    """`copies` copies of the update at once; on DynamoDB sequenced by
    `schedule`; on SQLite "at once", "lock held" (all wait behind the
    file's write lock, then race), or "new file" (the history, too, is
    written by processes at once, on a file none has migrated yet).
    Nothing fails on SQLite, which waits 5 s for a busy file: every
    delivery must answer 200 the first time. On DynamoDB a copy may answer
    5xx (say, finding another copy's work in progress) and be delivered
    again."""

    def __init__(self, store, scenario, copies, mode, schedule=""):
        note = f"schedule {schedule}" if schedule else mode
        super().__init__(store, scenario, f"{copies} copies at once", note=note)
        self.copies, self.mode, self.schedule = copies, mode, schedule

    def run(self):
        chat = new_chat()
        if self.store.name == "dynamodb":
            return self.run_dynamodb(chat)
        store, update, problems = self.store, self.update, []
        if self.mode == "new file":
            # another process made the file (in WAL mode: written to disk by
            # the user_version write) and holds its write lock, as the first
            # milkbot to open it does while it migrates: every writer of the
            # history reads it unmigrated, then waits for the lock
            holder = sqlite3.connect(store.path(chat), isolation_level=None)
            holder.execute("PRAGMA journal_mode = WAL")
            holder.execute("PRAGMA user_version = 0")
            holder.execute("BEGIN IMMEDIATE")
            ds = [Delivery(store, chat, u) for u in self.history]
            wait_until_reading(ds, store.path(chat))
            holder.execute("ROLLBACK")
            holder.close()
            for u, d in zip(self.history, ds):
                d.wait()
                if d.status != 200:
                    problems.append(f"history message {u.message_id}, written at once with the "
                                    f"others on a new file: {failure(d)}")
                d, n = until_answered(store, chat, u, d)
                if d.status != 200:
                    return self.name, False, not_answered(f"history message {u.message_id}", d, n)
        else:
            broken = write_history(store, chat, self.history)
            if broken:
                return self.name, False, broken
        holder = None
        if self.mode == "lock held":
            holder = sqlite3.connect(store.path(chat), isolation_level=None)
            holder.execute("BEGIN IMMEDIATE")
        ds = [Delivery(store, chat, update) for _ in range(self.copies)]
        if holder:
            wait_until_reading(ds, store.path(chat))  # then each waits to write
            holder.execute("ROLLBACK")
            holder.close()
        ds = [d.wait() for d in ds]
        problems += [f"copy {chr(65 + i)}, first delivery: {failure(d)}"
                     for i, d in enumerate(ds) if d.status != 200]
        return self.judge(chat, [(f"copy {chr(65 + i)}",) + until_answered(store, chat, update, d)
                                 for i, d in enumerate(ds)], problems)

    def run_dynamodb(self, chat):
        proxies = [FaultProxy(self.store.db.endpoint) for _ in range(self.copies)]
        try:
            broken = write_history(self.store, chat, self.history, proxies[0])
            if broken:
                return self.name, False, broken
            sequencer = Sequencer(self.copies, self.schedule)
            for i, p in enumerate(proxies):
                p.gate = lambda _, i=i: sequencer.gate(i)
            ds = [Delivery(self.store, chat, self.update, p) for p in proxies]

            def wait(i):
                ds[i].wait()
                sequencer.finished(i)
            threads = [threading.Thread(target=wait, args=(i,)) for i in range(self.copies)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            for p in proxies:
                p.gate = None
            replies = [(f"copy {chr(65 + i)}",) + until_answered(self.store, chat, self.update, d, proxies[i])
                       for i, d in enumerate(ds)]
            name, ok, detail = self.judge(chat, replies)
            if not ok:
                detail += f"\n  requests went in the order {''.join(sequencer.order)}"
            return name, ok, detail
        finally:
            for p in proxies:
                p.close()


class SequenceCase:
    """Updates delivered in turn after the usual history (each until 200):
    the log must equal the model's, and for each pair (i, j) of `same`,
    update j (update i again) must report what update i did: its reply up
    to the totals, which updates between them may have changed."""
    slow = False

    def __init__(self, store, title):
        self.store, self.title = store, title
        self.updates, self.same = SEQUENCES[title]
        self.name = f"{title} | {store.name}"

    def run(self):
        chat = new_chat()
        proxy = FaultProxy(self.store.db.endpoint) if self.store.name == "dynamodb" else None
        try:
            broken = write_history(self.store, chat, HISTORY_UPDATES, proxy)
            if broken:
                return self.name, False, broken
            problems, ds = [], []
            for i, u in enumerate(self.updates):
                d, n = until_answered(self.store, chat, u, deliver(self.store, chat, u, proxy), proxy)
                if d.status != 200:
                    return self.name, False, not_answered(f"update {i + 1}", d, n)
                ds.append(d)
            action = lambda d: (d.reply.get("method"),
                                re.split(r"\. | \u2014 ", d.reply.get("text", ""))[0])
            for i, j in self.same:
                if action(ds[i]) != action(ds[j]):
                    problems.append(f"update {j + 1} (update {i + 1} again) replied "
                                    f"{show_reply(ds[j].reply)}, the first time {show_reply(ds[i].reply)}")
            diff = state_diff(expected_state(HISTORY_UPDATES + self.updates), self.store.state(chat))
            if diff:
                problems.append("state: " + diff)
            return self.name, not problems, "\n  ".join(problems)
        finally:
            if proxy:
                proxy.close()


# --- the clean runs ----------------------------------------------------------

CLEAN = {}  # (store, scenario) -> {"reply", "requests", "targets"}


def clean_run(store, scenario):
    """The reference: the history, then the update once, nothing failing."""
    chat = new_chat()
    history, update = SCENARIOS[scenario]
    proxy = FaultProxy(store.db.endpoint) if store.name == "dynamodb" else None
    try:
        broken = write_history(store, chat, history, proxy)
        if proxy:
            proxy.requests, proxy.targets = 0, []
        d = broken or deliver(store, chat, update, proxy)
        if broken or d.status != 200:
            return scenario, store, None, broken or not_answered("the update", d, 1)
        CLEAN[(store.name, scenario)] = {
            "reply": d.reply, "requests": proxy.requests if proxy else 0,
            "targets": list(proxy.targets) if proxy else []}
        return scenario, store, chat, state_diff(expected_state(history + [update]), store.state(chat))
    finally:
        if proxy:
            proxy.close()


def interleavings(n, limit):
    """Orders of two copies' n requests each, copy A first (the copies are
    alike, so B first is the same): the telling ones, both having read
    before either writes, then the rest spread out, `limit` in all."""
    telling = ["AB" + "A" * (n - 1) + "B" * (n - 1),   # both read, then one after the other
               "AB" + "B" * (n - 1) + "A" * (n - 1),   # ... the later reader first
               "AB" * n,                               # in lockstep
               "AB" + "BA" * (n - 1),                  # both read, then backwards
               "A" * n + "B" * n]                      # one after the other: a redelivery
    orders = []
    for rest in itertools.combinations(range(1, 2 * n), n - 1):  # where A's others go
        order = ["B"] * (2 * n)
        for i in (0,) + rest:
            order[i] = "A"
        orders.append("".join(order))
    chosen = list(dict.fromkeys(telling))
    others = [o for o in orders if o not in chosen]
    room = max(0, limit - len(chosen))
    if len(others) > room:
        others = [others[i * len(others) // room] for i in range(room)]
    return chosen + others


def three_copy_schedules(n):
    schedules = ["ABC" * n,                                  # round robin
                 "ABC" + "CBA" * (n - 1),                    # all read, then backwards
                 "ABC" + "A" * (n - 1) + "B" * (n - 1) + "C" * (n - 1)]  # all read, then in turn
    return sorted(set(schedules), key=schedules.index)


def cases(stores):
    out = []
    for store in stores:
        for scenario in SCENARIOS:
            clean = CLEAN.get((store.name, scenario))
            if clean is None:
                continue
            out.append(FaultCase(store, scenario, "redelivered"))
            if store.name == "sqlite":
                out.append(FaultCase(store, scenario, "locked"))
                out += [ConcurrentCase(store, scenario, copies, mode)
                        for copies in (2, 3) for mode in ("at once", "lock held")]
                if scenario == "record":  # the history's race, whatever follows it
                    out.append(ConcurrentCase(store, scenario, 3, "new file"))
                continue
            n = clean["requests"]
            for fault in DYNAMO_FAULTS:
                for i in range(n):
                    out.append(FaultCase(store, scenario, fault, i, clean["targets"][i]))
            out += [ConcurrentCase(store, scenario, 2, "sequenced", s)
                    for s in interleavings(n, 12)]
            out += [ConcurrentCase(store, scenario, 3, "sequenced", s)
                    for s in three_copy_schedules(n)]
        out += [SequenceCase(store, title) for title in SEQUENCES]
    return [c for c in out if ONLY in c.name]


def main():
    global EVENTS
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        EVENTS = os.path.join(tmp, "events")
        os.mkdir(EVENTS)
        db = Dynalite(None)
        db.start()
        try:
            created = subprocess.run([MILKBOT, "create-table", TABLE], capture_output=True,
                                     text=True, env=dict(ENV, AWS_ENDPOINT_URL_DYNAMODB=db.endpoint))
            if created.returncode != 0:
                check("create-table", False, created.stderr)
                check.finish()
            stores = [SQLiteStore(tmp), DynamoStore(db)]
            with concurrent.futures.ThreadPoolExecutor(FAST_WORKERS) as pool:
                runs = list(pool.map(lambda a: clean_run(*a),
                                     [(s, sc) for s in stores for sc in SCENARIOS]))
            for scenario, store, chat, diff in runs:
                check(f"{scenario} | {store.name} | clean delivery", chat is not None and not diff,
                      diff)
            for scenario in SCENARIOS:  # one documented behaviour, on both stores
                a, b = (CLEAN.get((s.name, scenario)) for s in stores)
                if a and b:
                    check(f"{scenario} | sqlite and dynamodb answer alike", a["reply"] == b["reply"],
                          f"sqlite {show_reply(a['reply'])}, dynamodb {show_reply(b['reply'])}")
            print("DynamoDB requests of a clean delivery: " + "; ".join(
                f"{sc} {len(c['targets'])} ({' '.join(c['targets'])})"
                for sc in SCENARIOS for c in [CLEAN.get(("dynamodb", sc))] if c), flush=True)

            todo = cases(stores)
            slow = [c for c in todo if c.slow]
            fast = [c for c in todo if not c.slow]
            print(f"{len(todo)} cases: {len(fast)} quick ones, {FAST_WORKERS} at a time, beside "
                  f"{len(slow)} that wait out a timeout or a lock, all at once", flush=True)
            with concurrent.futures.ThreadPoolExecutor(max(1, len(slow))) as slow_pool, \
                    concurrent.futures.ThreadPoolExecutor(FAST_WORKERS) as fast_pool:
                futures = ([slow_pool.submit(c.run) for c in slow]
                           + [fast_pool.submit(c.run) for c in fast])
                results = {r[0]: r for r in (f.result() for f in futures)}
            failed = []
            for c in todo:  # in the order they were listed
                name, ok, detail = results[c.name]
                check(name, ok, detail)
                if not ok:
                    failed.append(name)
            if failed:
                print("failing cases:\n  " + "\n  ".join(failed))
        finally:
            db.stop()
    print(f"{check.passed + check.failed} checks ({len(todo)} cases and the clean deliveries) "
          f"in {time.monotonic() - started:.0f} s")
    check.finish()


main()
