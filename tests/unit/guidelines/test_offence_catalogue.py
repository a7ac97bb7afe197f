"""The one offence catalogue (ADR 0023): ids, either spelling accepted, unknown codes refused by name."""

from __future__ import annotations

import pytest

from safeguard.guidelines import calculate_from_dict, notification_from_dict, request_from_dict
from safeguard.guidelines.offences import (
    UnknownOffence,
    canonical_offence_id,
    normalise_offence_code,
    offence_catalogue,
    offence_label,
)
from safeguard.guidelines.request import SentencingRequest
from tests.unit.guidelines.helpers import s9_request

# The codes conviction records used before there was one catalogue, and their ids.
OLD_SPELLINGS = {
    "SOA2003-s9": "soa2003-s9",
    "SOA2003-s10": "soa2003-s10",
    "SOA2003-s11": "soa2003-s11",
    "SOA2003-s14": "soa2003-s14",
    "SOA2003-s15": "soa2003-s15",
    "PCA1978-s1": "pca1978-s1",
    "CJA1988-s160": "cja1988-s160",
}


def test_the_catalogue_holds_every_offence_conviction_records_used() -> None:
    assert set(OLD_SPELLINGS.values()) <= set(offence_catalogue())
    assert all(code == code.lower() for code in offence_catalogue())


def test_offences_named_for_records_only_carry_no_facts_the_spec_does_not_give() -> None:
    for code in ("soa2003-s11", "soa2003-s14", "soa2003-s15"):
        offence = offence_catalogue()[code]
        assert offence.statute == f"Sexual Offences Act 2003, s.{code.rsplit('s', 1)[1]}"
        assert offence.maxima == () and offence.offender_age_at_offence is None
        assert offence.victim_age_under is None and offence.notification_threshold is None


def test_an_offence_is_shown_by_title_and_statute() -> None:
    assert offence_label(offence_catalogue()["soa2003-s9"]) == (
        "Sexual activity with a child (Sexual Offences Act 2003, s.9)"
    )


@pytest.mark.parametrize(("written", "expected"), [*OLD_SPELLINGS.items(), ("soa2003-s9", "soa2003-s9"),
                                                   (" Soa2003-S13 ", "soa2003-s13"), ("CJA1988-S160", "cja1988-s160")])  # fmt: skip
def test_either_spelling_in_any_case_is_the_id(written: str, expected: str) -> None:
    assert normalise_offence_code(written) == expected
    assert canonical_offence_id(written) == expected


@pytest.mark.parametrize("code", ["soa2003-s12", "OTHER", "", "soa2003 s9", None, 9])
def test_an_unknown_code_is_refused_naming_the_allowed_ids(code: object) -> None:
    with pytest.raises(UnknownOffence) as refused:
        canonical_offence_id(code)
    assert refused.value.allowed == tuple(offence_catalogue())
    assert "allowed: soa2003-s9, soa2003-s10" in str(refused.value)


def test_a_caller_may_allow_ids_kept_outside_the_catalogue() -> None:
    assert canonical_offence_id("OTHER", also=("other",)) == "other"
    with pytest.raises(UnknownOffence) as refused:
        canonical_offence_id("burglary", also=("other",))
    assert refused.value.allowed[-1] == "other"


def test_a_sentencing_request_in_the_old_spelling_names_the_offence_by_its_id() -> None:
    request = request_from_dict(s9_request(offence="SOA2003-s9"))
    assert isinstance(request, SentencingRequest) and request.offence == "soa2003-s9"
    result = calculate_from_dict(s9_request(offence="SOA2003-s9"))
    assert result.to_dict()["offence"]["id"] == "soa2003-s9"  # type: ignore[union-attr]
    refused = calculate_from_dict(s9_request(offence="SOA2003-s12")).to_dict()
    (problem,) = refused["errors"]  # type: ignore[index]
    assert (problem["field"], problem["code"]) == ("offence", "unknown_offence")
    assert problem["message"].startswith("'soa2003-s12' is not an offence the guidelines cover; allowed: ")


def test_a_notification_request_in_the_old_spelling_checks_that_offences_threshold() -> None:
    body = {"disposal": "caution", "relevant_date": "2025-01-01", "age_at_relevant_date": 30}
    checked = notification_from_dict({**body, "offence": "PCA1978-s1", "age_at_offence": 30})
    assert checked["errors"] == [] and checked["schedule_3"]["needs"] == ["youngest_age_shown"]  # type: ignore[index]
    refused = notification_from_dict({**body, "offence": "PCA1978-s2"})
    (problem,) = refused["errors"]  # type: ignore[misc]
    assert (problem["field"], problem["code"]) == ("offence", "not_allowed")
    assert "'PCA1978-s2' is not allowed; allowed: " in problem["message"] and "pca1978-s1" in problem["message"]


def test_an_offence_named_for_records_only_has_no_guideline_to_calculate_with() -> None:
    refused = calculate_from_dict(s9_request(offence="SOA2003-s11")).to_dict()
    (problem,) = refused["errors"]  # type: ignore[index]
    assert (problem["code"], problem["message"]) == ("no_guideline", "no guideline in the data covers soa2003-s11")
