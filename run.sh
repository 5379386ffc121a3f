#!/usr/bin/env bash
# Sets hoptac up (once) and serves it with the sample documents and one demo user per role, on SQLite in
# $HOPTAC_DATA_DIR (default: the user's data directory). Extra arguments go to `hoptac serve`, e.g. --port 8080.
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh
exec .venv/bin/hoptac serve --demo "$@"
