"""Prevention service: the cost of returning to a conversation (wrong passphrase vs unknown code, which
must take the same time within noise), and the statistics and inbox at scale.

    .venv/bin/python benchmarks/bench_prevention.py --tries 40 --conversations 20000 --contacts 50000
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/bench_prevention.py

Returns go through `services.conversation_return` (one Argon2 check each, real or dummy), alternated
so that both kinds see the same machine; the lockout is lifted between tries (the counters are
deleted) so that every try is a full check. Prints Markdown tables for docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tries", type=int, default=40, help="returns of each kind")
    parser.add_argument("--conversations", type=int, default=20_000)
    parser.add_argument("--contacts", type=int, default=50_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-prevention-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'prevention.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.site.settings")
    os.environ["PREVENTION_RETURN_GLOBAL_BUDGET"] = str(10 * args.tries + 10)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from safeguard.accounts.models import Agency
    from safeguard.prevention import codes, selectors, services
    from safeguard.prevention.models import AttemptCounter, ContactRecord, Conversation, HelpSeekerSession

    call_command("migrate", verbosity=0)
    centre = Agency.objects.create(name="Bench centre (synthetic)", kind="prevention")
    now = timezone.now()
    code = codes.new_reference_code()
    Conversation.objects.create(centre=centre, code_digest=codes.code_digest(code), reference_code=code,
                                passphrase_hash=codes.hash_passphrase("bench passphrase words"), language="en",
                                created_at=now, last_activity_at=now)
    timings: dict[str, list[float]] = {"wrong passphrase": [], "unknown code": []}
    for index in range(args.tries * 2):
        kind = "wrong passphrase" if index % 2 == 0 else "unknown code"
        typed = code if kind == "wrong passphrase" else codes.new_reference_code()
        AttemptCounter.objects.all().delete()
        start = time.perf_counter()
        outcome = services.conversation_return(code=typed, passphrase="not the passphrase", now=now)
        timings[kind].append((time.perf_counter() - start) * 1000)
        assert outcome.status is services.ReturnStatus.NOT_MATCHED
    right = []
    for _ in range(5):
        start = time.perf_counter()
        assert services.conversation_return(code=code, passphrase="bench passphrase words", now=now).token
        right.append((time.perf_counter() - start) * 1000)
    HelpSeekerSession.objects.all().delete()

    print(f"Returns on {connection.vendor}, {args.tries} of each kind (ms):\n")
    print("| try | median | p10 | p90 |\n|---|---:|---:|---:|")
    for kind, values in (*timings.items(), ("right passphrase", right)):
        deciles = statistics.quantiles(values, n=10)
        print(f"| {kind} | {statistics.median(values):.1f} | {deciles[0]:.1f} | {deciles[-1]:.1f} |")
    difference = statistics.median(timings["unknown code"]) - statistics.median(timings["wrong passphrase"])
    print(f"\nmedian(unknown) - median(wrong) = {difference:+.1f} ms\n")

    build = time.perf_counter()
    Conversation.objects.bulk_create(
        Conversation(centre=centre, code_digest=f"bench-{i}", reference_code="", passphrase_hash="x", language="en",
                     created_at=now - timedelta(hours=i % 2000), last_activity_at=now - timedelta(hours=i % 2000),
                     waiting_since=now - timedelta(hours=i % 500) if i % 3 == 0 else None)
        for i in range(args.conversations)
    )
    ContactRecord.objects.bulk_create(
        ContactRecord(centre=centre, channel=("phone", "live_chat", "email")[i % 3],
                      started_at=now - timedelta(hours=i % 4000), duration_minutes=10, contact_by="self",
                      concern=("own_thoughts", "abuse_images", "someone_else")[i % 3], outcome="information",
                      recorded_at=now)
        for i in range(args.contacts)
    )
    print(f"built {args.conversations:,} conversations and {args.contacts:,} contacts in "
          f"{time.perf_counter() - build:.0f} s", file=sys.stderr)
    from safeguard.accounts.models import Membership, User
    from safeguard.policy import Actor

    user = User.objects.create(username="bench.adviser")
    actor = Actor(user=user, membership=Membership.objects.create(user=user, agency=centre, role="practitioner"))
    print("| read | ms (median of 5) |\n|---|---:|")
    for label, read in (
        ("inbox, waiting, first page", lambda: selectors.inbox(actor=actor, show="waiting")),
        ("contact log, first page", lambda: selectors.contacts(actor=actor)),
        ("statistics, 12 weeks", lambda: selectors.service_statistics(actor=actor, today=timezone.localdate())),
        ("centres with waiting times", lambda: selectors.centres_with_waiting_times(now=now)),
    ):
        values = []
        for _ in range(5):
            start = time.perf_counter()
            read()
            values.append((time.perf_counter() - start) * 1000)
        print(f"| {label} | {statistics.median(values):.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
