"""Person pages: search, record, create, and additions to the record. Thin: parse, authorise, call."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods

from safeguard.accounts.forms import JustificationForm
from safeguard.accounts.middleware import JUSTIFICATIONS_KEY
from safeguard.core.decorators import actor_required
from safeguard.core.forms import add_service_errors
from safeguard.people import selectors, services
from safeguard.people.forms import AddressForm, ConvictionForm, NoteForm, PersonForm
from safeguard.policy import Action


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@actor_required(Action.PERSON_VIEW)
def person_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    cursor = request.GET.get("cursor", "")[:600]
    try:
        page = selectors.person_search(actor=request.actor, query=query, page=_page_number(request), cursor=cursor)  # type: ignore[attr-defined]
    except ValidationError:
        messages.info(request, "That page link no longer works: here is the first page.")
        return redirect(reverse("people:list") + ("?" + urlencode({"q": query}) if query else ""))
    template = "people/_results.html" if request.htmx else "people/person_list.html"  # type: ignore[attr-defined]
    return render(request, template, {"page": page, "query": query})


@actor_required(Action.PERSON_VIEW)
def person_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    record = selectors.person_record(actor=request.actor, pk=pk)  # type: ignore[attr-defined]
    person = record.person
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "record": record,
            "aliases": person.aliases.all(),
            "addresses": person.addresses.all(),
            "convictions": person.convictions.all(),
            "notes": person.notes.select_related("author", "agency")[:50],
        },
    )


@require_http_methods(["GET", "POST"])
@actor_required(Action.PERSON_VIEW)
def person_justify(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    person = selectors.person_locate(actor=request.actor, pk=pk)  # type: ignore[attr-defined]
    form = JustificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reasons = dict(request.session.get(JUSTIFICATIONS_KEY, {}))
        reasons[str(person.pk)] = form.cleaned_data["justification"]
        request.session[JUSTIFICATIONS_KEY] = reasons
        # Back where the reason was asked for (another app's page of this person), else the record.
        back = request.GET.get("next", "")
        if back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            return redirect(back)
        return redirect("people:detail", pk=pk)
    return render(request, "people/justify.html", {"form": form, "person_reference": person.reference, "pk": pk})


@require_http_methods(["GET", "POST"])
@actor_required(Action.PERSON_CREATE)
def person_create(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(actor=request.actor, data=form.cleaned_data)  # type: ignore[attr-defined]
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Record {person.reference} created.")
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form})


def _add_to_record(
    request: HttpRequest, pk: uuid.UUID, action: str, form_class: type[forms.Form], title: str
) -> HttpResponse:
    person, justification = selectors.person_for_change(actor=request.actor, pk=pk, action=action)  # type: ignore[attr-defined]
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actor = request.actor  # type: ignore[attr-defined]
        try:
            if form_class is NoteForm:
                services.note_add(actor=actor, person=person, body=form.cleaned_data["body"], justification=justification)
            elif form_class is ConvictionForm:
                services.conviction_add(actor=actor, person=person, data=form.cleaned_data, justification=justification)
            else:
                services.address_add(actor=actor, person=person, data=form.cleaned_data, justification=justification)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{title} added.")
            return redirect("people:detail", pk=pk)
    return render(
        request, "people/record_addition.html", {"form": form, "title": title, "pk": pk, "reference": person.reference}
    )


@require_http_methods(["GET", "POST"])
@actor_required(Action.PERSON_VIEW)
def note_create(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return _add_to_record(request, pk, Action.PERSON_NOTE_ADD, NoteForm, "Case note")


@require_http_methods(["GET", "POST"])
@actor_required(Action.PERSON_VIEW)
def conviction_create(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return _add_to_record(request, pk, Action.PERSON_EDIT, ConvictionForm, "Conviction")


@require_http_methods(["GET", "POST"])
@actor_required(Action.PERSON_VIEW)
def address_create(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return _add_to_record(request, pk, Action.PERSON_EDIT, AddressForm, "Address")
