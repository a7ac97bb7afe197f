"""Turns the engine's result dicts into rows for pages and the report. No figure is computed here:
every figure, reason, source and status is read from the result the engine returned."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from django import forms

from safeguard.core.forms import DateInputField, date_from_text
from safeguard.core.wording import date_words
from safeguard.courts import steps
from safeguard.courts.models import CaseScenario, GuidelineVerification, SentencingCase, VerifiedPart
from safeguard.courts.wording import Words
from safeguard.guidelines import Duration
from safeguard.guidelines.engine import fraction_words
from safeguard.guidelines.rules import COMMUNITY_REQUIREMENTS

# Requirements that are treatment (the comparison's "treatment included" column).
TREATMENT_REQUIREMENTS = ("programme", "mental_health_treatment", "drug_rehabilitation", "alcohol_treatment")
PROGRAMME_WAITING_TIME_UNKNOWN = "Not known: Safeguard holds no programme waiting times yet"
UNVERIFIED = "unverified transcription"
INCOMPLETE = "incomplete"  # a figure that depends on something not in the data or not answered


def duration_text(value: object) -> str:
    if not isinstance(value, str) or not value:
        return ""
    try:
        return Duration.parse(value).text()
    except ValueError:
        return value


def fraction_text(value: object) -> str:
    if not isinstance(value, str) or "/" not in value:
        return str(value or "")
    top, bottom = value.split("/", 1)
    try:
        return fraction_words(Fraction(int(top), int(bottom)))
    except (ValueError, ZeroDivisionError):
        return value


def date_text(value: object) -> str:
    if not isinstance(value, str) or not value:
        return ""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return value
    return f"{day.day} {day:%B %Y}"


def capfirst(text: str) -> str:
    """A value that starts a cell or a sentence ("High-level community order")."""
    return text[:1].upper() + text[1:]


def sentence_text(value: object) -> str:
    return str(value.get("text", "")) if isinstance(value, dict) else ""


@dataclass(frozen=True)
class Figure:
    """One figure of a calculation: what it is, the rule or reason, where it comes from, its status."""

    step: str
    label: str
    figure: str
    reason: str
    source: str
    status: str
    details: list[str] = field(default_factory=list)

    @property
    def unverified(self) -> bool:
        return self.status == UNVERIFIED


def _answer(value: object) -> str:
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if value is None:
        return "Not answered"
    return str(value)


def notification_text(result: dict[str, Any] | None) -> str:
    """The notification period in a few words: the period, its end and the review, or why none."""
    if not result:
        return "Not determined"
    notification = result.get("notification") or {}
    period = notification.get("period")
    applies = notification.get("applies")
    if applies == "no":
        return "No notification requirements (Schedule 3 threshold not met)"
    if not period:
        return "Not determined"
    if period.get("indefinite"):
        text = "Indefinite"
        if period.get("review_date"):
            text += f"; first review from {date_text(period['review_date'])}"
    else:
        text = f"{period.get('period')} (to {date_text(period.get('end_date'))})"
    if applies == "unknown":
        text = f"If Schedule 3 applies: {text}"
    return text


def figures(result: dict[str, Any], words: Words) -> list[Figure]:
    """Every figure of a result in the order of the steps, each with its reason, source and status,
    in the words of the forms (`words`)."""
    return [
        dataclasses.replace(
            row,
            figure=capfirst(words(row.figure)),
            reason=words(row.reason),
            source=words(row.source),
            details=words.all(row.details),
        )
        for row in _figures(result)
    ]


def _figures(result: dict[str, Any]) -> list[Figure]:
    rows: list[Figure] = []
    guideline = result.get("guideline") or {}
    rows.append(
        Figure(
            "offence",
            "Guideline version",
            f"{guideline.get('title')} (version {guideline.get('version')}), in force from "
            f"{date_text(guideline.get('effective_from'))}",
            "The version in force on the sentencing date (the latest effective on or before it).",
            f"{guideline.get('publication')}; transcription: {guideline.get('source')}",
            str(guideline.get("status", "")),
        )
    )
    maximum = result.get("statutory_maximum") or {}
    rows.append(
        Figure(
            "offence",
            "Statutory maximum",
            duration_text(maximum.get("maximum")) or "Not recorded",
            str(maximum.get("reason", "")),
            str(maximum.get("source", "")),
            str(maximum.get("status") or ""),
        )
    )
    for key in ("harm", "culpability"):
        section = result.get(key)
        if section:
            rows.append(
                Figure(
                    "factors",
                    str(section.get("label")),
                    str(section.get("category_label")),
                    str(section.get("reason")),
                    str(section.get("source")),
                    str(section.get("status")),
                    [str(f.get("label")) for f in section.get("factors") or []],
                )
            )
    table = result.get("table") or {}
    if table.get("available") and table.get("starting_point"):
        figure = (
            f"Starting point {sentence_text(table.get('starting_point'))}; category range "
            f"{sentence_text(table.get('range_from'))} to {sentence_text(table.get('range_to'))}"
        )
    elif table.get("available"):
        figure = "Not determined"
    else:
        figure = "No starting-point table in the data"
    details = []
    if table.get("offence_range_from"):
        details.append(
            f"Offence range: {sentence_text(table.get('offence_range_from'))} to "
            f"{sentence_text(table.get('offence_range_to'))}"
        )
    rows.append(
        Figure(
            "category",
            "Starting point and range",
            figure,
            str(table.get("reason", "")),
            str(table.get("source", "")),
            str(table.get("status") or ""),
            details,
        )
    )
    adjustment = result.get("adjustment") or {}
    details = [f"Aggravating: {f['label']}" for f in adjustment.get("aggravating") or []]
    details += [f"Mitigating: {f['label']}" for f in adjustment.get("mitigating") or []]
    details += [f"Other factor noted: {text}" for text in adjustment.get("other_factors") or []]
    if adjustment.get("departure_reason"):
        details.append(f"Reason for going outside the range: {adjustment['departure_reason']}")
    rows.append(
        Figure(
            "position",
            "Position after aggravating and mitigating factors",
            sentence_text(adjustment.get("sentence")) or "Not determined",
            str(adjustment.get("reason", "")),
            str(adjustment.get("source", "")),
            str(adjustment.get("status") or ""),
            details,
        )
    )
    plea = result.get("plea") or {}
    if plea.get("guideline"):
        figure = (
            f"Reduction of {fraction_text(plea.get('reduction'))}: {sentence_text(plea.get('sentence_before'))} "
            f"becomes {sentence_text(plea.get('sentence_after'))}"
        )
    else:
        figure = "No guilty plea: no reduction"
    rows.append(
        Figure(
            "plea", "Guilty plea", figure, str(plea.get("reason", "")), str(plea.get("source", "")),
            str(plea.get("status") or ""),
        )
    )  # fmt: skip
    threshold = result.get("custody_threshold") or {}
    answers = []
    for question in threshold.get("questions") or []:
        answers.append(f"{question.get('question')} {_answer(question.get('answer'))}")
    rows.append(
        Figure(
            "threshold",
            "Custody threshold",
            "; ".join(answers[:2]) if answers else "Not answered",
            f"{threshold.get('reason', '')} {threshold.get('principle', '')}".strip(),
            str(threshold.get("source", "")),
            str(threshold.get("status") or ""),
            answers[2:],
        )
    )
    suspension = result.get("suspension") or {}
    if not suspension.get("applicable"):
        figure = "Not applicable: the sentence is not custodial"
    elif suspension.get("suspended"):
        figure = f"Suspended; operational period {duration_text(suspension.get('operational_period'))}"
        if suspension.get("supervision_period"):
            figure += f", supervision period {duration_text(suspension.get('supervision_period'))}"
    elif suspension.get("available"):
        figure = "Not suspended (the term could be)"
    else:
        figure = "Cannot be suspended"
    details = [
        f"For suspension: {f['label']}" for f in suspension.get("factors_for") or [] if f.get("selected")
    ]
    details += [
        f"Against suspension: {f['label']}"
        for f in suspension.get("factors_against") or []
        if f.get("selected")
    ]
    details += [
        "Requirement: " + str(r.get("label")) + (f", {r['hours']} hours" if r.get("hours") else "")
        for r in suspension.get("requirements") or []
    ]
    rows.append(
        Figure(
            "suspension", "Suspension", figure, str(suspension.get("reason", "")), str(suspension.get("source", "")),
            str(suspension.get("status") or ""), details,
        )
    )  # fmt: skip
    community = result.get("community_order") or {}
    if community.get("applicable"):
        parts = []
        if community.get("level"):
            parts.append(f"{community['level']} level")
        if community.get("length"):
            parts.append(f"length {duration_text(community['length'])}")
        figure = "Community order" + (f" ({', '.join(parts)})" if parts else "")
        details = [
            r["label"] + (f", {r['hours']} hours" if r.get("hours") else "")
            for r in community.get("requirements") or []
        ]
    else:
        figure, details = "Not a community order", []
    rows.append(
        Figure(
            "community", "Community order", figure, str(community.get("reason", "")), str(community.get("source", "")),
            str(community.get("status") or ""), details,
        )
    )  # fmt: skip
    sentence = result.get("sentence") or {}
    rows.append(
        Figure(
            "suspension",
            "Sentence",
            str(sentence.get("text", "")),
            str(sentence.get("reason", "")),
            "The figures above",
            str(result.get("status", "")),
        )
    )
    notification = result.get("notification") or {}
    period = notification.get("period") or {}
    reason = str(notification.get("reason", ""))
    if period.get("basis"):
        reason += f" {period['basis']}"
    details = []
    if period.get("initial_notification_by"):
        details.append(f"Initial notification by {date_text(period['initial_notification_by'])}")
    details += [str(w) for w in period.get("notes") or []]
    statuses = {str(notification.get("status") or ""), str(period.get("status") or "")}
    if notification.get("applies") == "unknown":
        # Whether Schedule 3 applies is not known (its entry is not in the data, or an answer is
        # missing): the period is conditional, so it is not shown as verified.
        statuses.add(INCOMPLETE)
    rows.append(
        Figure(
            "notification",
            "Notification period",
            notification_text(result),
            reason.strip(),
            "; ".join(s for s in (str(notification.get("source", "")), "Sexual Offences Act 2003 s.82") if s),
            UNVERIFIED if UNVERIFIED in statuses else INCOMPLETE if INCOMPLETE in statuses else "verified",
            details,
        )
    )
    for order in result.get("ancillary_orders") or []:
        if order.get("requested"):
            length = (
                "until further order"
                if order.get("until_further_order")
                else duration_text(order.get("length"))
            )
            figure = f"Proposed: {length}" + (
                "; with a foreign travel prohibition" if order.get("foreign_travel_prohibition") else ""
            )
        else:
            figure = "To consider"
        rows.append(
            Figure(
                "notification", str(order.get("name")), figure, str(order.get("reason", "")),
                str(order.get("source", "")), str(order.get("status") or ""),
            )
        )  # fmt: skip
    return rows


def sso_requirements(request: object) -> list[str]:
    """The requirement types of a request's suspended sentence order (`suspension.requirements`)."""
    suspension = request.get("suspension") if isinstance(request, dict) else None
    items = suspension.get("requirements") if isinstance(suspension, dict) else None
    return [str(r["type"]) for r in items or [] if isinstance(r, dict) and r.get("type")]


