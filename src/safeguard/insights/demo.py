"""Synthetic outcome data on the demo persons, so the analyst's pages show real curves.

Every demo person gets a follow-up (release or the start of an order, between 2012 and last year)
and, for men, an OSP/DC score recorded with it. Proven contact sexual reoffending (a conviction or
caution) is drawn from OSP/DC's own two-year probability for those points, as a constant hazard, so
the instrument is well calibrated here by construction; non-contact and image offences (charged or
proven) come at 0.8 times that hazard. Completing the demo programme multiplies both by 0.74,
starting without completing by 1.0; higher scores are referred more often. Other offences and
recalls are drawn at their own rates. Everything is made up: the data show how the analyses work,
not how any programme performs. `safeguard demo load --persons 3000` gives enough events for
subgroups such as medium-risk men; the default 300 persons mostly shows "too few events".
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from safeguard.insights.choices import (
    EthnicGroup,
    OffenceType,
    OutcomeKind,
    ProgrammeStatus,
    Source,
    StartReason,
)
from safeguard.insights.models import DataVersion, FollowUp, OutcomeEvent
from safeguard.instruments.osp_dc import band_for_points, probability_for_points
from safeguard.people.ports import Person

SEED = 2013
COMPLETION_HR = 0.74
PROGRAMMES = ("Demo group programme", "Demo one-to-one programme")
SITES = ("Demotown (demo site)", "Sampleford (demo site)")
ETHNIC_SHARES = ((EthnicGroup.WHITE, 0.78), (EthnicGroup.BLACK, 0.05), (EthnicGroup.ASIAN, 0.06), (EthnicGroup.MIXED, 0.03),
                 (EthnicGroup.OTHER, 0.02), (EthnicGroup.NOT_RECORDED, 0.06))
NON_CONTACT_SPLIT = ((OffenceType.SEXUAL_NON_CONTACT, 0.4), (OffenceType.IMAGE, 0.6))
NON_CONTACT_FACTOR = 0.8
PROVEN_SPLIT = ((OutcomeKind.CONVICTION, 0.85), (OutcomeKind.CAUTION, 0.15))
KIND_SPLIT = ((OutcomeKind.CHARGE, 0.35), (OutcomeKind.CONVICTION, 0.55), (OutcomeKind.CAUTION, 0.10))
FIRST_START = date(2012, 1, 1)
OTHER_RATE = 0.06  # other (non-sexual) offences per person-year
RECALL_RATE = 0.03


def _pick(rng: np.random.Generator, options: tuple[tuple[Any, float], ...]) -> Any:
    weights = np.array([w for _, w in options])
    return options[int(rng.choice(len(options), p=weights / weights.sum()))][0]


@transaction.atomic
def load(agencies: Mapping[str, Any], *, today: date | None = None) -> dict[str, int]:
    from safeguard.accounts.models import User

    if FollowUp.objects.exists():
        return {"follow-up periods": FollowUp.objects.count(), "outcome events": OutcomeEvent.objects.count()}
    today = today or timezone.localdate()
    recorder = User.objects.filter(username="probation.officer").first()
    probation = agencies.get("Demo Probation Region")
    if recorder is None or probation is None:
        return {}
    rng = np.random.default_rng(SEED)
    now = timezone.now()
    follow_ups: list[FollowUp] = []
    events: list[OutcomeEvent] = []
    persons = list(Person.objects.order_by("reference").values_list("pk", "sex", "owner_agency_id"))
    for pk, sex, owner in persons:
        start = FIRST_START + timedelta(days=int(rng.integers(0, (today - FIRST_START).days - 180)))
        male = sex == "male"
        points = int(np.clip(np.round(rng.normal(34, 7)), 0, 64))
        p2 = probability_for_points(points) if male else 0.01
        referred = rng.random() < 1 / (1 + np.exp(-(-0.6 + 0.06 * (points - 34))))
        started = referred and rng.random() < 0.85
        completed = started and rng.random() < 0.7
        status = ProgrammeStatus.COMPLETED if completed else ProgrammeStatus.STARTED if started else ProgrammeStatus.NOT_REFERRED
        hazard = -np.log1p(-p2) / 2 * (COMPLETION_HR if completed else 1.0)
        end = None
        end_reason = ""
        if rng.random() < 0.04:
            end = start + timedelta(days=int(rng.integers(30, max(31, (today - start).days))))
            end_reason = "death" if rng.random() < 0.6 else "emigration"
        stop = end or today
        for factor, offences, kinds in ((1.0, ((OffenceType.SEXUAL_CONTACT, 1.0),), PROVEN_SPLIT),
                                        (NON_CONTACT_FACTOR, NON_CONTACT_SPLIT, KIND_SPLIT)):
            day = start + timedelta(days=max(1, int(rng.exponential(1 / (hazard * factor)) * 365.25)))
            if day <= stop:
                events.append(OutcomeEvent(
                    person_id=pk, kind=_pick(rng, kinds), offence_type=_pick(rng, offences), event_date=day,
                    source=Source.ENTERED, agency_id=owner, recorded_by=recorder, recorded_at=now,
                ))
        for rate, fixed_kind in ((OTHER_RATE, None), (RECALL_RATE, OutcomeKind.RECALL)):
            other_at = start + timedelta(days=max(1, int(rng.exponential(1 / rate) * 365.25)))
            if other_at <= stop:
                offence = OffenceType.VIOLENT if rng.random() < 0.4 else OffenceType.OTHER
                events.append(OutcomeEvent(
                    person_id=pk, kind=fixed_kind or _pick(rng, KIND_SPLIT), offence_type=offence, event_date=other_at,
                    source=Source.ENTERED, agency_id=owner, recorded_by=recorder, recorded_at=now,
                ))
        programme = PROGRAMMES[int(rng.integers(0, 2))] if referred else ""
        follow_ups.append(FollowUp(
            person_id=pk, start_date=start, start_reason=StartReason.RELEASE if rng.random() < 0.6 else StartReason.ORDER_START,
            end_date=end, end_reason=end_reason, agency_id=owner, programme_status=status, programme=programme,
            site=SITES[int(rng.integers(0, 2))], ethnic_group=_pick(rng, ETHNIC_SHARES),
            baseline_instrument="osp-dc" if male else "", baseline_points=points if male else None,
            baseline_band=band_for_points(points) if male else "", baseline_probability=probability_for_points(points) if male else None,
            source=Source.ENTERED, recorded_by=recorder, recorded_at=now,
        ))
    FollowUp.objects.bulk_create(follow_ups, batch_size=2000)
    unique = {(e.person_id, e.kind, e.offence_type, e.event_date): e for e in events}
    OutcomeEvent.objects.bulk_create(list(unique.values()), batch_size=2000)
    DataVersion.objects.update_or_create(pk=1, defaults={"version": 1})
    published = _publish_demo_figures(today)
    return {"follow-up periods": len(follow_ups), "outcome events": len(unique), "published tables": published}


def _publish_demo_figures(today: date) -> int:
    """The demo analyst publishes the two-year table once, so the public page has figures to show."""
    from safeguard.accounts.models import Membership
    from safeguard.insights import publication, services
    from safeguard.policy import Actor

    membership = Membership.objects.filter(user__username="analyst", role="analyst").select_related("user", "agency").first()
    if membership is None:
        return 0
    actor = Actor(user=membership.user, membership=membership, endpoint="demo load")
    raw = publication.raw_counts(actor=actor, start_from=None, start_to=today, today=today)
    table = publication.protect(raw, start_from=None, start_to=today)
    services.publish(actor=actor, title="New sexual offences within two years, by programme status",
                     period_label=f"to {today:%-d %B %Y}", table=table)
    return 1
