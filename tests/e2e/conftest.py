"""Playwright against Debian's Chromium (never a downloaded browser), with axe on every page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; live_server's DB access needs this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("SAFEGUARD_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("SAFEGUARD_ARTIFACTS", Path(__file__).resolve().parents[2] / "artifacts"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
        ],
    }


@pytest.fixture
def e2e_world(committed_world):
    """A world in committed data for the live server (see `committed_world` in tests/conftest.py)."""
    return committed_world


# The widths every tested page must fit without scrolling sideways: a laptop and a small phone.
WIDTHS = (1280, 375)
# Pages whose own tests check their layout (the audit log's table is reworked, and checked with
# `assert_no_horizontal_scroll`, in the audit app's own browser test).
def assert_no_horizontal_scroll(page) -> None:
    """The page, as it is laid out now, is no wider than the window (nothing to scroll sideways to)."""
    scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, (
        f"{page.url} scrolls horizontally at {inner} px: the document is {scroll} px wide"
    )


def assert_fits_every_width(page, widths: tuple[int, ...] = WIDTHS) -> None:
    """`assert_no_horizontal_scroll` at each width, then the window as it was."""
    page.wait_for_load_state()
    before = page.viewport_size or {"width": widths[0], "height": 720}
    try:
        for width in widths:
            page.set_viewport_size({"width": width, "height": before["height"]})
            assert_no_horizontal_scroll(page)
    finally:
        page.set_viewport_size(before)


class Axe:
    """Runs axe-core in the page (evaluated, so the page's CSP stays enforced) and fails on serious issues.

    Every page checked is also checked for sideways scrolling at 1280 px and 375 px, so every page a
    journey visits is held to both."""

    def __init__(self, source: str) -> None:
        self.source = source

    def check(self, page) -> None:
        assert_fits_every_width(page)
        page.evaluate(self.source)
        results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], f"axe found serious accessibility problems on {page.url}: {serious}"


@pytest.fixture(scope="session")
def axe():
    from django.conf import settings

    return Axe((Path(settings.NODE_MODULES) / "axe-core" / "axe.min.js").read_text())


@pytest.fixture
def watched_page(page):
    """A page that records console errors and failed or external requests, checked at the end."""
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
    page.on(
        "request",
        lambda r: (
            not r.url.startswith(("http://localhost", "http://127.0.0.1", "data:"))
            and problems.append(f"external request: {r.url}")
        ),
    )
    page.problems = problems
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
