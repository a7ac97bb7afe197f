"""Sentencing pages: cases, the guided steps, comparison, the pre-sentence report, guideline
administration. Thin: parse, authorise (selectors and services), call, render."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeguard import policy
from safeguard.core import exports
from safeguard.core.decorators import actor_required
from safeguard.core.forms import add_service_errors
from safeguard.core.steps import Step
from safeguard.core.templatetags.govuk import error_anchor
from safeguard.courts import (
    guideline_admin,
    integrations,
    library,
    presenters,
    progress,
    report,
    selectors,
    services,
    steps,
    wording,
)
from safeguard.courts.forms import (
    STEP_FORMS,
    CaseForm,
    OffencesStepForm,
    ReportDetailsForm,
    ScenarioForm,
    SignReportForm,
    StepContext,
    StepForm,
    UploadForm,
    VerifyForm,
)
from safeguard.courts.models import CaseScenario, SentencingCase, VerifiedPart
from safeguard.courts.policies import CourtsAction
from safeguard.guidelines import GuidelineError
from safeguard.policy import Action


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _post(request: HttpRequest) -> Any:
    """The submitted data, or None for a GET (an empty POST is still a submission)."""
    return request.POST if request.method == "POST" else None


@require_GET
@actor_required(CourtsAction.SENTENCING_CASE_VIEW)
def case_list(request: HttpRequest) -> HttpResponse:
    page = selectors.case_list(actor=request.actor, page=_page_number(request))  # type: ignore[attr-defined]
    return render(request, "courts/case_list.html", {"page": page})


CASE_COLUMNS: list[exports.Column[SentencingCase]] = [
    exports.Column("Case", lambda c: c.display_title),
    exports.Column("Person reference", lambda c: c.person.reference if c.person else ""),
    exports.Column("Scenarios", lambda c: c.scenario_count),  # type: ignore[attr-defined]
    exports.Column("Started by", lambda c: c.created_by.get_full_name() or c.created_by.username),
    exports.Column("Started", lambda c: c.created_at),
    exports.Column("Last changed", lambda c: c.updated_at),
]


@require_GET
@actor_required(CourtsAction.SENTENCING_CASE_VIEW)
def case_list_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    actor = request.actor  # type: ignore[attr-defined]
    listed = exports.ExportList(
        rows=selectors.listed_cases(actor=actor), columns=CASE_COLUMNS, name="sentencing.cases",
        filename="sentencing-cases", list_url=reverse("courts:case-list"), object_type=selectors.OBJECT_TYPE,
    )
    return exports.export_response(request, actor=actor, export=listed, fmt=fmt)


@require_http_methods(["GET", "POST"])
@actor_required(CourtsAction.SENTENCING_CASE_EDIT)
def case_create(request: HttpRequest) -> HttpResponse:
    """Start a case: search for the person (a plain GET form, live with htmx), choose, or go unnamed."""
    actor = request.actor  # type: ignore[attr-defined]
    source = request.POST if request.method == "POST" else request.GET
    query = str(source.get("q", ""))[:100].strip()
    chosen = str(source.get("person", ""))[:40]
    persons = selectors.person_choices(actor=actor, query=query, chosen=chosen)
    form = CaseForm(_post(request), persons=persons, initial={"person": chosen})
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_create(
                actor=actor, person_id=form.cleaned_data["person"] or None, title=form.cleaned_data["title"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            scenario = case.scenarios.first()
            messages.success(request, "Case created. Start with the offence and its dates.")
            if scenario is None:  # created with the case; this narrows the type
                return redirect("courts:case-detail", case_id=case.pk)
            return redirect("courts:scenario-step", case_id=case.pk, scenario_id=scenario.pk, step="offence")
    return render(
        request,
        "courts/case_form.html",
        {
            "form": form,
            "query": query,
            "persons": persons,
            "may_search": policy.allows(actor, Action.PERSON_VIEW),
        },
    )


def _report_words(case: SentencingCase) -> dict[str, str]:
    """What the case's report is called: a pre-sentence report where probation prepares it, the
    court's decision support summary otherwise."""
    if report.by_probation(case):
        return {"report_name": "Pre-sentence report", "report_link": "Pre-sentence report"}
    return {"report_name": "Sentencing decision support", "report_link": "Decision support summary"}