def _sso_requirement_results(scenario: CaseScenario) -> list[dict[str, Any]]:
    """The suspended sentence order's requirements as the engine returned them ([] when not suspended).

    A snapshot calculated before the engine took these requirements has no `requirements` in its
    suspension section; its requirements (moved into the request) are then read from the request,
    with their labels, until the scenario is calculated again."""
    suspension = (scenario.result_data or {}).get("suspension") or {}
    if not suspension.get("suspended"):
        return []
    if "requirements" in suspension:
        return [r for r in suspension.get("requirements") or [] if isinstance(r, dict)]
    return [
        {"type": kind, "label": COMMUNITY_REQUIREMENTS[kind]}
        for kind in sso_requirements(scenario.request)
        if kind in COMMUNITY_REQUIREMENTS
    ]


def _community_requirement_results(scenario: CaseScenario) -> list[dict[str, Any]]:
    community = (scenario.result_data or {}).get("community_order") or {}
    if not community.get("applicable"):
        return []
    return [r for r in community.get("requirements") or [] if isinstance(r, dict)]


def treatment(scenario: CaseScenario) -> list[str]:
    """Treatment requirements the scenario includes, as the engine checked them: of a community order,
    or of a suspended sentence order (the community-order list applied to it: unverified)."""
    found = [
        str(r["label"])
        for r in _community_requirement_results(scenario)
        if r.get("type") in TREATMENT_REQUIREMENTS
    ]
    found += [
        f"{r['label']} (suspended sentence order)"
        for r in _sso_requirement_results(scenario)
        if r.get("type") in TREATMENT_REQUIREMENTS
    ]
    return found


