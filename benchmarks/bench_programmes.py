"""Programmes at volume: the facilitator's dashboard and the register page with 500 groups, 6,000
people and 150,000 attendance rows. Reports each page's queries (which must not grow with the data)
and its latency (p50, p95) through the whole Django stack in process (middleware, policy, audit).

    .venv/bin/python benchmarks/bench_programmes.py                               # SQLite in a temp dir
    source scripts/pg.sh; pg_start; .venv/bin/python benchmarks/bench_programmes.py; pg_stop   # PostgreSQL

The data is written in bulk (the services would plan and audit every group one by one, which is
not what is measured): 500 Building Choices groups at 25 sites, 12 people each with their referral,
the template's 21 group sessions (20 held with a register of 12 rows, the last one today and still to
take) and five booked one-to-ones per person with their one row (20 × 12 + 5 × 12 = 300 rows a group,
150,000 in all). 100 facilitators run 5 groups each.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

GROUPS, PER_GROUP, SITES, FACILITATORS = 500, 12, 25, 100
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests package, for signing in


def _setup(today: date) -> dict[str, object]:
    from django.db import transaction
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from safeguard.accounts.models import Agency, Membership, User
    from safeguard.people.models import Person, PersonAgencyLink
    from safeguard.programmes import catalogue
    from safeguard.programmes.models import (
        Attendance,
        Group,
        GroupFacilitator,
        GroupMember,
        Homework,
        Referral,
        Room,
        Session,
        SessionFacilitator,
        Site,
    )

    template = catalogue.get("building-choices-moderate")
    assert template is not None
    zone = timezone.get_default_timezone()
    with transaction.atomic():
        treatment = Agency.objects.create(name="Bench treatment", kind="treatment")
        probation = Agency.objects.create(name="Bench probation", kind="probation")
        unusable = "!"  # an unusable password: nobody signs in with one
        users = User.objects.bulk_create([User(username=f"facilitator{i}", password=unusable) for i in range(FACILITATORS)])
        manager = User.objects.create(username="bench_manager", password=unusable)
        Membership.objects.bulk_create([Membership(user=u, agency=treatment, role="practitioner") for u in users]
                                       + [Membership(user=manager, agency=treatment, role="supervisor")])
        TOTPDevice.objects.bulk_create([TOTPDevice(user=u, name="bench", confirmed=True) for u in [*users, manager]])
        sites = Site.objects.bulk_create([Site(agency=treatment, name=f"Bench site {i}") for i in range(SITES)])
        rooms = Room.objects.bulk_create([Room(site=s, name=f"Room {r}") for s in sites for r in range(20)])
        persons = Person.objects.bulk_create([
            Person(reference=f"B{i:07d}", given_name="Testy", family_name=f"Benchington{i}",
                   date_of_birth=date(1980, 1, 1), owner_agency=probation) for i in range(GROUPS * PER_GROUP)
        ])
        PersonAgencyLink.objects.bulk_create(
            [PersonAgencyLink(person=p, agency=a, basis="statutory", started_on=date(2025, 1, 1))
             for p in persons for a in (probation, treatment)], batch_size=5000)
        referrals = Referral.objects.bulk_create([
            Referral(person=p, programme_id=template.id, source="probation", setting="community", referrer_agency=probation,
                     provider_agency=treatment, site=sites[i // (PER_GROUP * (GROUPS // SITES))], state="on_programme",
                     submitted_on=today - timedelta(weeks=20), started_on=today - timedelta(weeks=12))
            for i, p in enumerate(persons)
        ], batch_size=5000)
        groups = Group.objects.bulk_create([
            Group(code=f"BENCH-{g:04d}", programme_id=template.id, programme_version=template.version,
                  provider_agency=treatment, site=sites[g // (GROUPS // SITES)], room=rooms[g % len(rooms)],
                  cohort="sexual_offence", start_date=today - timedelta(weeks=12), max_size=PER_GROUP, status="running",
                  created_by=manager)
            for g in range(GROUPS)
        ])
        GroupFacilitator.objects.bulk_create([GroupFacilitator(group=g, user=users[i % FACILITATORS]) for i, g in enumerate(groups)])
        members = GroupMember.objects.bulk_create([
            GroupMember(group=groups[i // PER_GROUP], referral=r, person_id=r.person_id, joined_on=today - timedelta(weeks=12),
                        status="active")
            for i, r in enumerate(referrals)
        ], batch_size=5000)
        sessions, owners = [], []
        group_sessions = [s for s in template.sessions if s.kind == "group"]
        one_to_ones = [s for s in template.sessions if s.kind == "one_to_one"][:5]
        for g_index, group in enumerate(groups):
            user = users[g_index % FACILITATORS]
            for n, spec in enumerate(group_sessions):
                # Group sessions twice a week up to today (the last one today, its register not yet taken).
                day = today - timedelta(days=3 * (len(group_sessions) - 1 - n))
                start = timezone.make_aware(datetime.combine(day, datetime.min.time()), zone) + timedelta(hours=9 + g_index % 8)
                sessions.append(Session(group=group, number=spec.number, module=spec.module, name=spec.name, kind="group",
                                        day=day, starts_at=start, ends_at=start + timedelta(minutes=150), room=group.room,
                                        register_taken_at=None if n == len(group_sessions) - 1 else start, register_taken_by=user))
                owners.append((user, None))
            for member in members[g_index * PER_GROUP:(g_index + 1) * PER_GROUP]:
                for k, spec in enumerate(one_to_ones):
                    day = today - timedelta(days=10 * (k + 1))
                    start = timezone.make_aware(datetime.combine(day, datetime.min.time()), zone) + timedelta(hours=8)
                    sessions.append(Session(group=group, number=spec.number, module=spec.module, name=spec.name,
                                            kind="one_to_one", day=day, starts_at=start, ends_at=start + timedelta(minutes=60),
                                            room=group.room, member=member, register_taken_at=start, register_taken_by=user))
                    owners.append((user, member))
        sessions = Session.objects.bulk_create(sessions, batch_size=5000)
        SessionFacilitator.objects.bulk_create(
            [SessionFacilitator(session=s, user=u, starts_at=s.starts_at, ends_at=s.ends_at) for s, (u, _) in zip(sessions, owners, strict=True)],
            batch_size=5000)
        rows, homework = [], []
        outcomes = ("attended_complied",) * 8 + ("attended_failed_to_comply", "acceptable_absence", "unacceptable_absence")
        by_group: dict[int, list] = {}
        for m in members:
            by_group.setdefault(m.group_id, []).append(m)
        for s, (user, member) in zip(sessions, owners, strict=True):
            if s.register_taken_at is None:
                continue
            for m in [member] if member else by_group[s.group_id]:
                rows.append(Attendance(session=s, member=m, outcome=outcomes[(m.pk + s.pk) % len(outcomes)],
                                       recorded_by=user, recorded_at=s.starts_at))
                if member is None and s.number % 5 == 0:
                    homework.append(Homework(member=m, session=s, title="Bench homework", set_on=s.day,
                                             due_on=s.day + timedelta(days=3),
                                             status=("set", "submitted", "reviewed")[(m.pk + s.pk) % 3]))
        Attendance.objects.bulk_create(rows, batch_size=10000)
        totals: dict[int, list[int]] = {}
        for row in rows:
            kept = totals.setdefault(row.session_id, [0, 0])
            kept[0] += 1
            kept[1] += row.outcome in ("attended_complied", "attended_failed_to_comply")
        for s in sessions:
            s.recorded, s.attended = totals.get(s.pk, [0, 0])
        Session.objects.bulk_update(sessions, ["recorded", "attended"], batch_size=5000)
        Homework.objects.bulk_create(homework, batch_size=10000)
    today_session = Session.objects.filter(group=groups[0], register_taken_at__isnull=True, member__isnull=True).first()
    return {"facilitator": users[0], "manager": manager, "session": today_session, "attendance": Attendance.objects.count(),
            "sessions": Session.objects.count(), "homework": Homework.objects.count()}


def _client(user):
    from django.test import Client
    from tests.conftest import sign_in

    client = Client()
    sign_in(client, user)
    return client


def _time(client, url: str, runs: int) -> tuple[int, float, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    count = len(queries)  # read now: the log is emptied when the next request starts
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200
    timings.sort()
    return count, statistics.median(timings), timings[int(0.95 * (len(timings) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-programmes-"))
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{work / 'programmes.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.site.settings")
    os.environ.setdefault("SAFEGUARD_ENV", "test")
    os.environ["SAFEGUARD_DEMO"] = "false"
    os.environ["AUDIT_CHECKPOINT_DIR"] = str(work / "checkpoints")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    setup_test_environment()  # the test client's template and query hooks; not a test database
    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    data = _setup(timezone.localdate())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    print(f"built {GROUPS} groups, {GROUPS * PER_GROUP:,} people, {data['sessions']:,} sessions, "
          f"{data['attendance']:,} attendance rows, {data['homework']:,} homework in {time.perf_counter() - began:.0f} s",
          file=sys.stderr)
    facilitator, manager = _client(data["facilitator"]), _client(data["manager"])
    session = data["session"]
    pages = [
        ("facilitator dashboard (5 groups)", facilitator, "/dashboard/"),
        ("register page (12 people)", facilitator, f"/programmes/sessions/{session.pk}/register/"),  # type: ignore[attr-defined]
        ("register, API", facilitator, f"/api/v1/programmes/sessions/{session.pk}/register"),  # type: ignore[attr-defined]
        ("programme manager dashboard (500 groups)", manager, "/dashboard/"),
        ("waiting list, manager", manager, "/programmes/waiting-list/"),
    ]
    print("| database | page | queries | p50 (ms) | p95 (ms) | runs |")
    print("|---|---|---:|---:|---:|---:|")
    for label, client, url in pages:
        count, p50, p95 = _time(client, url, args.runs)
        print(f"| {connection.vendor} | {label} | {count} | {p50:.1f} | {p95:.1f} | {args.runs} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
