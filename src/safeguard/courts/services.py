"""Writes to sentencing cases and guideline data: one function per use case, audited, all or nothing.

A refused write records one `failure` event (outside the rolled-back transaction) and raises, so the
record is never half-saved and the attempt is still on the audit log.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from safeguard import policy
from safeguard.audit.models import Outcome as AuditOutcome
from safeguard.audit.services import record_event
from safeguard.courts import guideline_admin, library, steps
from safeguard.courts.models import (
    CaseScenario,
    GuidelineUpload,
    GuidelineVerification,
    SentencingCase,
    VerifiedPart,
)
from safeguard.courts.policies import CourtsAction
from safeguard.courts.selectors import case_details
from safeguard.guidelines import GuidelineDataError
from safeguard.guidelines.case import MAX_OFFENCES
from safeguard.people import selectors as people_selectors
from safeguard.people.models import Person
from safeguard.policy import Actor


class Refused(Exception):
    """The engine refused the request: `problems` are [{field, code, message}]."""

    def __init__(self, problems: list[dict[str, str]]) -> None:
        super().__init__("; ".join(p["message"] for p in problems))
        self.problems = problems


def _require(actor: Actor, action: str) -> None:
    if not policy.allows(actor, action):
        raise PermissionDenied


def _person(actor: Actor, person_id: object) -> Person:
    """A person the actor may see; anything else is refused as a field error (never revealed)."""
    message = "Choose a person your agency can see, or leave it empty for an unnamed scenario"
    try:
        uuid.UUID(str(person_id))
        return people_selectors.person_locate(actor=actor, pk=person_id)
    except (ValueError, Http404, PermissionDenied, ValidationError) as error:
        raise ValidationError({"person": message}) from error


def case_create(
    *, actor: Actor, person_id: object = None, title: str = "", scenario_label: str = "Scenario 1"
) -> SentencingCase:
    """A case for a person the actor can see, or an unnamed scenario (then a title is required)."""
    _require(actor, CourtsAction.SENTENCING_CASE_EDIT)
    title = (title or "").strip()
    # Outside the transaction: a lookup of a person the actor may not see stays on the audit log.
    person = _person(actor, person_id) if person_id not in (None, "") else None
    if person is None and not title:
        raise ValidationError({"title": "Enter a title for the unnamed scenario, or choose a person"})
    with transaction.atomic():
        case = SentencingCase(agency=actor.agency, person=person, title=title, created_by=actor.user)
        case.full_clean()
        case.save()
        scenario = CaseScenario.objects.create(case=case, label=scenario_label)
        record_event(
            action="sentencing.case.create",
            actor=actor,
            obj=case,
            details=case_details(case, scenario=scenario.pk),
        )
    return case


@transaction.atomic
def case_update_report(
    *,
    actor: Actor,
    case: SentencingCase,
    suitability: str,
    proposal: str,
    proposed_scenario: int | None,
) -> SentencingCase:
    """The probation officer's text for the report, and which scenario is proposed (at most one).
    A change after the report was signed leaves the signature on record but no longer current."""
    _require(actor, CourtsAction.SENTENCING_REPORT_PREPARE)
    if proposed_scenario is not None and not case.scenarios.filter(pk=proposed_scenario).exists():
        raise ValidationError({"proposed_scenario": "Choose one of this case's scenarios"})
    changed = [
        name
        for name, value in (("suitability", suitability), ("proposal", proposal))
        if getattr(case, name) != value
    ]
    case.suitability = suitability
    case.proposal = proposal
    case.full_clean()
    case.save()
    current = case.scenarios.filter(proposed=True).values_list("pk", flat=True).first()
    if current != proposed_scenario:
        changed.append("proposed_scenario")
        case.scenarios.filter(proposed=True).update(proposed=False)
        if proposed_scenario is not None:
            case.scenarios.filter(pk=proposed_scenario).update(proposed=True)
    record_event(
        action="sentencing.case.update",
        actor=actor,
        obj=case,
        details=case_details(case, changed=changed, proposed_scenario=proposed_scenario),
    )
    return case


def case_sign_report(*, actor: Actor, case: SentencingCase) -> SentencingCase:
    """The probation officer signs the pre-sentence report as it stands now.

    Refused until a scenario is proposed and the proposal is written. The signature records who
    signed, as whom (role and agency at the time) and when; a later change to the case needs a new one.
    """
    _require(actor, CourtsAction.SENTENCING_REPORT_PREPARE)
    missing = {}
    if not case.scenarios.filter(proposed=True).exists():
        missing["proposed_scenario"] = "Choose the proposed scenario before signing the report"
    if not (case.proposal or "").strip():
        missing["proposal"] = "Write the proposal before signing the report"
    if missing:
        record_event(
            action="sentencing.report.sign", actor=actor, obj=case, outcome=AuditOutcome.FAILURE,
            details=case_details(case, refused=sorted(missing)),
        )  # fmt: skip
        raise ValidationError(missing)
    signed_as = f"{actor.membership.get_role_display()}, {actor.agency.name}"[:300]
    now = timezone.now()
    with transaction.atomic():
        # One update, so the case's last change and the signature carry the same moment.
        SentencingCase.objects.filter(pk=case.pk).update(
            report_signed_by=actor.user, report_signed_as=signed_as, report_signed_at=now, updated_at=now
        )
        case.refresh_from_db()
        record_event(
            action="sentencing.report.sign", actor=actor, obj=case, details=case_details(case, signed_as=signed_as)
        )
    return case


def store_outcome(scenario: CaseScenario, outcome: steps.ScenarioOutcome) -> None:
    lead = outcome.lead
    scenario.request = lead.request
    scenario.result = lead.result
    scenario.problems = lead.problems
    scenario.other_offences = outcome.others
    scenario.totality = outcome.totality
    scenario.case_result = outcome.case_result
    scenario.case_problems = outcome.case_problems
    scenario.calculated_at = timezone.now()
    scenario.engine_version = library.engine_version()
    guideline = (lead.result or {}).get("guideline") or {}
    scenario.guideline_id = str(guideline.get("id", ""))
    scenario.guideline_version = str(guideline.get("version", ""))
    scenario.library_signature = outcome.state.signature[:200]
    scenario.data_fingerprint = outcome.state.fingerprint


def mark_answered(scenario: CaseScenario) -> None:
    """Every step of every offence counts as answered: a complete request was given at once (the API,
    the demo), so no step is left to visit."""
    scenario.steps_done = list(steps.STEP_SLUGS)
    scenario.other_offences = [
        {**other, "steps_done": list(steps.OFFENCE_STEP_SLUGS)} for other in scenario.other_offences or []
    ]


def _outstanding(outcome: steps.ScenarioOutcome) -> list[str]:
    codes = [p["code"] for p in outcome.lead.problems] + [p["code"] for p in outcome.case_problems]
    for other in outcome.others:
        codes += [p["code"] for p in other["problems"]]
    return codes[:20]


def record_refusal(
    *, actor: Actor, case: SentencingCase, scenario: CaseScenario | None, step: str, codes: list[str]
) -> None:
    """One `failure` event for a refused change (the page that says why shows the case again)."""
    record_event(
        action="sentencing.scenario.update",
        actor=actor,
        obj=case,
        outcome=AuditOutcome.FAILURE,
        details=case_details(case, scenario=scenario.pk if scenario else None, step=step, refused=codes[:20]),
    )


def scenario_create(
    *, actor: Actor, case: SentencingCase, label: str, copy_from: CaseScenario | None = None
) -> CaseScenario:
    """A new scenario, empty or starting from another scenario's answers (recalculated now)."""
    _require(actor, CourtsAction.SENTENCING_CASE_EDIT)
    label = label.strip()
    if not label:
        raise ValidationError(
            {"label": "Enter a name for the scenario, like “Suspended sentence with a programme”"}
        )
    if copy_from is not None and copy_from.case_id != case.pk:
        raise ValidationError({"copy_from": "Choose one of this case's scenarios"})
    request = dict(copy_from.request) if copy_from else {}
    outcome = (
        steps.run_scenario(request, list(copy_from.other_offences or []), copy_from.totality)
        if copy_from is not None and request
        else None
    )
    with transaction.atomic():
        scenario = CaseScenario(case=case, label=label[:120])
        if outcome is not None:
            store_outcome(scenario, outcome)
            scenario.steps_done = list(copy_from.steps_done or []) if copy_from else []
        scenario.save()
        case.save(update_fields=["updated_at"])
        record_event(
            action="sentencing.scenario.create",
            actor=actor,
            obj=case,
            details=case_details(case, scenario=scenario.pk, copied_from=copy_from.pk if copy_from else None),
        )
    return scenario


