"""What insights reads from other feature apps, each through that app's port, in one place.

Every reader returns figures only (no row about a person) and the caller writes the one aggregate
audit event of the page. The ports (docs/insights.md, "What insights needs from other apps"):

- `safeguard.programmes.ports.person_statuses(*, actor, person_ids, as_of)`: each person's most
  advanced referral submitted by `as_of` (completed, started and not completed, referred and not
  started). A person the programmes app holds no referral for keeps the status recorded with the
  follow-up (an imported cohort's status from before the platform, or "not referred").
- `safeguard.programmes.ports.referral_funnel(*, actor, since, until)`: referred, assessed, started,
  completed, waiting now and the waiting time to start, per programme and site.
- `safeguard.prevention.ports.weekly_aggregates(*, actor, first_week, last_week)`: contacts by
  channel and by concern, referrals and appointment take-up per week, disclosure-controlled in the
  prevention app (a hidden figure is None). Prevention is sealed: this port is the only part of it
  insights may import.
- `safeguard.supervision.ports.caseload_aggregates(*, actor, start, end)`: the open caseload at each
  month's end and the home visits due and done in the month.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet

from safeguard.policy import Actor
from safeguard.prevention.ports import weekly_aggregates
from safeguard.programmes.ports import person_statuses
from safeguard.programmes.ports import referral_funnel as programme_funnel
from safeguard.supervision.ports import caseload_aggregates

CHANNEL_WORDS = {
    "phone": "Phone", "live_chat": "Live chat", "email": "Email", "video": "Video call", "in_person": "In person",
    "secure_messaging": "Secure messaging",
}
CONCERN_WORDS = {
    "own_thoughts": "Own sexual thoughts about children", "abuse_images": "Viewing child sexual abuse images",
    "own_behaviour": "Worried about own behaviour towards a child", "someone_else": "Worried about someone else",
    "other": "Something else", "uncategorised": "Not recorded",
}


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def programme_status(*, actor: Actor, person_ids: QuerySet[Any], as_of: date) -> dict[str, str]:
    """{person id: status code} for the persons the programmes app holds a referral for (one query)."""
    return {key: found.status for key, found in person_statuses(actor=actor, person_ids=person_ids, as_of=as_of).items()}


def referral_funnel(*, actor: Actor, start: date, end: date) -> list[dict[str, Any]]:
    return [
        {
            "programme": row.programme, "site": row.site, "referred": row.referred, "assessed": row.assessed,
            "started": row.started, "completed": row.completed, "waiting_now": row.waiting_now,
            "median_days_to_start": row.wait_days_median, "days_to_start_for_9_in_10": row.wait_days_p90,
        }
        for row in programme_funnel(actor=actor, since=start, until=end)
    ]


def prevention_contacts(*, actor: Actor, start: date, end: date) -> dict[str, list[dict[str, Any]]]:
    """Three tables of weekly figures (by channel, by concern, referrals), hidden figures as None."""
    first_week = start - timedelta(days=start.weekday())
    weeks = weekly_aggregates(actor=actor, first_week=first_week, last_week=end)
    by_channel, by_concern, referrals = [], [], []
    for week in weeks:
        label = {"week_of": _day(week.week)}
        by_channel.append({**label, "contacts": week.contacts,
                           **{CHANNEL_WORDS.get(k, k): v for k, v in week.by_channel.items()}})
        by_concern.append({**label, **{CONCERN_WORDS.get(k, k): v for k, v in week.by_concern.items()}})
        referrals.append({**label, "referrals_to_a_centre": week.referrals, "appointments_offered": week.appointments_offered,
                          "appointments_taken_up": week.appointments_taken_up,
                          "median_hours_to_first_reply": week.median_hours_to_first_reply})
    return {"prevention_channels": by_channel, "prevention_concerns": by_concern, "prevention_referrals": referrals}


def supervision_caseload(*, actor: Actor, start: date, end: date) -> list[dict[str, Any]]:
    return [
        {"month": f"{row.month:%B %Y}", "open_cases_at_month_end": row.caseload, "visits_due": row.visits_due,
         "visits_done": row.visits_done}
        for row in caseload_aggregates(actor=actor, start=start, end=end)
    ]
