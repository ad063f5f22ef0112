#!/usr/bin/env bash
# make_webhook_seeds.sh -- seeds for fuzz_webhook: whole Lambda events
# (first byte even) and Telegram update bodies (first byte odd; the harness
# wraps them with its secret), and secret header values (first byte 2: the
# harness's secret, and near misses). From the project itself: events/ and
# tests/fixtures/events/ as events, tests/fixtures/updates/ as bodies; and,
# when it is there, ../shared/fixtures (apigw/ as events, telegram/ as
# bodies), which a clone alone does not have.
# usage: fuzz/make_webhook_seeds.sh OUTPUT_DIR [SHARED_FIXTURES_DIR]
set -eu
out=${1:?usage: make_webhook_seeds.sh OUTPUT_DIR [SHARED_FIXTURES_DIR]}
root=$(dirname "$0")/..
shared=${2:-$root/../shared/fixtures}
[ -d "$shared" ] || echo "make_webhook_seeds: no $shared, seeding from the project's fixtures only" >&2
mkdir -p "$out"
i=0
for f in "$root"/events/*.json "$root"/tests/fixtures/events/*.json "$shared"/apigw/*.json; do
    [ -f "$f" ] || continue
    i=$((i + 1))
    { printf '\000'; cat "$f"; } > "$out/seed-$i"
done
for f in "$root"/tests/fixtures/updates/*.json "$shared"/telegram/*.json; do
    [ -f "$f" ] || continue
    i=$((i + 1))
    { printf '\001'; cat "$f"; } > "$out/seed-$i"
done
# secret header values: the secret, one short, one with a NUL after it
# (raw, and as JSON's \u0000), one with an escape spelling a letter
for secret in 'fuzz-secret' 'fuzz-secre' 'fuzz-secret\000' 'fuzz-secret\\u0000' 'fuzz\\u002dsecret'; do
    i=$((i + 1))
    printf "\002$secret" > "$out/seed-$i"
done
echo "$i seeds in $out"
