#!/usr/bin/env bash
# make_bot_seeds.sh -- seeds for fuzz_bot from the golden transcripts: each
# transcript's messages as one conversation (see fuzz_bot.c for the layout:
# a zone byte, then NUL-separated steps whose first byte 0x01 means "a new
# message").  usage: fuzz/make_bot_seeds.sh tests/transcripts OUTPUT_DIR
set -eu
dir=${1:?usage: make_bot_seeds.sh TRANSCRIPT_DIR OUTPUT_DIR}
out=${2:?usage: make_bot_seeds.sh TRANSCRIPT_DIR OUTPUT_DIR}
mkdir -p "$out"
i=0
for t in "$dir"/*.txt; do
    i=$((i + 1))
    seed="$out/seed-$i"
    printf '\001' > "$seed"
    message=
    while IFS= read -r line || [ -n "$line" ]; do
        case "$line" in '> '* | '>') ;; *) continue ;; esac
        text=${line#>}
        text=${text# }
        case "$text" in
        *\\) message+="${text%\\}"$'\n'; continue ;;
        esac
        message+=$text
        printf '\000\001%s' "$message" >> "$seed"
        message=
    done < "$t"
done
echo "$i seeds in $out"
