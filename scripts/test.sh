#!/usr/bin/env bash
# `make test`: installs what is missing, then lint, the suite on SQLite, and the suite on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
export SAFEGUARD_HOME=$PWD
bash scripts/system-deps.sh
make -s .venv/.installed-test node_modules/.installed
BIN=.venv/bin
start=$(date +%s)

bash scripts/lint.sh

echo "== tests on SQLite"
unset DATABASE_URL
SAFEGUARD_ENV=test $BIN/pytest -q -n 2 -p no:cacheprovider

echo "== tests on PostgreSQL"
source scripts/pg.sh
trap pg_stop EXIT
pg_start
SAFEGUARD_ENV=test $BIN/pytest -q -n 2 -p no:cacheprovider -m "not pure" tests
pg_stop
trap - EXIT
echo "make test: everything passed in $(( $(date +%s) - start )) s"
