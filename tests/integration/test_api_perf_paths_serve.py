"""`safeguard serve`: the gunicorn command line it builds (gunicorn itself is not started)."""

from __future__ import annotations

import os
import sys

import pytest

from safeguard import cli


@pytest.fixture
def gunicorn_argv(monkeypatch):
    seen: list[list[str]] = []
    monkeypatch.setattr("gunicorn.app.wsgiapp.run", lambda: seen.append(list(sys.argv)))
    monkeypatch.setattr(sys, "argv", list(sys.argv))

    def serve(*options: str) -> list[str]:
        args = cli.build_parser().parse_args(["serve", *options])
        assert args.func(args) == 0
        return seen[-1]

    return serve


def option(argv: list[str], name: str) -> str | None:
    return argv[argv.index(name) + 1] if name in argv else None


def test_defaults_are_one_sync_process_per_core(gunicorn_argv):
    argv = gunicorn_argv()
    assert option(argv, "--worker-class") == "sync"
    assert option(argv, "--workers") == str(os.cpu_count() or 2)
    assert option(argv, "--threads") == "1"
    assert option(gunicorn_argv("--worker-class", "gthread"), "--threads") == "2"
    # No access log unless asked: gunicorn then does not format a line per request.
    assert "--access-logfile" not in argv
    assert option(gunicorn_argv("--access-log"), "--access-logfile") == "-"


def test_sync_workers_really_are_sync(gunicorn_argv):
    # gunicorn would silently run gthread for a sync worker given more than one thread.
    argv = gunicorn_argv("--worker-class", "sync", "--workers", "2", "--threads", "4")
    assert (option(argv, "--worker-class"), option(argv, "--workers"), option(argv, "--threads")) == ("sync", "2", "1")
