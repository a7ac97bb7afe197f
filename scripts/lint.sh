#!/usr/bin/env bash
# Lint, types, architecture contracts and migrations, the same everywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
echo "== ruff"; $BIN/ruff check src tests benchmarks
echo "== mypy"; $BIN/mypy
echo "== import-linter"; $BIN/lint-imports
echo "== migrations"; SAFEGUARD_ENV=test $BIN/safeguard manage makemigrations --check --dry-run
