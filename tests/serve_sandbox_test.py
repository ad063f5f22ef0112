"""serve_sandbox_test.py -- `milkbot serve` lives inside the sandbox of its
systemd unit (#18, packaging/systemd/milkbot.service). The unit cannot be
started where systemd is not PID 1, and a syscall filter that forbids what
milkbot (or glibc, ICU, libcurl, OpenSSL, SQLite) really calls kills the
service at its first message: so serve is run under strace, the way the
unit runs it (not root, cwd /, HOME=/, the store in its state directory),
through a conversation with a fake Bot API over HTTPS, by name (a 502
waited out, a bottle, /total, a reminder, a daily summary, the bottle's
Undo button), then stopped with SIGTERM while it polls; and what the whole
process tree did from exec on is held against the unit:

  SystemCallFilter=            every syscall used is allowed (the unit's
                               lines, their groups expanded by
                               `systemd-analyze syscall-filter`, and the
                               filters other settings imply)
  MemoryDenyWriteExecute=yes   no mapping both writable and executable, no
                               mprotect to executable, no shmat SHM_EXEC
  RestrictAddressFamilies=     every socket() of a family the unit names
  ProtectSystem=strict         every file written, created, removed or
                               renamed is in the state directory, or a
                               place systemd leaves writable (see
                               WRITABLE_DEVICES)
  SystemCallArchitectures=native   no process switches to 32-bit mode

Skipped (77, saying so) without strace or systemd-analyze, where strace
cannot trace, or for a sanitizer build (their runtimes' syscalls are not
milkbot's).

usage: serve_sandbox_test.py path/to/milkbot path/to/milkbot.service"""
import codecs
import os
import pwd
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
from services import Checks, polling_bot_api, tls_certificate, wait_for  # noqa: E402
from telegram_events import button_update, message_update  # noqa: E402

if len(sys.argv) != 3:
    sys.exit("usage: serve_sandbox_test.py path/to/milkbot path/to/milkbot.service")
MILKBOT = os.path.abspath(sys.argv[1])
UNIT = sys.argv[2]
check = Checks("serve_sandbox")
TOKEN = "7391046628:sandbox-test-token"
BOT_ID = 7391046628
ALEX, SAM = 111111111, 222222222
NAMES = {ALEX: "Alex", SAM: "Sam"}


# ---- the unit ----

def unit_settings(path):
    """[Service]'s settings: name -> the values of its lines, in order."""
    settings, section = {}, None
    with open(path) as f:
        lines = f.read().replace("\\\n", " ").splitlines()
    for line in lines:
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            section = line
            continue
        if section == "[Service]" and "=" in line:
            name, value = line.split("=", 1)
            settings.setdefault(name.strip(), []).append(value.strip())
    return settings


def yes(settings, name):
    values = settings.get(name)
    return bool(values) and values[-1].lower() in ("yes", "true", "on", "1")


def syscall_groups():
    """systemd's syscall groups: @name -> its members (syscalls and
    @groups), as this machine's `systemd-analyze syscall-filter` lists them."""
    out = subprocess.run(["systemd-analyze", "syscall-filter"], capture_output=True,
                         text=True, check=True).stdout
    groups, group = {}, None
    for line in out.splitlines():
        if line.startswith("@"):
            group = groups.setdefault(line.strip(), set())
        elif group is not None and line.strip() and not line.strip().startswith("#"):
            group.add(line.strip())
    return groups


def expand(names, groups, seen=None):
    """The syscalls of names, @groups expanded (groups hold groups)."""
    seen = set() if seen is None else seen
    calls = set()
    for name in names:
        name = name.split(":")[0]  # "name:errno"
        if not name.startswith("@"):
            calls.add(name)
        elif name not in seen:
            seen.add(name)
            if name not in groups:
                raise SystemExit(f"serve_sandbox: {UNIT}: systemd knows no group {name}")
            calls |= expand(groups[name], groups, seen)
    return calls


# What other settings of the unit add to its syscall filter (systemd's
# exec code): denied whatever SystemCallFilter= says.
IMPLIED_DENIALS = {
    "PrivateDevices": ["@raw-io"],
    "ProtectKernelModules": ["@module"],
    "ProtectClock": ["@clock"],
    "ProtectKernelLogs": ["syslog"],
    "ProtectHostname": ["sethostname", "setdomainname"],
}