def scenario_save_step(
    *,
    actor: Actor,
    case: SentencingCase,
    scenario: CaseScenario,
    step: str,
    request: dict[str, Any],
    totality: dict[str, Any] | bool | None = False,
) -> steps.ScenarioOutcome:
    """Save one step of the lead offence's answers (or, on the "offences" step, the court's total).

    Problems of this or an earlier step refuse the step (nothing is saved); problems of later steps
    are kept as "still to resolve". `totality` False leaves the recorded total as it is.
    """
    _require(actor, CourtsAction.SENTENCING_CASE_EDIT)
    total = scenario.totality if totality is False else totality
    outcome = steps.run_scenario(
        steps.clean_request(request),
        list(scenario.other_offences or []),
        total if isinstance(total, dict) else None,
    )
    blocking = outcome.lead_blocking(step)
    if blocking:
        record_refusal(
            actor=actor, case=case, scenario=scenario, step=step, codes=[p["code"] for p in blocking]
        )
        raise Refused(blocking)
    if step not in (scenario.steps_done or []):
        scenario.steps_done = [*(scenario.steps_done or []), step]
    _save_scenario(
        actor=actor,
        case=case,
        scenario=scenario,
        outcome=outcome,
        step=step,
        outstanding=_outstanding(outcome),
    )
    return outcome


