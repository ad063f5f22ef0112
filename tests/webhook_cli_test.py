#!/usr/bin/env python3
"""webhook_cli_test.py -- `milkbot webhook set|info|delete` and `milkbot
commands set` against a local fake of the Bot API: the exact calls, the
token in the path only, the secrets read from (a fake, signature-checking)
SSM, the Bot API over HTTPS with MILKBOT_CA_BUNDLE, and clear errors.
usage: webhook_cli_test.py path/to/milkbot"""
import json
import os
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from services import SSM, Checks, serve, tls_certificate

MILKBOT = sys.argv[1]
TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
SECRET = "x2Kf9-webhook-secret_0123"
check = Checks("webhook cli")


class BotAPI(BaseHTTPRequestHandler):
    calls = []
    answers = {
        "getWebhookInfo": {"url": "https://abc.execute-api.eu-west-1.amazonaws.com/webhook",
                           "has_custom_certificate": False, "pending_update_count": 2,
                           "last_error_date": 1795867200,
                           "last_error_message": "Wrong response from the webhook: 500"},
    }

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).calls.append((self.path, body))
        method = self.path.rsplit("/", 1)[-1]
        if self.path.split("/")[1] != f"bot{TOKEN}":
            answer = {"ok": False, "error_code": 401, "description": "Unauthorized"}
            self.send_response(401)
        else:
            answer = {"ok": True, "result": self.answers.get(method, True)}
            self.send_response(200)
        data = json.dumps(answer).encode()
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), BotAPI)
threading.Thread(target=server.serve_forever, daemon=True).start()
env = dict(os.environ, AWS_SHARED_CREDENTIALS_FILE="", AWS_CONFIG_FILE="", AWS_PROFILE="",
           TELEGRAM_BOT_TOKEN=TOKEN, MILKBOT_WEBHOOK_SECRET=SECRET,
           TELEGRAM_API_URL=f"http://127.0.0.1:{server.server_address[1]}")


def run(*args, **extra):
    return subprocess.run([MILKBOT, *args], env=dict(env, **extra), capture_output=True,
                          text=True, timeout=30)


url = "https://abc.execute-api.eu-west-1.amazonaws.com/webhook"
r = run("webhook", "set", "--url", url, "--drop-pending")
check("set: exit 0", r.returncode == 0, r.stderr)
path, body = BotAPI.calls[-1]
check("set: setWebhook with the token in the path", path == f"/bot{TOKEN}/setWebhook", path)
check("set: the parameters", body == {"url": url, "secret_token": SECRET,
      "allowed_updates": ["message", "edited_message", "callback_query"],
      "drop_pending_updates": True}, str(body))
check("set: no secret printed", SECRET not in r.stdout + r.stderr and TOKEN not in r.stdout + r.stderr)

r = run("webhook", "info")
check("info: the calls", BotAPI.calls[-1][0] == f"/bot{TOKEN}/getWebhookInfo")
check("info: url, pending, last error", url in r.stdout and "pending updates: 2" in r.stdout
      and "Wrong response from the webhook: 500" in r.stdout, r.stdout)

r = run("webhook", "delete")
check("delete", r.returncode == 0 and BotAPI.calls[-1] == (f"/bot{TOKEN}/deleteWebhook", {}),
      str(BotAPI.calls[-1]))

r = run("commands", "set")
path, body = BotAPI.calls[-1]
check("commands: setMyCommands", path == f"/bot{TOKEN}/setMyCommands" and
      [c["command"] for c in body["commands"]] == ["total", "week", "last", "undo", "next", "reminders", "stopreminders", "tz", "help"],
      str(body))

# errors: named, and the token never shown
r = run("webhook", "info", TELEGRAM_BOT_TOKEN="999:wrong")
check("wrong token: exit 1 and Telegram's words", r.returncode == 1 and "Unauthorized" in r.stderr,
      r.stderr)