def syscall_filter(settings, groups):
    """is_allowed(name) for the unit's SystemCallFilter= lines as systemd
    reads them: the first non-empty line decides the kind (a list of what
    is allowed, which then also allows @default; or, with "~", of what is
    denied); each later line adds to that list, or with the other kind
    takes its names out of it; an empty line starts again."""
    mode, names = None, set()
    for value in settings.get("SystemCallFilter", []):
        if not value:
            mode, names = None, set()
            continue
        deny = value.startswith("~")
        listed = expand(value.lstrip("~").split(), groups)
        if mode is None:
            mode = "deny" if deny else "allow"
            if mode == "allow":
                names |= expand(["@default"], groups)
        if (mode == "deny") == deny:
            names |= listed
        else:
            names -= listed
    implied = set()
    for setting, denied in IMPLIED_DENIALS.items():
        if yes(settings, setting):
            implied |= expand(denied, groups)
    if mode == "allow":
        return lambda call: call in names and call not in implied
    if mode == "deny":
        return lambda call: call not in names and call not in implied
    return lambda call: call not in implied


def address_families(settings):
    """is_allowed(AF_...) for RestrictAddressFamilies= (None: no line)."""
    mode, names = None, set()
    for value in settings.get("RestrictAddressFamilies", []):
        if not value:
            mode, names = None, set()
            continue
        if value == "none":
            mode, names = "allow", set()
            continue
        deny = value.startswith("~")
        listed = set(value.lstrip("~").split())
        if mode is None:
            mode = "deny" if deny else "allow"
        if (mode == "deny") == deny:
            names |= listed
        else:
            names -= listed
    if mode == "allow":
        return lambda family: family in names
    if mode == "deny":
        return lambda family: family not in names
    return lambda family: True


# ---- serve under strace ----

