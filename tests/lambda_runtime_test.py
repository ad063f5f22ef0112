#!/usr/bin/env python3
"""lambda_runtime_test.py -- the real `bootstrap` process end to end, as
Lambda runs it: a Runtime API emulator hands it events (and records an
answer posted after the deadline as killed), a fake SSM that checks every
SigV4 signature holds the two secrets, a private dynalite behind a
recording proxy is the table. The process gets only Lambda's environment
(as `env -i` would). The DynamoDB and SSM actions it was seen to use are
saved for iam_actions_test.py (MILKBOT_SEEN_ACTIONS).
With PACKAGE, the bootstrap is the deployment package's: the zip unzipped
into an empty directory as Lambda does, or the directory `make
build-BotFunction ARTIFACTS_DIR=DIR` (what `sam build` runs) filled, copied
(so a library missing from it fails here). MILKBOT_TEST_EMULATOR names a
command to run the bootstrap under (qemu-aarch64-static for an arm64 one).
usage: lambda_runtime_test.py path/to/milkbot [milkbot-lambda.zip | DIR]"""
import json
import os
import queue
import shlex
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import botocore.session

from cfn_template import load_template
from services import (ROOT, SSM, Checks, Dynalite, FaultProxy, RuntimeAPI,
                      corrupt_sqlite_data, serve, tls_certificate)

MILKBOT = os.path.abspath(sys.argv[1])
PACKAGE = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
SECRET = "s3cret-token-from-ssm"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLESESSION"
BOT_TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
SSM.credentials = ("ASIAEXAMPLE", "secret", SESSION_TOKEN, "eu-west-1")
SSM.values = {"/milkbot/webhook-secret": SECRET, "/milkbot/bot-token": BOT_TOKEN}
USER = 111111111
NOON = 1795867200  # 2026-11-28T12:00:00Z
EMULATOR = shlex.split(os.environ.get("MILKBOT_TEST_EMULATOR", ""))
check = Checks("lambda runtime (packaged)" if len(sys.argv) > 2 else "lambda runtime")




class TelegramAPI(BaseHTTPRequestHandler):
    """The Bot API, as far as the runtime calls it."""
    calls = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).calls.append((self.path, json.loads(body)))
        reply = b'{"ok":true,"result":true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


counter = 0
proc = None  # the bootstrap process under test


def invoke(update, secret=SECRET, body=None, base64=False, api=RuntimeAPI, event=None):
    """Hands an API Gateway event to the runtime (through `api`), with
    `update` as its body (or the text `body`) and `secret` in the header
    (None: no header), or else the whole `event` as given; returns (kind,
    payload)."""
    global counter
    counter += 1
    request_id = f"req-{counter}"
    headers = {"content-type": "application/json"}
    if secret is not None:
        headers["x-telegram-bot-api-secret-token"] = secret
    if event is None:
        event = json.dumps({
            "version": "2.0", "routeKey": "POST /webhook", "rawPath": "/webhook",
            "headers": headers, "requestContext": {"http": {"method": "POST", "path": "/webhook"}},
            "body": json.dumps(update) if body is None else body, "isBase64Encoded": base64})
    api.done[request_id] = threading.Event()
    api.events.put((request_id, event))
    for _ in range(300):
        if api.done[request_id].wait(0.1):
            return api.results[request_id]
        if proc.poll() is not None:  # it will never answer
            api.events.get()  # the event is not for the next process
            return (f"exited with {proc.returncode}", api.init_errors)
    return ("timeout", None)


def message(update_id, message_id, text, user=USER, kind="message"):
    return {"update_id": update_id, kind: {
        "message_id": message_id, "date": NOON,
        "from": {"id": user, "is_bot": False, "first_name": "Ana"},
        "chat": {"id": user, "type": "private"}, "text": text}}


def reply_of(result):
    kind, payload = result
    if kind != "response":
        return kind, None
    body = json.loads(payload["body"]) if payload["body"] else None
    return payload["statusCode"], body


