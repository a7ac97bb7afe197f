"""Shared inputs for the instrument tests: a fixed assessment date and valid rows to vary."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

AS_OF = date(2026, 11, 1)


def osp_row(**changes: Any) -> dict[str, Any]:
    """The spec's OSP/DC worked example (28 points, medium) with `changes` applied."""
    row: dict[str, Any] = {
        "sex": "male",
        "has_ever_committed_sexual_offence": True,
        "date_of_birth": "1980-01-01",
        "contact_adult_sexual_sanctions": 1,
        "contact_child_sexual_sanctions": 2,
        "non_contact_sexual_offences": 3,
        "indecent_image_sanctions": 4,
        "total_sanctions": 11,
        "date_of_most_recent_sexual_offence": "1994-06-01",
        "current_offence_against_stranger": False,
        "supervision_status": "community",
        "date_at_start_of_followup": "2027-01-01",
        "assessment_date": "2026-11-01",
    }
    row.update(changes)
    return row


def static_row(**changes: Any) -> dict[str, Any]:
    """A Static-99R row scoring 0 on every item except age (+1 at 30), with `changes` applied."""
    row: dict[str, Any] = {
        "date_of_birth": "1990-01-01",
        "release_date": "2020-06-01",
        "ever_lived_with_intimate_partner_2_years": True,
        "index_non_sexual_violence": False,
        "prior_non_sexual_violence": False,
        "prior_sex_offence_charges": 0,
        "prior_sex_offence_convictions": 0,
        "prior_sentencing_dates": 0,
        "non_contact_sex_offence_convictions": 0,
        "unrelated_victims": False,
        "stranger_victims": False,
        "male_victims": False,
    }
    row.update(changes)
    return row


@pytest.fixture
def as_of() -> date:
    return AS_OF
