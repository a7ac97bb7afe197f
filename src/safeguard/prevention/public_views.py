"""The public pages of the prevention service, under /help/<language>/ (no sign-in).

Before a conversation starts these pages set no cookie at all: the language is in the address
(ADR 0009), and no form carries a CSRF token (that would set Django's CSRF cookie). Forged
cross-site posts are refused from the browser's own Sec-Fetch-Site and Origin headers instead, and
once a conversation is open its one cookie is SameSite=Strict (ADR 0020). Every page has a CSP
that allows no script at all and nothing from any other origin. No page reads or keeps an IP
address or user agent.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from csp.constants import NONE, SELF
from csp.decorators import csp_replace
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from safeguard.core.i18n import public_page
from safeguard.prevention import help_seekers, modules, selectors, services, triage
from safeguard.prevention.choices import Author
from safeguard.prevention.forms import CentreChoiceForm, MessageForm, ReturnForm, StartForm
from safeguard.prevention.help_seekers import HelpSeeker

# No script, no connection, nothing from elsewhere: only this site's styles, fonts and images.
HELP_CSP = {
    "default-src": [NONE],
    "script-src": [NONE],
    "style-src": [SELF],
    "img-src": [SELF],
    "font-src": [SELF],
    "connect-src": [NONE],
    "form-action": [SELF],
}
View = Callable[..., HttpResponseBase]


def cross_site(request: HttpRequest) -> bool:
    """A post another site made the browser send (what a CSRF token would catch, without a cookie).

    Browsers send Sec-Fetch-Site (or at least Origin) with every form post; a client that sends
    neither is not a browser, and a forged request needs a victim's browser."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin != f"{request.scheme}://{request.get_host()}"
    return False


def help_page(methods: tuple[str, ...] = ("GET",)) -> Callable[[View], View]:
    """A public help page: its language from the address, the strict CSP, the allowed methods, and
    posts only from this site's own pages."""

    def decorator(view: View) -> View:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method == "POST" and cross_site(request):
                return render(request, "prevention/public/refused.html", status=403)
            return view(request, *args, **kwargs)

        wrapped = public_page(csp_replace(HELP_CSP)(require_http_methods(list(methods))(checked)))
        # Exempt from Django's CSRF check, which needs a cookie: `cross_site` does the checking.
        return csrf_exempt(wrapped)

    return decorator


def _posted(request: HttpRequest) -> Any:
    """The submitted data, or None for a GET (an empty post is still a submission)."""
    return request.POST if request.method == "POST" else None


def _now() -> Any:
    return timezone.now()


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    seeker = getattr(request, "help_seeker", None)
    return {"seeker": seeker, "language": get_language(), **extra}


def _find(request: HttpRequest) -> HelpSeeker | None:
    seeker = help_seekers.find(request, _now())
    request.help_seeker = seeker  # type: ignore[attr-defined]
    return seeker


