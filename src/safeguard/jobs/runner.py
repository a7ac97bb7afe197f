"""`safeguard run`: the web server and a worker side by side, started and stopped as one.

Each child runs in its own process group, so a Ctrl+C in the terminal reaches this supervisor
alone, and it sends each child exactly one SIGTERM: gunicorn stops, the worker finishes the task in
hand and stops. A second Ctrl+C kills both at once. If either child stops by itself, the other is
stopped too and the exit code says so. On Linux the children are also told to stop if the
supervisor itself is killed outright.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from types import FrameType

GRACE_SECONDS = 30.0


def _stop_with_parent() -> None:  # runs in the child between fork and exec
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def supervise(commands: dict[str, list[str]], *, grace: float = GRACE_SECONDS) -> int:
    children: dict[str, subprocess.Popen[bytes]] = {}
    stopping: dict[str, float] = {}  # "since" -> monotonic time the stop was asked
    exit_code = 0

    def stop_all(force: bool = False) -> None:
        for child in children.values():
            if child.poll() is None:
                if force:
                    child.kill()
                else:
                    child.terminate()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        if not stopping:
            print("Stopping the web server and the worker (Ctrl+C again to stop at once)…", flush=True)
            stopping["since"] = time.monotonic()
            stop_all()
        else:
            stop_all(force=True)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for label, argv in commands.items():
            children[label] = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
                argv, process_group=0, preexec_fn=_stop_with_parent
            )
            print(f"Started the {label} (process {children[label].pid}).", flush=True)
        while [child.poll() for child in children.values()].count(None):  # poll every child, every time
            if not stopping:
                for label, child in children.items():
                    if child.returncode is not None:
                        print(f"The {label} stopped (exit code {child.returncode}); stopping the rest.", flush=True)
                        exit_code = child.returncode or 1
                        stopping["since"] = time.monotonic()
                        stop_all()
                        break
            elif time.monotonic() - stopping["since"] > grace:
                stop_all(force=True)
            time.sleep(0.2)
    finally:
        stop_all(force=True)
        for child in children.values():
            child.wait()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return exit_code


def run_commands(*, host: str, port: int, web_workers: int) -> dict[str, list[str]]:
    me = [sys.executable, "-m", "safeguard.cli"]
    return {
        "web server": [*me, "serve", "--host", host, "--port", str(port), "--workers", str(web_workers)],
        "worker": [*me, "worker"],
    }
