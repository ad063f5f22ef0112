#!/usr/bin/env bash
# make_seeds.sh -- the fuzzer's seed corpus, generated from the phrase corpus:
# every phrase of tests/phrases.tsv, behind the two header bytes fuzz_phrase
# reads (zone, clock), varied so the seeds cover every zone.
# usage: fuzz/make_seeds.sh tests/phrases.tsv OUTPUT_DIR
set -eu
corpus=${1:?usage: make_seeds.sh tests/phrases.tsv OUTPUT_DIR}
out=${2:?usage: make_seeds.sh tests/phrases.tsv OUTPUT_DIR}
mkdir -p "$out"
i=0
while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in '#'* | '@'* | '') continue ;; esac
    phrase=${line%$'\t'*}
    i=$((i + 1))
    printf "\\$(printf '%03o' $((i % 8)))\\$(printf '%03o' $((i * 7 % 256)))%s" "$phrase" > "$out/seed-$i"
done < "$corpus"
echo "$i seeds in $out"
