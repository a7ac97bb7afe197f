"""Programme pages: thin — parse, authorise, call a selector or service, render.

A record out of reach answers 404, a role without the action 403 (both recorded); a police-owned
person's record first asks for the reason (the people app's justification page).
"""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from safeguard import policy
from safeguard.core.decorators import actor_required
from safeguard.core.forms import add_service_errors
from safeguard.core.step_forms import CarriedSteps
from safeguard.core.wording import date_words
from safeguard.courts import ports as courts_ports
from safeguard.people.ports import justification_for, person_locate
from safeguard.programmes import catalogue, domains, forms, report, selectors, services
from safeguard.programmes.choices import GroupStatus, MemberStatus, Outcome
from safeguard.programmes.models import CustodyPeriod, GroupMember, Invitation, Referral, Site
from safeguard.programmes.policies import ProgrammeAction as A
from safeguard.programmes.workflow import CLOSED, REFERRAL
from safeguard.workflows import selectors as workflow_selectors
from safeguard.workflows.forms import TransitionForm


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


def _form_page(request: HttpRequest, form: Any, *, title: str, back_url: str, back_label: str = "Back",
               caption: str = "", intro: str = "", button: str = "Save") -> HttpResponse:
    """The shared form page (programmes/form.html): every field of the form in order."""
    return render(request, "programmes/form.html", {
        "form": form, "title": title, "caption": caption, "intro": intro, "back_url": back_url,
        "back_label": back_label, "button": button,
    })


def _before(request: HttpRequest) -> int | None:
    value = request.GET.get("before", "")
    return int(value) if value.isdigit() else None


# --- Overview and catalogue ------------------------------------------------------------------------


