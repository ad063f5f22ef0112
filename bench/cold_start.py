#!/usr/bin/env python3
"""cold_start.py -- packaged `bootstrap`s started fresh again and again, as
Lambda does for nearly every message (feedings are hours apart), under the
Runtime API emulator with a fake SSM (checking SigV4 after answering, so
that botocore's time is not counted) and a local dynalite, both over
HTTPS as on AWS, trusted through a CA file as large as a system's (the
machine's ~145 certificates and the test one). For each
package given (a zip, or a directory as `sam build` makes), over RUNS
starts, median and max of:
  init            exec -> its first /next request (the two secrets read
                  from SSM meanwhile, the table's connection opened)
  first response  exec -> the response to a record message, posted (the
                  table written)
  peak RSS        the process's VmHWM after that response
and, timed in the same harness, a static C program that does nothing but
ask for /next: the do-nothing runtime that init is compared with. The
subjects take turns start by start, so that the machine's noise falls on
all of them alike. --cpus 1 runs every started process on one CPU, nearer
a small Lambda function's share of one. --local takes the network out of
init (secrets from the environment, a SQLite store in /tmp): what starting
costs the process itself. Prints figures; asserts nothing.
usage: bench/cold_start.py path/to/milkbot PACKAGE... [--runs N] [--cpus N] [--local]"""
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
from services import SSM, Dynalite, FaultProxy, RuntimeAPI, serve, tls_certificate  # noqa: E402

ARGS = sys.argv[1:]


def option(name, default):
    if name not in ARGS:
        return default
    at = ARGS.index(name)
    value = int(ARGS[at + 1])
    del ARGS[at:at + 2]
    return value


LOCAL = "--local" in ARGS
if LOCAL:
    ARGS.remove("--local")
RUNS = option("--runs", 20)
CPUS = option("--cpus", 0)
SYSTEM_CA = "/etc/ssl/certs/ca-certificates.crt"
if len(ARGS) < 2:
    sys.exit(__doc__.split("usage: ")[1])
MILKBOT, PACKAGES = os.path.abspath(ARGS[0]), [os.path.abspath(p) for p in ARGS[1:]]
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


def unpack(package, into):
    """The package's files as Lambda lays them out (a zip is extracted)."""
    if os.path.isdir(package):
        return package
    with zipfile.ZipFile(package) as z:
        for info in z.infolist():
            z.extract(info, into)
            os.chmod(os.path.join(into, info.filename), (info.external_attr >> 16) & 0o777)
    return into


def pinned():
    """Popen's preexec_fn for --cpus (None: as the machine schedules)."""
    if not CPUS:
        return None
    return lambda: os.sched_setaffinity(0, set(range(CPUS)))


def start_baseline(binary, env, n):
    RuntimeAPI.events.put((f"baseline-{n}", "{}"))
    RuntimeAPI.next_times.clear()
    start = time.perf_counter()
    proc = subprocess.Popen([binary], env=env, preexec_fn=pinned())
    while not RuntimeAPI.next_times:
        time.sleep(0.0002)
    init = (RuntimeAPI.next_times[0] - start) * 1000
    proc.kill()
    proc.wait()
    return init, None, None


def start_bootstrap(task, env, n, log):
    request_id = f"cold-{n}"
    RuntimeAPI.done[request_id] = threading.Event()
    RuntimeAPI.events.put((request_id, event(n)))
    RuntimeAPI.next_times.clear()
    start = time.perf_counter()
    proc = subprocess.Popen([os.path.join(task, "bootstrap")], env=dict(env, LAMBDA_TASK_ROOT=task),
                            stdout=log, stderr=subprocess.STDOUT, preexec_fn=pinned())
    if not RuntimeAPI.done[request_id].wait(30):
        log.seek(0)
        sys.exit(f"no response from {task}/bootstrap:\n" + log.read()[-3000:])
    kind, payload = RuntimeAPI.results[request_id]
    if kind != "response" or payload["statusCode"] != 200:
        sys.exit(f"bad response: {kind} {payload}")
    with open(f"/proc/{proc.pid}/status") as status:
        rss = next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024
    # stopped once it asks for its next event, as Lambda would freeze it;
    # that request, left waiting in the emulator, takes a dummy event
    # rather than the next run's
    for _ in range(5000):
        if len(RuntimeAPI.next_times) > 1:
            break
        time.sleep(0.001)
    proc.kill()
    proc.wait()
    if len(RuntimeAPI.next_times) > 1:
        RuntimeAPI.events.put((f"after-{n}", "{}"))
    return ((RuntimeAPI.next_times[0] - start) * 1000,
            (RuntimeAPI.result_times[request_id] - start) * 1000, rss)