with tempfile.TemporaryDirectory() as tmp:
    db = Dynalite(os.path.join(tmp, "db"))
    db.start()
    runtime = serve(RuntimeAPI)
    # SSM, DynamoDB (through the proxy) and the Bot API over HTTPS, with a
    # certificate only MILKBOT_CA_BUNDLE trusts: every call reaching them
    # proves the setting is used
    ca, key = tls_certificate(tmp)
    other_ca, _ = tls_certificate(tmp, "other")
    ssm = serve(SSM, tls=(ca, key))
    proxy = FaultProxy(db.endpoint, tls=(ca, key))  # forwards everything; records what was asked
    telegram = serve(TelegramAPI, tls=(ca, key))
    lambda_env = {  # what Lambda gives a provided.al2023 function, and ours
        "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{runtime.server_address[1]}",
        "AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "ASIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
        "AWS_SESSION_TOKEN": SESSION_TOKEN, "_HANDLER": "bootstrap",
        "LAMBDA_TASK_ROOT": tmp, "AWS_LAMBDA_FUNCTION_NAME": "milkbot",
        "AWS_ENDPOINT_URL_DYNAMODB": proxy.endpoint,
        "AWS_ENDPOINT_URL_SSM": f"https://127.0.0.1:{ssm.server_address[1]}",
        "MILKBOT_STORE": "dynamodb:feedings", "MILKBOT_TZ": "Europe/London",
        "ALLOWED_USER_IDS": f"{USER}", "WEBHOOK_SECRET_PARAM": "/milkbot/webhook-secret",
        "BOT_TOKEN_PARAM": "/milkbot/bot-token",
        "TELEGRAM_API_URL": f"https://127.0.0.1:{telegram.server_address[1]}",
        "MILKBOT_CA_BUNDLE": ca,
    }
    subprocess.run(EMULATOR + [MILKBOT, "create-table", "feedings"], check=True, capture_output=True,
                   env=dict(lambda_env, AWS_ENDPOINT_URL_DYNAMODB=db.endpoint,
                            PATH=os.environ.get("PATH", "")))
    client = botocore.session.get_session().create_client(
        "dynamodb", region_name="eu-west-1", endpoint_url=db.endpoint,
        aws_access_key_id="ASIAEXAMPLE", aws_secret_access_key="secret")

    def live_feedings(chat=USER):
        """The live feedings of the family's log (the default family: the
        function names none) written in chat `chat`."""
        items = client.query(TableName="feedings", ConsistentRead=True,
                             KeyConditionExpression="pk = :pk AND begins_with(sk, :f)",
                             ExpressionAttributeValues={":pk": {"S": "log#family"},
                                                        ":f": {"S": "feed#"}})["Items"]
        return [i for i in items
                if "removed_by" not in i and i["chat_id"]["N"] == str(chat)]

    # the deployment package's entry point is the binary itself, as "bootstrap"
    task = os.path.join(tmp, "task")
    os.mkdir(task)
    bootstrap = os.path.join(task, "bootstrap")
    if PACKAGE and os.path.isdir(PACKAGE):
        shutil.rmtree(task)
        shutil.copytree(PACKAGE, task, symlinks=True)
        lambda_env["LAMBDA_TASK_ROOT"] = task
    elif PACKAGE:
        with zipfile.ZipFile(PACKAGE) as z:
            for info in z.infolist():
                z.extract(info, task)
                os.chmod(os.path.join(task, info.filename), (info.external_attr >> 16) & 0o777)
        lambda_env["LAMBDA_TASK_ROOT"] = task
    else:
        os.symlink(MILKBOT, bootstrap)
    log = open(os.path.join(tmp, "log"), "w+")
    proc = subprocess.Popen(EMULATOR + [bootstrap], env=lambda_env, stdout=log, stderr=subprocess.STDOUT)

    status, body = reply_of(invoke(message(1, 41, "12pm 120ml milk")))
    check("record: 200", status == 200, str(status))
    check("record: the reply", body and body["text"] == "🍼 120 ml milk at 12:00 — today 120 ml in 1 feed",
          str(body))
    button = body["reply_markup"]["inline_keyboard"][0][0]["callback_data"] if body else ""
    # message 41, line 1, and the feeding's instant (12:00 London = NOON)
    check("record: the Undo button", button == f"undo:41.1@{NOON}", button)
    check("record: stored", len(live_feedings()) == 1, str(live_feedings()))
    # the CA file is read once per process: another CA in its place now
    # does not change whom the Bot API's first connection (below) trusts
    os.replace(ca, ca + ".kept")
    shutil.copy(other_ca, ca)

    status, body = reply_of(invoke(message(1, 41, "12pm 120ml milk")))
    check("the same update again: one record", len(live_feedings()) == 1)
    check("the same update again: the same answer", body and body["text"].startswith("🍼 120 ml milk"))

    status, body = reply_of(invoke(message(2, 43, "total?")))
    check("total", body and body["text"].startswith("Today (Sat 28 Nov): 120 ml in 1 feed"), str(body))

    status, body = reply_of(invoke(message(3, 41, "12pm 150ml milk", kind="edited_message")))
    check("edit", body and body["text"].startswith("✏️ Updated: 🍼 150 ml milk at 12:00"), str(body))

    status, body = reply_of(invoke({"update_id": 4, "callback_query": {
        "id": "cb-1", "from": {"id": USER, "is_bot": False, "first_name": "Ana"},
        "chat_instance": "1", "data": button,
        "message": {"message_id": 42, "date": NOON, "chat": {"id": USER, "type": "private"}}}}))
    check("undo by button", body and body["method"] == "answerCallbackQuery"
          and "Removed 150 ml milk at 12:00" in body["text"], str(body))
    check("undo by button: removed", len(live_feedings()) == 0, str(live_feedings()))
    edits = [c for c in TelegramAPI.calls if c[0] == f"/bot{BOT_TOKEN}/editMessageText"]
    check("undo by button: the bot's message is edited", len(edits) == 1
          and edits[0][1]["chat_id"] == USER and edits[0][1]["message_id"] == 42
          and "Removed 150 ml milk at 12:00" in edits[0][1]["text"], str(TelegramAPI.calls))
    os.replace(ca + ".kept", ca)

    store_requests = proxy.requests
    status, body = reply_of(invoke(message(5, 45, "90ml"), secret="wrong"))
    check("wrong secret: 401", status == 401, str(status))
    # the secret compared whole, before the body is read (issue 11, defect 9)
    status, body = reply_of(invoke(message(5, 45, "90ml"), secret=SECRET + "\0"))
    check("a NUL after the right secret: 401", status == 401, str(status))
    status, body = reply_of(invoke(None, secret="wrong", body="%%% not base64 %%%", base64=True))
    check("bad base64, wrong secret: 401", status == 401, str(status))
    status, body = reply_of(invoke(message(6, 46, "90ml", user=222222222)))
    check("unknown user: told their id", body and "222222222" in body["text"], str(body))
    check("wrong secret, unknown user: nothing stored",
          len(live_feedings()) == 0 and len(live_feedings(222222222)) == 0)
    check("wrong secrets: not one store request", proxy.requests == store_requests,
          str(proxy.targets[store_requests:]))
    check("the secret and the token were read once, in one request, at init",
          [(t, sorted(r.get("Names", []))) for t, r in SSM.requests]
          == [("AmazonSSM.GetParameters", ["/milkbot/bot-token", "/milkbot/webhook-secret"])]
          and all(r.get("WithDecryption") for _, r in SSM.requests), str(SSM.requests))
    check("SSM: every request signed right", SSM.bad_signatures == 0, str(SSM.bad_signatures))

    # an update Telegram sent (the right secret) that cannot be decoded: 200,
    # or Telegram would retry it and hold the chat's later updates back
    for what, body in (("not JSON", "{{{"), ("no update_id", '{"message": {}}'),
                       ("a list", "[1, 2]")):
        status, answer = reply_of(invoke(None, body=body))
        check(f"undecodable update ({what}) with the right secret: 200", status == 200,
              f"{status} {answer}")
    status, answer = reply_of(invoke(None, body="%%% not base64 %%%", base64=True))
    check("bad base64 with the right secret: 200", status == 200, f"{status} {answer}")

    # more of what the function does, so that every action it needs is seen
    # (iam_actions_test.py): a correction, a zone, the week, a button on a
    # reply from before this container (its feeding found through the index)
    invoke(message(20, 60, "9am 80ml"))
    status, body = reply_of(invoke(message(21, 61, "make that 85")))
    check("correction", body and body["text"].startswith("✏️ 80 → 85 ml"), str(body))
    status, body = reply_of(invoke(message(22, 62, "tz Europe/Paris")))
    check("tz", status == 200 and body and "Europe/Paris" in body["text"], str(body))
    status, body = reply_of(invoke(message(23, 63, "week")))
    check("week", status == 200 and body and "85 ml" in body["text"], str(body))
    status, body = reply_of(invoke(message(24, 64, "undo")))
    check("undo", status == 200 and body and "85 ml" in body["text"], str(body))

    # #17: the scheduler's tick event. A reminder set through the webhook
    # (for 15:00 on the day of these messages, long past by the machine's
    # clock the tick goes by) is said by the first tick, through the Bot
    # API's sendMessage over HTTPS; the same tick retried (attempt 2: the
    # scheduler's retry) and the next one say nothing more.
    status, body = reply_of(invoke(message(25, 65, "remind me in 3h")))
    check("a reminder is set", status == 200 and body and body["text"].startswith(
        "⏰ I'll remind this chat at"), str(body))
    tick = {"milkbot": "tick", "scheduled": "2026-12-03T10:00:00Z",
            "execution": "3f1c2b1e-tick", "attempt": "1"}
    kind, answer = invoke(None, event=json.dumps(tick))
    sends = [c for c in TelegramAPI.calls if c[0] == f"/bot{BOT_TOKEN}/sendMessage"]
    check("tick: the reminder is said, once", kind == "response" and answer.get("said") == 1
          and len(sends) == 1 and sends[0][1]["chat_id"] == USER
          and sends[0][1]["text"] == "⏰ Reminder. No feed recorded yet.",
          f"{kind} {answer} {sends}")
    kind, answer = invoke(None, event=json.dumps(dict(tick, attempt="2")))
    check("tick retried: nothing more said", kind == "response" and answer.get("said") == 0
          and len([c for c in TelegramAPI.calls if c[0].endswith("/sendMessage")]) == 1,
          f"{kind} {answer}")
    kind, answer = invoke(None, event=json.dumps({"milkbot": "tick"}))
    check("a tick without the scheduler's details works too", kind == "response"
          and answer.get("due") == 0, f"{kind} {answer}")

    # a family group upgraded to a supergroup: Telegram's service message
    # moves what the group set to the new id (a copy, then the old deleted)
    def schedules_of(chat):
        items = client.query(TableName="feedings", ConsistentRead=True,
                             KeyConditionExpression="pk = :pk AND begins_with(sk, :w)",
                             ExpressionAttributeValues={":pk": {"S": "log#family"},
                                                        ":w": {"S": f"when#{chat}#"}})["Items"]
        return [(int(i["kind"]["N"]), int(i["chat_id"]["N"])) for i in items]
    group, supergroup = -4001, -1001000004001
    in_group = message(26, 66, "/remind every 3h")
    in_group["message"]["chat"] = {"id": group, "title": "Family", "type": "group"}
    status, body = reply_of(invoke(in_group))
    check("a group's reminder is set", status == 200 and body and "3h" in body["text"]
          and schedules_of(group) == [(2, group)], f"{body} {schedules_of(group)}")
    upgraded = {"update_id": 27, "message": {
        "message_id": 67, "date": NOON, "chat": {"id": group, "title": "Family", "type": "group"},
        "from": {"id": USER, "is_bot": False, "first_name": "Ana"},
        "migrate_to_chat_id": supergroup}}
    status, body = reply_of(invoke(upgraded))
    check("the group upgraded: its reminder moves to the new id, no reply",
          status == 200 and body is None and schedules_of(group) == []
          and schedules_of(supergroup) == [(2, supergroup)],
          f"{status} {body} {schedules_of(group)} {schedules_of(supergroup)}")

    # the table goes away: 500, so Telegram delivers the update again
    db.stop()
    status, body = reply_of(invoke(message(7, 47, "2pm 60ml")))
    check("dynalite down: 500", status == 500, str(status))
    down_request = f"req-{counter}"
    db.start()
    status, body = reply_of(invoke(message(7, 47, "2pm 60ml")))
    check("dynalite back: the redelivery records", status == 200 and body
          and body["text"].startswith("🍼 60 ml milk at 14:00"), str(body))
    status, body = reply_of(invoke(message(7, 47, "2pm 60ml")))
    check("dynalite back: once", len(live_feedings()) == 1, str(live_feedings()))

    proc.terminate()
    proc.wait(10)
    log.seek(0)
    lines = [line for line in log.read().splitlines() if line.strip()]
    records = []
    for line in lines:
        try:
            records.append(json.loads(line))
        except ValueError:
            check("logs: one JSON object per line", False, line)
    # once at start: which rules the times are computed with (the
    # machine's tzdata, which the build reads)
    with open("/usr/share/zoneinfo/tzdata.zi") as zi:
        tzdata = zi.readline().split()[-1]
    started = [r for r in records if r.get("message") == "initialised"]
    check("logs: versions once at start", len(started) == 1
          and started[0].get("zone_rules") == tzdata and started[0].get("icu")
          and started[0].get("version"), str(started))
    handled = [r for r in records if r.get("message") in ("handled", "tick")]
    check("logs: one line per invocation", len(handled) == counter, f"{len(handled)} of {counter}")
    ticks = [r for r in records if r.get("message") == "tick"]
    check("logs: a tick's line has its counts and the scheduler's details",
          len(ticks) == 3 and ticks[0].get("said") == 1 and ticks[0].get("attempt") == 1
          and ticks[0].get("scheduled") == "2026-12-03T10:00:00Z" and ticks[1].get("said") == 0
          and ticks[1].get("attempt") == 2, str(ticks))
    check("logs: request id and level", all(r.get("request_id") and r.get("level") for r in handled))
    # a store failure says why (issue 11, defect 8: it logged only "store failed")
    down = [r for r in handled if r.get("request_id") == down_request]
    check("logs: the store's reason for a 500", len(down) == 1 and down[0].get("status") == 500
          and down[0].get("level") == "error" and "DynamoDB" in down[0].get("note", ""), str(down))
    text = "\n".join(lines)
    check("logs: no secret", SECRET not in text and SESSION_TOKEN not in text
          and BOT_TOKEN not in text and BOT_TOKEN.split(":")[1] not in text)
    check("logs: no message text", "120ml" not in text and "150ml" not in text)

    def run_bootstrap(env, *steps, secret=SECRET, next_failures=0):
        """A fresh bootstrap with `env` invoked with each update in turn;
        returns the results and its log lines (parsed). It has a Runtime API
        of its own: a process stopped while it waits for an event leaves
        that wait behind, which would take the next process's event. A step
        may also be ("sleep", seconds), ("secret", the secret from now on),
        ("call", a function) or ("button", message id): a press of the last
        reply's button."""
        global proc
        api = type("OwnRuntimeAPI", (RuntimeAPI,), {
            "events": queue.Queue(), "results": {}, "result_times": {}, "done": {},
            "init_errors": [], "next_times": [], "deadlines": {},
            "next_failures": next_failures})
        server = serve(api)
        env = dict(env, AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{server.server_address[1]}")
        with open(os.path.join(tmp, "log2"), "w+") as out:
            proc = subprocess.Popen(EMULATOR + [bootstrap], env=env, stdout=out, stderr=subprocess.STDOUT)
            results = []
            for step in steps:
                if not isinstance(step, tuple):
                    results.append(invoke(step, secret=secret, api=api))
                elif step[0] == "sleep":
                    time.sleep(step[1])
                elif step[0] == "secret":
                    secret = step[1]
                elif step[0] == "call":
                    step[1]()
                elif step[0] == "event":
                    results.append(invoke(None, event=step[1], api=api))
                elif step[0] == "button":
                    kind, payload = results[-1]
                    body = json.loads(payload["body"]) if kind == "response" else {}
                    data = body.get("reply_markup", {}).get("inline_keyboard", [[{}]])[0][0]
                    results.append(invoke({"update_id": 90000 + step[1], "callback_query": {
                        "id": f"cb-{step[1]}", "chat_instance": "1",
                        "from": {"id": USER, "is_bot": False, "first_name": "Ana"},
                        "data": data.get("callback_data", ""),
                        "message": {"message_id": step[1] + 1, "date": NOON,
                                    "chat": {"id": USER, "type": "private"}}}},
                        secret=secret, api=api))
            proc.terminate()
            proc.wait(10)
            server.shutdown()
            server.server_close()
            out.seek(0)
            return results, [json.loads(line) for line in out.read().splitlines() if line.strip()]

    # a table that never answers: the invocation still answers (500) before
    # its deadline, instead of being killed (30 s of curl timeouts and retries
    # would outlast it)
    hole = socket.socket()
    hole.bind(("127.0.0.1", 0))
    hole.listen(16)
    held = []
    threading.Thread(target=lambda: [held.append(hole.accept()) for _ in range(16)],
                     daemon=True).start()
    stuck = dict(lambda_env, AWS_ENDPOINT_URL_DYNAMODB=f"http://127.0.0.1:{hole.getsockname()[1]}")
    RuntimeAPI.deadline_s = 3
    results, _ = run_bootstrap(stuck, message(8, 48, "120ml"))
    kind, payload = results[0]
    check("store hangs: answered before the deadline", kind == "response"
          and payload["statusCode"] == 500, f"{kind} {payload}")
    RuntimeAPI.deadline_s = 10

    # a corrupt SQLite store (sqlite: serves local runs): the reason is logged
    # (issue 11, defect 8), never the message
    sqlite_path = os.path.join(tmp, "lambda.db")
    sqlite_env = dict(lambda_env, MILKBOT_STORE=f"sqlite:{sqlite_path}")
    results, _ = run_bootstrap(sqlite_env, message(9, 49, "12pm 120ml milk"))
    check("sqlite: recorded", reply_of(results[0])[0] == 200, str(results))
    with sqlite3.connect(sqlite_path) as db_file:  # the write-ahead log into the file
        db_file.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    corrupt_sqlite_data(sqlite_path)
    results, lines = run_bootstrap(sqlite_env, message(10, 50, "total?"))
    check("sqlite corrupt: 500", reply_of(results[0])[0] == 500, str(results))
    failed = [r for r in lines if r.get("message") == "handled"]
    check("sqlite corrupt: the reason logged", len(failed) == 1 and
          "database disk image is malformed" in failed[0].get("note", ""), str(lines))
    check("sqlite corrupt: no message text logged", "total?" not in json.dumps(lines), str(lines))

    # a rotated secret: a request with the new one is let in once the old
    # one was read at least MILKBOT_SECRET_RECHECK_SECONDS ago; before
    # that, wrong secrets cost no SSM request at all
    NEW_SECRET = "rotated-secret-2"
    SSM.values["/milkbot/webhook-secret"] = SECRET
    before = len(SSM.requests)
    results, lines = run_bootstrap(dict(lambda_env, MILKBOT_SECRET_RECHECK_SECONDS="3600"),
                                   message(30, 70, "total?"), message(31, 71, "total?"),
                                   message(32, 72, "total?"), secret=NEW_SECRET)
    check("a flood of wrong secrets: all 401", [reply_of(r)[0] for r in results] == [401] * 3,
          str(results))
    check("a flood of wrong secrets: SSM read only at init", len(SSM.requests) == before + 1,
          str(SSM.requests[before:]))
    before = len(SSM.requests)
    rotated_env = dict(lambda_env, MILKBOT_SECRET_RECHECK_SECONDS="1")
    results, lines = run_bootstrap(
        rotated_env, message(33, 73, "total?"),
        ("call", lambda: SSM.values.update({"/milkbot/webhook-secret": NEW_SECRET})),
        ("sleep", 1.2), ("secret", NEW_SECRET), message(34, 74, "total?"),
        message(35, 75, "total?"), ("secret", SECRET), message(36, 76, "total?"))
    statuses = [reply_of(r)[0] for r in results]
    check("secret rotated in SSM: let in once read again",
          statuses[:3] == [200, 200, 200], str(statuses))
    check("secret rotated: the old secret no longer works", statuses[3] == 401, str(statuses))
    reads = [sorted(r.get("Names", [])) for _, r in SSM.requests[before:]]
    check("secret rotated: one GetParameters at init, one for the webhook secret after",
          reads[0] == ["/milkbot/bot-token", "/milkbot/webhook-secret"]
          and reads[1:2] == [["/milkbot/webhook-secret"]] and len(reads) <= 3, str(reads))
    check("secret rotated: logged, without the secret",
          any("read again" in r.get("message", "") for r in lines)
          and NEW_SECRET not in json.dumps(lines), str(lines))
    SSM.values["/milkbot/webhook-secret"] = SECRET

    # the Runtime API failing a few times: the loop waits and asks again
    results, lines = run_bootstrap(lambda_env, message(37, 77, "total?"), next_failures=3)
    check("/next failing 3 times: the invocation still served", reply_of(results[0])[0] == 200,
          str(results))
    check("/next failures logged", sum("Runtime API" in r.get("message", "") for r in lines) == 3,
          str(lines))

    # a Bot API that never answers: the Undo button's editMessageText gives
    # up before the invocation's deadline, and the button is still answered
    hole_api = socket.socket()
    hole_api.bind(("127.0.0.1", 0))
    hole_api.listen(16)
    threading.Thread(target=lambda: [held.append(hole_api.accept()) for _ in range(16)],
                     daemon=True).start()
    RuntimeAPI.deadline_s = 3
    results, lines = run_bootstrap(
        dict(lambda_env, TELEGRAM_API_URL=f"http://127.0.0.1:{hole_api.getsockname()[1]}"),
        message(38, 78, "8am 70ml"), ("button", 78))
    kind, payload = results[1]
    check("Bot API hangs: the button answered before the deadline",
          kind == "response" and payload["statusCode"] == 200
          and "Removed 70 ml" in json.loads(payload["body"])["text"], f"{kind} {payload}")
    RuntimeAPI.deadline_s = 10

    # `sam local invoke -e events/record.json --env-vars events/env.json`:
    # the template's variables (its parameters unresolved: empty), those
    # env.json sets, and no AWS at all -- the package runs on SQLite
    template = load_template(os.path.join(ROOT, "template.yaml"))
    declared = template["Resources"]["BotFunction"]["Properties"]["Environment"]["Variables"]
    with open(os.path.join(ROOT, "events", "env.json")) as f:
        overrides = json.load(f)["BotFunction"]
    sam_env = {k: v if isinstance(v, str) else "" for k, v in declared.items()}
    sam_env.update({k: v for k, v in overrides.items() if k in declared})
    sam_env["MILKBOT_STORE"] = sam_env["MILKBOT_STORE"].replace("/tmp/", tmp + "/")
    sam_env.update({k: lambda_env[k] for k in ("AWS_REGION", "_HANDLER", "LAMBDA_TASK_ROOT")})
    sam_env.update(MILKBOT_CA_BUNDLE=ca, AWS_ACCESS_KEY_ID="defaultkey",
                   AWS_SECRET_ACCESS_KEY="defaultsecret")
    with open(os.path.join(ROOT, "events", "record.json")) as f:
        record_event = f.read()
    results, lines = run_bootstrap(sam_env, ("event", record_event))
    status, body = reply_of(results[0])
    check("sam local invoke with events/env.json: events/record.json recorded", status == 200
          and body and body["text"].startswith("🍼 120 ml milk at 12:00"), f"{results} {lines}")

    # an initialisation that cannot work is reported to /init/error
    def init_error(without=(), **settings):
        """Starts bootstrap with lambda_env less `without`, plus `settings`;
        returns (exit status, the one init error it reported, or "")."""
        env = {k: v for k, v in dict(lambda_env, **settings).items() if k not in without}
        before = len(RuntimeAPI.init_errors)
        result = subprocess.run(EMULATOR + [bootstrap], env=env, capture_output=True, timeout=30)
        reported = RuntimeAPI.init_errors[before:]
        return result.returncode, reported[0][1]["errorMessage"] if len(reported) == 1 else ""

    status, error = init_error(without=["ALLOWED_USER_IDS"])
    check("init error: exit status", status != 0, str(status))
    check("init error: reported", "ALLOWED_USER_IDS" in error, str(RuntimeAPI.init_errors))
    status, error = init_error(without=["WEBHOOK_SECRET_PARAM"], MILKBOT_WEBHOOK_SECRET="")
    check("an empty secret: init error names it", "MILKBOT_WEBHOOK_SECRET" in error,
          str(RuntimeAPI.init_errors))
    status, error = init_error(without=["BOT_TOKEN_PARAM"])
    check("no bot token: init error names it", "BOT_TOKEN_PARAM" in error, str(RuntimeAPI.init_errors))

    # secrets that cannot be read stop the container at init, saying which
    SSM.values["/milkbot/empty-secret"] = ""
    status, error = init_error(WEBHOOK_SECRET_PARAM="/milkbot/empty-secret")
    check("empty secret in SSM: init error names it", "/milkbot/empty-secret" in error
          and "empty" in error, str(RuntimeAPI.init_errors))
    status, error = init_error(BOT_TOKEN_PARAM="/milkbot/nowhere")
    check("a parameter not in SSM: init error names it and the region",
          "/milkbot/nowhere" in error and "eu-west-1" in error, str(RuntimeAPI.init_errors))
    SSM.values["/milkbot/short"] = "has spaces"
    status, error = init_error(WEBHOOK_SECRET_PARAM="/milkbot/short")
    check("a secret Telegram would refuse: init error", "/milkbot/short" in error
          and "has spaces" not in error, str(RuntimeAPI.init_errors))

    # no CA certificates where they are looked for: a clear init error
    status, error = init_error(MILKBOT_CA_BUNDLE="/nonexistent/ca.pem")
    check("CA bundle missing: init error names it and the setting",
          "/nonexistent/ca.pem" in error and "MILKBOT_CA_BUNDLE" in error, str(RuntimeAPI.init_errors))
    if not os.path.exists("/etc/pki/tls/certs/ca-bundle.crt"):  # not Amazon Linux
        status, error = init_error(without=["MILKBOT_CA_BUNDLE"])
        check("CA bundle: Amazon Linux's by default", "/etc/pki/tls/certs/ca-bundle.crt" in error,
              str(RuntimeAPI.init_errors))
    # a CA file that is not one: refused at init, naming it
    not_pem = os.path.join(tmp, "not-a-bundle.pem")
    with open(not_pem, "w") as f:
        f.write("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n")
    status, error = init_error(MILKBOT_CA_BUNDLE=not_pem)
    check("CA bundle not certificates: init error names it", "not-a-bundle.pem" in error
          and "block 1" in error, str(RuntimeAPI.init_errors))
    # TLS is checked: SSM's certificate is not one another CA file trusts
    status, error = init_error(MILKBOT_CA_BUNDLE=other_ca)
    check("SSM's certificate from another CA: refused at init", "SSM GetParameters" in error
          and "certificate" in error.lower(), str(RuntimeAPI.init_errors))
    # HTTP(S) only: libcurl's other protocols are stubs in the package
    # (packaging/curl_unused.c), and never reached
    status, error = init_error(AWS_ENDPOINT_URL_SSM="ldap://127.0.0.1:389/")
    check("an endpoint in another protocol: refused as such", "Unsupported protocol" in error,
          str(RuntimeAPI.init_errors))
    db.stop()

check.finish()
