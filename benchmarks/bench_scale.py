"""Person lists, search and the dashboard at national scale (issue 14): the same paths at 1,000 and
100,000 people, on SQLite and PostgreSQL, in process and against a real server with 1 and 10 clients.

    .venv/bin/python benchmarks/bench_scale.py                                   # SQLite, 1,000 then 100,000
    source scripts/pg.sh; pg_start
    .venv/bin/python benchmarks/bench_scale.py --databases sqlite,postgresql --seconds 5
    pg_stop

Each database runs in a child process of its own: SQLite in a throwaway file, PostgreSQL in the database
named by DATABASE_URL (it must be empty: the bench migrates it and adds rows). The data grows to each size
in turn through bulk model creates. Per person: a PNC number for every second one, an owner link to the demo probation region (so the
probation officer sees every person: the worst case for a list), a statutory link to one of 4 police forces,
a partner (consent) link to one of 4 treatment providers, a conviction and an address; three audit events
per person (views and searches by 50 bench users, and every tenth one by the officer, whose dashboard
lists the records opened recently). Names are synthetic: three syllables make about 8,000 family names.

Paths: the API list (first page; a deep page by number; a deep page by cursor when the API offers one), an
API search by family name, the HTML list, the officer's dashboard, a person's page and the auditor's audit
log filtered by one record id. In process (Django's test client, the same middleware as a real request,
every request writes its audit event) each path runs for --seconds after two warm-up requests; the table
gives the queries of one request and p50/p95. Then `safeguard serve` (gunicorn, as shipped) answers the
same paths from 1 and from 10 connections (wrk when installed, else client threads) (bearer token for the API, a session cookie for pages).
Wall-clock on a shared 2-core machine: the clients share the cores with the server.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import itertools
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
BATCH = 5000
SYLLABLES = ["ab", "bel", "cor", "dun", "el", "far", "gil", "har", "ing", "jor", "kel", "lan", "mor", "nor",
             "ost", "pen", "quin", "ros", "sut", "tes"]  # fmt: skip
GIVEN = ["Alex", "Bailey", "Casey", "Drew", "Emery", "Finley", "Gale", "Harper", "Indy", "Jordan", "Kit", "Logan",
         "Morgan", "Noel", "Oakley", "Parker", "Quinn", "Riley", "Sam", "Taylor"]  # fmt: skip
PATHS = {
    "api_list": "API person list, page 1",
    "api_deep": "API person list, deepest page by number (middle, or 400: the last one offered)",
    "api_deep_first": "API person list, that deepest page on a first visit (no page ends kept; in process only)",
    "api_cursor": "API person list, deep page by cursor (middle)",
    "api_search": "API search by family name",
    "api_pnc": "API search by PNC number (half the people have one)",
    "html_list": "HTML person list, page 1",
    "dashboard": "practitioner dashboard",
    "person": "a person's page",
    "audit": "audit log filtered by record id",
}
ONLY: set[str] = set()  # --paths: measure these alone (default: every path)


def family_name(i: int) -> str:
    a, b, c = (i * 7919) % 20, (i // 20 * 31) % 20, (i // 400 * 17) % 20
    return (SYLLABLES[a] + SYLLABLES[b] + SYLLABLES[c]).capitalize() + "ton"


# --- the child: load and measure one database ---------------------------------------------------------


class World:
    def __init__(self) -> None:
        from safeguard import demo
        from safeguard.accounts.choices import AgencyKind, Role
        from safeguard.accounts.models import Agency, Membership, User

        agencies = demo.ensure_agencies()
        demo.ensure_users(agencies)
        self.officer = User.objects.get(username="probation.officer")
        self.auditor = User.objects.get(username="auditor")
        self.membership = self.officer.memberships.select_related("agency").get(role=Role.PRACTITIONER)
        self.area = self.membership.agency
        self.police = [Agency.objects.get_or_create(name=f"Bench Police Force {n}", kind=AgencyKind.POLICE)[0] for n in range(4)]
        self.treatment = [Agency.objects.get_or_create(name=f"Bench Treatment Provider {n}", kind=AgencyKind.TREATMENT)[0]
                          for n in range(4)]  # fmt: skip
        self.users = []
        for n in range(50):
            user, _ = User.objects.get_or_create(username=f"bench.user.{n}")
            Membership.objects.get_or_create(user=user, agency=self.area, role=Role.PRACTITIONER)
            self.users.append(user)


def grow(world: World, target: int) -> float:
    from django.db import transaction

    from safeguard.accounts.choices import SharingBasis
    from safeguard.audit.models import AuditEvent
    from safeguard.people.models import Address, Conviction, Person, PersonAgencyLink

    start = Person.objects.filter(reference__startswith="B").count()
    began = time.perf_counter()
    now = datetime.now(UTC)
    for first in range(start, target, BATCH):
        last = min(first + BATCH, target)
        with transaction.atomic():
            persons, links, convictions, addresses, events = [], [], [], [], []
            for i in range(first, last):
                person = Person(id=uuid.uuid4(), reference=f"B{i:09d}", given_name=GIVEN[i % 20], family_name=family_name(i),
                                date_of_birth=date(1960, 1, 1) + timedelta(days=i % 15000), owner_agency=world.area,
                                pnc_number=f"{2000 + i % 20}/{i:07d}{'ABCDEFGHJK'[i % 10]}" if i % 2 else "")  # fmt: skip
                persons.append(person)
                links += [
                    PersonAgencyLink(person=person, agency=world.area, basis=SharingBasis.OWNER, started_on=date(2020, 1, 1)),
                    PersonAgencyLink(person=person, agency=world.police[i % 4], basis=SharingBasis.STATUTORY, started_on=date(2020, 1, 1)),
                    PersonAgencyLink(person=person, agency=world.treatment[i % 4], basis=SharingBasis.CONSENT, started_on=date(2021, 1, 1)),
                ]  # fmt: skip
                convictions.append(Conviction(person=person, offence_code="soa2003-s9", offence_date=date(2015, 1, 1),
                                              conviction_date=date(2016, 1, 1), court="Bench Crown Court", disposal="community_order"))  # fmt: skip
                addresses.append(Address(person=person, line1=f"{i % 300} Bench Street", town="Benchbury", postcode="ZZ1 1AA",
                                         from_date=date(2019, 1, 1)))  # fmt: skip
                for k in range(3):
                    user = world.officer if (i + k) % 10 == 0 else world.users[(i + k) % 50]
                    events.append(AuditEvent(
                        occurred_at=now - timedelta(minutes=(target - i) * 3 + k), user_id=user.pk, username=user.username,
                        agency_id=world.area.pk, agency_name=world.area.name, role="practitioner",
                        action="person.view" if k else "person.search", object_type="people.Person",
                        object_id=str(person.pk), outcome="success", endpoint="GET /bench",
                        prev_hash="0" * 64, hash=hashlib.sha256(f"bench-{i}-{k}".encode()).hexdigest(),
                    ))  # fmt: skip
            Person.objects.bulk_create(persons, batch_size=BATCH)
            PersonAgencyLink.objects.bulk_create(links, batch_size=BATCH)
            Conviction.objects.bulk_create(convictions, batch_size=BATCH)
            Address.objects.bulk_create(addresses, batch_size=BATCH)
            AuditEvent.objects.bulk_create(events, batch_size=BATCH)
    from django.db import connection

    with connection.cursor() as cursor:  # fresh planner statistics after the bulk load
        # PostgreSQL: VACUUM too, as autovacuum soon would after a load: it moves the rows just added from
        # the trigram indexes' pending lists (GIN fastupdate) into the indexes, which searches otherwise
        # read row by row.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return time.perf_counter() - began


def _session_client(user: Any) -> Any:
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


def paths(world: World, size: int) -> dict[str, tuple[str, str]]:
    """{name: (who, url)}: who is `token` (the officer's API token), `officer` or `auditor` (session)."""
    from django.urls import reverse

    from safeguard.people import selectors
    from safeguard.people.models import Person

    middle = max(1, size // 2 // selectors.PAGE_SIZE)
    deepest = min(middle, getattr(selectors, "MAX_PAGE_NUMBER", middle))  # pages by number stop at 400
    person = Person.objects.filter(reference=f"B{size // 2:09d}").get()
    found = {
        "api_list": ("token", "/api/v1/persons"),
        "api_deep": ("token", f"/api/v1/persons?page={deepest}"),
        "api_search": ("token", f"/api/v1/persons?q={family_name(size // 3)}"),
        "api_pnc": ("token", f"/api/v1/persons?q={2000 + (size // 2 + 1) % 20}/{size // 2 + 1:07d}{'ABCDEFGHJK'[(size // 2 + 1) % 10]}"),
        "html_list": ("officer", reverse("people:list")),
        "dashboard": ("officer", reverse("core:dashboard")),
        "person": ("officer", reverse("people:detail", args=[person.pk])),
        "audit": ("auditor", reverse("audit:list") + f"?record_type=people.Person&object_id={person.pk}"),
    }
    cursor_after = getattr(selectors, "cursor_after", None)
    if cursor_after is not None:  # the keyset cursor of the person in the middle of the list
        found["api_cursor"] = ("token", f"/api/v1/persons?cursor={cursor_after(person)}")
    return {name: path for name, path in found.items() if not ONLY or name in ONLY}


def measure_in_process(world: World, size: int, seconds: float) -> dict[str, dict[str, float]]:
    from django.db import connection
    from django.test import Client

    from safeguard.accounts import services
    from safeguard.people import selectors

    token = services.api_token_create(membership=world.membership, name="bench")
    clients = {
        "token": Client(headers={"Authorization": f"Bearer {token}"}),
        "officer": _session_client(world.officer),
        "auditor": _session_client(world.auditor),
    }
    forget = None
    starts_key = getattr(selectors, "_ends_key", None)
    if starts_key is not None:  # where the officer's list's pages end, as the API keeps it (ADR 0027)
        from django.core.cache import cache

        from safeguard.policy import Actor

        key = starts_key(Actor(user=world.officer, membership=world.membership), "")

        def forget() -> None:
            cache.delete(key)

    found: dict[str, dict[str, float]] = {}
    for name, (who, url) in paths(world, size).items():
        client = clients[who]
        for _ in range(2):
            response = client.get(url)
            assert response.status_code == 200, (name, url, response.status_code)
        # Counted by a wrapper: a request's start resets Django's own query log.
        captured: list[str] = []

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any, captured: list[str] = captured) -> Any:
            captured.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(url)
        found[name] = _timed(client, url, seconds, len(captured))
        if name == "api_deep" and forget is not None:  # and as a first visit: the page ends forgotten each time
            first: list[str] = []
            forget()
            with connection.execute_wrapper(partial(count, captured=first)):
                client.get(url)
            found["api_deep_first"] = _timed(client, url, seconds, len(first), before=forget)
    return found


def _timed(client: Any, url: str, seconds: float, queries: int, before: Any = None) -> dict[str, float]:
    times: list[float] = []
    ends = time.perf_counter() + seconds
    while time.perf_counter() < ends or len(times) < 3:
        if before is not None:
            before()
        began = time.perf_counter()
        assert client.get(url).status_code == 200
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return {"queries": queries, "p50": statistics.median(times), "p95": times[max(0, int(len(times) * 0.95) - 1)],
            "n": len(times)}  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


WRK_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %.3f %.3f %.3f\\n", summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, summary.requests / (summary.duration / 1e6)))
end
"""


def _wrk(port: int, url: str, headers: dict[str, str], clients: int, seconds: float) -> dict[str, float]:
    """wrk (C, one thread) as the load generator, so the client takes little of the two cores from the server."""
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "report.lua"
        script.write_text(WRK_REPORT + "".join(f'wrk.headers["{k}"] = "{v}"\n' for k, v in headers.items()))
        command = ["wrk", "-t1", f"-c{clients}", "-s", str(script), f"http://127.0.0.1:{port}{url}"]
        subprocess.run([*command[:3], "-d1s", *command[3:]], check=True, capture_output=True)  # warm-up
        out = subprocess.run([*command[:3], f"-d{max(1, round(seconds))}s", *command[3:]], check=True,
                             capture_output=True, text=True).stdout  # fmt: skip
    _, _, errors, p50, p95, rps = next(x for x in out.splitlines() if x.startswith("RESULT")).split()
    return {"p50": float(p50), "p95": float(p95), "rps": float(rps), "errors": float(errors)}


def measure_served(world: World, size: int, seconds: float, concurrency: list[int]) -> dict[tuple[str, int], dict[str, float]]:
    """The same paths from N connections against `safeguard serve` on this database: wrk when installed
    (as the issue measured), else N Python client threads (which take CPU from the server)."""
    from django.conf import settings

    from safeguard.accounts import services

    token = services.api_token_create(membership=world.membership, name="bench-served")
    cookies = {who: f"{settings.SESSION_COOKIE_NAME}={_session_client(user).cookies[settings.SESSION_COOKIE_NAME].value}"
               for who, user in (("officer", world.officer), ("auditor", world.auditor))}  # fmt: skip
    headers = {"token": {"Authorization": f"Bearer {token}"}, "officer": {"Cookie": cookies["officer"]},
               "auditor": {"Cookie": cookies["auditor"]}}  # fmt: skip
    port = _free_port()
    server = subprocess.Popen([str(BIN / "safeguard"), "serve", "--port", str(port)], env=os.environ.copy(),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    found: dict[tuple[str, int], dict[str, float]] = {}
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.3)
        for name, (who, url) in paths(world, size).items():
            for clients in concurrency:
                if shutil.which("wrk"):
                    found[(name, clients)] = _wrk(port, url, headers[who], clients, seconds)
                    continue
                latencies: list[float] = []
                errors = [0]
                lock = threading.Lock()
                ends = time.perf_counter() + seconds

                def run(latencies: list[float] = latencies, errors: list[int] = errors, lock: Any = lock,
                        ends: float = ends, who: str = who, url: str = url) -> None:  # fmt: skip
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    mine, bad = [], 0
                    for n in itertools.count():
                        if time.perf_counter() > ends and n >= 2:
                            break
                        began = time.perf_counter()
                        conn.request("GET", url, headers=headers[who])
                        response = conn.getresponse()
                        response.read()
                        if n:  # the first request of each connection warms up
                            mine.append((time.perf_counter() - began) * 1000)
                        bad += response.status != 200
                    with lock:
                        latencies.extend(mine)
                        errors[0] += bad

                threads = [threading.Thread(target=run) for _ in range(clients)]
                began = time.perf_counter()
                [t.start() for t in threads]
                [t.join() for t in threads]
                elapsed = time.perf_counter() - began
                latencies.sort()
                found[(name, clients)] = {"p50": statistics.median(latencies), "p95": latencies[max(0, int(len(latencies) * 0.95) - 1)],
                                          "rps": len(latencies) / elapsed, "errors": errors[0]}  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=20)
    return found


def child(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.site.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    world = World()
    vendor = connection.vendor
    results: dict[int, dict[str, dict[str, float]]] = {}
    for size in sorted(args.sizes):
        load = grow(world, size)
        print(f"\n## {vendor}, {size:,} people (load {load:.0f} s)")
        results[size] = measure_in_process(world, size, args.seconds)
        print("| path | queries | p50 ms | p95 ms | requests |")
        print("|---|---:|---:|---:|---:|")
        for name, figures in results[size].items():
            print(f"| {PATHS[name]} | {figures['queries']:.0f} | {figures['p50']:.1f} | {figures['p95']:.1f} | {figures['n']:.0f} |")
        if args.clients:
            served = measure_served(world, size, args.seconds, args.clients)
            print(f"\n{vendor}, {size:,} people, `safeguard serve` (gunicorn, as shipped), N connections (" + ("wrk" if shutil.which("wrk") else "Python threads") + "):")
            print("| path | clients | p50 ms | p95 ms | req/s | errors |")
            print("|---|---:|---:|---:|---:|---:|")
            for (name, clients), figures in served.items():
                print(f"| {PATHS[name]} | {clients} | {figures['p50']:.1f} | {figures['p95']:.1f} | {figures['rps']:.1f} | {figures['errors']:.0f} |")
        sys.stdout.flush()
    if len(results) > 1:
        small, large = min(results), max(results)
        print(f"\n{vendor}: ratio {large:,} / {small:,} (in process)")
        print(f"| path | queries {small:,} / {large:,} | p50 ratio | p95 ratio |")
        print("|---|---|---:|---:|")
        for name in results[large]:
            a, b = results[small][name], results[large][name]
            print(f"| {PATHS[name]} | {a['queries']:.0f} / {b['queries']:.0f} | {b['p50'] / a['p50']:.2f} | {b['p95'] / a['p95']:.2f} |")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=[1000, 100_000],
                        help="comma-separated numbers of people (default 1000,100000)")  # fmt: skip
    parser.add_argument("--databases", type=lambda s: s.split(","), default=["sqlite"],
                        help="sqlite,postgresql (PostgreSQL from DATABASE_URL)")  # fmt: skip
    parser.add_argument("--seconds", type=float, default=3.0, help="per path and per client count")
    parser.add_argument("--clients", type=lambda s: [int(x) for x in s.split(",") if x], default=[1, 10],
                        help="connections against a real server, comma-separated ('' to skip; default 1,10)")  # fmt: skip
    parser.add_argument("--paths", type=lambda s: [x for x in s.split(",") if x], default=[],
                        help="comma-separated path names to measure alone, of: " + ", ".join(PATHS))  # fmt: skip
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    unknown = set(args.paths) - set(PATHS)
    if unknown:
        parser.error(f"--paths: unknown {', '.join(sorted(unknown))}; choose from {', '.join(PATHS)}")
    ONLY.update(args.paths)
    if args.child:
        return child(args)
    status = 0
    for database in args.databases:
        env = {**os.environ, "SAFEGUARD_HOME": str(ROOT), "SAFEGUARD_ENV": "development", "SAFEGUARD_DEMO": "true"}
        with tempfile.TemporaryDirectory(prefix="safeguard-scale-") as tmp:
            if database == "sqlite":
                env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
            elif not os.environ.get("DATABASE_URL", "").startswith("postgres"):
                print("postgresql: set DATABASE_URL (source scripts/pg.sh; pg_start); skipped", file=sys.stderr)
                status = 2
                continue
            command = [sys.executable, __file__, "--child", "--sizes", ",".join(map(str, args.sizes)),
                       "--seconds", str(args.seconds), "--clients", ",".join(map(str, args.clients)),
                       "--paths", ",".join(args.paths)]  # fmt: skip
            status = subprocess.call(command, env=env) or status
    return status


if __name__ == "__main__":
    random.seed(14)
    sys.exit(main())
