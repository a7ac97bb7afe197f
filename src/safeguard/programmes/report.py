"""The end-of-programme report: one context for the page and the PDF (WeasyPrint through
`safeguard.core.pdf`), marked OFFICIAL-SENSITIVE on every page. It goes to the referrer and, for a
court order's requirement, to the order's responsible officer."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import timezone

from safeguard.core import pdf
from safeguard.policy import Actor
from safeguard.programmes.choices import Outcome
from safeguard.programmes.selectors import ReportData

MARKING = pdf.MARKING


def context(*, actor: Actor, data: ReportData) -> dict[str, Any]:
    ratings = []
    if data.first_review is not None:
        for domain in data.domains:
            first = getattr(data.first_review, domain.code)
            last = getattr(data.last_review, domain.code) if data.last_review else None
            ratings.append({"domain": domain, "first": first, "last": last,
                            "change": (last - first) if last is not None else None})
    return {
        "data": data,
        "referral": data.referral,
        "person": data.referral.person,
        "report": data.report,
        "ratings": ratings,
        "outcome_labels": dict(Outcome.choices),
        "marking": MARKING,
        "produced_by": actor.user.get_full_name() or actor.user.get_username(),
        "agency": actor.agency.name,
        "generated_at": timezone.now(),
    }


def filename(data: ReportData) -> str:
    """What it is, the referral number and the day: never a person's name."""
    return f"end-of-programme-report-{data.referral.reference}-{timezone.localdate().isoformat()}.pdf"


def pdf_response(*, actor: Actor, data: ReportData) -> HttpResponse:
    response = HttpResponse(pdf.render_pdf("programmes/report_pdf.html", context(actor=actor, data=data)),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename(data)}"'
    return response
