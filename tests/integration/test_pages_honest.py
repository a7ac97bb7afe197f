"""Pages that do not pretend (placeholders hidden or plainly not available) and the small things a new
user tripped over: empty headings, "(optional)" on a required answer, overlapping chart labels, a
missing back link, a term starting a cell in lower case, a conditional figure marked verified."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from safeguard.assessments.charts import MIN_TICK_GAP, line_chart
from safeguard.courts import presenters
from safeguard.courts.wording import Words
from safeguard.guidelines import calculate_from_dict
from tests.conftest import sign_in
from tests.integration.test_courts_services import STEP_ANSWERS, new_case
from tests.integration.test_courts_views import text_of, walk
from tests.unit.guidelines.helpers import s9_request

PRETENDING = ("Nothing is due", "No conversations are waiting", "No one is waiting", "No datasets have been published")


@pytest.mark.parametrize("who", ["prob_prac", "prob_sup", "police_prac", "treat_prac", "court_prac", "prev_prac", "analyst"])
def test_dashboards_do_not_pretend(client, world, who):
    sign_in(client, world.users[who])
    body = text_of(client.get(reverse("core:dashboard")))
    for words in PRETENDING:
        assert words not in body, (who, words)
    assert "Visits and notifications" not in body  # no such feature yet: not shown
    if who in ("prob_prac", "prob_sup", "court_prac"):
        assert 'data-testid="sentencing-panel"' in body and reverse("courts:case-list") in body
    if who == "prob_sup":
        assert "Team oversight (caseload allocation, countersigning) is not available in Safeguard yet" in body
    if who == "prev_prac":
        assert 'data-testid="prevention-panel"' in body and reverse("prevention:inbox") in body
    if who == "analyst":
        assert "not available in Safeguard yet" not in body
        assert "Evidence from your own data" in body


def test_two_ratings_on_one_day_share_one_date_label():
    chart = line_chart(key="k", title="T", series=[(date(2026, 5, 1), 10), (date(2026, 5, 1), 12)], y_range=(0, 26))
    assert [t.label for t in chart.x_ticks] == ["May 2026"]
    chart = line_chart(
        key="k", title="T",
        series=[(date(2025, 5, 1), 10), (date(2025, 5, 2), 11), (date(2025, 5, 20), 9), (date(2026, 5, 1), 8)],
        y_range=(0, 26),
    )  # fmt: skip
    labels = [t.label for t in chart.x_ticks]
    assert labels == ["May 2025", "May 2026"]
    gaps = [b.position - a.position for a, b in zip(chart.x_ticks, chart.x_ticks[1:], strict=False)]
    assert all(gap >= MIN_TICK_GAP for gap in gaps)


def test_factor_headings_are_never_empty_and_a_required_axis_is_not_optional(client, world):
    case = new_case(world)
    scenario = case.scenarios.get()
    sign_in(client, world.users["court_prac"])
    offence = {**dict(STEP_ANSWERS)["offence"], "offence": "soa2003-s9", "offence_date": "2023-01-10",
               "conviction_date": "2023-09-01", "sentencing_date": "2023-10-02", "victim_age": "14"}  # fmt: skip
    walk(client, case, scenario, [("offence", offence)])
    page = client.get(reverse("courts:scenario-step", args=[case.pk, scenario.pk, "factors"])).content.decode()
    headings = re.findall(r'<p class="govuk-body govuk-!-font-weight-bold govuk-!-margin-bottom-2 sg-group-label">(.*?)</p>', page)
    assert "Culpability B" not in headings  # B has no factors: it applies when none of A is selected
    assert "With none selected, Culpability B applies." in page
    assert "Harm factors (optional)" not in page and "Harm factors</legend>" in page
    assert "Culpability factors (optional)" in page
    response = client.post(reverse("courts:scenario-step", args=[case.pk, scenario.pk, "factors"]), {})
    assert "Select at least one harm factor" in text_of(response)


def test_add_a_person_has_a_back_link(client, world):
    sign_in(client, world.users["prob_prac"])
    page = client.get(reverse("people:create")).content.decode()
    assert f'<a href="{reverse("people:list")}" class="govuk-back-link">Back to people</a>' in page


def test_a_notification_period_that_depends_on_a_missing_schedule_3_entry_is_not_marked_verified(world):
    # s.10 has no Schedule 3 entry in the data: the period applies only if Schedule 3 does.
    result = calculate_from_dict(
        s9_request(offence="soa2003-s10", harm_factors=["penetration_of_vagina_or_anus"], penetrative=True)
    )
    data = result.to_dict()  # type: ignore[union-attr]
    assert data["notification"]["applies"] == "unknown" and "is not in the data" in data["notification"]["reason"]
    assert data["notification"]["status"] == "verified" and data["notification"]["period"]["status"] == "verified"
    [row] = [f for f in presenters.figures(data, Words()) if f.label == "Notification period"]
    assert row.status == presenters.INCOMPLETE and row.figure.startswith("If Schedule 3 applies")


def test_a_term_that_starts_a_value_is_capitalised(client, world):
    case = new_case(world)
    sign_in(client, world.users["court_prac"])
    answers = dict(STEP_ANSWERS)
    walk(client, case, case.scenarios.get(), [
        ("offence", {**answers["offence"], "sentencing_court": "crown_court"}), ("factors", answers["factors"]),
        ("position", {"position_kind": "community_order", "level": "high", "departure_reason": "Synthetic"}),
    ])  # fmt: skip
    body = text_of(client.get(reverse("courts:case-detail", args=[case.pk])))
    assert "High-level community order. Notification" in body and ">high-level community order" not in body
