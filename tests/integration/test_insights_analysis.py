"""Analyses over the platform's data: the cohort built from dates, the analyst's scope, the pages,
the cache, the background run, downloads, and the aggregate audit trail."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeguard.accounts.models import Membership
from safeguard.audit.models import AuditEvent
from safeguard.insights import selectors, services, views
from safeguard.insights.analysis import Filters
from safeguard.insights.models import AnalysisResult, FollowUp
from safeguard.policy import Actor
from tests.integration.insights_fixtures import event, follow_up, persons, synthetic_cohort

TODAY = date(2026, 6, 1)


def test_the_cohort_is_built_from_dates(world):
    a, b = world.persons["probation"], world.persons["police"]
    follow_up(world, a, start="2020-01-01")
    follow_up(world, b, start="2022-01-01", end="2023-01-01", agency="police")
    event(world, a, "2019-05-05")  # before follow-up: not an outcome
    event(world, a, "2020-06-01", offence_type="violent")  # not sexual
    event(world, a, "2021-01-01", kind="caution", offence_type="image")
    event(world, b, "2024-02-02")  # after follow-up ended
    data = selectors.cohort_dataset(actor=world.actor("analyst"), filters=Filters(), today=TODAY)
    by_time = sorted(zip(data.time.tolist(), data.event.tolist(), strict=True))
    # 2020 was a leap year: the caution came 366 days in; the other follow-up ended after 365 days.
    assert by_time == [(pytest.approx(365 / 365.25), False), (pytest.approx(366 / 365.25), True)]
    anything = selectors.cohort_dataset(actor=world.actor("analyst"), filters=Filters(measure="any"), today=TODAY)
    assert sorted(anything.time.tolist())[0] == pytest.approx(152 / 365.25)  # the violent offence counts now
    proven_contact = selectors.cohort_dataset(
        actor=world.actor("analyst"), filters=Filters(measure="sexual_contact", counted="proven"), today=TODAY
    )
    assert not proven_contact.event.any()  # the caution was for an image offence


def test_scores_come_from_the_assessment_on_or_before_the_start(world):
    from safeguard.assessments import services as assessment_services
    from safeguard.instruments import registry

    person = world.persons["probation"]
    follow_up(world, person, start="2024-01-01")
    inputs = {**registry.example_input("osp-dc"), "date_of_birth": "1980-01-01"}
    recorded = []
    for day in ("2023-06-01", "2024-06-01"):
        done = assessment_services.assessment_record(
            actor=world.actor("prob_prac"), person=person, instrument_id="osp-dc",
            inputs={**inputs, "assessment_date": day, "date_at_start_of_followup": day}, assessment_date=None,
        )
        recorded.append(done)
    data = selectors.cohort_dataset(actor=world.actor("analyst"), filters=Filters(), today=TODAY)
    assert data.score[0] == recorded[0].result["points"]
    later_only = Filters(instrument="static-99r")
    assert np.isnan(selectors.cohort_dataset(actor=world.actor("analyst"), filters=later_only, today=TODAY).score[0])


def test_an_agency_analyst_sees_only_their_agency_follow_ups(world):
    follow_up(world, world.persons["probation"], start="2020-01-01", agency="probation")
    follow_up(world, world.persons["police"], start="2020-01-01", agency="police")
    membership = Membership.objects.create(user=world.users["analyst"], agency=world.agencies["probation"], role="analyst")
    agency_analyst = Actor(user=world.users["analyst"], membership=membership)
    assert selectors.cohort_dataset(actor=agency_analyst, filters=Filters(), today=TODAY).n == 1
    assert selectors.cohort_dataset(actor=world.actor("analyst"), filters=Filters(), today=TODAY).n == 2
    assert selectors.cohort_dataset(actor=world.actor("prob_prac"), filters=Filters(), today=TODAY).n == 0


def test_reading_the_cohort_takes_the_same_queries_at_any_size(world):
    def queries(count: int) -> int:
        FollowUp.objects.all().delete()
        for person in persons(world, count, prefix=f"Q{count}"):
            follow_up(world, person, start="2021-01-01", points=25, band="medium", probability=0.02)
        with CaptureQueriesContext(connection) as captured:
            selectors.cohort_dataset(actor=world.actor("analyst"), filters=Filters(), today=TODAY)
        return len(captured)

    assert queries(3) == queries(30)


@pytest.fixture
def cohort(world):
    return synthetic_cohort(world, 600, seed=4)


def test_the_survival_page_draws_curves_tables_and_hazard_ratios(world, as_user, cohort):
    body = as_user("analyst").get(reverse("insights:survival")).content.decode()
    assert 'data-testid="survival-chart"' in body and "<svg" in body and "<script" not in body.split("<main")[1].split("</main>")[0]
    assert 'data-testid="survival-table"' in body and "still followed" in body
    assert 'data-testid="cox-adjusted"' in body and "Completed the programme (against Not referred)" in body
    assert "Risk score (per point)" in body
    event_row = AuditEvent.objects.filter(action="insights.analysis.view").get()
    assert event_row.details["n"] == 600 and event_row.details["analysis"] == "survival"
    text = json.dumps(event_row.details)
    assert not any(str(p.pk) in text for p in cohort)  # aggregates only: no person in the audit event


def test_too_few_events_is_said_in_words(world, as_user):
    for person in persons(world, 30):
        follow_up(world, person, start="2024-01-01", status="completed")
    body = as_user("analyst").get(reverse("insights:survival")).content.decode()
    assert "Too few events for a survival curve of completed the programme: 0 events among 30 people." in body
    assert 'data-testid="survival-chart"' not in body


def test_results_are_kept_until_the_data_change(world, as_user, cohort):
    client = as_user("analyst")
    client.get(reverse("insights:validation"))
    assert AnalysisResult.objects.count() == 1
    again = client.get(reverse("insights:validation"))
    assert again.context["computed"].cached
    services.outcome_event_add(actor=world.actor("prob_prac"), person=cohort[0], kind="charge", offence_type="image",
                               event_date=date(2025, 1, 1))
    fresh = client.get(reverse("insights:validation"))
    assert not fresh.context["computed"].cached
    assert AnalysisResult.objects.count() == 2


def test_a_large_cohort_runs_as_a_task_with_progress(world, as_user, cohort, monkeypatch):
    from safeguard.jobs.worker import run_pending

    monkeypatch.setattr(views, "INLINE_LIMIT", 100)
    client = as_user("analyst")
    page = client.get(reverse("insights:survival") + "?sex=male").content.decode()
    assert 'data-testid="too-large"' in page and 'data-testid="survival-table"' not in page
    started = client.post(reverse("insights:run"), {"kind": "survival", "query": "sex=male"})
    assert started.status_code == 302 and "progress=" in started["Location"]
    assert run_pending() == 1
    done = client.get(started["Location"]).content.decode()
    assert 'data-testid="survival-table"' in done and "See the results" in done
    assert AuditEvent.objects.filter(action="insights.analysis.run").count() == 1


def test_downloads_are_aggregate_tables(world, as_user, cohort):
    client = as_user("analyst")
    response = client.get(reverse("insights:survival-download", args=["csv"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "Section,Group,Time (years),People,Events,At risk or excluded,Estimate,95% CI low,95% CI high"
    assert any(line.startswith("Proportion with the outcome by then,Completed the programme,2.0,") for line in lines)
    assert any(line.startswith("Hazard ratio adjusted for the risk score,") for line in lines)
    assert "Syntheticson" not in text and str(cohort[0].pk) not in text
    xlsx = client.get(reverse("insights:validation-download", args=["xlsx"]))
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")
    assert b"".join(xlsx.streaming_content)[:2] == b"PK"  # read to the end, the client closes the file
    assert client.get(reverse("insights:survival-download", args=["pdf"])).status_code == 404
    assert AuditEvent.objects.filter(action="list.export").count() == 2


def test_validation_page_counts_who_was_left_out_and_calibrates_at_the_instruments_horizon(world, as_user, cohort):
    client = as_user("analyst")
    two = client.get(reverse("insights:validation") + "?horizon=2").content.decode()
    assert 'data-testid="auc"' in two and 'data-testid="excluded"' in two
    assert 'data-testid="calibration"' in two or 'data-testid="calibration-message"' in two
    five = client.get(reverse("insights:validation") + "?horizon=5").content.decode()
    assert "choose the 2-year horizon to check calibration" in five
    assert "By age band" in five and "By ethnic group" in five


def test_bad_filters_are_explained_not_failed(world, as_user):
    client = as_user("analyst")
    response = client.get(reverse("insights:survival") + "?start_from-day=1&start_from-month=6&start_from-year=2024"
                          "&start_to-day=1&start_to-month=1&start_to-year=2024&measure=nonsense")
    assert response.status_code == 200
    body = response.content.decode()
    assert "The end of the period must be the same as or after its start" in body
    assert "Select a valid choice" in body


def test_the_analyst_dashboard_shows_the_evidence_panel(world, as_user, cohort):
    body = as_user("analyst").get(reverse("core:dashboard")).content.decode()
    assert 'data-testid="insights-panel"' in body and "600 people are followed up" in body


def test_insights_pages_speak_plain_words(world, as_user, cohort):
    from tests.conftest import ROLES
    from tests.integration.test_plain_words import developer_words, visible_text

    client = as_user("analyst")
    urls = [
        reverse("insights:home"), reverse("insights:survival"), reverse("insights:survival") + "?sex=male&band=medium",
        reverse("insights:validation"), reverse("insights:validation") + "?horizon=5&instrument=static-99r",
        reverse("insights:flow"),
    ]
    for url in urls:
        text = visible_text(client.get(url).content.decode())
        assert developer_words(text) == [], url
    person = world.persons["probation"]
    event(world, person, "2025-02-03", kind="recall", offence_type="sexual_non_contact")
    follow_up(world, person, start="2024-01-01", status="started_not_completed")
    for who, url in (("prob_prac", reverse("people:detail", args=[person.pk])),
                     ("prob_sup", reverse("insights:import", args=["follow-ups"])),
                     ("prob_prac", reverse("insights:follow-up", args=[person.pk]))):
        text = visible_text(as_user(who).get(url).content.decode())
        assert developer_words(text, frozenset(ROLES)) == [], url  # usernames in the access history are data


@pytest.mark.parametrize(("split", "label"), [("band", "Medium"), ("sex", "Male"), ("ethnicity", "White"),
                                              ("age_band", "30 to 39")])
def test_survival_by_any_split(world, as_user, cohort, split, label):
    body = as_user("analyst").get(reverse("insights:survival") + f"?split={split}").content.decode()
    table = body.split('data-testid="survival-table"')[1].split("</table>")[0]
    assert f'<th scope="row" class="govuk-table__header">{label}</th>' in table
    assert 'data-testid="cox-adjusted"' in body  # the programme's hazard ratios stay beside any split
