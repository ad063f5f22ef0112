"""services.py -- local stand-ins for the cloud, shared by the Python tests
and benchmarks: a private dynalite (on disk, so it survives a restart, or in
memory), a fault-injecting proxy in front of it, the Lambda Runtime API, the
SSM (SigV4 checked), HTTPS with a throw-away certificate
authority, free ports."""
import json
import os
import queue
import select
import socket
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def corrupt_sqlite_data(path):
    """Overwrites every page of the SQLite file at `path` but the header's
    and the schema's (which it reads at open; the schema may take more than
    the first page), so that it opens and then fails on its first read.
    Checkpoint its write-ahead log first."""
    import sqlite3
    with sqlite3.connect(path) as db:
        page = db.execute("PRAGMA page_size").fetchone()[0]
        keep = {n for n, in db.execute("SELECT pageno FROM dbstat WHERE name = ?",
                                       ("sqlite_schema",))}
    with open(path, "r+b") as f:
        for n in range(2, os.path.getsize(path) // page + 1):
            if n not in keep:
                f.seek((n - 1) * page)
                f.write(b"\xff" * page)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dynamo(endpoint, target, request, timeout=30):
    """One DynamoDB call (target: "Query", "PutItem", ...) straight to a
    dynalite at `endpoint`, which checks that a request is signed, not the
    signature: for tests to read and write a table behind milkbot's back."""
    headers = {"Content-Type": "application/x-amz-json-1.0",
               "X-Amz-Target": "DynamoDB_20120810." + target, "X-Amz-Date": "20260101T000000Z",
               "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/"
                                "dynamodb/aws4_request, SignedHeaders=host;x-amz-date, "
                                "Signature=0"}
    r = urllib.request.Request(endpoint + "/", data=json.dumps(request).encode(),
                               headers=headers, method="POST")
    with urllib.request.urlopen(r, timeout=timeout) as answer:
        return json.load(answer)


class Dynalite:
    """node_modules/.bin/dynalite on a free loopback port, data in `path`
    (None: in memory, faster, lost when it stops)."""

    def __init__(self, path):
        self.path, self.port, self.proc = path, free_port(), None
        self.endpoint = f"http://127.0.0.1:{self.port}"

    def start(self):
        where = ["--path", self.path] if self.path else []
        self.proc = subprocess.Popen(
            [os.path.join(ROOT, "node_modules/.bin/dynalite"), "--host", "127.0.0.1",
             "--port", str(self.port), "--createTableMs", "0"] + where,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("dynalite did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def dynalite_with_table(milkbot, env):
    """A dynalite in memory, started, with milkbot's table "feedings"
    (`milkbot create-table`); returns it and `env` pointed at it. The
    caller stops it."""
    db = Dynalite(None)
    db.start()
    env = dict(env, AWS_ENDPOINT_URL_DYNAMODB=db.endpoint)
    subprocess.run([milkbot, "create-table", "feedings"], env=env, check=True,
                   capture_output=True)
    return db, env


class FaultProxy:
    """A loopback proxy in front of a DynamoDB stand-in (`upstream`, like
    http://127.0.0.1:PORT) that injects faults, one server per instance so
    that processes running at once can each have their own.

    Each request takes the next fault of `only[operation]` when there is
    one (say only = {"PutItem": [None, "500"]}: the second PutItem fails,
    whatever else is asked between), else the next of `plan`, else
    `forever` (None unless set). None forwards it unchanged, and
      "throttle"        answers ThrottlingException, not forwarded
      "500"             answers InternalServerError, not forwarded
      "timeout"         never forwarded nor answered: held until the client
                        gives up on it (its request timeout)
      "applied-500"     forwarded, so DynamoDB applies it, and answered
                        InternalServerError: the answer is lost
      "applied-timeout" forwarded, its answer held until the client gives up
    `requests` and `faults` count what it saw and served; `targets` lists
    each request's operation (GetItem, Query, ...), and `actions` each
    (operation, index name or None): the IAM actions and resources the
    client needed. `gate`, when set, is
    called as gate(proxy) before a request is forwarded and must return a
    context manager held while it is forwarded and answered: the
    concurrency tests' sequencer, which lets one request through at a time."""

    THROTTLE = {"__type": "com.amazonaws.dynamodb.v20120810#ThrottlingException",
                "message": "Rate of requests exceeds the allowed throughput."}
    INTERNAL = {"__type": "com.amazonaws.dynamodb.v20120810#InternalServerError",
                "message": "Internal server error"}
    # a held request is let go after this long even if its client is still
    # waiting: longer than the client's 10 s request timeout (src/aws/aws_json.c)
    HOLD_S = 15
    instances = []  # every proxy made, for save_seen_actions

    def __init__(self, upstream, tls=None):
        self.upstream = upstream.rstrip("/") + "/"
        self.plan, self.forever, self.gate, self.only = [], None, None, {}
        self.requests = self.faults = 0
        self.targets, self.actions = [], []
        FaultProxy.instances.append(self)
        self.lock = threading.Lock()
        handler = type("FaultProxyHandler", (_FaultProxyHandler,), {"proxy": self})
        self.server = serve(handler, tls)
        self.port = self.server.server_address[1]
        self.endpoint = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"

    def take(self, target, index=None):
        """The fault for the next request (counted), under the lock."""
        with self.lock:
            self.requests += 1
            self.targets.append(target)
            self.actions.append((target, index))
            if self.only.get(target):
                fault = self.only[target].pop(0)
            else:
                fault = self.plan.pop(0) if self.plan else self.forever
            if fault:
                self.faults += 1
            return fault

    def forward(self, body, headers):
        """(status, body) of dynalite's answer; None when it is unreachable."""
        request = urllib.request.Request(self.upstream, data=body, method="POST",
                                         headers={k: v for k, v in headers.items()
                                                  if k.lower() not in ("host", "content-length")})
        try:
            with urllib.request.urlopen(request, timeout=10) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()
        except OSError:
            return None

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class _FaultProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    proxy = None  # the FaultProxy, set by its subclass

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        target = self.headers.get("X-Amz-Target", "").rpartition(".")[2]
        try:
            index = json.loads(body).get("IndexName")
        except (ValueError, AttributeError):
            index = None
        fault = self.proxy.take(target, index)
        if fault == "throttle":
            return self.send(400, json.dumps(FaultProxy.THROTTLE).encode())
        if fault == "500":
            return self.send(500, json.dumps(FaultProxy.INTERNAL).encode())
        if fault == "timeout":
            return self.hold()
        gate = self.proxy.gate(self.proxy) if self.proxy.gate else _NO_GATE
        with gate:
            answer = self.proxy.forward(body, self.headers)
            if answer is None:
                self.close_connection = True  # upstream gone: drop like a dead server
                return
            if fault == "applied-500":
                return self.send(500, json.dumps(FaultProxy.INTERNAL).encode())
            if fault == "applied-timeout":
                return self.hold()
            self.send(*answer)

    def do_GET(self):
        """DynamoDB's health check, which answers any GET on a connection
        kept open: what milkbot's init opens its connection with. Not a
        request to the table, so neither counted nor faulted."""
        self.send(200, b"healthy: dynamodb.us-east-1.amazonaws.com ", "text/plain")

    def send(self, status, data, content_type="application/x-amz-json-1.0"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def hold(self):
        """Answers nothing until the client closes the connection (its
        timeout) or HOLD_S pass, then drops it."""
        self.close_connection = True
        deadline = time.monotonic() + FaultProxy.HOLD_S
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.connection], [], [], 0.2)
            if ready:
                try:
                    if not self.connection.recv(65536):
                        return  # the client gave up
                except OSError:
                    return

    def log_message(self, *args):
        pass


class _NoGate:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


_NO_GATE = _NoGate()


class Checks:
    """Counts what a test checks and ends with the plain closing line
    "NAME: N passed, N failed"; check(what, ok, detail) prints failures."""

    def __init__(self, name):
        self.name, self.passed, self.failed = name, 0, 0

    def __call__(self, what, ok, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL {what}\n  {detail}")

    def finish(self):
        save_seen_actions()
        print(f"{self.name}: {self.passed} passed, {self.failed} failed")
        raise SystemExit(1 if self.failed else 0)

    # ctest's SKIP_RETURN_CODE for these tests (tests/CMakeLists.txt)
    SKIPPED = 77

    def skip(self, reason):
        """Ends the test as skipped, saying why: for a tool this machine
        cannot install, never a silent pass."""
        print(f"{self.name}: skipped: {reason}")
        raise SystemExit(self.SKIPPED)


class RuntimeAPI(BaseHTTPRequestHandler):
    """The Lambda Runtime API, version 2018-06-01. An answer posted after
    the invocation's deadline is recorded as ("killed", ...): Lambda would
    have stopped the invocation by then. `next_failures` of the next GET
    /next requests are answered 500 first (a Runtime API hiccup)."""
    protocol_version = "HTTP/1.1"
    deadline_s = 10
    events = queue.Queue()
    results = {}
    result_times = {}
    done = {}
    init_errors = []
    next_failures = 0
    deadlines = {}  # request id -> deadline (time.time())

    next_times = []  # when each /next arrived (time.perf_counter)

    def do_GET(self):
        if self.path != "/2018-06-01/runtime/invocation/next":
            return self.reply(404, b"{}")
        type(self).next_times.append(time.perf_counter())
        if type(self).next_failures > 0:
            type(self).next_failures -= 1
            return self.reply(500, b'{"errorType":"ServiceException"}')
        request_id, event = self.events.get()
        body = event.encode()
        deadline = time.time() + type(self).deadline_s
        type(self).deadlines[request_id] = deadline
        self.send_response(200)
        self.send_header("Lambda-Runtime-Aws-Request-Id", request_id)
        self.send_header("Lambda-Runtime-Deadline-Ms", str(int(deadline * 1000)))
        self.send_header("Lambda-Runtime-Trace-Id", f"Root=1-00000000-{request_id}")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        parts = self.path.split("/")
        if self.path == "/2018-06-01/runtime/init/error":
            type(self).init_errors.append((self.headers.get("Lambda-Runtime-Function-Error-Type"),
                                           json.loads(body)))
        elif len(parts) == 6 and parts[3] == "invocation" and parts[5] in ("response", "error"):
            late = time.time() > type(self).deadlines.get(parts[4], float("inf"))
            type(self).results[parts[4]] = ("killed" if late else parts[5], json.loads(body))
            type(self).result_times[parts[4]] = time.perf_counter()
            type(self).done[parts[4]].set()
        else:
            return self.reply(404, b"{}")
        self.reply(202, b'{"status":"OK"}')

    def reply(self, status, body):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    tls = None  # an SSLContext: HTTPS

    def finish_request(self, request, client_address):
        # the TLS handshake on the connection's own thread: done in accept(),
        # one client that never completes it would stall every other
        if self.tls:
            try:
                request = self.tls.wrap_socket(request, server_side=True)
            except (OSError, ssl.SSLError):
                return
        super().finish_request(request, client_address)

    def process_request(self, request, client_address):
        # each answer leaves at once: with Nagle's algorithm a body written
        # after its headers waits for the client's delayed ACK (40 ms)
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().process_request(request, client_address)

    def handle_error(self, request, client_address):
        pass  # a runtime stopped mid-connection is expected here


def botocore_authorization(headers, body, port, key, secret, token, region,
                           service="dynamodb"):
    """What botocore's SigV4 signer computes for a request our client sent
    (headers lower-cased), at the time the request says it was signed."""
    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    auth = headers["authorization"]
    signed = auth.split("SignedHeaders=")[1].split(",")[0].split(";")
    # host and x-amz-date botocore sets itself; the token it adds from the
    # credentials
    given = {h: headers[h] for h in signed if h not in ("host", "x-amz-date", "x-amz-security-token")}
    request = AWSRequest(method="POST", url=f"http://127.0.0.1:{port}/", data=body, headers=given)
    # SigV4Auth.add_auth's own steps, at the request's time instead of now:
    # add_auth takes "now" from datetime.utcnow() in Debian 12's botocore
    # (1.29) and from get_current_datetime() in current ones, so neither can
    # be patched for both; these four methods are the same in both.
    signer = botocore.auth.SigV4Auth(Credentials(key, secret, token), service, region)
    request.context["timestamp"] = headers["x-amz-date"]
    signer._modify_request_before_signing(request)
    canonical = signer.canonical_request(request)
    signature = signer.signature(signer.string_to_sign(request, canonical), request)
    signer._inject_signature_to_request(request, signature)
    return request.headers["Authorization"]


class JSONHandler(BaseHTTPRequestHandler):
    """A stand-in's request handler: answers JSON documents, logs nothing."""
    content_type = "application/json"

    def answer(self, status, document):
        data = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


class SSM(JSONHandler):
    """AWS Systems Manager's GetParameter and GetParameters, as far as
    milkbot uses them: every request's SigV4 signature is recomputed with
    botocore and a wrong one refused, as AWS would. With `check_late`
    (benchmarks) it answers first and checks after, so that botocore's
    time is not counted as milkbot's; bad_signatures still counts."""
    content_type = "application/x-amz-json-1.1"
    values = {}  # name -> value
    credentials = ("AKIDEXAMPLE", "secret", None, "eu-west-1")  # key, secret, token, region
    requests = []  # (target, body) of each request
    bad_signatures = 0
    check_late = False

    def signed_right(self, headers, body):
        key, secret, token, region = self.credentials
        expected = botocore_authorization(headers, body, self.server.server_address[1],
                                          key, secret, token, region, "ssm")
        if headers.get("authorization") != expected or headers.get("x-amz-security-token") != token:
            type(self).bad_signatures += 1
            return False
        return True

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        headers = {k.lower(): v for k, v in self.headers.items()}
        request = json.loads(body)
        type(self).requests.append((headers.get("x-amz-target"), request))
        if self.check_late:
            self.answer_request(headers, request)
            self.signed_right(headers, body)
            return
        if not self.signed_right(headers, body):
            return self.answer(400, {"__type": "InvalidSignatureException",
                                     "message": "The request signature we calculated does not match"})
        self.answer_request(headers, request)

    def answer_request(self, headers, request):
        if headers.get("content-type") != "application/x-amz-json-1.1":
            return self.answer(400, {"__type": "UnknownOperationException"})

        def parameter(name):
            return {"Name": name, "Type": "SecureString", "Version": 1,
                    "Value": self.values[name] if request.get("WithDecryption")
                    else "AQICAHencrypted=="}
        target = headers.get("x-amz-target")
        if target == "AmazonSSM.GetParameter":
            name = request.get("Name")
            if name not in self.values:
                return self.answer(400, {"__type": "ParameterNotFound", "message": ""})
            return self.answer(200, {"Parameter": parameter(name)})
        if target == "AmazonSSM.GetParameters":
            names = request.get("Names", [])
            if not 1 <= len(names) <= 10:
                return self.answer(400, {"__type": "ValidationException", "message": "Names"})
            return self.answer(200, {
                "Parameters": [parameter(n) for n in names if n in self.values],
                "InvalidParameters": [n for n in names if n not in self.values]})
        return self.answer(400, {"__type": "UnknownOperationException"})


def save_seen_actions():
    """Writes the IAM actions the code under test was seen to need -- each
    DynamoDB request through a FaultProxy (with the index it read) and each
    request to the fake SSM -- as JSON lines [action, index or null] to the
    file MILKBOT_SEEN_ACTIONS names, if set. iam_actions_test.py compares
    them with the function's policy in template.yaml."""
    path = os.environ.get("MILKBOT_SEEN_ACTIONS")
    if not path:
        return
    seen = {("dynamodb:" + target, index)
            for proxy in FaultProxy.instances for target, index in proxy.actions if target}
    seen |= {("ssm:" + (target or "").rpartition(".")[2], None) for target, _ in SSM.requests}
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as out:
        for action, index in sorted(seen, key=lambda a: (a[0], a[1] or "")):
            out.write(json.dumps([action, index]) + "\n")


def tls_certificate(directory, name="server", hosts=()):
    """A self-signed certificate for 127.0.0.1 and localhost (and the host
    names of hosts), made with the openssl command: returns (certificate,
    key) paths. The certificate is its own CA: a client trusts it only when
    told to (MILKBOT_CA_BUNDLE)."""
    cert, key = os.path.join(directory, name + ".pem"), os.path.join(directory, name + ".key")
    names = "".join(f",DNS:{host}" for host in hosts)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-keyout", key, "-out", cert,
                    "-addext", f"subjectAltName=IP:127.0.0.1,DNS:localhost{names}"],
                   check=True, capture_output=True)
    return cert, key


def serve(handler, tls=None, address="127.0.0.1"):
    """Serves handler on a free port of address (127.0.0.1), over HTTPS
    when tls is a (certificate, key) pair."""
    server = QuietServer((address, 0), handler)
    if tls:
        server.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server.tls.load_cert_chain(*tls)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class FakeBotAPI(BaseHTTPRequestHandler):
    """A Telegram Bot API stand-in (#17) that records every call: serve it
    with bot_api(token). Each call takes the next answer of the server's
    `plan` (None: ok; "502", "429" or "403": that error), else ok; `delay`
    seconds pass before each answer (to make ticks overlap). A chat of
    the server's `migrated` ({old id: new id}, a group upgraded to a
    supergroup) is refused as Telegram does: 400 with migrate_to_chat_id.
    The server's `calls` lists (method, params, fault) in the order they
    came; a call for another token is answered 401, recorded as ("wrong
    token", path, "401")."""

    def do_POST(self):
        server = self.server
        length = int(self.headers.get("Content-Length", 0))
        params = json.loads(self.rfile.read(length) or b"{}")
        prefix = f"/bot{server.token}/"
        with server.lock:
            if not self.path.startswith(prefix):
                fault = "401"
                server.calls.append(("wrong token", self.path, fault))
            else:
                if params.get("chat_id") in server.migrated:
                    fault = "400"  # whatever the plan: it stays for the next call
                else:
                    fault = server.plan.pop(0) if server.plan else None
                server.calls.append((self.path[len(prefix):], params, fault))
        time.sleep(server.delay)
        if fault is None:
            code, answer = 200, {"ok": True, "result": {"message_id": len(server.calls)}}
        elif fault == "400":
            code, answer = 400, {"ok": False, "error_code": 400, "description":
                                 "Bad Request: group chat was upgraded to a supergroup chat",
                                 "parameters": {"migrate_to_chat_id":
                                                server.migrated[params["chat_id"]]}}
        else:
            code = int(fault)
            answer = {"ok": False, "error_code": code,
                      "description": {"401": "Unauthorized", "403": "Forbidden: bot was "
                                      "blocked by the user", "429": "Too Many Requests: "
                                      "retry after 1", "502": "Bad Gateway"}[fault]}
        body = json.dumps(answer).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def bot_api(token):
    """A FakeBotAPI on a free port: .url is TELEGRAM_API_URL, .calls what it
    was asked, .plan and .delay what it does."""
    server = serve(FakeBotAPI)
    server.token, server.calls, server.plan, server.delay = token, [], [], 0
    server.migrated = {}
    server.lock = threading.Lock()
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    return server


def sent(server):
    """The messages a FakeBotAPI took (sendMessage answered ok), as
    (chat_id, text), in order."""
    return [(p["chat_id"], p["text"]) for m, p, fault in server.calls
            if m == "sendMessage" and fault is None]



def wait_for(what, timeout=30):
    """Polls what() until it is true (returns it) or the time is up (None)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = what()
        if value:
            return value
        time.sleep(0.05)
    return None

class PollingBotAPI(FakeBotAPI):
    """A FakeBotAPI that also hands out updates by getUpdates, as Telegram
    does for a bot without a webhook (#18): serve it with
    polling_bot_api(token). push(update) queues an update; getUpdates
    answers those with update_id >= its offset (the ones before are
    confirmed, and forgotten), at once when there are some, else when one
    is pushed or its timeout passes. The server's `webhook` is the URL
    getWebhookInfo reports ("": none; deleteWebhook empties it); while it
    is set, getUpdates is answered 409 as Telegram does. Each getUpdates
    takes the next fault of `poll_plan` ("429": retry_after 1; "502": an
    HTML page, as a proxy answers). Every call is recorded in `calls`, as
    FakeBotAPI's, getUpdates with its fault."""

    POLLING = ("getUpdates", "getWebhookInfo", "deleteWebhook")

    def do_POST(self):
        server = self.server
        prefix = f"/bot{server.token}/"
        method = self.path[len(prefix):] if self.path.startswith(prefix) else None
        if method not in self.POLLING:
            return super().do_POST()
        length = int(self.headers.get("Content-Length", 0))
        params = json.loads(self.rfile.read(length) or b"{}")
        with server.lock:
            fault = None
            if method == "getUpdates" and server.poll_plan:
                fault = server.poll_plan.pop(0)
            server.calls.append((method, params, fault))
        if fault == "502":
            return self.send(502, b"<html><body>502 Bad Gateway</body></html>", "text/html")
        if fault == "429":
            return self.answer(429, {"ok": False, "error_code": 429,
                                     "description": "Too Many Requests: retry after 1",
                                     "parameters": {"retry_after": 1}})
        if method == "getWebhookInfo":
            return self.answer(200, {"ok": True, "result": {
                "url": server.webhook, "has_custom_certificate": False,
                "pending_update_count": len(server.updates)}})
        if method == "deleteWebhook":
            server.webhook = ""
            return self.answer(200, {"ok": True, "result": True})
        if server.webhook:
            return self.answer(409, {"ok": False, "error_code": 409, "description":
                                     "Conflict: can't use getUpdates method while "
                                     "webhook is active; use deleteWebhook to delete "
                                     "the webhook first"})
        offset = params.get("offset", 0)
        deadline = time.monotonic() + min(params.get("timeout", 0), server.max_wait)
        with server.cond:
            while True:
                if offset:
                    server.updates = [u for u in server.updates if u["update_id"] >= offset]
                if server.updates or time.monotonic() >= deadline:
                    break
                server.cond.wait(deadline - time.monotonic())
            result = list(server.updates[:100])
        self.answer(200, {"ok": True, "result": result})

    def answer(self, status, document):
        self.send(status, json.dumps(document).encode(), "application/json")

    def send(self, status, body, content_type):
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the poller gave up (SIGTERM, kill -9)


def polling_bot_api(token, tls=None, address="127.0.0.1", host=None):
    """A PollingBotAPI on a free port of address (over HTTPS when tls is a
    (certificate, key) pair; its .url names host, else the address):
    bot_api's, and .push(update), .webhook, .poll_plan and .max_wait (the
    longest a poll is held, s)."""
    server = serve(PollingBotAPI, tls, address)
    server.token, server.calls, server.plan, server.delay = token, [], [], 0
    server.migrated = {}
    server.lock = threading.Lock()
    server.cond = threading.Condition(server.lock)
    server.updates, server.webhook, server.poll_plan, server.max_wait = [], "", [], 50
    scheme = "https" if tls else "http"
    server.url = f"{scheme}://{host or address}:{server.server_address[1]}"

    def push(update):
        with server.cond:
            server.updates.append(update)
            server.cond.notify_all()
    server.push = push
    return server
