"""Pages and PDFs speak in the words of the form: no page the suite can reach shows a field code of an
instrument or guideline, an ISO date, or null/true/false/None/True/False as words.

Every page type is rendered with data that exercises it (results, refusals, problems still to
resolve, a sentence not determined yet, an unverified result, several offences) and its visible text
is checked: tags, scripts and styles removed, entities decoded. The report's PDF is read back with
pdftotext. A failure lists the page and the words around each offending one.
"""

from __future__ import annotations

import html
import re
from datetime import date
from html.parser import HTMLParser
from typing import Any

import pytest
from django.urls import reverse

from safeguard.assessments import services as assessment_services
from safeguard.assessments.forms import initial_from, questions_for
from safeguard.courts import services as court_services
from safeguard.courts import steps
from safeguard.guidelines.case import CASE_FIELDS, OFFENCE_FIELDS, TOTALITY_FIELDS
from safeguard.guidelines.offences import offence_catalogue
from safeguard.guidelines.request import (
    COMMUNITY_ORDER_FIELDS,
    PLEA_FIELDS,
    REQUEST_FIELDS,
    REQUIREMENT_FIELDS,
    SENTENCE_FIELDS,
    SHPO_FIELDS,
    SUSPENSION_FIELDS,
    THRESHOLD_FIELDS,
)
from safeguard.instruments import registry
from safeguard.people.models import Conviction
from tests.conftest import ROLES, sign_in
from tests.form_data import typed
from tests.integration.test_courts_services import PUBLISHED, STEP_ANSWERS
from tests.pdf import pdf_text
from tests.unit.guidelines.helpers import custody

NOTIFICATION_FIELDS = (
    "disposal", "relevant_date", "age_at_relevant_date", "custody_months", "custody_length",
    "conditional_discharge_months", "conditional_discharge_length", "suspended", "first_notification_date",
)  # fmt: skip


def field_codes() -> set[str]:
    """Every input field code of the instruments and the guideline requests that is unmistakably a
    code (snake_case): plain words such as "offence" or "sex" are also English."""
    codes: set[str] = set()
    for instrument_id in registry.instrument_ids():
        codes |= set(registry.input_schema(instrument_id)["properties"])
    for fields in (REQUEST_FIELDS, PLEA_FIELDS, THRESHOLD_FIELDS, SUSPENSION_FIELDS, COMMUNITY_ORDER_FIELDS,
                   REQUIREMENT_FIELDS, SHPO_FIELDS, SENTENCE_FIELDS, CASE_FIELDS, OFFENCE_FIELDS,
                   TOTALITY_FIELDS, NOTIFICATION_FIELDS, ("other_offences", "sso_requirements")):  # fmt: skip
        codes |= set(fields)
    return {code for code in codes if "_" in code}


CODES = field_codes()
CODE_PATTERN = re.compile(r"(?<![\w\-])(" + "|".join(sorted(map(re.escape, CODES), key=len, reverse=True)) + r")(?![\w\-])")
# Any other snake_case code (choice codes such as `crown_court`, nested names): never a word of English.
SNAKE = re.compile(r"(?<![\w\-./@])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w\-/@])")
# An offence code of the catalogue (`soa2003-s9`), or as written before there was one (`SOA2003-s9`):
# pages name the offence by its title and statute.
OFFENCE_CODE = re.compile(
    r"(?<![\w\-])(" + "|".join(map(re.escape, offence_catalogue())) + r")(?![\w\-])", re.IGNORECASE
)
ISO_DATE = re.compile(r"(?<![\w\-])\d{4}-\d{2}-\d{2}(?![\w\-])")
LITERAL = re.compile(r"(?<![\w\-'])(null|true|false|None|True|False)(?![\w\-'])")


