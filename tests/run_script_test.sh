#!/usr/bin/env bash
# run_script_test.sh -- scripts/run's arguments (#18): `--telegram` runs
# `milkbot serve`, and stops before setting anything up when
# TELEGRAM_BOT_TOKEN or ALLOWED_USER_IDS is missing, naming it and never
# saying the token; plain `scripts/run` runs the chat (with a hint when a
# token is set); other arguments go through unchanged. A copy of the real
# scripts/run runs beside stand-ins for scripts/setup, scripts/build and
# build/milkbot that record being called: nothing is installed or built.
# usage: tests/run_script_test.sh path/to/source
set -u
root=${1:?usage: run_script_test.sh path/to/source}
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/scripts" "$tmp/build"
cp "$root/scripts/run" "$tmp/scripts/run"
# shellcheck disable=SC2016 # $0 and $* are the stand-ins' own
for stub in scripts/setup scripts/build; do
    printf '#!/bin/sh\necho "$0 $*" >> "%s/called"\n' "$tmp" > "$tmp/$stub"
done
# the stand-in milkbot: its arguments, one a line
# shellcheck disable=SC2016
printf '#!/bin/sh\nprintf "%%s\\n" "$@" > "%s/args"\n' "$tmp" > "$tmp/build/milkbot"
chmod +x "$tmp/scripts/"* "$tmp/build/milkbot"

token=123456:AAE-test-secret-do-not-print
# run [VAR=VALUE...] -- ARGS: scripts/run with only those two variables
# set; sets status, out (stdout), err (stderr), called, args
run() {
    local vars=()
    while [ "$1" != -- ]; do vars+=("$1"); shift; done
    shift
    rm -f "$tmp/called" "$tmp/args"
    env -u TELEGRAM_BOT_TOKEN -u ALLOWED_USER_IDS "${vars[@]}" \
        "$tmp/scripts/run" "$@" > "$tmp/out" 2> "$tmp/err"
    status=$?
    out=$(cat "$tmp/out") err=$(cat "$tmp/err")
    called=$(cat "$tmp/called" 2>/dev/null) args=$(cat "$tmp/args" 2>/dev/null)
}
lacks() { # lacks NAME NEEDLE HAYSTACK
    case "$3" in
    *"$2"*) failed=$((failed + 1)); printf 'FAIL %s\n  "%s" in: %s\n' "$1" "$2" "$3" ;;
    *) passed=$((passed + 1)) ;;
    esac
}
nothing_run() { # nothing_run CASE: neither setup, build nor milkbot ran
    check "$1: nothing set up or built" "" "$called"
    check "$1: milkbot not run" "" "$args"
}

run -- --telegram
check "both missing: exit status" 1 "$status"
check "both missing: stdout" "" "$out"
contains "both missing: names the token" "TELEGRAM_BOT_TOKEN is not set" "$err"
contains "both missing: where the token comes from" "@BotFather" "$err"
contains "both missing: names the ids" "ALLOWED_USER_IDS is not set" "$err"
contains "both missing: how to find one's id" "message the bot" "$err"
nothing_run "both missing"

run TELEGRAM_BOT_TOKEN="$token" -- --telegram --tz Europe/London
check "ids missing: exit status" 1 "$status"
contains "ids missing: names the ids" "ALLOWED_USER_IDS is not set" "$err"
lacks "ids missing: the token not blamed" "TELEGRAM_BOT_TOKEN is not set" "$err"
lacks "ids missing: the token never said" "test-secret" "$out$err"
nothing_run "ids missing"

run ALLOWED_USER_IDS=111111111 -- --telegram
check "token missing: exit status" 1 "$status"
contains "token missing: names the token" "TELEGRAM_BOT_TOKEN is not set" "$err"
lacks "token missing: the ids not blamed" "ALLOWED_USER_IDS is not set" "$err"
nothing_run "token missing"

run TELEGRAM_BOT_TOKEN= ALLOWED_USER_IDS=111111111 -- --telegram
check "empty token: exit status" 1 "$status"
contains "empty token: counts as missing" "TELEGRAM_BOT_TOKEN is not set" "$err"
nothing_run "empty token"

run TELEGRAM_BOT_TOKEN="$token" ALLOWED_USER_IDS=111111111,222222222 -- \
    --telegram --tz Europe/London --store "sqlite:a family.db"
check "serve: exit status" 0 "$status"
check "serve: set up and built" "scripts/setup 
scripts/build default" "$called"
check "serve: milkbot serve with the arguments" "serve
--tz
Europe/London
--store
sqlite:a family.db" "$args"
check "serve: nothing said" "" "$out$err"

run TELEGRAM_BOT_TOKEN="$token" -- --tz Europe/London --user "Sam B"
check "chat with a token: exit status" 0 "$status"
check "chat with a token: milkbot chat with the arguments" "chat
--tz
Europe/London
--user
Sam B" "$args"
check "chat with a token: one line on stderr" 1 "$(printf '%s\n' "$err" | wc -l)"
contains "chat with a token: the hint" "scripts/run --telegram" "$err"
lacks "chat with a token: the token never said" "test-secret" "$out$err"

run -- --store sqlite:family.db
check "chat: exit status" 0 "$status"
check "chat: milkbot chat with the arguments" "chat
--store
sqlite:family.db" "$args"
check "chat: nothing said" "" "$out$err"

finish run_script
