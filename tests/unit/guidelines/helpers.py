"""Request builders and small assertions shared by the guideline tests."""

from __future__ import annotations

from typing import Any

from safeguard.guidelines import Problems, SentencingResult, calculate_from_dict


def s9_request(**overrides: Any) -> dict[str, Any]:
    """A valid s.9 request under the 2014 guideline (category 3, culpability B, no sentence chosen)."""
    data: dict[str, Any] = {
        "offence": "soa2003-s9",
        "offence_date": "2023-01-10",
        "conviction_date": "2023-09-01",
        "sentencing_date": "2023-10-02",
        "offender_age_at_offence": 30,
        "offender_age_at_conviction": 30,
        "victim_age": 14,
        "harm_factors": ["other_sexual_activity"],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def images_request(**overrides: Any) -> dict[str, Any]:
    """A valid s.1 image request (category B possession)."""
    data: dict[str, Any] = {
        "offence": "pca1978-s1",
        "offence_date": "2023-01-10",
        "conviction_date": "2023-09-01",
        "sentencing_date": "2023-10-02",
        "offender_age_at_offence": 40,
        "offender_age_at_conviction": 40,
        "harm_factors": ["non_penetrative_sexual_activity"],
        "culpability_factors": ["possession"],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def custody(length: str) -> dict[str, str]:
    return {"kind": "custody", "length": length}


def community_order(level: str | None = None, length: str | None = None) -> dict[str, str]:
    data = {"kind": "community_order"}
    if level:
        data["level"] = level
    if length:
        data["length"] = length
    return data


def ok(data: dict[str, Any]) -> SentencingResult:
    """Calculate and insist on a result (the test fails with the problems otherwise)."""
    result = calculate_from_dict(data)
    if isinstance(result, Problems):
        raise AssertionError(f"unexpected refusal: {result.to_dict()}")
    return result


def refused(data: dict[str, Any]) -> Problems:
    """Calculate and insist on a refusal."""
    result = calculate_from_dict(data)
    if not isinstance(result, Problems):
        raise AssertionError("expected the request to be refused")
    return result


def problem(problems: Problems, code: str) -> str:
    """The message of the first problem with `code` (fails if there is none)."""
    for item in problems:
        if item.code == code:
            return item.message
    raise AssertionError(f"no problem with code {code}: {problems.to_dict()}")
