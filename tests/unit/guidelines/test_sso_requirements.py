"""Requirements of a suspended sentence order: read, checked, shown and marked unverified by the engine."""

from __future__ import annotations

import argparse
import io
import json
from typing import Any

import pytest

from safeguard.calendar.durations import Duration
from safeguard.guidelines import (
    Problems,
    SentencingRequest,
    calculate_case_from_dict,
    request_from_dict,
    request_json_schema,
)
from safeguard.guidelines.cli import add_sentence_arguments, run_sentence
from safeguard.guidelines.engine import suspension_problems
from safeguard.guidelines.request import SUSPENSION_FIELDS, Requirement, SuspensionInput
from safeguard.guidelines.rules import COMMUNITY_REQUIREMENTS, SSO_REQUIREMENTS_FACT
from safeguard.guidelines.sentences import Sentence

from .helpers import custody, ok, problem, refused, s9_request

CAT_2B = {"harm_factors": ["touching_or_exposure_of_naked_genitalia_or_breasts"]}  # 1 year's custody
CANDIDATE_WARNING = "Requirements of the suspended sentence order: unverified transcription (candidate value"
SUPERVISION_NOTE = "the court sets the supervision period within which they are complied with"


def suspended(requirements: list[dict[str, Any]], **suspension: Any) -> dict[str, Any]:
    """A 12-month custodial term, suspended for 2 years with these requirements."""
    return s9_request(
        **CAT_2B,
        sentence_before_plea=custody("12m"),
        suspension={"suspend": True, "operational_period": "2y", **suspension, "requirements": requirements},
    )


def test_requirements_are_accepted_with_labels_and_marked_unverified() -> None:
    result = ok(
        suspended(
            [
                {"type": "programme", "details": "Synthetic: accredited group programme"},
                {"type": "unpaid_work", "hours": 120},
                {"type": "rehabilitation_activity"},
            ],
            supervision_period="18m",
        )
    )
    found = [(r.type, r.label, r.hours, r.details) for r in result.suspension.requirements]
    assert found == [
        (
            "programme",
            "Programme requirement (accredited programme)",
            None,
            "Synthetic: accredited group programme",
        ),
        ("unpaid_work", "Unpaid work requirement", 120, ""),
        ("rehabilitation_activity", "Rehabilitation activity requirement", None, ""),
    ]
    assert result.suspension.suspended
    assert "Requirements: Programme requirement (accredited programme), Unpaid work requirement" in (
        result.suspension.reason
    )
    (warning,) = [w for w in result.warnings if w.startswith(CANDIDATE_WARNING)]
    assert SSO_REQUIREMENTS_FACT.source in warning
    assert "not stated in Safeguard's sources" in warning
    assert result.verified is False
    assert not any(SUPERVISION_NOTE in n for n in result.notes)  # a supervision period was given
    data = result.to_dict()
    assert data["suspension"]["requirements"][1] == {  # type: ignore[index]
        "type": "unpaid_work", "label": "Unpaid work requirement", "hours": 120, "details": ""
    }  # fmt: skip


def test_no_requirements_no_candidate_warning() -> None:
    result = ok(suspended([], supervision_period="18m"))
    assert result.suspension.requirements == ()
    assert not any(w.startswith(CANDIDATE_WARNING) for w in result.warnings)
    assert not any(SUPERVISION_NOTE in n for n in result.notes)


def test_requirements_without_a_supervision_period_get_a_note_not_a_problem() -> None:
    result = ok(suspended([{"type": "curfew"}]))
    assert result.suspension.supervision_period is None
    assert any(SUPERVISION_NOTE in n for n in result.notes)


def test_unknown_requirement_is_refused_with_what_is_allowed() -> None:
    problems = refused(suspended([{"type": "programme"}, {"type": "polygraph"}]))
    assert problems.fields() == ["suspension.requirements[1].type"]
    message = problem(problems, "unknown_requirement")
    assert "'polygraph'" in message
    assert "allowed: " + ", ".join(sorted(COMMUNITY_REQUIREMENTS)) in message


@pytest.mark.parametrize(
    ("hours", "accepted"), [(39, False), (40, True), (300, True), (301, False), (None, False)]
)
def test_unpaid_work_hours_are_40_to_300(hours: int | None, accepted: bool) -> None:
    requirement: dict[str, Any] = {"type": "unpaid_work"}
    if hours is not None:
        requirement["hours"] = hours
    data = suspended([requirement])
    if accepted:
        assert ok(data).suspension.requirements[0].hours == hours
    else:
        problems = refused(data)
        assert problems.fields() == ["suspension.requirements[0].hours"]
        assert "unpaid work must be 40 to 300 hours" in problem(problems, "out_of_range")


def test_hours_on_another_requirement_are_refused() -> None:
    problems = refused(suspended([{"type": "curfew", "hours": 100}]))
    assert problems.fields() == ["suspension.requirements[0].hours"]
    assert "only to an unpaid_work requirement" in problem(problems, "not_applicable")


def test_requirements_without_suspending_are_refused() -> None:
    data = s9_request(
        **CAT_2B,
        sentence_before_plea=custody("12m"),
        suspension={"suspend": False, "requirements": [{"type": "programme"}]},
    )
    problems = refused(data)
    assert problems.fields() == ["suspension.requirements"]
    assert "only to a suspended sentence order" in problem(problems, "not_applicable")