class _Visible(HTMLParser):
    """The text a reader sees (and a screen reader reads): no tags, scripts or styles."""

    SKIP = {"script", "style", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _Visible()
    parser.feed(page)
    return " ".join(html.unescape("".join(parser.parts)).split())


def developer_words(text: str, names: frozenset[str] = frozenset()) -> list[str]:
    """Each offending word with the words around it (`names`: usernames, which are data, not codes)."""
    found = []
    for pattern in (CODE_PATTERN, SNAKE, OFFENCE_CODE, ISO_DATE, LITERAL):
        for match in pattern.finditer(text):
            if match.group(0) in names:
                continue
            found.append(f"{match.group(0)!r} in “…{text[max(0, match.start() - 60):match.end() + 60]}…”")
    return list(dict.fromkeys(found))


class Pages:
    """Renders pages as one user and collects what each shows."""

    def __init__(self, client: Any, world: Any) -> None:
        self.client = client
        self.world = world
        self.shown: dict[str, str] = {}

    def as_user(self, name: str) -> Pages:
        sign_in(self.client, self.world.users[name])
        return self

    def get(self, label: str, url: str, status: int = 200, **params: Any) -> str:
        response = self.client.get(url, params)
        assert response.status_code == status, (label, url, response.status_code)
        text = visible_text(response.content.decode())
        self.shown[label] = text
        return text

    def post(self, label: str, url: str, data: dict[str, Any], status: int = 200) -> str:
        response = self.client.post(url, typed(data))
        assert response.status_code == status, (label, url, response.status_code)
        text = visible_text(response.content.decode())
        self.shown[label] = text
        return text

    def pdf(self, label: str, url: str) -> None:
        response = self.client.get(url)
        assert response.status_code == 200 and response.content.startswith(b"%PDF"), label
        self.shown[label] = pdf_text(response.content)


def test_the_checks_catch_developer_words():
    """The detector itself: each kind of developer wording is found, plain words are not."""
    assert developer_words("Leave out if you give age_at_release instead")
    assert developer_words("checked as at 2026-12-05")
    assert developer_words("null when not known (null scores as false)")
    assert developer_words("Treatment included: None")
    assert developer_words("allowed: crown_court, magistrates_court")
    assert developer_words("choose a position in sentence_before_plea.length")
    assert developer_words("Offence: soa2003-s9") and developer_words("Offence: SOA2003-s9 (2021)")
    assert not developer_words("Leave out if you give “Age at release (years)” instead, checked 5 December 2026")
    assert not developer_words("Nothing selected; none selected; 1 June 2025; Not known; s.160; stable-2007")


def _case_pages(pages: Pages, world: Any, who: str) -> None:
    """A case walked to the end, a magistrates' case waiting on its position, a case with several
    offences, every step with and without refusals, the check page, the result, the comparison and
    the report."""
    actor = world.actor(who)
    person = world.persons["probation"]
    case = court_services.case_create(actor=actor, person_id=person.pk if who == "prob_prac" else None,
                                      title="Plain words")  # fmt: skip
    done = case.scenarios.get()
    answers = dict(STEP_ANSWERS)
    for step, data in STEP_ANSWERS:
        pages.post(f"save {step}", reverse("courts:scenario-step", args=[case.pk, done.pk, step]), data, status=302)
    court_services.scenario_save_step(
        actor=actor, case=case, scenario=done, step="notification",
        request={**PUBLISHED, "shpo": {"length": "10y", "foreign_travel_prohibition": True},
                 "custody_threshold": {"threshold_passed": True, "custody_unavoidable": True}},
    )  # fmt: skip
    waiting = court_services.scenario_create(actor=actor, case=case, label="Waiting on a position")
    pages.post("waiting offence", reverse("courts:scenario-step", args=[case.pk, waiting.pk, "offence"]),
               answers["offence"], status=302)  # fmt: skip
    pages.post("waiting factors", reverse("courts:scenario-step", args=[case.pk, waiting.pk, "factors"]),
               answers["factors"], status=302)  # fmt: skip
    two = court_services.scenario_create(actor=actor, case=case, label="Two offences", copy_from=done)
    number = court_services.offence_add(actor=actor, case=case, scenario=two)
    court_services.offence_save_step(
        actor=actor, case=case, scenario=two, number=number, step="position",
        request={**{k: PUBLISHED[k] for k in steps.SHARED_FIELDS if k in PUBLISHED}, "offence": "cja1988-s160",
                 "offence_date": "2023-05-01", "offender_age_at_offence": 40,
                 "harm_factors": ["non_penetrative_sexual_activity"], "culpability_factors": ["possession"],
                 "sentence_before_plea": custody("6m"), "plea": PUBLISHED["plea"]},
    )  # fmt: skip
    court_services.offence_save_step(actor=actor, case=case, scenario=two, number=number, step="relation",
                                     relation="consecutive", label="Count 2")  # fmt: skip
    old = court_services.scenario_create(actor=actor, case=case, label="No table")
    court_services.scenario_save_step(
        actor=actor, case=case, scenario=old, step="factors",
        request={"offence": "soa2003-s9", "offence_date": "2010-01-10", "conviction_date": "2010-09-01",
                 "sentencing_date": "2010-10-01", "offender_age_at_offence": 30, "offender_age_at_conviction": 30,
                 "victim_age": 14, "penetrative": False},
    )  # fmt: skip

    for scenario in (done, waiting, two, old):
        base = f"{scenario.label}:"
        pages.get(f"{base} result", reverse("courts:scenario-detail", args=[case.pk, scenario.pk]))
        pages.get(f"{base} check", reverse("courts:scenario-check", args=[case.pk, scenario.pk]))
        for step in steps.STEP_SLUGS:
            pages.get(f"{base} {step}", reverse("courts:scenario-step", args=[case.pk, scenario.pk, step]))
    for step in steps.OFFENCE_STEP_SLUGS:
        pages.get(f"offence 2 {step}", reverse("courts:offence-step", args=[case.pk, two.pk, number, step]))
    refusals = {
        "offence": {**answers["offence"], "offence_date": "2024-03-01", "conviction_date": "2024-02-30"},
        "factors": {"harm_factors": ["penetrative_sexual_activity"],
                    "culpability_factors": ["possession", "distributing_or_sharing"]},
        "position": {"position_kind": "custody", "length": "4y"},
        "plea": {"stage": "first_stage", "first_hearing_date": "2024-01-10", "reduction": "1/2"},
        "threshold": {"threshold_passed": "no", "custody_unavoidable": "no"},
        "suspension": {"suspend": "yes", "operational_period": "3y", "requirements": ["unpaid_work"],
                       "unpaid_work_hours": "20"},
        "community": {"length": "4y", "requirements": ["curfew"]},
        "notification": {"shpo": "fixed", "shpo_length": "2y"},
        "offences": {"total": "5y", "reason": "Synthetic"},
    }  # fmt: skip
    for step, data in refusals.items():
        pages.post(f"refused {step}", reverse("courts:scenario-step", args=[case.pk, done.pk, step]), data)
    # A factor the form does not offer (a tampered or stale page): refused in words, not in codes.
    pages.post("refused unknown factor", reverse("courts:scenario-step", args=[case.pk, done.pk, "factors"]),
               {"harm_factors": ["no_such_factor"]})  # fmt: skip
    pages.post("refused relation", reverse("courts:offence-step", args=[case.pk, two.pk, number, "relation"]), {})
    pages.get("case", reverse("courts:case-detail", args=[case.pk]))
    pages.get("compare", reverse("courts:case-compare", args=[case.pk]))
    pages.get("case list", reverse("courts:case-list"))
    pages.get("new case", reverse("courts:case-create"), q="Testy")
    pages.post("new case refused", reverse("courts:case-create"), {"person": "", "title": ""})
    if who == "prob_prac":
        court_services.case_update_report(actor=actor, case=case, suitability="Synthetic suitability.",
                                          proposal="Synthetic proposal.", proposed_scenario=done.pk)  # fmt: skip
        pages.get("report details", reverse("courts:case-edit", args=[case.pk]))
        pages.post("sign refused", reverse("courts:case-sign", args=[case.pk]), {})
        pages.post("sign", reverse("courts:case-sign", args=[case.pk]), {"confirm": "on"}, status=302)
    pages.get("report", reverse("courts:case-report", args=[case.pk]))
    pages.pdf("report PDF", reverse("courts:case-report-pdf", args=[case.pk]))


def _assessment_pages(pages: Pages, world: Any) -> None:
    actor = world.actor("prob_prac")
    person = world.persons["probation"]
    for instrument_id in registry.instrument_ids():
        done = assessment_services.assessment_record(
            actor=actor, person=person, instrument_id=instrument_id, inputs=registry.example_input(instrument_id)
        )
        pages.get(f"{instrument_id} result", reverse("assessments:detail", kwargs={"pk": done.pk}))
        pages.get(f"{instrument_id} correct", reverse("assessments:correct", kwargs={"pk": done.pk}))
        draft = assessment_services.assessment_start(actor=actor, person=person, instrument_id=instrument_id)
        edit = reverse("assessments:edit", kwargs={"pk": draft.pk})
        pages.get(f"{instrument_id} form", edit)
        pages.post(f"{instrument_id} refused", edit, {"action": "complete", "date_of_assessment": "2031-02-30"})
        preview = reverse("assessments:preview", kwargs={"instrument_id": instrument_id})
        pages.post(f"{instrument_id} preview", preview, {})
        answers = initial_from(questions_for(instrument_id), registry.example_input(instrument_id))
        pages.post(f"{instrument_id} preview scored", preview, answers)
    pages.get("history", reverse("assessments:history", kwargs={"person_pk": person.pk}))
    pages.get("latest results", reverse("assessments:compare", kwargs={"person_pk": person.pk}))
    pages.get("choose", reverse("assessments:choose", kwargs={"person_pk": person.pk}))


def _people_pages(pages: Pages, world: Any) -> None:
    person = world.persons["probation"]
    for code in ("soa2003-s9", "other"):  # the record's convictions: each offence in words
        Conviction.objects.create(person=person, offence_code=code, offence_date=date(2019, 5, 1),
                                  conviction_date=date(2020, 1, 1), court="Test court", disposal="fine")  # fmt: skip
    pages.get("people", reverse("people:list"))
    pages.get("people search", reverse("people:list"), q="Testy")
    pages.get("person", reverse("people:detail", kwargs={"pk": person.pk}))
    pages.get("add a person", reverse("people:create"))
    pages.post("add a person refused", reverse("people:create"), {"date_of_birth": "2031-02-30", "pnc_number": "x"})
    for name in ("note-create", "conviction-create", "address-create"):
        url = reverse(f"people:{name}", kwargs={"pk": person.pk})
        pages.get(name, url)
        pages.post(f"{name} refused", url, {"offence_date": "2020-05-01", "conviction_date": "2019-01-01"})
    pages.get("reason", reverse("people:justify", kwargs={"pk": world.persons["police"].pk}))


@pytest.mark.parametrize("who", ["court_prac", "prob_prac"])
def test_no_page_shows_field_codes_iso_dates_or_literals(client, world, who):
    pages = Pages(client, world).as_user(who)
    _case_pages(pages, world, who)
    if who == "prob_prac":
        _assessment_pages(pages, world)
        _people_pages(pages, world)
    for name in ROLES:  # every role's dashboard, and the pages every role meets when refused
        pages.as_user(name).get(f"dashboard of {name}", reverse("core:dashboard"))
    pages.as_user("treat_prac").get("refused page", reverse("courts:case-list"), status=403)
    pages.get("missing page", "/people/00000000-0000-0000-0000-000000000000/", status=404)
    usernames = frozenset(ROLES)  # the test users' sign-in names ("prob_prac") are data
    problems = {label: found for label, text in pages.shown.items() if (found := developer_words(text, usernames))}
    report = "\n".join(f"{label}:\n  " + "\n  ".join(found[:5]) for label, found in problems.items())
    assert problems == {}, f"Developer wording on {len(problems)} of {len(pages.shown)} pages:\n{report}"


def test_the_auditors_dashboard_names_refused_actions_in_words_and_dates_in_full(client, world):
    from safeguard.audit.actions import action_label
    from safeguard.audit.models import AuditEvent

    sign_in(client, world.users["treat_prac"])
    assert client.get(reverse("courts:case-list")).status_code == 403
    refused = AuditEvent.objects.filter(outcome="denied").latest("id")
    pages = Pages(client, world).as_user("auditor")
    text = pages.get("auditor's dashboard", reverse("core:dashboard"))
    assert action_label(refused.action) in text
    assert refused.action not in text
    assert refused.occurred_at.strftime("%B") in text  # the month in words, "5 December 2026"
    assert developer_words(text, frozenset(ROLES)) == []
