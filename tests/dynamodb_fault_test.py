#!/usr/bin/env python3
"""dynamodb_fault_test.py -- DynamoDB failing under the bot: throttling and
500s that pass (retried: one write results), failures that do not (a clear
error, nothing half-written, the redelivery completes it exactly once), and
the database going away mid-conversation and coming back; a tick's claim of
a due schedule whose answer is lost (#17).

A private dynalite (on disk, so it survives a restart) sits behind a
loopback proxy that injects the faults; `milkbot chat` talks to the proxy.
usage: dynamodb_fault_test.py path/to/milkbot path/to/schedule_tool"""
import os
import select
import subprocess
import sys
import tempfile
import time

import botocore.session

from services import Checks, Dynalite, FaultProxy

MILKBOT = sys.argv[1]
SCHEDULE_TOOL = sys.argv[2]
check = Checks("dynamodb faults")


class Chat:
    """One `milkbot chat` process: one message in, its reply out."""
    def __init__(self, env):
        self.proc = subprocess.Popen(
            [MILKBOT, "chat", "--store", "dynamodb:feedings", "--tz", "UTC",
             "--now", "2026-11-28T15:00:00Z", "--user", "Alex"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)

    def say(self, line, quiet=0.3):
        self.proc.stdin.write((line + "\n").encode())
        self.proc.stdin.flush()
        if line.endswith("\\"):
            return ""  # the message goes on: no reply yet
        out, deadline = b"", time.time() + 30
        while time.time() < deadline:  # the reply: until the bot goes quiet
            ready, _, _ = select.select([self.proc.stdout], [], [], quiet if out else 20)
            if not ready:
                break
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                break
            out += chunk
        return out.decode().strip()

    def close(self):
        self.proc.stdin.close()
        return self.proc.wait(timeout=30)


def feed_items(client):
    items = client.query(TableName="feedings", ConsistentRead=True,
                         KeyConditionExpression="pk = :pk AND begins_with(sk, :f)",
                         ExpressionAttributeValues={":pk": {"S": "log#family"}, ":f": {"S": "feed#"}})["Items"]
    return [(i["sk"]["S"], i["amount_ml"]["N"], "removed_by" in i) for i in items]


with tempfile.TemporaryDirectory() as tmp:
    db = Dynalite(os.path.join(tmp, "db"))
    db.start()
    proxy = FaultProxy(db.endpoint)  # one proxy: its plan set per message
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="secret", AWS_REGION="us-east-1",
               AWS_ENDPOINT_URL_DYNAMODB=proxy.endpoint)
    direct = dict(env, AWS_ENDPOINT_URL_DYNAMODB=f"http://127.0.0.1:{db.port}")
    subprocess.run([MILKBOT, "create-table", "feedings"], env=direct, check=True, capture_output=True)
    client = botocore.session.get_session().create_client(
        "dynamodb", region_name="us-east-1", endpoint_url=f"http://127.0.0.1:{db.port}",
        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret")

    chat = Chat(env)
    # the write throttled, then a 500, then fine: retried, one feeding results
    proxy.only, proxy.faults = {"PutItem": ["throttle", "500"]}, 0
    reply = chat.say("12pm 120ml milk")
    check("retried: the reply", reply == "🍼 120 ml milk at 12:00 — today 120 ml in 1 feed", reply)
    check("retried: faults were served", proxy.faults == 2, str(proxy.faults))
    items = feed_items(client)
    check("retried: one write results", len(items) == 1, str(items))

    # the write applied but its answer lost: the retry finds it, still one
    proxy.only, proxy.faults = {"PutItem": ["applied-500"]}, 0
    reply = chat.say("11am 10ml")
    check("applied, answer lost: the reply", reply == "🍼 10 ml milk at 11:00 — today 130 ml in 2 feeds", reply)
    check("applied, answer lost: a fault was served", proxy.faults == 1, str(proxy.faults))
    items = feed_items(client)
    check("applied, answer lost: one write results", len(items) == 2, str(items))

    # failing every time: a clear error after 3 attempts, nothing written
    proxy.forever, proxy.faults = "500", 0
    reply = chat.say("1pm 90ml")
    check("failing: a clear reply", "Couldn't reach the feeding log" in reply
          and "InternalServerError" in reply and "after 3 attempts" in reply, reply)
    # 3 for the chat's clock (its tick's Query of what is due, #17), then
    # 3 for the message itself
    check("failing: 3 attempts, each", proxy.faults == 6, str(proxy.faults))
    proxy.forever = None
    check("failing: nothing written", len(feed_items(client)) == 2, str(feed_items(client)))

    # failing halfway through a message of two lines: the redelivery
    # completes it, exactly once
    proxy.only = {"PutItem": [None] + ["500"] * 3}  # line 1 written; line 2 fails
    chat.say("8am 50ml \\")
    reply = chat.say("9am 60ml")
    check("halfway: a clear reply", "Couldn't reach the feeding log" in reply, reply)
    check("halfway: line 1 was written", len(feed_items(client)) == 3, str(feed_items(client)))
    reply = chat.say(":again")
    check("halfway: the redelivery completes it", "🍼 50 ml milk at 08:00" in reply
          and "🍼 60 ml milk at 09:00" in reply, reply)
    reply = chat.say(":again")
    items = feed_items(client)
    check("halfway: exactly once", sorted(a for _, a, _ in items) == ["10", "120", "50", "60"], str(items))

    # the database goes away mid-conversation, and comes back
    db.stop()
    reply = chat.say("2pm 30ml")
    check("database down: a clear reply", "Couldn't reach the feeding log" in reply
          and "Nothing was changed" in reply, reply)
    db.start()
    reply = chat.say(":again")
    check("database back: the redelivery records it", reply.startswith("🍼 30 ml milk at 14:00"), reply)
    reply = chat.say(":again")
    reply = chat.say("total")
    check("database back: recorded once", reply.startswith("Today (Sat 28 Nov): 270 ml in 5 feeds"), reply)
    chat.close()

    # a tick claims a due schedule and the answer is lost (applied, then a
    # 500): the client's retry finds the claim its own, won exactly once;
    # a tick that read it before loses, and so does a retried invocation
    def tool(*args):
        run = subprocess.run([SCHEDULE_TOOL, "dynamodb:feedings", *args], env=env,
                             capture_output=True, text=True, timeout=60)
        return run.stdout.strip() or run.stderr.strip()

    def schedule_item():
        items = client.query(TableName="feedings", ConsistentRead=True,
                             KeyConditionExpression="pk = :pk AND begins_with(sk, :w)",
                             ExpressionAttributeValues={":pk": {"S": "log#family"},
                                                        ":w": {"S": "when#"}})["Items"]
        return items[0] if len(items) == 1 else items

    check("schedule: set", tool("put") == "set")
    proxy.only, proxy.faults = {"UpdateItem": ["applied-500"]}, 0
    proxy.targets = []
    out = tool("tick", "tick-1")
    check("claim, answer lost: won", out == "won", out)
    check("claim, answer lost: a fault was served", proxy.faults == 1, str(proxy.faults))
    check("claim, answer lost: one Query, the claim, its retry, one read back",
          proxy.targets == ["Query", "UpdateItem", "UpdateItem", "GetItem"], str(proxy.targets))
    item = schedule_item()
    check("claim, answer lost: moved once, to the next due time",
          item["due"]["N"] == "1795888800000" and item["claim"]["S"] == "tick-1", str(item))
    out = tool("late", "tick-2")
    check("claim: a tick that read it before loses", out == "lost", out)
    out = tool("late", "tick-1")
    check("claim: the same attempt again still wins (and changes nothing)", out == "won", out)
    check("claim: not due any more", tool("tick", "tick-3") == "none due")
    check("claim: unchanged", schedule_item() == item, str(schedule_item()))

    # the chat gets a new id (a group upgraded to a supergroup): each step
    # of the move with its answer lost, and a move that fails half-way,
    # then is done again. The schedule is never due under both keys, and
    # ends once under the new one as it was (due time, the tick's claim)
    OLD_SK, NEW_SK = "when#1#2#" + "0" * 20, "when#-1001000000001#2#" + "0" * 20

    def moved_as(before):
        """The one schedule item, under the new key, is `before` moved."""
        now = schedule_item()
        if isinstance(now, list) or now["sk"]["S"] != NEW_SK:
            return False
        want = dict(before, sk={"S": NEW_SK}, chat_id={"N": "-1001000000001"})
        return now == want

    for step in ("UpdateItem", "PutItem", "DeleteItem"):
        proxy.only, proxy.faults = {step: ["applied-500"]}, 0
        out = tool("move")
        check(f"move, {step}'s answer lost: moved once", out == "moved 1"
              and proxy.faults == 1 and moved_as(item), (out, proxy.faults, schedule_item()))
        client.delete_item(TableName="feedings", Key={"pk": {"S": "log#family"},
                                                      "sk": {"S": NEW_SK}})
        check("schedule: set again", tool("put") == "set")
        item = schedule_item()

    # a move that fails half-way (marked, no copy yet): no tick claims the
    # old item; the next move finishes it, or else the first tick that
    # tries to claim it does, and the next tick says the copy
    for finisher in ("move", "tick"):
        proxy.only, proxy.faults = {"PutItem": ["500"] * 3}, 0
        out = tool("move")
        half = schedule_item()
        check(f"move failing half-way ({finisher} finishes it): a clear error",
              "Internal" in out and half["sk"]["S"] == OLD_SK
              and half["moving_to"]["S"] == NEW_SK and "due" in half, (out, half))
        proxy.only = {}
        if finisher == "move":
            out = tool("move")
            check("move again: done, as it was", out == "moved 1", out)
        else:
            out = tool("late", "tick-9")
            check("a tick that tries to claim it marked: lost, and the move finished",
                  out == "lost", out)
        check(f"moved ({finisher}): one item, under the new key, as it was",
              moved_as(item), (schedule_item(), item))
        check(f"moved ({finisher}): moving again moves nothing", tool("move") == "moved 0")
        check(f"moved ({finisher}): a tick that read it under the old key loses",
              tool("late", f"tick-10-{finisher}") == "lost")
        check(f"moved ({finisher}): the next tick takes it under the new key",
              tool("tick", f"tick-11-{finisher}") == "won")
        client.delete_item(TableName="feedings", Key={"pk": {"S": "log#family"},
                                                      "sk": {"S": NEW_SK}})
        check("schedule: set again", tool("put") == "set")
        item = schedule_item()
    proxy.close()
    db.stop()

check.finish()