def test_a_requirement_given_twice_is_refused() -> None:
    problems = refused(suspended([{"type": "curfew"}, {"type": "programme"}, {"type": "curfew"}]))
    assert problems.fields() == ["suspension.requirements[2].type"]
    assert "suspension.requirements[0]" in problem(problems, "duplicate")


def test_every_requirement_problem_is_listed_at_once() -> None:
    problems = refused(
        suspended(
            [{"type": "tea_drinking"}, {"type": "unpaid_work", "hours": 10}, {"type": "curfew", "hours": 5}],
            operational_period="3y",
        )
    )
    assert problems.fields() == [
        "suspension.operational_period",
        "suspension.requirements[0].type",
        "suspension.requirements[1].hours",
        "suspension.requirements[2].hours",
    ]


def test_suspension_problems_checks_the_requirements_on_its_own() -> None:
    twelve_months = Sentence.custody(Duration.months(12))
    good = SuspensionInput(True, Duration.years(2), requirements=(Requirement("unpaid_work", 200),))
    assert suspension_problems(twelve_months, good) == []
    bad = SuspensionInput(True, Duration.years(2), requirements=(Requirement("programme", 10),))
    assert [(p.field, p.code) for p in suspension_problems(twelve_months, bad)] == [
        ("suspension.requirements[0].hours", "not_applicable")
    ]
    not_suspended = SuspensionInput(False, requirements=(Requirement("programme"),))
    assert [p.code for p in suspension_problems(twelve_months, not_suspended)] == ["not_applicable"]


def test_community_order_requirement_messages_are_unchanged() -> None:
    problems = refused(
        s9_request(
            sentence_before_plea={"kind": "community_order", "level": "medium"},
            community_order={"requirements": [{"type": "polygraph"}, {"type": "curfew"}, {"type": "curfew"}]},
        )
    )
    # A community order may repeat a requirement type; only the unknown type is refused.
    assert problems.fields() == ["community_order.requirements[0].type"]
    assert "is not a community-order requirement; allowed:" in problem(problems, "unknown_requirement")


def test_requirements_shape_is_checked_by_the_reader() -> None:
    parsed = request_from_dict(
        s9_request(suspension={"suspend": True, "requirements": [{"kind": "curfew"}, "programme"]})
    )
    assert isinstance(parsed, Problems)
    assert sorted(parsed.fields()) == [
        "suspension.requirements[0].kind",
        "suspension.requirements[0].type",
        "suspension.requirements[1]",
    ]


# --- JSON and schema ------------------------------------------------------------------------------


def test_round_trip_keeps_the_requirements() -> None:
    data = suspended(
        [{"type": "unpaid_work", "hours": 80}, {"type": "exclusion", "details": "Synthetic: town centre"}],
        supervision_period="1y",
    )
    parsed = request_from_dict(data)
    assert isinstance(parsed, SentencingRequest) and parsed.suspension is not None
    assert parsed.suspension.requirements == (
        Requirement("unpaid_work", 80),
        Requirement("exclusion", None, "Synthetic: town centre"),
    )
    as_json = parsed.to_dict()
    assert as_json["suspension"]["requirements"] == [  # type: ignore[index]
        {"type": "unpaid_work", "hours": 80},
        {"type": "exclusion", "details": "Synthetic: town centre"},
    ]
    assert request_from_dict(json.loads(json.dumps(as_json))) == parsed
    assert "requirements" not in SuspensionInput(True).to_dict()


def test_schema_names_the_suspension_requirements() -> None:
    assert SUSPENSION_FIELDS[-1] == "requirements"
    suspension: dict[str, Any] = request_json_schema()["properties"]["suspension"]  # type: ignore[index]
    assert tuple(suspension["properties"]) == SUSPENSION_FIELDS
    items = suspension["properties"]["requirements"]["items"]
    assert set(items["properties"]["type"]["enum"]) == set(COMMUNITY_REQUIREMENTS)
    assert items["required"] == ["type"] and items["additionalProperties"] is False
    assert "only when suspend is true" in suspension["properties"]["requirements"]["description"]


# --- the same checks through the case calculation and the command line ------------------------------


def test_a_case_carries_the_lead_offences_requirements() -> None:
    lead = suspended([{"type": "programme"}], supervision_period="1y")
    other = s9_request(**CAT_2B, sentence_before_plea=custody("6m"))
    result = calculate_case_from_dict({"offences": [{"request": lead}, {"request": other}]})
    assert not isinstance(result, Problems), result
    lead_result = result.offences[0].result
    assert [r.type for r in lead_result.suspension.requirements] == ["programme"]
    assert result.offences[1].result.suspension.requirements == ()
    assert any(w.startswith(CANDIDATE_WARNING) for w in result.warnings)


def test_the_command_line_reports_the_same_problems() -> None:
    parser = argparse.ArgumentParser(prog="safeguard sentence")
    add_sentence_arguments(parser)
    out = io.StringIO()
    data = suspended([{"type": "tea_drinking"}])
    assert run_sentence(parser.parse_args(["-"]), stdin=io.StringIO(json.dumps(data)), stdout=out) == 2
    errors = json.loads(out.getvalue())["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        ("suspension.requirements[0].type", "unknown_requirement")
    ]