check("wrong token: not shown", "999:wrong" not in r.stderr)
r = run("webhook", "set", "--url", url, MILKBOT_WEBHOOK_SECRET="")
check("no secret: named", r.returncode == 1 and "MILKBOT_WEBHOOK_SECRET" in r.stderr, r.stderr)
r = run("webhook", "set", "--url", "http://insecure/webhook")
check("an http URL: refused", r.returncode == 2 and "https://" in r.stderr, r.stderr)
r = run("webhook", "info", TELEGRAM_BOT_TOKEN="")
check("no token: named", r.returncode == 1 and "TELEGRAM_BOT_TOKEN" in r.stderr, r.stderr)
r = run("webhook", "frob")
check("unknown action: exit 2", r.returncode == 2)
env["TELEGRAM_API_URL"] = "http://127.0.0.1:1"
r = run("webhook", "info")
check("Telegram unreachable: a clear error", r.returncode == 1 and "getWebhookInfo" in r.stderr,
      r.stderr)
server.shutdown()

# the secrets from SSM (AWS credentials from the environment)
ssm = serve(SSM)
SSM.values = {"/milkbot/bot-token": TOKEN, "/milkbot/webhook-secret": SECRET}
server = ThreadingHTTPServer(("127.0.0.1", 0), BotAPI)
threading.Thread(target=server.serve_forever, daemon=True).start()
aws = {"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
       "AWS_REGION": "eu-west-1", "AWS_SESSION_TOKEN": "",
       "AWS_ENDPOINT_URL_SSM": f"http://127.0.0.1:{ssm.server_address[1]}"}
env = {k: v for k, v in env.items() if k not in ("TELEGRAM_BOT_TOKEN", "MILKBOT_WEBHOOK_SECRET",
                                                  "BOT_TOKEN_PARAM", "WEBHOOK_SECRET_PARAM")}
env.update(aws, TELEGRAM_API_URL=f"http://127.0.0.1:{server.server_address[1]}")
r = run("webhook", "set", "--token-param", "/milkbot/bot-token", "--url", url,
        "--secret-param", "/milkbot/webhook-secret")
check("ssm: set with both secrets from SSM", r.returncode == 0, r.stderr)
check("ssm: setWebhook got them", BotAPI.calls[-1][0] == f"/bot{TOKEN}/setWebhook"
      and BotAPI.calls[-1][1]["secret_token"] == SECRET, str(BotAPI.calls[-1]))
check("ssm: two GetParameter requests, decrypted, signed as botocore signs",
      [(t, b["Name"], b["WithDecryption"]) for t, b in SSM.requests] ==
      [("AmazonSSM.GetParameter", "/milkbot/bot-token", True),
       ("AmazonSSM.GetParameter", "/milkbot/webhook-secret", True)]
      and SSM.bad_signatures == 0, f"{SSM.requests} bad={SSM.bad_signatures}")
check("ssm: no secret printed", SECRET not in r.stdout + r.stderr and TOKEN not in r.stdout + r.stderr)
r = run("webhook", "info", BOT_TOKEN_PARAM="/milkbot/bot-token")
check("ssm: the parameter's name from BOT_TOKEN_PARAM, as in Lambda",
      r.returncode == 0 and BotAPI.calls[-1][0] == f"/bot{TOKEN}/getWebhookInfo", r.stderr)
SSM.credentials = ("ASIAEXAMPLE", "secret2", "session-token-x", "eu-west-1")
r = run("commands", "set", "--token-param", "/milkbot/bot-token", AWS_ACCESS_KEY_ID="ASIAEXAMPLE",
        AWS_SECRET_ACCESS_KEY="secret2", AWS_SESSION_TOKEN="session-token-x")
check("ssm: session credentials", r.returncode == 0 and SSM.bad_signatures == 0, r.stderr)
SSM.credentials = ("AKIDEXAMPLE", "secret", None, "eu-west-1")
calls = len(BotAPI.calls)
r = run("webhook", "info", "--token-param", "/milkbot/no-such")
check("ssm: unknown parameter: named, with AWS's error", r.returncode == 1
      and "/milkbot/no-such" in r.stderr and "ParameterNotFound" in r.stderr, r.stderr)
check("ssm: unknown parameter: Telegram not called", len(BotAPI.calls) == calls)
r = run("webhook", "info", "--token-param", "/milkbot/bot-token", AWS_SECRET_ACCESS_KEY="wrong")
check("ssm: refused signature: AWS's error", r.returncode == 1
      and "InvalidSignatureException" in r.stderr, r.stderr)
r = run("webhook", "info", "--token-param", "/milkbot/bot-token", AWS_ACCESS_KEY_ID="")
check("ssm: half the AWS credentials: named", r.returncode == 1 and "AWS_ACCESS_KEY_ID" in r.stderr,
      r.stderr)
