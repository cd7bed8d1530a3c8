#!/usr/bin/env bash
# Build the web application's static assets from the npm registry's packages (package.json,
# package-lock.json): GOV.UK Frontend compiled with collabmap's settings, its fonts-free assets
# and script, and htmx. Output: src/collabmap/web/static/vendor (not committed). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null; then
    echo "== installing Node.js and npm (to build the web assets)"
    if [ "$(id -u)" -eq 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
    else
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
    fi
fi
if [ ! -d node_modules/govuk-frontend ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi
out=src/collabmap/web/static/vendor
rm -rf "$out"
mkdir -p "$out/govuk"
npm run --silent build
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$out/govuk/"
cp -r node_modules/govuk-frontend/dist/govuk/assets "$out/govuk/assets"
rm -rf "$out/govuk/assets/fonts"  # the system font is used instead of GDS Transport
cp node_modules/htmx.org/dist/htmx.min.js "$out/htmx.min.js"
