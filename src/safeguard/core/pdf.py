"""PDF documents from HTML (WeasyPrint), marked OFFICIAL-SENSITIVE on every page by the shared
stylesheet (`core/static/safeguard/report-pdf.css`).

WeasyPrint is given a fetcher that refuses every URL, so rendering never makes a request: a report
references nothing outside itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

STATIC = Path(__file__).parent / "static" / "safeguard"
REPORT_STYLESHEET = STATIC / "report-pdf.css"

# The Government Security Classification marking of reports about an identified person.
MARKING = "OFFICIAL-SENSITIVE"


def local_only_fetcher() -> Any:
    """A URL fetcher that refuses everything."""
    try:
        from weasyprint.urls import URLFetcher, URLFetchingError
    except ImportError:  # pragma: no cover - older WeasyPrint takes a plain function

        def refuse(url: str, *args: Any, **kwargs: Any) -> Any:
            raise ValueError(f"The report fetches nothing: {url}")

        return refuse

    class LocalOnly(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            raise URLFetchingError(f"The report fetches nothing: {url}")

    return LocalOnly()


def render_pdf(template: str, context: dict[str, Any], stylesheet: Path = REPORT_STYLESHEET) -> bytes:
    """The template rendered to HTML, then to PDF with the report stylesheet."""
    from weasyprint import CSS, HTML

    html = render_to_string(template, context)
    fetcher = local_only_fetcher()
    css = CSS(string=stylesheet.read_text(encoding="utf-8"), url_fetcher=fetcher)
    document = HTML(string=html, base_url=str(stylesheet.parent), url_fetcher=fetcher)
    pdf: bytes = document.write_pdf(stylesheets=[css])
    return pdf