def includes_programme(scenario: CaseScenario) -> bool:
    return any(
        r.get("type") == "programme"
        for r in _community_requirement_results(scenario) + _sso_requirement_results(scenario)
    )


@dataclass(frozen=True)
class ComparisonRow:
    scenario: CaseScenario
    sentence: str
    notification: str
    treatment: list[str]
    programme_waiting_time: str
    verified: bool
    outstanding: int


def headline(scenario: CaseScenario) -> dict[str, Any] | None:
    """The whole case's result (every offence and the total), or the lead's alone when it is the only
    offence and no case result is stored; None while any offence is unresolved."""
    if scenario.case_data is not None:
        return scenario.case_data
    if not scenario.other_offences and scenario.result_data is not None:
        return scenario.result_data
    return None


def sentence_headline(scenario: CaseScenario) -> str:
    data = headline(scenario)
    if data is None:
        return "Not determined"
    part = data.get("total") if "total" in data else data.get("sentence")
    return capfirst(str((part or {}).get("text") or "Not determined"))


def outstanding(scenario: CaseScenario) -> int:
    """How many things are still to resolve: problems, and answers a sentence still waits for."""
    count = len(scenario.problems or []) + len(scenario.case_problems or [])
    count += len(steps.unresolved(scenario.result_data))
    for other in scenario.other_offences or []:
        result = other.get("result") if isinstance(other.get("result"), dict) else None
        count += len(other.get("problems") or []) + len(steps.unresolved(result))
    return count