def skip_unless_traceable():
    for tool in ("strace", "systemd-analyze"):
        if shutil.which(tool) is None:
            check.skip(f"{tool} is not installed (scripts/setup installs it)")
    with open(MILKBOT, "rb") as f:
        binary = f.read()
    if b"__asan_init" in binary or b"__ubsan_handle_" in binary:
        check.skip("a sanitizer build: its runtime's syscalls are not milkbot's")
    probe = subprocess.run(["strace", "-f", "-qq", "-o", os.devnull, "true"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        check.skip(f"strace cannot trace here: {probe.stderr.strip()}")


def loopback_name():
    """(this machine's name, its address) when the name resolves to a
    loopback address only (Debian's /etc/hosts: 127.0.1.1), else (None,
    "127.0.0.1")."""
    name = socket.gethostname()
    try:
        found = {a[4][0] for a in socket.getaddrinfo(name, None, socket.AF_INET)}
    except OSError:
        found = set()
    if name and len(found) == 1 and next(iter(found)).startswith("127."):
        return name, found.pop()
    return None, "127.0.0.1"


def tracee(tracer, program):
    """The pid of strace's child once it runs program, or None. (strace
    forks other children first, to learn what ptrace can do.)"""
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parent = int(f.read().rsplit(")", 1)[1].split()[1])
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    running = f.read().split(b"\0")[0]
            except OSError:
                continue
            if parent == tracer and running == os.fsencode(program):
                return int(entry)
    return None


def converse(tmp, state, trace):
    """serve under strace (its calls in the file trace) through a
    conversation, then SIGTERM."""
    # the Bot API by a name serve resolves as it does api.telegram.org
    # (libcurl's resolver thread, getaddrinfo, NSS): this machine's own,
    # when it names a loopback address (not "localhost": libcurl knows it)
    host, address = loopback_name()
    ca, key = tls_certificate(tmp, hosts=[host] if host else [])
    api = polling_bot_api(TOKEN, tls=(ca, key), address=address, host=host)
    api.poll_plan = ["502"]  # the first poll fails: waited out (backoff), tried again
    if not host:
        print("serve_sandbox: the Bot API by its address (this machine's name is "
              "not a loopback address): no name resolved")
    db = os.path.join(state, "milkbot.db")
    # what the unit gives serve: its settings file's three, HOME=/ (the
    # dynamic user's), working directory /; only MILKBOT_CA_BUNDLE and
    # TELEGRAM_API_URL are the test's (the fake Bot API and its certificate)
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
           "HOME": "/", "TELEGRAM_BOT_TOKEN": TOKEN, "ALLOWED_USER_IDS": f"{ALEX},{SAM}",
           "MILKBOT_TZ": "Europe/London", "TELEGRAM_API_URL": api.url,
           "MILKBOT_CA_BUNDLE": ca}
    # installed as the unit's head says (install -m 0755), and run by a
    # user who is not root, as DynamicUser= has it: as root, SQLite would
    # fchown its journals to the store's owner, which the unit forbids
    # (@chown, in ~@privileged) but a dynamic user never does
    milkbot = os.path.join(tmp, "bin", "milkbot")
    os.mkdir(os.path.dirname(milkbot), 0o755)
    shutil.copy(MILKBOT, milkbot)
    os.chmod(milkbot, 0o755)
    as_user = []
    if os.geteuid() == 0:
        as_user = ["-u", "nobody"]
        os.chmod(tmp, 0o711)
        os.chmod(ca, 0o644)
        nobody = pwd.getpwnam("nobody")
        os.chown(state, nobody.pw_uid, nobody.pw_gid)
    log = os.path.join(tmp, "serve.log")
    with open(log, "w") as err:
        tracer = subprocess.Popen(
            ["strace", "-f", "-qq", "-y", "-s", "256", "-o", trace] + as_user +
            ["--", milkbot, "serve", "--store", "sqlite:" + db],
            env=env, cwd="/", stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=err, preexec_fn=lambda: os.umask(0o077))

    def stderr():
        with open(log) as f:
            return f.read()

    serve = None
    try:
        serve = wait_for(lambda: tracee(tracer.pid, milkbot), 10)
        now = int(time.time())
        ids = {"update": 700, "message": 0}

        def say(user, text):
            ids["update"] += 1
            ids["message"] += 1
            mark = len(api.calls)
            api.push(message_update(ids["update"], user, ids["message"], user, NAMES[user],
                                    now, text))
            message = ids["message"]
            replies = wait_for(lambda: [p for m, p, _ in api.calls[mark:] if m == "sendMessage"
                                        and p.get("reply_parameters", {})
                                        .get("message_id") == message])
            check(f"{text!r}: answered", replies, stderr())
            return replies[0] if replies else None

        bottle = say(ALEX, "120ml")
        total = say(SAM, "/total")
        check("/total: 120 ml", total and "120" in total["text"], total)
        say(ALEX, "remind every 3h")
        say(SAM, "summary at 8pm")
        try:
            button = bottle["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        except (TypeError, KeyError, IndexError):
            button = None
        check("the bottle: an Undo button", button, bottle)
        if button:
            ids["update"] += 1
            mark = len(api.calls)
            api.push(button_update(ids["update"], ALEX, 9001, ALEX, "Alex", now, "press-1",
                                   button))
            methods = wait_for(lambda: {m for m, _, _ in api.calls[mark:]} >=
                               {"answerCallbackQuery", "editMessageText"})
            check("Undo: answered and the reply edited", methods, stderr())

        def kept():
            try:
                c = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
                try:
                    row = c.execute("SELECT last_update_id FROM polls WHERE bot_id = ?",
                                    (BOT_ID,)).fetchone()
                finally:
                    c.close()
                return row and row[0] == ids["update"]
            except sqlite3.Error:
                return False
        check("every update kept", wait_for(kept, 10), stderr())
        check("the 502 waited out", [f for m, _, f in api.calls if m == "getUpdates"][:2]
              == ["502", None], stderr())
        check("serve found", serve, "no child of strace runs milkbot")
        if serve:
            os.kill(serve, signal.SIGTERM)
        try:
            status = tracer.wait(timeout=20)
        except subprocess.TimeoutExpired:
            status = "still running"
        check("SIGTERM: exit 0", status == 0, f"{status}: {stderr()}")
    finally:
        # none left running, whatever failed (strace killed lets its
        # tracee run on)
        if tracer.poll() is None:
            try:
                if serve:
                    os.kill(serve, signal.SIGKILL)
            except ProcessLookupError:
                pass
            tracer.kill()
            tracer.wait()
        api.shutdown()


# ---- the trace ----

LINE = re.compile(r"^(\d+) +(?:<\.\.\. (\w+) resumed>|(\w+)\()(.*)$")


def calls_in(trace):
    """(pid, syscall, its arguments' text) of each call in the trace, from
    the first execve on (a call strace saw begin and end apart counts once,
    where it began), and the lines about a process's personality."""
    calls, notes, started = [], [], False
    with open(trace, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("[ Process PID="):
                notes.append(line)
                continue
            m = LINE.match(line)
            if not m or m.group(2):  # a signal, an exit, a call's end
                continue
            name, rest = m.group(3), m.group(4)
            started = started or name == "execve"
            if started:
                calls.append((int(m.group(1)), name, rest))
    return calls, notes


def arguments(rest):
    """The top-level arguments of a call (the text after "name("), and its
    result: ([arg, ...], result or None)."""
    args, depth, quoted, token, i = [], 0, False, "", 0
    while i < len(rest):
        c = rest[i]
        if quoted:
            token += c
            if c == "\\" and i + 1 < len(rest):
                token += rest[i + 1]
                i += 1
            elif c == '"':
                quoted = False
        elif c == '"':
            quoted, token = True, token + c
        elif c in "{[(<":
            depth, token = depth + 1, token + c
        elif c in "}])>" and depth > 0:
            depth, token = depth - 1, token + c
        elif c == "," and depth == 0:
            args.append(token.strip())
            token = ""
        elif c == ")" and depth == 0:
            args.append(token.strip())
            return [a for a in args if a], rest[i + 1:].partition("=")[2].strip() or None
        else:
            token += c
        i += 1
    # unfinished: "... <unfinished ...>"
    token = token.replace("<unfinished ...>", "").strip()
    args.append(token)
    return [a for a in args if a], None


def string(arg):
    """A C string strace printed ("..."), or None."""
    if len(arg) >= 2 and arg[0] == '"' and arg.rstrip(".")[-1] == '"':
        text = arg.rstrip(".")[1:-1]
        return codecs.decode(text.encode("latin-1", "backslashreplace"),
                             "unicode_escape").encode("latin-1").decode("utf-8", "replace")
    return None


def at(dirfd, path):
    """path, relative to dirfd (AT_FDCWD: the working directory, /; an fd
    strace decoded with -y: "3</the/dir>")."""
    if path is None or path.startswith("/"):
        return path
    m = re.match(r"^(?:AT_FDCWD|-?\d+)<(.*)>$", dirfd or "")
    base = m.group(1) if m else "/"
    return os.path.normpath(os.path.join(base, path))


WRITE_FLAGS = ("O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC")
# each call that changes the file system: the indexes of its (dirfd,
# path) pairs (dirfd None: relative to the working directory)
CHANGES = {
    "creat": [(None, 0)], "unlink": [(None, 0)], "rmdir": [(None, 0)],
    "mkdir": [(None, 0)], "mknod": [(None, 0)], "truncate": [(None, 0)],
    "unlinkat": [(0, 1)], "mkdirat": [(0, 1)], "mknodat": [(0, 1)],
    "rename": [(None, 0), (None, 1)], "renameat": [(0, 1), (2, 3)],
    "renameat2": [(0, 1), (2, 3)], "link": [(None, 1)], "linkat": [(2, 3)],
    "symlink": [(None, 1)], "symlinkat": [(1, 2)],
}


def written(name, args, result):
    """The paths a call writes, creates or removes."""
    if name in ("open", "openat", "openat2"):
        dirfd, path, flags = (None, args[0], args[1:2]) if name == "open" else \
                             (args[0], args[1] if len(args) > 1 else "", args[2:3])
        flags = flags[0] if flags else ""
        if not any(f in flags.split("|") or f in flags for f in WRITE_FLAGS):
            return []
        opened = re.match(r"^\d+<(.*)>$", result or "")  # -y: the file opened
        return [opened.group(1) if opened else at(dirfd, string(path))]
    return [at(args[d] if d is not None else None, string(args[p]))
            for d, p in CHANGES.get(name, []) if p < len(args)]


# Where ProtectSystem=strict leaves a service free to write, besides its
# StateDirectory=: PrivateTmp=yes (DynamicUser=yes implies it) gives it
# private, writable /tmp and /var/tmp (SQLite's temporary files); PrivateDevices=yes
# gives a /dev with the pseudo devices, writable as devices are on a
# read-only /dev: null, zero, full, random, urandom, tty, ptmx and pts/*,
# and /dev/shm, a tmpfs of its own. Nothing else: /etc, /usr, /var, / and
# $HOME (/) are read-only.
WRITABLE_DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
                    "/dev/tty", "/dev/ptmx")
WRITABLE_TREES = ("/dev/pts", "/dev/shm")
PRIVATE_TMP = ("/tmp", "/var/tmp")


def under(path, tree):
    return path == tree or path.startswith(tree.rstrip("/") + "/")


def may_write(path, state, test_tmp):
    if path is None:
        return False
    path = os.path.normpath(path)
    if under(path, state) or path in WRITABLE_DEVICES or \
            any(under(path, t) for t in WRITABLE_TREES):
        return True
    # the test's own folder is in /tmp, but nothing beside the state
    # directory would be there for the service: it is the rest of the disk
    if under(path, test_tmp):
        return False
    return any(under(path, t) for t in PRIVATE_TMP)


def prot(arg):
    return set(arg.split("|"))


def judge(trace, settings, state, test_tmp):
    calls, notes = calls_in(trace)
    check("the trace has serve's calls", len(calls) > 100, f"{len(calls)} calls")
    used = sorted({name for _, name, _ in calls})
    print(f"serve_sandbox: {len(used)} syscalls used by serve, from exec on: {' '.join(used)}")

    # SystemCallFilter=
    allowed = syscall_filter(settings, syscall_groups())
    forbidden = [name for name in used if not allowed(name)]
    check("SystemCallFilter= allows every syscall serve makes", not forbidden,
          f"used but not allowed: {' '.join(forbidden)}")

    # SystemCallArchitectures=native
    if settings.get("SystemCallArchitectures", [""])[-1] == "native":
        check("SystemCallArchitectures=native: no other personality", not notes, notes)

    # MemoryDenyWriteExecute=yes, as systemd's seccomp filter has it: it
    # cannot see a mapping's protection before mprotect, so it refuses any
    # mprotect/pkey_mprotect with PROT_EXEC (not only one that adds it)
    if yes(settings, "MemoryDenyWriteExecute"):
        wx = []
        for pid, name, rest in calls:
            args, _ = arguments(rest)
            if name in ("mmap", "mmap2") and len(args) > 2 and \
                    {"PROT_WRITE", "PROT_EXEC"} <= prot(args[2]):
                wx.append(f"{pid} {name}({rest}")
            elif name in ("mprotect", "pkey_mprotect") and len(args) > 2 and \
                    "PROT_EXEC" in prot(args[2]):
                wx.append(f"{pid} {name}({rest}")
            elif name == "shmat" and len(args) > 2 and "SHM_EXEC" in args[2]:
                wx.append(f"{pid} {name}({rest}")
        check("MemoryDenyWriteExecute=yes: no writable and executable memory", not wx,
              "\n  ".join(wx))

    # RestrictAddressFamilies= (socket() only, as systemd's filter)
    family_ok = address_families(settings)
    families = set()
    for pid, name, rest in calls:
        if name == "socket":
            args, _ = arguments(rest)
            families.add(args[0] if args else "?")
    bad = sorted(f for f in families if not family_ok(f))
    print(f"serve_sandbox: socket families: {' '.join(sorted(families))}")
    check("RestrictAddressFamilies= names every socket family serve opens", not bad,
          f"not allowed: {' '.join(bad)}")

    # ProtectSystem=strict: writes in the state directory only
    if settings.get("ProtectSystem", [""])[-1] == "strict":
        outside, inside = [], set()
        for pid, name, rest in calls:
            args, result = arguments(rest)
            for path in written(name, args, result):
                if may_write(path, state, test_tmp):
                    inside.add(path)
                else:
                    outside.append(f"{pid} {name}({rest}")
        check("ProtectSystem=strict: serve writes in its state directory only", not outside,
              "\n  ".join(outside))
        check("the store written, in the state directory",
              os.path.join(state, "milkbot.db") in inside, sorted(inside))


def main():
    skip_unless_traceable()
    settings = unit_settings(UNIT)
    check(f"{UNIT}: a StateDirectory= for the store", settings.get("StateDirectory"),
          settings)
    with tempfile.TemporaryDirectory(prefix="milkbot-sandbox-") as tmp:
        # the state directory, as systemd makes it (StateDirectoryMode=0700)
        state = os.path.join(tmp, "state")
        os.mkdir(state, 0o700)
        trace = os.path.join(tmp, "serve.strace")
        converse(tmp, state, trace)
        judge(trace, settings, state, tmp)
    check.finish()


if __name__ == "__main__":
    main()
