#!/usr/bin/env bash
# Set collabmap up and run its main job on the embedded default: the web application with the
# article's reference cases in a local SQLite project, on http://127.0.0.1:${PORT:-8000}/ —
# open it in a browser (no sign-in on this computer). Ctrl+C stops it and deletes the project.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/collabmap demo --port "${PORT:-8000}"
