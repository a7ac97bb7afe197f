#!/usr/bin/env bash
# `make bench`: repeatable measurements (not pass/fail); copy the tables into docs/performance.md.
# Quiet machine wanted: the figures are wall-clock on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
export SAFEGUARD_HOME=$PWD
command -v wrk >/dev/null 2>&1 || { SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo; $SUDO apt-get install -y -qq wrk >/dev/null 2>&1 || true; }
echo "== batch scoring (1,000,000 rows each of OSP/DC and Static-99R)"
.venv/bin/python benchmarks/bench_batch.py "$@"
echo "== API latency, 10 concurrent clients"
.venv/bin/python benchmarks/bench_api.py --clients 10
.venv/bin/python benchmarks/bench_api.py --clients 10 --worker-class sync --workers 2
echo "== audit chain"
.venv/bin/python benchmarks/bench_audit.py --events 20000
echo "== list exports and schedules"
.venv/bin/python benchmarks/bench_exports.py --rows 10000 50000 200000
echo "== due items and alerts at 100,000 persons"
.venv/bin/python benchmarks/bench_alerts.py --persons 100000 --runs 10
echo "== prevention: returns and reads"
.venv/bin/python benchmarks/bench_prevention.py --tries 40
echo "== person lists, search and the dashboard at 1,000 and 100,000 people (issue 14)"
.venv/bin/python benchmarks/bench_scale.py --seconds 2
