#!/usr/bin/env bash
# chat_cli_test.sh -- `milkbot chat` as a program: piped replies, message ids
# that continue across runs on one store, the default store path, usage
# errors. usage: tests/chat_cli_test.sh path/to/milkbot
set -u
milkbot=${1:?usage: chat_cli_test.sh path/to/milkbot}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"
now=2026-11-28T15:00:00Z
chat() { "$milkbot" chat --store "sqlite:$tmp/family.db" --tz Europe/London --now "$now" --user Alex "$@"; }

# --- piped: one reply per message, no prompt ----------------------------------
out=$(printf '12pm 120ml milk\ntotal?\n' | chat); rc=$?
check "exit 0" 0 "$rc"
check "record then total" "🍼 120 ml milk at 12:00 — today 120 ml in 1 feed
Today (Sat 28 Nov): 120 ml in 1 feed
12:00  120 ml milk — Alex" "$out"

# --- a second run on the same store: new messages, never redeliveries ---------
out=$(printf '2pm 100ml\n' | chat)
check "second run records (ids continue)" "🍼 100 ml milk at 14:00 — today 220 ml in 2 feeds" "$out"
out=$(printf '3pm 60ml\n' | chat --user Sam)
check "third run records too" "🍼 60 ml milk at 15:00 — today 280 ml in 3 feeds" "$out"
# undo takes back the sender's own newest entry: Sam's, then Alex's (undo
# order comes from the store, not the clock: every entry has the same now)
out=$(printf 'undo\n' | chat --user Sam)
check "undo takes the sender's own entry" "↩️ Removed 60 ml milk at 15:00 today (entered by Sam). Today: 220 ml in 2 feeds." "$out"
out=$(printf 'undo\n' | chat)
check "undo across runs, newest entry first" "↩️ Removed 100 ml milk at 14:00 today (entered by Alex). Today: 120 ml in 1 feed." "$out"
# the undone messages' ids are not reused either
out=$(printf '2:30pm 10ml\n' | chat)
check "after undo, a new message still records" "🍼 10 ml milk at 14:30 — today 130 ml in 2 feeds" "$out"

# --- one family log, whichever chat; another family sees nothing --------------
out=$(printf 'total\n' | chat --chat 2 --user Sam)
check "another chat of the family sees the log" "Today (Sat 28 Nov): 130 ml in 2 feeds
12:00  120 ml milk — Alex
14:30  10 ml milk — Alex" "$out"
out=$(printf 'undo\n' | chat --chat 2 --user Sam)
check "Sam has nothing of his own to undo" "Nothing of yours to undo: \"undo\" takes back the last feeding you entered (another's has an Undo button under its reply)." "$out"
out=$(printf 'total\n' | chat --family grandparents)
check "another family sees nothing" 'No feeds recorded today (Sat 28 Nov) yet. Send one like "120ml".' "$out"
out=$(printf 'total\n' | chat --family 'no spaces')
check "a family id is checked" "2" "$?"

# --- MILKBOT_TZ is the default zone; the chat's own zone wins once set ----------
out=$(printf 'tz\n' | MILKBOT_TZ=Asia/Kolkata "$milkbot" chat --store "sqlite:$tmp/tz.db" --now "$now")
contains "MILKBOT_TZ default" "Asia/Kolkata (the default)" "$out"
printf 'tz Asia/Tokyo\n' | "$milkbot" chat --store "sqlite:$tmp/tz.db" --now "$now" > /dev/null
out=$(printf 'tz\n' | MILKBOT_TZ=Asia/Kolkata "$milkbot" chat --store "sqlite:$tmp/tz.db" --now "$now")
contains "the chat's zone is kept" "Time zone: Asia/Tokyo." "$out"