def offence_lines(scenario: CaseScenario) -> list[dict[str, Any]]:
    """One line per offence: its name, relation to the lead, its own sentence and what it adds."""
    data = scenario.case_data or {}
    counts = {
        line.get("offence"): line.get("counts") for line in (data.get("total") or {}).get("lines") or []
    }
    lead = scenario.result_data or {}
    lines = [
        {
            "number": 1,
            "label": "Offence 1",
            "relation": "Lead offence",
            "offence": str(
                (lead.get("offence") or {}).get("title")
                or (scenario.request or {}).get("offence")
                or "Not chosen"
            ),
            "sentence": capfirst(str((lead.get("sentence") or {}).get("text") or "Not determined")),
            "counts": str(counts.get(0) or ""),
            "problems": len(scenario.problems or []),
        }
    ]
    # Within the whole case a further offence's term is suspended with the lead's: prefer that result.
    in_case = [o.get("result") or {} for o in data.get("offences") or []]
    for number, other in enumerate(scenario.other_offences or [], start=2):
        result = in_case[number - 1] if len(in_case) >= number else other.get("result") or {}
        lines.append(
            {
                "number": number,
                "label": str(other.get("label") or f"Offence {number}"),
                "relation": RELATION_WORDS.get(str(other.get("relation")), str(other.get("relation"))),
                "offence": str(
                    (result.get("offence") or {}).get("title")
                    or (other.get("request") or {}).get("offence")
                    or "Not chosen"
                ),
                "sentence": capfirst(str((result.get("sentence") or {}).get("text") or "Not determined")),
                "counts": str(counts.get(number - 1) or ""),
                "problems": len(other.get("problems") or []),
            }
        )
    return lines


RELATION_WORDS = {
    "lead": "Lead offence",
    "concurrent": "Concurrent",
    "consecutive": "Consecutive",
    "no_separate_penalty": "No separate penalty",
}


def comparison(scenarios: list[CaseScenario]) -> list[ComparisonRow]:
    rows = []
    for scenario in scenarios:
        data = headline(scenario)
        rows.append(
            ComparisonRow(
                scenario=scenario,
                sentence=sentence_headline(scenario),
                notification=notification_text(data),
                treatment=treatment(scenario),
                programme_waiting_time=PROGRAMME_WAITING_TIME_UNKNOWN
                if includes_programme(scenario)
                else "No programme in this scenario",
                verified=bool(data and data.get("verified")),
                outstanding=outstanding(scenario),
            )
        )
    return rows


@dataclass(frozen=True)
class VerificationNote:
    record: GuidelineVerification
    part_label: str
    still_unverified_in_data: bool


def verification_notes(
    result: dict[str, Any] | None, records: list[GuidelineVerification]
) -> list[VerificationNote]:
    """Verification records for the guideline version a result used, and whether the data in use
    still marks that part unverified (then the engine's warning stands)."""
    if not result:
        return []
    guideline = result.get("guideline") or {}
    notes = []
    for record in records:
        if record.guideline_id != guideline.get("id") or record.version != guideline.get("version"):
            continue
        if record.table_id == VerifiedPart.TABLE:
            status = (result.get("table") or {}).get("status")
        elif record.table_id in (VerifiedPart.HARM, VerifiedPart.CULPABILITY):
            status = (result.get(record.table_id) or {}).get("status")
        else:
            status = UNVERIFIED
        notes.append(VerificationNote(record, record.get_table_id_display(), status == UNVERIFIED))
    return notes