r = run("webhook", "info", "--token-param", "/milkbot/bot-token", AWS_ACCESS_KEY_ID="",
        AWS_SECRET_ACCESS_KEY="")
check("ssm: no AWS credentials anywhere: how to give them", r.returncode == 1
      and "AWS_ACCESS_KEY_ID" in r.stderr and "aws configure" in r.stderr, r.stderr)

# or, when the environment has none, the AWS CLI's profile (aws configure)
with tempfile.TemporaryDirectory() as home:
    os.mkdir(os.path.join(home, ".aws"))
    with open(os.path.join(home, ".aws", "credentials"), "w") as f:
        f.write("[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = s1\n\n"
                "# the family's account\n[family]\n  aws_access_key_id=AKIDFAMILY  \n"
                "aws_secret_access_key = s2\naws_session_token = tok-family\n")
    with open(os.path.join(home, ".aws", "config"), "w") as f:
        f.write("[default]\nregion = us-west-2\n[profile family]\nregion = ap-southeast-2\n"
                "output = json\n")
    no_env = dict(AWS_ACCESS_KEY_ID="", AWS_SECRET_ACCESS_KEY="", AWS_REGION="",
                  AWS_SESSION_TOKEN="", AWS_DEFAULT_REGION="", HOME=home)
    SSM.credentials = ("AKIDDEFAULT", "s1", None, "us-west-2")
    SSM.bad_signatures = 0  # counted from here
    r = run("webhook", "info", "--token-param", "/milkbot/bot-token", **no_env)
    check("profile: default credentials and region from ~/.aws", r.returncode == 0
          and SSM.bad_signatures == 0, r.stderr)
    SSM.credentials = ("AKIDFAMILY", "s2", "tok-family", "ap-southeast-2")
    r = run("webhook", "info", "--token-param", "/milkbot/bot-token", AWS_PROFILE="family", **no_env)
    check("profile: AWS_PROFILE's, with its session token", r.returncode == 0
          and SSM.bad_signatures == 0, r.stderr)
    r = run("webhook", "info", "--token-param", "/milkbot/bot-token", AWS_PROFILE="nobody", **no_env)
    check("profile: an unknown one: named", r.returncode == 1 and '"nobody"' in r.stderr, r.stderr)
    SSM.credentials = ("AKIDEXAMPLE", "secret", None, "eu-west-1")
r = run("webhook", "set", "--url", url, "--token-param", "/milkbot/bot-token")
check("ssm: no webhook secret anywhere: both ways named", r.returncode == 1
      and "MILKBOT_WEBHOOK_SECRET" in r.stderr and "--secret-param" in r.stderr, r.stderr)
r = run("webhook", "info")
check("no token anywhere: both ways named", r.returncode == 1 and "TELEGRAM_BOT_TOKEN" in r.stderr
      and "--token-param" in r.stderr, r.stderr)
r = run("webhook", "info", "--token-param")
check("--token-param without a name: exit 2", r.returncode == 2 and "--token-param" in r.stderr,
      r.stderr)
server.shutdown()

# the Bot API over HTTPS: trusted through MILKBOT_CA_BUNDLE only
with tempfile.TemporaryDirectory() as tmp:
    ca, key = tls_certificate(tmp)
    other, _ = tls_certificate(tmp, "other")
    server = serve(BotAPI, tls=(ca, key))
    env.update(TELEGRAM_BOT_TOKEN=TOKEN,
               TELEGRAM_API_URL=f"https://127.0.0.1:{server.server_address[1]}")
    r = run("webhook", "info", MILKBOT_CA_BUNDLE=ca)
    check("https: the CA bundle trusted", r.returncode == 0 and "pending updates: 2" in r.stdout,
          r.stderr)
    r = run("webhook", "info", MILKBOT_CA_BUNDLE=other)
    check("https: another CA: refused, saying why", r.returncode == 1
          and "certificate" in r.stderr.lower(), r.stderr)
    r = run("webhook", "info", MILKBOT_CA_BUNDLE=os.path.join(tmp, "missing.pem"))
    check("https: a missing CA bundle: named", r.returncode == 1 and "missing.pem" in r.stderr
          and "MILKBOT_CA_BUNDLE" in r.stderr, r.stderr)
    server.shutdown()
check.finish()