# --- MILKBOT_UNITS is the default units (#16); the family's choice wins --------
out=$(printf '120ml\n' | MILKBOT_UNITS=oz "$milkbot" chat --store "sqlite:$tmp/units.db" --now "$now" --tz UTC)
contains "MILKBOT_UNITS=oz: replies in oz" "4.1 oz milk at" "$out"
printf 'units ml\n' | "$milkbot" chat --store "sqlite:$tmp/units.db" --now "$now" --tz UTC > /dev/null
out=$(printf 'total\n' | MILKBOT_UNITS=oz "$milkbot" chat --store "sqlite:$tmp/units.db" --now "$now" --tz UTC)
contains "the family's units are kept" "120 ml in 1 feed" "$out"
out=$(printf 'total\n' | MILKBOT_UNITS=cups "$milkbot" chat --store "sqlite:$tmp/units.db" --now "$now" --tz UTC 2>&1)
check "MILKBOT_UNITS is checked" "2" "$?"
contains "MILKBOT_UNITS: the message names it" 'MILKBOT_UNITS: units must be ml or oz, not "cups"' "$out"

# --- the default store: $XDG_DATA_HOME/milkbot/milkbot.db, created on first use --
out=$(printf '90ml\n' | XDG_DATA_HOME="$tmp/xdg" "$milkbot" chat --now "$now" --tz UTC); rc=$?
check "default store: exit 0" 0 "$rc"
[ -f "$tmp/xdg/milkbot/milkbot.db" ]; check "default store file created" 0 $?
out=$(printf 'total\n' | env -u XDG_DATA_HOME HOME="$tmp/home" "$milkbot" chat --now "$now" --tz UTC)
[ -f "$tmp/home/.local/share/milkbot/milkbot.db" ]; check "falls back to ~/.local/share" 0 $?

# --- a bad store, zone or option: a clear message and a non-zero exit -----------
err=$(echo total | "$milkbot" chat --store "sqlite:$tmp/nope/x.db" 2>&1 >/dev/null); rc=$?
check "missing folder: exit 1" 1 "$rc"
contains "missing folder: message" "cannot open" "$err"
printf 'not a database at all, just text that goes on and on and on' > "$tmp/bad.db"
err=$(echo total | "$milkbot" chat --store "sqlite:$tmp/bad.db" 2>&1 >/dev/null); rc=$?
check "not a database: exit 1" 1 "$rc"
contains "not a database: message" "not a database" "$err"
err=$(echo total | "$milkbot" chat --store mysql:x 2>&1 >/dev/null); rc=$?
check "unknown store: exit 1" 1 "$rc"
contains "unknown store: message" 'unknown store "mysql:x"' "$err"
err=$("$milkbot" chat --tz Mars/Base < /dev/null 2>&1 >/dev/null); rc=$?
check "bad zone: exit 2" 2 "$rc"
contains "bad zone: message" 'unknown time zone "Mars/Base"' "$err"
err=$("$milkbot" chat --now soon < /dev/null 2>&1 >/dev/null); rc=$?
check "bad --now: exit 2" 2 "$rc"
err=$("$milkbot" chat --chat abc < /dev/null 2>&1 >/dev/null); rc=$?
check "bad --chat: exit 2" 2 "$rc"
err=$("$milkbot" chat --frob < /dev/null 2>&1 >/dev/null); rc=$?
check "unknown option: exit 2" 2 "$rc"
contains "unknown option: usage" "usage: milkbot chat" "$err"
out=$("$milkbot" chat --help); rc=$?
check "--help: exit 0" 0 "$rc"
contains "--help text" "--store SPEC" "$out"

# --- hostile input does not crash it or damage the store ------------------------
head -c 100000 /dev/urandom > "$tmp/random"
chat < "$tmp/random" > /dev/null; rc=$?
check "random bytes: exit 0" 0 "$rc"
out=$(printf 'total\n' | chat)
contains "store still readable after random input" "Today (Sat 28 Nov)" "$out"
if command -v sqlite3 > /dev/null; then
    check "integrity" ok "$(sqlite3 "$tmp/family.db" 'PRAGMA integrity_check')"
fi

finish "chat cli"
