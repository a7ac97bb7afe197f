"""Authorization-matrix rows for the programmes app's pages and API (merged into test_authorization_matrix).

The records: a referral of the "probation" person (linked to probation and treatment) by probation to
the treatment provider, submitted; a completed one with its end-of-programme report; a weekly group
of the treatment provider, facilitated by `treat_prac`, started three weeks ago with that person as
its member; a person of probation linked to the police, with a police invitation. The shared world has
no treatment supervisor and no prison, so the programme manager's and the prison's own pages are
refused to every role here (their holders are tested in test_programmes_*).
"""

from __future__ import annotations

from datetime import time

from tests.conftest import ROLES

CATALOGUE = {"prob_prac", "prob_sup", "police_prac", "treat_prac", "court_prac"}
REFERRERS = {"prob_prac", "prob_sup", "police_prac", "treat_prac"}  # hold the referral actions
SEES_REFERRAL = {"prob_prac", "prob_sup", "treat_prac"}  # the referrer's and the provider's staff
TEAM = {"treat_prac"}
RELEASE = {"prob_prac", "prob_sup"}
POLICE = {"police_prac"}


def page(allowed: set[str], ok: int = 200, *, hidden: set[str] = frozenset(), hidden_status: int = 404) -> dict[str, int]:
    """Role first (403 without the action), then the record's reach (404)."""
    rows = {name: (hidden_status if name in hidden else ok) if name in allowed else 403 for name in ROLES}
    rows["anonymous"] = 302
    return rows


def api(rows: dict[str, int]) -> dict[str, int]:
    return {**rows, "anonymous": 401}


REFERRAL = page(REFERRERS, hidden={"police_prac"})
NOBODY = page(set())

ROWS: dict[str, dict[str, dict[str, int]]] = {
    "programmes:home": {"GET": page(CATALOGUE)},
    "programmes:template": {"GET": page(CATALOGUE)},
    "programmes:referral-list": {"GET": page(REFERRERS)},
    "programmes:referral-states": {"GET": page(REFERRERS)},
    # POST {} re-shows the form with what is missing.
    "programmes:referral-create": {"GET": REFERRAL, "POST": REFERRAL},
    "programmes:referral-detail": {"GET": REFERRAL},
    "programmes:referral-transition": {"GET": REFERRAL, "POST": REFERRAL},
    "programmes:report": {"GET": REFERRAL},
    "programmes:report-pdf": {"GET": REFERRAL},
    "programmes:invitation-create": {"GET": page(POLICE), "POST": page(POLICE)},
    "programmes:invitation-take-up": {"GET": page(POLICE), "POST": page(POLICE)},
    "programmes:waiting-list": {"GET": page(TEAM)},
    "programmes:group-list": {"GET": page(TEAM)},
    "programmes:group-create": {"GET": NOBODY},
    "programmes:group-detail": {"GET": page(TEAM)},
    "programmes:group-reschedule": {"GET": NOBODY},
    "programmes:group-allocate": {"GET": NOBODY},
    "programmes:catch-up": {"GET": page(TEAM), "POST": page(TEAM)},
    "programmes:book": {"GET": page(TEAM)},
    # POST {}: no outcomes given, refused naming who needs one.
    "programmes:register": {"GET": page(TEAM), "POST": page(TEAM, 422)},
    "programmes:member": {"GET": page(TEAM)},
    "programmes:review": {"GET": page(TEAM), "POST": page(TEAM)},
    "programmes:homework": {"GET": page(TEAM), "POST": page(TEAM)},
    "programmes:release-gap": {"GET": page(RELEASE)},
    "programmes:custody": {"GET": NOBODY},
    "programmes:sites": {"GET": NOBODY},
    "programmes:closure-create": {"GET": NOBODY},
    "api-1:programme_catalogue": {"GET": api(page(CATALOGUE))},
    "api-1:programme_template": {"GET": api(page(CATALOGUE))},
    "api-1:referral_list": {"GET": api(page(REFERRERS))},
    # Empty bodies: the holders of the action get 422 naming the missing fields, nothing is saved.
    "api-1:referral_create": {"POST": api(page(REFERRERS, 422))},
    "api-1:referral_detail": {"GET": api(REFERRAL)},
    "api-1:referral_transition": {"POST": api(REFERRAL)},
    "api-1:referral_report": {"GET": api(REFERRAL)},
    "api-1:invitation_create": {"POST": api(page(POLICE, 422))},
    "api-1:invitation_take_up": {"POST": api(page(POLICE, 422))},
    "api-1:waiting_list": {"GET": api(page(TEAM))},
    "api-1:group_list": {"GET": api(page(TEAM))},
    "api-1:group_create": {"POST": api(NOBODY)},
    "api-1:group_detail": {"GET": api(page(TEAM))},
    "api-1:group_reschedule": {"POST": api(NOBODY)},
    "api-1:group_allocate": {"POST": api(NOBODY)},
    "api-1:catch_up": {"POST": api(page(TEAM, 422))},
    "api-1:book": {"POST": api(page(TEAM, 422))},
    "api-1:register_view": {"GET": api(page(TEAM))},
    "api-1:register_take": {"PUT": api(page(TEAM, 422))},
    "api-1:member_detail": {"GET": api(page(TEAM))},
    "api-1:module_review": {"PUT": api(page(TEAM, 422))},
    "api-1:homework_update": {"POST": api(page(TEAM, 422))},
    "api-1:release_gap": {"GET": api(page(RELEASE))},
    "api-1:custody": {"PUT": api(NOBODY)},
    "api-1:closure_create": {"POST": api(NOBODY)},
}

