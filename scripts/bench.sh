#!/usr/bin/env bash
# `make bench`: repeatable measurements (not pass/fail). Results go in docs/performance.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
export SAFEGUARD_HOME=$PWD
.venv/bin/python benchmarks/bench_batch.py "$@"
