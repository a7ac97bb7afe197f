"""Staff pages of the prevention service (prevention staff of the handling centre only): the inbox,
a conversation, the contact log, the waiting list, statistics, reply templates, the centre's
public details, and the disclosure procedure. Thin: parse, authorise, call, render."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeguard import policy
from safeguard.core.decorators import actor_required
from safeguard.core.forms import add_service_errors
from safeguard.policy import Actor
from safeguard.prevention import selectors, services, triage
from safeguard.prevention.choices import REFERRAL_OPEN, ConversationStatus, ReferralState
from safeguard.prevention.disclosure_workflow import DISCLOSURE
from safeguard.prevention.forms import (
    AssignForm,
    CentreProfileForm,
    CloseForm,
    ContactForm,
    DisclosureRequestForm,
    NoteForm,
    OfferForm,
    ReferForm,
    ReplyForm,
    TemplateForm,
)
from safeguard.prevention.models import CentreProfile, CentreReferral, ReplyTemplate
from safeguard.prevention.policies import PreventionAction
from safeguard.programmes import ports as programme_ports
from safeguard.workflows import selectors as workflow_selectors
from safeguard.workflows.forms import TransitionForm
from safeguard.workflows.services import TransitionRefused


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


def _post(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _due_on(conversation: Any) -> Any:
    return services.first_reply_due(conversation.created_at)


# --- inbox and conversation ----------------------------------------------------------------------


@require_GET
@actor_required(PreventionAction.CONVERSATION_VIEW)
def inbox(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "waiting")
    page = selectors.inbox(actor=_actor(request), show=show, cursor=request.GET.get("after", "")[:100])
    rows = [{"conversation": c, "due_on": _due_on(c) if c.first_reply_at is None else None} for c in page.rows]
    return render(request, "prevention/inbox.html", {
        "page": page, "rows": rows, "show": show if show in selectors.INBOX_VIEWS else "waiting",
        "views": [("waiting", "Waiting for a reply"), ("mine", "Assigned to you"), ("open", "All open"),
                  ("closed", "Closed")],
        "today": timezone.localdate(), "waiting_count": selectors.waiting_count(_actor(request)),
    })


def _detail(request: HttpRequest, pk: uuid.UUID, status: int = 200, **forms: Any) -> HttpResponse:
    actor = _actor(request)
    view = selectors.conversation_for_staff(actor=actor, pk=pk)
    templates = selectors.templates_for(actor=actor)
    chosen = request.GET.get("template", "")
    start_text = next((t.body for t in templates if str(t.pk) == chosen), "")
    advisers = [(u.pk, u.get_full_name() or u.username) for u in services.assignable_advisers(actor)]
    context = {
        "view": view, "conversation": view.conversation, "templates": templates, "chosen_template": chosen,
        "reply_form": forms.get("reply_form") or ReplyForm(initial={"body": start_text}),
        "note_form": forms.get("note_form") or NoteForm(),
        "assign_form": forms.get("assign_form") or AssignForm(
            initial={"assignee": view.conversation.assigned_to_id}, advisers=advisers),
        "due_on": _due_on(view.conversation) if view.conversation.first_reply_at is None else None,
        "today": timezone.localdate(),
        "service_text": selectors.service_message_text,
        "may_disclose": policy.allows(actor, PreventionAction.DISCLOSURE_REQUEST),
    }
    return render(request, "prevention/conversation.html", context, status=status)


@require_GET
@actor_required(PreventionAction.CONVERSATION_VIEW)
def conversation(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return _detail(request, pk)


def _conversation_post(request: HttpRequest, pk: uuid.UUID, form: Any, form_name: str,
                       change: Callable[..., Any], done: str) -> HttpResponse:
    """A form posted from the conversation page: on success back to it with `done`, else the page
    again with the form's errors."""
    actor = _actor(request)
    found = selectors.conversation_locate(actor=actor, pk=pk, action=PreventionAction.CONVERSATION_REPLY)
    if form.is_valid():
        try:
            change(actor=actor, conversation=found, now=timezone.now(), data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("prevention:conversation", pk=pk)
    return _detail(request, pk, status=400, **{form_name: form})


@require_POST
@actor_required(PreventionAction.CONVERSATION_REPLY)
def reply(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return _conversation_post(
        request, pk, ReplyForm(request.POST), "reply_form",
        lambda data, **kw: services.reply_send(body=data["body"], **kw),
        "Reply sent. The person sees it when they next open the conversation.",
    )


@require_POST
@actor_required(PreventionAction.CONVERSATION_REPLY)
def note(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return _conversation_post(
        request, pk, NoteForm(request.POST), "note_form",
        lambda data, **kw: services.note_add(body=data["body"], **kw), "Note added.",
    )


@require_POST
@actor_required(PreventionAction.CONVERSATION_REPLY)
def assign(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    advisers = [(u.pk, u.get_full_name() or u.username) for u in services.assignable_advisers(_actor(request))]
    return _conversation_post(
        request, pk, AssignForm(request.POST, advisers=advisers), "assign_form",
        lambda data, **kw: services.conversation_assign(assignee_id=data["assignee"], **kw), "Assignment saved.",
    )


@require_http_methods(["GET", "POST"])
@actor_required(PreventionAction.CONVERSATION_REPLY)
def close(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    found = selectors.conversation_locate(actor=actor, pk=pk, action=PreventionAction.CONVERSATION_REPLY)
    form = CloseForm(_post(request), initial={"concern": found.concern})
    if request.method == "POST" and form.is_valid():
        try:
            services.conversation_close(actor=actor, conversation=found, now=timezone.now(), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Conversation closed. It opens again if the person writes.")
            return redirect("prevention:inbox")
    return render(request, "prevention/close.html", {"form": form, "conversation": found,
                                                     "closed": found.status == ConversationStatus.CLOSED},
                  status=400 if form.errors else 200)


def _answers(request: HttpRequest) -> dict[str, list[str]]:
    return {q.code: [v[:40] for v in request.POST.getlist(q.code)[:10]] for q in triage.QUESTIONS}


@require_http_methods(["GET", "POST"])
@actor_required(PreventionAction.CONVERSATION_REPLY)
def self_assessment(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The questionnaire completed with the person (e.g. in a chat); the result is kept."""
    actor = _actor(request)
    found = selectors.conversation_locate(actor=actor, pk=pk, action=PreventionAction.CONVERSATION_REPLY)
    errors: dict[str, str] = {}
    given: dict[str, list[str]] = {}
    if request.method == "POST":
        given = _answers(request)
        try:
            services.triage_record(actor=actor, conversation=found, answers=given, now=timezone.now())
        except triage.InvalidAnswers as problems:
            errors = problems.errors
        else:
            messages.success(request, "Self-assessment saved on the conversation.")
            return redirect("prevention:conversation", pk=pk)
    return render(request, "prevention/self_assessment.html",
                  {"conversation": found, "questions": triage.QUESTIONS, "given": given, "errors": errors},
                  status=400 if errors else 200)


def _referral_centres() -> list[tuple[int, str]]:
    listings = selectors.centres_with_waiting_times(now=timezone.now(), referrals_only=True)
    return [(c.profile.agency_id, c.profile.public_name) for c in listings]


@require_http_methods(["GET", "POST"])
@actor_required(PreventionAction.CONVERSATION_REPLY)
def refer(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    found = selectors.conversation_locate(actor=actor, pk=pk, action=PreventionAction.CONVERSATION_REPLY)
    form = ReferForm(_post(request), centres=_referral_centres())
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_create(actor=actor, conversation=found, centre_id=form.cleaned_data["centre"],
                                     now=timezone.now())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Request for an appointment sent to the centre.")
            return redirect("prevention:conversation", pk=pk)
    listings = selectors.centres_with_waiting_times(now=timezone.now(), referrals_only=True)
    return render(request, "prevention/refer.html", {"form": form, "conversation": found, "centres": listings},
                  status=400 if form.errors else 200)


# --- the contact log ---------------------------------------------------------------------------


@require_GET
@actor_required(PreventionAction.CONTACT_VIEW)
def contacts(request: HttpRequest) -> HttpResponse:
    page = selectors.contacts(actor=_actor(request), cursor=request.GET.get("after", "")[:100])
    return render(request, "prevention/contacts.html", {"page": page})


@require_http_methods(["GET", "POST"])
@actor_required(PreventionAction.CONTACT_RECORD)
def contact_create(request: HttpRequest) -> HttpResponse:
    form = ContactForm(_post(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_record(actor=_actor(request), data=form.cleaned_data, now=timezone.now())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Contact recorded.")
            return redirect("prevention:contacts")
    return render(request, "prevention/contact_form.html", {"form": form}, status=400 if form.errors else 200)


# --- the waiting list and referrals ------------------------------------------------------------


@require_GET
@actor_required(PreventionAction.REFERRAL_MANAGE)
def waiting_list(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "waiting")
    page = selectors.waiting_list(actor=_actor(request), show=show, cursor=request.GET.get("after", "")[:100])
    now = timezone.now()
    return render(request, "prevention/waiting_list.html", {
        "page": page, "show": show if show in selectors.WAITING_LIST_VIEWS else "waiting", "now": now,
        "views": [("waiting", "Waiting"), ("offered", "Appointment offered"), ("closed", "Closed")],
    })


STAFF_STEPS = ("offer", "attended", "missed", "withdraw")


@require_http_methods(["GET", "POST"])
@actor_required(PreventionAction.REFERRAL_VIEW)
def referral(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    found = selectors.referral_for_staff(actor=actor, pk=pk)
    manages = policy.allows(actor, PreventionAction.REFERRAL_MANAGE, found)
    step = request.POST.get("step", "") if request.method == "POST" else ""
    offer_form = OfferForm(request.POST if step == "offer" else None)
    problem = ""
    if request.method == "POST":
        if not manages:
            raise PermissionDenied
        if step == "enrol":
            try:
                services.course_enrol(actor=actor, referral=found, today=timezone.localdate())
            except ValidationError as exc:
                problem = " ".join(exc.messages)
            else:
                messages.success(request, "Enrolled on the prevention course.")
                return redirect("prevention:referral", pk=pk)
        elif step not in STAFF_STEPS:
            problem = "Choose one of the steps offered on this page"
        elif step != "offer" or offer_form.is_valid():
            extra = ({"appointment_at": offer_form.cleaned_data.get("appointment_at"),
                      "mode": offer_form.cleaned_data["mode"]} if step == "offer" else {})
            try:
                services.referral_step(actor=actor, referral=found, step=step, now=timezone.now(), **extra)
            except ValidationError as exc:
                if step == "offer":
                    add_service_errors(offer_form, exc)
                else:
                    problem = " ".join(exc.messages)
            else:
                messages.success(request, "Saved.")
                return redirect("prevention:referral", pk=pk)
    failed = bool(problem) or (step == "offer" and bool(offer_form.errors))
    return render(request, "prevention/referral.html", {
        "referral": found, "manages": manages, "offer_form": offer_form, "open_states": list(REFERRAL_OPEN),
        "waited": found.state == ReferralState.WAITING, "problem": problem, **_course(actor, found, manages),
        "appointment_passed": found.appointment_at is not None and found.appointment_at <= timezone.now(),
    }, status=400 if failed else 200)


def _course(actor: Actor, found: CentreReferral, manages: bool) -> dict[str, Any]:
    """The prevention course part of a referral page, through the programmes app's port (pseudonym only)."""
    if not manages or found.state != ReferralState.ATTENDED:
        return {"course_available": False, "course_attendance": None}
    if found.course_pseudonym:
        try:
            attendance = programme_ports.pseudonym_attendance(actor=actor, pseudonym=found.course_pseudonym)
        except LookupError:
            attendance = None
        return {"course_available": False, "course_attendance": attendance}
    courses = programme_ports.prevention_courses(actor=actor)
    return {"course_available": any(c.places_left > 0 for c in courses), "course_attendance": None,
            "course_full": bool(courses)}


# --- statistics ---------------------------------------------------------------------------------


@require_GET
@actor_required(PreventionAction.STATISTICS_VIEW)
def statistics(request: HttpRequest) -> HttpResponse:
    from safeguard.prevention.choices import Channel, Concern
    from safeguard.prevention.statistics import UNCATEGORISED

    figures = selectors.service_statistics(actor=_actor(request), today=timezone.localdate())
    return render(request, "prevention/statistics.html", {
        "figures": figures,
        "channels": list(Channel.choices),
        "concerns": [*Concern.choices, (UNCATEGORISED, "Not yet categorised")],
    })


# --- reply templates and the centre's details ------------------------------------------------------


@require_http_methods(["GET", "POST"])
@actor_required(PreventionAction.TEMPLATE_MANAGE)
def templates(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = TemplateForm(_post(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.template_create(actor=actor, now=timezone.now(), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Reply template added.")
            return redirect("prevention:templates")
    return render(request, "prevention/templates.html",
                  {"form": form, "templates": selectors.templates_all(actor=actor)},
                  status=400 if form.errors else 200)


@require_POST
@actor_required(PreventionAction.TEMPLATE_MANAGE)
def template_retire(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    found = policy.scope(actor, PreventionAction.TEMPLATE_MANAGE, ReplyTemplate.objects.filter(pk=pk)).first()
    if found is None:
        from django.http import Http404

        raise Http404
    services.template_retire(actor=actor, template=found)
    messages.success(request, f"“{found.title}” is no longer offered.")
    return redirect("prevention:templates")


@require_http_methods(["GET", "POST"])
@actor_required(PreventionAction.CENTRE_MANAGE)
def centre(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    profile = CentreProfile.objects.filter(agency=actor.agency).first()
    initial: dict[str, Any] = {"public_name": actor.agency.name, "accepts_referrals": True}
    if profile is not None:
        initial = {"public_name": profile.public_name, "region": profile.region, "languages": profile.languages,
                   "answers_messages": profile.answers_messages, "accepts_referrals": profile.accepts_referrals}
        for day, opens, closes in profile.contact_hours:
            initial[f"open_{day}"], initial[f"close_{day}"] = opens, closes
    form = CentreProfileForm(_post(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.centre_profile_update(actor=actor, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The centre's public details are saved.")
            return redirect("prevention:centre")
    hours = [(day, form[f"open_{index}"], form[f"close_{index}"]) for index, day in enumerate(
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"))]
    return render(request, "prevention/centre.html", {"form": form, "hours": hours},
                  status=400 if form.errors else 200)


# --- the disclosure procedure ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@actor_required(PreventionAction.DISCLOSURE_REQUEST)
def disclosure_request(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    found = selectors.conversation_locate(actor=actor, pk=pk, action=PreventionAction.DISCLOSURE_REQUEST)
    form = DisclosureRequestForm(_post(request))
    if request.method == "POST" and form.is_valid():
        try:
            disclosure = services.disclosure_request(actor=actor, conversation=found, now=timezone.now(),
                                                     **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Disclosure requested. A different supervisor must now approve or refuse it.")
            return redirect("prevention:disclosure", pk=disclosure.pk)
    return render(request, "prevention/disclosure_request.html", {"form": form, "conversation": found},
                  status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@actor_required(PreventionAction.DISCLOSURE_REQUEST)
def disclosure(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    found = selectors.disclosure_for_supervisor(actor=actor, pk=pk)
    offered = workflow_selectors.available_transitions(actor=actor, workflow=DISCLOSURE, obj=found)
    forms = {t.name: TransitionForm(transition=t, initial={"expected_state": found.state}) for t in offered}
    problem, status = "", 200
    if request.method == "POST":
        name = request.POST.get("transition", "")
        step = DISCLOSURE.find(name, found.state) or next(iter(DISCLOSURE.named(name)), None)
        if step is None:
            problem, status = "Choose one of the steps offered on this page", 400
        else:
            form = TransitionForm(request.POST, transition=step)
            forms[name] = form
            if form.is_valid():
                try:
                    # The workflow checks the step, the policy and the two-person rule, and refuses
                    # (and records) what is not allowed, whatever this page offered.
                    services.disclosure_step(actor=actor, disclosure=found, transition=name,
                                             reason_text=form.cleaned_data.get("reason_text", ""),
                                             expected_state=form.cleaned_data["expected_state"], now=timezone.now())
                except TransitionRefused as refused:
                    add_service_errors(form, refused)
                else:
                    messages.success(request, f"{step.label}: done.")
                    return redirect("prevention:disclosure", pk=pk)
            status = 400
    history = workflow_selectors.history(workflow=DISCLOSURE, obj=found)
    return render(request, "prevention/disclosure.html", {
        "disclosure": found, "forms": forms, "workflow": DISCLOSURE, "history": history, "problem": problem,
        "state_label": DISCLOSURE.label_of(found.state),
    }, status=status)


@require_GET
@actor_required(PreventionAction.DISCLOSURE_REGISTER)
def disclosure_register(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    rows = selectors.disclosure_register(actor=actor)
    reasons = selectors.disclosure_reasons(rows)
    supervises = policy.allows(actor, PreventionAction.DISCLOSURE_REQUEST)
    return render(request, "prevention/disclosure_register.html", {
        "rows": [{"disclosure": d, "state": DISCLOSURE.label_of(d.state), "reason": reasons.get(str(d.pk), ""),
                  "may_open": supervises and d.centre_id == actor.agency.pk} for d in rows],
    })
