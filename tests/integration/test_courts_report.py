"""The pre-sentence report: every section, figures with their rules, the unverified banner, the PDF."""

from __future__ import annotations

import re
import shutil

import pytest
from django.urls import reverse

from safeguard.audit.models import AuditEvent
from safeguard.courts import services
from tests.conftest import sign_in
from tests.integration.test_courts_services import PUBLISHED, new_case
from tests.integration.test_courts_views import text_of
from tests.pdf import pdf_pages, pdf_text


@pytest.fixture
def reported_case(world):
    """The published case, calculated, proposed, with the probation officer's text."""
    case = new_case(world, "prob_prac", title="Image offence, worked example")
    scenario = case.scenarios.get()
    actor = world.actor("prob_prac")
    services.scenario_save_step(actor=actor, case=case, scenario=scenario, step="notification", request=PUBLISHED)
    services.case_update_report(
        actor=actor,
        case=case,
        suitability="Motivated to take part in a group programme; no barriers noted.",
        proposal="A suspended sentence order with a programme requirement.",
        proposed_scenario=scenario.pk,
    )
    return case


def test_report_sets_out_every_section_with_figures_and_rules(client, world, reported_case):
    sign_in(client, world.users["prob_prac"])
    response = client.get(reverse("courts:case-report", args=[reported_case.pk]))
    body = text_of(response)
    assert response.status_code == 200
    for heading in ("1. Offence analysis", "2. Guideline calculation", "3. Risk assessment results",
                    "4. Suitability for community treatment", "5. Proposal"):  # fmt: skip
        assert heading in body
    assert "Possession of indecent photographs of children (Criminal Justice Act 1988, s.160)" in body
    assert "Category A (factors: Images involving penetrative sexual activity)" in body
    # Figures with their rule, source and status.
    assert "Starting point 1 year's custody; category range 26 weeks' custody to 3 years' custody" in body
    assert "9 months' custody reduced by one-third = 6 months' custody" in body
    assert "Sexual Offences Act 2003 s.82: imprisonment for 6 months or less (6 months): 7 years." in body
    assert "Criminal Justice Act 1988 s.160 (statutory maximum)" in body
    assert 'data-testid="report-banner"' in response.content.decode()
    assert "Unverified data:" in body
    assert "No risk assessments recorded (an unnamed scenario has no person)" in body
    assert "Motivated to take part in a group programme" in body
    assert "6 months' custody, suspended for 2 years" in body
    assert 'href="/assets/courts/courts.css"' in response.content.decode()  # the print stylesheet
    assert 'src="/assets/courts/print.js"' in response.content.decode()
    [event] = AuditEvent.objects.filter(action="sentencing.report.view")
    assert event.object_id == str(reported_case.pk) and event.details["assessments"] == []


def test_report_for_a_person_without_assessments_says_so(client, world):
    person = world.persons["probation"]
    case = new_case(world, "prob_prac", person_id=person.pk, title="")
    sign_in(client, world.users["prob_prac"])
    body = text_of(client.get(reverse("courts:case-report", args=[case.pk])))
    assert f"Testy PersonPTEST001, reference {person.reference}, born 1 January 1980" in body
    assert "No risk assessments recorded." in body
    assert "No scenario has been calculated yet." in body


def test_report_shows_the_persons_risk_assessments_with_band_and_source(client, world):
    from safeguard.assessments import services as assessment_services
    from safeguard.instruments import registry

    person = world.persons["probation"]
    assessment = assessment_services.assessment_record(
        actor=world.actor("prob_prac"), person=person, instrument_id="stable-2007",
        inputs=registry.example_input("stable-2007"),
    )  # fmt: skip
    case = new_case(world, "prob_prac", person_id=person.pk, title="")
    sign_in(client, world.users["prob_prac"])
    response = client.get(reverse("courts:case-report", args=[case.pk]))
    body = text_of(response)
    meta = registry.metadata("stable-2007")
    assert meta.name in body and meta.source in body
    band = assessment.result.get("band")
    if band:
        assert str(band).replace("_", " ").lower() in body.lower()
    assert "No risk assessments recorded" not in body
    event = AuditEvent.objects.get(action="sentencing.report.view")
    assert event.details["assessments"] == [str(assessment.pk)]