def _forget_if_stale(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A cookie that no longer opens a session is removed, so nothing is left behind."""
    if help_seekers.COOKIE in request.COOKIES and getattr(request, "help_seeker", None) is None:
        help_seekers.clear_cookie(response)
    return response


def _page(request: HttpRequest, template: str, status: int = 200, **extra: Any) -> HttpResponse:
    return _forget_if_stale(request, render(request, template, _context(request, **extra), status=status))


def _url(name: str, **kwargs: Any) -> str:
    return reverse(f"help:{name}", kwargs={"language": get_language(), **kwargs})


def _redirect(name: str, anchor: str = "") -> HttpResponseRedirect:
    return HttpResponseRedirect(_url(name) + anchor, status=303)


# --- information pages ---------------------------------------------------------------------------


@help_page()
def home(request: HttpRequest) -> HttpResponse:
    _find(request)
    return _page(request, "prevention/public/home.html")


@help_page()
def confidentiality(request: HttpRequest) -> HttpResponse:
    _find(request)
    return _page(request, "prevention/public/confidentiality.html", retention_days=services.limit("RETENTION_DAYS"))


@help_page()
def self_help(request: HttpRequest) -> HttpResponse:
    _find(request)
    return _page(request, "prevention/public/self_help.html", modules=modules.MODULES)


@help_page()
def module(request: HttpRequest, slug: str) -> HttpResponse:
    found = modules.BY_SLUG.get(slug)
    if found is None:
        raise Http404
    _find(request)
    index = modules.MODULES.index(found)
    following = modules.MODULES[index + 1] if index + 1 < len(modules.MODULES) else None
    return _page(request, found.template, module=found, following=following)


@help_page()
def centres(request: HttpRequest) -> HttpResponse:
    _find(request)
    return _page(request, "prevention/public/centres.html",
                 centres=selectors.centres_with_waiting_times(now=_now()))


@help_page()
def urgent(request: HttpRequest) -> HttpResponse:
    _find(request)
    return _page(request, "prevention/public/urgent.html")


# --- the self-assessment -------------------------------------------------------------------------


def _answers(request: HttpRequest) -> dict[str, list[str]]:
    return {q.code: [v[:40] for v in request.POST.getlist(q.code)[:10]] for q in triage.QUESTIONS}


@help_page(methods=("GET", "POST"))
def self_assessment(request: HttpRequest) -> HttpResponse:
    """Done alone, nothing is kept: the answers go into the result page and nowhere else."""
    seeker = _find(request)
    if request.method == "POST":
        answers = _answers(request)
        try:
            result = triage.suggest(answers)
        except triage.InvalidAnswers as problems:
            return _page(request, "prevention/public/self_assessment.html", status=400,
                         questions=triage.QUESTIONS, given=answers, errors=problems.errors)
        return _page(request, "prevention/public/self_assessment_result.html", result=result,
                     can_share=seeker is not None)
    return _page(request, "prevention/public/self_assessment.html", questions=triage.QUESTIONS, given={},
                 errors={})


@help_page(methods=("POST",))
def self_assessment_share(request: HttpRequest) -> HttpResponse:
    seeker = _find(request)
    if seeker is None:
        return _page(request, "prevention/public/no_conversation.html")
    try:
        services.triage_share(seeker=seeker, answers=_answers(request), now=_now())
    except triage.InvalidAnswers:
        return _redirect("self-assessment")
    return _redirect("conversation", "#shared")


# --- the conversation ----------------------------------------------------------------------------


def _answering_centres() -> list[tuple[int, str]]:
    return [(p.agency_id, p.public_name) for p in services.answering_centres()]


def _rate_limited(request: HttpRequest, retry_after: int) -> HttpResponse:
    response = _page(request, "prevention/public/busy.html", status=429, minutes=max(1, retry_after // 60))
    response["Retry-After"] = str(retry_after)
    return response


@help_page(methods=("GET", "POST"))
def start(request: HttpRequest) -> HttpResponse:
    seeker = _find(request)
    if seeker is not None:
        return _redirect("conversation")
    form = StartForm(_posted(request), centres=_answering_centres())
    if request.method == "POST" and form.is_valid():
        from safeguard.accounts.models import Agency

        try:
            started = services.conversation_start(
                passphrase=form.cleaned_data["passphrase"], confirm=form.cleaned_data["confirm"],
                centre=Agency.objects.get(pk=form.cleaned_data["centre"]), language=get_language(),
                first_message=form.cleaned_data["first_message"], now=_now(),
                endpoint=f"{request.method} {request.path}",
            )
        except services.RateLimited as busy:
            return _rate_limited(request, busy.retry_after)
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            response = _redirect("conversation")
            help_seekers.set_cookie(response, started.token)
            return response
    return _page(request, "prevention/public/start.html", form=form, status=400 if form.errors else 200)


def _errors_onto(form: Any, exc: ValidationError) -> None:
    for field, errors in exc.error_dict.items() if hasattr(exc, "error_dict") else [(None, exc.error_list)]:
        for error in errors:
            form.add_error(field if field in form.fields else None, error.messages)


@help_page(methods=("GET", "POST"))
def come_back(request: HttpRequest) -> HttpResponse:
    """Return with the reference code and passphrase. An unknown code and a wrong passphrase get
    the same answer: the same status, the same words, the same page."""
    if _find(request) is not None:
        return _redirect("conversation")
    form = ReturnForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        outcome = services.conversation_return(
            code=form.cleaned_data["code"], passphrase=form.cleaned_data["passphrase"], now=_now(),
            endpoint=f"{request.method} {request.path}",
        )
        if outcome.status is services.ReturnStatus.OPENED:
            opened = _redirect("conversation")
            help_seekers.set_cookie(opened, outcome.token)
            return opened
        # The typed code is not shown again: the page is then the same, byte for byte, whichever
        # code was typed and whether or not a conversation has it.
        if outcome.status is services.ReturnStatus.NOT_MATCHED:
            return _page(request, "prevention/public/return.html", form=ReturnForm(), not_matched=True, status=400)
        response = _page(request, "prevention/public/return.html", form=ReturnForm(), locked=True, status=429,
                         minutes=max(1, outcome.retry_after // 60))
        response["Retry-After"] = str(outcome.retry_after)
        return response
    return _page(request, "prevention/public/return.html", form=form, status=400 if form.errors else 200)


@help_page(methods=("GET", "POST"))
def conversation(request: HttpRequest) -> HttpResponse:
    seeker = _find(request)
    if seeker is None:
        return _page(request, "prevention/public/no_conversation.html")
    form = MessageForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.message_send(seeker=seeker, body=form.cleaned_data["body"], now=_now())
        except services.RateLimited as busy:
            return _rate_limited(request, busy.retry_after)
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            return _redirect("conversation", "#latest")
    view = selectors.conversation_for_help_seeker(seeker=seeker)
    entries = [
        {
            "message": m, "who": m.get_author_display(), "mine": m.author == Author.HELP_SEEKER,
            "service": m.author == Author.SERVICE,
            "text": selectors.service_message_text(m.body) if m.author == Author.SERVICE else m.body,
        }
        for m in view.messages
    ]
    return _page(request, "prevention/public/conversation.html", view=view, form=form, entries=entries,
                 max_characters=services.limit("MESSAGE_MAX_CHARACTERS"),
                 can_ask_for_centre=not selectors.has_open_referral(view.conversation),
                 status=400 if form.errors else 200)


@help_page(methods=("POST",))
def code_saved(request: HttpRequest) -> HttpResponse:
    seeker = _find(request)
    if seeker is None:
        return _page(request, "prevention/public/no_conversation.html")
    services.code_acknowledge(seeker=seeker)
    return _redirect("conversation")


@help_page(methods=("POST",))
def leave(request: HttpRequest) -> HttpResponse:
    seeker = _find(request)
    if seeker is not None:
        services.session_end(seeker=seeker)
    response = _redirect("left")
    help_seekers.clear_cookie(response)
    return response


@help_page()
def left(request: HttpRequest) -> HttpResponse:
    _find(request)
    return _page(request, "prevention/public/left.html")


@help_page(methods=("GET", "POST"))
def centre_request(request: HttpRequest) -> HttpResponse:
    seeker = _find(request)
    if seeker is None:
        return _page(request, "prevention/public/no_conversation.html")
    listings = selectors.centres_with_waiting_times(now=_now(), referrals_only=True)
    form = CentreChoiceForm(_posted(request), centres=[(c.profile.agency_id, c.profile.public_name)
                                                          for c in listings])
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_request(seeker=seeker, centre_id=form.cleaned_data["centre"], now=_now())
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            return _redirect("conversation", "#appointments")
    return _page(request, "prevention/public/centre_request.html", form=form, centres=listings,
                 status=400 if form.errors else 200)


@help_page(methods=("POST",))
def appointment(request: HttpRequest) -> HttpResponse:
    seeker = _find(request)
    if seeker is None:
        return _page(request, "prevention/public/no_conversation.html")
    referral_id = request.POST.get("referral", "")
    answer = request.POST.get("answer", "")
    if answer not in ("accept", "decline") or not _is_uuid(referral_id):
        return _redirect("conversation", "#appointments")
    with contextlib.suppress(ValidationError):  # a stale answer: the page shows the appointment as it is now
        services.appointment_answer(seeker=seeker, referral_id=referral_id, accept=answer == "accept", now=_now())
    return _redirect("conversation", "#appointments")


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True

