#!/usr/bin/env python3
"""zone_rules_test.py -- milkbot's zone rules against Python's zoneinfo.

usage: zone_rules_test.py ZONE_OFFSETS MILKBOT [ZONEINFO_DIR]

For every zone of the machine's tzdata (every TZif file Python's zoneinfo
lists), milkbot's UTC offset (through tests/zone_offsets, which calls the
clock module) must equal zoneinfo's one second before and at every change
of offset from 1970 to 2037, and at two ordinary instants of every month.
Python finds the changes itself: it steps a week at a time and bisects to
the second wherever the offset differs, and also probes the transitions the
TZif file lists (which catches changes less than a week apart). zoneinfo is
an independent reader of the same files: this checks tools/tzif2icu, ICU's
use of what it writes, and the install (src/clock/zone_rules.c).

Also: no zone the tzdata knows is refused, the canonical ids stay IANA's,
and `milkbot --version` names the tzdata version of ZONEINFO_DIR/tzdata.zi.
"""
import datetime
import os
import re
import struct
import subprocess
import sys
import zoneinfo

START = int(datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc).timestamp())
END = int(datetime.datetime(2038, 1, 1, tzinfo=datetime.timezone.utc).timestamp())
WEEK = 7 * 86400


def listed_transitions(path):
    """The 64-bit transition times of a TZif file (RFC 8536)."""
    with open(path, "rb") as f:
        data = f.read()
    counts = struct.unpack(">6l", data[20:44])
    isut, isstd, leap, time, typ, char = counts
    v1 = 44 + time * 5 + typ * 6 + char + leap * 8 + isstd + isut
    if data[4:5] < b"2":
        return []
    time = struct.unpack(">l", data[v1 + 32:v1 + 36])[0]
    return list(struct.unpack(">%dq" % time, data[v1 + 44:v1 + 44 + 8 * time]))


def offset_of(zone, t):
    return int(datetime.datetime.fromtimestamp(t, zone).utcoffset().total_seconds())


def probes(name, zone, path):
    """Instants to compare, with zoneinfo's offset at each."""
    instants = set()
    # ordinary instants: the 1st and 15th of each month, 12:00 UTC
    for year in range(1970, 2038):
        for month in range(1, 13):
            for day in (1, 15):
                instants.add(int(datetime.datetime(year, month, day, 12,
                                 tzinfo=datetime.timezone.utc).timestamp()))
    # every change of offset: a week's steps, then bisection to the second
    changes = set(t for t in listed_transitions(path) if START <= t < END)
    t, off = START, offset_of(zone, START)
    while t < END:
        nxt = min(t + WEEK, END)
        noff = offset_of(zone, nxt)
        if noff != off:
            lo, hi = t, nxt  # offset(lo) == off, offset(hi) != off
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if offset_of(zone, mid) == off:
                    lo = mid
                else:
                    hi = mid
            changes.add(hi)
        t, off = nxt, noff
    for c in changes:
        instants.add(c - 1)
        instants.add(c)
    ordered = sorted(instants)
    return ordered, [offset_of(zone, i) for i in ordered], len(changes)


def main():
    helper, milkbot = sys.argv[1], sys.argv[2]
    zdir = sys.argv[3] if len(sys.argv) > 3 else "/usr/share/zoneinfo"
    zoneinfo.reset_tzpath([zdir])
    names = sorted(n for n in zoneinfo.available_timezones()
                   if n not in ("localtime", "posixrules"))
    failures = []
    expected = {}
    lines = []
    total_changes = 0
    for name in names:
        instants, offsets, changes = probes(name, zoneinfo.ZoneInfo(name),
                                            os.path.join(zdir, name))
        total_changes += changes
        expected[name] = (instants, offsets)
        lines.append(name + " " + " ".join(map(str, instants)))
    out = subprocess.run([helper], input="\n".join(lines) + "\n", text=True,
                         capture_output=True, check=False)
    if out.returncode != 0:
        sys.exit("zone_offsets failed: " + out.stderr)
    answered = {}
    for line in out.stdout.splitlines():
        name, _, rest = line.partition(" ")
        answered[name] = rest
    compared = 0
    for name in names:
        rest = answered.get(name)
        if rest is None or rest.startswith("!"):
            failures.append("%s refused: %s" % (name, rest))
            continue
        got = list(map(int, rest.split()))
        instants, offsets = expected[name]
        wrong = [(i, o, g) for i, o, g in zip(instants, offsets, got) if o != g]
        compared += len(got)
        if len(got) != len(offsets):
            failures.append("%s: %d answers for %d instants" % (name, len(got), len(offsets)))
        for i, o, g in wrong[:3]:
            when = datetime.datetime.fromtimestamp(i, datetime.timezone.utc)
            failures.append("%s at %s (%d): zoneinfo %+d s, milkbot %+d s"
                            % (name, when.isoformat(), i, o, g))
        if len(wrong) > 3:
            failures.append("%s: %d more instants wrong" % (name, len(wrong) - 3))

    # the version milkbot reports is the tzdata's it was built from
    with open(os.path.join(zdir, "tzdata.zi")) as f:
        version = re.match(r"# version (\S+)", f.readline()).group(1)
    shown = subprocess.run([milkbot, "--version"], capture_output=True, text=True)
    if not re.fullmatch(r"milkbot \S+, ICU \S+, zone rules %s\n" % re.escape(version),
                        shown.stdout):
        failures.append("milkbot --version said %r, expected zone rules %s"
                        % (shown.stdout, version))

    for f in failures[:60]:
        print("FAIL", f)
    print("%d zones, %d changes of offset from 1970 to 2037, %d instants compared; "
          "tzdata %s; %d failures" % (len(names), total_changes, compared, version,
                                     len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