def test_report_of_a_police_owned_person_asks_for_a_reason_before_showing_assessments(client, world):
    person = world.persons["police"]
    case = new_case(world, "prob_prac", person_id=person.pk, title="")
    sign_in(client, world.users["prob_prac"])
    body = text_of(client.get(reverse("courts:case-report", args=[case.pk])))
    assert "owned by a police force" in body and f"/people/{person.pk}/reason/" in body


def test_report_pdf_holds_the_key_figures(client, world, reported_case):
    sign_in(client, world.users["prob_prac"])
    response = client.get(reverse("courts:case-report-pdf", args=[reported_case.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    # A download (not opened in place), named for what it is and the case, never for the person.
    assert re.fullmatch(
        rf'attachment; filename="pre-sentence-report-case-{reported_case.pk}-\d{{4}}-\d{{2}}-\d{{2}}\.pdf"',
        response["Content-Disposition"],
    )
    assert AuditEvent.objects.filter(action="sentencing.report.pdf", object_id=str(reported_case.pk)).count() == 1
    assert shutil.which("pdftotext"), "poppler-utils is missing: scripts/system-deps.sh installs it"
    text = pdf_text(response.content)
    for expected in ("Pre-sentence report", "Unverified data", "1 year's custody", "6 months' custody, suspended for 2 years",
                     "7 years", "No risk assessments recorded", "Motivated to take part in a group programme",
                     "Reduction in Sentence for a Guilty Plea"):  # fmt: skip
        assert expected in text, expected


def test_report_pdf_of_another_agency_case_is_404(client, world, reported_case):
    sign_in(client, world.users["court_prac"])
    assert client.get(reverse("courts:case-report-pdf", args=[reported_case.pk])).status_code == 404


def test_the_pdf_renderer_fetches_nothing():
    from weasyprint.urls import URLFetchingError

    from safeguard.core import pdf

    with pytest.raises(URLFetchingError):
        pdf.local_only_fetcher().fetch("https://example.org/tracker.png")


def test_every_page_of_the_pdf_is_marked_official_sensitive_at_top_and_bottom(client, world, reported_case):
    sign_in(client, world.users["prob_prac"])
    pages = pdf_pages(client.get(reverse("courts:case-report-pdf", args=[reported_case.pk])).content)
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert lines[0] == "OFFICIAL-SENSITIVE", (number, lines[:2])
        assert any("OFFICIAL-SENSITIVE" in line for line in lines[-2:]), (number, lines[-2:])
    page = text_of(client.get(reverse("courts:case-report", args=[reported_case.pk])))
    assert page.count("OFFICIAL-SENSITIVE") == 2  # the printed page: above and below the report
    assert 'download>Download as PDF' in client.get(reverse("courts:case-report", args=[reported_case.pk])).content.decode()


def test_the_report_says_who_signed_it_and_a_court_case_is_not_a_pre_sentence_report(client, world, reported_case):
    sign_in(client, world.users["prob_prac"])
    body = text_of(client.get(reverse("courts:case-report", args=[reported_case.pk])))
    assert "Not signed yet: this is a draft" in body and "Sign the report" in body
    response = client.post(reverse("courts:case-sign", args=[reported_case.pk]), {})
    assert "Confirm that you have read the report" in text_of(response)
    response = client.post(reverse("courts:case-sign", args=[reported_case.pk]), {"confirm": "on"})
    assert response.status_code == 302
    body = text_of(client.get(reverse("courts:case-report", args=[reported_case.pk])))
    assert "Prob_Prac, Practitioner, Test probation agency; signed" in body
    court = new_case(world, title="Court worked example")
    sign_in(client, world.users["court_prac"])
    body = text_of(client.get(reverse("courts:case-report", args=[court.pk])))
    assert "Sentencing decision support" in body and "Pre-sentence report</h1>" not in body
    assert "Prepared and signed by the probation service" in body and "Sign the report" not in body
    assert client.post(reverse("courts:case-sign", args=[court.pk]), {"confirm": "on"}).status_code == 403
