"""services.py -- local stand-ins for the cloud, shared by the Python tests:
a private dynalite (on disk, so it survives a restart) and free ports."""
import os
import socket
import subprocess
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Dynalite:
    """node_modules/.bin/dynalite on a free loopback port, data in `path`."""

    def __init__(self, path):
        self.path, self.port, self.proc = path, free_port(), None
        self.endpoint = f"http://127.0.0.1:{self.port}"

    def start(self):
        self.proc = subprocess.Popen(
            [os.path.join(ROOT, "node_modules/.bin/dynalite"), "--host", "127.0.0.1",
             "--port", str(self.port), "--path", self.path, "--createTableMs", "0"],
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
        print(f"{self.name}: {self.passed} passed, {self.failed} failed")
        raise SystemExit(1 if self.failed else 0)
