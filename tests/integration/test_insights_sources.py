"""The seams between insights and the apps it reads through their ports: the reach-and-flow page shows
real figures from programmes, prevention and supervision; a cohort's programme status comes from the
programmes app's referrals; each port's queries do not grow with the data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeguard.insights import selectors, sources
from safeguard.insights.analysis import Filters
from safeguard.insights.models import FollowUp
from safeguard.prevention import ports as prevention_ports
from safeguard.prevention.models import ContactRecord
from safeguard.programmes import ports as programme_ports
from safeguard.programmes import services as programme_services
from safeguard.supervision import ports as supervision_ports
from safeguard.supervision.models import Visit
from tests import programmes_world as pwm
from tests.integration import insights_fixtures as fx
from tests.integration import supervision_helpers as sh


def contacts(world, count: int, channel: str = "phone", concern: str = "own_thoughts") -> None:
    now = timezone.now()
    ContactRecord.objects.bulk_create([
        ContactRecord(centre=world.agencies["prevention"], channel=channel, started_at=now, duration_minutes=5,
                      contact_by="self", concern=concern, outcome="information", recorded_at=now)
        for _ in range(count)
    ])


def visits(world, case, count: int, *, done: bool) -> None:
    today = timezone.localdate()
    Visit.objects.bulk_create([
        Visit(case=case, person_id=case.person_id, agency_id=case.agency_id, kind="planned",
              status="done" if done else "scheduled", planned_for=today, visited_on=today if done else None,
              outcome="completed" if done else "", recorded_by=case.officer)
        for _ in range(count)
    ])


def table(body: str, key: str) -> str:
    start = body.index(f'data-testid="flow-{key}"')
    return body[start:body.index("</table>", start)]


def test_reach_and_flow_shows_figures_from_programmes_prevention_and_supervision(world, as_user):
    pw = pwm.build(world)
    group = pwm.group(pw, start=pwm.past_start(3))
    completed, _started = pwm.members(pw, group, 2)
    programme_services.referral_transition(actor=pw.actor("treat_prac"), referral=completed.referral,
                                           transition="complete", now=timezone.now())
    pwm.referral(pw, state="awaiting_assessment")
    contacts(world, 12, "phone", "own_thoughts")
    contacts(world, 3, "live_chat", "abuse_images")
    case = sh.probation_case(world, opened_on=timezone.localdate() - timedelta(days=40), today=timezone.localdate())
    visits(world, case, 2, done=True)
    visits(world, case, 1, done=False)

    response = as_user("analyst").get(reverse("insights:flow"))
    assert response.status_code == 200
    body = response.content.decode()
    funnel = table(body, "funnel")
    assert "Test Centre" in funnel and "Median days to start" in funnel
    assert ">3<" in funnel and ">2<" in funnel  # 3 referred, 2 assessed and started
    channels = table(body, "prevention_channels")
    assert ">15<" in channels and ">12<" in channels and "[c]" in channels  # total, phone, live chat hidden
    assert ">3<" not in channels
    concerns = table(body, "prevention_concerns")
    assert "Own sexual thoughts about children" in concerns and "[c]" in concerns
    caseload = table(body, "caseload")
    this_month = f"{timezone.localdate():%B %Y}"
    row = caseload[caseload.index(this_month):]
    row = row[:row.index("</tr>")]
    assert [cell.split("<")[0] for cell in row.split('govuk-table__cell">')[1:]] == ["1", "3", "2"]
    assert "counts from 1 to 9 are hidden" in body
    assert "Not available yet" not in body


@pytest.mark.parametrize("name, status", [("prob_prac", 403), ("prev_sup", 403), ("treat_prac", 403)])
def test_reach_and_flow_is_for_analysts_only(world, as_user, name, status):
    assert as_user(name).get(reverse("insights:flow")).status_code == status


def test_the_ports_refuse_anyone_who_may_not_view_insights(world):
    today = timezone.localdate()
    for name in ("prob_prac", "prev_prac", "treat_prac"):
        with pytest.raises(PermissionDenied):
            supervision_ports.caseload_aggregates(actor=world.actor(name), start=today - timedelta(days=60), end=today)
    with pytest.raises(PermissionDenied):
        prevention_ports.weekly_aggregates(actor=world.actor("prob_sup"), first_week=today, last_week=today)


def test_caseload_counts_the_open_cases_at_each_months_end_for_the_analysts_scope(world):
    sh.probation_case(world, opened_on=date(2026, 1, 5), today=sh.TODAY)
    analyst = world.actor("analyst")
    rows = supervision_ports.caseload_aggregates(actor=analyst, start=date(2025, 12, 10), end=date(2026, 2, 10))
    assert [(r.month, r.caseload) for r in rows] == [(date(2025, 12, 1), 0), (date(2026, 1, 1), 1), (date(2026, 2, 1), 1)]
    with pytest.raises(ValueError, match="36 months"):
        supervision_ports.caseload_aggregates(actor=analyst, start=date(2020, 1, 1), end=date(2026, 1, 1))


def test_a_cohorts_programme_status_comes_from_the_programmes_referrals(world):
    pw = pwm.build(world)
    group = pwm.group(pw, start=pwm.past_start(3))
    completed, started = pwm.members(pw, group, 2)
    programme_services.referral_transition(actor=pw.actor("treat_prac"), referral=completed.referral,
                                           transition="complete", now=timezone.now())
    imported = pwm.person(pw)
    for member, recorded in ((completed, "not_referred"), (started, "not_referred")):
        fx.follow_up(world, member.referral.person, start="2024-01-01", status=recorded)
    fx.follow_up(world, imported, start="2024-01-01", status="completed")  # no referral here: the record stands
    data = selectors.cohort_dataset(actor=world.actor("analyst"), filters=Filters(), today=timezone.localdate())
    assert sorted(data.status.tolist()) == ["completed", "completed", "started_not_completed"]
    assert any("status recorded with the follow-up" in note for note in data.notes)


def test_programme_status_counts_only_referrals_submitted_by_the_day_asked(world):
    pw = pwm.build(world)
    group = pwm.group(pw, start=pwm.past_start(3))
    [member] = pwm.members(pw, group, 1)
    ids = FollowUp.objects.none().values("person_id")
    assert sources.programme_status(actor=world.actor("analyst"), person_ids=ids, as_of=timezone.localdate()) == {}
    person_ids = [member.referral.person_id]
    analyst = world.actor("analyst")
    today = programme_ports.person_statuses(actor=analyst, person_ids=person_ids, as_of=timezone.localdate())
    assert today[str(member.referral.person_id)].status == "started_not_completed"
    before = programme_ports.person_statuses(actor=analyst, person_ids=person_ids,
                                             as_of=timezone.localdate() - timedelta(days=1))
    assert before[str(member.referral.person_id)].status == "not_referred"  # submitted today


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def test_each_ports_queries_are_the_same_for_3_and_30_records(world):
    pw = pwm.build(world)
    analyst = world.actor("analyst")
    today = timezone.localdate()
    case = sh.probation_case(world, opened_on=today - timedelta(days=40), today=today)
    year_ago = today - timedelta(days=365)
    counts = []
    for size in (3, 30):
        for _ in range(size - (3 if size == 30 else 0)):
            fx.follow_up(world, pwm.referral(pw).person, start="2024-01-01")
        contacts(world, size - (3 if size == 30 else 0))
        visits(world, case, size - (3 if size == 30 else 0), done=True)
        ids = FollowUp.objects.values("person_id")
        assert len(programme_ports.person_statuses(actor=analyst, person_ids=ids, as_of=today)) == size
        prevention_ports.weekly_aggregates(actor=analyst, first_week=year_ago, last_week=today)  # the audit chain's first event
        counts.append((
            _queries(lambda ids=ids: programme_ports.person_statuses(actor=analyst, person_ids=ids, as_of=today)),
            _queries(lambda: programme_ports.referral_funnel(actor=analyst, since=year_ago, until=today)),
            _queries(lambda: prevention_ports.weekly_aggregates(actor=analyst, first_week=year_ago, last_week=today)),
            _queries(lambda: supervision_ports.caseload_aggregates(actor=analyst, start=year_ago, end=today)),
        ))
    assert counts[0] == counts[1]
    assert counts[0][3] == 2  # one conditional count per table
