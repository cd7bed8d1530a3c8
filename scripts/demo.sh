#!/usr/bin/env bash
# Set collabmap up and run its main job on the embedded default: the reference cases,
# classified, then one case in full with its reasons.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/collabmap examples --classify
echo
.venv/bin/collabmap classify --example wigan