def _save_scenario(
    *,
    actor: Actor,
    case: SentencingCase,
    scenario: CaseScenario,
    outcome: steps.ScenarioOutcome,
    **details: Any,
) -> None:
    """Store a calculation on the scenario, touch the case and record the update, in one transaction."""
    with transaction.atomic():
        store_outcome(scenario, outcome)
        scenario.save()
        case.save(update_fields=["updated_at"])
        record_event(
            action="sentencing.scenario.update",
            actor=actor,
            obj=case,
            details=case_details(case, scenario=scenario.pk, **details),
        )


def offence_add(*, actor: Actor, case: SentencingCase, scenario: CaseScenario) -> int:
    """A further offence in the scenario, with the lead's hearing, court and person details filled in.

    Returns its number (2 for the first further offence). Refused beyond the engine's limit."""
    _require(actor, CourtsAction.SENTENCING_CASE_EDIT)
    others = list(scenario.other_offences or [])
    if 1 + len(others) >= MAX_OFFENCES:
        raise ValidationError({"offences": f"A scenario may hold at most {MAX_OFFENCES} offences"})
    lead = scenario.request or {}
    shared = {key: lead[key] for key in steps.SHARED_FIELDS if key in lead}
    number = len(others) + 2
    others.append({"label": f"Offence {number}", "relation": "concurrent", "request": shared})
    outcome = steps.run_scenario(dict(lead), others, scenario.totality)
    _save_scenario(
        actor=actor, case=case, scenario=scenario, outcome=outcome, step="offence.add", offence=number
    )
    return number


def _other(scenario: CaseScenario, number: int) -> dict[str, Any]:
    others = scenario.other_offences or []
    if not 2 <= number <= len(others) + 1:
        raise Http404
    return dict(others[number - 2])


def offence_save_step(
    *,
    actor: Actor,
    case: SentencingCase,
    scenario: CaseScenario,
    number: int,
    step: str,
    request: dict[str, Any] | None = None,
    relation: str | None = None,
    label: str | None = None,
) -> steps.ScenarioOutcome:
    """Save one step of a further offence (number 2 and up): its request, or its relation and label."""
    _require(actor, CourtsAction.SENTENCING_CASE_EDIT)
    current = _other(scenario, number)
    if request is not None:
        current["request"] = steps.clean_request(request)
    if relation is not None:
        current["relation"] = relation
    if label is not None:
        current["label"] = label.strip()[:60] or f"Offence {number}"
    if step not in (current.get("steps_done") or []):
        current["steps_done"] = [*(current.get("steps_done") or []), step]
    others = list(scenario.other_offences or [])
    others[number - 2] = current
    outcome = steps.run_scenario(dict(scenario.request or {}), others, scenario.totality)
    blocking = outcome.offence_blocking(number - 1, step)
    if blocking:
        record_refusal(actor=actor, case=case, scenario=scenario, step=f"offence{number}.{step}",
                       codes=[p["code"] for p in blocking])  # fmt: skip
        raise Refused(blocking)
    _save_scenario(
        actor=actor, case=case, scenario=scenario, outcome=outcome,
        step=step, offence=number, outstanding=_outstanding(outcome),
    )  # fmt: skip
    return outcome


