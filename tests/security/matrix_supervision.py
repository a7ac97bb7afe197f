"""Authorization-matrix rows for the supervision app (merged into test_authorization_matrix).

Subjects: the world's "probation" person (linked to probation and treatment) with a probation case; and a
"register" person owned by probation and linked to the police (statutory), whose notification
requirements the police hold, so that neither agency needs a justification in these requests.
Police and probation practitioners and supervisors read supervision records; only the holding agency
changes its case; only the police change the register; supervisors see the team and set the visit table.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from tests.conftest import ROLES

STAFF = {"prob_prac", "prob_sup", "police_prac"}
PROBATION = {"prob_prac", "prob_sup"}


def _rows(ok: dict[str, int], *, denied: int = 403, anonymous: int = 302) -> dict[str, int]:
    """Everyone else: `denied` (403 when the role lacks the action); anonymous: `anonymous`."""
    rows = {name: ok.get(name, denied) for name in ROLES}
    rows["anonymous"] = anonymous
    return rows


def probation_case_rows(ok: int = 200) -> dict[str, int]:
    """A probation case: probation staff `ok`; the police do not see the person (404)."""
    return _rows({"prob_prac": ok, "prob_sup": ok, "police_prac": 404})


def register_rows(ok: int = 200, probation: int = 403) -> dict[str, int]:
    """The police-held register of the register person: police `ok`; probation reads but may not change."""
    return _rows({"police_prac": ok, "prob_prac": probation, "prob_sup": probation})


def api(rows: dict[str, int]) -> dict[str, int]:
    return {**rows, "anonymous": 401}


ROWS: dict[str, dict[str, dict[str, int]]] = {
    "supervision:caseload": {"GET": _rows(dict.fromkeys(STAFF, 200))},
    "supervision:team": {"GET": _rows({"prob_sup": 200})},
    "supervision:caseload-export": {"GET": _rows(dict.fromkeys(STAFF, 200))},
    "supervision:settings": {"GET": _rows({"prob_sup": 200})},
    "supervision:person": {"GET": probation_case_rows()},
    "supervision:case-open": {"GET": probation_case_rows()},
    "supervision:mappa-set": {"GET": probation_case_rows()},
    "supervision:meeting-record": {"GET": probation_case_rows()},
    "supervision:requirement-create": {"GET": register_rows()},
    "supervision:case-edit": {"GET": probation_case_rows()},
    "supervision:case-close": {"GET": probation_case_rows()},
    "supervision:case-transfer": {"GET": probation_case_rows()},
    "supervision:case-management": {"GET": probation_case_rows()},
    "supervision:trigger-record": {"GET": probation_case_rows()},
    "supervision:plan-edit": {"GET": probation_case_rows()},
    "supervision:plan-item-add": {"GET": probation_case_rows()},
    "supervision:override-request": {"GET": probation_case_rows()},
    "supervision:visit-schedule": {"GET": probation_case_rows()},
    "supervision:visit-record": {"GET": probation_case_rows()},
    # POST only; {} removes (softly, so again) or cancels (then says it is no longer scheduled).
    "supervision:plan-item-remove": {"GET": _rows({}, denied=405, anonymous=405), "POST": probation_case_rows(302)},
    "supervision:visit-cancel": {"GET": _rows({}, denied=405, anonymous=405), "POST": probation_case_rows(302)},
    "supervision:trigger-review": {"GET": probation_case_rows()},
    # A request waiting for approval: only a supervisor may approve (the practitioner who asked: 403).
    "supervision:override-move": {"GET": _rows({"prob_sup": 200, "police_prac": 404})},
    "supervision:notification-record": {"GET": register_rows()},
    "supervision:notification-made": {"GET": register_rows()},
    "supervision:breach-record": {"GET": register_rows()},
    "supervision:breach-move": {"GET": register_rows()},
    "supervision:action-complete": {"GET": probation_case_rows()},
    "api-1:supervision_caseload": {"GET": api(_rows(dict.fromkeys(STAFF, 200)))},
    "api-1:supervision_due": {"GET": api(_rows(dict.fromkeys(STAFF, 200)))},
    "api-1:supervision_person": {"GET": api(probation_case_rows())},
    "api-1:supervision_visit_create": {"POST": api(probation_case_rows(201))},
    # Probation finds the requirement (it reads the register) but may not add to it.
    "api-1:supervision_notification_create": {"POST": api(register_rows(201))},
}

API_BODIES: dict[str, object] = {
    "api-1:supervision_visit_create": {
        "visited_on": (timezone.localdate() - timedelta(days=1)).isoformat(), "kind": "unannounced",
        "outcome": "completed", "observations": "Synthetic matrix visit.",
    },
    "api-1:supervision_notification_create": {
        "kind": "home_address", "change_date": (timezone.localdate() - timedelta(days=2)).isoformat(),
        "notified_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
    },
}  # fmt: skip


def _case(world):
    from safeguard.supervision import services
    from safeguard.supervision.models import SupervisionCase

    found = SupervisionCase.objects.filter(person=world.persons["probation"]).first()
    if found is not None:
        return found
    return services.case_open(actor=world.actor("prob_prac"), person=world.persons["probation"],
                              officer=world.users["prob_prac"], opened_on=date(2025, 1, 1))  # fmt: skip


def _register_person(world):
    from safeguard.people.models import Person, PersonAgencyLink

    found = Person.objects.filter(reference="PREG0001").first()
    if found is not None:  # a crawl over every row asks more than once in one test
        return found
    person = Person.objects.create(reference="PREG0001", given_name="Testy", family_name="Register",
                                   date_of_birth=date(1980, 1, 1), owner_agency=world.agencies["probation"])  # fmt: skip
    for key in ("probation", "police"):
        PersonAgencyLink.objects.create(person=person, agency=world.agencies[key], basis="statutory", started_on=date(2024, 1, 1))
    return person


def _requirement(world):
    from safeguard.supervision import services

    return services.requirement_create(
        actor=world.actor("police_prac"), person=_register_person(world), source="entered", relevant_date=date(2025, 1, 1),
        indefinite=True, legal_basis="Notification order (synthetic)",
    )  # fmt: skip


def kwargs_for(name: str, world) -> dict:
    """Path arguments for this app's URLs; creates the records each needs."""
    from safeguard.supervision import services

    if not name.startswith(("supervision:", "api-1:supervision")):
        return {}
    person = world.persons["probation"]
    if name == "supervision:caseload-export":
        return {"fmt": "csv"}
    if name in ("supervision:person", "supervision:case-open", "supervision:mappa-set", "supervision:meeting-record"):
        return {"pk": person.pk}
    if name == "api-1:supervision_person":
        _case(world)
        return {"person_id": person.pk}
    if name in ("supervision:case-edit", "supervision:case-close", "supervision:case-transfer",
                "supervision:case-management", "supervision:trigger-record", "supervision:plan-edit",
                "supervision:plan-item-add", "supervision:override-request", "supervision:visit-schedule",
                "supervision:visit-record"):  # fmt: skip
        return {"pk": _case(world).pk}
    if name == "api-1:supervision_visit_create":
        return {"case_id": _case(world).pk}
    actor = world.actor("prob_prac")
    if name == "supervision:plan-item-remove":
        item = services.plan_item_add(actor=actor, case=_case(world), kind="risk_factor", text="Synthetic factor.")
        return {"pk": item.pk}
    if name == "supervision:visit-cancel":
        visit = services.visit_schedule(actor=actor, case=_case(world), kind="planned",
                                        planned_for=timezone.localdate() + timedelta(days=3))  # fmt: skip
        return {"pk": visit.pk}
    if name == "supervision:trigger-review":
        trigger = services.trigger_record(actor=actor, case=_case(world), kind="intelligence", occurred_on=timezone.localdate())
        return {"pk": trigger.pk}
    if name == "supervision:override-move":
        override = services.override_request(actor=actor, case=_case(world), level="high", reason="Synthetic reason.")
        return {"pk": override.pk, "transition": "approve"}
    if name == "supervision:action-complete":
        services.mappa_set(actor=actor, person=person, category=1, level=2, since=date(2025, 1, 1))
        meeting = services.meeting_record(actor=actor, person=person, held_on=date(2025, 2, 1), agencies_present="Probation",
                                          attendees="Synthetic", minutes="Synthetic",
                                          actions=[("Synthetic action", world.users["prob_prac"], date(2025, 3, 1))])  # fmt: skip
        return {"pk": meeting.actions.get().pk}
    if name == "supervision:requirement-create":
        return {"pk": _register_person(world).pk}
    if name in ("supervision:notification-record", "supervision:breach-record"):
        return {"pk": _requirement(world).pk}
    if name == "api-1:supervision_notification_create":
        return {"requirement_id": _requirement(world).pk}
    if name == "supervision:notification-made":
        return {"pk": _requirement(world).events.get().pk}
    if name == "supervision:breach-move":
        requirement = _requirement(world)
        breach = services.breach_record(actor=world.actor("police_prac"), requirement=requirement,
                                        noticed_on=timezone.localdate(), description="Synthetic breach.")  # fmt: skip
        return {"pk": breach.pk, "transition": "refer"}
    return {}


assert set(ROWS) >= set(API_BODIES), "API bodies for URLs without rows"
assert all(set(row) == {"anonymous", *ROLES} for methods in ROWS.values() for row in methods.values())
