"""Supervision at national scale (issue 12): the caseload, the team view, a person's supervision page, the
dashboard and the due-item provider at 1,000 and 100,000 people under management, and the daily job.

    source scripts/pg.sh; pg_start
    .venv/bin/python benchmarks/bench_supervision.py                 # 1,000 then 100,000 people
    .venv/bin/python benchmarks/bench_supervision.py --sizes 1000 --requests 50
    pg_stop

PostgreSQL only (it loads with COPY): it migrates the database named by DATABASE_URL, then grows the data
to each size in turn and measures. Per person under management: an owner link to its area (a probation
region of 2,500 cases), a statutory link to a police force, one open case with a named officer (50 cases
per officer, so an officer's caseload stays the same size while the data grows 100-fold), 20 completed
home visits (2,000,000 at 100,000), a plan with two entries, a completed OSP/DC assessment, and for every
second person notification requirements held by the police with 20 notifications (1,000,000 at 100,000);
one person in ten has a MAPPA level, one in twenty a level 2 meeting with two actions; one assessment in a
hundred was completed yesterday. Derived fields (due dates, risk levels, tiers) are then filled by a full
sweep (`refresh_open_cases`, every case changes), timed, and a second full sweep is timed (nothing
changes); then the daily job as it runs each night (`refresh_due_cases` for the next day: the cases whose
dates pass or whose person was assessed in the last 7 days).

Each path is requested `--requests` times in process (Django's test client, the officer or supervisor
signed in, the same middleware as a real request; every request writes its audit event), after two warm-up
requests; the table gives the queries of one request and p50/p95 of the wall-clock time. Wall-clock on a
shared machine: other work on it lengthens the tail.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.site.settings")
os.environ.setdefault("SAFEGUARD_ENV", "test")

AREA = 2500  # cases per area (agency)
PER_OFFICER = 50
VISITS = 20
EVENTS = 20
BATCH = 5000
PATHS = {
    "caseload": "officer's caseload, first page",
    "caseload_next": "officer's caseload, next page (cursor)",
    "team": "supervisor's team view (2,500 cases at 100k)",
    "person": "a person's supervision page",
    "dashboard": "officer's dashboard (supervision panel)",
}


def _setup() -> None:
    import django

    django.setup()


def _copy(table: str, columns: list[str], rows: Any) -> int:
    from django.db import connection

    connection.ensure_connection()
    count = 0
    with connection.connection.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


class World:
    """The agencies, officers and the ciphertexts the load reuses (encryption is bound to table and column)."""

    def __init__(self) -> None:
        from safeguard import demo
        from safeguard.accounts.models import User
        from safeguard.core import crypto
        from safeguard.core.fields import keyring

        agencies = demo.ensure_agencies()
        demo.ensure_users(agencies)
        self.admin = User.objects.get(username="probation.officer")
        ring = keyring()
        self.cipher = {
            (table, column): crypto.encrypt(text, ring=ring, context=f"{table}.{column}")
            for table, column, text in (
                ("supervision_visit", "observations", "Synthetic: at home, cooperative; devices checked."),
                ("supervision_planitem", "text", "Synthetic plan entry."),
                ("supervision_mappameeting", "attendees", "Synthetic attendees"),
                ("supervision_mappameeting", "minutes", "Synthetic minutes of a level 2 meeting."),
                ("supervision_mappaaction", "description", "Synthetic action."),
            )
        }
        self.areas: dict[int, Any] = {}
        self.police: dict[int, Any] = {}
        self.officers: dict[int, Any] = {}
        self.supervisors: dict[int, Any] = {}

    def area(self, index: int) -> Any:
        from safeguard.accounts.choices import AgencyKind, Role
        from safeguard.accounts.models import Agency, Membership, User

        if index not in self.areas:
            self.areas[index] = Agency.objects.get_or_create(name=f"Bench Probation Area {index}", kind=AgencyKind.PROBATION)[0]
            self.police[index] = Agency.objects.get_or_create(name=f"Bench Police Force {index}", kind=AgencyKind.POLICE)[0]
            user, _ = User.objects.get_or_create(username=f"bench.supervisor.{index}", defaults={"first_name": "Bench", "last_name": f"Supervisor {index}"})
            Membership.objects.get_or_create(user=user, agency=self.areas[index], role=Role.SUPERVISOR)
            self.supervisors[index] = user
        return self.areas[index]

    def officer(self, index: int, area_index: int) -> Any:
        from safeguard.accounts.choices import Role
        from safeguard.accounts.models import Membership, User

        if index not in self.officers:
            user, _ = User.objects.get_or_create(username=f"bench.officer.{index}", defaults={"first_name": "Bench", "last_name": f"Officer {index}"})
            Membership.objects.get_or_create(user=user, agency=self.area(area_index), role=Role.PRACTITIONER)
            self.officers[index] = user
        return self.officers[index]


def grow(world: World, target: int, today: date) -> dict[str, float]:
    """Add people (with everything they carry) until there are `target` cases."""
    from django.db import transaction

    from safeguard.accounts.choices import SharingBasis
    from safeguard.people.models import Person, PersonAgencyLink
    from safeguard.supervision.models import SupervisionCase

    start = SupervisionCase.objects.count()
    rng = random.Random(start)
    began = time.perf_counter()
    now = datetime.now(UTC)
    for first in range(start, target, BATCH):
        last = min(first + BATCH, target)
        with transaction.atomic():
            persons, links, cases = [], [], []
            for i in range(first, last):
                area_index = i // AREA
                area = world.area(area_index)
                officer = world.officer(i // PER_OFFICER, area_index)
                person = Person(id=uuid.uuid4(), reference=f"B{i:09d}"[:12], given_name="Bench", family_name=f"Caseload{i:06d}",
                                date_of_birth=date(1960, 1, 1) + timedelta(days=i % 15000), owner_agency=area)  # fmt: skip
                persons.append(person)
                links.append(PersonAgencyLink(person=person, agency=area, basis=SharingBasis.OWNER, started_on=date(2020, 1, 1)))
                links.append(PersonAgencyLink(person=person, agency=world.police[area_index], basis=SharingBasis.STATUTORY,
                                              started_on=date(2020, 1, 1)))  # fmt: skip
                cases.append(SupervisionCase(id=uuid.uuid4(), person=person, agency=area, officer=officer,
                                             opened_on=today - timedelta(days=365 * 4 + i % 300), rosh_level="medium",
                                             rosh_assessed_on=today - timedelta(days=60 + i % 300),
                                             sexual_offence_history=True))  # fmt: skip
            Person.objects.bulk_create(persons, batch_size=BATCH)
            PersonAgencyLink.objects.bulk_create(links, batch_size=BATCH)
            SupervisionCase.objects.bulk_create(cases, batch_size=BATCH)
            _children(world, cases, today, now, rng)
    return {"load_seconds": time.perf_counter() - began}


def _children(world: World, cases: list[Any], today: date, now: datetime, rng: random.Random) -> None:
    """Visits, plans, assessments, the register and MAPPA for a batch of new cases (COPY)."""
    import json

    observations = world.cipher[("supervision_visit", "observations")]
    visit_cols = ["id", "case_id", "person_id", "agency_id", "kind", "status", "visited_on", "outcome", "present",
                  "observations", "concerns", "next_steps", "recorded_by_id", "recorded_at"]  # fmt: skip

    def visits():
        for n, case in enumerate(cases):
            last = today - timedelta(days=5 + (n * 7) % 60)
            for k in range(VISITS):
                yield (uuid.uuid4(), case.pk, case.person_id, case.agency_id, "unannounced" if k % 2 else "planned",
                       "done", last - timedelta(days=70 * k), "completed", "", observations, "", "", case.officer_id, now)

    _copy("supervision_visit", visit_cols, visits())
    _copy("supervision_riskmanagementplan", ["case_id", "reviewed_on", "review_every_months", "visit_override_reason",
                                             "updated_by_id", "updated_at"],
          ((c.pk, today - timedelta(days=30 + n % 300), 12, "", c.officer_id, now) for n, c in enumerate(cases)))  # fmt: skip
    from safeguard.supervision.models import RiskManagementPlan

    plans = dict(RiskManagementPlan.objects.filter(case_id__in=[c.pk for c in cases]).values_list("case_id", "id"))
    text = world.cipher[("supervision_planitem", "text")]
    _copy("supervision_planitem", ["plan_id", "kind", "text", '"order"', "starts_on", "ends_on", "created_by_id", "created_at"],
          (row for n, c in enumerate(cases) for row in (
              (plans[c.pk], "risk_factor", text, "", None, None, c.officer_id, now),
              (plans[c.pk], "prohibition", text, "Sexual Harm Prevention Order", c.opened_on,
               today + timedelta(days=20 + n % 2000), c.officer_id, now),
          )))  # fmt: skip
    result = json.dumps({"band": "medium", "points": 25, "probability": 0.02, "risk_reduction_applied": False})
    _copy("assessments_assessment", ["id", "person_id", "instrument_id", "status", "version", "inputs", "result",
                                     "model_version", "thresholds_version", "verified", "inputs_hash", "started_by_id",
                                     "assessed_by_id", "agency_id", "created_at", "updated_at", "completed_at",
                                     "assessment_date", "correction_reason"],
          ((uuid.uuid4(), c.person_id, "osp-dc", "completed", 1, "{}", result, "bench", "bench", True, "0" * 64,
            c.officer_id, c.officer_id, c.agency_id, now, now,
            # One assessment in a hundred was completed yesterday (the daily job's share from the assessments app).
            now - timedelta(days=1) if n % 100 == 0 else now - timedelta(days=90 + n % 200),
            today - timedelta(days=90 + n % 200), "")
           for n, c in enumerate(cases)))  # fmt: skip
    _register(world, cases[::2], today, now)
    _mappa(world, cases[::10], today, now)


def _register(world: World, cases: list[Any], today: date, now: datetime) -> None:
    """Indefinite requirements held by the police, each with 20 notifications; the requirement's derived
    dates are computed here from the same register rules (the services' `refresh_requirement` would cost two
    queries a requirement)."""
    from safeguard.guidelines.register import (
        annual_notification_due,
        change_notification_due,
        initial_notification_due,
        review_qualifying_date,
    )

    police = {area.pk: world.police[index].pk for index, area in world.areas.items()}
    requirements = []
    rows = []
    for n, case in enumerate(cases):
        rid = uuid.uuid4()
        relevant = case.opened_on - timedelta(days=30)
        agency = police[case.agency_id]
        initial = initial_notification_due(relevant)
        rows.append((uuid.uuid4(), rid, case.person_id, agency, "initial", relevant, initial.due_date, initial.basis, True,
                     relevant + timedelta(days=1)))  # fmt: skip
        last = relevant + timedelta(days=1)
        pending = []
        for k in range(1, EVENTS):
            if k % 4 == 0:
                change = last + timedelta(days=40)
                due = change_notification_due(change)
                rows.append((uuid.uuid4(), rid, case.person_id, agency, "home_address", change, due.due_date, due.basis,
                             True, change + timedelta(days=1)))  # fmt: skip
                last = change + timedelta(days=1)
            else:
                due = annual_notification_due(last)
                made = due.due_date - timedelta(days=5) if n % 50 or k < EVENTS - 1 else None
                rows.append((uuid.uuid4(), rid, case.person_id, agency, "annual", last, due.due_date, due.basis, False, made))
                if made is None:
                    pending.append(due.due_date)
                else:
                    last = made
        review = review_qualifying_date(relevant + timedelta(days=1), under_18_on_relevant_date=False)
        annual = annual_notification_due(last).due_date
        requirements.append((rid, case.person_id, agency, "computed", relevant, "imprisonment", 36, False, 40, True, "", None,
                             "", "Bench: indefinite (s.82)", "verified", "[]", relevant + timedelta(days=1),
                             review.due_date, review.basis, annual, min([*pending, annual]), world.admin.pk, now))  # fmt: skip
    _copy("supervision_notificationrequirement",
          ["id", "person_id", "agency_id", "source", "relevant_date", "disposal", "custody_months", "suspended",
           "age_at_relevant_date", "indefinite", "period_text", "end_date", "legal_basis", "basis", "status", "warnings",
           "first_notification_on", "review_qualifying_date", "review_basis", "next_annual_due", "next_due",
           "created_by_id", "created_at"], requirements)  # fmt: skip
    _copy("supervision_notificationevent",
          ["id", "requirement_id", "person_id", "agency_id", "kind", "counts_from", "due_date", "due_basis", "due_verified",
           "notified_on", "destination", "carrier", "accommodation", "details", "recorded_by_id", "recorded_at"],
          ((*row, "", "", "", "", world.admin.pk, now) for row in rows))  # fmt: skip


def _mappa(world: World, cases: list[Any], today: date, now: datetime) -> None:
    _copy("supervision_mappastatus", ["person_id", "agency_id", "category", "level", "since", "recorded_by_id", "created_at"],
          ((c.person_id, c.agency_id, 1, 2 if n % 2 == 0 else 1, today - timedelta(days=200), c.officer_id, now)
           for n, c in enumerate(cases)))  # fmt: skip
    meetings = [(uuid.uuid4(), c) for n, c in enumerate(cases) if n % 2 == 0]
    _copy("supervision_mappameeting", ["id", "person_id", "agency_id", "level", "held_on", "agencies_present", "attendees",
                                       "minutes", "recorded_by_id", "created_at"],
          ((mid, c.person_id, c.agency_id, 2, today - timedelta(days=40), "Police\nProbation",
            world.cipher[("supervision_mappameeting", "attendees")], world.cipher[("supervision_mappameeting", "minutes")],
            c.officer_id, now) for mid, c in meetings))  # fmt: skip
    _copy("supervision_mappaaction", ["meeting_id", "person_id", "agency_id", "description", "owner_id", "due_on", "created_at"],
          ((mid, c.person_id, c.agency_id, world.cipher[("supervision_mappaaction", "description")], c.officer_id,
            today + timedelta(days=k * 20 - 10), now) for mid, c in meetings for k in range(2)))  # fmt: skip


# --- measuring -------------------------------------------------------------------------------------------


def _client(user: Any) -> Any:
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from safeguard.accounts.middleware import SIGNED_IN_AT

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    client = Client()
    client.force_login(user, backend="safeguard.accounts.backends.AccountBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SIGNED_IN_AT] = time.time()
    session.save()
    return client


_TICK = os.sysconf("SC_CLK_TCK")


def _backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by the PostgreSQL backend serving this process."""
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