@actor_required(A.CATALOGUE_VIEW)
def home(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    return render(request, "programmes/home.html", {"templates": selectors.templates(actor=actor)})


@actor_required(A.CATALOGUE_VIEW)
def template_detail(request: HttpRequest, template_id: str) -> HttpResponse:
    found = selectors.template(actor=_actor(request), template_id=template_id, version=request.GET.get("version"))
    return render(request, "programmes/template.html", {"template": found, "versions": catalogue.versions(found.id)})


# --- Referrals ------------------------------------------------------------------------------------


@actor_required(A.REFERRAL_VIEW)
def referral_list(request: HttpRequest) -> HttpResponse:
    page = selectors.referral_list(
        actor=_actor(request), state_group=request.GET.get("state", ""), programme_id=request.GET.get("programme", ""),
        mine=request.GET.get("mine") == "1", before=_before(request),
    )
    return render(request, "programmes/referral_list.html", {
        "page": page, "programmes": catalogue.catalogue(), "state_groups": [
            ("", "All"), ("draft", "Drafts"), ("waiting", "Waiting"), ("on_programme", "On programme"), ("closed", "Closed"),
        ],
    })


@require_http_methods(["GET", "POST"])
@actor_required(A.REFERRAL_CREATE)
def referral_create(request: HttpRequest, person_pk: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    person = person_locate(actor=actor, pk=person_pk)
    justification = justification_for(actor, person)
    cases = [(r.case_id, f"{r.title} ({'suspended sentence order' if r.order == 'suspended_sentence' else 'community order'})")
             for r in courts_ports.programme_requirements(actor=actor, person_id=person.pk)]
    # Step by step (forms.REFERRAL_STEPS), the answers carried in the page; saved only from the check.
    guided = CarriedSteps(
        forms.REFERRAL_STEPS, partial(forms.ReferralForm.for_step, agency=actor.agency, court_cases=cases),
        request.POST if request.method == "POST" else None,
    )
    page = guided.page()
    if page.finished:
        data = guided.cleaned_data()
        site = data["site"]
        try:
            referral = services.referral_create(
                actor=actor, person=person, today=timezone.localdate(), justification=justification,
                data=services.ReferralInput(
                    programme_id=data["programme_id"], provider=site.agency, site=site, setting=data["setting"],
                    source=data["source"], information=data.get("information", ""),
                    court_case_id=data.get("court_case"), consent_given_on=data.get("consent_given_on"),
                ),
            )
        except ValidationError as exc:
            page = guided.refused(exc, forms.REFERRAL_SERVICE_FIELDS)
        else:
            messages.success(request, "Referral saved as a draft. Check it, then submit it.")
            return redirect("programmes:referral-detail", pk=referral.pk)
    return render(request, "programmes/referral_form.html", {
        **page.context(), "person": person, "back_url": reverse("people:detail", args=[person.pk]),
        "back_label": f"Back to {person.full_name}",
    })


@actor_required(A.REFERRAL_VIEW)
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    record = selectors.referral_open(actor=actor, pk=pk)
    referral = record.referral
    return render(request, "programmes/referral_detail.html", {
        "record": record, "referral": referral, "person": referral.person,
        "suitability": selectors.suitability(actor=actor, referral=referral),
        "transitions": workflow_selectors.available_transitions(actor=actor, workflow=REFERRAL, obj=referral),
        "history": workflow_selectors.history(workflow=REFERRAL, obj=referral), "workflow": REFERRAL,
        "may_report": record.report is not None and policy.allows(actor, A.REPORT_VIEW),
        "waiting_days": referral.waiting_days(timezone.localdate()), "closed": referral.state in CLOSED,
    })


@actor_required(A.REFERRAL_VIEW)
def referral_states(request: HttpRequest) -> HttpResponse:
    return render(request, "programmes/referral_states.html", {"workflow": REFERRAL})


@require_http_methods(["GET", "POST"])
@actor_required(A.REFERRAL_VIEW)
def referral_transition(request: HttpRequest, pk: int, transition: str) -> HttpResponse:
    actor = _actor(request)
    referral = selectors.referral_locate(actor=actor, pk=pk)
    justification_for(actor, referral.person)
    step = REFERRAL.find(transition, referral.state)
    offered = {t.name for t in workflow_selectors.available_transitions(actor=actor, workflow=REFERRAL, obj=referral)}
    if step is None or transition not in offered:
        raise Http404
    form = TransitionForm(request.POST or None, transition=step, initial={"expected_state": referral.state})
    summary = forms.CompletionSummaryForm(request.POST or None) if transition in ("complete", "deselect") else None
    if request.method == "POST" and form.is_valid() and (summary is None or summary.is_valid()):
        try:
            services.referral_transition(
                actor=actor, referral=referral, transition=transition, now=timezone.now(),
                reason_code=form.cleaned_data.get("reason_code", ""), reason_text=form.cleaned_data.get("reason_text", ""),
                expected_state=form.cleaned_data["expected_state"],
                summary=summary.cleaned_data.get("summary", "") if summary else "",
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Done: {step.label.lower()}. The referral is now “{referral.state_label}”.")
            return redirect("programmes:referral-detail", pk=referral.pk)
    return render(request, "programmes/referral_transition.html", {
        "form": form, "summary_form": summary, "step": step, "referral": referral, "person": referral.person,
    })


@actor_required(A.REPORT_VIEW)
def report_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    data = selectors.report_data(actor=actor, referral_pk=pk)
    services.report_opened(actor=actor, report=data.report, now=timezone.now(), purpose="programmes.report.view")
    return render(request, "programmes/report.html", report.context(actor=actor, data=data))


@actor_required(A.REPORT_VIEW)
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    data = selectors.report_data(actor=actor, referral_pk=pk)
    services.report_opened(actor=actor, report=data.report, now=timezone.now(), purpose="programmes.report.pdf")
    return report.pdf_response(actor=actor, data=data)


# --- Police invitations ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@actor_required(A.INVITATION_RECORD)
def invitation_create(request: HttpRequest, person_pk: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    person = person_locate(actor=actor, pk=person_pk)
    justification = justification_for(actor, person)
    form = forms.InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_record(
                actor=actor, person=person, programme_id=form.cleaned_data["programme_id"],
                provider=form.cleaned_data["provider"], invited_on=form.cleaned_data["invited_on"],
                today=timezone.localdate(), justification=justification,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Invitation recorded.")
            return redirect("people:detail", pk=person.pk)
    return _form_page(request, form, title="Record an invitation to self-refer", caption=f"{person.full_name} ({person.reference})",
                      intro="For a person at the lower end of offending whom your force invites to refer themselves to a course. "
                            "If they take it up, record their consent here and the referral is made.",
                      back_url=reverse("people:detail", args=[person.pk]), back_label=f"Back to {person.full_name}")


@require_http_methods(["GET", "POST"])
@actor_required(A.INVITATION_RECORD)
def invitation_take_up(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    invitation = selectors.locate(actor, A.INVITATION_RECORD, Invitation.objects.select_related("person", "provider_agency"), pk)
    justification = justification_for(actor, invitation.person)
    form = forms.TakeUpForm(request.POST or None, provider=invitation.provider_agency)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.invitation_take_up(
                actor=actor, invitation=invitation, taken_up_on=form.cleaned_data["taken_up_on"],
                consent_given_on=form.cleaned_data["consent_given_on"], site=form.cleaned_data["site"],
                now=timezone.now(), justification=justification,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The self-referral was made with the person's consent and submitted.")
            return redirect("programmes:referral-detail", pk=referral.pk)
    return _form_page(request, form, title="The invitation was taken up",
                      caption=f"{invitation.person.full_name}: {selectors.programme_name(invitation.programme_id)}",
                      intro=f"The person refers themselves to {invitation.provider_agency.name}. Their consent lets the "
                            "provider hold their record for the referral, which is submitted at once.",
                      back_url=reverse("people:detail", args=[invitation.person_id]), button="Record consent and refer")


# --- Waiting list, groups and sessions ------------------------------------------------------------


@actor_required(A.REFERRAL_PROGRESS)
def waiting_list(request: HttpRequest) -> HttpResponse:
    site = request.GET.get("site", "")
    found = selectors.waiting_list(
        actor=_actor(request), today=timezone.localdate(), programme_id=request.GET.get("programme", ""),
        site_id=int(site) if site.isdigit() else None, before=_before(request),
    )
    return render(request, "programmes/waiting_list.html", {"waiting": found})


@actor_required(A.GROUP_VIEW)
def group_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    rows, next_before = selectors.group_list(actor=_actor(request), status=status if status in GroupStatus.values else "",
                                             before=_before(request))
    return render(request, "programmes/group_list.html", {"rows": rows, "next_before": next_before,
                                                          "statuses": GroupStatus.choices, "status": status})


@require_http_methods(["GET", "POST"])
@actor_required(A.GROUP_MANAGE)
def group_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = forms.GroupForm(request.POST or None, agency=actor.agency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = services.group_create(actor=actor, today=timezone.localdate(), data=services.GroupInput(
                programme_id=data["programme_id"], site=data["site"], room=data["room"], start_date=data["start_date"],
                slots=forms.slot_list(data["days"], data["start_time"]), facilitators=tuple(data["facilitators"]),
                cohort=data["cohort"], learning_needs_adapted=data["learning_needs_adapted"], max_size=data.get("max_size"),
                partner_agency=data.get("partner_agency"), treatment_manager=actor.user,
            ))
        except ValidationError as exc:
            _errors_on(form, exc, {"slots": "days", "programme": "programme_id"})
        else:
            messages.success(request, f"Group {group.code} set up and its sessions planned.")
            return redirect("programmes:group-detail", pk=group.pk)
    return render(request, "programmes/group_form.html", {"form": form, "has_sites": form.fields["site"].queryset.exists()})  # type: ignore[attr-defined]


def _errors_on(form: Any, exc: ValidationError, rename: dict[str, str]) -> None:
    """A service's field names where the form calls them differently."""
    if hasattr(exc, "error_dict"):
        exc = ValidationError({rename.get(k, k): v for k, v in exc.error_dict.items()})
    add_service_errors(form, exc)


@actor_required(A.GROUP_VIEW)
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    record = selectors.group_open(actor=actor, pk=pk)
    return render(request, "programmes/group_detail.html", {
        "record": record, "group": record.group, "template": record.template,
        "may_manage": policy.allows(actor, A.GROUP_MANAGE, record.group),
        "may_run": policy.allows(actor, A.SESSION_RUN, record.group), "now": timezone.now(),
    })


@require_http_methods(["GET", "POST"])
@actor_required(A.GROUP_MANAGE)
def group_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    group = selectors.group_locate(actor=actor, pk=pk, action=A.GROUP_MANAGE)
    form = forms.RescheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        slots = forms.slot_list(data["days"], data["start_time"]) if data.get("days") else None
        try:
            count = services.group_reschedule(actor=actor, group=group, from_date=data["from_date"],
                                              today=timezone.localdate(), slots=slots)
        except ValidationError as exc:
            _errors_on(form, exc, {"slots": "days"})
        else:
            messages.success(request, f"{count} sessions planned again from the day you chose.")
            return redirect("programmes:group-detail", pk=group.pk)
    return _form_page(request, form, title="Reschedule the group", caption=f"Group {group.code}",
                      intro="Sessions already held, and every session with a register, keep their dates; catch-ups and "
                            "booked one-to-ones stay. The rest of the programme is planned again, skipping bank holidays "
                            "and closures.", back_url=reverse("programmes:group-detail", args=[group.pk]), button="Reschedule")


@require_http_methods(["GET", "POST"])
@actor_required(A.GROUP_MANAGE)
def group_allocate(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    group = selectors.group_locate(actor=actor, pk=pk, action=A.GROUP_MANAGE)
    candidates = list(
        selectors.scoped(actor, A.REFERRAL_PROGRESS, Referral.objects.select_related("person"))
        .filter(state="assessed_suitable", programme_id=group.programme_id)
        .exclude(memberships__status__in=(MemberStatus.ALLOCATED, MemberStatus.ACTIVE))
        .order_by("submitted_on", "pk")[:100]
    )
    form = forms.AllocateForm(request.POST or None, referrals=forms.member_choices_for_referrals(candidates))
    if request.method == "POST" and form.is_valid():
        referral = next(r for r in candidates if r.pk == form.cleaned_data["referral"])
        try:
            services.member_allocate(actor=actor, group=group, referral=referral, joined_on=form.cleaned_data["joined_on"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{referral.person.full_name} has a place in group {group.code}.")
            return redirect("programmes:group-detail", pk=group.pk)
    return render(request, "programmes/group_allocate.html", {"form": form, "group": group, "candidates": candidates})


def _members(group: Any) -> list[GroupMember]:
    return list(group.members.filter(status__in=(MemberStatus.ALLOCATED, MemberStatus.ACTIVE)).select_related("person"))


@require_http_methods(["GET", "POST"])
@actor_required(A.SESSION_RUN)
def catch_up(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    group = selectors.group_locate(actor=actor, pk=pk, action=A.SESSION_RUN)
    template = services.template_of_group(group)
    numbers = [(s.number, f"{s.number}. {s.name}") for s in template.sessions]
    form = forms.SessionTimeForm(request.POST or None, members=_members(group), numbers=numbers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = GroupMember.objects.filter(pk=data["member"], group=group).first()
        try:
            services.catch_up_add(actor=actor, group=group, number=data["number"], member=member, day=data["day"],
                                  start=data["start_time"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Catch-up session added. The group's plan is unchanged.")
            return redirect("programmes:group-detail", pk=group.pk)
    return _form_page(request, form, title="Add a catch-up session", caption=f"Group {group.code}",
                      intro="A catch-up repeats one session of the programme for one member. It does not move the group's plan.",
                      back_url=reverse("programmes:group-detail", args=[group.pk]), button="Add the catch-up")


@require_http_methods(["GET", "POST"])
@actor_required(A.SESSION_RUN)
def book(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    placeholder = selectors.session_locate(actor=actor, pk=pk)
    group = placeholder.group
    form = forms.SessionTimeForm(request.POST or None, members=_members(group))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = GroupMember.objects.filter(pk=data["member"], group=group).first()
        try:
            services.one_to_one_book(actor=actor, placeholder=placeholder, member=member, day=data["day"],
                                     start=data["start_time"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "One-to-one booked.")
            return redirect("programmes:group-detail", pk=group.pk)
    return _form_page(request, form, title=f"Book a one-to-one: {placeholder.name}", caption=f"Group {group.code}",
                      intro=f"Book it on {date_words(placeholder.day)} or later.",
                      back_url=reverse("programmes:group-detail", args=[group.pk]), button="Book")


@require_http_methods(["GET", "POST"])
@actor_required(A.SESSION_RUN)
def register(request: HttpRequest, pk: int) -> HttpResponse:
    """One row per member, one radio group per row: Tab moves from row to row, the arrow keys choose."""
    actor = _actor(request)
    errors: list[dict[str, str]] = []
    chosen: dict[int, str] = {}
    if request.method == "POST":
        session = selectors.session_locate(actor=actor, pk=pk)
        chosen = forms.outcomes_from(request.POST, [])
        try:
            services.register_take(actor=actor, session=session, outcomes=chosen, now=timezone.now())
        except ValidationError as exc:
            errors = [{"anchor": "register-table", "message": m} for m in exc.messages]
        else:
            messages.success(request, f"Register saved for {session.group.code}, session {session.number}.")
            return redirect("programmes:register", pk=session.pk)
    view = selectors.register_view(actor=actor, pk=pk)
    rows = [(row, chosen.get(row.member.pk, row.outcome)) for row in view.rows]
    return render(request, "programmes/register.html", {
        "register": view, "session": view.session, "rows": rows, "errors": errors,
        "outcomes": [(code, forms.OUTCOME_SHORT[Outcome(code)]) for code, _ in view.outcomes],
    }, status=422 if errors else 200)


@actor_required(A.SESSION_RUN)
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.member_open(actor=_actor(request), pk=pk)
    return render(request, "programmes/member.html", {"record": record, "member": record.member,
                                                      "scale": domains.SCALE, "today": timezone.localdate()})


@require_http_methods(["GET", "POST"])
@actor_required(A.SESSION_RUN)
def review(request: HttpRequest, pk: int, module: int) -> HttpResponse:
    actor = _actor(request)
    member = selectors.member_locate(actor=actor, pk=pk)
    if member.person is not None:
        justification_for(actor, member.person)
    template = services.template_of_group(member.group)
    found = template.module(module)
    if found is None:
        raise Http404
    existing = member.reviews.filter(module=module).first()
    initial = {d: getattr(existing, d) for d in domains.CODES} | {"notes": existing.notes} if existing else {}
    form = forms.ReviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.module_review_save(actor=actor, member=member, module=module, today=timezone.localdate(),
                                        ratings={d: form.cleaned_data[d] for d in domains.CODES},
                                        notes=form.cleaned_data["notes"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Ratings for module {module} saved.")
            return redirect("programmes:member", pk=member.pk)
    return render(request, "programmes/review_form.html", {"form": form, "member": member, "module": found})


@require_http_methods(["GET", "POST"])
@actor_required(A.SESSION_RUN)
def homework(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    item = selectors.homework_locate(actor=actor, pk=pk)
    form = forms.HomeworkForm(request.POST or None, initial={"status": item.status, "feedback": item.feedback})
    if request.method == "POST" and form.is_valid():
        try:
            services.homework_update(actor=actor, homework=item, status=form.cleaned_data["status"],
                                     feedback=form.cleaned_data["feedback"], today=timezone.localdate())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Homework updated.")
            return redirect("programmes:member", pk=item.member_id)
    return _form_page(request, form, title=f"Homework: {item.title}", caption=item.member.display_name,
                      intro=f"Set {date_words(item.set_on)}, due {date_words(item.due_on)}.",
                      back_url=reverse("programmes:member", args=[item.member_id]))


# --- Custody and release --------------------------------------------------------------------------


@actor_required(A.RELEASE_GAP_VIEW)
def release_gap(request: HttpRequest) -> HttpResponse:
    gap = selectors.release_gap(actor=_actor(request), today=timezone.localdate(), limit=200)
    return render(request, "programmes/release_gap.html", {"gap": gap})


@require_http_methods(["GET", "POST"])
@actor_required(A.CUSTODY_RECORD)
def custody(request: HttpRequest, person_pk: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    person = person_locate(actor=actor, pk=person_pk)
    justification = justification_for(actor, person)
    current = CustodyPeriod.objects.filter(person=person, released_on__isnull=True).first()
    initial = {"received_on": current.received_on, "expected_release_on": current.expected_release_on} if current else {}
    form = forms.CustodyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.custody_record(actor=actor, person=person, today=timezone.localdate(),
                                    expected_release_on=form.cleaned_data["expected_release_on"],
                                    received_on=form.cleaned_data.get("received_on"), justification=justification)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Custody and expected release date recorded.")
            return redirect("people:detail", pk=person.pk)
    return _form_page(request, form, title="Custody and expected release", caption=f"{person.full_name} ({person.reference})",
                      intro="The expected release date puts the person on the release-without-treatment list when their "
                            "pathway calls for a programme they have not completed.",
                      back_url=reverse("people:detail", args=[person.pk]), back_label=f"Back to {person.full_name}")


# --- Sites and closures ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@actor_required(A.GROUP_MANAGE)
def sites(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = forms.SiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.site_create(actor=actor, name=form.cleaned_data["name"], region=form.cleaned_data["region"],
                                 rooms=form.room_names())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Site added.")
            return redirect("programmes:sites")
    return render(request, "programmes/sites.html", {"form": form, "sites": selectors.sites_of(actor=actor)})


@require_http_methods(["GET", "POST"])
@actor_required(A.GROUP_MANAGE)
def closure_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    site = selectors.locate(actor, A.GROUP_MANAGE, Site.objects.all(), pk)
    form = forms.ClosureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.closure_add(actor=actor, site=site, day=form.cleaned_data["day"], reason=form.cleaned_data["reason"],
                                 today=timezone.localdate())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Closure recorded. Sessions planned on that day have moved on.")
            return redirect("programmes:sites")
    return _form_page(request, form, title=f"Close {site.name} for a day", caption="Site closure",
                      intro="No session is planned on a closed day. Sessions already planned on it, without a register, "
                            "move on to the next free slot, as for a bank holiday.",
                      back_url=reverse("programmes:sites"), button="Record the closure")

