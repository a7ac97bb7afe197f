"""Due items at 100,000 persons: the dashboard, the alerts page and the supervisor's team view.

    .venv/bin/python benchmarks/bench_alerts.py --persons 100000            # SQLite in a temp dir
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/bench_alerts.py --persons 100000

Builds one large probation region (80 % of the persons, practitioners with --caseload persons
each, one supervisor) and a second agency with the rest, then STABLE-2007 histories for everyone:
two or three completed assessments six months apart, the latest spread over the last seven months,
so about one person in seven is overdue and one in seven falls due within 30 days. Rows are
inserted in bulk (the services would take hours for 250,000 assessments); they are what the
services write, and the due-date index (`ReassessmentDue`) is filled as its migration fills it.

Measured, each --runs times through Django's test client as a signed-in user (median and slowest,
with the number of queries): the practitioner's dashboard without and with the "needs attention"
panel (the difference is the panel's cost), their alerts page, the supervisor's team view; and the reassessment provider alone (one
query) for the practitioner and for the team. Then the same pages once a practitioner has
acknowledged every item (the acknowledgement lookup is the only other read).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--caseload", type=int, default=50, help="persons per practitioner")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-alerts-"))
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{work / 'alerts.sqlite3'}"
    os.environ.setdefault("SAFEGUARD_ENV", "test")
    os.environ["AUDIT_CHECKPOINT_DIR"] = str(work / "checkpoints")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.site.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    world = _build(args.persons, args.caseload)
    print(f"built {args.persons:,} persons and {world['assessments']:,} assessments in "
          f"{time.perf_counter() - start:.0f} s", file=sys.stderr)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    rows = _measure(world, args.runs)
    print("| database | persons | assessments | what | items | queries | median ms | slowest ms |")
    print("|---|---:|---:|---|---:|---:|---:|---:|")
    for label, items, queries, median, slowest in rows:
        print(f"| {connection.vendor} | {args.persons:,} | {world['assessments']:,} | {label} | {items} | "
              f"{queries} | {median:.1f} | {slowest:.1f} |")
    return 0


def _build(persons: int, caseload: int) -> dict:
    import hashlib

    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from safeguard.accounts.choices import AgencyKind, Role
    from safeguard.accounts.models import Agency, Membership, User
    from safeguard.assessments.models import Assessment
    from safeguard.calendar.dates import add_months
    from safeguard.instruments import registry
    from safeguard.people.models import Person, PersonAgencyLink

    today = timezone.localdate()
    region = Agency.objects.create(name="Bench Probation Region", kind=AgencyKind.PROBATION)
    other = Agency.objects.create(name="Bench Other Probation", kind=AgencyKind.PROBATION)
    in_region = persons * 8 // 10
    practitioners = max(1, in_region // caseload)
    password = make_password("bench-password-not-secret")
    users = User.objects.bulk_create(
        [User(username=f"bench.prac{i}", first_name="Bench", last_name=f"Practitioner{i}", password=password)
         for i in range(practitioners)]
        + [User(username="bench.sup", first_name="Bench", last_name="Supervisor", password=password),
           User(username="bench.other", first_name="Bench", last_name="Elsewhere", password=password)]
    )
    users = list(User.objects.filter(username__startswith="bench.").order_by("id"))
    by_name = {u.username: u for u in users}
    Membership.objects.bulk_create(
        [Membership(user=by_name[f"bench.prac{i}"], agency=region, role=Role.PRACTITIONER) for i in range(practitioners)]
        + [Membership(user=by_name["bench.sup"], agency=region, role=Role.SUPERVISOR),
           Membership(user=by_name["bench.other"], agency=other, role=Role.PRACTITIONER)]
    )
    for name in ("bench.prac0", "bench.sup"):
        TOTPDevice.objects.create(user=by_name[name], name="bench", confirmed=True)

    meta = registry.metadata("stable-2007")
    inputs = registry.example_input("stable-2007")
    body = registry.score("stable-2007", inputs).to_dict()
    digest = hashlib.sha256(b"bench").hexdigest()
    snapshot = meta.to_dict()
    count = 0
    batch = 5_000
    for first in range(0, persons, batch):
        with transaction.atomic():
            people = Person.objects.bulk_create([
                Person(reference=f"PB{n:07d}", given_name="Bench", family_name=f"Testington{n}",
                       date_of_birth=date(1980, 1, 1) + timedelta(days=n % 7000),
                       owner_agency=region if n < in_region else other)
                for n in range(first, min(first + batch, persons))
            ])
            PersonAgencyLink.objects.bulk_create([
                PersonAgencyLink(person=p, agency=region if n < in_region else other, basis="owner",
                                 started_on=date(2020, 1, 1))
                for n, p in zip(range(first, first + len(people)), people, strict=True)
            ])
            rows = []
            for n, person in zip(range(first, first + len(people)), people, strict=True):
                agency = region if n < in_region else other
                owner = by_name[f"bench.prac{(n // caseload) % practitioners}"] if n < in_region else by_name["bench.other"]
                latest = today - timedelta(days=(n * 7919) % 213)  # spread over seven months
                history = 2 + (n % 2)
                for back in range(history - 1, -1, -1):
                    done = add_months(latest, -6 * back)
                    rows.append(Assessment(
                        person=person, instrument_id="stable-2007", status="completed", inputs=inputs,
                        result=body, instrument_snapshot=snapshot, model_version="bench", thresholds_version="bench",
                        verified=False, inputs_hash=digest, started_by=owner, assessed_by=owner, agency=agency,
                        completed_at=timezone.now(), assessment_date=done,
                        reassessment_due=add_months(done, meta.reassessment_months or 6),
                    ))
            Assessment.objects.bulk_create(rows)
            count += len(rows)
    # The due-date index the services keep, filled the way its migration fills it.
    import importlib

    from safeguard.assessments.models import ReassessmentDue

    importlib.import_module("safeguard.assessments.migrations.0002_reassessment_due").fill(Assessment, ReassessmentDue)
    return {"users": by_name, "region": region, "assessments": count, "today": today}


def _client_for(user):
    import time as clock

    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from safeguard.accounts.middleware import SIGNED_IN_AT

    client = Client()
    client.force_login(user, backend="safeguard.accounts.backends.AccountBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user, confirmed=True).persistent_id
    session[SIGNED_IN_AT] = clock.time()
    session.save()
    return client


def _time(call, runs: int) -> tuple[int, float, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            call()
            times.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
    return queries, statistics.median(times), max(times)


def _measure(world: dict, runs: int) -> list[tuple[str, int, int, float, float]]:
    from django.urls import reverse

    from safeguard.accounts.models import Membership
    from safeguard.alerts.models import Acknowledgement, key_digest
    from safeguard.assessments.due import reassessments_due
    from safeguard.core.due import DueQuery
    from safeguard.policy import Actor

    today = world["today"]
    prac, sup = world["users"]["bench.prac0"], world["users"]["bench.sup"]
    actor = Actor(user=prac, membership=Membership.objects.select_related("agency").get(user=prac))
    sup_actor = Actor(user=sup, membership=Membership.objects.select_related("agency").get(user=sup))
    own = reassessments_due(DueQuery(actor=actor, today=today, limit=201))
    team = reassessments_due(DueQuery(actor=sup_actor, today=today, limit=501, team=True))
    results = [
        ("provider alone, practitioner (limit 201)", len(own),
         *_time(lambda: reassessments_due(DueQuery(actor=actor, today=today, limit=201)), runs)),
        ("provider alone, team (limit 501)", len(team),
         *_time(lambda: reassessments_due(DueQuery(actor=sup_actor, today=today, limit=501, team=True)), runs)),
    ]
    prac_client, sup_client = _client_for(prac), _client_for(sup)

    def page(client, name):
        def call():
            response = client.get(reverse(name))
            assert response.status_code == 200, (name, response.status_code)
        return call

    from safeguard.core import plugins

    panel = plugins._PANELS.pop("alerts.attention")
    results.append(("practitioner's dashboard without the panel", 0, *_time(page(prac_client, "core:dashboard"), runs)))
    plugins._PANELS["alerts.attention"] = panel
    results += [
        ("practitioner's dashboard", len(own), *_time(page(prac_client, "core:dashboard"), runs)),
        ("practitioner's alerts page", len(own), *_time(page(prac_client, "alerts:list"), runs)),
        ("supervisor's team view", min(len(team), 500), *_time(page(sup_client, "alerts:team"), runs)),
    ]
    from django.utils import timezone

    Acknowledgement.objects.bulk_create([
        Acknowledgement(user=prac, key_digest=key_digest(i.key), kind=i.kind, due_on=i.due_on,
                        acknowledged_at=timezone.now())
        for i in own
    ])
    results += [
        ("dashboard, every item acknowledged", len(own), *_time(page(prac_client, "core:dashboard"), runs)),
        ("alerts page, every item acknowledged", len(own), *_time(page(prac_client, "alerts:list"), runs)),
        ("team view, one practitioner's acknowledged", min(len(team), 500), *_time(page(sup_client, "alerts:team"), runs)),
    ]
    return results


if __name__ == "__main__":
    sys.exit(main())
