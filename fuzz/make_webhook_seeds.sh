#!/usr/bin/env bash
# make_webhook_seeds.sh -- seeds for fuzz_webhook: every sample event in
# events/ and every shared API Gateway event as a whole event (first byte
# even), every shared Telegram update as a body (first byte odd).
# usage: fuzz/make_webhook_seeds.sh OUTPUT_DIR [SHARED_FIXTURES_DIR]
set -eu
out=${1:?usage: make_webhook_seeds.sh OUTPUT_DIR [SHARED_FIXTURES_DIR]}
shared=${2:-$(dirname "$0")/../../shared/fixtures}
mkdir -p "$out"
i=0
for f in "$(dirname "$0")"/../events/*.json "$shared"/apigw/*.json; do
    [ -f "$f" ] || continue
    i=$((i + 1))
    { printf '\000'; cat "$f"; } > "$out/seed-$i"
done
for f in "$shared"/telegram/*.json; do
    [ -f "$f" ] || continue
    i=$((i + 1))
    { printf '\001'; cat "$f"; } > "$out/seed-$i"
done
echo "$i seeds in $out"
