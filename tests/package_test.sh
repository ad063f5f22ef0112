#!/usr/bin/env bash
# package_test.sh -- the Lambda zip will run on provided.al2023: bootstrap
# is a native executable, no libc or loader is bundled, no file needs a
# glibc symbol newer than Amazon Linux 2023's 2.34, bootstrap finds lib/
# through RPATH (which wins over Lambda's LD_LIBRARY_PATH), every library
# it needs is in lib/ or glibc, and its zone rules are the build machine's
# tzdata.  usage: package_test.sh ZIP [ZONEINFO_DIR]
# A cross build's zip (arm64 on x86-64): OBJDUMP names the target's
# objdump, and its programs -- bootstrap, and the loader standing in for
# ldd -- run under MILKBOT_TEST_EMULATOR (qemu-aarch64-static) where binfmt_misc does not run them.
set -u
zip=${1:?usage: package_test.sh milkbot-lambda.zip [ZONEINFO_DIR]}
zoneinfo=${2:-/usr/share/zoneinfo}
. "$(dirname "$0")/lib.sh"
objdump=${OBJDUMP:-objdump}
read -r -a emulator <<< "${MILKBOT_TEST_EMULATOR:-}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unzip -q "$zip" -d "$tmp"

check "bootstrap is executable" 0 "$([ -x "$tmp/bootstrap" ]; echo $?)"
check "bootstrap is ELF, not a script" "$(printf '\177ELF')" "$(head -c 4 "$tmp/bootstrap")"
bundled_glibc=$(ls "$tmp/lib" | grep -E '^(libc|ld-linux|libm|libpthread|libdl|librt)[.-]' || true)
check "no libc or loader bundled" "" "$bundled_glibc"
newest=""
for f in "$tmp/bootstrap" "$tmp"/lib/*; do
    [ "$(head -c 4 "$f")" == "$(printf '\177ELF')" ] || continue
    # an objdump that cannot read the file (another architecture's) fails
    if ! "$objdump" -T "$f" > "$tmp/dynamic-symbols" 2>&1; then
        newest+="$(basename "$f") unreadable to $objdump; "
        continue
    fi
    v=$(grep -o 'GLIBC_[0-9.]*' "$tmp/dynamic-symbols" | sort -uV | tail -1)
    if [ -n "$v" ] && [ "$(printf '%s\nGLIBC_2.34\n' "$v" | sort -V | tail -1)" != "GLIBC_2.34" ]; then
        newest+="$(basename "$f") needs $v; "
    fi
done
check "no symbol above GLIBC_2.34 in any ELF file" "" "$newest"
check "RPATH \$ORIGIN/lib (not RUNPATH)" '[$ORIGIN/lib]' \
    "$(readelf -d "$tmp/bootstrap" | awk '/\(RPATH\)/ { print $NF }')"
if [ ${#emulator[@]} -eq 0 ]; then
    missing=$(cd "$tmp" && env -i LD_LIBRARY_PATH= ldd ./bootstrap | grep 'not found' || true)
else # ldd is the loader's --list
    loader=$(readelf -l "$tmp/bootstrap" | sed -n 's/.*program interpreter: \(.*\)]$/\1/p')
    missing=$(cd "$tmp" && env -i LD_LIBRARY_PATH= "${emulator[@]}" "$loader" --list ./bootstrap 2>&1 |
        grep 'not found' || true)
fi
check "every library found (lib/ or glibc)" "" "$missing"
# bootstrap is milkbot: under another name it takes commands
ln -s bootstrap "$tmp/milkbot"
tzdata=$(sed -n '1s/^# version //p' "$zoneinfo/tzdata.zi")
check "zone rules are the build machine's tzdata ($tzdata)" "zone rules $tzdata" \
    "$(${emulator[@]+"${emulator[@]}"} "$tmp/milkbot" --version | grep -o 'zone rules .*')"
size=$(stat -c %s "$zip")
check "zip at most 12 MB ($size bytes)" 1 "$([ "$size" -le $((12 * 1024 * 1024)) ] && echo 1 || echo 0)"
finish "package"
