"""adoption.py -- what a family's first message costs on a DynamoDB table
that holds the per-chat logs of a version before family logs (#15): the
adoption (src/store/dynamodb_adopt.h) copies every old feeding into the
family's partition, once. Prints, for old logs of several sizes, the
requests and the time of the first message (the adoption) and of the next
one, and of a first message cut off halfway and delivered again. On a
local dynalite: the request counts are exact, the times are this
machine's (a loopback round trip, not AWS's).

usage: python3 bench/adoption.py path/to/milkbot [N ...]   (default 100 1000 3000)"""
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(ROOT, "tests"))
from services import Dynalite, FaultProxy, dynamo  # noqa: E402
from telegram_events import message_update, webhook_event  # noqa: E402

MILKBOT = os.path.abspath(sys.argv[1])
SIZES = [int(n) for n in sys.argv[2:]] or [100, 1000, 3000]
SECRET = "bench-secret"
USER = 111111111
NOW = 1795867200  # 2026-11-28T12:00:00Z



def old_log(n):
    """n feedings of a private chat, 3 hours apart, as 48c7b71 wrote them."""
    items, first = [], (NOW - n * 3 * 3600) * 1000
    for i in range(n):
        at = first + i * 3 * 3600 * 1000
        iso = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(at / 1000))
        entry = "%012d.0001" % (i + 1)
        items.append({
            "pk": {"S": f"chat#{USER}"}, "sk": {"S": f"feed#{iso}#{entry}"},
            "entry_pk": {"S": f"chat#{USER}"}, "entry": {"S": entry},
            "chat_id": {"N": str(USER)}, "message_id": {"N": str(i + 1)}, "line": {"N": "1"},
            "at_ms": {"N": str(at)}, "at": {"S": iso[:19] + "+00:00"}, "day": {"S": iso[:10]},
            "amount_ml": {"N": "100"}, "kind": {"S": "milk"}, "who": {"S": "Alex"},
            "note": {"S": ""}, "text": {"S": "100ml"}, "entered_at": {"N": str(at + 1000)},
            "sent": {"N": str(at)}})
    items.append({"pk": {"S": f"chat#{USER}"}, "sk": {"S": "settings"},
                  "tz": {"S": "Europe/London"}})
    return items


def invoke(env, message_id, tmp):
    event = os.path.join(tmp, "event.json")
    with open(event, "w") as f:
        f.write(webhook_event(message_update(message_id, USER, message_id, USER, "Alex", NOW,
                                             "total"), SECRET))
    t0 = time.perf_counter()
    run = subprocess.run([MILKBOT, "invoke", "--store", "dynamodb:feedings", event], env=env,
                         capture_output=True, text=True, timeout=600)
    took = time.perf_counter() - t0
    return json.loads(run.stdout).get("statusCode") if run.returncode == 0 else None, took


def case(n, tmp, cut_after=None):
    db = Dynalite(None)
    db.start()
    proxy = FaultProxy(db.endpoint)
    try:
        env = {"PATH": os.environ["PATH"], "MILKBOT_WEBHOOK_SECRET": SECRET,
               "ALLOWED_USER_IDS": str(USER), "MILKBOT_TZ": "UTC",
               "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
               "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_DYNAMODB": db.endpoint}
        subprocess.run([MILKBOT, "create-table", "feedings"], env=env, check=True,
                       capture_output=True)
        items = old_log(n)
        for k in range(0, len(items), 25):
            dynamo(db.endpoint, "BatchWriteItem", {"RequestItems": {"feedings": [
                {"PutRequest": {"Item": it}} for it in items[k:k + 25]]}})
        env["AWS_ENDPOINT_URL_DYNAMODB"] = proxy.endpoint
        rows = []
        if cut_after is not None:  # the claim, then cut_after copies, then 500s
            proxy.only = {"PutItem": [None] * (1 + cut_after) + ["500"] * 10}
            before = len(proxy.targets)
            status, took = invoke(env, n + 1, tmp)
            rows.append(("cut off", status, len(proxy.targets) - before, took))
            proxy.only = {}
        for label, message in (("first message", n + 2), ("next message", n + 3)):
            before = len(proxy.targets)
            status, took = invoke(env, message, tmp)
            rows.append((label, status, len(proxy.targets) - before, took))
        return rows
    finally:
        proxy.close()
        db.stop()


with tempfile.TemporaryDirectory() as tmp:
    print(f"machine: {os.cpu_count()} cores; DynamoDB: a local dynalite on loopback")
    print(f"{'old feedings':>12}  {'case':<26} {'status':>6} {'requests':>9} {'seconds':>8}")
    for n in SIZES:
        for cut in (None, n // 2):
            for label, status, requests, took in case(n, tmp, cut):
                name = label if cut is None else f"{label} (cut at {cut})"
                print(f"{n:>12}  {name:<26} {status!s:>6} {requests:>9} {took:>8.2f}")
