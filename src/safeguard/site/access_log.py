"""gunicorn's access log without the visitor's identity on the prevention service's public pages.

`safeguard serve --access-log` uses this logger class. For an address under /help/ (the public
prevention pages and anonymous conversations) the line keeps the time, request line, status, size
and duration, and drops everything that could identify the person: the remote address, user agent,
referrer, remote user, and every request header and environment variable a custom format could
name (X-Forwarded-For among them). Other pages are logged as gunicorn logs them.

A reverse proxy in front of gunicorn keeps its own log: configure it the same way for /help/
(docs/prevention.md, "Deployment").
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

PRIVATE_PREFIXES = ("/help/",)
_IDENTIFYING = ("h", "u", "f", "a")


def is_private(path: str) -> bool:
    return path.startswith(PRIVATE_PREFIXES)


class PrivacyAccessLogger(Logger):  # type: ignore[misc]
    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        if is_private(str(environ.get("PATH_INFO", ""))):
            for key in list(atoms):
                if key in _IDENTIFYING or (key.startswith("{") and key[-1] in "ie"):
                    atoms[key] = "-"
        return atoms
