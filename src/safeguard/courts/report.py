"""The pre-sentence report (or, for a court's own case, the decision support summary): one context
for the printable page and the PDF (WeasyPrint), marked OFFICIAL-SENSITIVE on every page.

The PDF is rendered from the same report body with the shared report stylesheet (`core.pdf`), whose
fetcher refuses every URL, so rendering never makes a request.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import timezone

from safeguard import policy
from safeguard.accounts.choices import AgencyKind
from safeguard.core import pdf
from safeguard.courts import integrations, presenters, selectors
from safeguard.courts.models import SentencingCase
from safeguard.courts.policies import CourtsAction
from safeguard.courts.wording import Words
from safeguard.policy import Actor

# The Government Security Classification marking of the report: personal data about an identified
# person before a court, marked on every page of the PDF and on the printed page.
MARKING = pdf.MARKING


def by_probation(case: SentencingCase) -> bool:
    """A pre-sentence report is prepared and signed by probation; a court's own case is decision
    support for the court (no suitability, proposal or signature)."""
    return case.agency.kind == AgencyKind.PROBATION


def context(*, actor: Actor, case: SentencingCase, risk: integrations.RiskSection) -> dict[str, Any]:
    scenarios = list(case.scenarios.all())
    primary = presenters.primary_scenario(case, scenarios)
    result = primary.result_data if primary else None
    records = (
        list(selectors.verifications(guideline_id=primary.guideline_id, version=primary.guideline_version))
        if primary
        else []
    )
    words = Words()
    calculated = [s for s in scenarios if presenters.headline(s)]
    others = [
        {
            "label": str(other.get("label") or f"Offence {number}"),
            "figures": presenters.figures(other["result"], words) if isinstance(other.get("result"), dict) else [],
        }
        for number, other in enumerate((primary.other_offences or []) if primary else [], start=2)
    ]
    probation = by_probation(case)
    return {
        "case": case,
        "person": case.person,
        "scenarios": scenarios,
        "primary": primary,
        "result": result,
        "words": words,
        "analysis": presenters.offence_analysis(primary, words) if primary else [],
        "other_analyses": presenters.other_analyses(primary, words) if primary else [],
        "figures": presenters.figures(result, words) if result else [],
        "rows": presenters.comparison(scenarios),
        "treatment": presenters.treatment(primary) if primary else [],
        "risk": risk,
        "verification_notes": presenters.verification_notes(result, records),
        "unverified": any(not (presenters.headline(s) or {}).get("verified") for s in calculated),
        "case_result": primary.case_data if primary else None,
        "offence_lines": presenters.offence_lines(primary) if primary else [],
        "other_figures": others,
        "by_probation": probation,
        "title": "Pre-sentence report" if probation else "Sentencing decision support",
        "may_prepare": probation and policy.allows(actor, CourtsAction.SENTENCING_REPORT_PREPARE, case),
        "marking": MARKING,
        "produced_by": actor.user.get_full_name() or actor.user.get_username(),
        "agency": actor.agency.name,
        "generated_at": timezone.now(),
    }


def render_pdf(data: dict[str, Any]) -> bytes:
    return pdf.render_pdf("courts/report_pdf.html", data)


def filename(case: SentencingCase) -> str:
    """The PDF's file name: what it is, the case number and the day, never a person's name."""
    kind = "pre-sentence-report" if by_probation(case) else "sentencing-decision-support"
    return f"{kind}-case-{case.pk}-{timezone.localdate().isoformat()}.pdf"


def pdf_response(*, actor: Actor, case: SentencingCase, risk: integrations.RiskSection) -> HttpResponse:
    """The report as a PDF download ("attachment": saved, not opened in place)."""
    response = HttpResponse(
        render_pdf(context(actor=actor, case=case, risk=risk)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename(case)}"'
    return response