@require_GET
@actor_required(CourtsAction.SENTENCING_CASE_VIEW)
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.case_open(actor=request.actor, pk=case_id)  # type: ignore[attr-defined]
    scenarios = list(case.scenarios.all())
    return render(
        request,
        "courts/case_detail.html",
        {
            "case": case,
            "scenarios": scenarios,
            "rows": presenters.comparison(scenarios),
            "assessments_url": integrations.assessments_url(case.person) if case.person else "",
            **_report_words(case),
        },
    )


@require_http_methods(["GET", "POST"])
@actor_required(CourtsAction.SENTENCING_REPORT_PREPARE)
def case_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    if request.method == "POST":
        case = selectors.case_for_report(actor=actor, pk=case_id)
    else:
        case = selectors.case_open(actor=actor, pk=case_id)
    scenarios = list(case.scenarios.all())
    proposed = next((s.pk for s in scenarios if s.proposed), None)
    form = ReportDetailsForm(
        _post(request),
        scenarios=scenarios,
        initial={
            "suitability": case.suitability,
            "proposal": case.proposal,
            "proposed_scenario": proposed or "",
        },
    )
    if request.method == "POST":
        if form.is_valid():
            chosen = form.cleaned_data["proposed_scenario"]
            try:
                services.case_update_report(
                    actor=actor,
                    case=case,
                    suitability=form.cleaned_data["suitability"],
                    proposal=form.cleaned_data["proposal"],
                    proposed_scenario=int(chosen) if chosen else None,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Report details saved.")
                return redirect("courts:case-detail", case_id=case.pk)
        else:
            services.record_refusal(
                actor=actor, case=case, scenario=None, step="report", codes=list(form.errors)
            )
    return render(request, "courts/case_edit.html", {"case": case, "form": form})


@require_http_methods(["GET", "POST"])
@actor_required(CourtsAction.SENTENCING_REPORT_PREPARE)
def case_sign(request: HttpRequest, case_id: int) -> HttpResponse:
    """The probation officer signs the pre-sentence report (after reading it, confirmed)."""
    actor = request.actor  # type: ignore[attr-defined]
    if request.method == "POST":
        case = selectors.case_for_report(actor=actor, pk=case_id)
    else:
        case = selectors.case_open(actor=actor, pk=case_id, purpose="sentencing.report.view")
    form = SignReportForm(_post(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.case_sign_report(actor=actor, case=case)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Pre-sentence report signed.")
            return redirect("courts:case-report", case_id=case.pk)
    return render(request, "courts/case_sign.html", {"case": case, "form": form})


@require_http_methods(["GET", "POST"])
@actor_required(CourtsAction.SENTENCING_CASE_EDIT)
def scenario_create(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    if request.method == "POST":
        case = selectors.case_for_change(actor=actor, pk=case_id)
    else:
        case = selectors.case_open(actor=actor, pk=case_id)
    scenarios = list(case.scenarios.all())
    form = ScenarioForm(_post(request), scenarios=scenarios)
    if request.method == "POST":
        if form.is_valid():
            source = next((s for s in scenarios if str(s.pk) == form.cleaned_data["copy_from"]), None)
            try:
                scenario = services.scenario_create(
                    actor=actor, case=case, label=form.cleaned_data["label"], copy_from=source
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Scenario “{scenario.label}” added.")
                first = "position" if source is not None else "offence"
                return redirect("courts:scenario-step", case_id=case.pk, scenario_id=scenario.pk, step=first)
        else:
            services.record_refusal(
                actor=actor, case=case, scenario=None, step="new", codes=list(form.errors)
            )
    return render(request, "courts/scenario_form.html", {"case": case, "form": form})


def _request_of(scenario: CaseScenario, number: int) -> dict[str, Any]:
    """The engine request of offence `number` (1: the lead offence)."""
    if number == 1:
        return dict(scenario.request or {})
    others = scenario.other_offences or []
    if not 2 <= number <= len(others) + 1:
        raise Http404
    return dict(others[number - 2].get("request") or {})


def _step_context(
    case: SentencingCase, scenario: CaseScenario, state: library.LibraryState, number: int = 1
) -> StepContext:
    request = _request_of(scenario, number)
    offence = state.library.offence(str(request.get("offence", ""))) if request.get("offence") else None
    guideline = None
    if offence is not None and request.get("sentencing_date"):
        try:
            guideline = state.library.select(
                offence.id, date.fromisoformat(str(request["sentencing_date"])), field_name="sentencing_date"
            )
        except (GuidelineError, ValueError):
            guideline = None
    return StepContext(
        library=state.library,
        guideline=guideline,
        offence=offence,
        date_of_birth=case.person.date_of_birth if case.person else None,
        totality=scenario.totality if isinstance(scenario.totality, dict) else None,
        other=(scenario.other_offences or [])[number - 2] if number > 1 else None,
    )


def _where(
    scenario: CaseScenario,
    number: int,
    problem: dict[str, str],
    request: dict[str, Any],
) -> tuple[int, Step, str]:
    """(offence number, step, field within that offence) of a problem raised on offence `number`'s page."""
    field = problem.get("field", "")
    if field.startswith(("offences[", "totality")):
        target = steps.case_problem_target(problem, scenario.request or {})
        return target.offence + 1, target.step, target.field
    owner = steps.STEPS.step_for_field(field)
    if number == 1:
        return 1, owner, field
    return number, owner if owner.slug in steps.OFFENCE_STEP_SLUGS else steps.OFFENCE_STEPS[-1], field


def _show_problems(
    form: StepForm,
    problems: list[dict[str, str]],
    slug: str,
    scenario: CaseScenario,
    words: wording.Words,
    number: int = 1,
    request: dict[str, Any] | None = None,
) -> list[dict[str, str]]:
    """Engine problems on the fields they concern, in the forms' words; those of other steps link to
    that step."""
    elsewhere = []
    for problem in problems:
        message = presenters.capfirst(words(problem["message"]))
        owner_number, owner, field = _where(scenario, number, problem, request or {})
        here = (owner_number, owner.slug) == (number, slug)
        name = (form.field_for(field) or form.field_for(problem["field"])) if here else None
        if name is not None:
            form.add_error(name, message)
        elif not here:
            prefix = owner.title if owner_number == 1 else f"Offence {owner_number}, {owner.title.lower()}"
            elsewhere.append(
                {"href": progress.step_url(scenario, owner_number, owner.slug), "message": f"{prefix}: {message}"}
            )
        else:
            form.add_error(None, message)
    return elsewhere


def _summary(form: StepForm, elsewhere: list[dict[str, str]]) -> list[dict[str, str]]:
    errors: list[dict[str, str]] = []
    for name, found in form.errors.items():
        anchor = error_anchor(form, name)
        errors.extend({"href": f"#{anchor}" if anchor else "", "message": str(m)} for m in found)
    return errors + elsewhere


def _result_context(scenario: CaseScenario, words: wording.Words, number: int = 1) -> dict[str, Any]:
    if number == 1:
        result = scenario.result_data
    else:
        other = (scenario.other_offences or [])[number - 2]
        result = other.get("result") if isinstance(other.get("result"), dict) else None
    guideline = (result or {}).get("guideline") or {}
    records = list(
        selectors.verifications(
            guideline_id=str(guideline.get("id", "")), version=str(guideline.get("version", ""))
        )
    )
    return {
        "result": result,
        "determined": steps.determined(result),
        "words": words,
        "table": (result or {}).get("table"),
        "figures": presenters.figures(result, words) if result else [],
        "problem_links": progress.problem_links(scenario, words),
        "verification_notes": presenters.verification_notes(result, records),
        "library_problems": library.current().problems,
        "case_result": scenario.case_data,
        "offence_lines": presenters.offence_lines(scenario),
        "sentence_headline": presenters.sentence_headline(scenario),
        "headline": presenters.headline(scenario),
    }


RETURN_TO_CHECK = "check"


def _step_page(request: HttpRequest, case_id: int, scenario_id: int, slug: str, number: int) -> HttpResponse:
    """A step of the lead offence (number 1) or of a further offence (number 2 and up)."""
    sequence = steps.STEPS if number == 1 else steps.OFFENCE_STEPS
    current = sequence.get(slug)
    if current is None:
        raise Http404
    actor = request.actor  # type: ignore[attr-defined]
    if request.method == "POST":
        case, scenario = selectors.scenario_for_change(actor=actor, case_pk=case_id, scenario_pk=scenario_id)
    else:
        case, scenario = selectors.scenario_open(actor=actor, case_pk=case_id, scenario_pk=scenario_id)
    offence_request = _request_of(scenario, number)
    position = sequence.index_of(slug)
    following = sequence.next_step(slug)
    previous = sequence.previous_step(slug)
    check_url = reverse("courts:scenario-check", args=[case.pk, scenario.pk])
    # "Change" on the check-your-answers page comes back to it after the change.
    returning = (request.POST if request.method == "POST" else request.GET).get("return") == RETURN_TO_CHECK
    if returning:
        after = check_url
    elif following is not None:
        after = progress.step_url(scenario, number, following.slug)
    elif number > 1:
        after = progress.step_url(scenario, 1, "offences")
    else:
        after = check_url
    state = library.current()
    words = wording.Words(state)
    context = _step_context(case, scenario, state, number)
    form_class = STEP_FORMS[current.slug]
    form = form_class(
        request.POST if request.method == "POST" else None,
        context=context,
        initial=form_class.initial_for(offence_request, context),
    )
    elsewhere: list[dict[str, str]] = []
    if request.method == "POST":
        if current.slug == "category":
            return redirect(after)
        if form.is_valid():
            try:
                _save_step(actor, case, scenario, number, current.slug, form, offence_request)
            except services.Refused as refused:
                elsewhere = _show_problems(
                    form, refused.problems, current.slug, scenario, words, number, offence_request
                )
            else:
                return redirect(after)
        else:
            step_name = current.slug if number == 1 else f"offence{number}.{current.slug}"
            services.record_refusal(
                actor=actor,
                case=case,
                scenario=scenario,
                step=step_name,
                codes=[f"invalid:{n}" for n in form.errors],
            )
    other = (scenario.other_offences or [])[number - 2] if number > 1 else None
    if returning:
        back_url = check_url
    elif previous is not None:
        back_url = progress.step_url(scenario, number, previous.slug)
    else:
        back_url = reverse("courts:scenario-detail", args=[case.pk, scenario.pk])
    return render(
        request,
        f"courts/steps/{current.slug}.html",
        {
            "case": case,
            "scenario": scenario,
            "step": current,
            "number": position + 1,
            "total": len(sequence),
            "offence_number": number,
            "offence_label": str((other or {}).get("label") or f"Offence {number}") if other else "",
            "tasks": progress.lead_tasks(scenario) if number == 1 else progress.offence_tasks(scenario, number),
            "form": form,
            "groups": {
                name: form.groups(name)
                for name, field in form.fields.items()
                if isinstance(field.widget, forms.CheckboxSelectMultiple)
            },
            "errors": _summary(form, elsewhere) if request.method == "POST" else [],
            "guideline": context.guideline,
            "offence": context.offence,
            "back_url": back_url,
            "returning": returning,
            "next_url": after,
            "is_last": following is None,
            "lead_url": progress.step_url(scenario, 1, "offences"),
            **_result_context(scenario, words, number),
        },
    )


def _save_step(
    actor: Any,
    case: SentencingCase,
    scenario: CaseScenario,
    number: int,
    slug: str,
    form: StepForm,
    offence_request: dict[str, Any],
) -> None:
    if number == 1:
        totality: dict[str, Any] | bool | None = (
            form.totality() if isinstance(form, OffencesStepForm) else False
        )
        services.scenario_save_step(
            actor=actor,
            case=case,
            scenario=scenario,
            step=slug,
            request=form.apply(offence_request),
            totality=totality,
        )
    elif slug == "relation":
        services.offence_save_step(
            actor=actor, case=case, scenario=scenario, number=number, step=slug,
            relation=form.cleaned_data["relation"], label=form.cleaned_data["label"],
        )  # fmt: skip
    else:
        services.offence_save_step(
            actor=actor,
            case=case,
            scenario=scenario,
            number=number,
            step=slug,
            request=form.apply(offence_request),
        )


@require_http_methods(["GET", "POST"])
@actor_required(CourtsAction.SENTENCING_CASE_VIEW)
def scenario_step(request: HttpRequest, case_id: int, scenario_id: int, step: str) -> HttpResponse:
    return _step_page(request, case_id, scenario_id, step, 1)


@require_http_methods(["GET", "POST"])
@actor_required(CourtsAction.SENTENCING_CASE_VIEW)
def offence_step(
    request: HttpRequest, case_id: int, scenario_id: int, number: int, step: str
) -> HttpResponse:
    if number < 2:
        raise Http404
    return _step_page(request, case_id, scenario_id, step, number)


@require_POST
@actor_required(CourtsAction.SENTENCING_CASE_EDIT)
def offence_add(request: HttpRequest, case_id: int, scenario_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    case, scenario = selectors.scenario_for_change(actor=actor, case_pk=case_id, scenario_pk=scenario_id)
    try:
        number = services.offence_add(actor=actor, case=case, scenario=scenario)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("courts:scenario-step", case_id=case.pk, scenario_id=scenario.pk, step="offences")
    messages.success(
        request, f"Offence {number} added, with the lead offence's dates and court. Choose the offence."
    )
    return redirect(
        "courts:offence-step", case_id=case.pk, scenario_id=scenario.pk, number=number, step="offence"
    )


@require_POST
@actor_required(CourtsAction.SENTENCING_CASE_EDIT)
def offence_remove(request: HttpRequest, case_id: int, scenario_id: int, number: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    case, scenario = selectors.scenario_for_change(actor=actor, case_pk=case_id, scenario_pk=scenario_id)
    others = scenario.other_offences or []
    label = str(others[number - 2].get("label") or "") if 2 <= number <= len(others) + 1 else ""
    services.offence_remove(actor=actor, case=case, scenario=scenario, number=number)
    messages.success(request, f"{label or f'Offence {number}'} removed from this scenario.")
    return redirect("courts:scenario-step", case_id=case.pk, scenario_id=scenario.pk, step="offences")


@require_GET
@actor_required(CourtsAction.SENTENCING_CASE_VIEW)
def scenario_detail(request: HttpRequest, case_id: int, scenario_id: int) -> HttpResponse:
    """The scenario: its steps as a task list with their status, and the result with every figure."""
    actor = request.actor  # type: ignore[attr-defined]
    case, scenario = selectors.scenario_open(actor=actor, case_pk=case_id, scenario_pk=scenario_id)
    words = wording.Words()
    return render(
        request,
        "courts/scenario_detail.html",
        {
            "case": case,
            "scenario": scenario,
            "tasks": progress.lead_tasks(scenario),
            "offence_tasks": [
                {
                    "number": number,
                    "label": str(other.get("label") or f"Offence {number}"),
                    "tasks": progress.offence_tasks(scenario, number),
                }
                for number, other in enumerate(scenario.other_offences or [], start=2)
            ],
            "treatment": presenters.treatment(scenario),
            **_report_words(case),
            **_result_context(scenario, words),
        },
    )


def _answers(
    case: SentencingCase, scenario: CaseScenario, state: library.LibraryState, words: wording.Words,
    number: int,
) -> list[dict[str, Any]]:  # fmt: skip
    """Each step of offence `number` with the answers given on it, and where to change them."""
    sequence = steps.STEPS if number == 1 else steps.OFFENCE_STEPS
    context = _step_context(case, scenario, state, number)
    request = _request_of(scenario, number)
    sections = []
    for item in sequence:
        if item.slug == "category":
            continue  # nothing is answered there: the figures follow from the factors
        form_class = STEP_FORMS[item.slug]
        form = form_class(context=context, initial=form_class.initial_for(request, context))
        sections.append(
            {
                "step": item,
                "rows": presenters.answer_rows(form, words),
                "url": progress.step_url(scenario, number, item.slug) + f"?return={RETURN_TO_CHECK}",
            }
        )
    return sections


@require_GET
@actor_required(CourtsAction.SENTENCING_CASE_VIEW)
def scenario_check(request: HttpRequest, case_id: int, scenario_id: int) -> HttpResponse:
    """Check your answers: every answer of every step, each with a link to change it."""
    actor = request.actor  # type: ignore[attr-defined]
    case, scenario = selectors.scenario_open(actor=actor, case_pk=case_id, scenario_pk=scenario_id)
    state = library.current()
    words = wording.Words(state)
    offences = [{"number": 1, "label": "", "sections": _answers(case, scenario, state, words, 1)}]
    offences += [
        {
            "number": number,
            "label": str(other.get("label") or f"Offence {number}"),
            "sections": _answers(case, scenario, state, words, number),
        }
        for number, other in enumerate(scenario.other_offences or [], start=2)
    ]
    return render(
        request,
        "courts/scenario_check.html",
        {
            "case": case,
            "scenario": scenario,
            "offences": offences,
            "problem_links": progress.problem_links(scenario, words),
            "sentence_headline": presenters.sentence_headline(scenario),
            "headline": presenters.headline(scenario),
            "may_edit": policy.allows(actor, CourtsAction.SENTENCING_CASE_EDIT),
        },
    )


@require_GET
@actor_required(CourtsAction.SENTENCING_CASE_VIEW)
def case_compare(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.case_open(actor=request.actor, pk=case_id, purpose="sentencing.case.compare")  # type: ignore[attr-defined]
    scenarios = list(case.scenarios.all())
    return render(
        request,
        "courts/compare.html",
        {
            "case": case,
            "rows": presenters.comparison(scenarios),
            "assessments_url": integrations.assessments_url(case.person) if case.person else "",
        },
    )


@require_GET
@actor_required(CourtsAction.SENTENCING_CASE_VIEW)
def case_report(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    case, risk = selectors.case_report(actor=actor, pk=case_id, purpose="sentencing.report.view")
    return render(request, "courts/report.html", report.context(actor=actor, case=case, risk=risk))


@require_GET
@actor_required(CourtsAction.SENTENCING_CASE_VIEW)
def case_report_pdf(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    case, risk = selectors.case_report(actor=actor, pk=case_id, purpose="sentencing.report.pdf")
    return report.pdf_response(actor=actor, case=case, risk=risk)


# --- guideline administration ------------------------------------------------------------------------


def _versions(state: library.LibraryState) -> list[dict[str, Any]]:
    records = list(selectors.verifications())
    rows = []
    for guideline in sorted(state.library.guidelines, key=lambda g: (g.id, g.effective_from)):
        parts = [
            {
                "id": part,
                "label": VerifiedPart(part).label,
                "marked_verified": guideline_admin.marked_verified(guideline, part),
                "records": [
                    r
                    for r in records
                    if r.guideline_id == guideline.id
                    and r.version == guideline.version
                    and r.table_id == part
                ],
            }
            for part in guideline_admin.parts(guideline)
        ]
        rows.append(
            {
                "guideline": guideline,
                "summary": guideline.summary(),
                "origin": state.origin(guideline.id, guideline.version),
                "parts": parts,
                "sha256": state.text_sha256(guideline.id, guideline.version),
            }
        )
    return rows


@require_GET
@actor_required(CourtsAction.GUIDELINES_MANAGE)
def guideline_list(request: HttpRequest) -> HttpResponse:
    state = library.current()
    return render(
        request,
        "courts/guidelines/list.html",
        {
            "versions": _versions(state),
            "uploads": selectors.uploads(actor=request.actor)[:50],  # type: ignore[attr-defined]
            "state": state,
        },
    )


@require_http_methods(["GET", "POST"])
@actor_required(CourtsAction.GUIDELINES_MANAGE)
def guideline_upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(_post(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            upload = services.guideline_upload(
                actor=request.actor,  # type: ignore[attr-defined]
                content=form.cleaned_data["file"].read(guideline_admin.MAX_UPLOAD_BYTES + 1),
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{upload.file_name} accepted and now in use for calculations.")
            return redirect("courts:guideline-list")
    return render(request, "courts/guidelines/upload.html", {"form": form})


@require_GET
@actor_required(CourtsAction.GUIDELINES_MANAGE)
def guideline_upload_detail(request: HttpRequest, upload_id: int) -> HttpResponse:
    upload = selectors.upload_detail(actor=request.actor, pk=upload_id)  # type: ignore[attr-defined]
    return render(request, "courts/guidelines/upload_detail.html", {"upload": upload})


@require_http_methods(["GET", "POST"])
@actor_required(CourtsAction.GUIDELINES_MANAGE)
def guideline_verify(request: HttpRequest, guideline_id: str, version: str) -> HttpResponse:
    state = library.current()
    guideline = guideline_admin.find(state.library, guideline_id, version)
    if guideline is None:
        raise Http404
    parts = guideline_admin.parts(guideline)
    form = VerifyForm(_post(request), parts=parts, initial={"part": request.GET.get("part", "")})
    if request.method == "POST" and form.is_valid():
        try:
            services.guideline_verify(
                actor=request.actor,  # type: ignore[attr-defined]
                guideline_id=guideline_id,
                version=version,
                part=form.cleaned_data["part"],
                verified_against=form.cleaned_data["verified_against"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Verification recorded.")
            return redirect("courts:guideline-list")
    shown = [
        {
            "id": part,
            "label": VerifiedPart(part).label,
            "figures": guideline_admin.figures(guideline, part),
            "marked_verified": guideline_admin.marked_verified(guideline, part),
        }
        for part in parts
    ]
    return render(
        request,
        "courts/guidelines/verify.html",
        {"guideline": guideline, "form": form, "parts": shown, "origin": state.origin(guideline_id, version)},
    )
