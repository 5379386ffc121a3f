#!/usr/bin/env bash
# Creates .venv with hoptac and its development tools; idempotent, quiet when nothing changed.
set -euo pipefail
cd "$(dirname "$0")"
py=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$py" -m venv .venv
  .venv/bin/pip install -q --upgrade pip
fi
stamp=.venv/.installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/pip install -q -e '.[dev]'
  touch "$stamp"
fi
