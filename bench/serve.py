#!/usr/bin/env python3
"""serve.py -- `milkbot serve` warm, on a SQLite file, against the local fake
Bot API of the tests (tests/services.PollingBotAPI, HTTP on loopback), a
family of two writing bottles, questions and totals. Prints, over RUNS
updates each:
  round trip   an update given to a held getUpdates -> its reply's
               sendMessage reaching the fake API (one update at a time)
  per update   the gap between consecutive replies when updates wait in a
               queue (one getUpdates hands out up to 100): decoding,
               handling, the reply, and saving effect and offset together
  peak RSS     serve's VmHWM after them
The fake API is Python, so the round trip includes its own cost; the gap
is closer to serve's. Prints figures; asserts nothing.
usage: bench/serve.py path/to/milkbot [--runs N]"""
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
from services import polling_bot_api  # noqa: E402
from telegram_events import message_update  # noqa: E402

TOKEN = "7391046628:bench-serve-token"
ALEX, SAM = 111111111, 222222222
TEXTS = ["120ml", "7:30 90 ml formula", "total?", "last", "1pm 60ml", "today"]


class TimedCalls(list):
    """The fake API's record of calls, with when each came."""

    def __init__(self):
        super().__init__()
        self.times, self.event = [], threading.Event()

    def append(self, item):
        super().append(item)
        self.times.append(time.perf_counter())
        self.event.set()


def replies(calls):
    return [t for (m, _, _), t in zip(calls, calls.times) if m == "sendMessage"]


def vm(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) // 1024
    return 0


def main():
    milkbot = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 300
    api = polling_bot_api(TOKEN)
    api.calls = TimedCalls()
    now = int(time.time())
    with tempfile.TemporaryDirectory(prefix="milkbot-bench-serve-") as tmp:
        env = {"PATH": os.environ["PATH"], "HOME": tmp, "TELEGRAM_BOT_TOKEN": TOKEN,
               "TELEGRAM_API_URL": api.url, "ALLOWED_USER_IDS": f"{ALEX},{SAM}",
               "MILKBOT_TZ": "Europe/London"}
        proc = subprocess.Popen([milkbot, "serve", "--store", f"sqlite:{tmp}/milkbot.db"],
                                env=env, stderr=subprocess.DEVNULL)
        try:
            update = 1000

            def alive():
                if proc.poll() is not None:
                    sys.exit(f"bench/serve.py: milkbot serve exited ({proc.returncode})")

            def push(i):
                nonlocal update
                update += 1
                user = ALEX if i % 2 else SAM
                api.push(message_update(update, user, update, user, "Alex", now,
                                        TEXTS[i % len(TEXTS)]))

            # one at a time: each given to a held poll
            trips = []
            for i in range(runs):
                want = len(replies(api.calls)) + 1
                while not api.calls or api.calls[-1][0] != "getUpdates":
                    alive()
                    time.sleep(0.001)  # serve is back in its poll
                time.sleep(0.002)
                api.calls.event.clear()
                start = time.perf_counter()
                push(i)
                while len(replies(api.calls)) < want:
                    alive()
                    api.calls.event.wait(1)
                    api.calls.event.clear()
                trips.append((replies(api.calls)[want - 1] - start) * 1000)
            # queued: many at once
            before = len(replies(api.calls))
            for i in range(runs):
                push(i)
            while len(replies(api.calls)) < before + runs:
                alive()
                time.sleep(0.01)
            times = replies(api.calls)[before:]
            gaps = [(b - a) * 1000 for a, b in zip(times, times[1:])]
            hwm, rss = vm(proc.pid, "VmHWM"), vm(proc.pid, "VmRSS")
        finally:
            proc.terminate()
            proc.wait()
    for name, xs in (("round trip", trips), ("per update", gaps)):
        xs = sorted(xs)
        print(f"serve {name:<11} median {statistics.median(xs):6.2f} ms  p95 "
              f"{xs[int(len(xs) * 0.95) - 1]:6.2f} ms  max {xs[-1]:6.2f} ms  ({len(xs)})")
    print(f"serve peak RSS    {hwm} MB (VmHWM; {rss} MB resident at the end)")


if __name__ == "__main__":
    main()
