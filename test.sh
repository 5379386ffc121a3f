#!/usr/bin/env bash
# Runs every check hoptac has: lint, types and the test suite. The same command CI runs.
#   ./test.sh            lint, types, the whole suite on SQLite, then the records tests on PostgreSQL
#   ./test.sh ARGS...    lint, types, then pytest ARGS on SQLite only
# The PostgreSQL pass starts a throw-away cluster on 127.0.0.1 (.ci/postgres.sh); it needs Debian's
# `postgresql` package, which .ci/run installs. HOPTAC_SKIP_POSTGRES=1 skips that pass (never in CI).
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh >/dev/null
.venv/bin/ruff check hoptac tests bench
.venv/bin/mypy
# The suite gets its own throw-away data directory and databases: never the user's.
unset HOPTAC_DATABASE_URL HOPTAC_DATA_DIR
echo "== pytest on SQLite"
.venv/bin/pytest -q "$@"
if [ $# -gt 0 ]; then
  exit 0
fi
if [ "${HOPTAC_SKIP_POSTGRES:-}" = 1 ] && [ "${CI:-}" != true ]; then
  echo "== PostgreSQL pass skipped (HOPTAC_SKIP_POSTGRES=1)"
  exit 0
fi
pgdir=$(mktemp -d -u /tmp/hoptac-pg.XXXXXX)
trap '.ci/postgres.sh stop "$pgdir"' EXIT
if ! url=$(.ci/postgres.sh start "$pgdir"); then
  echo "test.sh: could not start PostgreSQL for the second pass (apt-get install -y postgresql)" >&2
  exit 1
fi
echo "== pytest on PostgreSQL (records, cycle and search tests)"
HOPTAC_DATABASE_URL="$url" .venv/bin/pytest -q tests/records tests/cycle tests/search
