#!/usr/bin/env bash
# Extraction score on the sample documents: hoptac extract → score.py (prints per-field F1).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
.venv/bin/hoptac extract hoptac/samples/*.txt -o "$out"
.venv/bin/python tests/gold/score.py tests/gold "$out" "$@"
rm -rf "$out"
