"""Visit frequency, next visit due, reactive management and the current risk level (pure rules)."""

from __future__ import annotations

from datetime import date

import pytest

from safeguard.supervision.rules.levels import Level
from safeguard.supervision.rules.visits import (
    DEFAULT_VISIT_MONTHS,
    NOTHING_DUE,
    ResultForLevel,
    current_level,
    earliest,
    low_since_after,
    next_visit_due,
    reactive_eligible,
    reactive_eligible_from,
    visit_frequency,
)


def test_the_default_table_is_the_pre_2017_minimum() -> None:
    assert DEFAULT_VISIT_MONTHS == {Level.VERY_HIGH: 1, Level.HIGH: 3, Level.MEDIUM: 6, Level.LOW: 12}


def test_frequency_comes_from_the_override_then_the_agency_then_the_default() -> None:
    table = {Level.HIGH: 2}
    assert visit_frequency(Level.HIGH, table=table).months == 2  # type: ignore[union-attr]
    assert "agency's table" in visit_frequency(Level.HIGH, table=table).source  # type: ignore[union-attr]
    assert visit_frequency(Level.MEDIUM, table=table).months == 6  # type: ignore[union-attr]
    assert visit_frequency(Level.LOW, table=table, override_months=4).months == 4  # type: ignore[union-attr]
    assert visit_frequency(None) is None
    assert visit_frequency(None, override_months=3).months == 3  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="1 to 24 months"):
        visit_frequency(Level.LOW, override_months=0)


@pytest.mark.parametrize(
    ("last", "months", "due"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # month end: the shorter month's last day
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2025, 11, 30), 3, date(2026, 2, 28)),  # across the year end
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2025, 6, 15), 6, date(2025, 12, 15)),
    ],
)
def test_next_visit_due(last: date, months: int, due: date) -> None:
    assert next_visit_due(last_visit_on=last, opened_on=date(2020, 1, 1), months=months) == due


def test_without_a_visit_the_first_is_due_from_the_case_opening() -> None:
    assert next_visit_due(last_visit_on=None, opened_on=date(2026, 3, 10), months=1) == date(2026, 4, 10)


def test_reactive_management_after_three_years_of_low_risk() -> None:
    since = date(2023, 2, 28)
    assert reactive_eligible_from(since) == date(2026, 2, 28)
    assert not reactive_eligible(since, date(2026, 2, 27))
    assert reactive_eligible(since, date(2026, 2, 28))
    assert not reactive_eligible(None, date(2030, 1, 1))


def test_low_since_starts_when_low_is_reached_and_ends_when_it_is_left() -> None:
    assert low_since_after(Level.HIGH, None, Level.LOW, date(2025, 5, 1)) == date(2025, 5, 1)
    assert low_since_after(Level.LOW, date(2020, 1, 1), Level.LOW, date(2025, 5, 1)) == date(2020, 1, 1)
    assert low_since_after(Level.LOW, date(2020, 1, 1), Level.MEDIUM, date(2025, 5, 1)) is None
    assert low_since_after(None, None, Level.LOW, None) is None


def test_current_level_is_the_latest_usable_result() -> None:
    rm = ResultForLevel("rm2000-s", "high", date(2025, 1, 1))
    osp = ResultForLevel("osp-dc", "medium", date(2025, 6, 1))
    assert current_level({"rm2000-s": rm, "osp-dc": osp}) == osp
    same_day = ResultForLevel("osp-dc", "low", date(2025, 1, 1))
    assert current_level({"rm2000-s": rm, "osp-dc": same_day}) == rm  # a tie: RM2000/S first
    na = ResultForLevel("osp-dc", "not_applicable", date(2026, 1, 1))
    assert current_level({"rm2000-s": rm, "osp-dc": na}) == rm
    assert current_level({"stable-2007": ResultForLevel("stable-2007", "high", date(2026, 1, 1))}) is None


def test_earliest_ignores_missing_dates() -> None:
    assert earliest([None, date(2026, 5, 1), date(2026, 4, 1)]) == date(2026, 4, 1)
    assert earliest([None, None]) == NOTHING_DUE
