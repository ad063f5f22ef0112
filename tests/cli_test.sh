#!/usr/bin/env bash
# cli_test.sh -- `milkbot parse` as a program: batch order and line count,
# exit codes, usage errors, defaults. usage: tests/cli_test.sh path/to/milkbot
set -u
milkbot=${1:?usage: cli_test.sh path/to/milkbot}
now=2026-11-28T15:00:00+08:00
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"

parse() { "$milkbot" parse "$@"; }

# --- one phrase -------------------------------------------------------------
out=$(parse --json --now "$now" --tz Asia/Singapore 'yesterday 7:30 90 ml formula'); rc=$?
check "PHRASES.md example" \
    '{"intent":"record","amount_ml":90,"kind":"formula","at":"2026-11-27T07:30:00+08:00","day":"2026-11-27"}' "$out"
check "exit 0 for a record" 0 "$rc"

out=$(parse --json --now "$now" blah); rc=$?
check "an error intent is a classification: exit 0" 0 "$rc"
contains "error JSON" '"intent":"error"' "$out"

out=$(parse --json --now "$now" --tz Asia/Singapore 12pm 120ml milk)
check "several words are one phrase" \
    '{"intent":"record","amount_ml":120,"kind":"milk","at":"2026-11-28T12:00:00+08:00","day":"2026-11-28"}' "$out"

out=$(parse --now "$now" --tz Asia/Singapore '4oz formula')
check "plain text output" "record: 118 ml formula at 2026-11-28T15:00:00+08:00 (day 2026-11-28)" "$out"

# Mexico has had no daylight saving since 2022 (ICU 72's own rules say -05:00)
out=$(parse --now 2026-07-15T18:00:00Z --tz America/Mexico_City '12pm 120ml')
check "zone rules from the machine's tzdata" \
    "record: 120 ml milk at 2026-07-15T12:00:00-06:00 (day 2026-07-15)" "$out"
out=$("$milkbot" --version)
contains "--version names the zone rules" "zone rules $(sed -n '1s/^# version //p' /usr/share/zoneinfo/tzdata.zi)" "$out"

out=$(parse 'total' --json --now "$now" --tz UTC)
check "options after the phrase" '{"intent":"total","day":"2026-11-28"}' "$out"

out=$(parse --json --now "$now" -- '-5ml')
contains "-- ends the options" '"intent":' "$out"

# --- defaults: MILKBOT_TZ, else UTC; the real clock --------------------------
out=$(MILKBOT_TZ=Asia/Kolkata parse --json --now 2026-11-28T12:00:00Z 120ml)
contains "MILKBOT_TZ is the default zone" '"at":"2026-11-28T17:30:00+05:30"' "$out"
out=$(env -u MILKBOT_TZ "$milkbot" parse --json --now 2026-11-28T12:00:00Z 120ml)
contains "UTC without MILKBOT_TZ" '"at":"2026-11-28T12:00:00+00:00"' "$out"
out=$(MILKBOT_TZ=Asia/Kolkata parse --json --tz UTC --now 2026-11-28T12:00:00Z 120ml)
contains "--tz wins over MILKBOT_TZ" '+00:00' "$out"
today=$(date -u +%Y-%m-%d)
out=$(parse --json --tz UTC total)
after=$(date -u +%Y-%m-%d)
if [ "$out" == "{\"intent\":\"total\",\"day\":\"$today\"}" ] || [ "$out" == "{\"intent\":\"total\",\"day\":\"$after\"}" ]; then
    passed=$((passed + 1))
else
    check "the real clock by default" "today is $today" "$out"
fi

# --- batch mode: one line out per line in, in order ---------------------------
for i in $(seq 1 1000); do echo "$i ml"; done > "$tmp/in"
parse --json --now "$now" < "$tmp/in" > "$tmp/out"; rc=$?
check "batch exit" 0 "$rc"
check "batch line count" 1000 "$(wc -l < "$tmp/out")"
check "batch order: line 1" '{"intent":"record","amount_ml":1,"kind":"milk","at":"2026-11-28T07:00:00+00:00","day":"2026-11-28"}' "$(sed -n 1p "$tmp/out")"
check "batch order: line 537" 537 "$(sed -n 537p "$tmp/out" | sed 's/.*"amount_ml":\([0-9]*\).*/\1/')"
check "batch order: line 1000" 1000 "$(sed -n 1000p "$tmp/out" | sed 's/.*"amount_ml":\([0-9]*\).*/\1/')"