API_BODIES: dict[str, object] = {
    "api-1:referral_transition": {"transition": "withdraw", "reason_code": "operational"},
}


def _records(world) -> dict[str, object]:
    """The records the rows speak of, made once per test."""
    found = getattr(world, "programme_records", None)
    if found is not None:
        return found
    from django.utils import timezone

    from safeguard.accounts.models import Membership, User
    from safeguard.people.models import Person, PersonAgencyLink
    from safeguard.policy import Actor
    from safeguard.programmes import services
    from safeguard.programmes.models import EndOfProgrammeReport, Homework, Referral, Room, Site
    from safeguard.programmes.scheduling import Slot
    from tests.programmes_world import past_start

    treatment, probation = world.agencies["treatment"], world.agencies["probation"]
    site = Site.objects.create(agency=treatment, name="Matrix Centre")
    room = Room.objects.create(site=site, name="Room 1")
    manager_user = User.objects.create(username="matrix_manager", password="!")
    manager = Actor(user=manager_user, membership=Membership.objects.create(user=manager_user, agency=treatment, role="supervisor"))
    prob, team = world.actor("prob_prac"), world.actor("treat_prac")
    person = world.persons["probation"]
    data = services.ReferralInput(programme_id="community-image-course", provider=treatment, site=site,
                                  setting="community", source="probation")
    referral = services.referral_create(actor=prob, person=person, data=data, today=timezone.localdate())
    services.referral_transition(actor=prob, referral=referral, transition="submit", now=timezone.now())
    start = past_start(3)
    group = services.group_create(actor=manager, today=start, data=services.GroupInput(
        programme_id="community-image-course", site=site, room=room, start_date=start, slots=(Slot(1, time(18, 0)),),
        facilitators=(world.users["treat_prac"],), cohort="sexual_offence",
    ))
    member_person = Person.objects.create(reference="PMATRIX2", given_name="Testy", family_name="Memberby",
                                          date_of_birth=person.date_of_birth, owner_agency=probation)
    for agency in (probation, treatment):
        PersonAgencyLink.objects.create(person=member_person, agency=agency, basis="statutory", started_on=start)
    done = services.referral_create(actor=prob, person=member_person, today=timezone.localdate(), data=data)
    for step in ("submit", "accept", "start_assessment", "mark_suitable"):
        services.referral_transition(actor=prob if step == "submit" else team, referral=done, transition=step,
                                     now=timezone.now())
    member = services.member_allocate(actor=manager, group=group, referral=done, joined_on=start)
    Referral.objects.filter(pk=done.pk).update(state="programme_complete")
    EndOfProgrammeReport.objects.create(referral=done, outcome="completed", issued_by=world.users["treat_prac"],
                                        issued_at=timezone.now())
    first = group.sessions.order_by("day").first()
    homework = Homework.objects.create(member=member, session=first, title="Matrix homework", set_on=start, due_on=start)
    police_person = Person.objects.create(reference="PMATRIX1", given_name="Testy", family_name="Matrixby",
                                          date_of_birth=person.date_of_birth, owner_agency=probation)
    PersonAgencyLink.objects.create(person=police_person, agency=world.agencies["police"], basis="statutory",
                                    started_on=start)
    invitation = services.invitation_record(actor=world.actor("police_prac"), person=police_person,
                                            programme_id="community-image-course", provider=treatment,
                                            invited_on=start, today=timezone.localdate())
    world.programme_records = found = {
        "referral": referral, "done": done, "group": group, "session": first, "member": member,
        "homework": homework, "invitation": invitation, "site": site, "person": person, "police_person": police_person,
    }
    return found


