#!/usr/bin/env bash
# System libraries collabmap needs beyond PyPI: Pango and HarfBuzz (with its subsetter) for
# WeasyPrint's PDF reports, and the DejaVu fonts the reports and charts are set in.
# Installs only what is missing; needs root (or sudo) for apt-get.
set -euo pipefail

needed=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for package in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core; do
    have "$package" || needed+=("$package")
done
[ "${#needed[@]}" -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
    echo "collabmap needs these system libraries for PDF reports: ${needed[*]}" >&2
    exit 0
fi
echo "== installing system libraries: ${needed[*]}"
if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${needed[@]}" >/dev/null
elif command -v sudo >/dev/null; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${needed[@]}" >/dev/null
else
    echo "collabmap needs (for PDF reports): ${needed[*]}; install them with apt-get as root" >&2
fi