def offence_remove(*, actor: Actor, case: SentencingCase, scenario: CaseScenario, number: int) -> None:
    """Take a further offence out of the scenario (the lead offence stays) and recalculate."""
    _require(actor, CourtsAction.SENTENCING_CASE_EDIT)
    _other(scenario, number)
    others = list(scenario.other_offences or [])
    del others[number - 2]
    outcome = steps.run_scenario(dict(scenario.request or {}), others, scenario.totality)
    _save_scenario(
        actor=actor, case=case, scenario=scenario, outcome=outcome, step="offence.remove", offence=number
    )


def scenario_put(
    *,
    actor: Actor,
    case: SentencingCase,
    scenario: CaseScenario | None,
    label: str,
    request: dict[str, Any],
    proposed: bool = False,
    other_offences: list[dict[str, Any]] | None = None,
    totality: dict[str, Any] | None = None,
) -> CaseScenario:
    """Create or replace a scenario from complete requests (the API): any problem refuses it.

    `other_offences` are [{label, relation, request}]; their problems are named offences[2].… by
    offence number as on the pages (the lead is offence 1)."""
    _require(actor, CourtsAction.SENTENCING_CASE_EDIT)
    others = [
        {"label": str(o.get("label") or f"Offence {n}"), "relation": str(o.get("relation") or "concurrent"),
         "request": dict(o.get("request") or {})}
        for n, o in enumerate(other_offences or [], start=2)
    ]  # fmt: skip
    problems: list[dict[str, str]] = []
    if 1 + len(others) > MAX_OFFENCES:
        problems.append(
            {
                "field": "other_offences",
                "code": "too_many",
                "message": f"at most {MAX_OFFENCES} offences in all",
            }
        )
        others = others[: MAX_OFFENCES - 1]
    outcome = steps.run_scenario(request, others, totality)
    for index, other in enumerate(outcome.others):
        if other["relation"] not in ("concurrent", "consecutive", "no_separate_penalty"):
            problems.append(
                {"field": f"other_offences[{index}].relation", "code": "not_allowed",
                 "message": "allowed: concurrent, consecutive, no_separate_penalty"}
            )  # fmt: skip
    seen = {(p["field"], p["code"]) for p in problems}
    problems += [
        p
        for p in steps.scenario_problems(outcome.lead.problems, outcome.others, outcome.case_problems)
        if (p["field"], p["code"]) not in seen
    ]
    if not label.strip():
        problems.append({"field": "label", "code": "required", "message": "give the scenario a label"})
    if problems:
        record_refusal(
            actor=actor, case=case, scenario=scenario, step="api", codes=[p["code"] for p in problems]
        )
        raise Refused(problems)
    with transaction.atomic():
        created = scenario is None
        target = scenario or CaseScenario(case=case)
        target.label = label.strip()[:120]
        store_outcome(target, outcome)
        mark_answered(target)
        if proposed:
            case.scenarios.filter(proposed=True).exclude(pk=target.pk).update(proposed=False)
        target.proposed = proposed or (target.proposed and not created)
        target.save()
        case.save(update_fields=["updated_at"])
        record_event(
            action="sentencing.scenario.create" if created else "sentencing.scenario.update",
            actor=actor,
            obj=case,
            details=case_details(case, scenario=target.pk, step="api"),
        )
    return target


# --- guideline administration ------------------------------------------------------------------------


def _refuse_upload(actor: Actor, name: str, messages: list[str]) -> ValidationError:
    record_event(
        action="guideline.upload",
        actor=actor,
        object_type="courts.GuidelineUpload",
        outcome=AuditOutcome.FAILURE,
        details={"file": name, "problems": messages[:20]},
    )
    return ValidationError({"file": messages})