def size(package):
    if os.path.isdir(package):
        return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(package) for f in fs)
    return os.path.getsize(package)


with tempfile.TemporaryDirectory() as tmp:
    tasks = [unpack(p, os.path.join(tmp, f"task{i}")) for i, p in enumerate(PACKAGES)]
    db = Dynalite(os.path.join(tmp, "db"))
    db.start()
    SSM.check_late = True
    cert, key = tls_certificate(tmp)
    bundle = os.path.join(tmp, "ca-bundle.crt")
    with open(bundle, "w") as out:
        if os.path.exists(SYSTEM_CA):
            out.write(open(SYSTEM_CA).read())
        out.write(open(cert).read())
    runtime, ssm = serve(RuntimeAPI), serve(SSM, tls=(cert, key))
    dynamodb = FaultProxy(db.endpoint, tls=(cert, key))
    env = {"AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{runtime.server_address[1]}",
           "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "ASIA", "AWS_SECRET_ACCESS_KEY": "s",
           "AWS_SESSION_TOKEN": "session-token", "_HANDLER": "bootstrap",
           "AWS_ENDPOINT_URL_DYNAMODB": dynamodb.endpoint,
           "AWS_ENDPOINT_URL_SSM": f"https://127.0.0.1:{ssm.server_address[1]}",
           "MILKBOT_STORE": "dynamodb:feedings", "MILKBOT_TZ": "Europe/London",
           "ALLOWED_USER_IDS": str(USER), "WEBHOOK_SECRET_PARAM": "/milkbot/webhook-secret",
           "BOT_TOKEN_PARAM": "/milkbot/bot-token", "TELEGRAM_API_URL": "http://127.0.0.1:9",
           # for packages that still linked GnuTLS (before 2026-12-03), as their
           # template set it; no effect on later ones
           "GNUTLS_NO_IMPLICIT_INIT": "1",
           "MILKBOT_CA_BUNDLE": bundle}
    if LOCAL:
        for name in ("WEBHOOK_SECRET_PARAM", "BOT_TOKEN_PARAM"):
            del env[name]
        env.update(MILKBOT_WEBHOOK_SECRET="cold-secret", TELEGRAM_BOT_TOKEN="1:token",
                   MILKBOT_STORE="sqlite:" + os.path.join(tmp, "feedings.db"))
    subprocess.run([MILKBOT, "create-table", "feedings"],
                   env=dict(env, PATH=os.environ["PATH"], AWS_ENDPOINT_URL_DYNAMODB=db.endpoint),
                   check=True, capture_output=True)
    baseline_bin = os.path.join(tmp, "baseline")
    with open(baseline_bin + ".c", "w") as f:
        f.write(BASELINE_C)
    subprocess.run(["cc", "-O2", "-w", "-static", baseline_bin + ".c", "-o", baseline_bin], check=True)
    results = {subject: [] for subject in ["baseline"] + PACKAGES}
    with open(os.path.join(tmp, "log"), "w+") as log:
        for n in range(RUNS):
            results["baseline"].append(start_baseline(baseline_bin, env, n))
            for i, (package, task) in enumerate(zip(PACKAGES, tasks)):
                results[package].append(start_bootstrap(task, env, n * len(PACKAGES) + i + 1, log))
    db.stop()
    if SSM.bad_signatures:
        sys.exit(f"{SSM.bad_signatures} SSM requests were signed wrong")


def figures(column, runs):
    values = [r[column] for r in runs]
    return statistics.median(values), max(values)


where = f"on {CPUS} CPU{'s' if CPUS > 1 else ''}" if CPUS else f"on {os.cpu_count()} CPUs"
what = "no network in init (--local)" if LOCAL else "SSM and DynamoDB over HTTPS"
print(f"cold starts, {RUNS} runs each, taking turns, {where}, {what} (median / max)")
base, base_max = figures(0, results["baseline"])
print(f"  do-nothing runtime (static C, exec -> /next): init {base:.1f} / {base_max:.1f} ms")
for package in PACKAGES:
    runs = results[package]
    init, first, rss = figures(0, runs), figures(1, runs), figures(2, runs)
    print(f"{package}  ({size(package):,} bytes)")
    print(f"  init (exec -> first /next)         {init[0]:6.1f} / {init[1]:6.1f} ms"
          f"   {init[0] / base:.2f}x the do-nothing runtime")
    print(f"  first response (record)            {first[0]:6.1f} / {first[1]:6.1f} ms")
    print(f"  peak RSS                           {rss[0]:6.1f} / {rss[1]:6.1f} MB")
