"""Audit chain: append rate through the one audit writer, and `audit verify` rate over the chain.

    .venv/bin/python benchmarks/bench_audit.py --events 20000      # SQLite in a temp dir, or DATABASE_URL
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20000)
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.mkdtemp()) / 'audit.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.site.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from safeguard.audit.services import record_event
    from safeguard.audit.verify import verify_chain

    start = time.perf_counter()
    for i in range(args.events):
        record_event(action="person.view", username="bench", object_type="people.Person", object_id=str(i),
                     details={"n": i})
    append = time.perf_counter() - start
    start = time.perf_counter()
    result = verify_chain()
    verify = time.perf_counter() - start
    assert result.ok and result.checked >= args.events
    print("| database | events | append (events/s) | verify (events/s) | verify time for 10M events (extrapolated) |")
    print("|---|---|---|---|---|")
    print(f"| {connection.vendor} | {args.events} | {args.events / append:,.0f} | {result.checked / verify:,.0f} | "
          f"{10_000_000 / (result.checked / verify) / 60:.0f} min |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