def offence_analysis(scenario: CaseScenario, words: Words) -> list[tuple[str, str]]:
    """The lead offence as entered and as the engine read it: label, value pairs."""
    return [(label, words(value)) for label, value in _analysis(scenario.request or {}, scenario.result_data or {})]


def other_analyses(scenario: CaseScenario, words: Words) -> list[dict[str, Any]]:
    """The same analysis for each further offence, with its name and relation to the lead."""
    return [
        {
            "label": str(other.get("label") or f"Offence {number}"),
            "relation": RELATION_WORDS.get(str(other.get("relation")), str(other.get("relation"))),
            "rows": [
                (label, words(value))
                for label, value in _analysis(other.get("request") or {}, other.get("result") or {})
            ],
        }
        for number, other in enumerate(scenario.other_offences or [], start=2)
    ]


def _analysis(request: dict[str, Any], result: dict[str, Any]) -> list[tuple[str, str]]:
    offence = result.get("offence") or {}
    rows: list[tuple[str, str]] = []
    if offence:
        rows.append(("Offence", f"{offence.get('title')} ({offence.get('statute')})"))
    elif request.get("offence"):
        rows.append(("Offence", str(request["offence"])))
    court = {"crown_court": "Crown Court", "magistrates_court": "Magistrates' court"}.get(
        str(request.get("sentencing_court", "")), "Not stated"
    )
    rows.append(("Sentencing court", court))
    for key, label in (
        ("offence_date", "Offence date"),
        ("conviction_date", "Conviction date"),
        ("sentencing_date", "Sentencing date"),
    ):
        if request.get(key):
            rows.append((label, date_text(request[key])))
    if request.get("offender_age_at_offence") is not None:
        rows.append(("Age at the offence", str(request["offender_age_at_offence"])))
    if request.get("victim_age") is not None:
        rows.append(("Age of the child at the offence", str(request["victim_age"])))
    for key in ("harm", "culpability"):
        section = result.get(key)
        if section:
            factors = "; ".join(str(f.get("label")) for f in section.get("factors") or []) or "none selected"
            rows.append((str(section.get("label")), f"{section.get('category_label')} (factors: {factors})"))
    adjustment = result.get("adjustment") or {}
    for key, label in (("aggravating", "Aggravating factors"), ("mitigating", "Mitigating factors")):
        chosen = [str(f.get("label")) for f in adjustment.get(key) or []]
        if chosen:
            rows.append((label, "; ".join(chosen)))
    if adjustment.get("other_factors"):
        rows.append(("Other factors noted", "; ".join(adjustment["other_factors"])))
    for consideration in result.get("considerations") or []:
        rows.append(("Consideration named by the guideline", str(consideration)))
    return rows


def primary_scenario(case: SentencingCase, scenarios: list[CaseScenario]) -> CaseScenario | None:
    """The proposed scenario, or else the first with a result."""
    proposed = next((s for s in scenarios if s.proposed), None)
    return proposed or next((s for s in scenarios if s.result_data), None)


NOT_GIVEN = "Not given"


def answer_text(field: forms.BoundField, words: Words) -> str:
    """What a step form holds for one question, as its own labels say it (for checking answers)."""
    declared = field.field
    value = field.form.initial.get(field.name, declared.initial)
    if isinstance(declared, DateInputField):
        found = date_from_text(value)
        return date_words(found) if found else NOT_GIVEN
    choices = {str(k): str(v) for k, v in getattr(declared, "choices", ()) or ()}
    if isinstance(declared, forms.MultipleChoiceField):
        chosen = [choices.get(str(v), words(v)) for v in value or []]
        return "; ".join(chosen) if chosen else "Nothing selected"
    if choices:
        text = str(value if value is not None else "")
        return choices.get(text) or (words(text) if text else NOT_GIVEN)
    if isinstance(declared, forms.BooleanField):
        return "Yes" if value else "No"
    text = str(value if value is not None else "").strip()
    if not text:
        return NOT_GIVEN
    return duration_text(text) if getattr(declared, "is_length", False) else text


def answer_rows(form: forms.BaseForm, words: Words) -> list[tuple[str, str]]:
    """Every question of a step with the answer given, for the check-your-answers page."""
    return [(str(field.label), answer_text(field, words)) for field in form]
