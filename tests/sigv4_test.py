#!/usr/bin/env python3
"""sigv4_test.py -- every request our DynamoDB client sends (signed by
libcurl's CURLOPT_AWS_SIGV4) must carry exactly the Authorization header that
botocore's SigV4 signer computes for the same credentials, session token,
region, time and request. The requests are captured by a loopback server
standing in for DynamoDB.  usage: sigv4_test.py path/to/milkbot"""
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from services import Checks, botocore_authorization

MILKBOT = sys.argv[1]
captured = []
check = Checks("sigv4")


class Capture(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        headers = {k.lower(): v for k, v in self.headers.items()}
        captured.append((headers, body, self.path))
        op = headers.get("x-amz-target", "").split(".")[-1]
        reply = b'{"Items":[]}' if op == "Query" else b"{}"
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass




def run_case(name, key, secret, token, region, messages):
    captured.clear()
    server = HTTPServer(("127.0.0.1", 0), Capture)
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret, AWS_REGION=region,
               AWS_ENDPOINT_URL_DYNAMODB=f"http://127.0.0.1:{port}")
    if token:
        env["AWS_SESSION_TOKEN"] = token
    subprocess.run([MILKBOT, "chat", "--store", "dynamodb:feedings", "--tz", "Europe/London",
                    "--now", "2026-11-28T15:00:00Z", "--user", "Zoé"],
                   input="\n".join(messages).encode(), env=env, capture_output=True, timeout=60)
    server.shutdown()
    check(f"{name}: requests were sent", len(captured) >= 4, f"{len(captured)} requests")
    for headers, body, path in captured:
        op = headers.get("x-amz-target", "?")
        ours = headers.get("authorization", "")
        theirs = botocore_authorization(headers, body, port, key, secret, token, region)
        check(f"{name}: {op}: signature", ours == theirs, f"curl:     {ours}\n  botocore: {theirs}")
        check(f"{name}: {op}: path", path == "/", path)
        check(f"{name}: {op}: JSON body", json.loads(body) is not None)
        check(f"{name}: {op}: content type",
              headers.get("content-type") == "application/x-amz-json-1.0", headers.get("content-type"))
        has_token = "x-amz-security-token" in headers
        check(f"{name}: {op}: session token sent", has_token == bool(token), str(has_token))
        if token:
            check(f"{name}: {op}: token is signed", "x-amz-security-token" in ours.split("SignedHeaders=")[1])
        everything = json.dumps(headers) + body.decode("utf-8")
        check(f"{name}: {op}: the secret key is never sent", secret not in everything)


run_case("session credentials", "ASIAEXAMPLEKEY123456", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
         "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+session/token=", "us-east-1",
         ["12pm 120ml milk", "total?"])
run_case("long-term credentials", "AKIDEXAMPLE", "secret+/=key", None, "eu-west-2",
         ["4oz formula 20 min ago", "undo"])
run_case("UTF-8 bodies", "AKIDEXAMPLE", "s3cr3t", "token", "ap-southeast-1",
         ["120ml Léa 🍼 \"quoted\" \\ backslash", "tz Asia/Singapore"])

check.finish()