def guideline_upload(*, actor: Actor, content: bytes, notes: str) -> GuidelineUpload:
    """Validate a guideline data file with the engine's loader (against the data in use) and
    accept it, or refuse it with every problem the loader found."""
    _require(actor, CourtsAction.GUIDELINES_MANAGE)
    notes = notes.strip()
    if not notes:
        raise ValidationError({"notes": "Say what this file is and what changed, with its source"})
    try:
        text, data = guideline_admin.read_upload(content)
    except guideline_admin.UploadUnreadable as unreadable:
        raise _refuse_upload(actor, "", [str(unreadable)]) from None
    guideline_id, version = data.get("id"), data.get("version")
    if "offences" in data and "id" not in data:
        raise _refuse_upload(
            actor,
            library.OFFENCES_FILE,
            ["offences.toml holds statutory facts and is changed only with the code"],
        )
    if not isinstance(guideline_id, str) or not guideline_admin.GUIDELINE_ID.match(guideline_id):
        raise _refuse_upload(
            actor,
            "",
            [
                'The file needs an id of lower-case letters, digits and hyphens, like "sexual-activity-with-a-child"'
            ],
        )
    if not isinstance(version, str) or not guideline_admin.VERSION.match(version):
        raise _refuse_upload(
            actor,
            "",
            ['The file needs a version of letters, digits, dots and hyphens, like "2014" or "2024-r2"'],
        )
    name = f"{guideline_id}-{version}.toml"
    state = library.current()
    try:
        candidate = library.with_file(state, name, text)
    except GuidelineDataError as error:
        raise _refuse_upload(actor, name, [f"{p.field}: {p.message}" for p in error.problems]) from None
    new = guideline_admin.find(candidate, guideline_id, version)
    previous = guideline_admin.find(state.library, guideline_id, version)
    if new is None:  # the loader accepted it, so it is there; this narrows the type
        raise _refuse_upload(actor, name, ["The file holds no guideline version"])
    clash = [
        g.version
        for g in state.library.guidelines
        if g.id == guideline_id and g.version != version and g.effective_from == new.effective_from
    ]
    if clash:
        raise _refuse_upload(
            actor,
            name,
            [
                f"version {clash[0]} of {guideline_id} already takes effect on {new.effective_from.isoformat()}: "
                "give this version a different effective date, or load it as a revision of that version"
            ],
        )
    recorded = GuidelineVerification.objects.filter(guideline_id=guideline_id, version=version).values_list(
        "table_id", "figures"
    )
    gate = guideline_admin.gate_problems(new, previous, recorded)
    if gate:
        raise _refuse_upload(actor, name, gate)
    digest = hashlib.sha256(text.encode()).hexdigest()
    with transaction.atomic():
        upload = GuidelineUpload.objects.create(
            guideline_id=guideline_id,
            version=version,
            file_name=name,
            text=text,
            sha256=digest,
            notes=notes,
            revision=name in state.texts,
            uploaded_by=actor.user,
        )
        record_event(
            action="guideline.upload",
            actor=actor,
            obj=upload,
            details={"file": name, "sha256": digest, "revision": upload.revision},
        )
    return upload


@transaction.atomic
def guideline_verify(
    *, actor: Actor, guideline_id: str, version: str, part: str, verified_against: str
) -> GuidelineVerification:
    """Record that a guideline editor checked one part's figures against a named source."""
    _require(actor, CourtsAction.GUIDELINES_MANAGE)
    state = library.current()
    guideline = guideline_admin.find(state.library, guideline_id, version)
    if guideline is None:
        raise Http404
    verified_against = verified_against.strip()
    errors: dict[str, str] = {}
    if part not in guideline_admin.parts(guideline):
        allowed = ", ".join(VerifiedPart(p).label.lower() for p in guideline_admin.parts(guideline)) or "none"
        errors["part"] = f"Choose a part this version has; allowed: {allowed}"
    if not verified_against:
        errors["verified_against"] = (
            "Enter the source you checked against, like the guideline's title, publisher, date and page"
        )
    if errors:
        raise ValidationError(errors)
    snapshot = guideline_admin.figures(guideline, part)
    verification = GuidelineVerification.objects.create(
        guideline_id=guideline_id,
        version=version,
        table_id=part,
        figures=snapshot,
        data_sha256=state.text_sha256(guideline_id, version),
        verified_against=verified_against,
        verified_by=actor.user,
    )
    record_event(
        action="guideline.verify",
        actor=actor,
        obj=verification,
        details={"guideline": guideline_id, "version": version, "part": part},
    )
    return verification
