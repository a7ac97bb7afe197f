"""Referrals: who may record which kind, the checks on programme, provider, site and setting, the
person shared with the provider, a court order's requirement through the courts port, police
invitations with consent — and nothing half saved when something is refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safeguard.audit.models import AuditEvent
from safeguard.courts.models import CaseScenario, SentencingCase
from safeguard.people.models import PersonAgencyLink
from safeguard.programmes import services
from safeguard.programmes.models import Invitation, Referral, Site
from tests import programmes_world as pwm

TODAY = date(2026, 3, 2)


@pytest.fixture
def pw(world):
    return pwm.build(world)


def data(pw, **overrides):
    values = {"programme_id": "community-image-course", "provider": pw.agencies["treatment"], "site": pw.site,
              "setting": "community", "source": "probation"}
    values.update(overrides)
    return services.ReferralInput(**values)


def refused(function, **kwargs) -> tuple[str, str]:
    with pytest.raises(ValidationError) as caught:
        function(**kwargs)
    [(field, errors)] = caught.value.error_dict.items()
    return field, errors[0].code


def test_a_referral_is_a_draft_of_the_referrer_and_the_provider_comes_to_hold_the_person(pw):
    person = pwm.person(pw, linked=("probation",))
    referral = services.referral_create(actor=pw.actor("prob_prac"), person=person, data=data(pw, information="Synthetic."),
                                        today=TODAY)
    assert (referral.state, referral.referrer, referral.referrer_agency) == (
        "draft", pw.world.users["prob_prac"], pw.agencies["probation"])
    link = PersonAgencyLink.objects.get(person=person, agency=pw.agencies["treatment"], ended_on__isnull=True)
    assert (link.basis, link.started_on) == ("statutory", TODAY)
    assert AuditEvent.objects.filter(action="person.share", object_id=str(person.pk)).count() == 1
    event = AuditEvent.objects.get(action="programmes.referral.create")
    assert event.details["person"] == str(person.pk) and "Synthetic" not in str(event.details)
    # Already held: nothing more is opened.
    services.referral_create(actor=pw.actor("prob_prac"), person=person, today=TODAY,
                             data=data(pw, programme_id="individual-therapy"))
    assert PersonAgencyLink.objects.filter(person=person, agency=pw.agencies["treatment"]).count() == 1


@pytest.mark.parametrize(
    ("who", "source", "ok"),
    [
        ("prob_prac", "probation", True), ("prob_prac", "police", False), ("prob_prac", "self", False),
        ("police_prac", "police", True), ("police_prac", "probation", False),
        ("police_prac", "police_invitation", False),  # only by taking an invitation up
        ("prison_prac", "prison", True), ("treat_prac", "self", True), ("treat_prac", "probation", False),
    ],
)
def test_each_agency_records_its_own_kinds_of_referral(pw, who, source, ok):
    person = pwm.person(pw, owner="probation", linked=("probation", "treatment", "police", "prison"))
    extra = {"consent_given_on": TODAY} if source == "self" else {}
    kwargs = {"actor": pw.actor(who), "person": person, "today": TODAY, "data": data(pw, source=source, **extra)}
    if ok:
        assert services.referral_create(**kwargs).source == source
    else:
        assert refused(services.referral_create, **kwargs) == ("source", "not_allowed")
        assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"programme_id": "no-such-programme"}, "programme", "unknown"),
        ({"programme_id": "prevention-course"}, "programme", "pseudonymous_only"),
        ({"site": None}, "site", "invalid"),
        ({"setting": "moon"}, "setting", "invalid"),
        ({"setting": "custody"}, "setting", "not_offered"),  # the community course is never in custody
        ({"programme_id": "building-choices-moderate", "setting": "custody"}, "provider", "setting_mismatch"),
        ({"court_case_id": 12}, "court_case", "not_expected"),
        ({"information": "x" * 4001}, "information", "too_long"),
    ],
)
def test_bad_referrals_are_refused_naming_the_field_and_nothing_is_saved(pw, overrides, field, code):
    person = pwm.person(pw, linked=("probation",))
    assert refused(services.referral_create, actor=pw.actor("prob_prac"), person=person, today=TODAY,
                   data=data(pw, **overrides)) == (field, code)
    assert not Referral.objects.exists()
    assert not PersonAgencyLink.objects.filter(person=person, agency=pw.agencies["treatment"]).exists()
    assert not AuditEvent.objects.filter(action__in=("programmes.referral.create", "person.share")).exists()


def test_a_site_of_another_provider_is_refused(pw):
    other = Site.objects.create(agency=pw.agencies["other_treatment"], name="Elsewhere")
    assert refused(services.referral_create, actor=pw.actor("prob_prac"), person=pwm.person(pw), today=TODAY,
                   data=data(pw, site=other)) == ("site", "invalid")


def test_a_programme_in_custody_is_run_by_the_prison(pw):
    person = pwm.person(pw, linked=("prison",), owner="prison")
    referral = services.referral_create(
        actor=pw.actor("prison_prac"), person=person, today=TODAY,
        data=data(pw, programme_id="building-choices-moderate", provider=pw.agencies["prison"], site=pw.prison_site,
                  setting="custody", source="prison"),
    )
    assert (referral.provider_agency, referral.referrer_agency) == (pw.agencies["prison"], pw.agencies["prison"])


def test_one_open_referral_per_programme(pw):
    person = pwm.person(pw)
    first = pwm.referral(pw, person, state="submitted")
    assert refused(services.referral_create, actor=pw.actor("prob_prac"), person=person, today=TODAY,
                   data=data(pw)) == ("programme", "already_referred")
    services.referral_transition(actor=pw.actor("prob_prac"), referral=first, transition="withdraw",
                                 reason_code="operational", now=timezone.now())
    assert services.referral_create(actor=pw.actor("prob_prac"), person=person, today=TODAY, data=data(pw)).pk


def test_a_self_referral_rests_on_the_persons_consent(pw):
    person = pwm.person(pw, owner="treatment", linked=("treatment",))
    assert refused(services.referral_create, actor=pw.actor("treat_prac"), person=person, today=TODAY,
                   data=data(pw, source="self")) == ("consent_given_on", "required")
    assert refused(services.referral_create, actor=pw.actor("treat_prac"), person=person, today=TODAY,
                   data=data(pw, source="self", consent_given_on=TODAY + timedelta(days=1))) == ("consent_given_on", "future")
    referral = services.referral_create(actor=pw.actor("treat_prac"), person=person, today=TODAY,
                                        data=data(pw, source="self", consent_given_on=TODAY))
    assert (referral.consent_given_on, referral.referrer_agency) == (TODAY, pw.agencies["treatment"])


def _court_case(pw, person, *, agency: str = "probation", suspended: bool = True) -> SentencingCase:
    case = SentencingCase.objects.create(agency=pw.agencies[agency], person=person, title="Synthetic case",
                                         created_by=pw.world.users["prob_prac"])
    requirements = [{"type": "programme", "label": "Programme requirement"}]
    result = ({"suspension": {"suspended": True, "requirements": requirements}} if suspended
              else {"community_order": {"applicable": True, "requirements": requirements}})
    CaseScenario.objects.create(case=case, label="Proposal", result=result, proposed=True)
    return case


@pytest.mark.parametrize(("suspended", "order"), [(True, "suspended_sentence"), (False, "community_order")])
def test_a_court_orders_programme_requirement_through_the_courts_port(pw, suspended, order):
    person = pwm.person(pw)
    case = _court_case(pw, person, suspended=suspended)
    referral = services.referral_create(
        actor=pw.actor("prob_prac"), person=person, today=TODAY,
        data=data(pw, source="court_order", court_case_id=case.pk, responsible_officer=pw.world.users["prob_sup"]),
    )
    assert (referral.court_case_id, referral.court_order) == (case.pk, order)
    assert (referral.responsible_officer, referral.responsible_agency) == (pw.world.users["prob_sup"], pw.agencies["probation"])


def test_a_court_order_needs_a_case_of_this_person_with_the_requirement(pw):
    person, other = pwm.person(pw), pwm.person(pw)
    others_case = _court_case(pw, other)
    assert refused(services.referral_create, actor=pw.actor("prob_prac"), person=person, today=TODAY,
                   data=data(pw, source="court_order", court_case_id=others_case.pk)) == ("court_case", "invalid")
    courts_case = _court_case(pw, person, agency="court")  # the court's own case: not probation's
    assert refused(services.referral_create, actor=pw.actor("prob_prac"), person=person, today=TODAY,
                   data=data(pw, source="court_order", court_case_id=courts_case.pk)) == ("court_case", "invalid")
    case = _court_case(pw, person)
    assert refused(services.referral_create, actor=pw.actor("prob_prac"), person=person, today=TODAY,
                   data=data(pw, source="court_order", court_case_id=case.pk,
                             responsible_officer=pw.world.users["treat_prac"])) == ("responsible_officer", "invalid")


def test_a_police_invitation_taken_up_with_consent_becomes_a_submitted_self_referral(pw):
    person = pwm.person(pw, owner="police", linked=("police",))
    police = pw.actor("police_prac")
    invitation = services.invitation_record(actor=police, person=person, programme_id="community-image-course",
                                            provider=pw.agencies["treatment"], invited_on=TODAY, today=TODAY)
    assert not PersonAgencyLink.objects.filter(person=person, agency=pw.agencies["treatment"]).exists()
    now = timezone.now()
    referral = services.invitation_take_up(actor=police, invitation=invitation, taken_up_on=timezone.localdate(now),
                                           consent_given_on=timezone.localdate(now), site=pw.site, now=now)
    assert (referral.source, referral.state, referral.referrer_agency) == ("police_invitation", "submitted", pw.agencies["police"])
    invitation.refresh_from_db()
    assert (invitation.referral, invitation.consent_recorded_by) == (referral, pw.world.users["police_prac"])
    link = PersonAgencyLink.objects.get(person=person, agency=pw.agencies["treatment"])
    assert link.basis == "consent"
    with pytest.raises(ValidationError, match="already been taken up"):
        services.invitation_take_up(actor=police, invitation=invitation, taken_up_on=timezone.localdate(now),
                                    consent_given_on=timezone.localdate(now), site=pw.site, now=now)


def test_an_invitation_is_recorded_only_by_police_and_taking_it_up_needs_consent(pw):
    person = pwm.person(pw, owner="police", linked=("police", "probation"))
    with pytest.raises(PermissionDenied):
        services.invitation_record(actor=pw.actor("prob_prac"), person=person, programme_id="community-image-course",
                                   provider=pw.agencies["treatment"], invited_on=TODAY, today=TODAY)
    police = pw.actor("police_prac")
    assert refused(services.invitation_record, actor=police, person=person, programme_id="building-choices-moderate",
                   provider=pw.agencies["prison"], invited_on=TODAY, today=TODAY) == ("provider", "invalid")
    invitation = services.invitation_record(actor=police, person=person, programme_id="community-image-course",
                                            provider=pw.agencies["treatment"], invited_on=TODAY, today=TODAY)
    now = timezone.now()
    assert refused(services.invitation_take_up, actor=police, invitation=invitation, taken_up_on=timezone.localdate(now),
                   consent_given_on=None, site=pw.site, now=now) == ("consent_given_on", "required")
    assert refused(services.invitation_take_up, actor=police, invitation=invitation, taken_up_on=TODAY - timedelta(days=1),
                   consent_given_on=TODAY, site=pw.site, now=now) == ("taken_up_on", "invalid")
    invitation.refresh_from_db()
    assert invitation.referral is None and not Referral.objects.exists()
    assert Invitation.objects.count() == 1
