"""Supervision pages: the caseload and the team's, a person's supervision record, and one page per change.
Thin: find the record (scoped, 404 out of reach), check the policy (403), call the service, show its
refusals on the field they name."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeguard import policy
from safeguard.core import exports
from safeguard.core.decorators import actor_required
from safeguard.core.forms import add_service_errors
from safeguard.people.ports import Person, justification_for
from safeguard.policy import Actor
from safeguard.supervision import config, flows, selectors, services
from safeguard.supervision import forms as sforms
from safeguard.supervision.actions import SupervisionAction as A
from safeguard.supervision.choices import NotificationKind, RiskLevel
from safeguard.supervision.models import Breach, RiskLevelOverride, SupervisionCase
from safeguard.supervision.rules import visits as visit_rules
from safeguard.supervision.rules.levels import LEVELS_HIGHEST_FIRST
from safeguard.workflows import selectors as workflow_selectors
from safeguard.workflows.forms import TransitionForm
from safeguard.workflows.services import TransitionRefused

FORM = "supervision/form.html"


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined, no-any-return]


def _person_url(person_id: object, anchor: str = "") -> str:
    return reverse("supervision:person", args=[person_id]) + (f"#{anchor}" if anchor else "")


def _reason(request: HttpRequest, person: Person) -> str:
    """The reason given for a police-owned record (JustificationRequired sends the user to give it)."""
    return justification_for(_actor(request), person)


def _may(actor: Actor, action: str, obj: Any = None) -> None:
    if not policy.allows(actor, action, obj):
        raise PermissionDenied


def _form_page(
    request: HttpRequest, form: forms.Form, *, title: str, person: Person, back: str, submit: str,
    call: Callable[[dict[str, Any]], Any], done: str, success: str, intro: str = "",
    fields: list[str] | None = None, template: str = FORM, extra: dict[str, Any] | None = None,
) -> HttpResponse:  # fmt: skip
    """GET shows the form; POST parses it and calls the service, whose refusals go on their fields."""
    if request.method == "POST" and form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(done)
    context = {"form": form, "title": title, "person": person, "back": back, "submit": submit, "intro": intro,
               "fields": [form[name] for name in (fields or list(form.fields))], **(extra or {})}  # fmt: skip
    return render(request, template, context, status=200)


# --- caseload ----------------------------------------------------------------------------------------------


def _filters(request: HttpRequest, officers: list[Any] | None) -> tuple[sforms.CaseloadFilterForm, selectors.CaseloadFilters]:
    form = sforms.CaseloadFilterForm(request.GET or None, officers=officers)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return form, selectors.CaseloadFilters(
            officer=data.get("officer"), tier=data["tier"], risk_level=data["risk_level"],
            management=data["management"], overdue_only=data["overdue_only"],
        )  # fmt: skip
    return form, selectors.CaseloadFilters()


def _caseload(request: HttpRequest, *, team: bool) -> HttpResponse:
    actor = _actor(request)
    today = timezone.localdate()
    officers = selectors.team_officers(actor) if team else None
    form, filters = _filters(request, officers)
    try:
        page = selectors.caseload(actor=actor, team=team, filters=filters, cursor=request.GET.get("cursor", "")[:64], today=today)
    except ValidationError:
        messages.info(request, "That page link no longer works: here is the first page.")
        return redirect(request.path + ("?" + urlencode(filters.as_dict()) if filters.as_dict() else ""))
    query = urlencode(filters.as_dict())
    context: dict[str, Any] = {"page": page, "form": form, "query": query, "team": team}
    if team:
        context["loads"], context["loads_capped"] = selectors.team_overdue(actor, today)
    return render(request, "supervision/caseload.html", context)


@require_GET
@actor_required(A.VIEW)
def caseload(request: HttpRequest) -> HttpResponse:
    return _caseload(request, team=False)


@require_GET
@actor_required(A.TEAM_VIEW)
def team(request: HttpRequest) -> HttpResponse:
    return _caseload(request, team=True)


CASELOAD_COLUMNS: list[exports.Column[SupervisionCase]] = [
    exports.Column("Reference", lambda c: c.person.reference),
    exports.Column("Name", lambda c: c.person.full_name),
    exports.Column("Officer", lambda c: c.officer.get_full_name() or c.officer.username),
    exports.Column("Tier", lambda c: c.tier),
    exports.Column("Tier is provisional", lambda c: c.tier_provisional),
    exports.Column("Risk level", lambda c: RiskLevel(c.risk_level).label if c.risk_level else ""),
    exports.Column("Management", lambda c: c.get_management_display()),
    exports.Column("Next home visit due", lambda c: c.next_visit_due),
    exports.Column("Next notification due", lambda c: c.next_notification_due),
    exports.Column("Plan review due", lambda c: c.plan_review_due),
    exports.Column("Order ends", lambda c: c.order_end_due),
    exports.Column("Expected release", lambda c: c.release_date),
]


@require_GET
@actor_required(A.VIEW)
def caseload_export(request: HttpRequest, fmt: str) -> Any:
    actor = _actor(request)
    team = request.GET.get("team") == "1"
    officers = selectors.team_officers(actor) if team else None
    _, filters = _filters(request, officers)
    rows = selectors.filtered_cases(actor, team=team, filters=filters, today=timezone.localdate()).select_related("person", "officer")
    listed = exports.ExportList(
        rows=rows, columns=CASELOAD_COLUMNS, name="supervision.team" if team else "supervision.caseload",
        filename="team-caseload" if team else "caseload", list_url=reverse("supervision:team" if team else "supervision:caseload"),
        object_type="supervision.SupervisionCase", filters=filters.as_dict(),
    )  # fmt: skip
    return exports.export_response(request, actor=actor, export=listed, fmt=fmt)


# --- a person's supervision record ------------------------------------------------------------------------


@require_GET
@actor_required(A.VIEW)
def person(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    record = selectors.supervision_record(actor=actor, pk=pk, today=timezone.localdate())
    own = record.own
    context: dict[str, Any] = {"record": record, "person": record.person, "today": record.today, "own": own}
    if own is not None:
        context["may_edit"] = policy.allows(actor, A.CASE_EDIT, own.case)
        context["override_moves"] = {
            o.pk: workflow_selectors.available_transitions(actor=actor, workflow=flows.OVERRIDE, obj=o)
            for o in own.overrides if o.state in ("requested", "approved")
        }  # fmt: skip
    context["breach_moves"] = {
        b.pk: workflow_selectors.available_transitions(actor=actor, workflow=flows.BREACH, obj=b)
        for view in record.requirements for b in view.open_breaches
    }  # fmt: skip
    context["may_open"] = own is None and policy.allows(actor, A.CASE_EDIT)
    return render(request, "supervision/person.html", context)


def _person_for(request: HttpRequest, pk: uuid.UUID, action: str) -> tuple[Person, str]:
    person = selectors.person_in_reach(actor=_actor(request), pk=pk)
    _may(_actor(request), action)
    return person, _reason(request, person)


def _case_for(request: HttpRequest, pk: uuid.UUID, action: str = A.CASE_EDIT) -> tuple[SupervisionCase, str]:
    actor = _actor(request)
    case = selectors.case_for(actor=actor, pk=pk)
    reason = _reason(request, case.person)
    _may(actor, action, case)
    return case, reason


@require_http_methods(["GET", "POST"])
@actor_required(A.CASE_EDIT)
def case_open(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    found, reason = _person_for(request, pk, A.CASE_EDIT)
    officers = selectors.team_officers(actor)
    form = sforms.CaseOpenForm(request.POST or None, officers=officers, initial={"officer": str(actor.user.pk)})
    return _form_page(
        request, form, title="Start supervision", person=found, back=_person_url(pk), submit="Start supervision",
        call=lambda d: services.case_open(actor=actor, person=found, officer=d["officer"], opened_on=d["opened_on"],
                                          sexual_offence_history=d["sexual_offence_history"], justification=reason),
        done=_person_url(pk), success="Supervision started.",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@actor_required(A.CASE_EDIT)
def case_edit(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    case, reason = _case_for(request, pk)
    initial = {f: getattr(case, f) for f in ("rosh_level", "rosh_assessed_on", "sexual_offence_history", "child_protection",
                                             "domestic_abuse", "release_date")}  # fmt: skip
    form = sforms.CaseEditForm(request.POST or None, initial=initial)
    return _form_page(
        request, form, title="Risk of serious harm, registrations and release", person=case.person,
        back=_person_url(case.person_id), submit="Save",
        intro="These are the tier's own inputs; the tier is worked out again when you save.",
        call=lambda d: services.case_update(actor=_actor(request), case=case, justification=reason, **d),
        done=_person_url(case.person_id, "tier"), success="Saved. The tier has been worked out again.",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@actor_required(A.CASE_EDIT)
def case_close(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    case, reason = _case_for(request, pk)
    form = sforms.CaseCloseForm(request.POST or None)
    return _form_page(
        request, form, title="End supervision", person=case.person, back=_person_url(case.person_id), submit="End supervision",
        intro="Scheduled visits are cancelled. The records are kept.",
        call=lambda d: services.case_close(actor=_actor(request), case=case, closed_on=d["closed_on"], justification=reason),
        done=_person_url(case.person_id), success="Supervision ended.",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@actor_required(A.CASE_TRANSFER)
def case_transfer(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    case, reason = _case_for(request, pk, A.CASE_TRANSFER)
    agencies = selectors.receiving_agencies(actor, case)
    officers = [(u, a.name) for a in agencies for u in selectors.officers_of(a)]
    form = sforms.TransferForm(request.POST or None, agencies=agencies, officers=officers,
                               initial={"agency": str(case.agency_id)})  # fmt: skip
    return _form_page(
        request, form, title="Transfer the case", person=case.person, back=_person_url(case.person_id), submit="Transfer",
        intro="To another officer in this area, or to another area. The case keeps its history.",
        call=lambda d: services.case_transfer(actor=actor, case=case, agency=d["agency"], officer=d["officer"],
                                              transferred_on=d["transferred_on"], reason=d["reason"], justification=reason),
        done=_person_url(case.person_id), success="Case transferred.",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@actor_required(A.CASE_EDIT)
def case_management(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    case, reason = _case_for(request, pk)
    form = sforms.ManagementForm(request.POST or None, initial={"management": case.management})
    eligible = visit_rules.reactive_eligible_from(case.low_risk_since)
    intro = (f"Reactive management (no home visits, an annual station notification) is possible for a person assessed "
             f"low risk for at least {visit_rules.REACTIVE_AFTER_YEARS} years "
             f"({visit_rules.REACTIVE_STATUS}: {visit_rules.REACTIVE_SOURCE}). ")  # fmt: skip
    intro += f"This person: possible from {eligible.day} {eligible:%B %Y}." if eligible else "This person is not assessed low risk."
    return _form_page(
        request, form, title="Active or reactive management", person=case.person, back=_person_url(case.person_id),
        submit="Save", intro=intro,
        call=lambda d: services.management_set(actor=_actor(request), case=case, management=d["management"], justification=reason),
        done=_person_url(case.person_id, "visits"), success="Management changed.",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@actor_required(A.CASE_EDIT)
def trigger_record(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    case, reason = _case_for(request, pk)
    form = sforms.TriggerForm(request.POST or None)
    return _form_page(
        request, form, title="Something to review", person=case.person, back=_person_url(case.person_id), submit="Record",
        intro="Intelligence or a change of circumstances makes reactive management due for review.",
        call=lambda d: services.trigger_record(actor=_actor(request), case=case, justification=reason, **d),
        done=_person_url(case.person_id, "visits"), success="Recorded: a review is due.",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@actor_required(A.CASE_EDIT)
def trigger_review(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    trigger = selectors.trigger_for(actor=actor, pk=pk)
    reason = _reason(request, trigger.case.person)
    _may(actor, A.CASE_EDIT, trigger)
    form = sforms.TriggerReviewForm(request.POST or None)
    return _form_page(
        request, form, title="Review reactive management", person=trigger.case.person, back=_person_url(trigger.person_id),
        submit="Save the review",
        call=lambda d: services.trigger_review(actor=actor, trigger=trigger, justification=reason, **d),
        done=_person_url(trigger.person_id, "visits"), success="Review recorded.",
    )  # fmt: skip


# --- plan ------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@actor_required(A.CASE_EDIT)
def plan_edit(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    case, reason = _case_for(request, pk)
    plan = selectors.plan_of(case)
    initial = {"reviewed_on": plan.reviewed_on, "review_every_months": plan.review_every_months,
               "visit_override_months": plan.visit_override_months, "visit_override_reason": plan.visit_override_reason} if plan else {
        "review_every_months": config.PLAN_REVIEW_MONTHS}  # fmt: skip
    form = sforms.PlanForm(request.POST or None, initial=initial)
    return _form_page(
        request, form, title="Risk management plan: review and visits", person=case.person, back=_person_url(case.person_id),
        submit="Save the plan",
        call=lambda d: services.plan_save(actor=_actor(request), case=case, justification=reason, **d),
        done=_person_url(case.person_id, "plan"), success="Plan saved. The due dates have been worked out again.",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@actor_required(A.CASE_EDIT)
def plan_item_add(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    case, reason = _case_for(request, pk)
    form = sforms.PlanItemForm(request.POST or None, initial={"kind": request.GET.get("kind", "")})
    return _form_page(
        request, form, title="Add to the risk management plan", person=case.person, back=_person_url(case.person_id, "plan"),
        submit="Add",
        call=lambda d: services.plan_item_add(actor=_actor(request), case=case, justification=reason, **d),
        done=_person_url(case.person_id, "plan"), success="Added to the plan.",
    )  # fmt: skip


@require_POST
@actor_required(A.CASE_EDIT)
def plan_item_remove(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    item = selectors.plan_item_for(actor=actor, pk=pk)
    reason = _reason(request, item.plan.case.person)
    services.plan_item_remove(actor=actor, item=item, justification=reason)
    messages.success(request, "Removed from the plan.")
    return redirect(_person_url(item.plan.case.person_id, "plan"))


# --- overrides (two-person rule) ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@actor_required(A.OVERRIDE_REQUEST)
def override_request(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    case, _ = _case_for(request, pk, A.OVERRIDE_REQUEST)
    form = sforms.OverrideRequestForm(request.POST or None)
    shown = RiskLevel(case.risk_level).label.lower() if case.risk_level else "not known"
    return _form_page(
        request, form, title="Ask for a different risk level", person=case.person, back=_person_url(case.person_id, "risk"),
        submit="Ask a supervisor",
        intro=f"The current risk level is {shown}. A different level needs your reason and a supervisor's approval; "
              "the person who asks cannot approve.",
        call=lambda d: services.override_request(actor=_actor(request), case=case, level=d["level"], reason=d["reason"]),
        done=_person_url(case.person_id, "risk"), success="Sent to a supervisor for approval.",
    )  # fmt: skip


def _transition_page(
    request: HttpRequest, *, obj: Any, workflow: Any, name: str, person: Person, back: str,
    move: Callable[[dict[str, Any]], Any], title: str,
) -> HttpResponse:  # fmt: skip
    step = workflow.find(name, obj.state)
    if step is None:
        named = workflow.named(name)
        if not named:
            raise PermissionDenied
        step = named[0]
    form = TransitionForm(request.POST or None, transition=step, initial={"expected_state": obj.state})
    if request.method == "POST" and form.is_valid():
        try:
            move(form.cleaned_data)
        except TransitionRefused as refused:
            add_service_errors(form, refused)
        else:
            messages.success(request, f"{step.label}: done.")
            return redirect(back)
    return render(request, "supervision/transition.html", {
        "form": form, "title": title, "person": person, "back": back, "step": step, "obj": obj, "workflow": workflow,
        "state_label": workflow.label_of(obj.state),
        "history": workflow_selectors.history(workflow=workflow, obj=obj),
    })  # fmt: skip


@require_http_methods(["GET", "POST"])
@actor_required(A.VIEW)
def override_move(request: HttpRequest, pk: uuid.UUID, transition: str) -> HttpResponse:
    actor = _actor(request)
    override: RiskLevelOverride = selectors.override_for(actor=actor, pk=pk)
    found = override.case.person
    _reason(request, found)
    steps = flows.OVERRIDE.named(transition)
    if not steps or not any(policy.allows(actor, s.action, override) for s in steps):
        raise PermissionDenied
    return _transition_page(
        request, obj=override, workflow=flows.OVERRIDE, name=transition, person=found,
        back=_person_url(override.person_id, "risk"), title=f"Risk level override: {RiskLevel(override.level).label.lower()}",
        move=lambda d: services.override_move(actor=actor, override=override, transition=transition,
                                              expected_state=d["expected_state"], reason_text=d.get("reason_text", "")),
    )  # fmt: skip


# --- visits --------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@actor_required(A.CASE_EDIT)
def visit_schedule(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    case, reason = _case_for(request, pk)
    form = sforms.VisitScheduleForm(request.POST or None)
    return _form_page(
        request, form, title="Schedule a home visit", person=case.person, back=_person_url(case.person_id, "visits"),
        submit="Schedule",
        call=lambda d: services.visit_schedule(actor=_actor(request), case=case, justification=reason, **d),
        done=_person_url(case.person_id, "visits"), success="Visit scheduled.",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@actor_required(A.CASE_EDIT)
def visit_record(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    case, reason = _case_for(request, pk)
    scheduled = None
    if request.GET.get("visit"):
        scheduled = selectors.visit_for(actor=actor, pk=_uuid(request.GET["visit"]))
    officers = selectors.officers_of(case.agency)
    initial: dict[str, Any] = {"officers": [str(actor.user.pk)], "outcome": "completed"}
    if scheduled is not None:
        initial.update(kind=scheduled.kind, visited_on=scheduled.planned_for)
    form = sforms.VisitRecordForm(request.POST or None, officers=officers, initial=initial)
    return _form_page(
        request, form, title="Record a home visit", person=case.person, back=_person_url(case.person_id, "visits"),
        submit="Record the visit",
        call=lambda d: services.visit_record(actor=actor, case=case, scheduled=scheduled, justification=reason, **d),
        done=_person_url(case.person_id, "visits"), success="Visit recorded.",
    )  # fmt: skip


def _uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text[:40])
    except ValueError:
        from django.http import Http404

        raise Http404 from None


@require_POST
@actor_required(A.CASE_EDIT)
def visit_cancel(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    visit = selectors.visit_for(actor=actor, pk=pk)
    reason = _reason(request, visit.case.person)
    try:
        services.visit_cancel(actor=actor, visit=visit, justification=reason)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Visit cancelled.")
    return redirect(_person_url(visit.person_id, "visits"))


# --- the register ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@actor_required(A.REGISTER_EDIT)
def requirement_create(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    found, reason = _person_for(request, pk, A.REGISTER_EDIT)
    form = sforms.RequirementForm(request.POST or None, initial={"source": "computed"})
    return _form_page(
        request, form, title="Record notification requirements", person=found, back=_person_url(pk, "register"),
        submit="Record the requirements",
        call=lambda d: services.requirement_create(actor=actor, person=found, justification=reason, **d),
        done=_person_url(pk, "register"), success="Notification requirements recorded; the deadlines are worked out.",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@actor_required(A.REGISTER_EDIT)
def notification_record(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    requirement = selectors.requirement_for(actor=actor, pk=pk)
    reason = _reason(request, requirement.person)
    _may(actor, A.REGISTER_EDIT, requirement)
    kind = request.POST.get("kind") or request.GET.get("kind", "")
    form = sforms.NotificationForm(request.POST or None, initial={"kind": kind})
    if kind not in {k.value for k in NotificationKind} - {NotificationKind.INITIAL}:
        choose = sforms.NotificationForm(initial={"kind": ""})
        return render(request, FORM, {
            "form": choose, "fields": [choose["kind"]], "person": requirement.person, "method": "get",
            "back": _person_url(requirement.person_id, "register"), "title": "Record a notification", "submit": "Continue",
        })  # fmt: skip
    label = NotificationKind(kind).label
    intro = {
        NotificationKind.TRAVEL: "Due at least 7 days before departure, with the dates, destination, carrier and "
                                 "accommodation (a rule read in a secondary source: unverified).",
        NotificationKind.ANNUAL: "Due one year after the last notification (s.85, read in a secondary source: unverified).",
    }.get(NotificationKind(kind), "Due within 3 days beginning with the date of the change (s.84(1), verified).")  # fmt: skip
    return _form_page(
        request, form, title=f"Record a notification: {label.lower()}", person=requirement.person,
        back=_person_url(requirement.person_id, "register"), submit="Record", intro=intro,
        fields=form.shown(kind), extra={"hidden": [("kind", kind)]},
        call=lambda d: services.notification_record(
            actor=actor, requirement=requirement, justification=reason,
            **{k: v for k, v in d.items() if k in ("kind", *form.shown(kind))},
        ),
        done=_person_url(requirement.person_id, "register"), success=f"{label} recorded; its due date is worked out.",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@actor_required(A.REGISTER_EDIT)
def notification_made(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    event = selectors.event_for(actor=actor, pk=pk)
    reason = _reason(request, event.requirement.person)
    _may(actor, A.REGISTER_EDIT, event.requirement)
    form = sforms.NotificationMadeForm(request.POST or None)
    return _form_page(
        request, form, title=f"{event.get_kind_display()}: the person notified", person=event.requirement.person,
        back=_person_url(event.person_id, "register"), submit="Record",
        intro=f"It was due by {event.due_date.day} {event.due_date:%B %Y}.",
        call=lambda d: services.notification_made(actor=actor, event=event, notified_on=d["notified_on"], justification=reason),
        done=_person_url(event.person_id, "register"), success="Notification recorded.",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@actor_required(A.BREACH_RECORD)
def breach_record(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    requirement = selectors.requirement_for(actor=actor, pk=pk)
    reason = _reason(request, requirement.person)
    _may(actor, A.BREACH_RECORD, requirement)
    form = sforms.BreachForm(request.POST or None)
    return _form_page(
        request, form, title="Record a breach of the notification requirements", person=requirement.person,
        back=_person_url(requirement.person_id, "register"), submit="Record the breach",
        intro="Failing to comply is an either-way offence, maximum 5 years (read in a secondary source: unverified).",
        call=lambda d: services.breach_record(actor=actor, requirement=requirement, justification=reason, **d),
        done=_person_url(requirement.person_id, "register"), success="Breach recorded.",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@actor_required(A.BREACH_RECORD)
def breach_move(request: HttpRequest, pk: uuid.UUID, transition: str) -> HttpResponse:
    actor = _actor(request)
    breach: Breach = selectors.breach_for(actor=actor, pk=pk)
    found = breach.requirement.person
    _reason(request, found)
    steps = flows.BREACH.named(transition)
    if not steps or not any(policy.allows(actor, s.action, breach) for s in steps):
        raise PermissionDenied
    return _transition_page(
        request, obj=breach, workflow=flows.BREACH, name=transition, person=found,
        back=_person_url(breach.person_id, "register"), title="Breach of the notification requirements",
        move=lambda d: services.breach_move(actor=actor, breach=breach, transition=transition,
                                            expected_state=d["expected_state"], reason_code=d.get("reason_code", ""),
                                            reason_text=d.get("reason_text", "")),
    )  # fmt: skip


# --- MAPPA ------------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@actor_required(A.MAPPA_EDIT)
def mappa_set(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    found, reason = _person_for(request, pk, A.MAPPA_EDIT)
    form = sforms.MappaForm(request.POST or None)
    return _form_page(
        request, form, title="MAPPA category and level", person=found, back=_person_url(pk, "mappa"), submit="Save",
        intro="Categories and levels as the MAPPA guidance describes them (secondary source). The previous level ends "
              "on the date given; its history is kept.",
        call=lambda d: services.mappa_set(actor=actor, person=found, justification=reason, **d),
        done=_person_url(pk, "mappa"), success="MAPPA level saved.",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@actor_required(A.MAPPA_EDIT)
def meeting_record(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    found, reason = _person_for(request, pk, A.MAPPA_EDIT)
    form = sforms.MeetingForm(request.POST or None, owners=selectors.action_owners(found))

    def call(data: dict[str, Any]) -> Any:
        actions = form.actions()
        if form.errors:
            raise ValidationError({})
        return services.meeting_record(
            actor=actor, person=found, held_on=data["held_on"], agencies_present=data["agencies_present"],
            attendees=data["attendees"], minutes=data["minutes"], next_meeting_on=data["next_meeting_on"],
            actions=actions, justification=reason,
        )  # fmt: skip

    return _form_page(
        request, form, title="Record a MAPPA meeting", person=found, back=_person_url(pk, "mappa"), submit="Record the meeting",
        intro="For levels 2 and 3. Minutes and attendees are stored encrypted. Each action's owner sees it among their due work.",
        call=call, done=_person_url(pk, "mappa"), success="Meeting recorded.",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@actor_required(A.MAPPA_EDIT)
def action_complete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    action = selectors.action_for(actor=actor, pk=pk)
    found = Person.objects.get(pk=action.person_id)
    reason = _reason(request, found)
    form = sforms.ActionCompleteForm(request.POST or None)
    return _form_page(
        request, form, title="MAPPA action done", person=found, back=_person_url(action.person_id, "mappa"), submit="Save",
        call=lambda d: services.action_complete(actor=actor, action=action, completed_on=d["completed_on"], justification=reason),
        done=_person_url(action.person_id, "mappa"), success="Action marked as done.",
    )  # fmt: skip


# --- the agency's visit table -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@actor_required(A.SETTINGS_MANAGE)
def visit_settings(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    table = selectors.frequency_table(actor)
    form = sforms.FrequencyForm(request.POST or None, initial={f"months_{level.value}": months for level, months in table.items()})
    if request.method == "POST" and form.is_valid():
        try:
            services.frequency_set(actor=actor, months={key.removeprefix("months_"): value for key, value in form.cleaned_data.items()})
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Visit frequencies saved. Your agency's cases are being brought up to date.")
            return redirect("supervision:settings")
    return render(request, "supervision/settings.html", {
        "form": form, "defaults": [(level, visit_rules.DEFAULT_VISIT_MONTHS[level]) for level in LEVELS_HIGHEST_FIRST],
        "source": visit_rules.FREQUENCY_SOURCE, "status": visit_rules.FREQUENCY_STATUS,
    })  # fmt: skip

