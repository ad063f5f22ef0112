#!/usr/bin/env bash
# docs_test.sh -- the user docs cannot drift from the code: every example of
# docs/phrases.md runs through the real milkbot (and is a case of
# tests/phrases.tsv too), and the links of README.md
# and docs/*.md work on GitHub (a relative link leads to a file inside the
# repository, not to ../shared/...; a #link to a heading of its page).
# usage: tests/docs_test.sh path/to/milkbot path/to/repository
#
# The page's examples, in fenced blocks:
#   ```phrases      "> PHRASE" lines, each followed by the exact line of
#                   `milkbot parse --json` for it; "#" lines and blank lines
#                   are ignored. The clock is the page's one line
#                   "$ milkbot parse --json --now NOW --tz ZONE" outside the
#                   blocks, or such a line opening the block (that block only).
#   ```chat         "$ milkbot chat --now NOW --tz ZONE --user NAME", then
#                   "you> MESSAGE" lines and the bot's replies; run through
#                   `milkbot chat` on an empty store, compared as a whole.
# Every line of the page that starts with {"intent" or you> must belong to an
# example, so a block the cutter fails to see cannot drop its examples
# quietly; and a page with no examples fails.
set -u
milkbot=${1:?usage: docs_test.sh path/to/milkbot path/to/repository}
root=${2:?usage: docs_test.sh path/to/milkbot path/to/repository}
page=$root/docs/phrases.md
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"

