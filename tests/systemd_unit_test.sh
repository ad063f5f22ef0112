#!/usr/bin/env bash
# systemd_unit_test.sh -- packaging/systemd/milkbot.service (#18): systemd
# reads it without a complaint (systemd-analyze verify, with ExecStart
# pointed at the milkbot built here), it runs `milkbot serve` on the state
# directory's store, and it keeps its hardening. Skipped (77, saying so)
# where systemd-analyze is not installed.
# usage: tests/systemd_unit_test.sh path/to/milkbot path/to/milkbot.service
set -u
milkbot=$(realpath "${1:?usage: systemd_unit_test.sh path/to/milkbot path/to/unit}")
unit=${2:?usage: systemd_unit_test.sh path/to/milkbot path/to/unit}
. "$(dirname "$0")/lib.sh"
if ! command -v systemd-analyze >/dev/null; then
    echo "systemd_unit: skipped: systemd-analyze is not installed"
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed -e "s#/usr/local/bin/milkbot#$milkbot#" \
    -e "s#^EnvironmentFile=.*#EnvironmentFile=-$tmp/serve.env#" "$unit" >"$tmp/milkbot.service"
check "systemd-analyze verify" "" "$(systemd-analyze verify "$tmp/milkbot.service" 2>&1)"
body=$(cat "$unit")
contains "serves" "ExecStart=/usr/local/bin/milkbot serve --store sqlite:%S/milkbot/milkbot.db" "$body"
for line in DynamicUser=yes StateDirectory=milkbot ProtectSystem=strict ProtectHome=yes \
            NoNewPrivileges=yes "CapabilityBoundingSet=
" EnvironmentFile=/etc/milkbot/serve.env Restart=on-failure "RestartPreventExitStatus=2 3"; do
    contains "hardening: $line" "$line" "$body"
done
finish systemd_unit