def kwargs_for(name: str, world) -> dict:
    if not (name.startswith("programmes:") or name in ROWS):
        return {}
    records: dict = _records(world)
    by_name: dict[str, dict] = {
        "programmes:template": {"template_id": "building-choices-moderate"},
        "programmes:referral-create": {"person_pk": records["person"].pk},
        "programmes:referral-detail": {"pk": records["referral"].pk},
        "programmes:referral-transition": {"pk": records["referral"].pk, "transition": "withdraw"},
        "programmes:report": {"pk": records["done"].pk},
        "programmes:report-pdf": {"pk": records["done"].pk},
        "programmes:invitation-create": {"person_pk": records["police_person"].pk},
        "programmes:invitation-take-up": {"pk": records["invitation"].pk},
        "programmes:group-detail": {"pk": records["group"].pk},
        "programmes:group-reschedule": {"pk": records["group"].pk},
        "programmes:group-allocate": {"pk": records["group"].pk},
        "programmes:catch-up": {"pk": records["group"].pk},
        "programmes:book": {"pk": records["session"].pk},
        "programmes:register": {"pk": records["session"].pk},
        "programmes:member": {"pk": records["member"].pk},
        "programmes:review": {"pk": records["member"].pk, "module": 1},
        "programmes:homework": {"pk": records["homework"].pk},
        "programmes:custody": {"person_pk": records["person"].pk},
        "programmes:closure-create": {"pk": records["site"].pk},
        "api-1:programme_template": {"template_id": "building-choices-moderate"},
        "api-1:referral_detail": {"referral_id": records["referral"].pk},
        "api-1:referral_transition": {"referral_id": records["referral"].pk},
        "api-1:referral_report": {"referral_id": records["done"].pk},
        "api-1:invitation_take_up": {"invitation_id": records["invitation"].pk},
        "api-1:group_detail": {"group_id": records["group"].pk},
        "api-1:group_reschedule": {"group_id": records["group"].pk},
        "api-1:group_allocate": {"group_id": records["group"].pk},
        "api-1:catch_up": {"group_id": records["group"].pk},
        "api-1:book": {"session_id": records["session"].pk},
        "api-1:register_view": {"session_id": records["session"].pk},
        "api-1:register_take": {"session_id": records["session"].pk},
        "api-1:member_detail": {"member_id": records["member"].pk},
        "api-1:module_review": {"member_id": records["member"].pk, "module": 1},
        "api-1:homework_update": {"homework_id": records["homework"].pk},
        "api-1:custody": {"person_id": records["person"].pk},
        "api-1:closure_create": {"site_id": records["site"].pk},
    }
    return by_name.get(name, {})


assert set(ROWS) >= set(API_BODIES), "API bodies for URLs without rows"
assert all(set(row) == {"anonymous", *ROLES} for methods in ROWS.values() for row in methods.values())