# --- the page, cut into records (one per line, fields split by tabs) ----------
#   clock LINE NOW ZONE           the page's clock
#   parse LINE NOW ZONE JSON TEXT an example ("-" for the page's clock);
#                                 TEXT last: it may hold tabs
#   chat LINE NOW ZONE USER, then in TEXT / out TEXT lines, then end
#   bad LINE WHY                  a line the format does not allow
cut_page() {
    awk '
    function bad(why) { printf "bad\t%d\t%s\n", NR, why }
    function clock_of(line, parts) { # "$ milkbot parse --json --now X --tz Y"
        if (split(line, parts, " ") != 8 || parts[1] != "$" ||
            parts[2] != "milkbot" || parts[3] != "parse" || parts[4] != "--json" ||
            parts[5] != "--now" || parts[7] != "--tz")
            return ""
        return parts[6] "\t" parts[8]
    }
    function close_block() {
        if (mode == "phrases") {
            if (pending != "") bad("\"> " pending "\" has no expected output below it")
            if (examples == 0) bad("a phrases block with no example")
        } else if (mode == "chat") {
            if (!chat_open) bad("a chat block without its \"$ milkbot chat\" line")
            else if (!messages) bad("a chat block with no \"you>\" message")
            else print "end"
        }
        mode = ""
    }
    BEGIN { mode = "" }
    mode == "" && /^```/ {
        info = substr($0, 4); sub(/^[ \t]+/, "", info); sub(/[ \t]+$/, "", info)
        mode = (info == "phrases" || info == "chat") ? info : "other"
        start = NR; pending = ""; examples = 0; now = "-"; zone = "-"
        chat_open = 0; messages = 0
        next
    }
    mode != "" && /^```[ \t]*$/ { close_block(); next }
    mode == "" || mode == "other" {
        if ($0 ~ /^\$ milkbot parse --json --now /) {
            c = clock_of($0)
            if (c == "") bad("not a clock line: " $0)
            else printf "clock\t%d\t%s\n", NR, c
        }
        next
    }
    mode == "phrases" {
        if ($0 ~ /^\$ /) {
            c = clock_of($0)
            if (c == "") bad("not a clock line: " $0)
            else if (examples || pending != "") bad("a clock line must open its block")
            else { split(c, nz, "\t"); now = nz[1]; zone = nz[2] }
        } else if ($0 ~ /^>/) {
            if (pending != "") bad("\"> " pending "\" has no expected output below it")
            text = substr($0, 2); sub(/^ /, "", text)
            pending = text; pending_line = NR
            if (pending == "") pending = "\001" # the empty phrase
        } else if ($0 ~ /^\{/) {
            if (pending == "") bad("expected output without a \"> \" phrase above it")
            else {
                printf "parse\t%d\t%s\t%s\t%s\t%s\n", pending_line, now, zone,
                       $0, pending == "\001" ? "" : pending
                examples++; pending = ""
            }
        } else if ($0 !~ /^[ \t]*$/ && $0 !~ /^#/) {
            bad("not an example line: " $0)
        }
        next
    }
    mode == "chat" {
        if (!chat_open) {
            if ($0 ~ /^[ \t]*$/) next
            n = split($0, w, " "); now = ""; zone = ""; user = ""; other = 0
            for (i = 4; i < n; i += 2) {
                if (w[i] == "--now") now = w[i + 1]
                else if (w[i] == "--tz") zone = w[i + 1]
                else if (w[i] == "--user") user = w[i + 1]
                else other = 1 # an option the test would not pass on
            }
            if (w[1] != "$" || w[2] != "milkbot" || w[3] != "chat" || n % 2 != 1 ||
                other || now == "" || zone == "" || user == "")
                bad("a chat block opens with \"$ milkbot chat --now NOW --tz ZONE --user NAME\"")
            else { printf "chat\t%d\t%s\t%s\t%s\n", start, now, zone, user; chat_open = 1 }
        } else if ($0 ~ /^you>/) {
            text = substr($0, 5); sub(/^ /, "", text)
            printf "in\t%s\n", text; messages++
        } else {
            printf "out\t%s\n", $0
        }
        next
    }
    END {
        if (mode != "") bad("the block opened at line " start " is never closed")
    }' "$page"
}

if [ ! -r "$page" ]; then
    check "the page exists" "$page" "missing"
    finish "docs"
    exit
fi
cut_page > "$tmp/records"

# --- the page's format --------------------------------------------------------
while IFS=$'\t' read -r _ line why; do
    check "docs/phrases.md line $line: the examples' format" "a well-formed line" "$why"
done < <(grep "^bad"$'\t' "$tmp/records")

clocks=$(grep -c "^clock"$'\t' "$tmp/records")
check "the page states its clock once (\$ milkbot parse --json --now NOW --tz ZONE)" 1 "$clocks"
IFS=$'\t' read -r _ _ page_now page_tz < <(grep -m1 "^clock"$'\t' "$tmp/records")
page_now=${page_now:-none} page_tz=${page_tz:-none}

# every example line on the page is one the cutter read: a block it failed to
# see (a misspelt fence, say) would otherwise drop its examples silently
check "every {\"intent\"...} line of the page is an example run" \
    "$(grep -c '^{"intent"' "$page")" "$(grep -c "^parse"$'\t' "$tmp/records")"
check "every you> line of the page is a message sent" \
    "$(grep -c '^you>' "$page")" "$(grep -c "^in"$'\t' "$tmp/records")"

# --- phrases: each through `milkbot parse --json` ---------------------------------
examples=0
while IFS= read -r record; do
    rest=${record#parse$'\t'}
    line=${rest%%$'\t'*}; rest=${rest#*$'\t'}
    now=${rest%%$'\t'*}; rest=${rest#*$'\t'}
    zone=${rest%%$'\t'*}; rest=${rest#*$'\t'}
    expected=${rest%%$'\t'*}; phrase=${rest#*$'\t'}
    [ "$now" == - ] && now=$page_now zone=$page_tz
    actual=$("$milkbot" parse --json --now "$now" --tz "$zone" -- "$phrase" 2>&1)
    check "docs/phrases.md line $line: \"$phrase\"" "$expected" "$actual"
    # and the corpus has it as a case (issue 13: the corpus is the full list)
    if ! cut -f1 "$root/tests/phrases.tsv" | grep -qxF -- "$phrase"; then
        check "docs/phrases.md line $line: \"$phrase\" is a case of tests/phrases.tsv" \
            "a case" "missing"
    fi
    examples=$((examples + 1))
done < <(grep "^parse"$'\t' "$tmp/records")

# a page whose examples all vanished (say, the cutter broke) must not pass
if [ "$examples" -eq 0 ]; then
    check "the page has phrase examples" "at least 1" 0
fi

# --- conversations: each through `milkbot chat` on an empty store -------------
chats=0
run_chat() { # run_chat LINE NOW ZONE USER: the block's messages in $tmp/in
    local out
    out=$("$milkbot" chat --store "sqlite:$tmp/chat$1.db" --now "$2" --tz "$3" \
          --user "$4" < "$tmp/in" 2>&1)
    check "docs/phrases.md line $1: the conversation starting \"$(head -n1 "$tmp/in")\"" \
        "$(cat "$tmp/out")" "$out"
    chats=$((chats + 1))
}
while IFS= read -r record; do
    case $record in
    chat$'\t'*)
        IFS=$'\t' read -r _ c_line c_now c_zone c_user <<< "$record"
        : > "$tmp/in"; : > "$tmp/out" ;;
    in$'\t'*) printf '%s\n' "${record#in$'\t'}" >> "$tmp/in" ;;
    out$'\t'*) printf '%s\n' "${record#out$'\t'}" >> "$tmp/out" ;;
    end) run_chat "$c_line" "$c_now" "$c_zone" "$c_user" ;;
    esac
done < <(grep -E "^(chat|in|out)"$'\t'"|^end$" "$tmp/records")

# --- links: relative ones lead to a file inside the repository -----------------
top=$(realpath -ms "$root")
for doc in "$root/README.md" "$root"/docs/*.md; do
    [ -f "$doc" ] || continue
    name=${doc#"$root"/}
    # the anchors GitHub gives the page's headings: lower case, spaces to
    # hyphens, other punctuation dropped
    sed -n 's/^#\{1,6\} \(.*\)/\1/p' "$doc" | tr 'A-Z ' 'a-z-' |
        LC_ALL=C sed 's/[^a-z0-9_-]//g' > "$tmp/anchors"
    # [text](target): web addresses are not checked
    while IFS= read -r target; do
        case $target in
        http://* | https://* | mailto:*) continue ;;
        '#'*)
            if grep -qxF -- "${target#\#}" "$tmp/anchors"; then
                passed=$((passed + 1))
            else
                check "$name: link ($target) leads to a heading" exists missing
            fi
            continue ;;
        esac
        file=${target%%#*}
        resolved=$(realpath -ms "$(dirname "$doc")/$file")
        case $resolved/ in
        "$top"/*) ;;
        *) check "$name: link ($target) stays inside the repository" inside outside; continue ;;
        esac
        if [ -e "$resolved" ]; then
            passed=$((passed + 1))
        else
            check "$name: link ($target) leads to a file" exists missing
        fi
    done < <(grep -o '\]([^) ]*)' "$doc" | sed 's/^](//; s/)$//')
done

echo "docs: $examples phrase examples and $chats conversations from docs/phrases.md"
finish "docs"
