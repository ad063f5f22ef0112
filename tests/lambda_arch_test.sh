#!/usr/bin/env bash
# lambda_arch_test.sh -- the CPU `sam build` builds the package for
# (packaging/lambda-arch, used by the Makefile's build-BotFunction): ARCH
# when set, else the Architecture samconfig.toml deploys, in the forms SAM
# CLI writes it, else this machine's; a mismatch is said aloud.
set -u
. "$(dirname "$0")/lib.sh"
arch=$(dirname "$0")/../packaging/lambda-arch
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
machine=$(uname -m | sed 's/aarch64/arm64/')

config() { printf '[default.deploy.parameters]\n%s\n' "$1" > "$tmp/samconfig.toml"; }

config 'parameter_overrides = "AllowedUserIds=\"1,2\" Architecture=\"arm64\" DefaultTimeZone=\"Europe/London\""'
check "saved by sam deploy --guided (quoted)" arm64 "$("$arch" "" "$tmp/samconfig.toml" 2>&1)"
config 'parameter_overrides = "Architecture=x86_64 AllowedUserIds=1"'
check "unquoted" x86_64 "$("$arch" "" "$tmp/samconfig.toml" 2>&1)"
config 'parameter_overrides = ["AllowedUserIds=1", "Architecture=arm64"]'
check "a list" arm64 "$("$arch" "" "$tmp/samconfig.toml" 2>&1)"
config 'parameter_overrides = "AllowedUserIds=1"'
check "no Architecture saved: this machine's" "$machine" "$("$arch" "" "$tmp/samconfig.toml" 2>&1)"
check "no samconfig.toml: this machine's" "$machine" "$("$arch" "" "$tmp/none.toml" 2>&1)"
check "ARCH given" arm64 "$("$arch" aarch64 "$tmp/none.toml" 2>&1)"
check "ARCH given as amd64" x86_64 "$("$arch" amd64 "$tmp/none.toml" 2>&1)"

config 'parameter_overrides = "Architecture=\"arm64\""'
out=$("$arch" x86_64 "$tmp/samconfig.toml" 2> "$tmp/err")
check "ARCH wins over samconfig.toml" x86_64 "$out"
contains "a mismatch is said" "deploys Architecture=arm64" "$(cat "$tmp/err")"

"$arch" sparc "$tmp/none.toml" > /dev/null 2> "$tmp/err"
check "an unknown CPU: exit status 2" 2 "$?"
contains "an unknown CPU: named" '"sparc"' "$(cat "$tmp/err")"
finish lambda_arch
