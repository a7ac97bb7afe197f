"""The `safeguard` command: serve, run, worker, demo, check, audit (verify, checkpoint), keys, tokens, and the pure tools."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.site.settings")
    import django

    django.setup()


def _manage(argv: list[str]) -> int:
    _setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["safeguard", *argv])
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.site.settings")
    from gunicorn.app.wsgiapp import run

    sys.argv = [
        "gunicorn",
        "safeguard.site.wsgi:application",
        "--bind", f"{args.host}:{args.port}",
        "--workers", str(args.workers),
        "--worker-class", args.worker_class,
        # gunicorn turns a sync worker with more than one thread into gthread: sync means one.
        "--threads", str(args.threads if args.worker_class == "gthread" else 1),
    ]
    # With no access log file gunicorn skips formatting the line; "/dev/null" would format it anyway.
    if args.access_log:
        # Lines for the prevention service's public pages carry no address or user agent.
        sys.argv += ["--access-logfile", "-", "--logger-class", "safeguard.site.access_log.PrivacyAccessLogger"]
    # Workers signal liveness by touching a temporary file every loop: on tmpfs, not on disk.
    # (gunicorn creates that file itself, with mkstemp, and unlinks it at once.)
    shm = "/dev/shm"  # noqa: S108
    if os.path.isdir(shm):
        sys.argv += ["--worker-tmp-dir", shm]
    run()
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    _setup_django()
    import logging

    from safeguard.jobs.worker import new_worker_id, run_worker

    logging.getLogger("django_tasks_db").setLevel(logging.INFO if args.verbose else logging.WARNING)
    worker_id = args.worker_id or new_worker_id()
    queues = [q for q in args.queue.split(",") if q]
    print(
        f"Worker {worker_id} started: queues {', '.join(queues)}; "
        f"periodic jobs {'scheduled here too' if not args.no_scheduler else 'not scheduled here'}.",
        flush=True,
    )
    run_worker(queues=queues, interval=args.interval, scheduler=not args.no_scheduler, once=args.once,
               worker_id=worker_id)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from safeguard.jobs.runner import run_commands, supervise

    return supervise(run_commands(host=args.host, port=args.port, web_workers=args.workers))


def cmd_demo(args: argparse.Namespace) -> int:
    _setup_django()
    from safeguard import demo

    if args.demo_command == "load":
        counts = demo.load(count=args.persons)
        print(f"Demo data ready: {counts['agencies']} agencies, {counts['users']} users, {counts['persons']} persons.")
        return 0
    if args.demo_command == "users":
        print("Demo sign-ins (every account uses the same password):")
        print(f"  password: {demo.DEMO_PASSWORD}")
        for spec in demo.USERS:
            print(f"  {spec.username:<24} {spec.title}, {spec.agency}")
        print("One-time code for any of them:  .venv/bin/safeguard demo code USERNAME")
        return 0
    try:
        print(demo.current_code(args.username))
    except LookupError as exc:
        print(f"safeguard demo code: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    argv = ["check"] + (["--deploy", "--fail-level", "WARNING"] if args.deploy else [])
    return _manage(argv)


def cmd_audit(args: argparse.Namespace) -> int:
    if args.audit_command == "new-key":
        from safeguard.core.crypto import new_key_spec

        print(new_key_spec(args.key_id))
        return 0
    _setup_django()
    if args.audit_command == "checkpoint":
        return _audit_checkpoint(args)
    from safeguard.audit.verify import verify_chain

    result = verify_chain(checkpoint_file=args.checkpoints, workers=args.workers, partition=args.partition)
    for note in result.notes:
        print(f"Note: {note}", file=sys.stderr)
    if result.ok:
        print(
            f"Audit chain intact: {result.checked} events verified ({result.keyed} keyed, "
            f"{result.legacy} legacy); {result.checkpoints} checkpoints match."
        )
        for part in result.parts:
            print(f"  {part.partition} partition: {part.checked} events, {part.checkpoints} checkpoints match.")
        return 0
    where = f"event {result.first_broken_id}" if result.first_broken_id is not None else "a checkpoint"
    print(f"Audit chain BROKEN at {where}: {result.problem}.", file=sys.stderr)
    for problem in result.problems[1:10]:
        at = f"event {problem.event_id}: " if problem.event_id is not None else ""
        print(f"  also {at}{problem.message}", file=sys.stderr)
    print(
        f"{result.checked} events read, {result.failed} failed their hash or link check; "
        f"{result.checkpoints} checkpoints match.",
        file=sys.stderr,
    )
    return 1


def _audit_checkpoint(args: argparse.Namespace) -> int:
    from safeguard.audit import checkpoints

    try:
        if args.partition:
            written = [checkpoints.write(directory=args.dir, partition=args.partition)]
        else:
            written = checkpoints.write_all(directory=args.dir)
    except checkpoints.CheckpointError as exc:
        print(f"safeguard audit checkpoint: {exc}", file=sys.stderr)
        return 1
    for checkpoint in written:
        print(
            f"Checkpoint of the {checkpoint.partition} partition written to {checkpoints.path(args.dir)}: "
            f"{checkpoint.count} events, last event {checkpoint.last_id}, key {checkpoint.key_id}."
        )
    return 0


def cmd_keys(args: argparse.Namespace) -> int:
    if args.keys_command == "new":
        from safeguard.core.crypto import new_key_spec

        print(new_key_spec(args.key_id))
        return 0
    _setup_django()
    from safeguard.core.keys import rotate_all

    counts = rotate_all()
    total = sum(counts.values())
    for label, n in counts.items():
        print(f"  {label}: {n} values re-wrapped")
    print(f"Re-wrapped {total} values under the primary key.")
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    _setup_django()
    from safeguard.accounts import services
    from safeguard.accounts.models import Membership

    membership = Membership.objects.filter(
        user__username=args.username, agency__name=args.agency, is_active=True
    ).first()
    if membership is None:
        print(f"safeguard token create: {args.username} has no active role in {args.agency!r}", file=sys.stderr)
        return 2
    print(services.api_token_create(membership=membership, name=args.name))
    return 0


def _pure_commands() -> list[tuple[str, str, Any, Any]]:
    """Subcommands from the pure cores, registered when those packages are present."""
    found: list[tuple[str, str, Any, Any]] = []
    try:
        import safeguard.instruments.cli as instruments_cli

        found.append(("score", "score risk and need instruments in batch (JSON Lines or CSV)",
                      instruments_cli.add_arguments, instruments_cli.run))
    except ImportError:
        pass
    try:
        import safeguard.guidelines.cli as guidelines_cli

        found.append(("sentence", "run a sentencing-guideline calculation (JSON in, JSON out)",
                      guidelines_cli.add_sentence_arguments, guidelines_cli.run_sentence))
        found.append(("notification", "notification period under the Sexual Offences Act 2003 s.82",
                      guidelines_cli.add_notification_arguments, guidelines_cli.run_notification))
        import safeguard.guidelines.register_cli as register_cli

        found.append(("notification-due", "register deadlines: initial, change, travel and review dates (JSON Lines)",
                      register_cli.add_arguments, register_cli.run))
    except ImportError:
        pass
    try:
        import safeguard.calendar.cli as calendar_cli

        found.append(("schedule", "session dates for weekly schedules around bank holidays (JSON Lines)",
                      calendar_cli.add_arguments, calendar_cli.run))
    except ImportError:
        pass
    try:
        import safeguard.stats.cli as stats_cli

        found.append(("stats", "survival (km) and discrimination (auc) from a CSV file (JSON out)",
                      stats_cli.add_arguments, stats_cli.run))
    except ImportError:
        pass
    return found


def build_parser() -> argparse.ArgumentParser:
    from safeguard.audit.partitions import Partition  # choices only: no settings needed

    parser = argparse.ArgumentParser(prog="safeguard", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the web application with gunicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    # One sync process per core (docs/performance.md, ADR 0024): each request is taken by whichever process
    # is free, so ten connections use both cores. A gthread process keeps the keep-alive connections it
    # accepted, and often all ten landed on one process (one core). Production runs behind a TLS proxy that
    # buffers slow clients (settings: SECURE_PROXY_SSL_HEADER); more processes than cores only queue.
    serve.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="processes (default: one per core)")
    serve.add_argument("--threads", type=int, default=2, help="threads per process (gthread only)")
    serve.add_argument(
        "--worker-class", choices=["gthread", "sync"], default="sync",
        help="sync (default) serves one request per process at a time, taken by whichever process is free: "
        "both cores busy and the shortest tail, behind a buffering proxy; gthread keeps connections alive "
        "and tolerates slow clients without one",
    )
    serve.add_argument("--access-log", action="store_true")
    serve.set_defaults(func=cmd_serve)

    run = sub.add_parser("run", help="serve the web application and run a worker beside it; Ctrl+C stops both")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8000)
    run.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="web server processes")
    run.set_defaults(func=cmd_run)

    worker = sub.add_parser("worker", help="run background tasks and the periodic-job scheduler")
    worker.add_argument("--queue", default="default", help="queues to take tasks from, comma-separated; * for all")
    worker.add_argument("--interval", type=float, default=1.0, help="seconds between looks at an empty queue")
    worker.add_argument("--no-scheduler", action="store_true", help="run tasks only; another worker schedules")
    worker.add_argument("--once", action="store_true", help="schedule what is due, run every ready task, then exit")
    worker.add_argument("--worker-id", default="", help="unique name of this worker (default: host, process, random)")
    worker.add_argument("--verbose", action="store_true", help="log every task started and finished")
    worker.set_defaults(func=cmd_worker)

    demo = sub.add_parser("demo", help="demo data and sign-ins")
    demo_sub = demo.add_subparsers(dest="demo_command", required=True)
    load = demo_sub.add_parser("load", help="create demo agencies, users and synthetic persons")
    load.add_argument("--persons", type=int, default=300)
    demo_sub.add_parser("users", help="print the demo sign-ins")
    code = demo_sub.add_parser("code", help="print a demo account's current one-time code")
    code.add_argument("username")
    demo.set_defaults(func=cmd_demo)

    check = sub.add_parser("check", help="Django system checks plus Safeguard's own")
    check.add_argument("--deploy", action="store_true", help="production checks as well")
    check.set_defaults(func=cmd_check)

    audit = sub.add_parser("audit", help="audit log tools")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser(
        "verify", help="recompute the keyed hash chain and check every checkpoint; name what broke"
    )
    verify.add_argument(
        "--checkpoints", metavar="FILE", help="the checkpoint file (default: AUDIT_CHECKPOINT_DIR/checkpoints.jsonl)"
    )
    verify.add_argument(
        "--workers", type=int, default=min(2, os.cpu_count() or 1),
        help="processes verifying parts of the chain at once (default: up to 2)",
    )
    verify.add_argument(
        "--partition", choices=Partition.values,
        help="verify one partition's chain only (default: every partition)",
    )
    checkpoint = audit_sub.add_parser(
        "checkpoint", help="append a signed checkpoint (count, head hash, time) to the checkpoint file"
    )
    checkpoint.add_argument("--dir", help="the checkpoint directory (default: AUDIT_CHECKPOINT_DIR)")
    checkpoint.add_argument(
        "--partition", choices=Partition.values,
        help="checkpoint one partition's chain only (default: every partition that has one)",
    )
    new_audit_key = audit_sub.add_parser("new-key", help="print a new key entry for AUDIT_CHAIN_KEYS")
    new_audit_key.add_argument("key_id")
    audit.set_defaults(func=cmd_audit)

    keys = sub.add_parser("keys", help="field-encryption keys")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    keys_sub.add_parser("rotate", help="re-wrap every data key under the first (primary) key")
    new = keys_sub.add_parser("new", help="print a new key entry for FIELD_ENCRYPTION_KEYS")
    new.add_argument("key_id")
    keys.set_defaults(func=cmd_keys)

    token = sub.add_parser("token", help="API tokens for service accounts")
    token_sub = token.add_subparsers(dest="token_command", required=True)
    create = token_sub.add_parser("create", help="create a bearer token (printed once)")
    create.add_argument("username")
    create.add_argument("--agency", required=True)
    create.add_argument("--name", default="service token")
    token.set_defaults(func=cmd_token)

    for name, help_text, add_arguments, run in _pure_commands():
        p = sub.add_parser(name, help=help_text)
        add_arguments(p)
        p.set_defaults(func=run)

    manage = sub.add_parser("manage", help="run a Django management command", add_help=False)
    manage.add_argument("args", nargs=argparse.REMAINDER)
    manage.set_defaults(func=lambda a: _manage(a.args))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