printf '120ml\n\ntotal\r\n\n' > "$tmp/in"
parse --json --now "$now" < "$tmp/in" > "$tmp/out"
check "empty lines give error lines" 4 "$(wc -l < "$tmp/out")"
check "empty line 2 is an error" error "$(sed -n 2p "$tmp/out" | sed 's/.*"intent":"\([a-z]*\)".*/\1/')"
check "CRLF line ending" '{"intent":"total","day":"2026-11-28"}' "$(sed -n 3p "$tmp/out")"

printf 'total' | parse --json --now "$now" > "$tmp/out"
check "last line without newline" '{"intent":"total","day":"2026-11-28"}' "$(cat "$tmp/out")"

printf '120ml\0formula\n\377\376 90ml\nundo\n' | parse --json --now "$now" > "$tmp/out"
check "NUL and invalid UTF-8 lines" 3 "$(wc -l < "$tmp/out")"
contains "NUL inside a line separates words" '"kind":"formula"' "$(sed -n 1p "$tmp/out")"
contains "invalid UTF-8 becomes U+FFFD" '"note":"��"' "$(sed -n 2p "$tmp/out")"
if python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]' "$tmp/out"; then
    passed=$((passed + 1))
else
    check "batch output is valid JSON in UTF-8" valid invalid
fi

head -c 200000 /dev/urandom > "$tmp/random"
parse --json --now "$now" < "$tmp/random" > "$tmp/out"; rc=$?
check "random bytes: exit 0" 0 "$rc"
check "random bytes: one line per line" "$(awk 'END { print NR }' "$tmp/random")" "$(wc -l < "$tmp/out")"

: | parse --json --now "$now" > "$tmp/out"; rc=$?
check "empty input: no output" "0 0" "$rc $(wc -c < "$tmp/out")"

# --- usage errors exit 2 with a message; --help exits 0 ----------------------
usage_error() { # usage_error NAME NEEDLE ARGS...
    local name=$1 needle=$2
    shift 2
    local err rc
    err=$("$milkbot" parse "$@" 2>&1 >/dev/null </dev/null); rc=$?
    check "$name: exit 2" 2 "$rc"
    contains "$name: message" "$needle" "$err"
    contains "$name: usage" "usage: milkbot parse" "$err"
}
usage_error "unknown flag" 'unknown option "--jsn"' --jsn 120ml
usage_error "unknown short flag" 'unknown option' -x 120ml
usage_error "bad --now" '--now "yesterday" is not an RFC 3339 time' --now yesterday 120ml
usage_error "--now without offset" 'is not an RFC 3339 time' --now 2026-11-28T15:00:00 120ml
usage_error "--now needs a value" 'needs a value' 120ml --now
usage_error "bad --tz" 'unknown time zone "Mars/Base"' --tz Mars/Base 120ml
err=$(MILKBOT_TZ=Nowhere "$milkbot" parse 120ml 2>&1 >/dev/null); rc=$?
check "bad MILKBOT_TZ: exit 2" 2 "$rc"
contains "bad MILKBOT_TZ: message" 'unknown time zone "Nowhere"' "$err"

out=$(parse --help); rc=$?
check "--help exit" 0 "$rc"
contains "--help usage" "usage: milkbot parse [--json] [--now RFC3339] [--tz ZONE] [PHRASE...]" "$out"
"$milkbot" >/dev/null 2>&1; check "no command: exit 2" 2 $?
"$milkbot" frobnicate >/dev/null 2>&1; check "unknown command: exit 2" 2 $?
"$milkbot" --help >/dev/null 2>&1; check "milkbot --help: exit 0" 0 $?

# --- a write error is reported, not ignored -----------------------------------
if [ -w /dev/full ]; then
    echo 120ml | "$milkbot" parse --json > /dev/full 2>/dev/null; rc=$?
    check "write error: exit 1" 1 "$rc"
fi

finish "cli"