class Clock:
    """Wall time, and CPU time of this process plus its database backend: on a shared machine other work
    lengthens the wall-clock figures, but hardly the CPU spent on the request itself."""

    def __enter__(self) -> Clock:
        self.pid = _backend_pid()
        self.wall, self.app, self.db = time.perf_counter(), time.process_time(), _cpu(self.pid)
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.app = time.process_time() - self.app
        self.db = _cpu(self.pid) - self.db


def measure(world: World, requests: int) -> dict[str, dict[str, float]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from safeguard.policy import Actor
    from safeguard.supervision import selectors
    from safeguard.supervision.models import SupervisionCase

    officer, supervisor = _client(world.officers[0]), _client(world.supervisors[0])
    membership = world.officers[0].memberships.select_related("agency").get()
    actor = Actor(user=world.officers[0], membership=membership, endpoint="bench")
    first = selectors.caseload(actor=actor, today=timezone.localdate())
    person = SupervisionCase.objects.filter(officer=world.officers[0]).order_by("opened_on", "id").values_list("person_id", flat=True).first()
    urls = {
        "caseload": (officer, reverse("supervision:caseload")),
        "caseload_next": (officer, reverse("supervision:caseload") + f"?cursor={first.next_cursor}"),
        "team": (supervisor, reverse("supervision:team")),
        "person": (officer, reverse("supervision:person", args=[person])),
        "dashboard": (officer, reverse("core:dashboard")),
    }
    found: dict[str, dict[str, float]] = {}
    for name, (client, url) in urls.items():
        for _ in range(2):
            assert client.get(url).status_code == 200, (name, url)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        queries = len(captured)
        times, app_times = [], []
        with Clock() as total:
            for _ in range(requests):
                began, app = time.perf_counter(), time.process_time()
                response = client.get(url)
                times.append((time.perf_counter() - began) * 1000)
                app_times.append((time.process_time() - app) * 1000)
                assert response.status_code == 200
        times.sort()
        app_times.sort()
        found[name] = {
            "queries": queries, "p50": statistics.median(times), "p95": times[max(0, int(len(times) * 0.95) - 1)],
            "app_p95": app_times[max(0, int(len(app_times) * 0.95) - 1)], "cpu": (total.app + total.db) * 1000 / requests,
        }
    return found


def explain(world: World, today: date) -> None:
    """EXPLAIN ANALYZE of the team view's caseload page and its overdue count, as the supervisor."""
    from django.db import connection

    from safeguard.policy import Actor
    from safeguard.supervision import selectors

    supervisor = world.supervisors[0]
    actor = Actor(user=supervisor, membership=supervisor.memberships.select_related("agency").get(), endpoint="bench")
    page = selectors.filtered_cases(actor, team=True, filters=selectors.CaseloadFilters(), today=today)[:26]
    overdue = selectors._open_cases(actor, team=True).filter(attention_on__lt=today).values_list("officer_id", flat=True)[:1001]
    for label, query in (("team page", page), ("team overdue", overdue)):
        sql, params = query.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            print(f"-- {label}\n" + "\n".join(row[0] for row in cursor.fetchall()))


def counts() -> dict[str, int]:
    from safeguard.supervision.models import NotificationEvent, SupervisionCase, Visit

    return {"cases": SupervisionCase.objects.count(), "visits": Visit.objects.count(),
            "events": NotificationEvent.objects.count()}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--profile-job", action="store_true", help="time each query of the steady-state daily job")
    parser.add_argument("--explain", action="store_true", help="print the plans of the team view's queries")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("Set DATABASE_URL to a PostgreSQL database (source scripts/pg.sh; pg_start).", file=sys.stderr)
        return 2
    _setup()
    from django.core.management import call_command
    from django.utils import timezone

    from safeguard.supervision.tasks import refresh_due_cases, refresh_open_cases

    call_command("migrate", verbosity=0, interactive=False)
    world = World()
    today = timezone.localdate()
    results = {}
    for size in sorted(args.sizes):
        loaded = grow(world, size, today)
        with Clock() as fill:
            first = refresh_open_cases(today=today)
        from django.db import connection

        with connection.cursor() as cursor:  # fresh planner statistics after the bulk load
            cursor.execute("ANALYZE")
        spent: dict[str, list[float]] = {}

        def timed(execute: Any, sql: str, params: Any, many: bool, context: Any, spent: dict[str, list[float]] = spent) -> Any:
            began = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                spent.setdefault(sql.split(" WHERE ")[0][-70:], []).append(time.perf_counter() - began)

        with Clock() as sweep:
            swept = refresh_open_cases(today=today)
        tomorrow, since = today + timedelta(days=1), datetime.now(UTC) - timedelta(days=7)
        with Clock() as nightly:
            if args.profile_job:
                with connection.execute_wrapper(timed):
                    steady = refresh_due_cases(today=tomorrow, assessed_since=since)
            else:
                steady = refresh_due_cases(today=tomorrow, assessed_since=since)
        for what, times in sorted(spent.items(), key=lambda item: -sum(item[1]))[:12]:
            print(f"  {sum(times):6.1f} s in {len(times):5} × …{what}")
        results[size] = measure(world, args.requests)
        if args.explain:
            explain(world, today)
        print(f"\n## {size:,} people under management: {counts()}")
        print(f"load {loaded['load_seconds']:.0f} s; daily job after loading {fill.wall:.1f} s wall, "
              f"{fill.app + fill.db:.1f} s CPU ({first[0]:,} cases read, {first[1]:,} changed); a full sweep again "
              f"{sweep.wall:.1f} s wall, {sweep.app + sweep.db:.1f} s CPU ({swept[0]:,} read, {swept[1]:,} changed)")
        print(f"the daily job (supervision.refresh, next day) {nightly.wall:.1f} s wall, {nightly.app + nightly.db:.1f} s CPU "
              f"({steady[0]:,} cases due or assessed read, {steady[1]:,} changed)")
        print("| path | queries | p50 ms | p95 ms | app CPU p95 ms | app + database CPU per request ms |")
        print("|---|---:|---:|---:|---:|---:|")
        for name, figures in results[size].items():
            print(f"| {PATHS[name]} | {figures['queries']:.0f} | {figures['p50']:.1f} | {figures['p95']:.1f} | "
                  f"{figures['app_p95']:.1f} | {figures['cpu']:.1f} |")
        sys.stdout.flush()
    if len(results) > 1:
        small, large = results[min(results)], results[max(results)]
        print(f"\n| path | queries {min(results):,} / {max(results):,} | ratio {max(results):,} / {min(results):,}: "
              "p95 | app CPU p95 | CPU per request |")
        print("|---|---|---:|---:|---:|")
        for name in PATHS:
            print(f"| {PATHS[name]} | {small[name]['queries']:.0f} / {large[name]['queries']:.0f} | "
                  f"{large[name]['p95'] / small[name]['p95']:.2f} | {large[name]['app_p95'] / small[name]['app_p95']:.2f} | "
                  f"{large[name]['cpu'] / small[name]['cpu']:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
