#!/usr/bin/env bash
# Set up collabmap in ./.venv (idempotent). Usage: scripts/setup.sh [test]
# With "test", the test tools (pytest, ruff, mypy …) are installed too.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
    echo "collabmap needs Python 3.11 or newer; found: $("$python" --version 2>&1)" >&2
    exit 2
fi
bash scripts/system-deps.sh
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
extras=""
if [ "${1:-}" = "test" ]; then
    extras="[test]"
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras}"
# The web application's styles and scripts, from the npm registry (package-lock.json).
bash scripts/build-assets.sh
# Train the text models once now (up to half a minute each) so the first `collabmap analyse` starts
# at full speed; they are kept in the user's cache folder (see docs/analysis.md).
.venv/bin/python -c "from collabmap.analyse import CODES, TASKS, classifier; [classifier(t) for t in (*TASKS, CODES)]" \
    || echo "note: the text models will be trained on first use" >&2
