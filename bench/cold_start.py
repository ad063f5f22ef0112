#!/usr/bin/env python3
"""cold_start.py -- the packaged `bootstrap` started fresh again and again,
as Lambda does for nearly every message (feedings are hours apart), under
the Runtime API emulator with a fake SSM (checking SigV4, as AWS does) and
a local dynalite. Reports, over RUNS starts, median and max of:
  init            exec -> its first /next request (the two secrets read
                  from SSM meanwhile, the table's connection opened)
  first response  exec -> the response to a record message, posted (the
                  table written)
  peak RSS        the process's VmHWM after that response
and the zip's size. The same harness times a minimal C client that only
connects and asks for /next (its "init" is the harness's own cost: Python
starting a process, the emulator answering), to be subtracted. Prints
figures; asserts nothing.
usage: bench/cold_start.py path/to/milkbot path/to/milkbot-lambda.zip [RUNS]"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
from services import SSM, Dynalite, RuntimeAPI, serve, tls_certificate  # noqa: E402

MILKBOT, ZIP = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
RUNS = int(sys.argv[3]) if len(sys.argv) > 3 else 20
USER = 111111111
SSM.credentials = ("ASIA", "s", "session-token", "us-east-1")
SSM.values = {"/milkbot/webhook-secret": "cold-secret", "/milkbot/bot-token": "1:token"}


BASELINE_C = r"""
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
int main(void) { /* GET /next and wait, as bootstrap's first act */
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_port = htons(atoi(strchr(api, ':') + 1));
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(s, (struct sockaddr *)&a, sizeof a) != 0) return 1;
    const char req[] = "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n";
    write(s, req, sizeof req - 1);
    char buf[4096];
    read(s, buf, sizeof buf);
    pause();
}
"""


def event(n):
    update = {"update_id": n, "message": {
        "message_id": n, "date": int(time.time()), "text": "120ml formula",
        "from": {"id": USER, "is_bot": False, "first_name": "Ana"},
        "chat": {"id": USER, "type": "private"}}}
    return json.dumps({"version": "2.0", "headers": {"x-telegram-bot-api-secret-token": "cold-secret"},
                       "requestContext": {"http": {"method": "POST"}},
                       "body": json.dumps(update), "isBase64Encoded": False})


with tempfile.TemporaryDirectory() as tmp:
    task = os.path.join(tmp, "task")
    with zipfile.ZipFile(ZIP) as z:
        for info in z.infolist():
            z.extract(info, task)
            os.chmod(os.path.join(task, info.filename), (info.external_attr >> 16) & 0o777)
    db = Dynalite(os.path.join(tmp, "db"))
    db.start()
    runtime, ssm = serve(RuntimeAPI), serve(SSM)
    env = {"AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{runtime.server_address[1]}",
           "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "ASIA", "AWS_SECRET_ACCESS_KEY": "s",
           "AWS_SESSION_TOKEN": "session-token", "LAMBDA_TASK_ROOT": task, "_HANDLER": "bootstrap",
           "AWS_ENDPOINT_URL_DYNAMODB": db.endpoint,
           "AWS_ENDPOINT_URL_SSM": f"http://127.0.0.1:{ssm.server_address[1]}",
           "MILKBOT_STORE": "dynamodb:feedings", "MILKBOT_TZ": "Europe/London",
           "ALLOWED_USER_IDS": str(USER), "WEBHOOK_SECRET_PARAM": "/milkbot/webhook-secret",
           "BOT_TOKEN_PARAM": "/milkbot/bot-token", "TELEGRAM_API_URL": "http://127.0.0.1:9",
           "GNUTLS_NO_IMPLICIT_INIT": "1",  # as template.yaml sets it
           # (read, not used: dynalite is plain HTTP; on Amazon Linux, the
           # template's /etc/pki/tls/certs/ca-bundle.crt)
           "MILKBOT_CA_BUNDLE": tls_certificate(tmp)[0]}
    subprocess.run([MILKBOT, "create-table", "feedings"], env=dict(env, PATH=os.environ["PATH"]),
                   check=True, capture_output=True)
    baseline_bin = os.path.join(tmp, "baseline")
    with open(baseline_bin + ".c", "w") as f:
        f.write(BASELINE_C)
    subprocess.run(["cc", "-O2", "-w", baseline_bin + ".c", "-o", baseline_bin], check=True)
    baseline = []
    for n in range(RUNS):
        RuntimeAPI.events.put((f"baseline-{n}", "{}"))
        RuntimeAPI.next_times.clear()
        start = time.perf_counter()
        proc = subprocess.Popen([baseline_bin], env=env)
        while not RuntimeAPI.next_times:
            time.sleep(0.0005)
        baseline.append((RuntimeAPI.next_times[0] - start) * 1000)
        proc.kill()
        proc.wait()
    inits, firsts, rss = [], [], []
    for n in range(1, RUNS + 1):
        request_id = f"cold-{n}"
        RuntimeAPI.done[request_id] = threading.Event()
        RuntimeAPI.events.put((request_id, event(n)))
        RuntimeAPI.next_times.clear()
        start = time.perf_counter()
        proc = subprocess.Popen([os.path.join(task, "bootstrap")], env=env,
                                stdout=open(os.path.join(tmp, "log"), "a"), stderr=subprocess.STDOUT)
        if not RuntimeAPI.done[request_id].wait(30):
            sys.exit("no response from bootstrap: " + open(os.path.join(tmp, "log")).read())
        kind, payload = RuntimeAPI.results[request_id]
        if kind != "response" or payload["statusCode"] != 200:
            sys.exit(f"bad response: {kind} {payload}")
        inits.append((RuntimeAPI.next_times[0] - start) * 1000)
        firsts.append((RuntimeAPI.result_times[request_id] - start) * 1000)
        with open(f"/proc/{proc.pid}/status") as status:
            rss.append(next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024)
        proc.kill()
        proc.wait()
    db.stop()

print(f"cold start of the packaged bootstrap, {RUNS} runs (median / max):")
print(f"  init (exec -> first /next)       {statistics.median(inits):6.1f} / {max(inits):6.1f} ms")
print(f"  first response (record, dynalite) {statistics.median(firsts):5.1f} / {max(firsts):6.1f} ms")
print(f"  peak RSS                         {statistics.median(rss):6.1f} / {max(rss):6.1f} MB")
print(f"  zip                              {os.path.getsize(ZIP) / 1e6:6.1f} MB")
print(f"  harness (a minimal C client's exec -> /next) {statistics.median(baseline):.1f} / "
      f"{max(baseline):.1f} ms: bootstrap's own init is about "
      f"{statistics.median(inits) - statistics.median(baseline):.1f} ms")
